"""The report's charts as PNG bytes (matplotlib, no display): openair-style AQI calendar, PM2.5 and O3 trends
against the limits in force, good-days ratio by area, the section x month water-class matrix."""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from assets.reports.fonts import cjk_font  # noqa: E402
from assets.reports.joint_charts import joint_charts  # noqa: E402
from assets.reports.tables import ReportTables  # noqa: E402

MISSING = "#D9D9D9"
WEEKDAYS = {True: list("一二三四五六日"), False: ["M", "T", "W", "T", "F", "S", "S"]}  # Monday first, as calendar
# Display colours of the water classes (the usual 蓝/绿/黄/橙/红 scheme of Chinese water bulletins).
WATER_COLORS = {"I": "#1F77B4", "II": "#56B4E9", "III": "#2CA02C", "IV": "#F0E442", "V": "#FF7F0E", "劣V": "#D62728"}
DPI = 110


def render_charts(t: ReportTables) -> dict[str, tuple[str, bytes]]:
    """name -> (caption, PNG). A chart whose data is absent is left out (the HTML says why)."""
    with chart_style():
        return {name: (caption, _png(fig)) for name, (caption, fig) in chart_figures(t).items()}


@contextlib.contextmanager
def chart_style():
    """The charts' fonts: the CJK font (fonts.py) first when there is one, DejaVu Sans for the rest."""
    font = cjk_font()
    with plt.rc_context(
        {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "axes.unicode_minus": False}
    ):
        yield font


def chart_figures(t: ReportTables) -> dict[str, tuple[str, plt.Figure]]:
    """name -> (caption, figure), drawn in the current ``chart_style()``: Chinese labels only with a CJK font."""
    chinese = cjk_font() is not None
    label = _area_labels(t, chinese)
    charts: dict[str, tuple[str, plt.Figure]] = {}
    daily = t.tables.get("air_area_daily")
    if daily is not None and daily.height:
        draw = _calendar_month if t.period.kind == "month" else _calendar_year
        cal = draw(daily, t, label, chinese)
        charts["aqi_calendar"] = ("日AQI日历 Daily AQI calendar by area", cal)
        charts["pm25_trend"] = (
            "PM2.5日均浓度 PM2.5 daily means vs. 24-h limit",
            _trend(daily, t, label, "pm25", "PM2.5", "24h"),
        )
        charts["o3_trend"] = (
            "O3日最大8小时 O3 daily max 8-h vs. limit",
            _trend(daily, t, label, "o3_8h_max", "O3", "daily_max_8h"),
        )
    area = t.tables.get("air_area")
    if area is not None and area.height:
        charts["good_days"] = ("优良天数比例 Good-days ratio by area", _good_days(area, label, chinese))
    charts.update(joint_charts(t, label, chinese))  # the composite index ranking
    sections = t.tables.get("water_sections_ytd")
    if sections is not None and sections.height:
        title = "断面水质类别 Water class by section and month"
        if t.period.kind == "month":  # the months of the year through the report's month
            title = f"断面水质类别（1–{t.period.start.month}月累计）Water class by section and month, year to date"
        charts["water_matrix"] = (title, _water_matrix(sections, chinese))
    return charts


def _area_labels(t: ReportTables, chinese: bool) -> dict[str, str]:
    if chinese or t.areas is None:
        return {}
    return dict(zip(t.areas["area"], t.areas["area_en"]))


def _level_colors(aqi: np.ndarray, levels: pl.DataFrame) -> np.ndarray:
    """RGB per AQI value from seeds.aqi_levels (grey where there is no AQI)."""
    mins = levels["aqi_min"].to_numpy()
    palette = np.array([to_rgb(c) for c in levels["color_hex"]] + [to_rgb(MISSING)])
    idx = np.clip(np.searchsorted(mins, np.nan_to_num(aqi, nan=-1), side="right") - 1, 0, len(mins) - 1)
    idx = np.where(np.isnan(aqi), len(mins), idx)
    return palette[idx]


def _level_legend(levels: pl.DataFrame, chinese: bool) -> list[Patch]:
    """优/良/轻度污染 ... with a CJK font, excellent/good/lightly polluted ... without one (seeds.aqi_levels)."""
    names = levels["category_zh"] if chinese else levels["category_en"]
    return [
        Patch(color=c, label=f"{name} {lo}-{hi}")
        for c, name, lo, hi in zip(levels["color_hex"], names, levels["aqi_min"], levels["aqi_max"])
    ] + [Patch(color=MISSING, label="无数据 no data" if chinese else "no data")]


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _calendar_month(daily: pl.DataFrame, t: ReportTables, label: dict[str, str], chinese: bool) -> plt.Figure:
    """One small calendar per area (weeks x weekdays), each day coloured by its AQI level, AQI written in it."""
    areas = daily["area"].unique(maintain_order=True).to_list()
    cols = min(5, len(areas))
    rows = -(-len(areas) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 2.4 * rows + 0.8), squeeze=False)
    first = t.period.start
    weeks = calendar.Calendar().monthdatescalendar(first.year, first.month)
    for ax, area in zip(axes.flat, areas):
        values = dict(daily.filter(pl.col("area") == area).select("day", "aqi").iter_rows())
        for w, week in enumerate(weeks):
            for d, day in enumerate(week):
                if day.month != first.month:
                    continue
                aqi = values.get(day)
                color = _level_colors(np.array([np.nan if aqi is None else aqi], float), t.levels)[0]
                ax.add_patch(plt.Rectangle((d, -w), 0.95, 0.95, color=color))
                ax.text(d + 0.47, -w + 0.62, str(day.day), ha="center", va="center", fontsize=5, color="#333333")
                ax.text(
                    d + 0.47, -w + 0.28, "" if aqi is None else f"{aqi:.0f}", ha="center", va="center", fontsize=6.5
                )
        ax.set_xlim(0, 7)
        ax.set_ylim(-len(weeks) + 1, 1)
        ax.set_xticks(np.arange(7) + 0.47, WEEKDAYS[chinese], fontsize=6)
        ax.set_yticks([])
        ax.tick_params(length=0)
        ax.set_frame_on(False)
        ax.set_title(label.get(area, area), fontsize=9)
    for ax in list(axes.flat)[len(areas) :]:
        ax.axis("off")
    fig.legend(handles=_level_legend(t.levels, chinese), loc="lower center", ncol=7, fontsize=7, frameon=False)
    fig.suptitle(f"{first.year}年{first.month}月 日AQI" if chinese else f"Daily AQI {first:%Y-%m}", fontsize=11)
    fig.subplots_adjust(bottom=0.12)
    return fig


def _calendar_year(daily: pl.DataFrame, t: ReportTables, label: dict[str, str], chinese: bool) -> plt.Figure:
    """The year as one strip per area (rows) and day (columns), coloured by AQI level."""
    areas = daily["area"].unique(maintain_order=True).to_list()
    days = [t.period.start + dt.timedelta(days=i) for i in range((t.period.end - t.period.start).days + 1)]
    grid = np.full((len(areas), len(days)), np.nan)
    pos = {a: i for i, a in enumerate(areas)}
    offset = daily.select(
        pl.col("area").replace_strict(pos).alias("r"),
        (pl.col("day") - pl.lit(t.period.start)).dt.total_days().alias("c"),
        pl.col("aqi").cast(pl.Float64),
    ).drop_nulls(["r", "c"])
    grid[offset["r"].to_numpy(), offset["c"].to_numpy()] = offset["aqi"].fill_null(np.nan).to_numpy()
    rgb = _level_colors(grid.ravel(), t.levels).reshape(*grid.shape, 3)
    fig, ax = plt.subplots(figsize=(12, 0.35 * len(areas) + 1.5))
    ax.imshow(rgb, aspect="auto", interpolation="nearest")
    ax.set_yticks(range(len(areas)), [label.get(a, a) for a in areas], fontsize=8)
    month_starts = [i for i, d in enumerate(days) if d.day == 1]
    months = [f"{days[i].month}月" if chinese else days[i].strftime("%b") for i in month_starts]
    ax.set_xticks(month_starts, months, fontsize=8)
    ax.legend(
        handles=_level_legend(t.levels, chinese),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=7,
        fontsize=7,
        frameon=False,
    )
    ax.set_title(f"{t.period.start.year}年 日AQI" if chinese else f"Daily AQI {t.period.label}", fontsize=11)
    return fig


def _trend(
    daily: pl.DataFrame, t: ReportTables, label: dict[str, str], column: str, pollutant: str, averaging: str
) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(10, 3.6))
    for area, frame in daily.group_by("area", maintain_order=True):
        ax.plot(frame["day"].to_list(), frame[column].to_list(), lw=1.1, label=label.get(area[0], area[0]))
    limits = t.limits.filter((pl.col("pollutant") == pollutant) & (pl.col("averaging") == averaging))
    for row in limits.iter_rows(named=True):
        lo = max(row["valid_from"], t.period.start)
        hi = min(row["valid_to"] or t.period.end, t.period.end)
        ax.hlines(row["grade_ii"], lo, hi, colors="black", linestyles="--", lw=1.2)
        ax.annotate(f"{row['standard']} {row['grade_ii']:g}", (lo, row["grade_ii"]), fontsize=7, va="bottom")
    unit = "mg/m³" if pollutant == "CO" else "µg/m³"
    ax.set_ylabel(f"{pollutant} ({unit})")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return fig


def _good_days(area: pl.DataFrame, label: dict[str, str], chinese: bool) -> plt.Figure:
    frame = area.sort("good_days_ratio", nulls_last=True)
    names = [label.get(a, a) for a in frame["area"]]
    ratios = frame["good_days_ratio"].fill_null(0).to_list()
    fig, ax = plt.subplots(figsize=(7, 0.38 * len(names) + 1))
    bars = ax.barh(names, ratios, color="#2CA02C")
    for bar, ratio, valid in zip(bars, frame["good_days_ratio"], frame["valid_days"]):
        days = f"{valid}天" if chinese else f"{valid} d"
        text = ("无数据" if chinese else "n/a") if ratio is None else f"{ratio:.1f}% ({days})"
        ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, text, va="center", fontsize=7)
    ax.set_xlim(0, 115)
    ax.set_xlabel("优良天数 / 有效天数 (%)" if chinese else "good days / valid days (%)")
    return fig


def _water_matrix(sections: pl.DataFrame, chinese: bool) -> plt.Figure:
    months = sorted(sections["month"].unique().to_list())
    keys = sections.select("section_code", "section_name").unique(maintain_order=True)
    fig, ax = plt.subplots(figsize=(min(3.0 + 0.7 * len(months), 12), 0.32 * keys.height + 1.2))
    cell = {(r["section_code"], r["month"]): r["water_class"] for r in sections.iter_rows(named=True)}
    for i, code in enumerate(keys["section_code"]):
        for j, month in enumerate(months):
            cls = cell.get((code, month))
            ax.add_patch(plt.Rectangle((j, -i), 0.95, 0.9, color=WATER_COLORS.get(cls, MISSING)))
            ax.text(j + 0.47, -i + 0.45, _class_label(cls, chinese), ha="center", va="center", fontsize=7)
    ax.set_xlim(0, len(months))
    ax.set_ylim(-keys.height + 1, 1)
    ax.set_xticks(np.arange(len(months)) + 0.47, [m.strftime("%Y-%m") for m in months], fontsize=7, rotation=45)
    ax.set_yticks(-np.arange(keys.height) + 0.45, keys["section_code"].to_list(), fontsize=7)
    ax.tick_params(length=0)
    ax.set_frame_on(False)
    ax.legend(
        handles=[Patch(color=c, label=_class_label(k, chinese)) for k, c in WATER_COLORS.items()],
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize=7,
        frameon=False,
    )
    return fig


def _class_label(water_class: str | None, chinese: bool) -> str:
    """劣V (worse than class V) is written V+ where the charts have no CJK font."""
    return (water_class or "") if chinese else (water_class or "").replace("劣V", "V+")
