"""Read tabular input (CSV or XLSX) the way Nordic offices export it.

CSV may be comma- or semicolon-separated and UTF-8 (with or without BOM) or Windows-1252,
which Excel in Denmark, Sweden and Norway writes by default. XLSX is read with openpyxl.
Every row comes back with its number as the user sees it (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Problem
from ..usertext import printable

__all__ = ["Row", "read_table"]


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, object]
    #: The cells as they stand, for rows whose header is not the first row.
    cells: tuple[object, ...] = ()


def read_table(path: Path, display: str) -> tuple[list[str], list[Row]]:
    """The header (lower-cased, trimmed) and the non-empty rows of a CSV or XLSX file.

    Raises :class:`InputError` naming the file when it cannot be read.
    """
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, display)
    return _read_csv(path, display)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _read_csv(path: Path, display: str) -> tuple[list[str], list[Row]]:
    text = printable(_decode(path.read_bytes()))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise InputError(Problem(display, "", f"not a readable CSV file: {exc}")) from None
    if not lines:
        raise InputError(Problem(display, "", "the file is empty; expected a header row"))
    header = [cell.strip().lower() for cell in lines[0]]
    rows = [Row(number, dict(zip(header, (cell.strip() for cell in cells))), tuple(cells))
            for number, cells in enumerate(lines[1:], start=2) if any(cell.strip() for cell in cells)]
    return header, rows


def _read_xlsx(path: Path, display: str) -> tuple[list[str], list[Row]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise InputError(Problem(display, "", f"not a readable XLSX file: {exc}")) from None
    sheet = book.worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    book.close()
    if not lines:
        raise InputError(Problem(display, "", "the first sheet is empty; expected a header row"))
    header = [printable(str(cell or "")).strip().lower() for cell in lines[0]]
    rows = []
    for number, cells in enumerate(lines[1:], start=2):
        values = {key: _cell(value) for key, value in zip(header, cells)}
        if any(value not in ("", None) for value in values.values()):
            rows.append(Row(number, values, tuple(_cell(value) for value in cells)))
    return header, rows


def _cell(value: object) -> object:
    if isinstance(value, str):
        return printable(value).strip()
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    return "" if value is None else value
