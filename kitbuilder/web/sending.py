"""Sending each leader their pack from the web app: who gets what, each e-mail as a preview,
and the sending itself in the background.

The page shows the plan that ``kitbuilder send`` follows (:mod:`kitbuilder.send.plan`), and
the sending runs ``kitbuilder send``'s own code in a process of its own (:mod:`.jobs`), with
its send log, so the app and the command line never mail a leader twice between them. The
SMTP password never passes through the app: the server only checks that
``KITBUILDER_SMTP_PASSWORD`` is in its environment, and the sending process inherits it.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

from ..errors import InputError, SendError
from ..inputs.config import Config
from ..names import safe_name
from ..printpack import LEADER_PACKS
from ..send import PASSWORD_VARIABLE, compose, environment_password, needs_password, send
from ..send.log import LOG_FILE, LogEntry, SendLog
from ..send.plan import Plan, plan_sending
from .jobs import JobState, Jobs, Say, child_main
from .projects import CONFIG_NAME, OUTPUT_FOLDER, NotFound, Project, ProjectError

__all__ = ["KIT", "SendState", "Sends", "Unsendable", "draft", "password_missing", "planned", "sending_plan"]

#: The kit whose guides and invitations are sent.
KIT = "leader-dialogue"


class Unsendable(ProjectError):
    """Nothing can be sent now: the config cannot send, or the build is missing or out of date."""

    status = 422


@dataclass
class SendState(JobState):
    """What a project's sending is doing, as ``GET /projects/<name>/send`` tells it."""

    resend: bool = False
    #: The one leader this run sends to (an e-mail in doubt, sent again), else empty.
    leader: str = ""
    #: Leaders whose e-mail the server took in this run.
    sent: list[str] = field(default_factory=list)
    #: Per leader, the addresses the server refused, with its answers.
    refused: dict[str, dict[str, str]] = field(default_factory=dict)


class Sends(Jobs[SendState]):
    """The sends of every project of a workspace."""

    module = "kitbuilder.web.sending"
    state_type = SendState
    busy = "this project's e-mails are being sent"
    stopped = "sending stopped unexpectedly"

    def start(self, project: Project, *, resend: bool, total: int, leader: str = "") -> SendState:
        """Start sending ``project``'s e-mails (``total`` of them, as planned; only ``leader``'s
        when given); raises :class:`~.jobs.JobRunning` while they are being sent."""
        return self._start(project, {"resend": resend, "leader": leader},
                           SendState(resend=resend, leader=leader, total=total))


def _root(project: Project, config: Config) -> Path:
    """Where ``kitbuilder send --out output`` finds the build: ``output/<short_name>``."""
    return project.output_dir / safe_name(config.organisation.short_name)


def password_missing(config: Config) -> bool:
    """Whether the server asks for a login and the app was started without the password."""
    return needs_password(config) and environment_password(config) is None


@dataclass
class SendingPlan:
    """What sending would do now, for the page and ``GET /projects/<name>/send``."""

    #: Why nothing can be sent yet, as a word of the page: ``no_mail`` (no mail server set
    #: up), ``no_packs`` (no print pack built); else empty.
    reason: str = ""
    #: Why nothing can be sent yet, as ``kitbuilder send`` says it (in English).
    problems: list[str] = field(default_factory=list)
    password_missing: bool = False
    password_variable: str = PASSWORD_VARIABLE
    leaders: list[dict] = field(default_factory=list)
    without_address: list[str] = field(default_factory=list)
    #: E-mails a send sends, and those it sends again with ``resend``.
    to_send: int = 0
    changed: int = 0

    @property
    def ready(self) -> bool:
        return not (self.reason or self.problems or self.password_missing)

    def json(self) -> dict:
        return {"ready": self.ready, **asdict(self)}


def sending_plan(project: Project, config: Config, url: str) -> SendingPlan | None:
    """What ``kitbuilder send`` would do with the project's last build; None when the project
    does not make the kit that is sent. ``url`` is the project's, for the previews' links."""
    if KIT not in config.kits:
        return None
    view = SendingPlan(password_missing=password_missing(config))
    root = _root(project, config)
    if config.mail is None:
        view.reason = "no_mail"
        return view
    if not any(root.glob(f"*/{LEADER_PACKS}/*.pdf")):
        view.reason = "no_packs"
        return view
    try:
        plan, send_log = _plan(project, config)
    except InputError as exc:
        view.problems = [project.relative_text(str(problem)) for problem in exc.problems]
        return view
    except SendError as exc:
        view.problems = [project.relative_text(exc.message)]
        return view
    standing = {entry.leader.casefold(): name for name in ("already_sent", "changed", "in_doubt")
                for entry in getattr(plan, name)}
    for outgoing in plan.addressed:
        leader = outgoing.leader
        row = {"name": leader.name, "address": leader.email, "cc": outgoing.cc, "locale": outgoing.locale_kit.locale,
               "pack": outgoing.pack.relative_to(root).as_posix(),
               "calendar": outgoing.calendar.relative_to(root).as_posix(),
               "standing": standing.get(leader.name.casefold(), "send"), "last": _outcome(send_log.latest(leader.name)),
               "preview": f"{url}/send/preview/{quote(outgoing.person.stem)}"}
        if row["standing"] == "in_doubt":  # sent again only when asked by name, as the command line says
            row["command"] = shlex.join(["kitbuilder", "send", CONFIG_NAME, "--out", OUTPUT_FOLDER, "--resend",
                                         "--leader", leader.name])
        view.leaders.append(row)
    view.without_address, view.to_send, view.changed = plan.without_address, len(plan.outgoing), len(plan.changed)
    return view


def _plan(project: Project, config: Config, *, resend: bool = False, leader: str = "") -> tuple[Plan, SendLog]:
    send_log = SendLog(_root(project, config) / LOG_FILE)
    return plan_sending(config, _root(project, config), send_log, leader=leader or None, resend=resend), send_log


def _outcome(entry: LogEntry | None) -> dict | None:
    """The send log's last word on a leader's e-mail."""
    if entry is None:
        return None
    return {"status": entry.status, "time": entry.time, "message_id": entry.message_id, "address": entry.address,
            "refused": entry.refused, "error": entry.error}


def planned(project: Project, config: Config, *, resend: bool, leader: str = "") -> int:
    """How many e-mails a send (to ``leader`` alone, when given) would send now; raises what
    ``kitbuilder send`` would stop on."""
    return len(_plan(project, config, resend=resend, leader=leader)[0].outgoing)


def draft(project: Project, config: Config, stem: str) -> dict:
    """The e-mail to the leader whose files are named ``stem``, as it would go now: headers, text
    and attachments. Raises :class:`NotFound` for no such leader (with an address)."""
    plan, send_log = _plan(project, config)
    outgoing = next((item for item in plan.addressed if item.person.stem == stem), None)
    if outgoing is None:
        raise NotFound(f"no leader with an e-mail address and the files {stem!r}")
    message = compose(config, outgoing, send_log)
    return {"leader": outgoing.leader.name, "locale": outgoing.locale_kit.locale,
            **{name.lower().replace("-", "_"): str(message[name] or "") for name in _HEADERS},
            "body": message.get_body(("plain",)).get_content(), "attachments": _attachments(message)}


#: The headers a preview shows.
_HEADERS = ("Subject", "From", "To", "Cc", "Reply-To")


def _attachments(message: EmailMessage) -> list[dict]:
    return [{"name": part.get_filename(), "type": part.get_content_type(),
             "bytes": len(part.get_payload(decode=True))} for part in message.iter_attachments()]


# --- the sending process -------------------------------------------------------------------

def _send(options: dict, say: Say) -> dict:
    """Send the e-mails of the project in the working folder, as ``kitbuilder send --out output``."""
    from ..inputs.config import load_config

    config = load_config(CONFIG_NAME)
    report = send(config, Path(OUTPUT_FOLDER), resend=options["resend"], leader=options.get("leader") or None,
                  password=environment_password(config),
                  progress=lambda done, total: say({"done": done, "total": total}))
    return {"sent": report.sent, "refused": report.refused}


if __name__ == "__main__":
    sys.exit(child_main(_send))
