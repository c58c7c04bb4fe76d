"""Data Docs page views whose compiled Jinja templates outlive the view.

GX builds a new Jinja environment for every view it renders, so each Data Docs rebuild parses and compiles the
same templates again: about two thirds of a rebuild's time. These views share a bytecode cache on disk (Jinja's
own, keyed by the template source), used by every later build and every later process. The GX site config in
``gx_run`` names them; GX loads them by name while it builds the docs. The classes are built on that first
lookup, so that importing this module never imports GX (DESIGN pitfalls).
"""

from __future__ import annotations

from functools import cache

VIEW_NAMES = ("CachedPageView", "CachedIndexPageView")


def __getattr__(name: str) -> type:
    if name in VIEW_NAMES:
        return _views()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _views() -> dict[str, type]:
    from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
    from jinja2 import FileSystemBytecodeCache

    bytecode = FileSystemBytecodeCache()  # Jinja's default: a private (0700) folder per user in the temp folder

    def cached(base: type, name: str) -> type:
        def __init__(self, *args, **kwargs) -> None:
            base.__init__(self, *args, **kwargs)
            self.env.bytecode_cache = bytecode

        return type(name, (base,), {"__init__": __init__, "__module__": __name__})

    return {
        "CachedPageView": cached(DefaultJinjaPageView, "CachedPageView"),
        "CachedIndexPageView": cached(DefaultJinjaIndexPageView, "CachedIndexPageView"),
    }
