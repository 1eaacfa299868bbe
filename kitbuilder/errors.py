"""The exceptions kitbuilder raises; each carries the exit code the CLI returns.

Exit codes: 0 success, 1 a build or a send failed (or could not start: another build is
writing into the output folder), 2 bad usage or bad input.
"""

from __future__ import annotations

from dataclasses import dataclass

import click

__all__ = [
    "BuildError",
    "ConfigError",
    "ContentError",
    "InputError",
    "KitbuilderError",
    "OutputBusy",
    "Problem",
    "SendError",
    "TemplateError",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file: where it is and what is expected."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class KitbuilderError(click.ClickException):
    """Base of every error kitbuilder reports to a user (no traceback)."""

    exit_code = 1


class InputError(KitbuilderError):
    """Bad input: a list of problems, all reported at once, exit code 2."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, (Problem, str)):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        # a problem found in a worker process reaches the parent whole, problem by problem
        return type(self), (self.problems,)

    def format_message(self) -> str:
        count = len(self.problems)
        head = "1 problem" if count == 1 else f"{count} problems"
        return f"{head} found:\n" + "\n".join(f"  {p}" for p in self.problems)


class ConfigError(InputError):
    """The organisation config is malformed or invalid."""


class ContentError(InputError):
    """A locale's content is missing, malformed or inconsistent."""


class TemplateError(InputError):
    """A Word or PowerPoint template is missing or broken (names the template and locale)."""


class BuildError(KitbuilderError):
    """A document could not be built or written."""

    exit_code = 1


class SendError(KitbuilderError):
    """E-mails could not be sent: the build is missing or out of date, or the server failed."""

    exit_code = 1


class OutputBusy(KitbuilderError):
    """Another build is writing into the same output folder: this one does not start."""

    exit_code = 1
