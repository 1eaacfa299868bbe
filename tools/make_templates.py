#!/usr/bin/env python3
"""Write the default Word templates into templates/default/.

The .docx files are committed; users restyle them in Word. This script is how they were
first made, and how a developer regenerates them after changing their structure:

    .venv/bin/python tools/make_templates.py

Every look is a named style (Title, Heading 1, Card Title, Field Label, ...) so a user
restyles the whole kit by editing styles in Word. Jinja tags follow docxtpl's rules: one
``{%p %}`` per paragraph, ``{%tr %}`` for table rows, each tag typed in one run.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from kitbuilder.render.package import normalise_package
from docx.shared import Cm, Mm, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "templates" / "default"
PRIMARY = RGBColor(0x1F, 0x4E, 0x79)
GREY = RGBColor(0x59, 0x59, 0x59)
FONT = "Calibri"


# --- document skeleton ---------------------------------------------------------------------

def new_document(*, large: bool = False, margin_cm: float = 2.0):
    doc = Document()
    _drop_styles_with_effects(doc)
    section = doc.sections[0]
    if large:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(420), Mm(297)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(margin_cm))
    section.footer_distance = Cm(0.8)
    _styles(doc)
    _complex_script_like_latin(doc)
    _footer(doc, section)
    doc.core_properties.title = ""
    doc.core_properties.author = "kitbuilder"
    # docxtpl renders core properties as Jinja too, so no braces here
    doc.core_properties.comments = "Default kitbuilder template. Restyle the styles freely and keep the template tags."
    return doc


def _drop_styles_with_effects(doc) -> None:
    """python-docx's blank document carries a Word 2010 leftover part that validators flag."""
    part = doc.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del part.rels[rel_id]


def _styles(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    _east_asian_font(normal, FONT)

    def para_style(name, base="Normal", size=None, bold=None, italic=None, colour=None,
                   before=None, after=None, keep_next=False, page_break=False):
        style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.hidden = False
        style.quick_style = True
        font = style.font
        font.name = FONT
        if size: font.size = Pt(size)
        if bold is not None: font.bold = bold
        if italic is not None: font.italic = italic
        if colour is not None: font.color.rgb = colour
        fmt = style.paragraph_format
        if before is not None: fmt.space_before = Pt(before)
        if after is not None: fmt.space_after = Pt(after)
        fmt.keep_with_next = keep_next
        fmt.page_break_before = page_break
        return style

    para_style("Title", size=26, bold=True, colour=PRIMARY, after=2)
    para_style("Subtitle", size=13, colour=GREY, after=14)
    para_style("Heading 1", size=16, bold=True, colour=PRIMARY, before=16, after=6, keep_next=True)
    para_style("Heading 2", size=13, bold=True, colour=PRIMARY, before=10, after=4, keep_next=True)
    para_style("Card Title", size=16, bold=True, colour=PRIMARY, after=2, keep_next=True, page_break=True)
    para_style("Card Prompt", size=10.5, italic=True, colour=GREY, after=8, keep_next=True)
    para_style("Field Label", size=9.5, bold=True, colour=PRIMARY, after=2, keep_next=True)
    para_style("Field Value", size=10.5, after=2)
    para_style("Checklist Item", after=4)
    para_style("Small Print", size=9, colour=GREY, after=4)
    para_style("Table Text", size=9.5, after=2)
    para_style("Table Heading", size=9.5, bold=True, after=2)
    para_style("Theme Number", size=22, bold=True, colour=RGBColor(0xC5, 0x5A, 0x11), after=4)
    para_style("Theme Title", size=16, bold=True, colour=PRIMARY, after=8)
    para_style("Theme Prompt", size=11.5, italic=True, after=4)
    para_style("Map Field Name", size=18, bold=True, colour=PRIMARY, after=2)
    para_style("Map Field Text", size=11, italic=True, colour=GREY, after=10)
    para_style("Map Theme", size=12, after=4)
    para_style("Axis Label", size=12, bold=True, colour=GREY, after=0)
    list_item = para_style("List Item", after=3)
    list_item.paragraph_format.left_indent = Cm(0.5)
    list_item.paragraph_format.first_line_indent = Cm(-0.35)
    footer = para_style("Footer", size=8.5, colour=GREY, after=0)
    # the blank document's Footer style has centre and right tabs for Letter; each footer sets its own
    tabs = footer.element.pPr.find(qn("w:tabs")) if footer.element.pPr is not None else None
    if tabs is not None:
        tabs.getparent().remove(tabs)


def _complex_script_like_latin(doc) -> None:
    """Give right-to-left and other complex-script text (a Hebrew or Arabic name, a direction
    mark) the size, weight and slant of the style's Latin text; Word keeps them apart and
    would print such a name in a 28 pt title at 11 pt."""
    for style in doc.styles.element.style_lst:
        rpr = style.rPr
        if rpr is None:
            continue
        for latin, complex_script in (("w:sz", "w:szCs"), ("w:b", "w:bCs"), ("w:i", "w:iCs")):
            source = rpr.find(qn(latin))
            if source is None or rpr.find(qn(complex_script)) is not None:
                continue
            target = OxmlElement(complex_script)
            if source.get(qn("w:val")) is not None:
                target.set(qn("w:val"), source.get(qn("w:val")))
            source.addnext(target)  # each complex-script twin follows its Latin element in CT_RPr


def _east_asian_font(style, name: str) -> None:
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _footer(doc, section) -> None:
    footer = section.footer
    p = footer.paragraphs[0]
    p.style = doc.styles["Footer"]
    width = section.page_width - section.left_margin - section.right_margin
    p.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    p.add_run("{{ org.short_label }} · {{ doc.title }}")
    p.add_run("\t")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)


# --- small builders ------------------------------------------------------------------------

def para(container, text: str, style: str = "Normal"):
    p = container.add_paragraph(style=style)
    if text:
        p.add_run(text)
    return p


def tag(container, text: str):
    """A paragraph holding only a docxtpl paragraph tag such as ``{%p for x in y %}``."""
    return container.add_paragraph(text)


def cell_text(cell, text: str, style: str):
    p = cell.paragraphs[0]
    p.style = style
    if text:
        p.add_run(text)
    return p


def cell_para(cell, text: str, style: str):
    p = cell.add_paragraph(style=style)
    if text:
        p.add_run(text)
    return p


def title_block(doc):
    p = para(doc, "{% if logo %}{{ logo }}{% endif %}")
    p.paragraph_format.space_after = Pt(10)
    para(doc, "{{ doc.title }}", "Title")
    para(doc, "{{ org.name }}", "Subtitle")


def table(doc, rows: int, widths_cm: list[float], *, border: str = "single", border_colour: str = "A6A6A6"):
    tbl = doc.add_table(rows=rows, cols=len(widths_cm))
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl.autofit = False
    tbl_pr = tbl._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), border)
        el.set(qn("w:sz"), "6")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), border_colour)
        borders.append(el)
    # CT_TblPr is a sequence: Word and the OOXML validators reject children out of order
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                 "w:tblCaption", "w:tblDescription")
    tbl_pr.get_or_add_tblLayout().set(qn("w:type"), "fixed")
    margins = OxmlElement("w:tblCellMar")
    for edge, size in (("top", 80), ("left", 120), ("bottom", 80), ("right", 120)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(size))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    grid = tbl._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in tbl.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)
    return tbl


def row_height(row, cm: float, rule: str = "atLeast", cant_split: bool = True, header: bool = False):
    tr_pr = row._tr.get_or_add_trPr()
    if cant_split:
        tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(int(Cm(cm).twips)))
    height.set(qn("w:hRule"), rule)
    tr_pr.append(height)


def heading_row(row, prefix: str, keys: tuple[str, ...], height_cm: float):
    """A table's repeated heading row: white "Table Heading" text on the primary colour."""
    row_height(row, height_cm, header=True)
    for cell, key in zip(row.cells, keys):
        shade(cell, "1F4E79")
        p = cell_text(cell, f"{{{{ {prefix}.{key} }}}}", "Table Heading")
        p.runs[0].font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def shade(cell, fill: str):
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def v_align(cell, where: str = "center"):
    el = OxmlElement("w:vAlign")
    el.set(qn("w:val"), where)
    cell._tc.get_or_add_tcPr().append(el)


def text_direction(cell, value: str = "btLr"):
    el = OxmlElement("w:textDirection")
    el.set(qn("w:val"), value)
    cell._tc.get_or_add_tcPr().append(el)


def loop_rows(tbl, opening: str, closing: str, body_rows: int = 1):
    """Wrap the last ``body_rows`` rows of ``tbl`` in ``{%tr %}`` rows."""
    first_body = tbl.rows[len(tbl.rows) - body_rows]._tr
    open_row = tbl.add_row()
    close_row = tbl.add_row()
    first_body.addprevious(open_row._tr)
    open_row.cells[0].paragraphs[0].add_run(opening)
    close_row.cells[0].paragraphs[0].add_run(closing)


def card_table(doc, card_expr: str, writing_room_cm: float | None, width_cm: float = 17.0):
    """An action card as a one-column table: one row per field, label above value."""
    tbl = table(doc, 1, [width_cm])
    row = tbl.rows[0]
    if writing_room_cm:
        row_height(row, writing_room_cm)
    cell = row.cells[0]
    cell_text(cell, "{{ field.label }}", "Field Label")
    cell_para(cell, "{{ field.value }}", "Field Value")
    loop_rows(tbl, f"{{%tr for field in {card_expr}.fields %}}", "{%tr endfor %}")
    return tbl


# --- the documents -------------------------------------------------------------------------

def action_cards():
    doc = new_document()
    title_block(doc)
    para(doc, "{{ t.action_cards.intro }}")
    para(doc, "{{ t.action_cards.example_heading }}", "Heading 1")
    para(doc, "{{ plan.example_card.heading }}", "Heading 2")
    card_table(doc, "plan.example_card", None)
    tag(doc, "{%p for card in plan.cards %}")
    para(doc, "{{ card.heading }}", "Card Title")
    tag(doc, "{%p if card.prompt %}")
    para(doc, "{{ card.prompt }}", "Card Prompt")
    tag(doc, "{%p endif %}")
    card_table(doc, "card", 2.9)
    tag(doc, "{%p endfor %}")
    return doc


def wellbeing_plan():
    doc = new_document()
    title_block(doc)
    for key in ("intro", "how", "follow_up"):
        para(doc, f"{{{{ t.plan.{key}_heading }}}}", "Heading 1")
        para(doc, f"{{{{ t.plan.{key} }}}}")
    para(doc, "{{ t.plan.cards_heading }}", "Heading 1")
    # a card for every chosen theme: the fields agreed so far, and how many are still open
    tag(doc, "{%p if plan.plan_cards %}")
    tag(doc, "{%p for card in plan.plan_cards %}")
    para(doc, "{{ card.heading }}", "Heading 2")
    tag(doc, "{%p if card.filled %}")
    tbl = table(doc, 1, [5.5, 11.5])
    row = tbl.rows[0]
    row_height(row, 0.8)
    cell_text(row.cells[0], "{{ field.label }}", "Field Label")
    shade(row.cells[0], "EAF1F8")
    cell_text(row.cells[1], "{{ field.value }}", "Field Value")
    loop_rows(tbl, "{%tr for field in card.filled_fields %}", "{%tr endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if card.open_fields %}")
    para(doc, "{{ card.open_fields }}", "Card Prompt")
    tag(doc, "{%p endif %}")
    para(doc, "", "Small Print")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    para(doc, "{{ t.plan.no_cards }}")
    tag(doc, "{%p endif %}")
    return doc


def theme_cards():
    doc = new_document(margin_cm=1.2)
    heading = para(doc, "{% if logo_small %}{{ logo_small }}   {% endif %}{{ doc.title }} · {{ org.short_label }}",
                   "Heading 2")
    heading.paragraph_format.space_before = Pt(0)
    para(doc, "{{ t.theme_cards.intro }}", "Small Print")
    tbl = table(doc, 1, [9.3, 9.3], border="dashed", border_colour="808080")
    row = tbl.rows[0]
    row_height(row, 8.05, rule="exact")
    for index, cell in enumerate(row.cells):
        v_align(cell, "center")
        item = f"pair[{index}]"
        cell_text(cell, f"{{%p if {item} %}}", "Normal")
        cell_para(cell, f"{{{{ t.theme_cards.custom_label if {item}.custom else {item}.number }}}}", "Theme Number")
        cell_para(cell, f"{{{{ {item}.title }}}}", "Theme Title")
        cell_para(cell, f"{{{{ {item}.prompt }}}}", "Theme Prompt")
        # an odd number of themes leaves the last cell empty; a cell must keep a paragraph
        cell_para(cell, "{%p else %}", "Normal")
        cell_para(cell, "", "Normal")
        cell_para(cell, "{%p endif %}", "Normal")
        for p in cell.paragraphs:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    loop_rows(tbl, "{%tr for pair in plan.themes|batch(2, '') %}", "{%tr endfor %}")
    return doc


def prioritisation_map():
    """The A3 map, empty for step 1 to fill; then, once themes are rated or parked, the result."""
    doc = new_document(large=True, margin_cm=1.5)
    p = para(doc, "{% if logo %}{{ logo }}   {% endif %}{{ doc.title }} · {{ org.name }}", "Title")
    p.runs[0].font.size = Pt(24)
    para(doc, "{{ t.map.intro }}", "Subtitle")
    _map_table(doc, filled=False)
    tag(doc, "{%p if plan.map_filled %}")
    p = para(doc, "{{ t.map.result_heading }} · {{ org.name }}", "Title")
    p.runs[0].font.size = Pt(24)
    p.paragraph_format.page_break_before = True
    para(doc, "{{ t.map.result_intro }}", "Subtitle")
    _map_table(doc, filled=True)
    tag(doc, "{%p endif %}")
    return doc


def _map_table(doc, filled: bool):
    """The four fields, the parking area and the axes; ``filled`` puts the rated and parked themes in."""
    widths = [1.6, 12.4, 12.4, 10.6]
    tbl = table(doc, 3, widths, border="single", border_colour="7F7F7F")
    top, bottom, axis = tbl.rows
    row_height(top, 10.2, rule="exact")
    row_height(bottom, 10.2, rule="exact")
    row_height(axis, 1.3, rule="exact")
    # importance axis, vertical, spanning both field rows
    axis_cell = top.cells[0].merge(bottom.cells[0])
    text_direction(axis_cell)
    v_align(axis_cell)
    cell_text(axis_cell, "{{ t.map.low }} ← {{ t.map.importance_axis }} → {{ t.map.high }}", "Axis Label").alignment = WD_ALIGN_PARAGRAPH.CENTER
    for cell, index, fill_colour in ((top.cells[1], 0, "FBE5D6"), (top.cells[2], 1, "E2EFDA"),
                                     (bottom.cells[1], 3, "F2F2F2"), (bottom.cells[2], 2, "DEEBF7")):
        shade(cell, fill_colour)
        field = f"plan.map_fields[{index}]"
        cell_text(cell, f"{{{{ {field}.number }}}}. {{{{ {field}.name }}}}", "Map Field Name")
        cell_para(cell, f"{{{{ {field}.description }}}}", "Map Field Text")
        if filled:
            cell_para(cell, f"{{%p for theme in {field}.themes %}}", "Map Theme")
            cell_para(cell, "■ {{ theme.line }}", "Map Theme")
            cell_para(cell, "{%p endfor %}", "Map Theme")
    parking = top.cells[3].merge(bottom.cells[3])
    cell_text(parking, "{{ t.map.parking.name }}", "Map Field Name")
    cell_para(parking, "{{ t.map.parking.description }}", "Map Field Text")
    if filled:
        cell_para(parking, "{%p for theme in plan.parked %}", "Map Theme")
        cell_para(parking, "□ {{ theme.line }}", "Map Theme")
        cell_para(parking, "{%p endfor %}", "Map Theme")
    # room to write, less as the parked themes take it (the row height is fixed)
    lines = "9 - plan.parked|length" if filled else "9"
    cell_para(parking, f"{{%p for line in range({lines}) %}}", "Map Theme")
    cell_para(parking, "", "Map Theme")
    cell_para(parking, "{%p endfor %}", "Map Theme")
    if not filled:  # questions for the workshop that places the themes
        cell_para(parking, "{{ t.map.discuss_heading }}", "Heading 2")
        cell_para(parking, "{%p for question in t.map.discuss %}", "Table Text")
        cell_para(parking, "• {{ question }}", "Table Text")
        cell_para(parking, "{%p endfor %}", "Table Text")
    success = axis.cells[1].merge(axis.cells[2])
    v_align(success)
    cell_text(success, "{{ t.map.low }} ← {{ t.map.success_axis }} → {{ t.map.high }}", "Axis Label").alignment = WD_ALIGN_PARAGRAPH.CENTER


def facilitator_checklist():
    doc = new_document()
    title_block(doc)
    para(doc, "{{ t.checklist.programme_heading }}", "Heading 1")
    cols = [4.2, 5.8, 3.8, 3.2]
    tbl = table(doc, 2, cols)
    head, body = tbl.rows
    heading_row(head, "t.checklist.programme_columns", ("step", "when", "where", "who"), 0.7)
    row_height(body, 0.7)
    cell_text(body.cells[0], "{{ step.title }}", "Table Text")
    cell_text(body.cells[1], "{{ step.date or common.not_set }}", "Table Text")
    cell_para(body.cells[1], "{{ step.start }}–{{ step.end }} ({{ step.minutes }} {{ common.minutes_short }})", "Table Text")
    cell_text(body.cells[2], "{{ step.venue or common.not_set }}", "Table Text")
    cell_text(body.cells[3], "{{ step.facilitator or common.not_set }}", "Table Text")
    loop_rows(tbl, "{%tr for step in plan.steps %}", "{%tr endfor %}")

    para(doc, "{{ t.checklist.hr_heading }}", "Heading 1")
    para(doc, "{{ t.checklist.hr_intro }}")
    tbl = table(doc, 1, [17.0])
    row = tbl.rows[0]
    row_height(row, 1.9)
    cell_text(row.cells[0], "{{ loop.index }}. {{ question }}", "Field Label")
    loop_rows(tbl, "{%tr for question in t.checklist.hr_questions %}", "{%tr endfor %}")

    para(doc, "{{ t.checklist.heading }}", "Heading 1")
    para(doc, "{{ t.checklist.intro }}")
    tag(doc, "{%p for section in t.checklist.sections.values() %}")
    para(doc, "{{ section.title }}", "Heading 2")
    tag(doc, "{%p for item in section['items'] %}")
    para(doc, "☐  {{ item }}", "Checklist Item")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    para(doc, "{{ t.checklist.knowledge_heading }}", "Heading 2")
    para(doc, "{{ t.checklist.knowledge }}")

    tag(doc, "{%p for step in plan.steps %}")
    para(doc, "{{ step.title }} · {{ step.start }}–{{ step.end }}", "Card Title")
    para(doc, "{{ step.purpose }}", "Card Prompt")
    cols = [2.4, 2.0, 7.7, 4.9]
    tbl = table(doc, 2, cols)
    head, body = tbl.rows
    heading_row(head, "t.runsheet_columns", ("time", "minutes", "content", "who"), 0.6)
    cell_text(body.cells[0], "{{ row.start }}–{{ row.end }}", "Table Text")
    cell_text(body.cells[1], "{{ row.minutes }}", "Table Text")
    cell_text(body.cells[2], "{{ row.content }}", "Table Text")
    cell_text(body.cells[3], "{{ row.who }}", "Table Text")
    loop_rows(tbl, "{%tr for row in step.rows %}", "{%tr endfor %}")
    tag(doc, "{%p endfor %}")
    return doc


def _bullets(doc, expression: str, item: str = "item"):
    tag(doc, f"{{%p for {item} in {expression} %}}")
    para(doc, f"• {{{{ {item} }}}}", "List Item")
    tag(doc, "{%p endfor %}")


def _writing_table(doc, loop: str, label: str, question: str | None, room_cm: float):
    """A one-column table: per loop item a label, a question and room to write."""
    tbl = table(doc, 1, [17.0])
    row = tbl.rows[0]
    row_height(row, room_cm)
    cell_text(row.cells[0], label, "Field Label")
    if question:
        cell_para(row.cells[0], question, "Card Prompt")
    loop_rows(tbl, loop, "{%tr endfor %}")


def dialogue_guide():
    doc = new_document()
    title_block(doc)
    para(doc, "{{ t.subtitle }}", "Card Prompt")
    para(doc, "{{ t.cover.heading }}", "Heading 2")
    tbl = table(doc, 5, [4.5, 12.5])
    for row, key in zip(tbl.rows, ("name", "unit", "manager", "meeting", "place")):
        row_height(row, 1.0)
        shade(row.cells[0], "EAF1F8")
        cell_text(row.cells[0], f"{{{{ t.cover.{key} }}}}", "Field Label")
        cell_text(row.cells[1], f"{{{{ leader.{key} if leader else '' }}}}", "Field Value")
    para(doc, "{{ t.purpose.heading }}", "Heading 1")
    para(doc, "{{ t.purpose.text }}")
    para(doc, "{{ t.purpose.audience_heading }}", "Heading 2")
    para(doc, "{{ t.purpose.audience }}")
    para(doc, "{{ t.purpose.time_heading }}", "Heading 2")
    para(doc, "{{ dialogue.time_text }}")

    para(doc, "{{ t.steps.heading }}", "Card Title")
    tag(doc, "{%p for step in t.steps['items'] %}")
    para(doc, "{{ step.title }}", "Heading 2")
    para(doc, "{{ step.text }}")
    tag(doc, "{%p endfor %}")
    para(doc, "{{ t.steps.examples_heading }}", "Heading 2")
    _bullets(doc, "t.steps.examples")

    para(doc, "{{ t.guide.heading }}", "Card Title")
    para(doc, "{{ t.guide.intro }}", "Card Prompt")
    _writing_table(doc, "{%tr for q in t.guide.questions.values() %}", "{{ loop.index }}. {{ q.title }}",
                   "{{ q.question }}", 6.2)

    para(doc, "{{ t.support.heading }}", "Card Title")
    para(doc, "{{ t.support.intro }}", "Card Prompt")
    for key in ("goals", "environment", "manager"):
        para(doc, f"{{{{ t.guide.questions.{key}.title }}}}", "Heading 2")
        _bullets(doc, f"t.support.{key}")

    para(doc, "{{ t.notes.heading }}", "Card Title")
    tbl = table(doc, 1, [17.0], border_colour="BFBFBF")
    row_height(tbl.rows[0], 1.05)
    loop_rows(tbl, "{%tr for line in range(20) %}", "{%tr endfor %}")

    para(doc, "{{ t.agreement.heading }}", "Card Title")
    para(doc, "{{ t.agreement.intro }}", "Card Prompt")
    _writing_table(doc, "{%tr for section in t.agreement.sections.values() %}", "{{ section.title }}",
                   "{{ section.question }}", 3.6)
    tbl = table(doc, 1, [8.5, 8.5])
    row_height(tbl.rows[0], 1.8)
    cell_text(tbl.rows[0].cells[0], "{{ t.agreement.signatures }}", "Field Label")
    cell_para(tbl.rows[0].cells[0], "{{ leader.name if leader else '' }}", "Small Print")
    cell_text(tbl.rows[0].cells[1], "", "Field Label")
    cell_para(tbl.rows[0].cells[1], "{{ leader.manager if leader else '' }}", "Small Print")

    para(doc, "{{ t.example.heading }}", "Card Title")
    para(doc, "{{ t.example.intro }}", "Card Prompt")
    tag(doc, "{%p for key, section in t.agreement.sections.items() %}")
    para(doc, "{{ section.title }}", "Heading 2")
    para(doc, "{{ section.question }}", "Card Prompt")
    _bullets(doc, "t.example.answers[key]", "answer")
    tag(doc, "{%p endfor %}")

    para(doc, "{{ t.invite.heading }}", "Card Title")
    _bullets(doc, "(leader.invite if leader else dialogue.invite)")
    tag(doc, "{%p if leader and leader.booked %}")
    para(doc, "{{ leader.booked }}", "Field Label")
    tag(doc, "{%p endif %}")
    para(doc, "{{ t.follow_up.heading }}", "Heading 1")
    para(doc, "{{ t.follow_up.intro }}")
    _bullets(doc, "t.follow_up.questions", "question")
    para(doc, "{{ t.follow_up.meetings_heading }}", "Heading 2")
    tag(doc, "{%p if leader and leader.follow_ups %}")
    _bullets(doc, "leader.follow_ups", "meeting")
    tag(doc, "{%p else %}")
    para(doc, "{{ t.follow_up.no_meetings }}", "Card Prompt")
    tag(doc, "{%p endif %}")

    para(doc, "{{ t.evaluation.heading }}", "Card Title")
    para(doc, "{{ t.evaluation.intro }}", "Card Prompt")
    _writing_table(doc, "{%tr for question in t.evaluation.questions.values() %}", "{{ question }}", None, 4.0)
    return doc


def support_offers():
    doc = new_document()
    title_block(doc)
    para(doc, "{{ t.intro }}")
    para(doc, "{{ t.hr_heading }}", "Heading 1")
    _bullets(doc, "t.hr")
    para(doc, "{{ t.offers_heading }}", "Heading 1")
    tag(doc, "{%p for group in support.groups %}")
    para(doc, "{{ group.title }}", "Heading 2")
    _bullets(doc, "group['items']")
    tag(doc, "{%p endfor %}")
    para(doc, "{{ t.timeline_heading }}", "Heading 1")
    tag(doc, "{%p if support.timeline %}")
    tbl = table(doc, 2, [5.0, 12.0])
    head, body = tbl.rows
    heading_row(head, "t.timeline_columns", ("when", "what"), 0.7)
    row_height(body, 0.8)
    cell_text(body.cells[0], "{{ entry.date }}", "Table Text")
    cell_text(body.cells[1], "{{ entry.text }}", "Table Text")
    loop_rows(tbl, "{%tr for entry in support.timeline %}", "{%tr endfor %}")
    tag(doc, "{%p else %}")
    para(doc, "{{ t.no_report_date }}", "Card Prompt")
    tag(doc, "{%p endif %}")
    para(doc, "{{ t.contacts_heading }}", "Heading 1")
    tag(doc, "{%p if support.contacts %}")
    tbl = table(doc, 2, [4.5, 4.0, 5.0, 3.5])
    head, body = tbl.rows
    heading_row(head, "t.contact_columns", ("name", "role", "email", "phone"), 0.7)
    row_height(body, 0.7)
    for cell, key in zip(body.cells, ("name", "role", "email", "phone")):
        cell_text(cell, f"{{{{ contact.{key} }}}}", "Table Text")
    loop_rows(tbl, "{%tr for contact in support.contacts %}", "{%tr endfor %}")
    tag(doc, "{%p else %}")
    para(doc, "{{ t.no_contacts }}", "Card Prompt")
    tag(doc, "{%p endif %}")
    para(doc, "{{ t.poor_heading }}", "Heading 1")
    para(doc, "{{ t.poor_intro }}")
    _bullets(doc, "t.poor")
    return doc


def _results_table(doc, rows_expression: str):
    tbl = table(doc, 2, [7.0, 3.4, 3.4, 3.2])
    head, body = tbl.rows
    heading_row(head, "results.columns", ("area", "current", "previous", "change"), 0.7)
    row_height(body, 0.6)
    for cell, key in zip(body.cells, ("area", "current", "previous", "change")):
        cell_text(cell, f"{{{{ row.{key} }}}}", "Table Text")
    loop_rows(tbl, f"{{%tr for row in {rows_expression} %}}", "{%tr endfor %}")


def results_meeting_prep():
    doc = new_document()
    title_block(doc)
    tag(doc, "{%p if leader %}")
    para(doc, "{{ leader.name }}{% if leader.unit %} · {{ leader.unit }}{% endif %}", "Heading 2")
    tag(doc, "{%p endif %}")
    para(doc, "{{ t.prep.intro }}")
    # when and where the meeting is
    tag(doc, "{%p if results.meeting %}")
    tbl = table(doc, 1, [4.5, 12.5])
    row = tbl.rows[0]
    row_height(row, 0.8)
    shade(row.cells[0], "EAF1F8")
    cell_text(row.cells[0], "{{ label }}", "Field Label")
    cell_text(row.cells[1], "{{ value }}", "Field Value")
    loop_rows(tbl, "{%tr for label, value in results.meeting %}", "{%tr endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p set unit = results.unit(leader.unit) if leader and leader.unit else none %}")
    tag(doc, "{%p if unit and unit.shown %}")
    para(doc, "{{ unit.heading }}", "Heading 1")
    _results_table(doc, "unit.rows")
    # the organisation's table gets a page of its own after the unit's: two tables of up
    # to a dozen areas do not fit one page, and a table split over two pages reads badly
    para(doc, "{{ t.prep.organisation_results }}", "Heading 1").paragraph_format.page_break_before = True
    tag(doc, "{%p else %}")
    tag(doc, "{%p if unit %}")
    para(doc, "{{ unit.note }}", "Card Prompt")
    tag(doc, "{%p endif %}")
    para(doc, "{{ t.prep.organisation_results }}", "Heading 1")
    tag(doc, "{%p endif %}")
    _results_table(doc, "results.overall")
    para(doc, "{{ t.prep.questions_heading }}", "Card Title")
    _writing_table(doc, "{%tr for question in t.prep.questions %}", "{{ question }}", None, 4.4)
    para(doc, "{{ t.prep.notes_heading }}", "Heading 2")
    tbl = table(doc, 1, [17.0], border_colour="BFBFBF")
    row_height(tbl.rows[0], 1.05)
    loop_rows(tbl, "{%tr for line in range(4) %}", "{%tr endfor %}")
    return doc


TEMPLATES = {
    "action-cards.docx": action_cards,
    "wellbeing-plan.docx": wellbeing_plan,
    "theme-cards.docx": theme_cards,
    "prioritisation-map.docx": prioritisation_map,
    "facilitator-checklist.docx": facilitator_checklist,
    "dialogue-guide.docx": dialogue_guide,
    "support-offers.docx": support_offers,
    "results-meeting-prep.docx": results_meeting_prep,
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        buffer = io.BytesIO()
        build().save(buffer)
        # fixed zip times: regenerating an unchanged template leaves the file as it was
        (OUT / name).write_bytes(normalise_package(buffer.getvalue()))
        print(f"wrote {OUT / name}")
    return 0



# --- the PowerPoint master -------------------------------------------------------------------

def slide_master():
    """A 16:9 master whose layouts and placeholders have the names the renderer looks for."""
    from lxml import etree
    from pptx import Presentation
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.util import Emu, Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 16:9, 13.333 × 7.5 in
    master = prs.slide_master
    ns = {"p": "http://schemas.openxmlformats.org/presentationml/2006/main",
          "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}

    def place(shape, x, y, w, h):
        shape.left, shape.top, shape.width, shape.height = Inches(x), Inches(y), Inches(w), Inches(h)

    by_type = {sh.placeholder_format.type: sh for sh in master.placeholders}
    for sh in master.placeholders:
        name = sh.name
        if name.startswith("Title"):
            place(sh, 0.6, 0.35, 12.13, 0.95)
        elif name.startswith("Text"):
            place(sh, 0.6, 1.5, 12.13, 5.35)
        elif name.startswith("Date"):
            place(sh, 0.6, 7.0, 3.0, 0.35)
        elif name.startswith("Footer"):
            place(sh, 4.2, 7.0, 5.0, 0.35)
        elif name.startswith("Slide Number"):
            place(sh, 9.73, 7.0, 3.0, 0.35)
    del by_type
    # title and body styles: sizes, colour from the theme's first accent
    tx_styles = master.element.find("p:txStyles", ns)
    title_rpr = tx_styles.find("p:titleStyle/a:lvl1pPr/a:defRPr", ns)
    title_rpr.set("sz", "3000")
    title_rpr.set("b", "1")
    for fill in title_rpr.findall("a:solidFill", ns):
        title_rpr.remove(fill)
    title_rpr.insert(0, etree.fromstring(
        '<a:solidFill xmlns:a="%s"><a:schemeClr val="accent1"/></a:solidFill>' % ns["a"]))
    title_ppr = tx_styles.find("p:titleStyle/a:lvl1pPr", ns)
    title_ppr.set("algn", "l")
    for level, size in zip(range(1, 6), (2200, 2000, 1800, 1600, 1600)):
        rpr = tx_styles.find(f"p:bodyStyle/a:lvl{level}pPr/a:defRPr", ns)
        rpr.set("sz", str(size))
    # an accent bar along the top of every slide
    master_tree = master.element.find("p:cSld/p:spTree", ns)
    master_tree.append(etree.fromstring(
        f'<p:sp xmlns:p="{ns["p"]}" xmlns:a="{ns["a"]}"><p:nvSpPr><p:cNvPr id="90" name="Accent Bar"/>'
        '<p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr><p:spPr><a:xfrm><a:off x="0" y="0"/>'
        f'<a:ext cx="{int(prs.slide_width)}" cy="{int(Inches(0.12))}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        '</a:prstGeom><a:solidFill><a:schemeClr val="accent1"/></a:solidFill><a:ln><a:noFill/></a:ln></p:spPr></p:sp>'))

    # theme: name, colours and fonts
    theme_part = master.part.part_related_by(RT.THEME)
    theme = etree.fromstring(theme_part.blob)
    theme.set("name", "kitbuilder")
    scheme = theme.find(".//a:clrScheme", ns)
    scheme.set("name", "kitbuilder")
    for slot, colour in (("dk2", "1F4E79"), ("accent1", "1F4E79"), ("accent2", "2E75B6"), ("accent3", "C55A11"),
                         ("accent4", "70AD47"), ("accent5", "FBE5D6"), ("accent6", "DEEBF7")):
        element = scheme.find(f"a:{slot}", ns)
        for child in list(element):
            element.remove(child)
        etree.SubElement(element, f"{{{ns['a']}}}srgbClr", val=colour)
    fonts = theme.find(".//a:fontScheme", ns)
    fonts.set("name", "kitbuilder")
    for which in ("a:majorFont", "a:minorFont"):
        fonts.find(f"{which}/a:latin", ns).set("typeface", FONT)
    theme_part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)

    layouts = {
        "Kit Title": [("Title", "ctrTitle", 0, (0.8, 2.0, 11.7, 1.5), 4000, False),
                      ("Subtitle", "subTitle", 1, (0.8, 3.55, 11.7, 0.8), 2200, False),
                      ("Details", "body", 13, (0.8, 4.6, 8.6, 2.2), 1600, False),
                      ("Logo", "pic", 14, (9.9, 0.45, 2.9, 1.3), None, False)],
        "Kit Agenda": [("Title", "title", 0, None, None, False),
                       ("Body", "body", 1, (0.8, 1.6, 11.7, 5.2), 2400, False)],
        "Kit Table": [("Title", "title", 0, None, None, False),
                      ("Table", "tbl", 1, (0.6, 1.45, 12.13, 5.45), None, False)],
        "Kit Content": [("Title", "title", 0, None, None, False),
                        ("Body", "body", 1, (0.6, 1.5, 12.13, 5.35), 2400, True)],
        "Kit Themes": [("Title", "title", 0, None, None, False),
                       ("Grid", "body", 1, (0.6, 1.45, 12.13, 5.45), 1600, False)],
        "Kit Map": [("Title", "title", 0, None, None, False),
                    ("Map", "body", 1, (0.6, 1.45, 12.13, 5.45), 1400, False)],
        "Kit Closing": [("Title", "title", 0, None, None, False),
                        ("Body", "body", 1, (0.6, 1.5, 12.13, 5.35), 2400, True)],
        "Kit Chart": [("Title", "title", 0, None, None, False),
                      ("Chart", "body", 1, (0.6, 1.45, 12.13, 5.15), 1200, False),
                      ("Note", "body", 2, (0.6, 6.62, 12.13, 0.35), 1200, False)],
    }
    keep = list(master.slide_layouts)[: len(layouts)]
    for layout in list(master.slide_layouts)[len(layouts):]:
        master.slide_layouts.remove(layout)
    for layout, (name, placeholders) in zip(keep, layouts.items()):
        c_sld = layout.element.find("p:cSld", ns)
        c_sld.set("name", name)
        tree = c_sld.find("p:spTree", ns)
        for shape in tree.findall("p:sp", ns) + tree.findall("p:pic", ns) + tree.findall("p:graphicFrame", ns):
            tree.remove(shape)
        for shape_id, (ph_name, ph_type, idx, box, size, bullets) in enumerate(placeholders, start=2):
            tree.append(etree.fromstring(_placeholder_xml(shape_id, ph_name, ph_type, idx, box, size, bullets, ns, Emu,
                                                          Inches)))
    prs.core_properties.title = "kitbuilder slide master"
    prs.core_properties.author = "kitbuilder"
    return prs


def _placeholder_xml(shape_id, name, ph_type, idx, box, size, bullets, ns, Emu, Inches):
    ph = f'<p:ph type="{ph_type}"' + (f' idx="{idx}"' if idx else "") + "/>"
    xfrm = ""
    if box:
        x, y, w, h = (int(Inches(v)) for v in box)
        xfrm = f'<a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'
    lvl = ""
    if size or not bullets:
        bullet = "" if bullets else '<a:buNone/>'
        indent = "" if bullets else ' marL="0" indent="0"'
        lvl = f'<a:lvl1pPr{indent}>{bullet}' + (f'<a:defRPr sz="{size}"/>' if size else "") + "</a:lvl1pPr>"
    body = "" if ph_type in ("pic", "tbl") else (
        f'<p:txBody><a:bodyPr/><a:lstStyle>{lvl}</a:lstStyle><a:p><a:r><a:rPr lang="en-GB"/>'
        f'<a:t>{name}</a:t></a:r></a:p></p:txBody>')
    return (f'<p:sp xmlns:p="{ns["p"]}" xmlns:a="{ns["a"]}"><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/>'
            f'<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>{ph}</p:nvPr></p:nvSpPr>'
            f'<p:spPr>{xfrm}</p:spPr>{body}</p:sp>')


TEMPLATES["deck.pptx"] = slide_master


if __name__ == "__main__":
    sys.exit(main())
