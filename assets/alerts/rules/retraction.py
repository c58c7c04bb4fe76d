"""Why an alert was retracted, in Chinese and English, with what the corrected data now say.

A retraction happens when a re-run of day D no longer raises what D issued: its readings were corrected, withdrawn
or invalidated, or data that had not arrived came late. The recipients were told of the alert; they must now be
told why it is withdrawn, and must not read its old evidence as current. So each retracted row gets, in its
evidence JSON (``retraction``), a reason (数据更正 …) naming the corrected value or class where the warehouse has
one, and the corrected data as the rows the mail shows instead of the old evidence. Plain SQL over the marts: the
same tables the rules read, at the moment of the re-run.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import polars as pl

from assets.alerts.mail.email_render import LEVELS
from assets.alerts.rules.air_inputs import daily_series, has_table
from assets.alerts.rules.candidates import Candidate
from assets.alerts.rules.parameter_names import ParameterNames
from assets.alerts.rules.rules_config import RegionalRules, Rules, WarningRules
from warehouse.connection import fetch_polars

LEAD = (
    "数据更正：所依据的读数已被更正、撤回或判为无效",
    "Data correction: the readings it was based on were corrected, withdrawn or invalidated",
)


def explain_retractions(
    con: duckdb.DuckDBPyConnection, day: dt.date, changes: list[dict], candidates: list[Candidate], rules: Rules
) -> list[dict]:
    """``changes`` (lifecycle.apply_day's rows) with a reason in the evidence of each retraction, written to its
    alerts.event_log row too (within the caller's transaction)."""
    out = []
    for row in changes:
        if row["status"] != "retracted":
            out.append(row)
            continue
        evidence = json.loads(row["evidence"]) if isinstance(row["evidence"], str) else dict(row["evidence"])
        zh, en, rows = explain(con, day, row, evidence, candidates, rules)
        evidence["retraction"] = {"reason_zh": zh, "reason_en": en, "rows": rows}
        text = json.dumps(evidence, ensure_ascii=False, default=str)
        con.execute(
            "UPDATE alerts.event_log SET evidence = ? WHERE event_id = ? AND day = ? AND status = 'retracted' "
            "AND revision = ?",
            [text, row["event_id"], row["day"], row["revision"]],
        )
        out.append({**row, "evidence": text})
    return out


def explain(con, day, row, evidence, candidates, rules) -> tuple[str, str, list[dict]]:
    """(Chinese reason, English reason, rows of corrected data) for one retracted alert."""
    kind, subject = row["kind"], row["subject"]
    if kind in ("river_exceedance", "river_incident") and has_table(con, "marts.water_reading_class"):
        zh, en, rows = _river(con, day, subject)
    elif kind == "observed_heavy" and has_table(con, "marts.air_area_daily"):
        zh, en, rows = _observed(con, day, subject)
    elif kind == "area_warning" and has_table(con, "forecast.aqi_daily"):
        zh, en, rows = _area_warning(con, day, subject, rules.warning)
    elif kind == "regional_warning":
        zh, en, rows = _regional(candidates, rules.regional)
    elif kind == "data_outage":
        zh, en, rows = _outage(con, day, subject, evidence.get("topic", ""))
    else:
        zh, en, rows = "", "", []
    zh = f"{LEAD[0]}，按更正后的数据，{day}不再满足{row['title_zh']}的条件。{zh}"
    en = f"{LEAD[1]}; on the corrected data, {day} no longer meets the conditions of the {row['title_en']}. {en}"
    return zh.strip(), en.strip(), rows


def _river(con, day: dt.date, code: str) -> tuple[str, str, list[dict]]:
    readings = fetch_polars(
        con,
        "SELECT ts, water_class, target_class, compliant, worst_parameters FROM marts.water_reading_class "
        "WHERE section_code = ? AND CAST(ts - INTERVAL 1 HOUR AS DATE) = ? ORDER BY ts",
        [code, day],
    )
    rated = readings.filter(pl.col("water_class").is_not_null())
    if rated.height == 0:
        return (
            "更正后该断面当日无可评价的读数。",
            "After the correction the section has no classed reading that day.",
            [],
        )
    names = ParameterNames(
        ParameterNames.from_frame(fetch_polars(con, "SELECT * FROM seeds.water_parameters")).table
        if has_table(con, "seeds.water_parameters")
        else {}
    )
    ranks = _class_ranks(con)
    worst = max(rated["water_class"], key=lambda c: ranks.get(c, 0))
    target = rated["target_class"][0]
    exceeding = rated.filter(~pl.col("compliant")).height
    over_zh = "均达到目标" if exceeding == 0 else f"{exceeding}次劣于目标"
    over_en = "all meet the target" if exceeding == 0 else f"{exceeding} worse than the target"
    rows = [
        {
            "时间 time": r["ts"].strftime("%Y-%m-%d %H:%M"),
            "更正后类别 corrected class": r["water_class"] or "—",
            "目标 target": r["target_class"],
            "超标因子 parameters": names.list_zh(r["worst_parameters"]) if not r["compliant"] else "—",
        }
        for r in readings.iter_rows(named=True)
    ]
    return (
        f"更正后该断面当日{rated.height}次可评价读数最差为{worst}类（目标{target}类），{over_zh}。",
        f"After the correction the section's {rated.height} classed readings of the day are class {worst} at "
        f"worst (target {target}); {over_en}.",
        rows,
    )


def _class_ranks(con) -> dict[str, int]:
    if not has_table(con, "seeds.water_classes"):
        return {c: i for i, c in enumerate(["I", "II", "III", "IV", "V", "劣V"], start=1)}
    return dict(fetch_polars(con, "SELECT water_class, class_rank FROM seeds.water_classes").iter_rows())


def _observed(con, day: dt.date, area: str) -> tuple[str, str, list[dict]]:
    found = fetch_polars(
        con, "SELECT aqi, primary_pollutant FROM marts.air_area_daily WHERE area = ? AND day = ?", [area, day]
    )
    if found.height == 0 or found["aqi"][0] is None:
        return f"更正后{area}{day}无有效日AQI。", f"After the correction {area} has no valid daily AQI on {day}.", []
    aqi, primary = found["aqi"][0], found["primary_pollutant"][0] or "—"
    return (
        f"更正后{area}{day}日AQI为{aqi}（首要污染物 {primary}）。",
        f"After the correction the daily AQI of {area} on {day} is {aqi} (primary pollutant {primary}).",
        [
            {
                "区县 area": area,
                "日期 day": str(day),
                "更正后日AQI corrected daily AQI": aqi,
                "首要污染物 primary": primary,
            }
        ],
    )


def _area_warning(con, day: dt.date, area: str, cfg: WarningRules) -> tuple[str, str, list[dict]]:
    series = daily_series(con, day, 0, cfg.forecast_horizon_days).filter(
        (pl.col("area") == area) & pl.col("aqi").is_not_null()
    )
    if series.height == 0:
        return (
            f"更正后{area}自{day}起无实测或预报AQI。",
            f"After the correction {area} has no observed or forecast AQI from {day} on.",
            [],
        )
    heavy = series.filter(pl.col("aqi") > cfg.heavy_aqi).height
    top = series["aqi"].max()
    rows = [
        {
            "区县 area": area,
            "日期 day": str(r["day"]),
            "更正后AQI corrected AQI": r["aqi"],
            "来源 basis": "实测 observed" if r["observed"] else "预报 forecast",
        }
        for r in series.sort("day").iter_rows(named=True)
    ]
    return (
        f"更正后{area}自{day}起的实测与预报日AQI最高为{top}，日AQI>{cfg.heavy_aqi}的有{heavy}天。",
        f"After the correction the observed and forecast daily AQI of {area} from {day} on peaks at {top}, with "
        f"{heavy} day(s) above {cfg.heavy_aqi}.",
        rows,
    )


def _regional(candidates: list[Candidate], cfg: RegionalRules) -> tuple[str, str, list[dict]]:
    warned = [c for c in candidates if c.kind == "area_warning"]
    names = [c.subject for c in warned]
    rows = [{"区县 area": c.subject, "级别 level": LEVELS.get(c.level, (c.level,))[0]} for c in warned]
    return (
        f"更正后达到预警条件的区县：{'、'.join(names) or '无'}"
        f"（需至少{cfg.min_areas}个，每省至少{cfg.min_per_province}个）。",
        f"After the correction the areas meeting warning conditions are: {', '.join(names) or 'none'} "
        f"(at least {cfg.min_areas} needed, {cfg.min_per_province} per province).",
        rows,
    )


def _outage(con, day: dt.date, code: str, topic: str) -> tuple[str, str, list[dict]]:
    if topic == "outage:water" and has_table(con, "staging.water_readings"):
        n = fetch_polars(
            con,
            "SELECT count(DISTINCT ts) AS n FROM staging.water_readings "
            "WHERE section_code = ? AND CAST(ts - INTERVAL 1 HOUR AS DATE) = ?",
            [code, day],
        )["n"][0]
        return (
            f"更正后该断面当日有{n}次读数（迟到或补报的数据已计入）。",
            f"After the correction the section has {n} readings that day (late or resent data included).",
            [{"断面 section": code, "更正后读数 readings now": n}],
        )
    if has_table(con, "intermediate.air_hourly_valid"):
        n = fetch_polars(
            con,
            "SELECT count(pm25) AS n FROM intermediate.air_hourly_valid WHERE station_code = ? "
            "AND ts > CAST(? AS TIMESTAMP) AND ts <= CAST(? AS TIMESTAMP) + INTERVAL 1 DAY",
            [code, day, day],
        )["n"][0]
        return (
            f"更正后该站点当日PM2.5有效{n}/24小时（迟到或补报的数据已计入）。",
            f"After the correction the station has {n} of 24 valid PM2.5 hours that day (late or resent data "
            "included).",
            [{"站点 station": code, "更正后PM2.5有效小时 valid PM2.5 hours now": n}],
        )
    return "", "", []
