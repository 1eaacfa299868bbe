"""Find the template file for a document: a client's restyled theme first, then the default.

The search order for ``<name>`` in locale ``<code>`` (first hit wins, as MkDocs' theme
``custom_dir`` does):

1. ``<override>/<code>/<name>``
2. ``<override>/<name>``
3. ``templates/default/<code>/<name>``
4. ``templates/default/<name>``
"""

from __future__ import annotations

from pathlib import Path

from . import resources
from .errors import Problem, TemplateError

__all__ = ["TemplateSet"]


class TemplateSet:
    """The template folders in precedence order."""

    def __init__(self, override: Path | None = None):
        default = resources.templates_dir() / "default"
        self.folders: tuple[Path, ...] = (override, default) if override else (default,)

    def candidates(self, name: str, locale: str) -> list[Path]:
        """Every place looked at for ``name`` in ``locale``, in order."""
        return [path for folder in self.folders for path in (folder / locale / name, folder / name)]

    def resolve(self, name: str, locale: str) -> Path:
        """The template to use; raises :class:`TemplateError` when none exists."""
        for path in self.candidates(name, locale):
            if path.is_file():
                return path
        looked = ", ".join(str(p) for p in self.candidates(name, locale))
        raise TemplateError(Problem(name, "", f"template not found for locale '{locale}' (looked in {looked})"))
