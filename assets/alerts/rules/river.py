"""River alerts for the joint river-chief system (河长制), on the GB 3838 class of every reading.

- Sustained exceedance: at least ``sustained_readings`` consecutive readings worse than the section's target class,
  one of them on day D; TP (总磷) is named first when it is among the exceeding parameters.
- Sudden change (incident): a reading of day D with a parameter at least ``incident_factor`` times its median of the
  previous ``incident_median_hours`` and worse than ``incident_beyond_class``.
- Attribution: each reading is matched with the upstream section's reading one travel time earlier (catalog
  ``next_section_code`` / ``travel_time_hours``, ± ``travel_slack_hours``). If most upstream readings also exceed
  their target: "inflow from upstream" (上游来水), else "local increase" (本地增加).
Both provinces' river chiefs of that river and the joint office receive them.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from assets.alerts.rules.candidates import Candidate, river_places
from assets.alerts.rules.outage import section_label
from assets.alerts.rules.parameter_names import ParameterNames
from assets.alerts.rules.rules_config import RiverRules

SHOWN_PARAMETERS = ["total_phosphorus", "ammonia_nitrogen", "codmn", "dissolved_oxygen", "ph"]


def attribute(readings: pl.DataFrame, sections: pl.DataFrame, slack_hours: float) -> pl.DataFrame:
    """``readings`` with the upstream section's lagged reading: up_section, up_ts, up_class, up_exceeds."""
    upstream = sections.filter(pl.col("next_section_code").is_not_null()).select(
        pl.col("section_code").alias("up_section"),
        pl.col("next_section_code").alias("section_code"),
        pl.col("travel_time_hours").cast(pl.Float64),
    )
    lagged = (
        readings.join(upstream, on="section_code", how="left")
        .with_columns(
            up_time=pl.col("ts") - pl.duration(minutes=(pl.col("travel_time_hours").fill_null(0) * 60).cast(pl.Int64))
        )
        .sort("up_time")
    )
    up = readings.select(
        pl.col("section_code").alias("up_section"),
        pl.col("ts").alias("up_ts"),
        pl.col("water_class").alias("up_class"),
        (~pl.col("compliant")).alias("up_exceeds"),
    ).sort("up_ts")
    lagged = lagged.join_asof(
        up,
        left_on="up_time",
        right_on="up_ts",
        by="up_section",
        strategy="nearest",
        tolerance=dt.timedelta(hours=slack_hours),
        check_sortedness=False,  # sorted by up_time as a whole
    ).drop("up_time", "travel_time_hours")
    # below a confluence there are several upstream sections: keep one row per reading, an exceeding one if any
    return lagged.sort(
        "section_code", "ts", pl.col("up_exceeds").fill_null(False), descending=[False, False, True]
    ).unique(subset=["section_code", "ts"], keep="first", maintain_order=True)


def river_candidates(
    readings: pl.DataFrame,
    sections: pl.DataFrame,
    classes: pl.DataFrame,
    parameters: pl.DataFrame,
    day: dt.date,
    cfg: RiverRules,
) -> list[Candidate]:
    """``readings``: marts.water_reading_class rows up to the end of day D (a few days back for the medians);
    ``parameters``: seeds.water_parameters (the names and units the mails show)."""
    rated = readings.filter(pl.col("water_class").is_not_null()).sort("section_code", "ts")
    if rated.height == 0:
        return []
    on_day = rated.filter((pl.col("ts") - pl.duration(hours=1)).dt.date() == day)
    per_day = cfg.daily_readings
    capture = {
        code: round(min(n, per_day) / per_day * 100, 1) for code, n in on_day.group_by("section_code").len().iter_rows()
    }
    rated = attribute(rated, sections, cfg.travel_slack_hours)
    rank = dict(classes.select("water_class", "class_rank").iter_rows())
    ctx = {
        "rank": rank,
        "border": dict(sections.select("section_code", "is_border_section").iter_rows()),
        "names": ParameterNames.from_frame(parameters),
        "capture": capture,
    }
    return [*_sustained(rated, ctx, day, cfg), *_incidents(rated, ctx, day, cfg)]


def _sustained(rated, ctx, day, cfg) -> list[Candidate]:
    rank, names = ctx["rank"], ctx["names"]
    on_day = (pl.col("ts") - pl.duration(hours=1)).dt.date() == day
    streaks = rated.with_columns(grp=pl.col("compliant").cast(pl.Int32).cum_sum().over("section_code")).filter(
        ~pl.col("compliant")
    )
    runs = (  # runs of consecutive exceeding readings, long enough, touching day D; the latest per section
        streaks.with_columns(n=pl.len().over("section_code", "grp"), touches=on_day.any().over("section_code", "grp"))
        .filter((pl.col("n") >= cfg.sustained_readings) & pl.col("touches"))
        .filter(pl.col("grp") == pl.col("grp").max().over("section_code"))
        .drop("n", "touches")
    )
    out = []
    for (code,), run in runs.group_by("section_code", maintain_order=True):
        first = run.row(0, named=True)
        worst = max(run["water_class"], key=lambda c: rank.get(c, 0))
        params = sorted({p for ps in run["worst_parameters"].to_list() if ps for p in ps})
        called = cfg.called_out_parameter
        tp_out = run.filter(
            pl.col(f"{called}_class").replace_strict(rank, default=0) > rank.get(first["target_class"], 3)
        ).height
        origin, share = _origin(run)
        lead_zh = f"{names.zh(called)}超标{tp_out}次；" if tp_out else ""
        lead_en = f"{names.en(called)} exceeded in {tp_out} readings; " if tp_out else ""
        out.append(
            _candidate(
                "river_exceedance",
                code,
                worst,
                "断面持续超标",
                "sustained exceedance of the target class",
                first,
                run,
                ctx,
                summary_zh=f"{lead_zh}{first['section_name']}连续{run.height}次监测劣于目标{first['target_class']}类"
                f"（最差{worst}类，超标因子 {names.list_zh(params)}）。{origin[0]}{share[0]}",
                summary_en=(
                    f"{lead_en}{first['section_name']}: {run.height} consecutive readings worse than its target "
                    f"class {first['target_class']} (worst {worst}; parameters {names.list_en(params)}). "
                    f"{origin[1]}{share[1]}"
                ),
            )
        )
    return out


def _incidents(rated, ctx, day, cfg) -> list[Candidate]:
    rank, names = ctx["rank"], ctx["names"]
    beyond = rank[cfg.incident_beyond_class]
    window = f"{cfg.incident_median_hours}h"
    flagged = []
    for p in cfg.incident_parameters:
        flagged.append(
            rated.with_columns(
                median=pl.col(p).rolling_median_by("ts", window_size=window, closed="left").over("section_code"),
                p_rank=pl.col(f"{p}_class").replace_strict(rank, default=0),
            )
            .filter(
                (pl.col(p) >= cfg.incident_factor * pl.col("median"))
                & (pl.col("p_rank") > beyond)
                & ((pl.col("ts") - pl.duration(hours=1)).dt.date() == day)
            )
            .with_columns(parameter=pl.lit(p), value=pl.col(p))
        )
    hits = pl.concat(flagged, how="diagonal_relaxed") if flagged else pl.DataFrame()
    out = []
    for (code,), run in hits.sort("ts").group_by("section_code", maintain_order=True) if hits.height else []:
        first = run.row(0, named=True)
        worst_rank = run["p_rank"].max()
        level = next((c for c, r in rank.items() if r == worst_rank), "alert")
        what_zh = "，".join(
            f"{names.zh(r['parameter'])} {names.value(r['parameter'], r['value'])}"
            f"（前{_hours_zh(window)}中位数 {names.value(r['parameter'], r['median'])}）"
            for r in run.iter_rows(named=True)
        )
        what_en = ", ".join(
            f"{names.en(r['parameter'])} {names.value(r['parameter'], r['value'])} "
            f"(median of the previous {window} {names.value(r['parameter'], r['median'])})"
            for r in run.iter_rows(named=True)
        )
        origin, share = _origin(run)
        out.append(
            _candidate(
                "river_incident",
                code,
                level,
                "水质突变",
                "sudden change in water quality",
                first,
                run,
                ctx,
                summary_zh=f"{first['section_name']}水质突变：{what_zh}。{origin[0]}{share[0]}",
                summary_en=f"{first['section_name']}: sudden change: {what_en}. {origin[1]}{share[1]}",
            )
        )
    return out


def _origin(run: pl.DataFrame) -> tuple[tuple[str, str], tuple[str, str]]:
    """((Chinese, English) attribution, (Chinese, English) share of upstream readings also exceeding)."""
    matched = run.filter(pl.col("up_exceeds").is_not_null())
    if run["up_section"].is_null().all():
        return ("目录中无上游断面。", "No upstream section in the catalog. "), ("", "")
    if matched.height == 0:
        return (
            "上游断面无对应时刻数据，无法判定来源。",
            "No upstream reading at the travel time: origin unknown. ",
        ), ("", "")
    up = int(matched["up_exceeds"].sum())
    share = (
        f"（上游断面同期超标{up}/{matched.height}次）",
        f" ({up} of {matched.height} upstream readings also exceeding)",
    )
    if up * 2 >= matched.height:
        return ("判定：上游来水", "Attribution: inflow from upstream"), share
    return ("判定：本地增加", "Attribution: local increase"), share


def _hours_zh(window: str) -> str:
    """'72h' -> '72小时'."""
    return window.removesuffix("h") + "小时"


def _candidate(kind, code, level, title_zh, title_en, first, run, ctx, summary_zh, summary_en) -> Candidate:
    border = bool(ctx["border"].get(code))
    return Candidate(
        kind=kind,
        subject=code,
        level=level,
        title_zh=title_zh + ("（跨界断面）" if border else ""),
        title_en=title_en + (" (border section)" if border else ""),
        subjects=[section_label(first["river"], first["section_name"])],
        recipients=river_places(first["river"]),
        evidence=_evidence(run, ctx["names"]),
        summary_zh=summary_zh,
        summary_en=summary_en,
        standard="GB 3838-2002 single-factor class vs. the section's target class",
        standard_zh="GB 3838-2002 单因子评价：水质类别对照断面水质目标",
        capture_pct=ctx["capture"].get(code, 0.0),
        topic="water",
        border=border,
    )


def _evidence(run: pl.DataFrame, names: ParameterNames) -> list[dict]:
    """The readings behind an alert, with Chinese headers, names and units (no column ids, no Python lists)."""
    rows = []
    for r in run.iter_rows(named=True):
        row = {
            "时间 time": _time(r["ts"]),
            "水质类别 class": r.get("water_class"),
            "超标因子 parameters": names.list_zh(r.get("worst_parameters")),
        }
        row |= {names.column(p): r.get(p) for p in SHOWN_PARAMETERS if p in run.columns}
        row |= {
            "上游断面 upstream": r.get("up_section"),
            "上游时间 upstream time": _time(r.get("up_ts")),
            "上游类别 upstream class": r.get("up_class"),
        }
        if "parameter" in run.columns:
            row |= {
                "突变因子 changed": names.zh(r["parameter"]),
                "数值 value": names.value(r["parameter"], r["value"]),
                "中位数 median": names.value(r["parameter"], r["median"]),
            }
        rows.append(row)
    return rows


def _time(ts) -> str | None:
    return None if ts is None else ts.strftime("%Y-%m-%d %H:%M")


def attribution_of(candidate: Candidate) -> str:
    """'inflow from upstream', 'local increase' or '' (as stated in the candidate's English summary)."""
    for label in ("inflow from upstream", "local increase"):
        if label in candidate.summary_en:
            return label
    return ""


# --- Both provinces' reports of one section (marts.water_report_comparison): a line when their classes differ -------


def with_report_disputes(candidates: list[Candidate], disputes: pl.DataFrame) -> list[Candidate]:
    """Each river alert whose section was reported by both provinces with different classes on the day gets one line
    saying so, and which report the statistics (and this alert) use. ``disputes``: the day's rows of
    marts.water_report_comparison with ``class_differs``."""
    from dataclasses import replace  # here, so that this addition stays in one block

    if not disputes.height:
        return candidates
    out = []
    for c in candidates:
        rows = disputes.filter(pl.col("section_code") == c.subject).sort("ts") if c.kind.startswith("river_") else None
        if rows is not None and rows.height:
            r = rows.row(-1, named=True)  # the latest of the day
            used = r["used_province"] or r["province_a"]
            c = replace(
                c,
                summary_zh=f"{c.summary_zh}\n两省报告类别不一致（{rows.height}个时次，最近 {r['ts']:%m-%d %H:%M}）："
                f"{r['province_a']} {r['class_a']}类，{r['province_b']} {r['class_b']}类；本预警采用{used}的数据。",
                summary_en=f"{c.summary_en}\nThe two provinces' reports differ in class ({rows.height} reading(s), "
                f"latest {r['ts']:%m-%d %H:%M}): {r['province_a']} {r['class_a']}, {r['province_b']} {r['class_b']}; "
                f"this alert uses {used}'s.",
            )
        out.append(c)
    return out
