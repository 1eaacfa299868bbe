"""Locale content: every word the kit prints, one folder per language.

A locale is a folder ``locales/<code>/`` holding ``locale.yaml`` (its name, Babel locale,
time zone, country and how it writes clock times) and one YAML file per namespace
(``common.yaml``, ``wellbeing_plan.yaml``; ``columns.yaml`` holds the column headers the
language's spreadsheets use). Keys are addressed with dots:
``wellbeing_plan.themes.recovery.title``. Adding a language is adding a folder with the same
keys; :func:`check_locales` finds what is missing.

A text that holds a number has plural forms: a mapping of CLDR plural categories
(``{one: "{count} unit", other: "{count} units"}``) with the categories the language's
plural rule uses (Babel's ``Locale.plural_form``); :func:`plural_form` picks one.
"""

from __future__ import annotations

import copy
import dataclasses
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
    "PLURAL_CATEGORIES",
    "REFERENCE_LOCALE",
    "LocaleContent",
    "available_locales",
    "check_locales",
    "flatten",
    "is_plural",
    "load_locale",
    "plural_categories",
    "plural_form",
]

#: The locale every other locale is compared with.
REFERENCE_LOCALE = "en"
#: The namespace of the column headers read in survey and leaders files: each language lists
#: as many synonyms as it has, so its lists need not be as long as the reference's.
COLUMNS_NAMESPACE = "columns"
_META_FILE = "locale.yaml"
_META_KEYS = ("name", "babel", "timezone", "country", "time_format")
#: CLDR's plural categories, in its order.
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


@dataclass(frozen=True)
class LocaleContent:
    """One locale's words (``text``, nested by namespace) and facts about the language."""

    code: str
    name: str
    babel: str
    timezone: str
    #: Whose public holidays count by default (ISO 3166), e.g. ``DK``.
    country: str
    #: How the language writes a clock time, as a Babel pattern: ``HH.mm`` is 09.30.
    time_format: str
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
            if is_plural(expected):
                needed = plural_categories(self.babel)
                if not is_plural(value) or set(value) != set(needed):
                    problems.append(Problem(source, where, f"expected plural forms: {', '.join(needed)}"))
                    continue
            elif isinstance(expected, list) != isinstance(value, list) or (
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
        return dataclasses.replace(self, text=text)


def is_plural(value: Any) -> bool:
    """Whether ``value`` is a text's plural forms: CLDR categories (``other`` among them) → text."""
    return (isinstance(value, dict) and "other" in value and set(value) <= set(PLURAL_CATEGORIES)
            and all(isinstance(form, str) for form in value.values()))


def plural_categories(babel: str) -> tuple[str, ...]:
    """The plural categories Babel locale ``babel`` uses, in CLDR order (``one``, ``other`` for da)."""
    from babel import Locale

    used = Locale.parse(babel).plural_form.tags | {"other"}
    return tuple(category for category in PLURAL_CATEGORIES if category in used)


def plural_form(forms: dict[str, str], count: int, babel: str) -> str:
    """The form of ``forms`` that Babel locale ``babel`` uses for ``count``."""
    from babel import Locale

    return forms.get(Locale.parse(babel).plural_form(count), forms["other"])


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Map every leaf of a nested mapping to its dotted key (a text's plural forms are one leaf)."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and not is_plural(value):
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
            doc = load_yaml(path, display_name=display_path(path), fast=True)
        except YamlSyntaxError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(doc.data, dict):
            problems.append(doc.problem((), "expected a mapping of keys to texts"))
        elif path.name == _META_FILE:
            meta = doc.data
        else:
            text[path.stem] = doc.data
    meta_file = display_path(folder / _META_FILE)
    for key in _META_KEYS:
        if not isinstance(meta.get(key), str):
            problems.append(Problem(meta_file, key, "expected a text"))
    if problems:
        raise ContentError(problems)
    problems += _meta_problems(meta, meta_file)
    if problems:
        raise ContentError(problems)
    return LocaleContent(code, meta["name"], meta["babel"], meta["timezone"], meta["country"], meta["time_format"],
                         text)


def _meta_problems(meta: dict[str, str], where: str) -> list[Problem]:
    """What in ``locale.yaml`` Babel or the holidays package cannot use."""
    import datetime as dt

    import holidays
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_time

    try:
        Locale.parse(meta["babel"])
    except (ValueError, UnknownLocaleError):
        return [Problem(where, "babel", f"unknown Babel locale {meta['babel']!r} (e.g. da_DK)")]
    problems = []
    if meta["country"] not in holidays.list_supported_countries():
        problems.append(Problem(where, "country", f"no public holidays known for {meta['country']!r} "
                                                  "(expected an ISO 3166 code such as DK)"))
    try:
        shown = format_time(dt.time(21, 37), meta["time_format"], locale=meta["babel"])
    except (ValueError, KeyError):
        shown = ""
    if "37" not in shown or not ("21" in shown or "9" in shown):
        problems.append(Problem(where, "time_format", f"expected a Babel time pattern with hours and "
                                                      f"minutes, e.g. HH.mm (got {meta['time_format']!r})"))
    return problems


def check_locales() -> list[Problem]:
    """Compare every locale with the reference: missing keys, extra keys, list lengths, and
    plural forms that do not match the language's plural rule."""
    reference = flatten(load_locale(REFERENCE_LOCALE).text)
    problems: list[Problem] = []
    for code, folder in available_locales().items():
        content = load_locale(code)
        flat = flatten(content.text)
        where = display_path(folder)
        needed = plural_categories(content.babel)
        problems += [Problem(where, key, f"plural forms {', '.join(value)}; the language uses {', '.join(needed)}")
                     for key, value in sorted(flat.items()) if is_plural(value) and set(value) != set(needed)]
        if code == REFERENCE_LOCALE:
            continue
        for key in sorted(reference.keys() - flat.keys()):
            problems.append(Problem(where, key, f"missing (present in '{REFERENCE_LOCALE}')"))
        for key in sorted(flat.keys() - reference.keys()):
            problems.append(Problem(where, key, f"extra key (absent from '{REFERENCE_LOCALE}')"))
        for key in sorted(reference.keys() & flat.keys()):
            ref, val = reference[key], flat[key]
            if is_plural(ref) != is_plural(val):
                problems.append(Problem(where, key, "plural forms in one locale and a text in the other"))
            elif isinstance(ref, list) != isinstance(val, list):
                problems.append(Problem(where, key, "a list in one locale and a text in the other"))
            elif isinstance(ref, list) and len(ref) != len(val) and not key.startswith(f"{COLUMNS_NAMESPACE}."):
                problems.append(Problem(where, key, f"{len(val)} items, '{REFERENCE_LOCALE}' has {len(ref)}"))
    return problems
