"""Builds started from the web app: one at a time per project, each in a process of its own.

A build runs ``python -m kitbuilder.web.builds`` in the project's folder (see :mod:`.jobs`),
the same pipeline as ``kitbuilder build`` (and ``kitbuilder preview`` when PDFs are asked
for, so the contact sheets come with it), reporting every document written and every PDF
converted.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from .jobs import JobState, Jobs, Say, child_main
from .projects import CONFIG_NAME, OUTPUT_FOLDER, Project

__all__ = ["BuildState", "Builds"]


@dataclass
class BuildState(JobState):
    """What a project's build is doing, as ``GET /projects/<name>/status`` tells it."""

    #: The contact sheets' flags (pages to look at), when the build made PDFs.
    flags: list[str] = field(default_factory=list)
    pdf: bool = False
    locales: list[str] = field(default_factory=list)


class Builds(Jobs[BuildState]):
    """The builds of every project of a workspace; ``jobs`` processes share each build's work."""

    module = "kitbuilder.web.builds"
    state_type = BuildState
    busy = "a build of this project is already running"
    stopped = "the build stopped unexpectedly"

    def __init__(self, jobs: int = 2):
        super().__init__()
        self.jobs = jobs

    def start(self, project: Project, *, pdf: bool = False, locales: list[str] = (),
              kits: list[str] = ()) -> BuildState:
        """Start building ``project``; raises :class:`~.jobs.JobRunning` while one runs for it."""
        options = {"pdf": pdf, "locales": list(locales), "kits": list(kits), "jobs": self.jobs}
        return self._start(project, options, BuildState(pdf=pdf))


def _build(options: dict, say: Say) -> dict:
    """Build the project in the working folder."""
    from ..contact_sheet import preview
    from ..inputs.config import load_config
    from ..pipeline import build

    progress = lambda done, total: say({"done": done, "total": total})  # noqa: E731
    config = load_config(CONFIG_NAME, overrides={"locales": options["locales"], "kits": options["kits"]})
    out = Path(OUTPUT_FOLDER)
    if options["pdf"]:
        report = preview(config, out, jobs=options["jobs"], progress=progress)
        return {"flags": [str(flag) for flag in report.flags], "locales": list(report.sheets)}
    build(config, out, jobs=options["jobs"], progress=progress)
    return {"locales": list(config.locales)}


if __name__ == "__main__":
    sys.exit(child_main(_build))
