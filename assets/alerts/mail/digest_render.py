"""The daily digest e-mail of one recipient: the day's state changes grouped by kind and subject, the areas no
forecast covered (data operations), and the immediate alerts still waiting for the recipient's acknowledgement."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from assets.alerts.mail.email_render import (
    LEVELS,
    PAGE_LINK,
    STATUSES,
    SUBJECT_PREFIX,
    Notification,
    RenderedMail,
    html_table,
    page_link,
    status_url,
    summary,
    text_table,
)
from assets.alerts.mail.mime import one_line

KINDS = {  # order and names of the digest's sections
    "area_warning": ("重污染天气预警", "heavy air pollution warnings"),
    "regional_warning": ("区域联合预警", "regional joint warnings"),
    "observed_heavy": ("重污染天气（未预警）", "heavy pollution observed without a warning"),
    "river_exceedance": ("断面持续超标", "sustained exceedances"),
    "river_incident": ("水质突变", "sudden changes in water quality"),
    "data_outage": ("数据中断", "data outages"),
}


@dataclass(frozen=True)
class Reminder:
    event_id: str
    headline: str
    queued_at: dt.datetime
    ack_command: str


def render_digest(
    day: dt.date,
    recipient: str,
    changes: list[Notification],
    gaps: dict[str, list[str]],
    reminders: list[Reminder],
    sent_to: dict[str, str],
    public_url: str = "",
) -> RenderedMail:
    """``changes``: the state changes for this recipient (of ``day``, and late ones of earlier days);
    ``sent_to``: alert id -> the offices it went to; ``public_url``: the status page (ENVMON_PUBLIC_URL), linked
    instead of the advice to query the snapshot."""
    overview = status_url(public_url)
    parts = [f"{len(changes)}项变化 changes"] if changes else []
    parts += [f"{len(reminders)}项待确认 to acknowledge"] if reminders else []
    parts += [f"{len(gaps)}个区县无预报 areas without a forecast"] if gaps else []
    subject = f"{SUBJECT_PREFIX}每日摘要 daily digest {day} — {'，'.join(parts)}"
    sections = _sections(day, changes, sent_to)
    text = [f"川南渝西联合预警 每日摘要 {day}（北京时间 CST）/ daily digest", ""]
    page = [f'<h1 style="font-size:20px">每日摘要 {day}<br><small>daily digest of 川南渝西 joint alerts</small></h1>']
    for (zh, en), rows in sections:
        text += [f"■ {zh} / {en}（{len(rows)}）", text_table(rows), ""]
        page += [
            f'<h2 style="font-size:16px;border-bottom:2px solid #2c7fb8">{_e(zh)} <small>{_e(en)}</small> '
            f"（{len(rows)}）</h2>",
            html_table(rows),
        ]
    if not sections:
        text += ["当日无预警状态变化 / no state change of an alert that day.", ""]
        page += ["<p>当日无预警状态变化 / no state change of an alert that day.</p>"]
    if gaps:
        rows = [{"区县 area": a, "缺少预报的日期 days without a forecast": "、".join(days)} for a, days in gaps.items()]
        note_zh = (
            "以下区县在所列日期没有可用的预报，无法发布重污染天气预警，只能事后发现重污染。"
            "请检查预报文件（ENVMON_FORECAST_INPUT）或Open-Meteo。"
        )
        note_en = (
            "No forecast covers the days ahead for these areas: no warning can be raised there, only heavy "
            "pollution observed afterwards. Check the forecast files (ENVMON_FORECAST_INPUT) or Open-Meteo."
        )
        text += ["■ 预报覆盖 / forecast coverage", note_zh, note_en, text_table(rows), ""]
        page += [
            '<h2 style="font-size:16px;border-bottom:2px solid #c00">预报覆盖 <small>forecast coverage</small></h2>',
            f'<p>{_e(note_zh)}<br><span style="color:#555">{_e(note_en)}</span></p>',
            html_table(rows),
        ]
    if reminders:
        rows = [
            {
                "预警编号 alert id": r.event_id,
                "预警 alert": r.headline,
                "发出时间 sent": r.queued_at.strftime("%Y-%m-%d %H:%M"),
                "确认命令 command": r.ack_command,
            }
            for r in reminders
        ]
        text += ["■ 待确认的即时预警 / immediate alerts not yet acknowledged", text_table(rows), ""]
        page += [
            '<h2 style="font-size:16px;border-bottom:2px solid #f28c28">待确认的即时预警 '
            "<small>immediate alerts not yet acknowledged</small></h2>",
            html_table(rows),
        ]
    text += [
        f"确认收到 / acknowledge：envmon ack <预警编号 alert id> --by {recipient}",
        f"{PAGE_LINK[0]} / {PAGE_LINK[1]}：{overview}"
        if overview
        else '查看 / details: envmon query "SELECT * FROM alerts.events"  (the published snapshot)',
        "",
        "This digest was sent by envmon, the joint monitoring pipeline of 川南渝西 (South Sichuan & West Chongqing).",
    ]
    page += [
        f'<p style="background:#f4f6f8;padding:6px 10px;font-family:monospace">确认收到 acknowledge: '
        f"envmon ack &lt;预警编号 alert id&gt; --by {_e(recipient)}</p>",
        page_link(overview),
        '<p style="font-size:12px;color:#666">Sent by envmon, the joint monitoring pipeline of 川南渝西 '
        "(South Sichuan &amp; West Chongqing)."
        + ("" if overview else " Details: alerts.events in the published snapshot.")
        + "</p>",
    ]
    body = (
        "<html><head><meta charset=\"utf-8\"></head><body style=\"font-family:'Noto Sans CJK SC','WenQuanYi Micro "
        "Hei','Microsoft YaHei',sans-serif;color:#222;max-width:1100px;margin:16px\">"
        + "".join(page)
        + "</body></html>"
    )
    return RenderedMail(one_line(subject), "\n".join(text), body).as_demo(any(n.demo for n in changes))


def _sections(
    day: dt.date, changes: list[Notification], sent_to: dict[str, str]
) -> list[tuple[tuple[str, str], list[dict]]]:
    out = []
    for kind, names in KINDS.items():
        mine = sorted((n for n in changes if n.kind == kind), key=lambda n: ("、".join(n.subjects), n.day))
        if mine:
            out.append((names, [_row(n, day, sent_to) for n in mine]))
    return out


def _row(n: Notification, day: dt.date, sent_to: dict[str, str]) -> dict:
    late = "" if n.day == str(day) else "（补报 late）"
    level = LEVELS.get(n.level, (n.level, n.level))[0]
    return {
        "对象 subject": "、".join(n.subjects),
        "日期 day": f"{n.day}{late}",
        "状态 status": f"{STATUSES[n.status][0]} {STATUSES[n.status][1].split(' ')[0]}",
        "级别 level": level or "—",
        "说明 summary": summary(n, "zh"),
        "数据获取率 capture": "—" if n.capture_pct is None else f"{n.capture_pct:.1f}%",
        "预警编号 alert id": n.event_id,
        "已发送 sent to": sent_to.get(n.event_id, "—"),
    }


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))
