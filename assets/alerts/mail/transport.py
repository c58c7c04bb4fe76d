"""Where mail goes: an SMTP server (STARTTLS, SSL or plain) or, with no server configured, .eml files in the outbox.

Settings come from ENVMON_SMTP_* and ENVMON_MAIL_FROM. The password is held only by the SMTP login call: it is never
part of an error message, a repr or a log line.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from assets.demo import is_demo_mail, may_receive_demo

SECURITY = ("starttls", "ssl", "none")
DEMO_DIVERTED = "outbox (demo data)"  # the transport recorded for demo mail kept from a real address
# The sender when ENVMON_MAIL_FROM is not set: an illustrative address like the example contacts (set your own).
DEFAULT_MAIL_FROM = "川南渝西联合监测 envmon <envmon@example.cn>"


class DeliveryError(Exception):
    """A send that did not happen. ``permanent``: the server refused this recipient/message (5xx)."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"
    user: str = ""
    password: str = field(default="", repr=False)
    mail_from: str = DEFAULT_MAIL_FROM
    ca_file: str = ""  # a private CA or self-signed server certificate to trust (else the system's CAs)
    timeout: float = 20.0

    @classmethod
    def from_env(cls, env: dict | None = None) -> SmtpSettings:
        env = os.environ if env is None else env
        security = (env.get("ENVMON_SMTP_SECURITY") or "starttls").lower()
        if security not in SECURITY:
            raise ValueError(f"ENVMON_SMTP_SECURITY is {security!r}; expected one of {', '.join(SECURITY)}")
        default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
        port = env.get("ENVMON_SMTP_PORT") or default_port
        try:
            port = int(port)
        except ValueError:
            raise ValueError(f"ENVMON_SMTP_PORT is {port!r}; expected a port number") from None
        return cls(
            host=env.get("ENVMON_SMTP_HOST", ""),
            port=port,
            security=security,
            user=env.get("ENVMON_SMTP_USER", ""),
            password=env.get("ENVMON_SMTP_PASSWORD", ""),
            mail_from=env.get("ENVMON_MAIL_FROM") or cls.mail_from,
            ca_file=env.get("ENVMON_SMTP_CA_FILE", ""),
        )


class OutboxTransport:
    """Writes each message as ``<outbox>/<message id>--<recipient>.eml`` (written atomically; a re-send overwrites)."""

    name = "outbox"
    local = True  # no network: the delivery pass may keep its warehouse connection open

    def __init__(self, outbox: Path):
        self.outbox = Path(outbox)

    def __enter__(self):
        self.outbox.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc):
        return False

    def send(self, msg: EmailMessage, recipient: str) -> None:
        stem = "".join(ch if ch.isalnum() or ch in "-_.@" else "_" for ch in f"{msg['Message-ID']}--{recipient}")
        target = self.outbox / f"{stem.strip('_')}.eml"
        tmp = target.with_suffix(".eml.tmp")
        tmp.write_bytes(msg.as_bytes())
        os.replace(tmp, target)


class SmtpTransport:
    """One SMTP session per delivery pass."""

    name = "smtp"

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        return f"{self.settings.host}:{self.settings.port} ({self.settings.security})"

    def __enter__(self):
        s = self.settings
        context = ssl.create_default_context(cafile=s.ca_file or None)
        try:
            if s.security == "ssl":
                self._smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                self._smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    self._smtp.starttls(context=context)
            if s.user:
                self._smtp.login(s.user, s.password)
        except smtplib.SMTPAuthenticationError as exc:
            self._close()
            raise DeliveryError(
                f"SMTP login refused for user {s.user!r} at {self.where}: {exc.smtp_code} "
                f"(check ENVMON_SMTP_USER / ENVMON_SMTP_PASSWORD); mail stays queued"
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._close()
            raise DeliveryError(f"SMTP server {self.where} unavailable: {type(exc).__name__}: {exc}") from None
        return self

    def __exit__(self, *exc):
        self._close()
        return False

    def send(self, msg: EmailMessage, recipient: str) -> None:
        try:
            refused = self._smtp.send_message(msg, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reason = exc.recipients.get(recipient, (550, b""))
            raise DeliveryError(
                f"{self.where} refused {recipient}: {code} {_text(reason)}", permanent=code >= 500
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"{self.where} rejected the message: {exc.smtp_code} {_text(exc.smtp_error)}",
                permanent=exc.smtp_code >= 500,
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP server {self.where} failed during send: {type(exc).__name__}: {exc}") from None
        if refused:
            raise DeliveryError(f"{self.where} refused {recipient}: {refused}", permanent=True)

    def _close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


class DemoGuardedSmtp(SmtpTransport):
    """SMTP, except demo mail (made from generated data) to anyone but an example address, which goes to the outbox:
    a workstation's demo with a real contacts file and a real server never mails a real contact (``assets/demo.py``).
    ``send`` returns the transport that took the message, recorded with the delivery."""

    def __init__(self, settings: SmtpSettings, outbox: Path):
        super().__init__(settings)
        self.outbox = OutboxTransport(outbox)

    def send(self, msg: EmailMessage, recipient: str) -> str:
        if is_demo_mail(msg["Subject"]) and not may_receive_demo(recipient):
            with self.outbox as outbox:
                outbox.send(msg, recipient)
            return DEMO_DIVERTED
        super().send(msg, recipient)
        return self.name


def transport_for(settings: SmtpSettings, outbox: Path):
    """SMTP when a host is configured (demo mail only to example addresses), else the .eml outbox."""
    return DemoGuardedSmtp(settings, outbox) if settings.host else OutboxTransport(outbox)


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
