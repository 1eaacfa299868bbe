"""Names for files and folders made from user text."""

from __future__ import annotations

import re
import unicodedata

from pathlib import Path

__all__ = ["display_path", "safe_name"]


def display_path(path: Path) -> str:
    """``path`` as messages show it: relative to the working directory when it is inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def safe_name(text: str, *, fallback: str = "kit", limit: int = 60) -> str:
    """A file or folder name from user text: letters (Nordic ones kept), digits and hyphens.

    >>> safe_name("Fjordby Kommune / Søndre ..")
    'fjordby-kommune-søndre'
    """
    text = unicodedata.normalize("NFC", text).casefold()
    slug = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).replace("_", "-")
    slug = re.sub(r"-{2,}", "-", slug).strip("-")[:limit].strip("-")
    return slug or fallback
