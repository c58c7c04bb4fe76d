"""The YAML configuration files (contacts, alert rules): plain data only.

``yaml.safe_load`` already refuses tags (no Python objects), but it expands aliases: a few lines of nested
``&a [*b, *b, …]`` (an "alias bomb") took 52 s and then a MemoryError. These files have no use for anchors, so the
loader refuses any alias at once, naming the file, line and anchor; and a file larger than ``MAX_BYTES`` is not
parsed at all.
"""

from __future__ import annotations

from pathlib import Path

import yaml

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
