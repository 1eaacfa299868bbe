"""``kitbuilder send``: e-mail each leader their print pack and meeting invitations, once.

:mod:`.plan` decides who gets what from the last build and stops on anything missing or out
of date, :mod:`.message` writes each e-mail, :mod:`.log` records every message as it goes
(``sent.json``) so a second run or a run after a crash sends nobody twice, and :mod:`.smtp`
talks to the organisation's server.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Callable

from ..errors import SendError
from ..inputs.config import Config
from ..names import display_path, safe_name
from ..writer import output_lock, write_atomic
from .log import LOG_FILE, LogEntry, SendLog
from .message import write_message
from .plan import Outgoing, Plan, plan_sending
from .smtp import RETRY_DELAYS, Mailer, Refused, ServerGone

__all__ = ["PASSWORD_VARIABLE", "SendReport", "compose", "environment_password", "needs_password", "send"]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

#: Where the SMTP password comes from when nobody is asked for it; never from the config.
PASSWORD_VARIABLE = "KITBUILDER_SMTP_PASSWORD"


def needs_password(config: Config) -> bool:
    """Whether sending logs in to the server (``mail.username`` is set), and so needs a password."""
    return config.mail is not None and bool(config.mail.username)


def environment_password(config: Config) -> str | None:
    """The password from :data:`PASSWORD_VARIABLE` when the server needs one and it is set."""
    if not needs_password(config):
        return None
    return os.environ.get(PASSWORD_VARIABLE) or None


@dataclass
class SendReport:
    """What a run sent, and whom it left out."""

    plan: Plan
    log: Path
    #: Leaders whose e-mail the server took.
    sent: list[str] = field(default_factory=list)
    #: Per leader, the addresses the server refused, with its answers (the leader's e-mail did
    #: not go when all of them were refused).
    refused: dict[str, dict[str, str]] = field(default_factory=dict)
    #: With a dry run: the .eml files written.
    drafts: list[Path] = field(default_factory=list)


def send(config: Config, out_dir: Path, *, leader: str | None = None, resend: bool = False,
         dry_run: Path | None = None, per_minute: float | None = None,
         password: str | Callable[[], str | None] | None = None,
         progress: Progress | None = None, retry_delays: tuple[float, ...] = RETRY_DELAYS) -> SendReport:
    """E-mail every leader (or only ``leader``) their files from the build in ``out_dir``.

    Leaders who already have their e-mail are left out; with ``resend`` those whose files or
    addresses changed since get it again. ``dry_run`` writes each e-mail into that folder as
    an .eml file and sends nothing; ``per_minute`` (else ``mail.per_minute``) paces the
    messages for servers that throttle; ``password`` (or a function that gives it, asked only when there is something to
    send) logs in as ``mail.username``; ``progress(done, total)`` hears about each message.

    Raises :class:`~kitbuilder.errors.ConfigError` or :class:`InputError` for bad input and
    :class:`SendError` for files that are missing or out of date (both before anything is
    sent) and for a server that cannot be used or is lost (the send log then says who got
    their e-mail).
    """
    root = Path(out_dir) / safe_name(config.organisation.short_name)
    if dry_run is not None:
        return _write_drafts(config, root, Path(dry_run), leader=leader, resend=resend)
    with output_lock(Path(out_dir)):  # one run at a time, and no build changing the files meanwhile
        send_log = SendLog(root / LOG_FILE)
        plan = plan_sending(config, root, send_log, leader=leader, resend=resend)
        report = SendReport(plan, send_log.path)
        if not plan.outgoing:
            return report
        pause = _Pace(per_minute or config.mail.per_minute)
        with Mailer(config.mail, password() if callable(password) else password, retry_delays=retry_delays) as mailer:
            for done, outgoing in enumerate(plan.outgoing, start=1):
                _send_one(config, outgoing, mailer, send_log, report, pause)
                if progress:
                    progress(done, len(plan.outgoing))
    return report


def _write_drafts(config: Config, root: Path, folder: Path, *, leader: str | None, resend: bool) -> SendReport:
    """The e-mails a run would send, as .eml files in ``folder``; nothing is sent or logged."""
    send_log = SendLog(root / LOG_FILE)
    report = SendReport(plan_sending(config, root, send_log, leader=leader, resend=resend), send_log.path)
    for outgoing in report.plan.outgoing:
        message = compose(config, outgoing, send_log)
        path = folder / f"{outgoing.person.stem}.eml"
        write_atomic(path, bytes(message))
        report.drafts.append(path)
    return report


def compose(config: Config, outgoing: Outgoing, send_log: SendLog) -> EmailMessage:
    """``outgoing``'s e-mail as a run would send it now (a draft, a preview)."""
    return _message(config, outgoing, send_log)[0]


def _message(config: Config, outgoing: Outgoing, send_log: SendLog) -> tuple[EmailMessage, dict[str, str], int]:
    """The e-mail, its attachments' SHA-256 and its invitations' SEQUENCE (earlier e-mails that may have arrived)."""
    sequence = send_log.reached(outgoing.leader.name)
    message, attachments = write_message(outgoing, config.mail, config.dialogue.organiser, sequence=sequence,
                                         now=dt.datetime.now().astimezone())
    return message, attachments, sequence


def _send_one(config: Config, outgoing: Outgoing, mailer: Mailer, send_log: SendLog, report: SendReport,
              pause: _Pace) -> None:
    message, attachments, sequence = _message(config, outgoing, send_log)
    pause.wait()  # after writing the message, so its writing does not count in the pace
    entry = LogEntry(leader=outgoing.leader.name, locale=outgoing.locale_kit.locale, address=outgoing.leader.email,
                     cc=outgoing.cc, message_id=message["Message-ID"], files=outgoing.files, attachments=attachments,
                     sequence=sequence)
    send_log.add(entry)
    try:
        refused = mailer.send(message)
    except Refused as exc:
        send_log.finish(entry, "refused", refused=exc.refused)
        report.refused[outgoing.leader.name] = exc.refused
        log.info("%s: the server refused the e-mail: %s", outgoing.leader.name, exc)
        return
    except (ServerGone, SendError) as exc:
        send_log.finish(entry, "failed", error=str(exc))
        raise SendError(f"{exc}\nStopped: {len(report.sent)} e-mails went out in this run; "
                        f"{display_path(send_log.path)} lists everyone who has theirs. Run the same command "
                        f"again to send the rest.") from None
    send_log.finish(entry, "sent", refused=refused)
    report.sent.append(outgoing.leader.name)
    if refused:
        report.refused[outgoing.leader.name] = refused
        log.info("%s: the server refused %s; the e-mail went to the others", outgoing.leader.name,
                 "; ".join(f"{address} ({answer})" for address, answer in refused.items()))
    log.info("sent %s to %s (%s)", outgoing.pack.name, outgoing.leader.email, message["Message-ID"])


class _Pace:
    """Waits between messages so that at most ``per_minute`` go out in a minute."""

    def __init__(self, per_minute: float | None):
        self.interval = 60 / per_minute if per_minute else 0.0
        self.last: float | None = None

    def wait(self) -> None:
        if self.last is not None:
            time.sleep(max(0.0, self.last + self.interval - time.monotonic()))
        self.last = time.monotonic()
