"""A real SMTP server on 127.0.0.1 for the send tests: aiosmtpd, with STARTTLS or TLS from a
certificate made for the test (trustme), AUTH, and ways to refuse or stall a message."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

USER, PASSWORD = "hr@fjordby.example", "correct horse battery staple"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


class Inbox:
    """The messages the server accepted, and how it treats the next ones."""

    def __init__(self):
        self.received: list[Received] = []
        self.logins: list[str] = []
        #: When each message began (MAIL FROM), by time.monotonic().
        self.starts: list[float] = []
        #: Addresses answered with a permanent 550 at RCPT.
        self.refuse: set[str] = set()
        #: Answers to give at the end of DATA instead of accepting, one per message, first first.
        self.data_answers: list[str] = []
        #: Set when a message has arrived and the server holds its answer until ``release`` is set.
        self.stall_at: int | None = None
        self.stalled, self.release = threading.Event(), threading.Event()
        self.lock = threading.Lock()

    # aiosmtpd handler hooks
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.starts.append(time.monotonic())
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        with self.lock:
            if self.data_answers:
                return self.data_answers.pop(0)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          message_from_bytes(envelope.original_content, policy=policy.default)))
            count = len(self.received)
        if count == self.stall_at:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)

    def to(self, address: str) -> list[Received]:
        return [item for item in self.received if address in item.recipients]


class Certificates:
    """A certificate authority for the test and a server certificate for 127.0.0.1 it signed."""

    def __init__(self, folder: Path):
        self.authority = trustme.CA()
        self.server = self.authority.issue_cert("127.0.0.1", "localhost")
        self.ca_file = folder / "test-ca.pem"
        self.authority.cert_pem.write_to_path(str(self.ca_file))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.server.configure_cert(context)
        return context


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """aiosmtpd on 127.0.0.1 in a thread: ``security`` starttls (with AUTH required), ssl or none."""

    def __init__(self, security: str, certificates: Certificates | None = None):
        self.inbox, self.security, self.port = Inbox(), security, free_port()
        # aiosmtpd counts only STARTTLS as encrypted for AUTH; an implicit TLS connection is too
        options: dict = {"authenticator": self.inbox.authenticate, "auth_required": security != "none",
                         "auth_require_tls": security == "starttls"}
        if security == "starttls":
            options.update(tls_context=certificates.server_context(), require_starttls=True)
        elif security == "ssl":
            options.update(ssl_context=certificates.server_context())
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)

    def __enter__(self) -> Server:
        self.controller.start()
        self.running = True
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop listening and close every connection, as a server that goes away."""
        self.inbox.release.set()
        if self.running:
            # drop the open connection first: stopping aiosmtpd leaves its socket to the garbage collector
            connection = self.controller.smtpd
            if connection is not None and connection.transport is not None:
                self.controller.loop.call_soon_threadsafe(connection.transport.abort)
            self.controller.stop()
            self.running = False

    def mail_section(self, **extra: str) -> str:
        """The config's ``mail:`` section for this server."""
        fields = {"host": "127.0.0.1", "port": str(self.port), "security": self.security, "username": USER,
                  "from": "{name: Mette Holm, email: hr@fjordby.example}", **extra}
        if self.security == "none":
            fields.pop("username")
        return "mail:\n" + "".join(f"  {key}: {value}\n" for key, value in fields.items())
