"""The organisation's SMTP server: one connection, opened when first needed and again after it drops.

A message the server refuses for good (a 5xx answer) is reported and the run goes on; a lost
connection or a server that asks to wait (a 4xx answer, as Microsoft 365 gives when it
throttles) is tried again after a pause that grows, and only then stops the run.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from email.message import EmailMessage

from ..errors import SendError
from ..inputs.config import Mail

__all__ = ["RETRY_DELAYS", "Mailer", "Refused", "ServerGone"]

log = logging.getLogger(__name__)

#: Seconds to wait before each new try after a lost connection or a 4xx answer.
RETRY_DELAYS = (2.0, 5.0, 15.0, 30.0)


class Refused(Exception):
    """The server refused this message for good (every recipient, or the message itself)."""

    def __init__(self, refused: dict[str, str]):
        super().__init__("; ".join(f"{address}: {answer}" for address, answer in refused.items()))
        self.refused = refused


class ServerGone(Exception):
    """The connection was lost, or the server kept asking to wait, through every retry."""


class Mailer:
    """Sends messages through ``mail``'s server, logging in with ``password`` when it has a username."""

    def __init__(self, mail: Mail, password: str | None, *, retry_delays: tuple[float, ...] = RETRY_DELAYS,
                 timeout: float = 60):
        if mail.username and password is None:
            raise SendError(f"mail.username is {mail.username!r}, but no password was given")
        self.mail, self.password, self.retry_delays, self.timeout = mail, password, retry_delays, timeout
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()

    def send(self, message: EmailMessage) -> dict[str, str]:
        """Send ``message``; the recipients the server refused while taking the others, with its answers.

        Raises :class:`Refused` when the server takes nobody, :class:`ServerGone` when every
        retry failed, :class:`SendError` when the server cannot be used at all (login
        refused, certificate not trusted, sender refused).
        """
        problem: Exception | None = None
        for delay in (0.0, *self.retry_delays):
            if problem is not None:
                log.warning("%s: %s; trying again in %g s", self._server, _describe(problem), delay)
                time.sleep(delay)
            try:
                if self.smtp is None:
                    self.smtp = self._connect()
                refused = self.smtp.send_message(message)
                return {address: _answer(code, text) for address, (code, text) in refused.items()}
            except smtplib.SMTPRecipientsRefused as exc:
                answers = {address: _answer(code, text) for address, (code, text) in exc.recipients.items()}
                if all(400 <= code < 500 for code, _ in exc.recipients.values()):
                    problem = Refused(answers)  # a mailbox busy or a server throttling: worth waiting for
                    continue
                raise Refused(answers) from None
            except smtplib.SMTPAuthenticationError as exc:
                raise SendError(f"{self._server} refused the login of {self.mail.username!r}: "
                                f"{_answer(exc.smtp_code, exc.smtp_error)}") from None
            except smtplib.SMTPNotSupportedError as exc:
                raise SendError(f"{self._server}: {exc}") from None
            except smtplib.SMTPResponseException as exc:
                self._drop()
                if 400 <= exc.smtp_code < 500:
                    problem = exc  # the server asks to wait
                    continue
                answer = _answer(exc.smtp_code, exc.smtp_error)
                if isinstance(exc, smtplib.SMTPDataError):
                    raise Refused({", ".join(_recipients(message)): answer}) from None
                raise SendError(f"{self._server} answered {answer}") from None
            except ssl.SSLError as exc:
                raise SendError(f"{self._server}: the secure connection failed ({exc}); if the server's "
                                "certificate comes from your organisation's own authority, point SSL_CERT_FILE at "
                                "that authority's certificate") from None
            except (smtplib.SMTPException, OSError) as exc:
                self._drop()
                problem = exc
        raise ServerGone(f"{self._server}: {_describe(problem)}")

    @property
    def _server(self) -> str:
        return f"{self.mail.host}:{self.mail.port}"

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.mail.security == "ssl":
            smtp = smtplib.SMTP_SSL(self.mail.host, self.mail.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.mail.host, self.mail.port, timeout=self.timeout)
        try:
            if self.mail.security == "starttls":
                smtp.starttls(context=context)
            if self.mail.username:
                smtp.login(self.mail.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _drop(self) -> None:
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None


def _answer(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"


def _describe(problem: Exception) -> str:
    if isinstance(problem, smtplib.SMTPResponseException):
        return f"the server answered {_answer(problem.smtp_code, problem.smtp_error)}"
    return str(problem) or type(problem).__name__


def _recipients(message: EmailMessage) -> list[str]:
    return [address.addr_spec for header in ("To", "Cc") for address in getattr(message[header], "addresses", ())]
