"""A CJK-capable font for chart labels, when the machine has one (Debian: fonts-wqy-microhei, fonts-noto-cjk).

Without one, charts label areas with their English names (seeds.areas.area_en) and the Chinese stays in the HTML
text around them, so no chart ever shows tofu boxes.
"""

from __future__ import annotations

from functools import cache

from matplotlib import font_manager

CANDIDATES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "SimHei")


@cache
def cjk_font() -> str | None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CANDIDATES:
        if name in installed:
            return name
    # the font cache predates a font installed since: rebuild it once
    font_manager.fontManager = font_manager.FontManager()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CANDIDATES if name in installed), None)
