"""Read generated files back (Word, PowerPoint, calendar) the way a user sees them."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph


def paragraphs(path: Path) -> list[str]:
    """Every paragraph's text, body and table cells, in document order."""
    body = Document(str(path)).element.body
    return [Paragraph(node, None).text for node in body.iter(qn("w:p"))]


def text(path: Path) -> str:
    return "\n".join(paragraphs(path))


def styled(path: Path, style: str) -> list[str]:
    """Texts of the body paragraphs (not in tables) with ``style``."""
    return [p.text for p in Document(str(path)).paragraphs if p.style.name == style]


def slide_texts(slide) -> list[str]:
    """Every paragraph of a slide's text boxes and every table cell."""
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts += [p.text for p in shape.text_frame.paragraphs]
        if getattr(shape, "has_table", False) and shape.has_table:
            texts += [cell.text for row in shape.table.rows for cell in row.cells]
    return texts


def file_text(path: Path) -> str:
    """All the text of a .docx (body, tables, headers, footers), .pptx or .ics file."""
    if path.suffix == ".docx":
        document = Document(str(path))
        parts = [document.element.body, *(part._element for section in document.sections
                                          for part in (section.header, section.footer))]
        return "\n".join(Paragraph(node, None).text for part in parts for node in part.iter(qn("w:p")))
    if path.suffix == ".pptx":
        from pptx import Presentation

        return "\n".join(text for slide in Presentation(str(path)).slides for text in slide_texts(slide))
    if path.suffix == ".ics":
        from icalendar import Calendar

        events = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
        return "\n".join(str(event.get(key, "")) for event in events for key in ("SUMMARY", "LOCATION", "DESCRIPTION"))
    raise ValueError(f"cannot read the text of {path}")


def word_template(path: Path, text: str) -> Path:
    """Write a minimal Word template holding one paragraph of ``text`` (folders made)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    doc.add_paragraph(text)
    doc.save(path)
    return path
