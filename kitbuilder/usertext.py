"""Text typed by users (configs, spreadsheets): keep what XML can print, drop the rest."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["LINE_MAX", "LONG_MAX", "NAME_MAX", "PARAGRAPH_MAX", "TITLE_MAX", "printable"]

# Longest texts accepted, in characters. A text of ordinary words at its limit fits every
# box it is printed in (tests build every slide field at its limit); longer text is
# refused, naming the field, the row or the column.
NAME_MAX, LINE_MAX, TITLE_MAX, PARAGRAPH_MAX, LONG_MAX = 100, 150, 200, 300, 2000

# XML 1.0 allows tab, newline and carriage return, and nothing else below U+0020.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def printable(value: Any) -> Any:
    """``value`` with the characters Word and PowerPoint files cannot hold removed, and
    line ends made newlines.

    Strings inside dicts and lists are cleaned too; other values pass unchanged.

    >>> printable("Ctrl\\x01 chars\\x1f")
    'Ctrl chars'
    """
    if isinstance(value, str):
        if _SURROGATE.search(value):
            # YAML escapes such as "\ud83c\udf31" arrive as surrogate halves: join the pairs
            # into the character they spell, drop halves that pair with nothing
            value = _SURROGATE_PAIR.sub(lambda m: m.group().encode("utf-16", "surrogatepass").decode("utf-16"),
                                        value)
            value = _SURROGATE.sub("", value)
        # a carriage return is a line end typed on Windows or an old Mac: XML would keep
        # it only as an escape (python-pptx writes "_x000D_"), so it becomes a newline
        return _FORBIDDEN.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, dict):
        return {printable(key): printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [printable(item) for item in value]
    return value
