"""``kitbuilder init``: a commented starter config that builds as it is."""

from __future__ import annotations

from pathlib import Path

from .errors import InputError, Problem

__all__ = ["STARTER_NAME", "write_starter"]

STARTER_NAME = "kitbuilder.yaml"


def write_starter(directory: Path, *, force: bool = False) -> Path:
    """Write ``directory/kitbuilder.yaml``; refuses to overwrite unless ``force``."""
    target = directory / STARTER_NAME
    if target.exists() and not force:
        raise InputError(Problem(str(target), "", "already exists; use --force to overwrite it"))
    directory.mkdir(parents=True, exist_ok=True)
    text = (Path(__file__).parent / "starter.yaml").read_text(encoding="utf-8")
    target.write_text(text, encoding="utf-8")
    return target
