"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the delivery tests: STARTTLS with a throw-away certificate, login."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
import time
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (subjectAltName IP), valid for a day; returns (cert, key) paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """The aiosmtpd handler: keeps every accepted message with its envelope recipients (and the client connection
    that sent it).

    ``refuse``: recipients answered ``550`` (counted in ``refusals``). ``hold_until_sessions``: the first message
    waits (at most ``hold_seconds``) until that many client connections have sent one, so that a test can make
    delivery passes overlap for certain; ``overlapped`` says whether they did."""

    def __init__(self, refuse=(), hold_until_sessions: int = 0, hold_seconds: float = 120.0):
        self.received: list[dict] = []
        self.refuse, self.refusals = set(refuse), Counter()
        self.hold_until_sessions, self.hold_seconds = hold_until_sessions, hold_seconds
        self.sessions: set = set()
        self.overlapped = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            self.refusals[address] += 1
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.sessions.add(session.peer)
        deadline = time.monotonic() + self.hold_seconds
        while len(self.sessions) < self.hold_until_sessions and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        self.overlapped = self.overlapped or len(self.sessions) >= max(self.hold_until_sessions, 2)
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(
            {"rcpt": list(envelope.rcpt_tos), "message": msg, "raw": envelope.content, "peer": session.peer}
        )
        return "250 OK"


class SmtpServer:
    """aiosmtpd requiring STARTTLS and LOGIN/PLAIN authentication with one user."""

    def __init__(self, folder: Path, port: int, user: str = "envmon", password: str = "s3cret-Pa55", inbox=None):
        self.cert, key = self_signed_cert(folder)
        self.port, self.user, self.password = port, user, password
        self.inbox = inbox or Inbox()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, key)
        self.controller = Controller(
            self.inbox,
            hostname="127.0.0.1",
            port=port,
            tls_context=context,
            require_starttls=True,
            authenticator=self._authenticate,
            auth_required=True,
        )

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == self.user
            and auth_data.password.decode() == self.password
        )
        return AuthResult(success=ok, handled=False)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
