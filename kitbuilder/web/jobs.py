"""Work the web app runs in the background (builds, sends): one of a kind per project at a time,
each in a process of its own.

A job runs ``python -m <module> '<options as JSON>'`` in the project's folder; the module's
main is :func:`child_main`. The child reports on its standard output, one JSON object per
line: progress ``{"done": n, "total": m}``, warnings, and at the end the outcome
``{"state": "done" | "failed", …}``. Running it apart keeps the server answering while
hundreds of documents render or e-mails go out, lets the pipeline fork its own workers
safely, and stops the job (with any LibreOffice it started) when the server stops.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Generic, TypeVar

from ..errors import Notice, Problem
from ..inputs.tables import Cell
from ..writer import write_atomic
from .projects import OUTPUT_FOLDER, Project, problem_json

__all__ = ["JobRunning", "JobState", "Jobs", "child_main", "notice_from_json", "notice_json", "problem_from_json"]


class JobRunning(Exception):
    """A job that cannot run beside the one running for this project; the message says which."""


@dataclass
class JobState:
    """What a project's job is doing; :meth:`json` is what the app's routes tell."""

    state: str = "idle"  # idle | running | done | failed
    done: int = 0
    total: int = 0
    problems: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: The warnings that are the kit's notices, as :func:`notice_json` gives them.
    notices: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    started: float = 0.0

    @property
    def running(self) -> bool:
        return self.state == "running"

    def json(self) -> dict:
        data = asdict(self)
        del data["started"]
        return {**data, "seconds": round(self.seconds, 2)}

    def apply(self, message: dict) -> None:
        """Take in one report of the child: progress, a warning, or the outcome (any of the state's fields)."""
        if "done" in message:
            self.done, self.total = int(message["done"]), int(message["total"])
        if "warning" in message:
            self.warnings.append(str(message["warning"]))
        if "notice" in message:
            self.notices.append(message["notice"])
        if message.get("state") in {"done", "failed"}:
            for name in self.__dataclass_fields__.keys() - {"done", "total", "warnings", "notices", "seconds", "started"}:
                if name in message:
                    setattr(self, name, message[name])
            self.seconds = time.monotonic() - self.started
            if self.state == "done":
                self.done = self.total


State = TypeVar("State", bound=JobState)


class Jobs(Generic[State]):
    """The jobs of one kind (``python -m module``) for every project of a workspace."""

    #: The child's module, the state it reports into, what a second start while one runs is
    #: told, and what a child that ends without telling how is reported as.
    module = ""
    state_type: type[State] = JobState
    busy = ""
    stopped = ""

    def __init__(self):
        self._states: dict[Path, State] = {}
        self._processes: dict[Path, subprocess.Popen] = {}
        self._lock = threading.Lock()

    def status(self, project: Project) -> State:
        """The job running or last run for ``project``; after the app restarts, the last one's
        outcome as it was recorded beside the project's output (see :meth:`_record`)."""
        with self._lock:
            state = self._states.get(project.folder)
        return state or self._recorded(project.folder) or self.state_type()

    def _record_file(self, folder: Path) -> Path:
        return folder / OUTPUT_FOLDER / f".kitbuilder-{self.module.rsplit('.', 1)[-1]}.json"

    def _record(self, folder: Path, state: State) -> None:
        """Keep the outcome of a job that ended, so the page still tells it after a restart."""
        try:
            write_atomic(self._record_file(folder), json.dumps(state.json(), ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # the page forgets it at the next restart, as it did before

    def _recorded(self, folder: Path) -> State | None:
        try:
            data = json.loads(self._record_file(folder).read_text(encoding="utf-8"))
            fields = self.state_type.__dataclass_fields__.keys() - {"started"}
            state = self.state_type(**{name: value for name, value in data.items() if name in fields})
        except (OSError, ValueError, TypeError, AttributeError):
            return None
        return state if state.state in {"done", "failed"} else None

    def _start(self, project: Project, options: dict, state: State) -> State:
        """Run the child for ``project`` with ``options``; raises :class:`JobRunning` while one runs."""
        with self._lock:
            if project.folder in self._states and self._states[project.folder].running:
                raise JobRunning(self.busy)
            state.state, state.started = "running", time.monotonic()
            self._states[project.folder] = state
            process = subprocess.Popen(
                [sys.executable, "-m", self.module, json.dumps(options)], cwd=project.folder,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True)
            self._processes[project.folder] = process
        threading.Thread(target=self._follow, args=(project.folder, process, state), daemon=True).start()
        return state

    def wait(self, project: Project, timeout: float = 600) -> State:
        """Wait for ``project``'s job to end (for scripts and tests)."""
        deadline = time.monotonic() + timeout
        while self.status(project).running and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.status(project)

    def stop(self) -> None:
        """Stop every running job, with the processes it started."""
        with self._lock:
            processes = list(self._processes.values())
        for process in processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _follow(self, folder: Path, process: subprocess.Popen, state: State) -> None:
        errors: list[bytes] = []
        reader = threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True)
        reader.start()
        with process.stdout:
            for line in process.stdout:
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                with self._lock:
                    state.apply(message)
        process.wait()
        reader.join(timeout=5)
        process.stderr.close()
        with self._lock:
            if state.running:  # the child ended without telling how
                tail = " ".join(b"".join(errors).decode("utf-8", "replace").strip().splitlines()[-3:])
                state.state = "failed"
                state.problems = [_problem(self.stopped + (f": {tail}" if tail else ""))]
                state.seconds = time.monotonic() - state.started
            self._processes.pop(folder, None)
        self._record(folder, state)


def notice_json(notice: Notice) -> dict:
    """A notice as JSON data; :func:`notice_from_json` reads it back whole (dates, places in a table)."""
    return {"file": notice.file, "place": _json_value(notice.place), "key": notice.key, "message": notice.message,
            "params": {name: _json_value(value) for name, value in notice.params.items()}}


def notice_from_json(data: dict) -> Notice:
    params = {name: _read_json_value(value) for name, value in data["params"].items()}
    return Notice(data["file"], _read_json_value(data["place"]), data["key"], params, data["message"])


def _problem_json(problem: Problem) -> dict:
    """A problem as the app's JSON gives it; one with a key also has its key, its parameters and
    its place whole, for :func:`problem_from_json` (a page says it in its own language)."""
    data = problem_json(problem)
    if problem.key:
        data.update(key=problem.key, place=_json_value(problem.path),
                    params={name: _json_value(value) for name, value in problem.params.items()})
    return data


def problem_from_json(data: dict) -> Problem:
    params = {name: _read_json_value(value) for name, value in data.get("params", {}).items()}
    return Problem(data["file"], _read_json_value(data.get("place", data["field"])), data["message"], data["line"],
                   data.get("key", ""), params)


def _json_value(value: Any) -> Any:
    if isinstance(value, Cell):
        return {"cell": [value.row, value.column, value.sheet]}
    if isinstance(value, dt.date):  # a datetime is a date too: its type is kept
        return {type(value).__name__: value.isoformat()}
    return [_json_value(item) for item in value] if isinstance(value, tuple) else value


def _read_json_value(value: Any) -> Any:
    if isinstance(value, dict):
        [(kind, data)] = value.items()
        return Cell(*data) if kind == "cell" else getattr(dt, kind).fromisoformat(data)
    return tuple(_read_json_value(item) for item in value) if isinstance(value, list) else value


def _problem(message: str) -> dict:
    return {"file": "", "line": None, "field": "", "message": message}


Say = Callable[[dict], None]


def child_main(work: Callable[[dict, Say], dict]) -> int:
    """Run ``work(options, say)`` in the child, with the options from the command line, and
    report its outcome (the dict it returns, or its error) on the original standard output.

    ``say`` sends a report; the ``kitbuilder`` logger's warnings are reported as they come.
    Returns the exit code, as the command line's.
    """
    from ..errors import InputError, KitbuilderError

    options = json.loads(sys.argv[1])
    channel = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # nothing else the job prints can garble the reports

    def say(message: dict) -> None:
        channel.write(json.dumps(message, ensure_ascii=False) + "\n")

    class Warnings(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            notice = {"notice": notice_json(record.msg)} if isinstance(record.msg, Notice) else {}
            say({"warning": record.getMessage(), **notice})

    log = logging.getLogger("kitbuilder")
    log.handlers[:], log.propagate = [Warnings(logging.WARNING)], False
    log.setLevel(logging.WARNING)
    try:
        say({"state": "done", **work(options, say)})
    except InputError as exc:
        say({"state": "failed", "problems": [_problem_json(p) for p in exc.problems]})
        return 2
    except KitbuilderError as exc:
        say({"state": "failed", "problems": [_problem(exc.message)]})
        return 1
    except Exception as exc:  # reported like the command line's internal errors
        say({"state": "failed", "problems": [_problem(f"internal error: {type(exc).__name__}: {exc}")]})
        return 1
    return 0
