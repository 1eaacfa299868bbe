"""Survey results for the results meeting: read, checked row by row, and reduced to scores.

The input is a long table, one row per unit × area × period, with the columns ``unit``,
``area``, ``period``, ``score`` and ``respondents``. Reading reports every bad cell with its
row and column; the computing functions are pure and apply the anonymity rule: a unit with
fewer respondents than ``min_respondents`` never appears on its own and counts only in the
organisation's total.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Problem
from .tables import read_table
from ..usertext import NAME_MAX

__all__ = ["COLUMNS", "SurveyData", "SurveyRow", "load_survey"]

COLUMNS = ("unit", "area", "period", "score", "respondents")


@dataclass(frozen=True)
class SurveyRow:
    unit: str
    area: str
    period: str
    score: float
    respondents: int


@dataclass(frozen=True)
class SurveyData:
    """Checked survey rows with the areas, units and periods in the order they first appear."""

    rows: tuple[SurveyRow, ...]
    areas: tuple[str, ...]
    units: tuple[str, ...]
    periods: tuple[str, ...]
    file: str


def load_survey(path: Path, display: str, scale: tuple[float, float]) -> SurveyData:
    """Read and check the survey file; raises :class:`InputError` listing every bad cell."""
    header, rows = read_table(path, display)
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        found = next((row.number for row in rows if set(COLUMNS) <= {str(c).strip().lower() for c in row.cells}), None)
        hint = f"; the header seems to be in row {found}, but it must be the first row" if found else ""
        raise InputError([Problem(display, f"row 1, column {column}",
                                  f"missing column (expected: {', '.join(COLUMNS)}){hint}") for column in missing])
    if not rows:
        raise InputError(Problem(display, "row 2", "no data rows under the header"))
    low, high = scale
    problems: list[Problem] = []
    checked: list[SurveyRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in rows:
        values = row.values
        where = f"row {row.number}, column"
        texts = {column: str(values.get(column, "")).strip() for column in ("unit", "area", "period")}
        for column, text in texts.items():
            if not text:
                problems.append(Problem(display, f"{where} {column}", "required but empty"))
            elif len(text) > NAME_MAX:
                problems.append(Problem(display, f"{where} {column}",
                                        f"too long: {len(text)} characters, at most {NAME_MAX}"))
        score = _number(values.get("score"))
        if score is None:
            problems.append(Problem(display, f"{where} score", f"expected a number (got {values.get('score')!r})"))
        elif not low <= score <= high:
            problems.append(Problem(display, f"{where} score", f"{score:g} is outside the scale {low:g}–{high:g}"))
        respondents = _number(values.get("respondents"))
        if respondents is None or respondents < 0 or respondents != int(respondents):
            problems.append(Problem(display, f"{where} respondents",
                                    f"expected a whole number of respondents (got {values.get('respondents')!r})"))
        key = (texts["unit"], texts["area"], texts["period"])
        if all(key) and key in seen:
            problems.append(Problem(display, f"{where} unit",
                                    f"{'/'.join(key)} is already given in row {seen[key]}; one row each"))
        seen.setdefault(key, row.number)
        if score is not None and respondents is not None and all(key):
            checked.append(SurveyRow(*key, score, int(respondents)))
    if problems:
        raise InputError(problems)
    return SurveyData(
        rows=tuple(checked),
        areas=tuple(dict.fromkeys(r.area for r in checked)),
        units=tuple(dict.fromkeys(r.unit for r in checked)),
        periods=tuple(sorted({r.period for r in checked}, key=_period_order)),
        file=display,
    )


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value or "").strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"-?\d+([.,]\d+)?", text):
        return float(text.replace(",", "."))
    return None


def _period_order(period: str) -> tuple:
    """Sort periods naturally: 2025 before 2026, 2026-Q2 before 2026-Q10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", period))
