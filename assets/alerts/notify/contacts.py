"""The contacts file (YAML): who receives which alerts, validated when it is loaded.

Roles: ``area_air_office`` (per area), ``river_chief`` (per river and province), ``joint_office``,
``data_operations``. Alerts name their audience as selectors (``{"role": "river_chief", "river": "濑溪河"}``), which
``recipients_for`` resolves here, so a rule never holds an address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import yaml

from assets.alerts.rules.yaml_files import load_yaml

EXAMPLE_FILE = Path(__file__).with_name("contacts.example.yaml")
AREAS_CSV = Path(__file__).resolve().parents[3] / "dbt_like_sql" / "seeds" / "areas.csv"
ROLES = ("area_air_office", "river_chief", "joint_office", "data_operations")
LANGUAGES = ("zh", "en")
# Deliberately strict: ASCII local part and domain, so that no header syntax or line break can ride in an address.
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


class ContactsError(ValueError):
    """A contacts file that cannot be used: the message names the file, entry and field."""


@dataclass(frozen=True)
class Contact:
    role: str
    name: str
    email: str
    language: str = "zh"
    area: str | None = None
    river: str | None = None
    province: str | None = None


def area_provinces() -> dict[str, str]:
    """Area (Chinese name) -> province, from the areas seed (the one place the region is defined)."""
    frame = pl.read_csv(AREAS_CSV)
    return dict(zip(frame["area"], frame["province"]))


def load_contacts(path: Path = EXAMPLE_FILE) -> list[Contact]:
    """The contacts in ``path`` (``AlertSettings.contacts``: ENVMON_CONTACTS, else the shipped example)."""
    path = Path(path)
    try:
        doc = load_yaml(path)
    except FileNotFoundError:
        raise ContactsError(f"{path}: contacts file not found (ENVMON_CONTACTS)") from None
    except yaml.YAMLError as exc:
        raise ContactsError(f"{path}: not valid YAML: {exc}") from None
    entries = (doc or {}).get("contacts") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ContactsError(f"{path}: expected a non-empty list under 'contacts:'")
    areas = area_provinces()
    contacts = [_contact(path, i, entry, areas) for i, entry in enumerate(entries, start=1)]
    for role in ("joint_office", "data_operations"):
        if not any(c.role == role for c in contacts):
            raise ContactsError(f"{path}: no contact with role {role!r} (every file needs one)")
    return contacts


def _contact(path: Path, number: int, entry: object, areas: dict[str, str]) -> Contact:
    where = f"{path}: contact #{number}"
    if not isinstance(entry, dict):
        raise ContactsError(f"{where}: expected a mapping with role, name, email, language")
    unknown = set(entry) - {"role", "name", "email", "language", "area", "river", "province"}
    if unknown:
        raise ContactsError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    value = lambda field: None if entry.get(field) is None else str(entry[field]).strip()  # noqa: E731
    role, name, email, language = value("role"), value("name"), value("email"), value("language") or "zh"
    if role not in ROLES:
        raise ContactsError(f"{where}: field 'role' is {role!r}; expected one of {', '.join(ROLES)}")
    if not name or any(ch in name for ch in "\r\n"):
        raise ContactsError(f"{where}: field 'name' must be one non-empty line")
    if not email or not _EMAIL.match(email):
        raise ContactsError(f"{where}: field 'email' is not a valid address: {email!r}")
    if language not in LANGUAGES:
        raise ContactsError(f"{where}: field 'language' is {language!r}; expected zh or en")
    area, river, province = value("area"), value("river"), value("province")
    if role == "area_air_office":
        if area not in areas:
            raise ContactsError(f"{where}: field 'area' is {area!r}, not one of the areas ({'、'.join(areas)})")
        province = areas[area]
    if role == "river_chief":
        if not river:
            raise ContactsError(f"{where}: field 'river' is required for a river chief")
        if province not in set(areas.values()):
            raise ContactsError(
                f"{where}: field 'province' is {province!r}; expected {' or '.join(sorted(set(areas.values())))}"
            )
    return Contact(role, name, email, language, area, river, province)


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
