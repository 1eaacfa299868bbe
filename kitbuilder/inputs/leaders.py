"""The leaders file: a CSV or XLSX export from an HR system, one leader per row."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..errors import ConfigError, InputError, Problem
from ..names import display_path
from .config import Leader, _message
from .tables import read_table

__all__ = ["LEADER_COLUMNS", "load_leaders"]


LEADER_COLUMNS = ("name", "unit", "manager", "email", "manager_email", "meeting", "place", "locale")


def load_leaders(path: Path) -> list[Leader]:
    """The leaders listed in a CSV or XLSX file, one per row.

    Raises :class:`ConfigError` naming the file, the row and the column of every bad value,
    every missing name and every name that appears twice.
    """
    display = display_path(path)
    try:
        header, rows = read_table(path, display)
    except InputError as exc:
        raise ConfigError(exc.problems) from None
    if "name" not in header:
        raise ConfigError(Problem(display, "row 1", f"no 'name' column (expected columns: {', '.join(LEADER_COLUMNS)})"))
    leaders, problems, seen = [], [], {}
    for row in rows:
        values = {key: value for key, value in row.values.items() if key in LEADER_COLUMNS and value != ""}
        try:
            leader = Leader.model_validate(values)
            leader._source = f"row {row.number}"
        except ValidationError as exc:
            for err in exc.errors():
                column = str(err["loc"][0]) if err["loc"] else "name"
                message = "required but empty" if err["type"] == "missing" else _message(err)
                problems.append(Problem(display, f"row {row.number}, column {column}", message))
            continue
        key = leader.name.casefold()
        if key in seen:
            problems.append(Problem(display, f"row {row.number}, column name",
                                    f"{leader.name!r} is already listed in row {seen[key]}; each leader once"))
        seen.setdefault(key, row.number)
        leaders.append(leader)
    if problems:
        raise ConfigError(problems)
    return leaders
