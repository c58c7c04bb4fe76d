"""Data Docs page views whose compiled Jinja templates outlive the view.

GX builds a new Jinja environment for every view it renders, so each Data Docs rebuild parses and compiles the
same templates again: about two thirds of a rebuild's time. These views share a bytecode cache on disk (Jinja's
own, keyed by the template source), used by every later build and every later process. The GX site config in
``gx_run`` names them; GX imports this module while it builds the docs.
"""

from __future__ import annotations

from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import FileSystemBytecodeCache

# Jinja's default folder: a private (0700) directory per user in the system's temp folder
_BYTECODE = FileSystemBytecodeCache()


class CachedPageView(DefaultJinjaPageView):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.env.bytecode_cache = _BYTECODE


class CachedIndexPageView(DefaultJinjaIndexPageView):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.env.bytecode_cache = _BYTECODE
