"""The MIME message for one recipient, built so that no value from data can add a header or a recipient.

The Date header is China Standard Time (+0800), the time the recipients live in, whatever the server's clock zone.
Extra headers (e.g. X-Envmon-Changes, the state changes a mail holds) are ASCII tokens, reduced to one line.
"""

from __future__ import annotations

import datetime as dt
import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from assets.clock import now_cst

CST_OFFSET = dt.timezone(dt.timedelta(hours=8), "CST")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")


def one_line(value: object) -> str:
    """A value safe for a header: control characters (CR, LF, NUL ...) become one space."""
    return _CONTROL.sub(" ", str(value)).strip()


def cst_date(when: dt.datetime | None = None) -> str:
    """An RFC 5322 date in +0800 for a naive CST timestamp (the pipeline's clock)."""
    return format_datetime((when or now_cst()).replace(tzinfo=CST_OFFSET))


def build_message(
    subject: str,
    text: str,
    page: str,
    sender: str,
    recipient_name: str,
    recipient_email: str,
    message_id: str,
    attachments: list[tuple[str, str, bytes]] = (),
    headers: dict[str, str] | None = None,
    date: dt.datetime | None = None,
) -> EmailMessage:
    """The MIME message for one recipient. Attachments are (filename, content type, bytes); ``date``: naive CST."""
    msg = EmailMessage()
    msg["Subject"] = one_line(subject)
    msg["From"] = address(sender)
    msg["To"] = Address(display_name=one_line(recipient_name), addr_spec=one_line(recipient_email))
    msg["Date"] = cst_date(date)
    msg["Message-ID"] = one_line(message_id)
    for name, value in (headers or {}).items():
        if re.fullmatch(r"X-[A-Za-z0-9-]+", name):
            msg[name] = one_line(value).encode("ascii", "replace").decode("ascii")
    msg.set_content(text)
    msg.add_alternative(page, subtype="html")
    for filename, content_type, payload in attachments:
        maintype, _, subtype = content_type.partition("/")
        # The project writes its text files (CSV, HTML) in UTF-8; say so, or mail clients guess ASCII.
        params = {"charset": "utf-8"} if maintype == "text" else {}
        msg.add_attachment(
            payload, maintype=maintype, subtype=subtype or "octet-stream", filename=one_line(filename), params=params
        )
    return msg


def address(value: str) -> Address:
    """'Name <addr>' or a bare address."""
    value = one_line(value)
    match = re.match(r"^(.*?)\s*<([^<>]+)>$", value)
    if match:
        return Address(display_name=match.group(1).strip('" '), addr_spec=match.group(2))
    return Address(addr_spec=value)
