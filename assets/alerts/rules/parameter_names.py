"""River parameter names as people read them in alert mails: Chinese (总磷, 氨氮, 高锰酸盐指数, 溶解氧 …) and English
names with units, from the parameter seed (seeds.water_parameters): never the code's column ids."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class ParameterNames:
    table: dict[str, dict]  # parameter id -> {name_zh, name_en, unit}

    @classmethod
    def from_frame(cls, frame: pl.DataFrame) -> ParameterNames:
        return cls({r["parameter"]: r for r in frame.iter_rows(named=True)})

    def zh(self, parameter: str) -> str:
        return (self.table.get(parameter) or {}).get("name_zh") or parameter

    def en(self, parameter: str) -> str:
        return (self.table.get(parameter) or {}).get("name_en") or parameter

    def unit(self, parameter: str) -> str:
        return (self.table.get(parameter) or {}).get("unit") or ""

    def column(self, parameter: str) -> str:
        """An evidence column header: '总磷 TP (mg/L)'-like, Chinese first, with the unit."""
        unit = self.unit(parameter)
        return f"{self.zh(parameter)}{f' ({unit})' if unit else ''}"

    def value(self, parameter: str, value: float | None) -> str:
        unit = self.unit(parameter)
        return "—" if value is None else f"{value:.3g}{f' {unit}' if unit else ''}"

    def list_zh(self, parameters) -> str:
        return "、".join(self.zh(p) for p in parameters or []) or "—"

    def list_en(self, parameters) -> str:
        return ", ".join(self.en(p) for p in parameters or []) or "-"
