"""Read generated Word files back the way a user sees them."""

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


def word_template(path: Path, text: str) -> Path:
    """Write a minimal Word template holding one paragraph of ``text`` (folders made)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    doc.add_paragraph(text)
    doc.save(path)
    return path
