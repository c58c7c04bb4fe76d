"""The contacts file (YAML): who receives which alerts, validated into typed ``Contact`` objects when it is loaded
(unknown keys refused; errors name the file, the entry and the key).

Roles: ``area_air_office`` (per area), ``river_chief`` (per river and province), ``joint_office``,
``data_operations``; which of them receive which kind of alert is rules.yaml ``recipients``. Alerts name their
audience as selectors (``{"role": "river_chief", "river": "濑溪河"}``), which
``recipients_for`` resolves here, so a rule never holds an address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assets.alerts.rules.yaml_files import load_yaml, register, validation_message

EXAMPLE_FILE = Path(__file__).with_name("contacts.example.yaml")
AREAS_CSV = Path(__file__).resolve().parents[3] / "dbt_like_sql" / "seeds" / "areas.csv"
# Deliberately strict: ASCII local part and domain, so that no header syntax or line break can ride in an address.
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


class ContactsError(ValueError):
    """A contacts file that cannot be used: the message names the file, entry and key."""


@cache
def area_provinces() -> dict[str, str]:
    """Area (Chinese name) -> province, from the areas seed (the one place the region is defined)."""
    frame = pl.read_csv(AREAS_CSV)
    return dict(zip(frame["area"], frame["province"]))


def _line(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


@dataclass(frozen=True)
class Contact:
    """Someone who receives alerts (also built from the warehouse's delivery rows, whose names are not re-checked:
    the mail rendering guards its headers itself)."""

    role: str
    name: str
    email: str
    language: str = "zh"
    area: str | None = None
    river: str | None = None
    province: str | None = None


class ContactEntry(BaseModel):
    """One entry of the contacts file; an air office's province comes from its area (areas.csv)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    role: Literal["area_air_office", "river_chief", "joint_office", "data_operations"]
    name: str = Field(min_length=1, pattern=r"^[^\r\n]+$")  # one line: it goes into mail headers
    email: str
    language: Literal["zh", "en"] = "zh"
    area: str | None = None
    river: str | None = None
    province: str | None = None

    _strip = field_validator("name", "email", "area", "river", "province", mode="before")(_line)

    @field_validator("email")
    @classmethod
    def _an_address(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f"not a valid address: {value!r}")
        return value

    @field_validator("area")
    @classmethod
    def _an_area(cls, value: str | None) -> str | None:
        if value is not None and value not in area_provinces():
            raise ValueError(f"{value!r} is not one of the areas ({'、'.join(area_provinces())})")
        return value

    @field_validator("province")
    @classmethod
    def _a_province(cls, value: str | None) -> str | None:
        provinces = sorted(set(area_provinces().values()))
        if value is not None and value not in provinces:
            raise ValueError(f"{value!r} is not a province; expected {' or '.join(provinces)}")
        return value

    @model_validator(mode="after")
    def _what_the_role_needs(self) -> ContactEntry:
        if self.role == "area_air_office" and self.area is None:
            raise ValueError("an area air office needs area (one of dbt_like_sql/seeds/areas.csv)")
        if self.role == "river_chief" and (not self.river or not self.province):
            raise ValueError("a river chief needs river and province (the side of the border the chief serves)")
        return self

    def contact(self) -> Contact:
        province = area_provinces()[self.area] if self.role == "area_air_office" else self.province
        return Contact(self.role, self.name, self.email, self.language, self.area, self.river, province)


@register
class ContactsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    contacts: list[ContactEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _every_file_needs(self) -> ContactsFile:
        for role in ("joint_office", "data_operations"):
            if not any(c.role == role for c in self.contacts):
                raise ValueError(f"no contact with role {role!r} (every file needs one)")
        return self


def load_contacts(path: Path = EXAMPLE_FILE) -> list[Contact]:
    """The contacts in ``path`` (``AlertSettings.contacts``: ENVMON_CONTACTS, else the shipped example)."""
    path = Path(path)
    try:
        doc = load_yaml(path)
    except FileNotFoundError:
        raise ContactsError(f"{path}: contacts file not found (ENVMON_CONTACTS)") from None
    except yaml.YAMLError as exc:
        raise ContactsError(f"{path}: not valid YAML: {exc}") from None
    try:
        return [e.contact() for e in ContactsFile.model_validate(doc if doc is not None else {}).contacts]
    except ValidationError as exc:
        raise ContactsError(validation_message(path, exc, "the contacts")) from None


def recipients_for(selectors: list[dict], contacts: list[Contact]) -> list[Contact]:
    """The contacts matching any selector (a dict of role plus optional area/river/province), without repeats."""
    chosen: dict[str, Contact] = {}
    for sel in selectors:
        for c in contacts:
            if c.role == sel["role"] and all(
                getattr(c, k) == v for k, v in sel.items() if k != "role" and v is not None
            ):
                chosen.setdefault(c.email.lower(), c)
    return list(chosen.values())
