"""The chart of the joint assessment: the composite-index ranking (综合指数排名) as stacked bars of the six single
indices, the cleanest area on top; areas not ranked (data capture) are drawn hatched with the reason."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402

from assets.reports.tables import ReportTables  # noqa: E402

# Single indices in the order of the national bulletins, with their colours.
INDICES = {
    "i_pm25": ("PM2.5", "#8C564B"),
    "i_pm10": ("PM10", "#C49C94"),
    "i_o3_8h": ("O3-8h", "#1F77B4"),
    "i_no2": ("NO2", "#FF7F0E"),
    "i_so2": ("SO2", "#BCBD22"),
    "i_co": ("CO", "#7F7F7F"),
}


def joint_charts(t: ReportTables, label: dict[str, str], chinese: bool = False) -> dict[str, tuple[str, plt.Figure]]:
    """``chinese``: a CJK font draws the chart (fonts.py), so its words are Chinese; else English."""
    index = t.tables.get("composite_index")
    if index is None or not index.height or index["i_sum"].is_null().all():
        return {}
    return {
        "composite_index": (
            "环境空气质量综合指数排名 Composite air-quality index ranking (环办监测〔2018〕19号)",
            _composite(index, label, chinese),
        )
    }


def _composite(index: pl.DataFrame, label: dict[str, str], chinese: bool) -> plt.Figure:
    frame = index.filter(pl.col("i_sum").is_not_null()).sort(
        [pl.col("rank").is_null(), "rank", "i_sum"], descending=[True, True, True]
    )  # rank 1 at the top
    names = [label.get(a, a) for a in frame["area"]]
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(names) + 1.4))
    left = [0.0] * frame.height
    for column, (name, color) in INDICES.items():
        values = frame[column].fill_null(0).to_list()
        hatch = ["//" if r is None else "" for r in frame["rank"]]
        bars = ax.barh(names, values, left=left, color=color, label=name, edgecolor="white", linewidth=0.5)
        for bar, h in zip(bars, hatch):
            bar.set_hatch(h)
        left = [a + b for a, b in zip(left, values)]
    for y, row in enumerate(frame.iter_rows(named=True)):
        if row["rank"] is not None:
            text = f"{row['i_sum']:.2f}  第{row['rank']}名" if chinese else f"{row['i_sum']:.2f}  #{row['rank']}"
        else:
            unranked = "不参与排名（数据获取率不足）" if chinese else "not ranked (data capture)"
            text = f"{row['i_sum']:.2f}  {unranked}"
        ax.text(left[y] + 0.05, y, text, va="center", fontsize=7)
    ax.set_xlim(0, max(left) * 1.35 if left else 1)
    ax.set_xlabel(
        "综合指数 I_sum = Σ C_i / S_i（越小空气越好）"
        if chinese
        else "composite index I_sum = sum of C_i / S_i (lower = cleaner air)"
    )
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=7, ncol=6, frameon=False)  # above the bars
    return fig
