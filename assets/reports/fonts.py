"""A CJK-capable font for the chart labels: any font installed on the machine that draws Chinese.

``ENVMON_CHART_FONT`` chooses: a font file (``/usr/share/fonts/.../wqy-microhei.ttc``), a family name, or ``none``
(English labels, as on a machine without a CJK font). Unset, fontconfig is asked which installed fonts cover
Chinese (``fc-list :lang=zh``): whatever the package (fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk, a
vendor's font), the first one matplotlib can read and that draws every character of ``PROBE`` is used. Families of
``PREFERRED`` come first when several are installed, then the rest by file name, so the choice does not depend on
fontconfig's listing order; the list only orders, it never excludes.

The font is registered with matplotlib's own font manager (``fontManager.addfont``), the one its text rendering
asks: a font installed after matplotlib built its font cache is found through fontconfig, never by rebuilding a
FontManager (the charts kept using the old one, and every label asked it for a family it did not know: thousands of
``findfont`` warnings). Without a CJK font every chart label, legends included, is English
(seeds.areas.area_en, seeds.aqi_levels.category_en) and the Chinese stays in the HTML around the charts, so no
chart ever shows tofu boxes.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

from matplotlib import font_manager

PREFERRED = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei")
PROBE = "优良轻度污染川渝一二三四五六日月"  # characters the font must draw (legends, weekdays, months)
FC_LIST = ("fc-list", "--format", "%{file}\t%{family}\n", ":lang=zh")


def cjk_font() -> str | None:
    """The family name of the CJK font for the charts, registered with matplotlib; None without one."""
    return _resolve(os.environ.get("ENVMON_CHART_FONT", "").strip())


@cache
def _resolve(setting: str) -> str | None:
    if setting.lower() == "none":
        return None
    if setting and Path(setting).is_file():
        return _register(Path(setting))
    if setting:  # a family name
        if setting in {f.name for f in font_manager.fontManager.ttflist}:
            _as_normal_weight(font_manager.fontManager, setting)
            return setting
        files = [path for path, families in chinese_fonts() if setting in families]
        files += [p for p in font_manager.findSystemFonts() if _family(p) == setting]
        return next((name for name in map(_register, map(Path, files)) if name), None)
    for path in ordered(chinese_fonts()):
        name = _register(Path(path))
        if name:
            return name
    return None


def chinese_fonts() -> list[tuple[str, list[str]]]:
    """(file, family names) of every installed font that fontconfig says covers Chinese; [] without fontconfig."""
    if shutil.which(FC_LIST[0]) is None:
        return []
    try:
        out = subprocess.run(FC_LIST, capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return parse_fc_list(out)


def parse_fc_list(out: str) -> list[tuple[str, list[str]]]:
    """``fc-list --format '%{file}\\t%{family}\\n'`` lines -> (file, [family, ...]); a file listed for several
    faces (a .ttc) keeps the families of all of them, once."""
    fonts: dict[str, list[str]] = {}
    for line in out.splitlines():
        path, _, families = line.partition("\t")
        if path.strip():
            names = fonts.setdefault(path.strip(), [])
            names += [f.strip() for f in families.split(",") if f.strip() and f.strip() not in names]
    return list(fonts.items())


def ordered(fonts: list[tuple[str, list[str]]]) -> list[str]:
    """The files to try: those holding a ``PREFERRED`` family first (in its order), then the rest by path."""

    def rank(item: tuple[str, list[str]]) -> tuple[int, str]:
        path, families = item
        return (min((PREFERRED.index(f) for f in families if f in PREFERRED), default=len(PREFERRED)), path)

    return [path for path, _ in sorted(fonts, key=rank)]


def _family(path: str) -> str | None:
    try:
        return font_manager.get_font(path).family_name
    except (OSError, RuntimeError, ValueError):  # a broken or unsupported font file
        return None


def _register(path: Path) -> str | None:
    """Add the file to matplotlib's font manager; its family name, or None when matplotlib cannot read it (a bitmap
    font) or it cannot draw Chinese."""
    try:
        font = font_manager.get_font(str(path))
    except (OSError, RuntimeError, ValueError):
        return None
    if not all(font.get_char_index(ord(c)) for c in PROBE):
        return None
    manager = font_manager.fontManager
    manager.addfont(str(path))  # appends its entry (and clears matplotlib's lookup cache)
    _as_normal_weight(manager, font.family_name)
    return font.family_name


def _as_normal_weight(manager: font_manager.FontManager, family: str) -> None:
    """A family whose only weight is not 400 (WenQuanYi Zen Hei is 500, medium) is what matplotlib draws for the
    normal weight anyway, but it warns at every lookup ("Failed to find font weight normal … now using 500"): its
    entries are recorded as the normal weight. Done right after ``addfont``, before any lookup is cached."""
    entries = [i for i, f in enumerate(manager.ttflist) if f.name == family]
    if entries and not any(manager.ttflist[i].weight in (400, "normal", "regular") for i in entries):
        for i in entries:
            manager.ttflist[i] = dataclasses.replace(manager.ttflist[i], weight=400)
