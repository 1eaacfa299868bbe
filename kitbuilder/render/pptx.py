"""Render run-sheet decks with python-pptx from a master a user can restyle in PowerPoint.

Slides are made from the master's layouts, found by name, and filled through placeholders
found by name (users reorder layouts; names stay). Every text is sized to its box with the
real font metrics (:mod:`.textfit`); what cannot fit even at the smallest size continues on
a next slide (tables, lists) or, for a single line of the organisation's own text, is cut
with an ellipsis. Every slide carries speaker notes.
"""

from __future__ import annotations

import io
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.parts.image import Image
from pptx.util import Emu, Pt

from ..errors import Problem, TemplateError
from ..names import display_path
from ..model import Deck, Document, LocaleKit, MapField, Slide, Theme
from .package import BUILD_TIME, normalise_package
from .textfit import fit_size, metrics_for, text_height

__all__ = ["LAYOUTS", "missing_layouts", "render_pptx"]

log = logging.getLogger(__name__)

#: The layouts a run-sheet master must have, and the placeholders each must name.
LAYOUTS: dict[str, tuple[str, ...]] = {
    "Kit Title": ("Title", "Subtitle", "Details", "Logo"),
    "Kit Agenda": ("Title", "Body"),
    "Kit Table": ("Title", "Table"),
    "Kit Content": ("Title", "Body"),
    "Kit Themes": ("Title", "Grid"),
    "Kit Map": ("Title", "Map"),
    "Kit Closing": ("Title", "Body"),
    "Kit Chart": ("Title", "Chart", "Note"),
}
_LAYOUT_OF = {"title": "Kit Title", "agenda": "Kit Agenda", "table": "Kit Table", "content": "Kit Content",
              "themes": "Kit Themes", "map": "Kit Map", "closing": "Kit Closing", "chart": "Kit Chart"}
#: Bars in a chart's two series when the config names no colours: last time light, now dark.
_SERIES_COLOURS = ("#9DC3E6", "#1F4E79")
_CATEGORIES_PER_SLIDE = 12
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_INSET_X, _INSET_Y = Emu(91440), Emu(45720)  # DrawingML's default text insets
_EMU_PER_PT = 12700
_SLACK = 0.95


def missing_layouts(prs, needed: set[str] | None = None) -> list[str]:
    """Layouts (all, or the ``needed`` ones) and their placeholders that the master lacks."""
    found = {layout.name: {ph.name for ph in layout.placeholders} for layout in prs.slide_layouts}
    missing = []
    for layout, names in LAYOUTS.items():
        if needed is not None and layout not in needed:
            continue
        if layout not in found:
            missing.append(f"layout '{layout}'")
            continue
        missing += [f"placeholder '{name}' in layout '{layout}'" for name in names if name not in found[layout]]
    return missing


def render_pptx(document: Document, locale_kit: LocaleKit, template: Path) -> bytes:
    """Render the run-sheet deck of ``document`` and return the .pptx bytes.

    Raises :class:`TemplateError` naming the template when it is not a PowerPoint file or
    its master lacks a layout or placeholder.
    """
    where = f"{display_path(template)} ({document.locale})"
    try:
        prs = Presentation(str(template))
    except Exception as exc:  # python-pptx raises several types for a non-PowerPoint file
        raise TemplateError(Problem(where, "", f"not a readable PowerPoint template: {exc}")) from None
    deck = _deck_of(document, locale_kit)
    missing = missing_layouts(prs, {_LAYOUT_OF[slide.layout] for slide in deck.slides})
    if missing:
        raise TemplateError(Problem(where, "", "the slide master lacks " + ", ".join(missing)))
    font = _apply_branding(prs, locale_kit)
    builder = _DeckBuilder(prs, font, locale_kit, f"{document.locale}/{document.file_name}", template)
    for spec in deck.slides:
        builder.add(spec)
    props = prs.core_properties
    props.title = document.title
    props.author = props.subject = locale_kit.organisation.name[:255]
    props.last_modified_by = "kitbuilder"
    props.language = locale_kit.locale
    props.keywords = f"{document.kit}; {document.id}"
    props.revision = 1
    props.created = props.modified = props.last_printed = BUILD_TIME
    buffer = io.BytesIO()
    prs.save(buffer)
    return normalise_package(buffer.getvalue())


def _deck_of(document: Document, locale_kit: LocaleKit) -> Deck:
    if document.kit == "results-meeting":
        return locale_kit.results.deck
    return locale_kit.wellbeing.deck(document.id.removeprefix("runsheet-"))


def _apply_branding(prs, locale_kit: LocaleKit) -> str:
    """Put the configured colours and font into the theme; return the body font family."""
    theme_part = prs.slide_master.part.part_related_by(RT.THEME)
    theme = etree.fromstring(theme_part.blob)
    branding = locale_kit.branding
    changed = False
    for slot, colour in (("accent1", branding.primary), ("dk2", branding.primary),
                         ("accent2", branding.secondary), ("accent3", branding.accent)):
        element = theme.find(f".//{{{_A}}}clrScheme/{{{_A}}}{slot}")
        if colour and element is not None:
            for child in list(element):
                element.remove(child)
            etree.SubElement(element, f"{{{_A}}}srgbClr", val=colour.lstrip("#"))
            changed = True
    fonts = [theme.find(f".//{{{_A}}}fontScheme/{{{_A}}}{which}") for which in ("majorFont", "minorFont")]
    latin = [font.find(f"{{{_A}}}latin") if font is not None else None for font in fonts]
    if branding.font:
        for element in latin:
            if element is not None:
                element.set("typeface", branding.font)
        changed = True
    for font, element in zip(fonts, latin):
        # right-to-left runs (a name typed with a direction mark, say) use the theme's
        # "complex script" font; without one, LibreOffice draws them in a wider font than the
        # one the text was measured with
        complex_script = font.find(f"{{{_A}}}cs") if font is not None else None
        if complex_script is not None and element is not None and not complex_script.get("typeface"):
            complex_script.set("typeface", element.get("typeface", ""))
            changed = True
    if changed:
        theme_part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)
    family = latin[1].get("typeface") if latin[1] is not None else ""
    return family or "Calibri"


@dataclass
class _Box:
    """A rectangle in EMU."""

    left: int
    top: int
    width: int
    height: int

    @classmethod
    def of(cls, shape) -> _Box:
        return cls(int(shape.left), int(shape.top), int(shape.width), int(shape.height))

    def text_area_pt(self) -> tuple[float, float]:
        return ((self.width - 2 * _INSET_X) / _EMU_PER_PT, (self.height - 2 * _INSET_Y) / _EMU_PER_PT)


class _DeckBuilder:
    """Adds slides to one presentation from :class:`~kitbuilder.model.Slide` specs."""

    def __init__(self, prs, font: str, locale_kit: LocaleKit, name: str, template: Path):
        self.prs = prs
        self.name = name
        self.font = font
        self.locale_kit = locale_kit
        self.layouts = {layout.name: layout for layout in prs.slide_layouts}
        self.continued = locale_kit.text["wellbeing_decks"]["continued"]
        self.holders = _holders(prs, template)

    # --- slides ------------------------------------------------------------------------

    def add(self, spec: Slide) -> None:
        getattr(self, f"_{spec.layout}")(spec)

    def _new_slide(self, spec: Slide, title: str | None = None):
        layout = _LAYOUT_OF[spec.layout]
        slide = self.prs.slides.add_slide(self.layouts[layout])
        self._fill(self._placeholder(slide, "Title"), [title or spec.title], max_pt=self._max_pt(layout, "Title", 30),
                   min_pt=16, bold=True, box=self._box(layout, "Title"))
        slide.notes_slide.notes_text_frame.text = spec.notes
        return slide

    def _title(self, spec: Slide) -> None:
        slide = self._new_slide(spec)
        layout = _LAYOUT_OF[spec.layout]
        self._fill(self._placeholder(slide, "Subtitle"), [spec.subtitle], self._max_pt(layout, "Subtitle", 22), 12,
                   box=self._box(layout, "Subtitle"))
        self._fill(self._placeholder(slide, "Details"), list(spec.lines), self._max_pt(layout, "Details", 16), 9,
                   box=self._box(layout, "Details"))
        logo_holder = self._placeholder(slide, "Logo")
        box = self._box(layout, "Logo")
        logo_holder.element.getparent().remove(logo_holder.element)
        logo = self.locale_kit.branding.logo
        if logo:
            width_px, height_px = Image.from_blob(logo).size
            scale = min(box.width / width_px, box.height / height_px)
            width, height = int(width_px * scale), int(height_px * scale)
            picture = slide.shapes.add_picture(io.BytesIO(logo), box.left + box.width - width, box.top, width, height)
            picture.name = "Logo"

    def _lines(self, spec: Slide) -> None:
        """A title and a list; a list too long for one slide continues on the next."""
        layout = _LAYOUT_OF[spec.layout]
        width, height = self._box(layout, "Body").text_area_pt()
        max_pt = self._max_pt(layout, "Body", 24)
        metrics = metrics_for(self.font)
        chunks = _paginate(list(spec.lines), lambda chunk: fit_size(chunk, metrics, width, height, max_pt, 14, 0.5))
        for number, chunk in enumerate(chunks):
            slide = self._new_slide(spec, self._continued(spec.title, number))
            self._fill(self._placeholder(slide, "Body"), chunk, max_pt, 14, space_after=0.5,
                       box=self._box(layout, "Body"))

    _agenda = _content = _closing = _lines

    def _table(self, spec: Slide) -> None:
        """A table whose rows continue on further slides (header repeated) when needed."""
        area = self._box(_LAYOUT_OF[spec.layout], "Table")
        header, *rows = spec.table
        widths = _column_widths(spec.widths or (1,) * len(header), area.width)
        metrics, bold = metrics_for(self.font), metrics_for(self.font, bold=True)

        def row_height(cells: Sequence[str], size: float, heading: bool = False) -> int:
            spans = [sum(widths)] if heading and len(cells) == 2 and not cells[1] else widths
            tallest = max(text_height([text or " "], bold if heading else metrics, size,
                                      (width - 2 * _INSET_X) / _EMU_PER_PT) for text, width in zip(cells, spans))
            return int((tallest + 2 * _INSET_Y / _EMU_PER_PT + 2) * _EMU_PER_PT)

        def fits(chunk: list, size: float) -> bool:
            return row_height(header, size, True) + sum(row_height(r, size) for r in chunk) <= area.height

        size = next((s for s in (16, 14, 13, 12, 11) if fits(rows, s)), 12)
        chunks = _paginate(rows, lambda chunk: size if fits(chunk, size) else None)
        for number, chunk in enumerate(chunks):
            slide = self._new_slide(spec, self._continued(spec.title, number))
            frame = self._placeholder(slide, "Table").insert_table(len(chunk) + 1, len(header))
            table = frame.table
            for column, width in zip(table.columns, widths):
                column.width = width
            for index, cells in enumerate([header, *chunk]):
                table.rows[index].height = row_height(cells, size, index == 0)
                for cell, text in zip(table.rows[index].cells, cells):
                    self._set_text(cell.text_frame, [text], size, bold=index == 0)
            if len(header) == 2 and not header[1]:  # a heading over both columns
                table.cell(0, 0).merge(table.cell(0, 1))
            frame.height = sum(row.height for row in table.rows)

    def _themes(self, spec: Slide) -> None:
        """The themes as a grid of cards, four across; more than sixteen continue."""
        per_slide, columns = 16, 4
        chunks = [spec.themes[i:i + per_slide] for i in range(0, len(spec.themes), per_slide)] or [()]
        for number, chunk in enumerate(chunks):
            slide = self._new_slide(spec, self._continued(spec.title, number))
            area = self._take_area(slide, "Grid")
            rows = max(1, math.ceil(len(chunk) / columns))
            gap = Emu(Pt(8))
            width = (area.width - gap * (columns - 1)) // columns
            height = min((area.height - gap * (rows - 1)) // rows, Emu(Pt(150)))
            for index, theme in enumerate(chunk):
                left = area.left + (index % columns) * (width + gap)
                top = area.top + (index // columns) * (height + gap)
                self._card(slide, _Box(left, top, width, height), theme)

    def _card(self, slide, box: _Box, theme: Theme) -> None:
        shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, box.left, box.top, box.width, box.height)
        shape.name = f"Theme {theme.number}"
        shape.adjustments[0] = 0.08
        shape.fill.solid()
        shape.fill.fore_color.theme_color = MSO_THEME_COLOR.ACCENT_5 if theme.custom else MSO_THEME_COLOR.ACCENT_6
        shape.line.color.theme_color = MSO_THEME_COLOR.ACCENT_1
        # the organisation's own themes have a slide of their own: no number, and room for the prompt
        lines = [theme.title] + ([theme.prompt] if theme.prompt else []) if theme.custom else [theme.line]
        self._fill(shape, lines, 16, 8, first_bold=True, colour=MSO_THEME_COLOR.TEXT_1, anchor=MSO_ANCHOR.MIDDLE,
                   align=PP_ALIGN.CENTER, space_after=0.4)

    def _map(self, spec: Slide) -> None:
        """The prioritisation map: importance up, success across, four fields and parking."""
        slide = self._new_slide(spec)
        area = self._take_area(slide, "Map")
        axis = Emu(Pt(28))
        gap = Emu(Pt(6))
        parking_width = area.width // 4
        field_width = (area.width - axis - parking_width - 2 * gap) // 2
        field_height = (area.height - axis - gap) // 2
        by_number = {field.number: field for field in spec.map_fields}
        # field 1 top left (important, weak), 2 top right, 4 bottom left, 3 bottom right
        positions = {1: (0, 0), 2: (1, 0), 4: (0, 1), 3: (1, 1)}
        fills = {1: MSO_THEME_COLOR.ACCENT_5, 2: MSO_THEME_COLOR.ACCENT_6, 3: MSO_THEME_COLOR.ACCENT_6,
                 4: MSO_THEME_COLOR.BACKGROUND_2}
        for number, (column, row) in positions.items():
            box = _Box(area.left + axis + column * (field_width + gap), area.top + row * (field_height + gap),
                       field_width, field_height)
            self._field(slide, box, by_number[number], fills[number])
        parking = _Box(area.left + axis + 2 * (field_width + gap), area.top, parking_width, 2 * field_height + gap)
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, parking.left, parking.top, parking.width, parking.height)
        shape.name = "Parking"
        shape.fill.background()
        shape.line.color.theme_color = MSO_THEME_COLOR.ACCENT_1
        shape.line.dash_style = 7  # dash
        self._fill(shape, [spec.parking, *spec.lines, *(f"□ {theme.line}" for theme in spec.parked)], 16, 8,
                   first_bold=True, colour=MSO_THEME_COLOR.TEXT_1, anchor=MSO_ANCHOR.TOP, align=PP_ALIGN.LEFT,
                   space_after=0.3)
        importance, success = spec.axes
        # vertical text (read bottom to top) in the strip left of the fields
        vertical = slide.shapes.add_textbox(area.left, area.top, axis, 2 * field_height + gap)
        vertical.name = "Importance Axis"
        self._fill(vertical, [f"{importance} →"], 14, 8, bold=True, align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.MIDDLE,
                   vertical=True)
        across = slide.shapes.add_textbox(area.left + axis, area.top + 2 * field_height + gap, 2 * field_width + gap, axis)
        across.name = "Success Axis"
        self._fill(across, [f"{success} →"], 14, 8, bold=True, align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.MIDDLE)

    def _chart(self, spec: Slide) -> None:
        """A native bar chart (editable in PowerPoint); many categories continue on further slides."""
        chart_spec = spec.chart
        count = len(chart_spec.categories)
        starts = range(0, max(count, 1), _CATEGORIES_PER_SLIDE)
        branding = self.locale_kit.branding
        colours = [branding.secondary or _SERIES_COLOURS[0], branding.primary or _SERIES_COLOURS[1]]
        colours = colours[-len(chart_spec.series):] if chart_spec.series else colours
        for number, start in enumerate(starts):
            picked = range(start, min(start + _CATEGORIES_PER_SLIDE, count))
            slide = self._new_slide(spec, self._continued(spec.title, number))
            layout = _LAYOUT_OF[spec.layout]
            area = self._take_area(slide, "Chart")
            note = self._placeholder(slide, "Note")
            if spec.note:
                self._fill(note, [spec.note], self._max_pt(layout, "Note", 12), 8, box=self._box(layout, "Note"))
            else:
                note.element.getparent().remove(note.element)
            data = CategoryChartData(number_format="0.0")
            data.categories = [chart_spec.categories[i] for i in picked]
            for series in chart_spec.series:
                data.add_series(series.name, [series.values[i] for i in picked])
            frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, area.left, area.top, area.width, area.height,
                                           data)
            frame.name = "Chart"
            self._style_chart(frame.chart, chart_spec, colours, [chart_spec.categories[i] for i in picked])

    def _style_chart(self, chart, spec, colours: list[str], categories: list[str]) -> None:
        # LibreOffice draws a title python-pptx never asked for unless it is deleted (python-pptx#460)
        chart.has_title = False
        chart.has_legend = len(spec.series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
            chart.legend.font.size = Pt(14)
        values = chart.value_axis
        values.minimum_scale, values.maximum_scale = spec.minimum, spec.maximum
        values.has_major_gridlines = True
        values.tick_labels.font.size = Pt(12)
        axis = chart.category_axis
        axis.reverse_order = True  # the first category at the top, as it is read
        longest = max((len(c) for c in categories), default=0)
        axis.tick_labels.font.size = Pt(14 if longest <= 24 else 12 if longest <= 34 else 10)
        for series, colour in zip(chart.plots[0].series, colours):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = RGBColor.from_string(colour.lstrip("#"))
            series.invert_if_negative = False
        chart.plots[0].gap_width = 60
        # python-pptx writes negative axis ids; the schema wants unsigned ones
        for element in chart._chartSpace.xpath(".//c:axId | .//c:crossAx"):
            element.set("val", str(abs(int(element.get("val")))))

    def _field(self, slide, box: _Box, field: MapField, fill) -> None:
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, box.left, box.top, box.width, box.height)
        shape.name = f"Field {field.number}"
        shape.fill.solid()
        shape.fill.fore_color.theme_color = fill
        shape.line.color.theme_color = MSO_THEME_COLOR.ACCENT_1
        lines = [f"{field.number}. {field.name}", field.description, *(f"■ {theme.line}" for theme in field.themes)]
        self._fill(shape, lines, 16, 7, colour=MSO_THEME_COLOR.TEXT_1, anchor=MSO_ANCHOR.TOP, align=PP_ALIGN.LEFT,
                   first_bold=True)

    # --- text ----------------------------------------------------------------------------

    def _placeholder(self, slide, name: str):
        idx = self.holders[slide.slide_layout.name][name][0]
        return slide.placeholders[idx]

    def _box(self, layout: str, name: str) -> _Box:
        return self.holders[layout][name][1]

    def _take_area(self, slide, name: str) -> _Box:
        """The box of a layout placeholder that only marks an area; the placeholder goes."""
        holder = self._placeholder(slide, name)
        holder.element.getparent().remove(holder.element)
        return self._box(slide.slide_layout.name, name)

    def _max_pt(self, layout: str, name: str, default: float) -> float:
        """The size a (restyled) layout gives a placeholder's first level, else ``default``."""
        return self.holders[layout][name][2] or default

    @staticmethod
    def _level_size(placeholder) -> float | None:
        size = placeholder.element.find(f".//{{{_A}}}lstStyle/{{{_A}}}lvl1pPr/{{{_A}}}defRPr")
        return int(size.get("sz")) / 100 if size is not None and size.get("sz") else None

    def _continued(self, title: str, number: int) -> str:
        return title if number == 0 else f"{title} ({self.continued})"

    def _fill(self, shape, paragraphs: list[str], max_pt: float, min_pt: float, *, bold: bool = False,
              colour=None, anchor=None, align=None, space_after: float = 0.0, first_bold: bool = False,
              vertical: bool = False, box: _Box | None = None) -> None:
        """Put ``paragraphs`` into ``shape`` at the largest size that fits its box.

        ``vertical`` turns the text a quarter (read bottom to top); lines then run along
        the box's height. ``box`` saves looking up a placeholder's inherited position.
        """
        width, height = (box or _Box.of(shape)).text_area_pt()
        # keep a little slack: renderers differ by a few per cent in where they break lines
        width, height = width * _SLACK, height * _SLACK
        if vertical:
            width, height = height, width
            shape.text_frame._bodyPr.set("vert", "vert270")
        metrics = metrics_for(self.font, bold=bold)
        size = fit_size(paragraphs, metrics, width, height, max_pt, min_pt, space_after)
        if size is None:  # even the smallest size overflows: keep what fits, end with an ellipsis
            size = min_pt
            # config texts of ordinary words fit at their length limits: a long text override,
            # or characters far wider than the font's (emoji, say), get here
            log.warning("%s, slide %d: text cut to fit its box: %.60s…", self.name, len(self.prs.slides),
                        " ".join(paragraphs))
            paragraphs = _truncate(paragraphs, lambda ps: text_height(ps, metrics, size, width, size * space_after)
                                   <= height)
        self._set_text(shape.text_frame, paragraphs, size, bold=bold, colour=colour, anchor=anchor, align=align,
                       space_after=space_after, first_bold=first_bold)

    def _set_text(self, frame, paragraphs: list[str], size: float, *, bold: bool = False, colour=None, anchor=None,
                  align=None, space_after: float = 0.0, first_bold: bool = False) -> None:
        frame.clear()
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        if anchor is not None:
            frame.vertical_anchor = anchor
        for index, text in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            if align is not None:
                paragraph.alignment = align
            if space_after:
                paragraph.space_after = Pt(size * space_after)
            run = paragraph.add_run()
            run.text = text
            run.font.size = Pt(size)
            run.font.bold = bold or (first_bold and index == 0)
            if colour is not None:
                run.font.color.theme_color = colour


_HOLDERS: dict[tuple[str, int], dict[str, dict[str, tuple]]] = {}


def _holders(prs, template: Path) -> dict[str, dict[str, tuple]]:
    """Placeholder name → (idx, box, first-level size) per layout of ``template``'s master.

    Read once per template file: python-pptx resolves inherited positions with XPath on
    every access, which costs a deck more than its slides' text.
    """
    key = (str(template), template.stat().st_mtime_ns)
    if key not in _HOLDERS:
        _HOLDERS[key] = {
            layout.name: {ph.name: (ph.placeholder_format.idx, _Box.of(ph), _DeckBuilder._level_size(ph))
                          for ph in layout.placeholders}
            for layout in prs.slide_layouts if layout.name in LAYOUTS
        }
    return _HOLDERS[key]


def _column_widths(shares: tuple[float, ...], total: int) -> list[int]:
    widths = [int(total * share / sum(shares)) for share in shares]
    widths[-1] += total - sum(widths)
    return widths


def _paginate(items: list, fits: Callable[[list], object]) -> list[list]:
    """Split ``items`` into consecutive chunks for which ``fits(chunk)`` is truthy."""
    chunks: list[list] = []
    current: list = []
    for item in items:
        if current and not fits(current + [item]):
            chunks.append(current)
            current = []
        current.append(item)
    chunks.append(current)
    return chunks


def _truncate(paragraphs: list[str], fits: Callable[[list[str]], bool]) -> list[str]:
    """The longest beginning of ``paragraphs`` that fits, ending with an ellipsis.

    Whole paragraphs go from the end while even an ellipsis in their place overflows; the
    last one kept is cut at the longest length that fits (a binary search, so a long text
    in a narrow box costs a few dozen measurements), at a space when one is near.
    """
    for count in range(len(paragraphs), 0, -1):
        head, last = list(paragraphs[:count - 1]), paragraphs[count - 1]
        if not fits([*head, "…"]):
            continue
        low, high = 0, len(last)  # fits([*head, last[:low] + "…"]) holds throughout
        while low < high:
            middle = (low + high + 1) // 2
            if fits([*head, last[:middle].rstrip() + "…"]):
                low = middle
            else:
                high = middle - 1
        space = last.rfind(" ", 0, low + 1)
        cut = space if space > low * 0.6 else low
        return [*head, last[:cut].rstrip() + "…"]
    return ["…"]