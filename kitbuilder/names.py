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


# Names Windows reserves for devices, whatever the case or extension.
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])", re.IGNORECASE)
#: Longest name in bytes (UTF-8): file systems allow 255, zip and print-shop tools less.
MAX_NAME_BYTES = 120


def safe_name(text: str, *, fallback: str = "kit", limit: int = 60) -> str:
    """A file or folder name from user text: letters (Nordic ones kept), digits and hyphens.

    The name never holds a path separator or dot, so it cannot leave its folder, is at
    most ``limit`` characters and :data:`MAX_NAME_BYTES` bytes, and is never a name Windows
    reserves (``CON``, ``LPT1``, …).

    >>> safe_name("Fjordby Kommune / Søndre ..")
    'fjordby-kommune-søndre'
    """
    text = unicodedata.normalize("NFC", text).casefold()
    slug = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).replace("_", "-")
    slug = re.sub(r"-{2,}", "-", slug).strip("-")[:limit]
    while len(slug.encode("utf-8")) > MAX_NAME_BYTES:
        slug = slug[:-1]
    slug = slug.strip("-")
    if _RESERVED.fullmatch(slug):
        slug = f"{slug}-{fallback}"
    return slug or fallback
