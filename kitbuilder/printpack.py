"""Print packs: one PDF per locale and kit with every document in print order, bookmarked.

A print shop (or the office printer) gets one file per language and kit instead of a folder,
and each leader a file with their own documents; the bookmarks name each document so the
pack can still be navigated.
"""

from __future__ import annotations

import io
from pathlib import Path

from .model import Document, LocaleKit

__all__ = ["LEADER_PACKS", "pack_name", "print_pack"]

#: The folder (and manifest kind) of the packs with one leader's own documents.
LEADER_PACKS = "leader-packs"


def pack_name(kit_id: str) -> str:
    """The file name of a kit's print pack, e.g. ``print-pack-wellbeing-plan.pdf``."""
    return f"print-pack-{kit_id}.pdf"


def print_pack(locale_kit: LocaleKit, kind: str, parts: list[tuple[Document, Path]]) -> bytes:
    """Join ``parts`` (documents and their PDFs; ``kind`` is a kit id or ``leader-packs``) in print order.

    Each document becomes a top-level bookmark with its title (and leader, for a
    personalised copy).
    """
    from pypdf import PdfWriter

    writer = PdfWriter()
    for document, pdf in sorted(parts, key=lambda part: (part[0].number, part[0].file_name)):
        start = len(writer.pages)
        writer.append(str(pdf), import_outline=False)
        writer.add_outline_item(title=document.label, page_number=start)
    writer.add_metadata({"/Title": f"{locale_kit.organisation.short_label} · {kind} · {locale_kit.locale}",
                         "/Author": locale_kit.organisation.name[:255]})
    writer.page_mode = "/UseOutlines"
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
