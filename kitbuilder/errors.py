"""The exceptions kitbuilder raises; each carries the exit code the CLI returns.

Exit codes: 0 success, 1 a build or a send failed (or could not start: another build is
writing into the output folder), 2 bad usage or bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

import click

__all__ = [
    "BadValue",
    "BuildError",
    "ConfigError",
    "ContentError",
    "InputError",
    "KitbuilderError",
    "Notice",
    "OutputBusy",
    "Problem",
    "SendError",
    "TemplateError",
    "required_but_empty",
    "too_long",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file: where it is and what is expected, in English
    (``message``, as the command line prints it); a problem in a table file that an HR partner
    meets also has a message key with its parameters, for a page to say in its own language."""

    file: str
    path: str
    message: str
    line: int | None = None
    key: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        return _located(f"{self.file}:{self.line}" if self.line else self.file, self.path, self.message)

    def renamed(self, change: Callable[[str], str]) -> "Problem":
        """The problem with ``change`` applied to its file name and message (paths shown as the user knows them)."""
        return replace(self, file=change(self.file), message=change(self.message))


class BadValue(ValueError):
    """A value that cannot be read: its English message, and the same as a message key with
    its parameters (see :class:`Problem`)."""

    def __init__(self, message: str, key: str, **params: Any):
        super().__init__(message)
        self.key, self.params = key, params

    def __reduce__(self):
        return _bad_value, (str(self), self.key, self.params)

    def problem(self, file: str, path: str) -> Problem:
        """This value's problem at ``path`` of ``file``."""
        return Problem(file, path, str(self), key=self.key, params=self.params)


def required_but_empty() -> BadValue:
    """A required value left empty (the one wording for every reader)."""
    return BadValue("required but empty", "required")


def too_long(length: int, limit: int) -> BadValue:
    """A text longer than its field allows (the one wording for every reader)."""
    return BadValue(f"too long: {length} characters, at most {limit}", "too_long", length=length, limit=limit)


def _bad_value(message: str, key: str, params: Mapping[str, Any]) -> BadValue:
    return BadValue(message, key, **params)


def _located(where: str, path: str, message: str) -> str:
    return f"{where}: {path}: {message}" if path else f"{where}: {message}"


@dataclass(frozen=True)
class Notice:
    """Something worth a look in a kit that builds: where it is, what it says in English
    (``message``, as the command line prints it), and the same as a message key with its
    parameters (numbers, dates, names), for a page to say in its own language."""

    file: str
    place: str
    key: str
    params: Mapping[str, Any] = field(hash=False)
    message: str

    def __str__(self) -> str:
        return _located(self.file, self.place, self.message)

    def renamed(self, change: Callable[[str], str]) -> "Notice":
        """The notice with ``change`` applied to its texts (file names in the file, message and parameters)."""
        params = {name: change(value) if isinstance(value, str) else value for name, value in self.params.items()}
        return Notice(change(self.file), self.place, self.key, params, change(self.message))


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
