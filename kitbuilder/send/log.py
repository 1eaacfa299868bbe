"""The send log, ``<out>/<short_name>/sent.json``: every e-mail kitbuilder sent, as it went.

An entry is written (atomically) just before a message goes to the server, with the status
``sending``, and rewritten when the server has answered: ``sent``, ``refused`` or
``failed``. So a run that is killed leaves at most one entry still ``sending`` — the one
message whose fate is in doubt — and the next run knows everyone else's.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import SendError
from ..names import display_path
from ..writer import write_atomic

__all__ = ["LOG_FILE", "LogEntry", "SendLog"]

LOG_FILE = "sent.json"

#: A message the server may have delivered: it counts as sent, and a run never repeats it unasked.
REACHED = ("sending", "sent")


@dataclass
class LogEntry:
    """One e-mail to one leader."""

    leader: str
    locale: str
    address: str
    cc: list[str]
    message_id: str
    #: The built files the e-mail came from (relative to the output folder), with their SHA-256.
    files: dict[str, str]
    #: The attachments as they went out (file name in the e-mail → SHA-256).
    attachments: dict[str, str]
    #: ``sending`` (handed to the server; killed before it answered), ``sent``, ``refused``, ``failed``.
    status: str = "sending"
    time: str = ""
    #: The calendar invitations' SEQUENCE: how many earlier messages may have reached the leader.
    sequence: int = 0
    #: Addresses the server refused, with its answer.
    refused: dict[str, str] = field(default_factory=dict)
    error: str = ""


class SendLog:
    """The entries of ``sent.json``, kept on disk after every change."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: list[LogEntry] = []
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self.entries = [LogEntry(**item) for item in data["messages"]]
            except (OSError, ValueError, TypeError, KeyError) as exc:
                raise SendError(f"the send log {display_path(path)} cannot be read ({exc}); it says who already "
                                f"has their e-mail, so nothing is sent until it is repaired or moved away") from None

    def latest(self, leader: str) -> LogEntry | None:
        """The last e-mail to ``leader`` (names compare without case), if any."""
        key = leader.casefold()
        return next((entry for entry in reversed(self.entries) if entry.leader.casefold() == key), None)

    def reached(self, leader: str) -> int:
        """How many e-mails to ``leader`` the server may have delivered."""
        key = leader.casefold()
        return sum(entry.leader.casefold() == key and entry.status in REACHED for entry in self.entries)

    def add(self, entry: LogEntry) -> None:
        """Record ``entry`` (status ``sending``) before its message goes out."""
        entry.time = _now()
        self.entries.append(entry)
        self._write()

    def finish(self, entry: LogEntry, status: str, *, refused: dict[str, str] | None = None, error: str = "") -> None:
        """Record the server's answer to ``entry``'s message."""
        entry.status, entry.time, entry.refused, entry.error = status, _now(), refused or {}, error
        self._write()

    def _write(self) -> None:
        body = {"messages": [asdict(entry) for entry in self.entries]}
        write_atomic(self.path, (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
