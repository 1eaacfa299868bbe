"""The workbook behind a chart on a slide: what PowerPoint opens for "Edit Data".

python-pptx has XlsxWriter write a whole workbook for every chart, and that cost a chart
more than the chart itself (a results deck with four charts spent as long on their
workbooks as on opening and saving its master). Every such workbook is the same but for
its sheet: so XlsxWriter writes one, once per process and number format, and each chart's
workbook is that one with its own sheet and strings, laid out as python-pptx lays them out
(categories down column A from row 2, each series' name in row 1 and its values below it;
the chart's formulas point at these cells).
"""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from typing import Sequence

from lxml import etree

from .package import Member, normalise_package, write_package

__all__ = ["chart_workbook"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHEET, _STRINGS = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"
_PRESERVE = "{http://www.w3.org/XML/1998/namespace}space"


def chart_workbook(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
                   number_format: str) -> bytes:
    """An .xlsx with ``categories`` in column A and each (name, values) of ``series`` in a
    column of its own, the values in ``number_format``."""
    members, category_style, value_style = _model(number_format)
    strings: dict[str, int] = {}  # numbered as XlsxWriter numbers them: categories, then names
    for value in [*categories, *(name for name, _ in series)]:
        strings.setdefault(value, len(strings))
    sheet = etree.Element(f"{{{_MAIN}}}worksheet", nsmap={None: _MAIN})
    data = etree.SubElement(sheet, f"{{{_MAIN}}}sheetData")
    names = etree.SubElement(data, f"{{{_MAIN}}}row", r="1")
    for column, (name, _) in enumerate(series, start=2):
        _cell(names, f"{_column_letter(column)}1", str(strings[name]), None, "s")
    for row_number, category in enumerate(categories, start=2):
        row = etree.SubElement(data, f"{{{_MAIN}}}row", r=str(row_number))
        _cell(row, f"A{row_number}", str(strings[category]), category_style, "s")
        for column, (_, values) in enumerate(series, start=2):
            value = values[row_number - 2]
            if value is not None:
                _cell(row, f"{_column_letter(column)}{row_number}", repr(float(value)), value_style)
    table = etree.Element(f"{{{_MAIN}}}sst", nsmap={None: _MAIN}, count=str(len(categories) + len(series)),
                          uniqueCount=str(len(strings)))
    for value in strings:
        element = etree.SubElement(etree.SubElement(table, f"{{{_MAIN}}}si"), f"{{{_MAIN}}}t")
        element.text = value
        if value != value.strip():
            element.set(_PRESERVE, "preserve")
    own = {_SHEET: _xml(sheet), _STRINGS: _xml(table)}
    return write_package([(name, own.get(name, data)) for name, data in members])


def _cell(row, reference: str, value: str, style: str | None, kind: str | None = None) -> None:
    cell = etree.SubElement(row, f"{{{_MAIN}}}c", r=reference)
    if style:
        cell.set("s", style)
    if kind:
        cell.set("t", kind)
    etree.SubElement(cell, f"{{{_MAIN}}}v").text = value


@lru_cache(maxsize=8)
def _model(number_format: str) -> tuple[tuple[Member, ...], str | None, str | None]:
    """XlsxWriter's workbook for a one-cell chart (through python-pptx), with its dates fixed,
    and the styles its category and value cells use."""
    from pptx.chart.data import CategoryChartData

    data = CategoryChartData(number_format=number_format)
    data.categories = ["-"]
    data.add_series("-", [0.0])
    with zipfile.ZipFile(io.BytesIO(normalise_package(data.xlsx_blob))) as workbook:
        members = tuple((name, workbook.read(name)) for name in workbook.namelist())
    sheet = etree.fromstring(dict(members)[_SHEET])
    category, value = (sheet.find(f".//{{{_MAIN}}}c[@r='{reference}']") for reference in ("A2", "B2"))
    return members, category.get("s"), value.get("s")


def _xml(element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def _column_letter(number: int) -> str:
    """A column's letters: 1 is ``A``, 27 is ``AA``."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
