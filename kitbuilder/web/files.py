"""What the project page shows of a project's own files: the leaders file as a table, each
problem on its row and column, and what was read from the survey file.

Both are read with the same readers as a build (:mod:`kitbuilder.inputs`), so the page
shows the file as kitbuilder understands it: the header found below any title rows, the
columns recognised in any language, the survey's shape and its missing values. ``path``
may be an upload not yet accepted (shown with its problems, then discarded).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import InputError, Problem
from ..inputs.leaders import read_leaders_table
from ..inputs.survey import load_survey
from ..inputs.tables import Cell, cell_text

__all__ = ["leaders_table", "place_text", "survey_file", "survey_summary"]

#: Missing values listed by place on the page (the rest are counted).
MISSING_LISTED = 5


def leaders_table(path: Path | None, name: str, problems: list[Problem], shown: Callable[[Problem], Problem]) -> dict:
    """The leaders file as the page shows it: the header as written, each row's cells, and
    each of ``problems`` in this file on its row and column (or above the table), as ``shown``
    words it for the page."""
    table = {"file": name, "header": [], "ignored": [], "rows": [], "problems": {}, "by_row": {}, "general": []}
    try:
        if path is None:
            raise OSError(name)
        read = read_leaders_table(path, name)
    except (InputError, OSError):
        read = None
    for problem in problems:
        if problem.file != name:
            continue
        message = shown(problem).message
        if isinstance(problem.path, Cell) and read is not None:
            row, column = problem.path.row, problem.path.column
            table["problems"].setdefault((row, column), []).append(message)
            table["by_row"].setdefault(row, []).append((column, message))
        else:
            table["general"].append(message)
    if read is None:
        return table
    # the file's order of columns: a row's cells come in it (the longest row has them all)
    keys = list(max((row.values for row in read.rows), key=len, default={}))
    keys += [key for key in [*read.columns, *read.others] if key not in keys]
    table["header"] = [read.columns.get(key, key) for key in keys]
    table["ignored"] = [key for key in keys if key not in read.columns]
    table["rows"] = [{"number": row.number, "cells": [cell_text(row.values.get(key)) for key in keys]}
                     for row in read.rows]
    return table


def survey_file(data: dict) -> tuple[str, tuple[float, float]] | None:
    """The survey file the config names and its scale, or None."""
    survey = data.get("survey")
    settings = survey if isinstance(survey, dict) else {"file": survey}
    name, scale = settings.get("file"), settings.get("scale", (0, 100))
    if not isinstance(name, str) or not name:
        return None
    ok = isinstance(scale, (list, tuple)) and len(scale) == 2 and all(isinstance(v, (int, float)) for v in scale)
    return name, tuple(scale) if ok else (0, 100)


def survey_summary(path: Path | None, name: str, scale: tuple[float, float]) -> dict:
    """What was read from the survey file: its shape, header, units, areas, periods and missing values."""
    try:
        if path is None:
            raise OSError(name)
        found = load_survey(path, name, scale)
    except (InputError, OSError, ValueError):
        return {"file": name, "read": False}
    return {"file": name, "read": True, "rows": len(found.rows), "units": found.units, "areas": found.areas,
            "periods": found.periods, "shape": found.shape, "header_row": found.header_row,
            "period_sheets": found.period_sheets, "missing": len(found.missing),
            "missing_listed": found.missing[:MISSING_LISTED]}


def place_text(words, place: str) -> str:
    """A place in a table file (a :class:`Cell`) in the page's words; any other place (a field
    such as ``workshops.qualify.date``) as it is."""
    if not isinstance(place, Cell):
        return place
    key = ("survey.sheet_cell" if place.sheet else "survey.cell") if place.column else \
        ("notices.sheet_row" if place.sheet else "notices.row")
    return words(key, sheet=place.sheet, row=place.row, column=place.column)
