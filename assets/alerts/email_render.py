"""Alert e-mails: Chinese first, then English; a plain-text part and an HTML part; built so no value can inject headers.

Everything that comes from data (area, station, section names, evidence cells) is treated as hostile: header
values are reduced to one line, and HTML is escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate

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
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")


def one_line(value: object) -> str:
    """A value safe for a header: control characters (CR, LF, NUL ...) become one space."""
    return _CONTROL.sub(" ", str(value)).strip()


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


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render(n: Notification) -> RenderedMail:
    level_zh, level_en = LEVELS.get(n.level, (n.level, n.level))
    status_zh, status_en = STATUSES[n.status]
    lead = "" if n.status == "issued" else f"{status_zh} "
    subject = one_line(f"{SUBJECT_PREFIX}{lead}{level_zh} {n.title_zh} — {'、'.join(n.subjects)}".replace("  ", " "))
    capture = "" if n.capture_pct is None else f"{n.capture_pct:.1f}%"
    facts_zh = [
        ("状态", f"{status_zh}（{n.day}）"), ("级别", level_zh or "—"), ("对象", "、".join(n.subjects)),
        ("数据状态", n.data_status or "—"), ("数据获取率", capture or "—"), ("评价依据", n.standard or "—"),
        ("预警编号", n.event_id),
    ]
    facts_en = [
        ("Status", f"{status_en} ({n.day})"), ("Level", level_en or "—"), ("Subject", ", ".join(n.subjects)),
        ("Data status", n.data_status or "—"), ("Data capture", capture or "—"), ("Standard", n.standard or "—"),
        ("Alert id", n.event_id),
    ]
    text = "\n".join(
        [
            f"{level_zh}{n.title_zh} {status_zh}",
            n.summary_zh,
            "",
            *(f"{k}：{v}" for k, v in facts_zh),
            "",
            "证据 / Evidence:",
            _text_table(n.evidence),
            "",
            "查看 / Where to see it:",
            *(f"  - {w}" for w in n.where),
            "",
            "—— English ——",
            f"{level_en} {n.title_en}: {status_en}".strip(),
            n.summary_en,
            "",
            *(f"{k}: {v}" for k, v in facts_en),
            "",
            "This message was sent by envmon, the joint monitoring pipeline of 川南渝西 (South Sichuan & West Chongqing).",
        ]
    )
    page = f"""<html><body>
<h2>{_e(level_zh)}{_e(n.title_zh)} {_e(status_zh)}</h2>
<p>{_e(n.summary_zh)}</p>
{_html_facts(facts_zh)}
<h3>证据 Evidence</h3>
{_html_table(n.evidence)}
<h3>查看 Where to see it</h3>
<ul>{''.join(f'<li>{_e(w)}</li>' for w in n.where)}</ul>
<hr>
<h2>{_e(level_en)} {_e(n.title_en)}: {_e(status_en)}</h2>
<p>{_e(n.summary_en)}</p>
{_html_facts(facts_en)}
<p><small>Sent by envmon, the joint monitoring pipeline of 川南渝西 (South Sichuan &amp; West Chongqing).</small></p>
</body></html>"""
    return RenderedMail(subject, text, page)


def build_message(
    subject: str,
    text: str,
    page: str,
    sender: str,
    recipient_name: str,
    recipient_email: str,
    message_id: str,
    attachments: list[tuple[str, str, bytes]] = (),
) -> EmailMessage:
    """The MIME message for one recipient. Attachments are (filename, content type, bytes)."""
    msg = EmailMessage()
    msg["Subject"] = one_line(subject)
    msg["From"] = _address(sender)
    msg["To"] = Address(display_name=one_line(recipient_name), addr_spec=one_line(recipient_email))
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = one_line(message_id)
    msg.set_content(text)
    msg.add_alternative(page, subtype="html")
    for filename, content_type, payload in attachments:
        maintype, _, subtype = content_type.partition("/")
        # The project writes its text files (CSV, HTML) in UTF-8; say so, or mail clients guess ASCII.
        params = {"charset": "utf-8"} if maintype == "text" else {}
        msg.add_attachment(payload, maintype=maintype, subtype=subtype or "octet-stream", filename=one_line(filename),
                           params=params)
    return msg


def _address(value: str) -> Address:
    """'Name <addr>' or a bare address."""
    value = one_line(value)
    match = re.match(r"^(.*?)\s*<([^<>]+)>$", value)
    if match:
        return Address(display_name=match.group(1).strip('" '), addr_spec=match.group(2))
    return Address(addr_spec=value)


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _columns(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(k for row in rows for k in row))


def _text_table(rows: list[dict]) -> str:
    if not rows:
        return "  (none)"
    cols = _columns(rows)
    lines = ["  " + " | ".join(cols)]
    lines += ["  " + " | ".join(one_line("" if r.get(c) is None else r.get(c)) for c in cols) for r in rows]
    return "\n".join(lines)


def _html_table(rows: list[dict]) -> str:
    if not rows:
        return "<p>(none)</p>"
    cols = _columns(rows)
    head = "".join(f"<th>{_e(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{_e(r.get(c))}</td>" for c in cols) + "</tr>" for r in rows)
    return f'<table border="1" cellpadding="4" cellspacing="0"><tr>{head}</tr>{body}</table>'


def _html_facts(facts: list[tuple[str, str]]) -> str:
    return "<table>" + "".join(f"<tr><th align=left>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in facts) + "</table>"
