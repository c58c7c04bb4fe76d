"""The Data Docs site's store backend: GX's filesystem backend, with pages made offline and every file atomic.

Each HTML page GX writes goes through ``data_docs_offline.rewrite_page`` (CDN links -> the vendored copies under
``static/vendor``); the index page's write also installs those copies. Every file is written beside its target
and renamed over it, so a reader never opens half a page. The GX site config in ``gx_run`` names this class;
GX loads it by name while it builds the docs. Like ``gx_views``, the class is built on that first lookup, so
importing this module never imports GX (DESIGN pitfalls).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from assets.quality.data_docs_offline import install_vendor, rewrite_page

CLASS_NAME = "OfflineSiteStoreBackend"


def __getattr__(name: str) -> type:
    if name == CLASS_NAME:
        return _backend()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _backend() -> type:
    from great_expectations.data_context.store import TupleFilesystemStoreBackend

    def _set(self, key, value, **kwargs):
        if not isinstance(key, tuple):
            key = key.to_tuple()
        relative = self._convert_key_to_filepath(key)
        target = Path(self.full_base_directory) / relative
        if isinstance(value, str) and relative.endswith(".html"):
            if relative == "index.html":
                install_vendor(Path(self.full_base_directory))
            value = rewrite_page(value, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(value.encode("utf-8") if isinstance(value, str) else value)
        os.replace(partial, target)
        return str(target)

    return type(CLASS_NAME, (TupleFilesystemStoreBackend,), {"_set": _set, "__module__": __name__})
