"""Builds started from the web app: one at a time per project, each in a process of its own.

A build runs ``python -m kitbuilder.web.builds`` in the project's folder, the same pipeline
as ``kitbuilder build`` (and ``kitbuilder preview`` when PDFs are asked for, so the contact
sheets come with it). The child reports on its standard output, one JSON object per line:
progress ``{"done": n, "total": m}``, warnings, and at the end the outcome. Running it apart
keeps the server answering while hundreds of documents render, lets the pipeline fork its
own workers safely, and stops LibreOffice with the build when the server stops.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .projects import CONFIG_NAME, OUTPUT_FOLDER, Project, problem_json

__all__ = ["BuildRunning", "BuildState", "Builds"]


class BuildRunning(Exception):
    """A build of this project is already running."""


@dataclass
class BuildState:
    """What a project's build is doing, as ``GET /projects/<name>/status`` tells it."""

    state: str = "idle"  # idle | running | done | failed
    done: int = 0
    total: int = 0
    problems: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: The contact sheets' flags (pages to look at), when the build made PDFs.
    flags: list[str] = field(default_factory=list)
    pdf: bool = False
    locales: list[str] = field(default_factory=list)
    seconds: float = 0.0
    started: float = 0.0

    def json(self) -> dict:
        return {"state": self.state, "done": self.done, "total": self.total, "problems": self.problems,
                "warnings": self.warnings, "flags": self.flags, "pdf": self.pdf, "locales": self.locales,
                "seconds": round(self.seconds, 2)}


class Builds:
    """The builds of every project of a workspace; ``jobs`` processes share each build's work."""

    def __init__(self, jobs: int = 2):
        self.jobs = jobs
        self._states: dict[Path, BuildState] = {}
        self._processes: dict[Path, subprocess.Popen] = {}
        self._lock = threading.Lock()

    def status(self, project: Project) -> BuildState:
        with self._lock:
            return self._states.get(project.folder, BuildState())

    def start(self, project: Project, *, pdf: bool = False, locales: list[str] = (),
              kits: list[str] = ()) -> BuildState:
        """Start building ``project``; raises :class:`BuildRunning` while one runs for it."""
        options = {"pdf": pdf, "locales": list(locales), "kits": list(kits), "jobs": self.jobs}
        with self._lock:
            if self._states.get(project.folder, BuildState()).state == "running":
                raise BuildRunning(project.name)
            state = BuildState("running", pdf=pdf, started=time.monotonic())
            self._states[project.folder] = state
            process = subprocess.Popen(
                [sys.executable, "-m", "kitbuilder.web.builds", json.dumps(options)], cwd=project.folder,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True)
            self._processes[project.folder] = process
        threading.Thread(target=self._follow, args=(project.folder, process, state), daemon=True).start()
        return state

    def wait(self, project: Project, timeout: float = 600) -> BuildState:
        """Wait for ``project``'s build to end (for scripts and tests)."""
        deadline = time.monotonic() + timeout
        while self.status(project).state == "running" and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.status(project)

    def stop(self) -> None:
        """Stop every running build, with the LibreOffice processes it started."""
        with self._lock:
            processes = list(self._processes.values())
        for process in processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _follow(self, folder: Path, process: subprocess.Popen, state: BuildState) -> None:
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
                    _apply(state, message)
        process.wait()
        reader.join(timeout=5)
        process.stderr.close()
        with self._lock:
            if state.state == "running":  # the child ended without telling how
                tail = " ".join(b"".join(errors).decode("utf-8", "replace").strip().splitlines()[-3:])
                state.state = "failed"
                state.problems = [{"file": "", "line": None, "field": "",
                                   "message": "the build stopped unexpectedly" + (f": {tail}" if tail else "")}]
                state.seconds = time.monotonic() - state.started
            self._processes.pop(folder, None)


def _apply(state: BuildState, message: dict) -> None:
    if "done" in message:
        state.done, state.total = int(message["done"]), int(message["total"])
    if "warning" in message:
        state.warnings.append(str(message["warning"]))
    if message.get("state") in {"done", "failed"}:
        state.state = message["state"]
        state.problems = message.get("problems", [])
        state.flags = message.get("flags", [])
        state.locales = message.get("locales", [])
        state.seconds = time.monotonic() - state.started
        if state.state == "done":
            state.done = state.total


# --- the build process -------------------------------------------------------------------

def _main(options: dict) -> int:
    """Build the project in the working folder and report on the original standard output."""
    from ..contact_sheet import preview
    from ..errors import InputError, KitbuilderError
    from ..inputs.config import load_config
    from ..pipeline import build

    channel = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # nothing else the build prints can garble the reports

    def say(message: dict) -> None:
        channel.write(json.dumps(message, ensure_ascii=False) + "\n")

    class Warnings(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            say({"warning": record.getMessage()})

    log = logging.getLogger("kitbuilder")
    log.handlers[:], log.propagate = [Warnings(logging.WARNING)], False
    log.setLevel(logging.WARNING)
    progress = lambda done, total: say({"done": done, "total": total})  # noqa: E731
    try:
        config = load_config(CONFIG_NAME, overrides={"locales": options["locales"], "kits": options["kits"]})
        out = Path(OUTPUT_FOLDER)
        if options["pdf"]:
            report = preview(config, out, jobs=options["jobs"], progress=progress)
            say({"state": "done", "flags": [str(flag) for flag in report.flags], "locales": list(report.sheets)})
        else:
            build(config, out, jobs=options["jobs"], progress=progress)
            say({"state": "done", "locales": list(config.locales)})
    except InputError as exc:
        say({"state": "failed", "problems": [problem_json(p) for p in exc.problems]})
        return 2
    except KitbuilderError as exc:
        say({"state": "failed", "problems": [{"file": "", "line": None, "field": "", "message": exc.message}]})
        return 1
    except Exception as exc:  # reported like the command line's internal errors
        say({"state": "failed", "problems": [{"file": "", "line": None, "field": "",
                                              "message": f"internal error: {type(exc).__name__}: {exc}"}]})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(json.loads(sys.argv[1])))
