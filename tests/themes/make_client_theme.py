#!/usr/bin/env python3
"""Write tests/themes/client/: a client's restyled templates, made as a user would in Word
and PowerPoint (styles and theme changed, tags kept). Run after the defaults change:

    .venv/bin/python tests/themes/make_client_theme.py
"""

from pathlib import Path

from docx import Document
from docx.shared import RGBColor
from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "templates" / "default"
CLIENT = Path(__file__).resolve().parent / "client"
PLUM = RGBColor(0x7A, 0x1F, 0x5C)
A = "http://schemas.openxmlformats.org/drawingml/2006/main"

# Word: the action cards with the client's heading style
cards = Document(str(DEFAULT / "action-cards.docx"))
for name in ("Heading 1", "Title"):
    cards.styles[name].font.name = "Liberation Serif"
    cards.styles[name].font.color.rgb = PLUM
cards.save(CLIENT / "action-cards.docx")

# Word, Swedish only: the theme cards with a note for Swedish groups
swedish = Document(str(DEFAULT / "theme-cards.docx"))
swedish.paragraphs[1].insert_paragraph_before("Svensk kundversion", style="Small Print")
swedish.save(CLIENT / "sv" / "theme-cards.docx")

# PowerPoint: the master with the client's theme colour and font
deck = Presentation(str(DEFAULT / "deck.pptx"))
theme_part = deck.slide_master.part.part_related_by(RT.THEME)
theme = etree.fromstring(theme_part.blob)
theme.find(f".//{{{A}}}accent1/{{{A}}}srgbClr").set("val", "7A1F5C")
for which in ("majorFont", "minorFont"):
    theme.find(f".//{{{A}}}{which}/{{{A}}}latin").set("typeface", "Liberation Sans")
theme_part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)
deck.save(CLIENT / "deck.pptx")
print(f"wrote {CLIENT}")
