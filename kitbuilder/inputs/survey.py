"""Survey results for the results meeting: read as survey tools export them, checked cell by
cell, and reduced to one list of scores.

Three shapes are read, told apart by the header (which may sit below title rows):

- **long**: one row per unit × area × period, with the columns unit, area, period, score and
  respondents (optional);
- **wide**: one row per unit and period, with the columns unit, period, respondents
  (optional) and one column per area, headed by the area's name;
- **one sheet per period** (XLSX): either shape without the period column; the sheet's name
  is the period.

A missing value (a blank cell, "-", "–", "n/a", or "*" for a suppressed result) stays
missing: never 0, never in an average. Numbers may be written with a decimal comma, as
percentages, and counts with thousands separators. Reading reports every bad cell with its
row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..errors import BadValue, InputError, Notice, Problem, required_but_empty, too_long
from ..usertext import NAME_MAX
from .tables import Cell, Percent, Row, Table, cell_text, read_tables

__all__ = ["COLUMNS", "MISSING_MARKS", "SurveyData", "SurveyRow", "load_survey"]

COLUMNS = ("unit", "area", "period", "score", "respondents")
#: What a survey tool writes for a value that is missing (besides a blank cell); "*" is a
#: result suppressed to protect anonymity.
MISSING_MARKS = ("-", "–", "—", "n/a", "*")
#: Cells listed in the warning about missing values.
_LISTED = 5
_SHAPES = ("long: unit, area, period, score, respondents; wide: unit, period, respondents, one column per area; "
           "respondents may be left out, and in an XLSX file without period each sheet's name is its period")


@dataclass(frozen=True)
class SurveyRow:
    unit: str
    area: str
    period: str
    #: ``None`` when the file has no value (blank, "-", "n/a", "*"): never 0, never averaged.
    score: float | None
    #: ``None`` when the file gives no count.
    respondents: int | None


@dataclass(frozen=True)
class SurveyData:
    """Checked survey rows with the areas, units and periods in the order they first appear."""

    rows: tuple[SurveyRow, ...]
    areas: tuple[str, ...]
    units: tuple[str, ...]
    periods: tuple[str, ...]
    file: str
    #: What the user should know, e.g. how many values are missing and where.
    notices: tuple[Notice, ...] = ()
    #: The layout detected: "long" (a row per unit, area and period), "wide" (a column per
    #: area), or "mixed" when a workbook's sheets differ.
    shape: str = "long"
    #: The header's row (the first sheet's, when sheets are read).
    header_row: int = 1
    #: The sheets read as periods (one sheet per period); empty when a column gives the period.
    period_sheets: tuple[str, ...] = ()
    #: Where a value is missing (blank, "-", "n/a", "*"), e.g. "row 7, column score".
    missing: tuple[Cell, ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        """The notices in English, as the command line prints them."""
        return tuple(str(notice) for notice in self.notices)


def load_survey(path: Path, display: str, scale: tuple[float, float]) -> SurveyData:
    """Read and check the survey file; raises :class:`InputError` listing every bad cell."""
    reader = _Reader(display, scale)
    for table in read_tables(path, display, COLUMNS, required="unit"):
        reader.read(table)
    if reader.problems:
        raise InputError(reader.problems)
    rows = reader.rows
    if not rows:
        raise InputError(Problem(display, "", "no data rows under the header"))
    notices = ()
    if reader.missing:
        count = len(reader.missing)
        listed = "; ".join(reader.missing[:_LISTED]) + ("; …" if count > _LISTED else "")
        notices = (Notice(display, "", "missing_values", {"count": count, "places": tuple(reader.missing[:_LISTED])},
                          f"{count} missing value{'s' if count > 1 else ''} (blank, {', '.join(MISSING_MARKS)}), "
                          f"left out of every average, highlight and chart: {listed}"),)
    return SurveyData(
        rows=tuple(rows),
        areas=tuple(dict.fromkeys(r.area for r in rows)),
        units=tuple(dict.fromkeys(r.unit for r in rows)),
        periods=tuple(sorted({r.period for r in rows}, key=_period_order)),
        file=display,
        notices=notices,
        shape=reader.shapes[0] if len(set(reader.shapes)) == 1 else "mixed",
        header_row=reader.header_rows[0],
        period_sheets=tuple(reader.period_sheets),
        missing=tuple(reader.missing),
    )


class _Reader:
    """Collects the rows, the problems and the missing values of a file's tables."""

    def __init__(self, display: str, scale: tuple[float, float]):
        self.display, self.scale = display, scale
        self.rows: list[SurveyRow] = []
        self.problems: list[Problem] = []
        self.missing: list[Cell] = []
        self.seen: dict[tuple[str, str, str], Cell] = {}
        self.shapes: list[str] = []
        self.header_rows: list[int] = []
        self.period_sheets: list[str] = []

    def problem(self, where: str, message: str, key: str = "", **params) -> None:
        self.problems.append(Problem(self.display, where, message, key=key, params=params))

    def bad(self, where: str, error: BadValue) -> None:
        self.problems.append(error.problem(self.display, where))

    def read(self, table: Table) -> None:
        columns = table.columns
        header = table.where(table.header_row)
        long = "area" in columns or "score" in columns
        missing = [column for column in ("area", "score") if long and column not in columns]
        if "period" not in columns and not table.sheet:
            missing.append("period")
        problems = [table.where(table.header_row, column) for column in missing]
        for where in problems:
            self.problem(where, f"missing column ({_SHAPES})", "missing_column")
        if not long and not table.others:
            self.problem(header, f"no area columns: expected one column per area after unit and period ({_SHAPES})",
                         "no_area_columns")
            return
        if problems:
            return
        self.shapes.append("long" if long else "wide")
        self.header_rows.append(table.header_row)
        if "period" not in columns:
            self.period_sheets.append(table.sheet)
        for row in table.rows:
            self._row(table, row, ((row.values.get("area"), "score"),) if long else
                      tuple((area, area) for area in table.others))

    def _row(self, table: Table, row: Row, scores: tuple[tuple[object, str], ...]) -> None:
        """One row's scores: ``scores`` pairs each area (or the area cell) with its score column."""
        values = row.values
        texts = {"unit": cell_text(values.get("unit")),
                 "period": cell_text(values.get("period")) if "period" in table.columns else table.sheet}
        checks = [("unit", texts["unit"]), ("period", texts["period"])]
        if "area" in table.columns:
            checks.append(("area", cell_text(values.get("area"))))
        ok = True
        for column, text in checks:
            if not text:
                self.bad(table.where(row.number, column), required_but_empty())
                ok = False
            elif len(text) > NAME_MAX:
                self.bad(table.where(row.number, column), too_long(len(text), NAME_MAX))
                ok = False
        respondents = self._cell(table, row, "respondents", _count) if "respondents" in table.columns else None
        for area, column in scores:
            score = self._cell(table, row, column, lambda value: _score(value, self.scale))
            if not ok or score is _BAD or respondents is _BAD:
                continue
            key = (texts["unit"], cell_text(area), texts["period"])
            where = table.where(row.number, column if column != "score" else "unit")
            if key in self.seen:
                self.problem(where, f"{'/'.join(key)} is already given in {self.seen[key]}; one value each",
                             "value_twice", value="/".join(key), first=self.seen[key])
                continue
            self.seen[key] = table.where(row.number)
            self.rows.append(SurveyRow(*key, score, respondents))

    def _cell(self, table: Table, row: Row, column: str, parse):
        """The cell's number, ``None`` when it is missing, or ``_BAD`` (and a problem)."""
        value = row.values.get(column)
        if _is_missing(value):
            self.missing.append(table.where(row.number, column))
            return None
        try:
            return parse(value)
        except BadValue as exc:
            self.bad(table.where(row.number, column), exc)
            return _BAD


#: A cell that could not be read (its problem is reported).
_BAD = object()


def _is_missing(value: object) -> bool:
    """A blank cell (or none: a short CSV row) or one of :data:`MISSING_MARKS`."""
    return value is None or isinstance(value, str) and (not value.strip() or value.strip().casefold() in MISSING_MARKS)


def _score(value: object, scale: tuple[float, float]) -> float:
    """A score on ``scale``: a number, a decimal comma, or a percentage on a 0–100 scale."""
    low, high = scale
    if isinstance(value, Percent):
        # shifted in decimal, as the cell shows it: 0.55 is 55, not 55.000000000000014
        number = float(Decimal(repr(float(value))).scaleb(2)) if high > 1 else float(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        text = re.sub(r"[\s\u00a0\u202f]+", "", str(value))
        percent = text.endswith("%")
        match = re.fullmatch(r"-?\d+([.,]\d+)?", text.removesuffix("%"))
        if not match:
            raise BadValue(f"expected a number (got {value!r}); a missing value is blank or one of "
                           f"{', '.join(MISSING_MARKS)}", "not_number", value=str(value), marks=", ".join(MISSING_MARKS))
        number = float(match.group().replace(",", "."))
        if percent and high <= 1:
            number /= 100
    if not low <= number <= high:
        raise BadValue(f"{number:g} is outside the scale {low:g}–{high:g}", "outside_scale", value=number, low=low,
                       high=high)
    return number


def _count(value: object) -> int:
    """A whole number of respondents: ``1204``, ``1 204``, ``1.204`` and ``1,204`` are one."""
    problem = BadValue(f"expected a whole number of respondents (got {value!r})", "not_count", value=str(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0 or value != int(value):
            raise problem
        return int(value)
    text = str(value).strip()
    match = re.fullmatch(r"\d{1,3}(?P<sep>[ .,'\u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*|\d+(?:[.,]0+)?", text)
    if not match:
        raise problem
    digits = re.sub(r"[.,]0+$", "", text) if not match.group("sep") else text
    return int(re.sub(r"\D", "", digits))


def _period_order(period: str) -> tuple:
    """Sort periods naturally: 2025 before 2026, 2026-Q2 before 2026-Q10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", period))
