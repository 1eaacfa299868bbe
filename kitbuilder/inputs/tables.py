"""Read tabular input (CSV or XLSX) the way offices and survey tools export it.

CSV may be separated by semicolons, commas or tabs and be UTF-8 (with or without BOM) or
Windows-1252, which Excel in Denmark, Sweden and Norway writes by default. XLSX is read with
openpyxl, every sheet. The header may be any of a sheet's first :data:`HEADER_ROWS` rows
(survey tools put titles and blank rows above it). Column headers are recognised in English
and in every shipped locale's words (``locales/<code>/columns.yaml``), whatever their capitals,
spaces, hyphens, underscores, dots and apostrophes. Rows keep their numbers as the user
sees them in a spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..errors import InputError, Problem
from ..usertext import printable

__all__ = ["HEADER_ROWS", "Cell", "Percent", "Row", "Table", "cell_text", "column_headers", "column_title",
           "column_words", "read_tables"]

log = logging.getLogger(__name__)

#: The header is looked for in this many rows at the top of each sheet.
HEADER_ROWS = 20


class Percent(float):
    """A number a spreadsheet shows as a percentage: 0.725 shown as 72.5 %."""


class Cell(str):
    """A place in a table file as the user finds it: text in every message
    (``sheet '2026', row 7, column Møde``), and its parts for a page that lays the file out."""

    row: int
    column: str
    sheet: str

    def __new__(cls, row: int, column: str = "", sheet: str = "") -> Cell:
        place = super().__new__(cls, (f"sheet {sheet!r}, " if sheet else "") + f"row {row}" +
                                (f", column {column}" if column else ""))
        place.row, place.column, place.sheet = row, column, sheet
        return place

    def __getnewargs__(self) -> tuple[int, str, str]:  # a problem found in a worker reaches the build whole
        return self.row, self.column, self.sheet


@dataclass(frozen=True)
class Row:
    number: int
    #: The cells by column: a recognised column by its key (``unit``), any other by its header.
    values: dict[str, object]


@dataclass(frozen=True)
class Table:
    """One sheet's header and the non-empty rows under it."""

    #: The XLSX sheet's name ("" for CSV).
    sheet: str
    header_row: int
    #: The recognised columns: key → the header as written in the file.
    columns: dict[str, str]
    #: The other headers, in the file's order.
    others: tuple[str, ...]
    rows: tuple[Row, ...]
    #: Whether places name the sheet (a workbook with several sheets).
    name_sheet: bool = False

    def where(self, row: int, column: str = "") -> Cell:
        """A cell as the user finds it: ``sheet '2026', row 7, column Møde`` (a column by its key
        or header; the place names its header as written)."""
        return Cell(row, self.columns.get(column, column), self.sheet if self.name_sheet else "")


def normalise_header(text: object) -> str:
    """A header as compared: ``"Antal svar"``, ``"antal_svar"`` and ``"ANTAL-SVAR"`` are one."""
    return re.sub(r"[\s\-_.'’]+", "", str(text).casefold())


def column_headers(key: str) -> list[str]:
    """The headers that name column ``key``: the key itself and every shipped locale's words for it."""
    from ..locales import COLUMNS_NAMESPACE, available_locales, load_locale

    headers = [key]
    for code in available_locales():
        headers += [word for word in load_locale(code).text.get(COLUMNS_NAMESPACE, {}).get(key, ())
                    if word not in headers]
    return headers


def column_title(key: str, code: str) -> str:
    """How locale ``code`` heads column ``key`` (its first word for it, ``Nærmeste leder``), else the key."""
    from ..locales import COLUMNS_NAMESPACE, load_locale

    words = load_locale(code).text.get(COLUMNS_NAMESPACE, {}).get(key) or [key]
    return words[0][:1].upper() + words[0][1:]


def column_words(keys: Sequence[str]) -> dict[str, str]:
    """Every header that names one of ``keys``, normalised (see :func:`normalise_header`) → the key."""
    words: dict[str, str] = {}
    for key in keys:
        for header in column_headers(key):
            words.setdefault(normalise_header(header), key)
    return words


def read_tables(path: Path, display: str, keys: Sequence[str], required: str, *,
                all_sheets: bool = True) -> list[Table]:
    """The table of each sheet whose header (in its first rows) names the ``required`` column.

    ``keys`` are the columns recognised by name. With ``all_sheets`` false, only the first
    sheet that has such a header is read. Sheets without one are left out; raises
    :class:`InputError` naming the file when it cannot be read, no sheet has such a header,
    or a header names a column twice.
    """
    sheets = _read_xlsx(path, display) if path.suffix.lower() in {".xlsx", ".xlsm"} else [("", _read_csv(path, display))]
    if not any(lines for _, lines in sheets):
        raise InputError(Problem(display, "", "the file is empty; expected a header row"))
    words = column_words(keys)
    tables: list[Table] = []
    for name, lines in sheets:
        table = _table(name, lines, words, required, display, len(sheets) > 1)
        if table is None:
            log.info("%s: no header with a %s column in %s; skipped", display, required,
                     f"the first {HEADER_ROWS} rows of sheet {name!r}" if name else f"its first {HEADER_ROWS} rows")
            continue
        log.info("%s: the header is %s", display, table.where(table.header_row))
        tables.append(table)
        if not all_sheets:
            break
    if not tables:
        where = f"rows 1–{HEADER_ROWS}" + (" of every sheet" if len(sheets) > 1 else "")
        headers = ", ".join(column_headers(required))
        raise InputError(Problem(display, where, f"no header row found: expected a row with a {required} column "
                                                 f"(headed {headers}) and the others",
                                 key="no_header_any_sheet" if len(sheets) > 1 else "no_header",
                                 params={"headers": headers, "rows": HEADER_ROWS}))
    return tables


def _table(name: str, lines: list[tuple[int, tuple[object, ...]]], words: dict[str, str], required: str,
           display: str, name_sheet: bool) -> Table | None:
    """The sheet's table under its header: of the top rows naming ``required``, the one naming
    the most columns (a title row such as "Enhed | Alle" names fewer than the header)."""
    candidates = []
    for number, cells in lines:
        if number > HEADER_ROWS:
            break
        keys = [words.get(normalise_header(cell)) for cell in cells]
        if required in keys:
            filled = sum(1 for cell in cells if cell_text(cell))
            candidates.append((sum(1 for key in keys if key), filled, number, cells))
    if not candidates:
        return None
    *_, header_row, header = max(candidates, key=lambda c: c[:3])  # a tie: the lower row
    columns: dict[str, str] = {}
    names: dict[int, str] = {}
    problems = []
    for index, cell in enumerate(header):
        written = cell_text(cell)
        if not written:
            continue  # a column without a header holds nothing we read
        key = words.get(normalise_header(written))
        if (key or written) in names.values():
            first = columns.get(key, written)
            problems.append(Problem(display, Cell(header_row, written, name if name_sheet else ""),
                                    f"the same column as {first!r}; give each column once",
                                    key="column_twice", params={"first": first}))
            continue
        names[index] = key or written
        if key:
            columns[key] = written
    if problems:
        raise InputError(problems)
    rows = tuple(Row(number, {names[i]: value for i, value in enumerate(cells) if i in names})
                 for number, cells in lines if number > header_row and any(cell_text(cell) for cell in cells))
    others = tuple(column for column in names.values() if column not in columns)
    return Table(name, header_row, columns, others, rows, name_sheet)


def cell_text(value: object) -> str:
    """A cell as text: whole numbers without ``.0``, a date as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and not isinstance(value, Percent):
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _read_csv(path: Path, display: str) -> list[tuple[int, tuple[object, ...]]]:
    text = printable(_decode(path.read_bytes()))
    # the separator the top lines use most; title rows above the header may have none
    top = "\n".join(text.splitlines()[:HEADER_ROWS + 1])
    delimiter = max((";", ",", "\t"), key=top.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise InputError(Problem(display, "", f"not a readable CSV file: {exc}")) from None
    return [(number, tuple(cell.strip() for cell in cells)) for number, cells in enumerate(lines, start=1)]


def _read_xlsx(path: Path, display: str) -> list[tuple[str, list[tuple[int, tuple[object, ...]]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise InputError(Problem(display, "", f"not a readable XLSX file: {exc}")) from None
    try:
        return [(sheet.title, [(number, tuple(_cell(cell) for cell in cells))
                               for number, cells in enumerate(sheet.iter_rows(min_row=1, min_col=1), start=1)])
                for sheet in book.worksheets]
    finally:
        book.close()


def _cell(cell) -> object:
    value = cell.value
    if isinstance(value, str):
        return printable(value).strip()
    if value is None:
        return ""
    number_format = str(getattr(cell, "number_format", "") or "")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time() and not re.search(r"[hs]", re.sub(r'"[^"]*"', "", number_format.lower())):
            return value.date()  # a date cell that shows no time holds a day, not midnight
        return value.replace(microsecond=0)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in number_format:
        return Percent(value)
    return value
