"""The leaders file: a CSV or XLSX export from an HR system, one leader per row.

Column headers may be English or any shipped locale's words (``Navn;Enhed;Nærmeste
leder;E-mail;Møde``), and meeting times what Excel writes: a date cell, ``2027-03-02 10:00``,
``02-03-2027 10:00`` or ``2.3.2027 10.00`` (the day first, as in the Nordics).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import ValidationError

from ..errors import BadValue, ConfigError, InputError, Problem, required_but_empty
from ..names import display_path
from .config import Leader, _message, problem_key
from .tables import Table, cell_text, read_tables

__all__ = ["LEADER_COLUMNS", "load_leaders", "parse_meeting", "read_leaders_table"]


LEADER_COLUMNS = ("name", "unit", "manager", "email", "manager_email", "meeting", "place", "locale")

_TIME = r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?"
_MOMENT = re.compile(rf"(?P<date>[\d./-]+?)(?:T|,?\s+(?:kl\.?\s*)?){_TIME}", re.IGNORECASE)
_YEAR_FIRST = re.compile(r"(?P<year>\d{4})(?P<sep>[-./])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})")
_DAY_FIRST = re.compile(r"(?P<day>\d{1,2})(?P<sep>[-./])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{2}|\d{4})")
_EXAMPLES = "2027-03-02 10:00 or 02.03.2027 10.00"


def read_leaders_table(path: Path, display: str) -> Table:
    """The leaders file's table: its header found by the column names in any shipped language.

    Raises :class:`InputError` naming the file when no header is found.
    """
    table, = read_tables(path, display, LEADER_COLUMNS, required="name", all_sheets=False)
    return table


def load_leaders(path: Path) -> list[Leader]:
    """The leaders listed in a CSV or XLSX file, one per row.

    Raises :class:`ConfigError` naming the file, the row and the column of every bad value,
    every missing name and every name that appears twice.
    """
    display = display_path(path)
    try:
        table = read_leaders_table(path, display)
    except InputError as exc:
        raise ConfigError(exc.problems) from None
    leaders, problems, seen = [], [], {}
    for row in table.rows:
        values = {key: value if key == "meeting" else cell_text(value) for key, value in row.values.items()
                  if key in LEADER_COLUMNS and cell_text(value)}
        if "locale" in values:
            values["locale"] = values["locale"].lower()
        if "meeting" in values:
            try:
                values["meeting"] = parse_meeting(values["meeting"])
            except BadValue as exc:
                problems.append(exc.problem(display, table.where(row.number, "meeting")))
                continue
        try:
            leader = Leader.model_validate(values)
            leader._source, leader._meeting_source = table.where(row.number), table.where(row.number, "meeting")
        except ValidationError as exc:
            for err in exc.errors():
                column = str(err["loc"][0]) if err["loc"] else "name"
                message = str(required_but_empty()) if err["type"] == "missing" else _message(err)
                problems.append(Problem(display, table.where(row.number, column), message, **problem_key(err)))
            continue
        key = leader.name.casefold()
        if key in seen:
            problems.append(Problem(display, table.where(row.number, "name"),
                                    f"{leader.name!r} is already listed in row {seen[key]}; each leader once",
                                    key="leader_twice", params={"name": leader.name, "first": table.where(seen[key])}))
        seen.setdefault(key, row.number)
        leaders.append(leader)
    if problems:
        raise ConfigError(problems)
    return leaders


def parse_meeting(value: object) -> dt.datetime:
    """A meeting's date and time as a spreadsheet holds it; raises :class:`BadValue` saying why not.

    Accepts a date cell, ``2027-03-02 10:00``, ``2027-03-02T10:00:00``, ``02-03-2027 10:00``
    and ``2.3.2027 10.00`` (the day first). A date with slashes whose day and month could be
    swapped (``03/02/2027``: 3 February here, 2 March in the US) and a two-digit year are
    ambiguous; a date that does not exist is impossible.
    """
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    text = cell_text(value)
    moment = _MOMENT.fullmatch(text)
    date = moment and (_YEAR_FIRST.fullmatch(moment["date"]) or _DAY_FIRST.fullmatch(moment["date"]))
    if not date:
        raise BadValue(f"expected a date and a time such as {_EXAMPLES} (got {text!r})", "meeting_unreadable", value=text)
    day, month, year = (int(date[part]) for part in ("day", "month", "year"))
    if len(date["year"]) == 2:
        raise BadValue(f"ambiguous year in {text!r}: write it with four digits, as in {_EXAMPLES}", "meeting_year",
                       value=text)
    if date["sep"] == "/" and day != month and day <= 12 and month <= 12 and date.re is _DAY_FIRST:
        raise BadValue(f"ambiguous date {text!r} (day/month here, month/day in the US): write the year first "
                       f"or the day with dots, as in {_EXAMPLES}", "meeting_day_month", value=text)
    try:
        return dt.datetime(year, month, day, int(moment["hour"]), int(moment["minute"]), int(moment["second"] or 0))
    except ValueError:
        raise BadValue(f"no such date and time: {text!r} (expected one such as {_EXAMPLES})", "meeting_impossible",
                       value=text) from None
