"""重污染天气预警: per-area warning levels from the daily AQI series, and the regional joint warning.

The series per area joins the observed daily AQI up to the evaluated day D with the latest forecast for the days
after D. Days with AQI above ``heavy_aqi`` form episodes; episodes separated by at most ``merge_gap_days`` clean
days are one episode (they do not clear). On day D an area is under warning when an episode still has a heavy day
after D and meets a level's conditions (rules.yaml ``warning.levels``, the national criteria by default). The
warning is lifted when the forecast shows no heavy day ahead, i.e. clean air for at least ``lift_clear_hours``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import polars as pl

from assets.alerts.rules.candidates import LEVEL_RANKS, Candidate, area_places
from assets.alerts.rules.rules_config import Level, RegionalRules, Rules, WarningRules


@dataclass(frozen=True)
class Episode:
    area: str
    province: str
    level: str
    days: pl.DataFrame  # day, aqi, observed: every day from the first to the last heavy day

    @property
    def first(self) -> dt.date:
        return self.days["day"].min()

    @property
    def last(self) -> dt.date:
        return self.days["day"].max()


def episodes(series: pl.DataFrame, heavy_aqi: int, merge_gap_days: int) -> pl.DataFrame:
    """Heavy days of each area labelled with an episode number (area, day, aqi, observed, episode)."""
    heavy = series.filter(pl.col("aqi") > heavy_aqi).sort("area", "day")
    gap = (pl.col("day") - pl.col("day").shift(1).over("area")).dt.total_days() - 1
    return heavy.with_columns(episode=(gap.fill_null(10**6) > merge_gap_days).cast(pl.Int32).cum_sum().over("area"))


def level_met(days: pl.DataFrame, levels: list[Level]) -> str | None:
    """The highest configured level whose conditions one of its ``any_of`` alternatives meets on these days."""
    for spec in levels:  # highest first, as in rules.yaml
        for alternative in spec.any_of:
            if alternative.reach is not None and (days["aqi"] >= alternative.reach).any():
                return spec.level
            needs = alternative.days_above
            if needs and all((days["aqi"] > aqi).sum() >= n for aqi, n in needs.items()):
                return spec.level
    return None


def area_warnings(series: pl.DataFrame, day: dt.date, cfg: WarningRules) -> list[Episode]:
    """The warning episode of each area on ``day`` (at most one per area: the earliest ahead that meets a level)."""
    if cfg.lift_clear_hours is not None:  # the lift rule implies the gap that does not clear
        merge_gap = max(cfg.merge_gap_days, math.ceil(cfg.lift_clear_hours / 24) - 1)
    else:
        merge_gap = cfg.merge_gap_days
    labelled = episodes(series, cfg.heavy_aqi, merge_gap)
    provinces = dict(series.select("area", "province").unique().iter_rows())
    found = []
    for (area, _), days in labelled.group_by("area", "episode", maintain_order=True):
        if days["day"].max() <= day:  # nothing heavy ahead: cleared (or lifted)
            continue
        counted = days if cfg.count_observed_days else days.filter(pl.col("day") > day)
        level = level_met(counted, cfg.levels)
        if level and not any(e.area == area for e in found):
            span = series.filter(
                (pl.col("area") == area) & pl.col("day").is_between(days["day"].min(), days["day"].max())
            )
            found.append(Episode(area, provinces[area], level, span.select("day", "aqi", "observed").sort("day")))
    return found


def regional_level(found: list[Episode], day: dt.date, cfg: RegionalRules) -> tuple[str, list[Episode]] | None:
    """The project's regional rule: on some day after D, >= min_areas areas under warning, >= min_per_province in
    each province; the level is the highest one at least min_areas of those areas reach."""
    provinces = {e.province for e in found}
    best = None
    ahead = sorted({d for e in found for d in e.days["day"] if d > day})
    for t in ahead:
        covering = [e for e in found if e.first <= t <= e.last]
        per_province = {p: sum(e.province == p for e in covering) for p in provinces}
        if len(covering) < cfg.min_areas or len(provinces) < 2 or min(per_province.values()) < cfg.min_per_province:
            continue
        ranks = sorted((LEVEL_RANKS[e.level] for e in covering), reverse=True)
        rank = ranks[cfg.min_areas - 1]
        if best is None or rank > best[0]:
            best = (rank, covering)
    if best is None:
        return None
    level = next(name for name in ("yellow", "orange", "red") if LEVEL_RANKS[name] == best[0])
    return level, best[1]


def warning_candidates(series: pl.DataFrame, day: dt.date, rules: Rules, all_areas: list[str]) -> list[Candidate]:
    cfg = rules.warning
    found = area_warnings(series, day, cfg)
    out = [
        Candidate(
            kind="area_warning",
            subject=e.area,
            level=e.level,
            title_zh="重污染天气预警",
            title_en="heavy air pollution warning",
            subjects=[e.area],
            recipients=area_places(e.area),
            evidence=_evidence(e),
            standard=cfg.standard,
            standard_zh=cfg.standard_in_chinese,
            summary_zh=f"{e.area}预计{e.first}至{e.last}出现重污染过程（日AQI>{cfg.heavy_aqi}）。",
            summary_en=f"{e.area}: heavy pollution episode expected {e.first} to {e.last} "
            f"(daily AQI > {cfg.heavy_aqi}).",
            data_status=_status(e),
        )
        for e in found
    ]
    regional = regional_level(found, day, rules.regional)
    if regional:
        level, covering = regional
        names = [e.area for e in covering]
        out.append(
            Candidate(
                kind="regional_warning",
                subject="region",
                level=level,
                title_zh="区域重污染天气联合预警",
                title_en="regional joint heavy air pollution warning",
                subjects=names,
                recipients=area_places(*all_areas),
                evidence=[r for e in covering for r in _evidence(e)],
                standard=f"{cfg.standard}; regional rule of the project (>= {rules.regional.min_areas} areas, "
                f">= {rules.regional.min_per_province} per province)",
                standard_zh=f"{cfg.standard_in_chinese}；本项目的区域联合预警规则（同期至少"
                f"{rules.regional.min_areas}个区县，每省至少{rules.regional.min_per_province}个）",
                summary_zh=f"川南渝西{len(names)}个区县（{'、'.join(names)}）同期达到预警条件，启动区域联合预警。",
                summary_en=f"{len(names)} areas of both provinces meet warning conditions on the same days: "
                "regional warning.",
                data_status="forecast",
            )
        )
    return out


def _evidence(e: Episode) -> list[dict]:
    return [
        {
            "区县 area": e.area,
            "日期 day": str(r["day"]),
            "AQI": r["aqi"],
            "来源 basis": "实测 observed" if r["observed"] else "预报 forecast",
        }
        for r in e.days.iter_rows(named=True)
    ]


def _status(e: Episode) -> str:
    return "forecast + preliminary observations" if e.days["observed"].any() else "forecast"
