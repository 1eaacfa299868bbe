"""Print packs: one PDF per locale and kit with every document in print order, bookmarked.

A print shop (or the office printer) gets one file per language instead of a folder; the
bookmarks name each document so the pack can still be navigated.
"""

from __future__ import annotations

import io
from pathlib import Path

from .model import LocaleKit

__all__ = ["pack_name", "print_pack"]


def pack_name(kit_id: str) -> str:
    """The file name of a kit's print pack, e.g. ``print-pack-wellbeing-plan.pdf``."""
    return f"print-pack-{kit_id}.pdf"


def print_pack(locale_kit: LocaleKit, kit_id: str, pdfs: dict[str, Path]) -> bytes:
    """Join the PDFs of ``kit_id``'s documents (``pdfs``: document id → PDF) in print order.

    Each document becomes a top-level bookmark with its title.
    """
    from pypdf import PdfWriter

    writer = PdfWriter()
    for document in sorted((d for d in locale_kit.documents if d.kit == kit_id), key=lambda d: d.number):
        start = len(writer.pages)
        writer.append(str(pdfs[document.id]), import_outline=False)
        writer.add_outline_item(title=document.title, page_number=start)
    writer.add_metadata({"/Title": f"{locale_kit.organisation.short_label} · {kit_id} · {locale_kit.locale}",
                         "/Author": locale_kit.organisation.name[:255]})
    writer.page_mode = "/UseOutlines"
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
