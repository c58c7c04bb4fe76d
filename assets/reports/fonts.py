"""A CJK-capable font for the chart labels, when the machine has one (Debian: fonts-wqy-microhei, fonts-noto-cjk).

``ENVMON_CHART_FONT`` chooses: a font file (``/usr/share/fonts/.../wqy-microhei.ttc``), a family name, or ``none``
(English labels, as on a machine without a CJK font); unset, the first of ``CANDIDATES`` that is installed.

The font is registered with matplotlib's own font manager (``fontManager.addfont``), the one its text rendering
asks: a font installed after matplotlib built its font cache is found by looking at the system's font files once,
never by rebuilding a FontManager (the charts kept using the old one, and every label asked it for a family it did
not know: thousands of ``findfont`` warnings). Without a CJK font every chart label, legends included, is English
(seeds.areas.area_en, seeds.aqi_levels.category_en) and the Chinese stays in the HTML around the charts, so no
chart ever shows tofu boxes.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from matplotlib import font_manager

CANDIDATES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "SimHei")
PROBE = "优良轻度污染川渝"  # characters every candidate must draw


def cjk_font() -> str | None:
    """The family name of the CJK font for the charts, registered with matplotlib; None without one."""
    return _resolve(os.environ.get("ENVMON_CHART_FONT", "").strip())


@cache
def _resolve(setting: str) -> str | None:
    if setting.lower() == "none":
        return None
    if setting and Path(setting).is_file():
        return _register(Path(setting))
    wanted = (setting,) if setting else CANDIDATES
    known = {f.name for f in font_manager.fontManager.ttflist}
    found = next((name for name in wanted if name in known), None)
    if found:
        return found
    for path in font_manager.findSystemFonts():  # installed since matplotlib's cache was built
        name = _family(path)
        if name in wanted:
            return _register(Path(path))
    return None


def _family(path: str) -> str | None:
    try:
        return font_manager.get_font(path).family_name
    except (OSError, RuntimeError, ValueError):  # a broken or unsupported font file
        return None


def _register(path: Path) -> str | None:
    """Add the file to matplotlib's font manager; its family name, or None when it cannot draw Chinese."""
    font = font_manager.get_font(str(path))
    if not all(font.get_char_index(ord(c)) for c in PROBE):
        return None
    font_manager.fontManager.addfont(str(path))
    return font.family_name
