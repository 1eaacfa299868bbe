"""Renderers: one per output format. Each takes a model document and returns the file's bytes."""

from __future__ import annotations

__all__ = ["render_document"]

from pathlib import Path

from ..model import Document, LocaleKit


def render_document(document: Document, locale_kit: LocaleKit, template: Path | None) -> bytes:
    """Render ``document`` with the renderer for its format (imported on first use)."""
    if document.format == "docx":
        from .docx import render_docx

        return render_docx(document, locale_kit, template)
    if document.format == "pptx":
        from .pptx import render_pptx

        return render_pptx(document, locale_kit, template)
    if document.format == "ics":
        from .ics import render_ics

        return render_ics(document)
    raise ValueError(f"no renderer for format {document.format!r}")
