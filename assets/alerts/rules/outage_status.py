"""The words of a data-outage alert: why it fired and what happened to the day's data, in Chinese and English.

Three different things look alike in a capture figure and need different actions, so the text keeps them apart:
- missing: an hour (a reading) that never arrived: check the instrument, the transmission, the source;
- invalidated: a value that arrived but a quality flag invalidated (named, e.g. 恒值 STK: a stuck analyser);
- late: data that arrived with a later day's batch or in a monitoring-centre file (the feed is slow, not silent).
Flag and parameter names come from the seeds (quality_flags, pollutants, water_parameters).
"""

from __future__ import annotations

import datetime as dt

import duckdb

from assets.alerts.rules.rules_config import OutageRules
from warehouse.connection import fetch_polars


def air_details(con: duckdb.DuckDBPyConnection, day: dt.date, codes: list[str]) -> dict[str, list[dict]]:
    """Station -> the invalidated values of day D by pollutant and flag: [{label, n}], most frequent first."""
    frame = fetch_polars(
        con,
        """
        SELECT f.station_code AS code, coalesce(p.published_name, f.pollutant) AS what, q.name_zh, q.flag_code,
               count(*) AS n
        FROM staging.air_value_flags f
        JOIN seeds.quality_flags q ON q.flag_code = f.flag_code AND q.invalidates
        LEFT JOIN (SELECT "column", any_value(published_name) AS published_name FROM seeds.pollutants GROUP BY 1) p
            ON p."column" = f.pollutant
        WHERE f.ts > CAST(? AS TIMESTAMP) AND f.ts <= CAST(? AS TIMESTAMP) + INTERVAL 1 DAY
          AND list_contains(?, f.station_code)
        GROUP BY ALL ORDER BY code, n DESC, what
        """,
        [day, day, codes],
    )
    return _labelled(frame)


def water_details(con: duckdb.DuckDBPyConnection, day: dt.date, codes: list[str]) -> dict[str, list[dict]]:
    frame = fetch_polars(
        con,
        """
        SELECT f.section_code AS code, coalesce(p.name_zh, f.parameter) AS what, q.name_zh, q.flag_code, count(*) AS n
        FROM staging.water_value_flags f
        JOIN seeds.quality_flags q ON q.flag_code = f.flag_code AND q.invalidates
        LEFT JOIN seeds.water_parameters p ON p.parameter = f.parameter
        WHERE CAST(f.ts - INTERVAL 1 HOUR AS DATE) = ? AND list_contains(?, f.section_code)
        GROUP BY ALL ORDER BY code, n DESC, what
        """,
        [day, codes],
    )
    return _labelled(frame)


def _labelled(frame) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in frame.iter_rows(named=True):
        out.setdefault(r["code"], []).append({"label": f"{r['what']} {r['name_zh']}({r['flag_code']})", "n": r["n"]})
    return out


def flags_text(flags: list[dict], sep: str, times: str) -> str:
    return sep.join(f"{f['label']}{times}{f['n']}" for f in flags)


def air_status(r: dict, flags: list[dict], cfg: OutageRules) -> tuple[str, str]:
    """``r``: hours_received, hours_late, pm25_hours, longest_gap of one station-day."""
    missing, n_invalid = 24 - r["hours_received"], sum(f["n"] for f in flags)
    why_zh, why_en = [], []
    if r["pm25_hours"] < cfg.min_daily_hours_air:
        why_zh.append(f"PM2.5有效{r['pm25_hours']}小时，不足{cfg.min_daily_hours_air}小时，日均值无效（GB 3095）")
        why_en.append(
            f"{r['pm25_hours']} valid PM2.5 hours, fewer than {cfg.min_daily_hours_air}: no valid daily mean (GB 3095)"
        )
    if r["longest_gap"] >= cfg.silent_hours:
        why_zh.append(f"连续{r['longest_gap']}小时无有效数据")
        why_en.append(f"{r['longest_gap']} consecutive hours without a valid value")
    got_zh = [f"收到{r['hours_received']}/24小时", f"缺测{missing}小时"]
    got_en = [f"{r['hours_received']} of 24 hours received", f"{missing} missing"]
    if n_invalid:
        got_zh.append(f"无效值{n_invalid}个（{flags_text(flags, '；', '×')}）")
        got_en.append(f"{n_invalid} values invalidated ({flags_text(flags, '; ', ' x')})")
    if r["hours_late"]:
        got_zh.append(f"迟到{r['hours_late']}小时（随后续批次补报）")
        got_en.append(f"{r['hours_late']} hours arrived late (with a later day's batch)")
    late = r["hours_late"]
    return (
        _sentence(why_zh, got_zh, missing, n_invalid, late, "zh"),
        _sentence(why_en, got_en, missing, n_invalid, late, "en"),
    )


def water_status(r: dict, flags: list[dict], cfg: OutageRules, expected: int) -> tuple[str, str]:
    """``r``: readings, late, longest_gap of one section-day."""
    missing, n_invalid = max(expected - r["readings"], 0), sum(f["n"] for f in flags)
    why_zh, why_en = [], []
    if r["readings"] < cfg.min_daily_readings_water:
        why_zh.append(f"仅{r['readings']}次监测，少于{cfg.min_daily_readings_water}次")
        why_en.append(f"only {r['readings']} readings, fewer than {cfg.min_daily_readings_water}")
    if (r["longest_gap"] or 0) >= cfg.silent_hours:
        why_zh.append(f"超出4小时监测频次{r['longest_gap']:g}小时无读数")
        why_en.append(f"{r['longest_gap']:g} h without a reading beyond the 4-hour rhythm")
    got_zh = [f"收到{r['readings']}/{expected}次", f"缺测{missing}次"]
    got_en = [f"{r['readings']} of {expected} readings received", f"{missing} missing"]
    if n_invalid:
        got_zh.append(f"无效值{n_invalid}个（{flags_text(flags, '；', '×')}）")
        got_en.append(f"{n_invalid} values invalidated ({flags_text(flags, '; ', ' x')})")
    if r["late"]:
        got_zh.append(f"迟到{r['late']}次（后续批次或监测中心文件）")
        got_en.append(f"{r['late']} readings arrived late (later batch or monitoring-centre file)")
    late = r["late"]
    return (
        _sentence(why_zh, got_zh, missing, n_invalid, late, "zh"),
        _sentence(why_en, got_en, missing, n_invalid, late, "en"),
    )


def _sentence(why: list[str], got: list[str], missing: int, invalid: int, late: int, lang: str) -> str:
    zh = lang == "zh"
    checks = [
        h
        for h, on in (
            ("仪器与传输（缺测）" if zh else "instrument and transmission (missing)", missing),
            ("仪器状态（无效值）" if zh else "analyser state (invalidated values)", invalid),
            ("数据源时效（迟到）" if zh else "source timeliness (late data)", late),
        )
        if on
    ]
    if zh:
        return f"{'；'.join(why)}。数据情况：{'，'.join(got)}。" + (f"请检查{'、'.join(checks)}。" if checks else "")
    return f"{'; '.join(why)}. Data: {', '.join(got)}." + (f" Check {', '.join(checks)}." if checks else "")
