"""The app's own words, in the language the browser asks for.

They live beside the kit's words, in ``locales/<code>/web.yaml``, so ``kitbuilder locales
check`` and the spelling check cover them, and a language added as a folder is offered by
the app too. The language is chosen from ``Accept-Language`` by Babel.
"""

from __future__ import annotations

from typing import Any

from babel import negotiate_locale
from babel.numbers import format_decimal

from ..assemble.common import fill
from ..locales import REFERENCE_LOCALE, available_locales, load_locale

__all__ = ["NAMESPACE", "Words", "negotiate"]

NAMESPACE = "web"
#: Norwegian as browsers may name it; the app's Norwegian is Bokmål.
_ALIASES = {"no": "nb", "nn": "nb"}


def negotiate(accept_language: str | None) -> str:
    """The locale code that best matches an ``Accept-Language`` header (English by default)."""
    preferred = []
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            language = tag.split("-")[0].lower()
            preferred.append((quality, _ALIASES.get(language, tag) if language in _ALIASES else tag))
    preferred.sort(key=lambda item: -item[0])  # stable: equal weights keep the browser's order
    offered = [code for code in available_locales() if NAMESPACE in load_locale(code).text]
    return negotiate_locale([tag for _, tag in preferred], offered, sep="-", aliases={}) or REFERENCE_LOCALE


class Words:
    """``words("build.start")`` is the text at that key of ``web.yaml`` in this language, with
    ``{placeholders}`` filled from the keyword arguments."""

    def __init__(self, code: str):
        self.code = code
        self.text: dict[str, Any] = load_locale(code).text[NAMESPACE]

    def __call__(self, key: str, **values: Any) -> str:
        node = self.section(key)
        if not isinstance(node, str):
            raise KeyError(f"{self.code}: {NAMESPACE}.{key} is not a text")
        return fill(node, **{name: str(value) for name, value in values.items()})

    def section(self, key: str) -> Any:
        return _lookup(self.text, key, self.code)

    def file_size(self, count: int) -> str:
        """A file's size as people read it in this language: ``26,9 kB`` in Norwegian."""
        return f"{format_decimal(count / 1000, format='#,##0.0', locale=load_locale(self.code).babel)} kB"


def _lookup(node: Any, key: str, code: str) -> Any:
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"{code}: {NAMESPACE}.{key}")
        node = node[part]
    return node
