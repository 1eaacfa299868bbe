"""Who gets which e-mail: from the config, the last build in the output folder and the send log.

Everything that can stop a run is found here, before the first message goes out: no mail
settings or no leader-dialogue kit, a leader whose locale is not built, a pack or calendar
file that is missing or older than the config and data it came from (the manifest records
what each file was built from).
"""

from __future__ import annotations

import difflib
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, InputError, Problem, SendError
from ..inputs.config import Config, Leader, input_files, input_hashes
from ..model import DialogueLeader, LocaleKit
from ..names import display_path
from ..pipeline import build_model
from ..printpack import LEADER_PACKS
from ..writer import read_manifest_inputs, sha256_of
from .log import REACHED, LogEntry, SendLog

__all__ = ["Outgoing", "Plan", "plan_sending"]


@dataclass(frozen=True)
class Outgoing:
    """One leader's e-mail, before it is written."""

    #: The leader as configured: name and addresses.
    leader: Leader
    #: The leader as their documents print them, in their locale: meeting, place, file stem.
    person: DialogueLeader
    #: The locale's words (with the config's overrides) and the organisation's name in it.
    locale_kit: LocaleKit
    #: The print pack and the calendar file.
    pack: Path
    calendar: Path
    #: What the e-mail is made from: the leader's documents (relative to the output folder)
    #: with their SHA-256. Not the pack: a PDF converted again differs in its dates alone.
    files: dict[str, str]

    @property
    def cc(self) -> list[str]:
        return [self.leader.manager_email] if self.leader.manager_email else []


@dataclass
class Plan:
    """What a run sends, and whom it leaves out and why."""

    root: Path
    outgoing: list[Outgoing] = field(default_factory=list)
    #: Every leader with an address, whatever the run does with them (for a preview of any e-mail).
    addressed: list[Outgoing] = field(default_factory=list)
    #: Leaders with no e-mail address.
    without_address: list[str] = field(default_factory=list)
    #: Sent before, nothing changed since.
    already_sent: list[LogEntry] = field(default_factory=list)
    #: Sent before, but their files or addresses changed since (sent again only with ``resend``).
    changed: list[LogEntry] = field(default_factory=list)
    #: Handed to the server by a run that was killed before the server answered.
    in_doubt: list[LogEntry] = field(default_factory=list)


def plan_sending(config: Config, root: Path, log: SendLog, *, leader: str | None = None,
                 resend: bool = False) -> Plan:
    """The e-mails to send from the build in ``root`` (``<out>/<short_name>``).

    ``leader`` sends to that leader only; ``resend`` sends again to leaders whose files or
    addresses changed since their e-mail (with ``leader``: to that leader in any case).
    Raises :class:`ConfigError` for a config that cannot send, :class:`InputError` for an
    unknown ``leader`` and :class:`SendError` when a file is missing or out of date.
    """
    _check_config(config)
    chosen = _chosen(config, leader)
    _check_locales(config, chosen)
    locale_kits = {locale_kit.locale: locale_kit for locale_kit in build_model(config).locales}
    plan = Plan(root)
    plan.without_address = [person.name for person in chosen if not person.email]
    plan.addressed = [_outgoing(person, locale_kits[person.locale or config.locales[0]], root)
                      for person in chosen if person.email]
    _check_current(config, root, plan.addressed)
    for item in plan.addressed:
        standing = _standing(item, log.latest(item.leader.name), resend=resend, named=bool(leader))
        if standing == "send":
            plan.outgoing.append(item)
        else:
            getattr(plan, standing).append(log.latest(item.leader.name))
    return plan


def _check_config(config: Config) -> None:
    problems = []
    if config.mail is None:
        problems.append(Problem(str(config.file), "mail", "required by kitbuilder send: the mail server and "
                                "sender, {host, from: {name, email}}"))
    if "leader-dialogue" not in config.kits:
        problems.append(Problem(str(config.file), "kits", "kitbuilder send e-mails the leader-dialogue kit's "
                                "guides and invitations; add leader-dialogue"))
    if not config.leaders:
        problems.append(Problem(str(config.file), "leaders", "no leaders are listed; kitbuilder send e-mails each "
                                "leader their own files"))
    if problems:
        raise ConfigError(problems)


def _chosen(config: Config, name: str | None) -> list[Leader]:
    if not name:
        return list(config.leaders)
    chosen = [leader for leader in config.leaders if leader.name.casefold() == name.casefold()]
    if not chosen:
        close = difflib.get_close_matches(name, [leader.name for leader in config.leaders], n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise InputError(Problem("--leader", "", f"no leader named {name!r} in the config{hint}"))
    return chosen


def _check_locales(config: Config, chosen: list[Leader]) -> None:
    """Each leader's e-mail and files are in their locale, so it must be one the config builds."""
    problems = [Problem(*_where(config, leader, "locale"), f"{leader.locale!r} is not one of the config's locales "
                        f"({', '.join(config.locales)}); add it to locales: and build again, or choose one of those")
                for leader in chosen if leader.locale and leader.locale not in config.locales]
    if problems:
        raise ConfigError(problems)


def _where(config: Config, leader: Leader, column: str) -> tuple[str, str]:
    """The file and the row and column (or field) where ``leader``'s ``column`` is given."""
    if leader.source:
        return display_path(config.leaders_file), f"{leader.source}, column {column}"
    return str(config.file), f"leaders[{config.leaders.index(leader)}].{column}"


def _outgoing(leader: Leader, locale_kit: LocaleKit, root: Path) -> Outgoing:
    documents = [document for document in locale_kit.documents
                 if document.leader and document.leader.name == leader.name]
    person, folder = documents[0].leader, root / locale_kit.locale
    [calendar] = [folder / document.file_name for document in documents if document.format == "ics"]
    files = {}
    for path in (folder / document.file_name for document in documents):
        files[path.relative_to(root).as_posix()] = sha256_of(path.read_bytes()) if path.is_file() else ""
    return Outgoing(leader, person, locale_kit, folder / LEADER_PACKS / f"{person.stem}.pdf", calendar, files)


def _check_current(config: Config, root: Path, outgoing: list[Outgoing]) -> None:
    """Stop, naming each file and the command that rebuilds them, unless every file to send is
    there and was built from the config and data files as they are now."""
    built_from, current = read_manifest_inputs(root), input_hashes(config)
    names = {"config": display_path(config.file),
             **{key: display_path(path) for key, path in input_files(config).items()}}
    stale = []
    for relative in (name for item in outgoing for name in [*item.files, item.pack.relative_to(root).as_posix()]):
        recorded = built_from.get(relative)
        if not (root / relative).is_file():
            stale.append(f"{relative}: missing")
        elif recorded is None:
            stale.append(f"{relative}: the manifest does not say what it was built from")
        elif changed := sorted(names.get(key, key) for key in current.keys() | recorded.keys()
                               if current.get(key) != recorded.get(key)):
            stale.append(f"{relative}: {', '.join(changed)} changed since it was built")
    if stale:
        command = shlex.join(["kitbuilder", "build", display_path(config.file), "--pdf", "--out",
                              display_path(root.parent)])
        raise SendError("nothing was sent: these files are missing or older than what they are made from\n"
                        + "\n".join(f"  {line}" for line in stale) + f"\nBuild them again with: {command}")


def _standing(outgoing: Outgoing, latest: LogEntry | None, *, resend: bool, named: bool) -> str:
    """``send``, or the :class:`Plan` list that names why not."""
    if latest is None or latest.status not in REACHED:
        return "send"  # never sent, or refused or failed: nobody has it
    if named and resend:
        return "send"
    if latest.status == "sending":
        return "in_doubt"
    if (latest.files, latest.address, latest.cc) == (outgoing.files, outgoing.leader.email, outgoing.cc):
        return "already_sent"
    return "send" if resend else "changed"
