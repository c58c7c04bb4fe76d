"""The YAML configuration files (contacts, alert rules): plain data only, and their errors named by key.

``yaml.safe_load`` already refuses tags (no Python objects), but it expands aliases: a few lines of nested
``&a [*b, *b, …]`` (an "alias bomb") took 52 s and then a MemoryError. These files have no use for anchors, so the
loader refuses any alias at once, naming the file, line and anchor; and a file larger than ``MAX_BYTES`` is not
parsed at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import yaml
from pydantic import BaseModel, ValidationError

MAX_BYTES = 1 << 20  # the real files are a few KiB


class AliasRefused(yaml.YAMLError):
    pass


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise AliasRefused(
                f"line {event.start_mark.line + 1}: YAML alias *{event.anchor} refused (anchors and aliases are not "
                "allowed in this file: write the value out)"
            )
        return super().compose_node(parent, index)


def load_yaml(path: Path) -> object:
    """The file's data; OSError when it cannot be read, yaml.YAMLError for bad YAML, aliases or a huge file."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise yaml.YAMLError(f"file of {size:,} bytes, more than the {MAX_BYTES:,} a configuration file may have")
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader)


def validation_message(path: Path, error: ValidationError, what: str) -> str:
    """Each problem pydantic found, one line each, as ``file: key.path: problem``: the key path as written in
    the file (list items numbered from 1, ``levels[#2]``), an unknown key with the keys allowed there."""
    lines = []
    for e in error.errors():
        *parent, last = e["loc"] or ("",)
        at = lambda loc: f"{path}: {_dotted(loc)}: " if loc else f"{path}: "  # noqa: E731
        if e["type"] == "extra_forbidden":
            allowed = _keys_at(error.title, parent)
            hint = f" (expected {', '.join(allowed)})" if allowed else ""
            lines.append(f"{at(parent)}unknown key {last!r}{hint}")
        elif e["type"] == "missing":
            lines.append(f"{at(parent)}missing key {last!r}")
        elif e["type"] == "value_error":  # our own validators: the message says what was found
            lines.append(f"{at(e['loc'])}{e['msg'].removeprefix('Value error, ')}")
        else:
            got = "" if isinstance(e["input"], dict | list) else f" (got {e['input']!r})"
            lines.append(f"{at(e['loc'])}{e['msg']}{got}")
    return f"{path}: {what}: {len(lines)} problems\n" + "\n".join(lines) if len(lines) > 1 else lines[0]


def _dotted(loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[#{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


MODELS: dict[str, type[BaseModel]] = {}  # the root model of each file, by class name (registered by its loader)


def register(model: type[BaseModel]) -> type[BaseModel]:
    MODELS[model.__name__] = model
    return model


def _keys_at(root: str, loc) -> list[str]:
    """The keys the model allows at ``loc`` (for the hint of an unknown key), [] when it cannot tell."""
    current: object = MODELS.get(root)
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return []
        current = _model_in(current.model_fields[part].annotation)
    return list(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def _model_in(annotation) -> object:
    """The model inside ``list[M]``, ``tuple[M, ...]``, ``dict[K, M]``, ``M | None``; else the annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in reversed(get_args(annotation)):
        if (found := _model_in(arg)) is not None and isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return annotation
