"""Render run-sheet decks from a master a user can restyle in PowerPoint.

Slides are made from the master's layouts, found by name, and filled through placeholders
found by name (users reorder layouts; names stay). The master is read once per process
(:mod:`.deckmaster`); each slide is a copy of its layout's skeleton, filled as XML. Every
text is sized to its box with the real font metrics (:mod:`.textfit`); what cannot fit even
at the smallest size continues on a next slide (tables, lists) or, for a single line of the
organisation's own text, is cut with an ellipsis. Every slide carries speaker notes.
"""

from __future__ import annotations

import copy
import logging
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

from lxml import etree
from pptx.chart.chart import Chart as ChartProxy
from pptx.chart.data import CategoryChartData
from pptx.chart.xmlwriter import ChartXmlWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml import parse_xml
from pptx.oxml.shapes.graphfrm import CT_GraphicalObjectFrame
from pptx.oxml.slide import CT_Slide
from pptx.opc.oxml import serialize_part_xml
from pptx.parts.image import Image
from pptx.shapes.shapetree import SlideShapes
from pptx.table import Table
from pptx.util import Emu, Pt

from ..errors import Problem, TemplateError
from ..names import display_path
from ..model import Deck, Document, LocaleKit, MapField, Slide, Theme
from .deckmaster import (EMU_PER_PT, INSET_X, INSET_Y, LAYOUTS, Box, DeckPackage, Layout, Master, UnreadableMaster,
                         master_for, missing_in)
from .package import BUILD_TIME
from .textfit import fit_size, metrics_for, text_height
from .workbook import chart_workbook

__all__ = ["LAYOUTS", "apply_theme", "missing_layouts", "render_pptx"]

log = logging.getLogger(__name__)

_LAYOUT_OF = {"title": "Kit Title", "agenda": "Kit Agenda", "table": "Kit Table", "content": "Kit Content",
              "themes": "Kit Themes", "map": "Kit Map", "closing": "Kit Closing", "chart": "Kit Chart"}
#: Bars in a chart's two series when the config names no colours: last time light, now dark.
_SERIES_COLOURS = ("#9DC3E6", "#1F4E79")
_CATEGORIES_PER_SLIDE = 12
_NUMBER_FORMAT = "0.0"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_SLACK = 0.95
_P, _P_PR, _R, _R_PR, _T, _END_PARA = (f"{{{_A}}}{tag}" for tag in ("p", "pPr", "r", "rPr", "t", "endParaRPr"))
_BODY_PR, _PRESET_WARP, _NO_AUTOFIT = (f"{{{_A}}}{tag}" for tag in ("bodyPr", "prstTxWarp", "noAutofit"))
_AUTOFITS = {f"{{{_A}}}{tag}" for tag in ("noAutofit", "normAutofit", "spAutoFit")}
_RUN_CONTENT = {f"{{{_A}}}{tag}" for tag in ("r", "br", "fld")}
_SOLID_FILL, _SCHEME_COLOUR = f"{{{_A}}}solidFill", f"{{{_A}}}schemeClr"
_SPACE_AFTER, _SPACE_POINTS = f"{{{_A}}}spcAft", f"{{{_A}}}spcPts"
_BEFORE_SPACE_AFTER = {f"{{{_A}}}lnSpc", f"{{{_A}}}spcBef"}
_P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
_NON_VISUAL = f"{{{_P_NS}}}nvSpPr/{{{_P_NS}}}cNvPr"
_OFFSET, _EXTENT = (f"{{{_P_NS}}}spPr/{{{_A}}}xfrm/{{{_A}}}{tag}" for tag in ("off", "ext"))
_FILL_COLOUR = f"{{{_P_NS}}}spPr/{{{_A}}}solidFill/{{{_A}}}schemeClr"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_SERIES = f"{{{_C}}}ser"
_SERIES_DATA = tuple(f"{{{_C}}}{tag}" for tag in ("tx", "cat", "val"))
#: Control characters a slide cannot hold, written as python-pptx escapes them (``_x001B_``).
_CONTROL = re.compile(r"[\x00-\x08\x0B-\x1F]")
#: A table's rows before they are given their heights (python-pptx's default row height).
_NEW_ROW_HEIGHT = 370840


def missing_layouts(prs, needed: set[str] | None = None) -> list[str]:
    """Layouts (all, or the ``needed`` ones) and their placeholders that ``prs``'s master lacks."""
    return missing_in({layout.name: {ph.name for ph in layout.placeholders} for layout in prs.slide_layouts}, needed)


def render_pptx(document: Document, locale_kit: LocaleKit, template: Path) -> bytes:
    """Render the run-sheet deck of ``document`` and return the .pptx bytes.

    Raises :class:`TemplateError` naming the template when it is not a PowerPoint file or
    its master lacks a layout or placeholder.
    """
    where = f"{display_path(template)} ({document.locale})"
    branding = locale_kit.branding
    try:
        master = master_for(template, (branding.primary, branding.secondary, branding.accent, branding.font))
    except UnreadableMaster as exc:
        raise TemplateError(Problem(where, "", f"not a readable PowerPoint template: {exc}")) from None
    deck = _deck_of(document, locale_kit)
    missing = missing_in(master.found, {_LAYOUT_OF[slide.layout] for slide in deck.slides})
    if missing:
        raise TemplateError(Problem(where, "", "the slide master lacks " + ", ".join(missing)))
    builder = _DeckBuilder(master, locale_kit, f"{document.locale}/{document.file_name}")
    for spec in deck.slides:
        builder.add(spec)

    def set_properties(props) -> None:
        props.title = document.title
        props.author = props.subject = locale_kit.organisation.name[:255]
        props.last_modified_by = "kitbuilder"
        props.language = locale_kit.locale
        props.keywords = f"{document.kit}; {document.id}"
        props.revision = 1
        props.created = props.modified = props.last_printed = BUILD_TIME

    return builder.finish(set_properties)


def _deck_of(document: Document, locale_kit: LocaleKit) -> Deck:
    if document.kit == "results-meeting":
        return locale_kit.results.deck
    return locale_kit.wellbeing.deck(document.id.removeprefix("runsheet-"))


def apply_theme(prs, primary: str | None, secondary: str | None, accent: str | None, font: str | None) -> str:
    """Put the configured colours and font into ``prs``'s theme; return the body font family."""
    theme_part = prs.slide_master.part.part_related_by(RT.THEME)
    theme = etree.fromstring(theme_part.blob)
    changed = False
    for slot, colour in (("accent1", primary), ("dk2", primary), ("accent2", secondary), ("accent3", accent)):
        element = theme.find(f".//{{{_A}}}clrScheme/{{{_A}}}{slot}")
        if colour and element is not None:
            for child in list(element):
                element.remove(child)
            etree.SubElement(element, f"{{{_A}}}srgbClr", val=colour.lstrip("#"))
            changed = True
    fonts = [theme.find(f".//{{{_A}}}fontScheme/{{{_A}}}{which}") for which in ("majorFont", "minorFont")]
    latin = [scheme.find(f"{{{_A}}}latin") if scheme is not None else None for scheme in fonts]
    if font:
        for element in latin:
            if element is not None:
                element.set("typeface", font)
        changed = True
    for scheme, element in zip(fonts, latin):
        # right-to-left runs (a name typed with a direction mark, say) use the theme's
        # "complex script" font; without one, LibreOffice draws them in a wider font than the
        # one the text was measured with
        complex_script = scheme.find(f"{{{_A}}}cs") if scheme is not None else None
        if complex_script is not None and element is not None and not complex_script.get("typeface"):
            complex_script.set("typeface", element.get("typeface", ""))
            changed = True
    if changed:
        theme_part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)
    family = latin[1].get("typeface") if latin[1] is not None else ""
    return family or "Calibri"


class _Slide:
    """A slide being filled: a copy of its layout's skeleton, its placeholders by the
    layout's names, its notes and the parts it links to (pictures, charts)."""

    def __init__(self, layout: Layout, layout_name: str, notes: str):
        self.layout, self.layout_name, self.notes = layout, layout_name, notes
        self.element = parse_xml(layout.skeleton)
        self.tree = self.element.cSld.spTree
        children = list(self.tree)
        self.placeholders = {name: children[holder.position] for name, holder in layout.placeholders.items()}
        self.links: list[tuple[str, str]] = []
        self._last_id: int | None = None

    def new_shape_id(self) -> int:
        """One more than the largest shape id on the slide (as python-pptx numbers shapes)."""
        self._last_id = (self.tree.max_shape_id if self._last_id is None else self._last_id) + 1
        return self._last_id

    def remove(self, shape) -> None:
        self.tree.remove(shape)
        self._last_id = None

    def add_shape(self, kind: str, box: Box, name: str, fill=None):
        """A copy of a ``kind`` shape (see :func:`_shape_model`) at ``box``, named ``name``;
        ``fill`` (a theme colour) replaces its fill colour."""
        shape = copy.deepcopy(_shape_model(kind))
        properties = shape.find(_NON_VISUAL)
        properties.set("id", str(self.new_shape_id()))
        properties.set("name", name)
        offset, extent = shape.find(_OFFSET), shape.find(_EXTENT)
        offset.set("x", str(box.left))
        offset.set("y", str(box.top))
        extent.set("cx", str(box.width))
        extent.set("cy", str(box.height))
        if fill is not None:
            shape.find(_FILL_COLOUR).set("val", fill.xml_value)
        self.tree.insert_element_before(shape, "p:extLst")
        return shape

    def link(self, reltype: str, partname: str) -> str:
        """The relationship id of a link to ``partname`` (after the layout's and the notes')."""
        self.links.append((reltype, partname))
        return f"rId{len(self.links) + 2}"


class _DeckBuilder:
    """Adds slides to one deck from :class:`~kitbuilder.model.Slide` specs."""

    def __init__(self, master: Master, locale_kit: LocaleKit, name: str):
        self.master = master
        self.package = DeckPackage(master)
        self.slides: list[_Slide] = []
        self.name = name
        self.font = master.font
        self.locale_kit = locale_kit
        self.continued = locale_kit.text["wellbeing_decks"]["continued"]

    def add(self, spec: Slide) -> None:
        getattr(self, f"_{spec.layout}")(spec)

    def finish(self, set_properties) -> bytes:
        """The deck's .pptx bytes, with ``set_properties`` filling in its document properties."""
        for slide in self.slides:
            notes = parse_xml(self.master.notes)
            body = list(notes.cSld.spTree)[self.master.notes_body]
            body.txBody.clear_content()
            for line in slide.notes.split("\n"):
                body.txBody.add_p().append_text(line)
            self.package.add_slide(serialize_part_xml(slide.element), slide.layout, serialize_part_xml(notes),
                                   slide.links)
        return self.package.zip(set_properties)

    # --- slides ------------------------------------------------------------------------

    def _new_slide(self, spec: Slide, title: str | None = None) -> _Slide:
        layout = _LAYOUT_OF[spec.layout]
        slide = _Slide(self.master.layouts[layout], layout, spec.notes)
        self.slides.append(slide)
        self._fill(slide.placeholders["Title"], [title or spec.title], max_pt=self._max_pt(layout, "Title", 30),
                   min_pt=16, bold=True, box=self._box(layout, "Title"))
        return slide

    def _title(self, spec: Slide) -> None:
        slide = self._new_slide(spec)
        layout = _LAYOUT_OF[spec.layout]
        self._fill(slide.placeholders["Subtitle"], [spec.subtitle], self._max_pt(layout, "Subtitle", 22), 12,
                   box=self._box(layout, "Subtitle"))
        self._fill(slide.placeholders["Details"], list(spec.lines), self._max_pt(layout, "Details", 16), 9,
                   box=self._box(layout, "Details"))
        box = self._take_area(slide, "Logo")
        logo = self.locale_kit.branding.logo
        if logo:
            image = Image.from_blob(logo)
            width_px, height_px = image.size
            scale = min(box.width / width_px, box.height / height_px)
            width, height = int(width_px * scale), int(height_px * scale)
            partname = self.package.add_part(f"/ppt/media/image%d.{image.ext}", image.content_type, logo)
            shape_id = slide.new_shape_id()
            picture = slide.tree.add_pic(shape_id, f"Picture {shape_id - 1}", f"image.{image.ext}",
                                         slide.link(RT.IMAGE, partname), box.left + box.width - width, box.top,
                                         width, height)
            picture.nvPicPr.cNvPr.name = "Logo"

    def _lines(self, spec: Slide) -> None:
        """A title and a list; a list too long for one slide continues on the next."""
        layout = _LAYOUT_OF[spec.layout]
        width, height = self._box(layout, "Body").text_area_pt()
        max_pt = self._max_pt(layout, "Body", 24)
        metrics = metrics_for(self.font)
        chunks = _paginate(list(spec.lines), lambda chunk: fit_size(chunk, metrics, width, height, max_pt, 14, 0.5))
        for number, chunk in enumerate(chunks):
            slide = self._new_slide(spec, self._continued(spec.title, number))
            self._fill(slide.placeholders["Body"], chunk, max_pt, 14, space_after=0.5, box=self._box(layout, "Body"))

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
                                      (width - 2 * INSET_X) / EMU_PER_PT) for text, width in zip(cells, spans))
            return int((tallest + 2 * INSET_Y / EMU_PER_PT + 2) * EMU_PER_PT)

        def fits(chunk: list, size: float) -> bool:
            return row_height(header, size, True) + sum(row_height(r, size) for r in chunk) <= area.height

        size = next((s for s in (16, 14, 13, 12, 11) if fits(rows, s)), 12)
        chunks = _paginate(rows, lambda chunk: size if fits(chunk, size) else None)
        for number, chunk in enumerate(chunks):
            slide = self._new_slide(spec, self._continued(spec.title, number))
            frame = _replace_with_table(slide.placeholders["Table"], len(chunk) + 1, len(header), area)
            tbl = frame.graphic.graphicData.tbl
            for column, width in zip(tbl.tblGrid.gridCol_lst, widths):
                column.w = width
            heights = []
            for index, (row, cells) in enumerate(zip(tbl.tr_lst, [header, *chunk])):
                row.h = row_height(cells, size, index == 0)
                heights.append(row.h)
                for tc, text in zip(row.tc_lst, cells):
                    self._set_text(tc.get_or_add_txBody(), [text], size, bold=index == 0)
            if len(header) == 2 and not header[1]:  # a heading over both columns
                table = Table(tbl, None)
                table.cell(0, 0).merge(table.cell(0, 1))
            frame.cy = sum(heights)

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
                self._card(slide, Box(left, top, width, height), theme)

    def _card(self, slide: _Slide, box: Box, theme: Theme) -> None:
        shape = slide.add_shape("card", box, f"Theme {theme.number}",
                                MSO_THEME_COLOR.ACCENT_5 if theme.custom else MSO_THEME_COLOR.ACCENT_6)
        # the organisation's own themes have a slide of their own: no number, and room for the prompt
        lines = [theme.title] + ([theme.prompt] if theme.prompt else []) if theme.custom else [theme.line]
        self._fill(shape, lines, 16, 8, first_bold=True, colour=MSO_THEME_COLOR.TEXT_1, anchor=MSO_ANCHOR.MIDDLE,
                   align=PP_ALIGN.CENTER, space_after=0.4, box=box)

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
            box = Box(area.left + axis + column * (field_width + gap), area.top + row * (field_height + gap),
                      field_width, field_height)
            self._field(slide, box, by_number[number], fills[number])
        parking = Box(area.left + axis + 2 * (field_width + gap), area.top, parking_width, 2 * field_height + gap)
        shape = slide.add_shape("parking", parking, "Parking")
        self._fill(shape, [spec.parking, *spec.lines, *(f"□ {theme.line}" for theme in spec.parked)], 16, 8,
                   first_bold=True, colour=MSO_THEME_COLOR.TEXT_1, anchor=MSO_ANCHOR.TOP, align=PP_ALIGN.LEFT,
                   space_after=0.3, box=parking)
        importance, success = spec.axes
        # vertical text (read bottom to top) in the strip left of the fields
        strip = Box(area.left, area.top, axis, 2 * field_height + gap)
        self._fill(slide.add_shape("textbox", strip, "Importance Axis"), [f"{importance} →"], 14, 8, bold=True, align=PP_ALIGN.CENTER,
                   anchor=MSO_ANCHOR.MIDDLE, vertical=True, box=strip)
        strip = Box(area.left + axis, area.top + 2 * field_height + gap, 2 * field_width + gap, axis)
        self._fill(slide.add_shape("textbox", strip, "Success Axis"), [f"{success} →"], 14, 8, bold=True, align=PP_ALIGN.CENTER,
                   anchor=MSO_ANCHOR.MIDDLE, box=strip)

    def _chart(self, spec: Slide) -> None:
        """A native bar chart (editable in PowerPoint); many categories continue on further slides."""
        chart_spec = spec.chart
        count = len(chart_spec.categories)
        starts = range(0, max(count, 1), _CATEGORIES_PER_SLIDE)
        branding = self.locale_kit.branding
        colours = [branding.secondary or _SERIES_COLOURS[0], branding.primary or _SERIES_COLOURS[1]]
        colours = colours[-len(chart_spec.series):] if chart_spec.series else colours
        layout = _LAYOUT_OF[spec.layout]
        for number, start in enumerate(starts):
            picked = range(start, min(start + _CATEGORIES_PER_SLIDE, count))
            slide = self._new_slide(spec, self._continued(spec.title, number))
            area = self._take_area(slide, "Chart")
            if spec.note:
                self._fill(slide.placeholders["Note"], [spec.note], self._max_pt(layout, "Note", 12), 8,
                           box=self._box(layout, "Note"))
            else:
                self._take_area(slide, "Note")
            categories = [chart_spec.categories[i] for i in picked]
            series = [(plotted.name, [plotted.values[i] for i in picked]) for plotted in chart_spec.series]
            workbook = self.package.add_part("/ppt/embeddings/Microsoft_Excel_Sheet%d.xlsx", CT.SML_SHEET,
                                             chart_workbook(categories, series, _NUMBER_FORMAT))
            chart = self.package.add_part("/ppt/charts/chart%d.xml", CT.DML_CHART,
                                          serialize_part_xml(_chart_xml(chart_spec, colours, categories, series)),
                                          [(RT.PACKAGE, workbook)])
            shape_id = slide.new_shape_id()
            frame = CT_GraphicalObjectFrame.new_chart_graphicFrame(shape_id, f"Chart {shape_id - 1}",
                                                                   slide.link(RT.CHART, chart), area.left, area.top,
                                                                   area.width, area.height)
            slide.tree.append(frame)
            frame.nvGraphicFramePr.cNvPr.name = "Chart"

    def _field(self, slide: _Slide, box: Box, field: MapField, fill) -> None:
        shape = slide.add_shape("field", box, f"Field {field.number}", fill)
        lines = [f"{field.number}. {field.name}", field.description, *(f"■ {theme.line}" for theme in field.themes)]
        self._fill(shape, lines, 16, 7, colour=MSO_THEME_COLOR.TEXT_1, anchor=MSO_ANCHOR.TOP,
                   align=PP_ALIGN.LEFT, first_bold=True, box=box)

    # --- text ----------------------------------------------------------------------------

    def _box(self, layout: str, name: str) -> Box:
        return self.master.layouts[layout].placeholders[name].box

    def _take_area(self, slide: _Slide, name: str) -> Box:
        """The box of a layout placeholder that only marks an area; the placeholder goes."""
        slide.remove(slide.placeholders[name])
        return self._box(slide.layout_name, name)

    def _max_pt(self, layout: str, name: str, default: float) -> float:
        """The size a (restyled) layout gives a placeholder's first level, else ``default``."""
        return self.master.layouts[layout].placeholders[name].size or default

    def _continued(self, title: str, number: int) -> str:
        return title if number == 0 else f"{title} ({self.continued})"

    def _fill(self, shape, paragraphs: list[str], max_pt: float, min_pt: float, *, box: Box, bold: bool = False,
              colour=None, anchor=None, align=None, space_after: float = 0.0, first_bold: bool = False,
              vertical: bool = False) -> None:
        """Put ``paragraphs`` into the shape element ``shape`` at the largest size that fits ``box``.

        ``vertical`` turns the text a quarter (read bottom to top); lines then run along
        the box's height.
        """
        width, height = box.text_area_pt()
        # keep a little slack: renderers differ by a few per cent in where they break lines
        width, height = width * _SLACK, height * _SLACK
        body = shape.get_or_add_txBody()
        if vertical:
            width, height = height, width
            body.bodyPr.set("vert", "vert270")
        metrics = metrics_for(self.font, bold=bold)
        size = fit_size(paragraphs, metrics, width, height, max_pt, min_pt, space_after)
        if size is None:  # even the smallest size overflows: keep what fits, end with an ellipsis
            size = min_pt
            # config texts of ordinary words fit at their length limits: a long text override,
            # or characters far wider than the font's (emoji, say), get here
            log.warning("%s, slide %d: text cut to fit its box: %.60s…", self.name, len(self.slides),
                        " ".join(paragraphs))
            paragraphs = _truncate(paragraphs, lambda ps: text_height(ps, metrics, size, width, size * space_after)
                                   <= height)
        self._set_text(body, paragraphs, size, bold=bold, colour=colour, anchor=anchor, align=align,
                       space_after=space_after, first_bold=first_bold)

    @staticmethod
    def _set_text(body, paragraphs: list[str], size: float, *, bold: bool = False, colour=None, anchor=None,
                  align=None, space_after: float = 0.0, first_bold: bool = False) -> None:
        """Replace the paragraphs of the text body ``body`` with ``paragraphs``, one run each.

        The XML is what python-pptx's text frame writes, made with lxml directly: its
        objects cost a deck more than everything else on its slides.
        """
        first, *rest = body.iterchildren(_P)
        for paragraph in rest:
            body.remove(paragraph)
        properties = body.find(_BODY_PR)
        properties.set("wrap", "square")
        for child in properties:
            if child.tag in _AUTOFITS:
                properties.remove(child)
        warp = properties.find(_PRESET_WARP)
        properties.insert(0 if warp is None else 1, etree.Element(_NO_AUTOFIT))
        if anchor is not None:
            properties.set("anchor", anchor.xml_value)
        for child in first:
            if child.tag in _RUN_CONTENT:
                first.remove(child)
        sz = str(Pt(size).centipoints)
        spacing = str(Pt(size * space_after).centipoints) if space_after else None
        scheme = colour.xml_value if colour is not None else None
        for index, text in enumerate(paragraphs):
            paragraph = first if index == 0 else etree.SubElement(body, _P)
            if align is not None or spacing:
                paragraph_properties = paragraph.find(_P_PR)
                if paragraph_properties is None:
                    paragraph_properties = etree.Element(_P_PR)
                    paragraph.insert(0, paragraph_properties)
                if align is not None:
                    paragraph_properties.set("algn", align.xml_value)
                if spacing:
                    _put_spacing_after(paragraph_properties, spacing)
            run = etree.Element(_R)
            end = paragraph.find(_END_PARA)
            if end is None:
                paragraph.append(run)
            else:
                end.addprevious(run)
            run_properties = etree.SubElement(run, _R_PR, sz=sz, b="1" if bold or (first_bold and index == 0) else "0")
            if scheme is not None:
                etree.SubElement(etree.SubElement(run_properties, _SOLID_FILL), _SCHEME_COLOUR, val=scheme)
            etree.SubElement(run, _T).text = _CONTROL.sub(lambda match: f"_x{ord(match.group()):04X}_", text)


def _put_spacing_after(paragraph_properties, centipoints: str) -> None:
    """Set ``a:spcAft`` in its place among a paragraph's properties (after line and before spacing)."""
    for old in paragraph_properties.findall(_SPACE_AFTER):
        paragraph_properties.remove(old)
    after = etree.Element(_SPACE_AFTER)
    etree.SubElement(after, _SPACE_POINTS, val=centipoints)
    earlier = [child for child in paragraph_properties if child.tag in _BEFORE_SPACE_AFTER]
    if earlier:
        earlier[-1].addnext(after)
    else:
        paragraph_properties.insert(0, after)


def _chart_xml(spec, colours: list[str], categories: list[str], series: list[tuple[str, list]]):
    """The chart part's XML: a copy of the chart styled for its kind, with this chart's data."""
    longest = max((len(c) for c in categories), default=0)
    label_size = 14 if longest <= 24 else 12 if longest <= 34 else 10
    chart = copy.deepcopy(_styled_chart(len(series), tuple(colours), spec.minimum, spec.maximum, label_size))
    data = parse_xml(ChartXmlWriter(XL_CHART_TYPE.BAR_CLUSTERED, _chart_data(categories, series)).xml.encode())
    for styled, filled in zip(chart.iter(_SERIES), data.iter(_SERIES)):
        for tag in _SERIES_DATA:
            styled.replace(styled.find(tag), filled.find(tag))
    return chart


@lru_cache(maxsize=64)
def _styled_chart(series: int, colours: tuple[str, ...], minimum: float, maximum: float, label_size: int):
    """A bar chart of ``series`` series as python-pptx makes and styles it, made once per
    kind and copied for each chart (its chart objects cost more than a slide)."""
    chart_space = parse_xml(ChartXmlWriter(XL_CHART_TYPE.BAR_CLUSTERED, _chart_data(
        ["-"], [(str(number), [0.0]) for number in range(series)])).xml.encode())
    chart_space.get_or_add_externalData().rId = "rId1"  # the workbook, the chart part's one relationship
    chart = ChartProxy(chart_space, None)  # python-pptx styles the XML alone, without a part
    # LibreOffice draws a title python-pptx never asked for unless it is deleted (python-pptx#460)
    chart.has_title = False
    chart.has_legend = series > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(14)
    values = chart.value_axis
    values.minimum_scale, values.maximum_scale = minimum, maximum
    values.has_major_gridlines = True
    values.tick_labels.font.size = Pt(12)
    axis = chart.category_axis
    axis.reverse_order = True  # the first category at the top, as it is read
    axis.tick_labels.font.size = Pt(label_size)
    for plotted, colour in zip(chart.plots[0].series, colours):
        plotted.format.fill.solid()
        plotted.format.fill.fore_color.rgb = RGBColor.from_string(colour.lstrip("#"))
        plotted.invert_if_negative = False
    chart.plots[0].gap_width = 60
    # python-pptx writes negative axis ids; the schema wants unsigned ones
    for element in chart_space.xpath(".//c:axId | .//c:crossAx"):
        element.set("val", str(abs(int(element.get("val")))))
    return chart_space


def _chart_data(categories: list[str], series: list[tuple[str, list]]) -> CategoryChartData:
    data = CategoryChartData(number_format=_NUMBER_FORMAT)
    data.categories = categories
    for name, values in series:
        data.add_series(name, values)
    return data


@lru_cache(maxsize=None)
def _shape_model(kind: str):
    """A shape of ``kind`` as python-pptx makes and styles it, made once and copied for each
    use (its objects cost a grid of cards more than the rest of the deck): ``card`` (a theme),
    ``field`` (of the map), ``parking`` (the map's dashed parking area) or ``textbox``."""
    shapes = SlideShapes(CT_Slide.new().cSld.spTree, None)  # python-pptx needs no part for these
    if kind == "textbox":
        return shapes.add_textbox(0, 0, 0, 0).element
    shape = shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE if kind == "card" else MSO_SHAPE.RECTANGLE, 0, 0, 0, 0)
    if kind == "card":
        shape.adjustments[0] = 0.08
    if kind == "parking":
        shape.fill.background()
        shape.line.dash_style = 7  # dash
    else:
        shape.fill.solid()
        shape.fill.fore_color.theme_color = MSO_THEME_COLOR.ACCENT_6
    shape.line.color.theme_color = MSO_THEME_COLOR.ACCENT_1
    return shape.element


def _replace_with_table(placeholder, rows: int, columns: int, box: Box):
    """A table frame in the place of a table placeholder (python-pptx's ``insert_table``)."""
    frame = CT_GraphicalObjectFrame.new_table_graphicFrame(
        placeholder.shape_id, placeholder.shape_name, rows, columns, box.left, box.top, box.width,
        Emu(rows * _NEW_ROW_HEIGHT))
    frame.nvGraphicFramePr.nvPr._insert_ph(placeholder.ph)
    placeholder.addprevious(frame)
    placeholder.getparent().remove(placeholder)
    return frame


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
