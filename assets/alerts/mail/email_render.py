"""Alert e-mails: Chinese first, then English; a plain-text part and an HTML part; built so no value can inject headers.

An immediate mail holds one or more state changes (those of one evaluated day that share a group, for one
recipient: ``render_alert_mail``); each is a block with its facts, the offices it went to in both provinces, the
command that acknowledges it, and its evidence. Everything that comes from data (area, station, section names,
evidence cells) is treated as hostile: header values are reduced to one line, and HTML is escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from urllib.parse import quote

from assets.alerts.mail.mime import one_line
from assets.demo import marked

SUBJECT_PREFIX = "【川南渝西联合预警】"
LEVELS = {  # level -> (Chinese, English); graded levels of 重污染天气预警 and the ungraded alerts
    "red": ("红色", "Red"),
    "orange": ("橙色", "Orange"),
    "yellow": ("黄色", "Yellow"),
    "heavy": ("重度污染", "Heavy pollution"),  # observed, AQI 201-300
    "severe": ("严重污染", "Severe pollution"),  # observed, AQI > 300
    "III": ("III类", "Class III"),
    "IV": ("IV类", "Class IV"),  # river alerts: the worst GB 3838 class of the readings
    "V": ("V类", "Class V"),
    "劣V": ("劣V类", "Worse than class V"),
    "alert": ("", ""),
}
STATUSES = {  # lifecycle status -> (Chinese, English) shown in subject and body
    "issued": ("发布", "issued"),
    "upgraded": ("升级", "upgraded"),
    "downgraded": ("降级", "downgraded"),
    "lifted": ("解除", "lifted (all clear)"),
    "retracted": ("撤回", "retracted (triggering data invalidated or corrected)"),
    "notice": ("通知", "notice"),
}
DATA_STATUSES = {  # alerts.event_log.data_status -> (Chinese, English): what the data behind the alert are
    "preliminary": ("初步（实时数据，未经审核）", "preliminary (real-time data, not yet validated)"),
    "validated": ("已审核", "validated"),
    "forecast": ("预报", "forecast"),
    "forecast + preliminary observations": ("预报 + 初步实测（未经审核）", "forecast + preliminary observations"),
}
# Why an alert was retracted when its record does not say more (rows written before the reason was recorded).
RETRACTION_REASON = (
    "数据更正：所依据的读数已被更正或判为无效，按更正后的数据不再满足预警条件。",
    "data correction: the readings it was based on were corrected or invalidated; on the corrected data the "
    "conditions of the alert are no longer met.",
)
# The mails' links to the status page (ENVMON_PUBLIC_URL): the alert's own page, the digest's overview.
PAGE_LINK = ("在联防联控看板上查看（过程、通知、确认）", "open it on the joint status page (lifecycle, who was told)")
COLOURS = {"red": "#d7191c", "orange": "#f28c28", "yellow": "#e6c200", "severe": "#7e0023", "heavy": "#99004c"}


@dataclass(frozen=True)
class Notification:
    """What an e-mail says about one state change of one alert (or a free-form notice)."""

    event_id: str
    status: str
    level: str
    title_zh: str
    title_en: str
    subjects: list[str]  # the areas / sections / stations named in the subject line
    day: str
    evidence: list[dict] = field(default_factory=list)
    summary_zh: str = ""
    summary_en: str = ""
    standard: str = ""
    data_status: str = ""
    capture_pct: float | None = None
    where: list[str] = field(default_factory=list)  # where to see it: Dagster run, warehouse table ...
    sent_to: list[str] = field(default_factory=list)  # "四川：…" lines: every office the alert went to
    ack_command: str = ""  # the exact `envmon ack` command for this recipient
    kind: str = ""
    standard_zh: str = ""  # the standard in Chinese (``standard`` is the English one); empty: ``standard``
    # a retraction: why (reason_zh, reason_en) and what the corrected data say (rows), from retraction.py
    retraction: dict = field(default_factory=dict)
    demo: bool = False  # made from generated readings (assets/demo.py): the mail says so first
    page_url: str = ""  # the alert's page on the status page (status_url), when ENVMON_PUBLIC_URL is set


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str

    def as_demo(self, demo: bool) -> RenderedMail:
        """The mail marked 演示数据 / demo data when ``demo`` (subject prefix, first line)."""
        return RenderedMail(*marked(self.subject, self.text, self.html)) if demo else self


def status_url(base: str, event_id: str | None = None) -> str:
    """The status page at ``base`` (ENVMON_PUBLIC_URL): its overview, or the page of the alert ``event_id``; "" when
    no address is set (the mails then say how to query the snapshot instead)."""
    if not base:
        return ""
    if not base.startswith(("https://", "http://")) or any(c.isspace() or c in "<>\"'" for c in base):
        raise ValueError(
            f"ENVMON_PUBLIC_URL is {base!r}: expected the status page's address, e.g. "
            "https://envmon.example.gov.cn/status/ (or leave it empty: no links in the mails)"
        )
    base = base if base.endswith("/") else base + "/"
    return base if event_id is None else f"{base}alert.html?id={quote(event_id, safe='')}"


def headline(n: Notification) -> str:
    """'升级 橙色 重污染天气预警 — 自贡' (the status only when it is not the first issue)."""
    level_zh = LEVELS.get(n.level, (n.level, n.level))[0]
    lead = "" if n.status == "issued" else f"{STATUSES[n.status][0]} "
    return one_line(f"{lead}{level_zh} {n.title_zh} — {'、'.join(n.subjects)}".replace("  ", " "))


def render(n: Notification) -> RenderedMail:
    """The mail of one state change."""
    return render_alert_mail([n])


def render_alert_mail(notes: list[Notification]) -> RenderedMail:
    """One mail for the state changes ``notes`` (one evaluated day, one group, one recipient)."""
    if len(notes) == 1:
        subject = f"{SUBJECT_PREFIX}{headline(notes[0])}"
    else:
        shown = "；".join(headline(n) for n in notes[:3])
        subject = f"{SUBJECT_PREFIX}{len(notes)}项预警 — {shown}{' 等' if len(notes) > 3 else ''}"
    where = list(dict.fromkeys(w for n in notes for w in n.where))
    text = "\n".join(
        [
            *(line for n in notes for line in [*_text_block_zh(n), ""]),
            "查看 / Where to see it:",
            *(f"  - {w}" for w in where),
            "",
            "—— English ——",
            *(line for n in notes for line in [*_text_block_en(n), ""]),
            "This message was sent by envmon, the joint monitoring pipeline of 川南渝西 "
            "(South Sichuan & West Chongqing).",
        ]
    )
    page = "".join(
        [
            '<html><head><meta charset="utf-8"></head>',
            "<body style=\"font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif;"
            'color:#222;max-width:960px;margin:16px">',
            *(_html_block(n) for n in notes),
            f"<h3>查看 Where to see it</h3><ul>{''.join(f'<li>{_e(w)}</li>' for w in where)}</ul>",
            '<hr><p style="font-size:12px;color:#666">Sent by envmon, the joint monitoring pipeline of 川南渝西 '
            "(South Sichuan &amp; West Chongqing).</p></body></html>",
        ]
    )
    return RenderedMail(one_line(subject), text, page).as_demo(any(n.demo for n in notes))


def data_status(code: str, lang: str) -> str:
    """'初步（实时数据，未经审核）' / 'preliminary (…)' for the code in alerts.event_log.data_status."""
    if not code:
        return "—"
    zh, en = DATA_STATUSES.get(code, (code, code))
    return zh if lang == "zh" else en


def reason(n: Notification, lang: str) -> str:
    """Why a retracted alert was retracted (its recorded reason, else the general one)."""
    recorded = n.retraction.get(f"reason_{lang}")
    return recorded or RETRACTION_REASON[0 if lang == "zh" else 1]


def summary(n: Notification, lang: str) -> str:
    """What the mail says first about the change: a retraction says why, and names what it withdraws as withdrawn,
    never as the current state."""
    said = n.summary_zh if lang == "zh" else n.summary_en
    if n.status == "lifted":  # the row carries the last open day's words: say they are the state before the lift
        if lang == "zh":
            return f"{n.day}起不再满足{n.title_zh}条件，予以解除。" + (f"\n解除前的预警内容：{said}" if said else "")
        before = f"\nBefore the lift it said: {said}" if said else ""
        return f"From {n.day} the conditions of the {n.title_en} are no longer met: lifted.{before}"
    if n.status != "retracted":
        return said
    if lang == "zh":
        return f"撤回原因：{reason(n, 'zh')}" + (f"\n原预警内容（已撤回，不再有效）：{said}" if said else "")
    withdrawn = f"\nThe retracted alert said (no longer valid): {said}" if said else ""
    return f"Why retracted: {reason(n, 'en')}{withdrawn}"


def shown_evidence(n: Notification) -> tuple[tuple[str, str], list[dict]]:
    """((Chinese, English) heading, rows) of the evidence table: a retraction shows the corrected data, not the
    withdrawn evidence."""
    if n.status == "retracted":
        return ("更正后的数据", "Corrected data"), n.retraction.get("rows") or []
    if n.status == "lifted":
        return ("解除前的证据", "Evidence before the lift"), n.evidence
    return ("证据", "Evidence"), n.evidence


def facts(n: Notification, lang: str) -> list[tuple[str, str]]:
    level_zh, level_en = LEVELS.get(n.level, (n.level, n.level))
    status_zh, status_en = STATUSES[n.status]
    capture = "—" if n.capture_pct is None else f"{n.capture_pct:.1f}%"
    if lang == "zh":
        return [
            ("状态", f"{status_zh}（{n.day}）"),
            ("级别", level_zh or "—"),
            ("对象", "、".join(n.subjects)),
            ("数据状态", data_status(n.data_status, "zh")),
            ("数据获取率", capture),
            ("评价依据", n.standard_zh or n.standard or "—"),
            ("预警编号", n.event_id),
        ]
    return [
        ("Status", f"{status_en} ({n.day})"),
        ("Level", level_en or "—"),
        ("Subject", ", ".join(n.subjects)),
        ("Data status", data_status(n.data_status, "en")),
        ("Data capture", capture),
        ("Standard", n.standard or "—"),
        ("Alert id", n.event_id),
    ]


def _text_block_zh(n: Notification) -> list[str]:
    level_zh = LEVELS.get(n.level, (n.level, n.level))[0]
    (heading_zh, heading_en), rows = shown_evidence(n)
    return [
        f"■ {level_zh}{n.title_zh} {STATUSES[n.status][0]}",
        summary(n, "zh"),
        "",
        *(f"{k}：{v}" for k, v in facts(n, "zh")),
        *(["已发送 / sent to："] + [f"  {line}" for line in n.sent_to] if n.sent_to else []),
        *([f"确认收到 / acknowledge：{n.ack_command}"] if n.ack_command else []),
        *([f"{PAGE_LINK[0]} / {PAGE_LINK[1]}：{n.page_url}"] if n.page_url else []),
        "",
        f"{heading_zh} / {heading_en}:",
        text_table(rows),
    ]


def _text_block_en(n: Notification) -> list[str]:
    level_en = LEVELS.get(n.level, (n.level, n.level))[1]
    return [
        f"■ {level_en} {n.title_en}: {STATUSES[n.status][1]}".replace("■  ", "■ "),
        summary(n, "en"),
        "",
        *(f"{k}: {v}" for k, v in facts(n, "en")),
        *([f"Status page: {n.page_url}"] if n.page_url else []),
    ]


def _html_block(n: Notification) -> str:
    level_zh, level_en = LEVELS.get(n.level, (n.level, n.level))
    status_zh, status_en = STATUSES[n.status]
    colour = COLOURS.get(n.level, "#2c7fb8")
    sent = "".join(f"<li>{_e(line)}</li>" for line in n.sent_to)
    (heading_zh, heading_en), rows = shown_evidence(n)
    ack = (
        f'<p style="background:#f4f6f8;padding:6px 10px;font-family:monospace">确认收到 acknowledge: '
        f"{_e(n.ack_command)}</p>"
        if n.ack_command
        else ""
    )
    return (
        f'<div style="border-left:6px solid {colour};padding:4px 12px;margin:12px 0">'
        f'<h2 style="margin:4px 0">{_e(level_zh)}{_e(n.title_zh)} {_e(status_zh)}'
        f'<br><small style="color:#555">{_e(level_en)} {_e(n.title_en)}: {_e(status_en)}</small></h2>'
        f'<p>{_lines(summary(n, "zh"))}</p><p style="color:#555">{_lines(summary(n, "en"))}</p>'
        f"{html_facts(list(zip(facts(n, 'zh'), facts(n, 'en'))))}"
        + (f"<p><b>已发送 / sent to:</b></p><ul>{sent}</ul>" if sent else "")
        + ack
        + page_link(n.page_url)
        + f"<h4>{_e(heading_zh)} {_e(heading_en)}</h4>{html_table(rows)}</div>"
    )


def page_link(url: str) -> str:
    """The HTML link to the status page ('' without an address)."""
    if not url:
        return ""
    return (
        f'<p><a href="{_e(url)}" style="font-weight:bold">{_e(PAGE_LINK[0])}</a> '
        f'<span style="color:#777">{_e(PAGE_LINK[1])}</span><br>'
        f'<span style="font-size:12px;color:#555">{_e(url)}</span></p>'
    )


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _lines(value: str) -> str:
    """Escaped, with its line breaks kept."""
    return "<br>".join(_e(line) for line in value.split("\n"))


def cell(value: object) -> str:
    """An evidence value as people read it: lists joined, no Python reprs, '—' for nothing."""
    if value is None:
        return "—"
    if isinstance(value, (list, tuple)):
        return "、".join(map(str, value)) or "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _columns(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(k for row in rows for k in row))


def text_table(rows: list[dict]) -> str:
    if not rows:
        return "  （无 none）"
    cols = _columns(rows)
    lines = ["  " + " | ".join(cols)]
    lines += ["  " + " | ".join(one_line(cell(r.get(c))) for c in cols) for r in rows]
    return "\n".join(lines)


def html_table(rows: list[dict]) -> str:
    if not rows:
        return "<p>无 none</p>"
    cols = _columns(rows)
    style = 'style="border:1px solid #bbb;padding:3px 6px"'
    head = "".join(f'<th {style} bgcolor="#eef4f8">{_e(c)}</th>' for c in cols)
    body = "".join("<tr>" + "".join(f"<td {style}>{_e(cell(r.get(c)))}</td>" for c in cols) + "</tr>" for r in rows)
    return f'<table style="border-collapse:collapse;font-size:12px" cellspacing="0"><tr>{head}</tr>{body}</table>'


def html_facts(pairs: list[tuple[tuple[str, str], tuple[str, str]]]) -> str:
    """Chinese label and value first; the English label, and the English value where it differs, after them."""
    rows = "".join(
        f'<tr><th align="left" style="padding:2px 8px">{_e(zk)} <span style="color:#777">{_e(ek)}</span></th>'
        f'<td style="padding:2px 8px">{_e(zv)}'
        + (f'<br><span style="color:#777">{_e(ev)}</span>' if ev != zv else "")
        + "</td></tr>"
        for (zk, zv), (ek, ev) in pairs
    )
    return f"<table>{rows}</table>"
