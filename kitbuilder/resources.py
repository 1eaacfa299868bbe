"""Where the shipped content and templates are.

In a checkout (and an editable install) they are the repository's ``locales/`` and
``templates/`` folders; a wheel carries them as ``kitbuilder/_data/``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["locales_dir", "templates_dir"]

_PACKAGE = Path(__file__).resolve().parent


def _data(name: str) -> Path:
    bundled = _PACKAGE / "_data" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


def locales_dir() -> Path:
    """The folder holding one sub-folder per locale."""
    return _data("locales")


def templates_dir() -> Path:
    """The folder holding the shipped themes (``default/``)."""
    return _data("templates")
