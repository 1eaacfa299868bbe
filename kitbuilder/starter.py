"""``kitbuilder init``: a commented starter config that builds as it is."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .errors import InputError, Problem

__all__ = ["STARTER_LOCALES", "STARTER_NAME", "write_starter"]

STARTER_NAME = "kitbuilder.yaml"


#: The starter's languages, as its ``locales:`` line gives them.
STARTER_LOCALES = ("da", "sv", "nb")
_LOCALES_LINE = f"locales: [{', '.join(STARTER_LOCALES)}]\n"


def write_starter(directory: Path, *, locales: Sequence[str] = (), force: bool = False) -> Path:
    """Write ``directory/kitbuilder.yaml``, building ``locales`` (default :data:`STARTER_LOCALES`);
    the first one's country gives the public holidays. Refuses to overwrite unless ``force``."""
    target = directory / STARTER_NAME
    if target.exists() and not force:
        raise InputError(Problem(str(target), "", "already exists; use --force to overwrite it"))
    directory.mkdir(parents=True, exist_ok=True)
    text = (Path(__file__).parent / "starter.yaml").read_text(encoding="utf-8")
    if locales:
        text = text.replace(_LOCALES_LINE, f"locales: [{', '.join(locales)}]\n", 1)
    target.write_text(text, encoding="utf-8")
    return target
