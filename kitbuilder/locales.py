"""Locale content: every word the kit prints, one folder per language.

A locale is a folder ``locales/<code>/`` holding ``locale.yaml`` (its name, Babel locale
and time zone) and one YAML file per namespace (``common.yaml``, ``wellbeing_plan.yaml``;
``columns.yaml`` holds the column headers the language's spreadsheets use).
Keys are addressed with dots: ``wellbeing_plan.themes.recovery.title``. Adding a language
is adding a folder with the same keys; :func:`check_locales` finds what is missing.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import resources
from .errors import ContentError, Problem
from .names import display_path
from .inputs.yamlfile import YamlSyntaxError, load_yaml

__all__ = [
    "COLUMNS_NAMESPACE",
    "REFERENCE_LOCALE",
    "LocaleContent",
    "available_locales",
    "check_locales",
    "flatten",
    "load_locale",
]

#: The locale every other locale is compared with.
REFERENCE_LOCALE = "en"
#: The namespace of the column headers read in survey and leaders files: each language lists
#: as many synonyms as it has, so its lists need not be as long as the reference's.
COLUMNS_NAMESPACE = "columns"
_META_FILE = "locale.yaml"
_META_KEYS = ("name", "babel", "timezone")


@dataclass(frozen=True)
class LocaleContent:
    """One locale's words (``text``, nested by namespace) and facts about the language."""

    code: str
    name: str
    babel: str
    timezone: str
    text: dict[str, Any]

    def get(self, key: str) -> Any:
        """The value at dotted ``key``; raises ``KeyError`` naming the key when absent."""
        node: Any = self.text
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"{self.code}: {key}")
            node = node[part]
        return node

    def with_overrides(self, overrides: dict[str, Any], *, source: str, path: str) -> LocaleContent:
        """A copy with ``overrides`` (dotted key → text) applied.

        Raises :class:`ContentError` listing every key that does not exist or whose value
        has the wrong shape (text where the locale has text, a list where it has a list).
        """
        if not overrides:
            return self
        text = copy.deepcopy(self.text)
        known = flatten(self.text)
        problems = []
        for key, value in overrides.items():
            where = f"{path}.{key}"
            if key not in known:
                close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
                hint = f" (did you mean: {', '.join(close)}?)" if close else ""
                problems.append(Problem(source, where, f"no such text key in locale '{self.code}'{hint}"))
                continue
            expected = known[key]
            if isinstance(expected, list) != isinstance(value, list) or (
                isinstance(value, list) and not all(isinstance(v, str) for v in value)
            ) or not isinstance(value, (str, list)):
                shape = "a list of texts" if isinstance(expected, list) else "a text"
                problems.append(Problem(source, where, f"expected {shape}"))
                continue
            *parents, leaf = key.split(".")
            node = text
            for part in parents:
                node = node[part]
            node[leaf] = value
        if problems:
            raise ContentError(problems)
        return LocaleContent(self.code, self.name, self.babel, self.timezone, text)


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Map every leaf of a nested mapping to its dotted key."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def available_locales() -> dict[str, Path]:
    """Locale codes found on disk, mapped to their folders (sorted by code)."""
    root = resources.locales_dir()
    return {p.name: p for p in sorted(root.iterdir()) if (p / _META_FILE).is_file()}


@lru_cache(maxsize=None)
def load_locale(code: str) -> LocaleContent:
    """Read ``locales/<code>/``.

    Raises :class:`ContentError` when the locale does not exist or a file is broken.
    """
    folders = available_locales()
    if code not in folders:
        raise ContentError(Problem("locales", code, f"unknown locale (available: {', '.join(folders)})"))
    folder = folders[code]
    problems: list[Problem] = []
    text: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            doc = load_yaml(path, display_name=display_path(path))
        except YamlSyntaxError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(doc.data, dict):
            problems.append(doc.problem((), "expected a mapping of keys to texts"))
        elif path.name == _META_FILE:
            meta = doc.data
        else:
            text[path.stem] = doc.data
    for key in _META_KEYS:
        if not isinstance(meta.get(key), str):
            problems.append(Problem(display_path(folder / _META_FILE), key, "expected a text"))
    if problems:
        raise ContentError(problems)
    return LocaleContent(code, meta["name"], meta["babel"], meta["timezone"], text)


def check_locales() -> list[Problem]:
    """Compare every locale with the reference: missing keys, extra keys, list lengths."""
    reference = flatten(load_locale(REFERENCE_LOCALE).text)
    problems: list[Problem] = []
    for code, folder in available_locales().items():
        if code == REFERENCE_LOCALE:
            continue
        flat = flatten(load_locale(code).text)
        where = display_path(folder)
        for key in sorted(reference.keys() - flat.keys()):
            problems.append(Problem(where, key, f"missing (present in '{REFERENCE_LOCALE}')"))
        for key in sorted(flat.keys() - reference.keys()):
            problems.append(Problem(where, key, f"extra key (absent from '{REFERENCE_LOCALE}')"))
        for key in sorted(reference.keys() & flat.keys()):
            ref, val = reference[key], flat[key]
            if isinstance(ref, list) != isinstance(val, list):
                problems.append(Problem(where, key, "a list in one locale and a text in the other"))
            elif isinstance(ref, list) and len(ref) != len(val) and not key.startswith(f"{COLUMNS_NAMESPACE}."):
                problems.append(Problem(where, key, f"{len(val)} items, '{REFERENCE_LOCALE}' has {len(ref)}"))
    return problems
