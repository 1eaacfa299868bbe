"""Edit a config's YAML the way a person would: change one value, keep everything else.

PyYAML drops every comment when it writes a file back; ruamel.yaml's round-trip mode keeps
comments, key order, quotes and flow lists (``[da, sv]``), so a form edit changes only the
lines of the values that changed. Indentation is taken from the file itself.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

__all__ = ["RoundTrip", "plain"]

Path_ = tuple[str | int, ...]


class RoundTrip:
    """A YAML document loaded for editing; :meth:`text` gives it back with the edits."""

    def __init__(self, text: str):
        self._yaml = YAML(typ="rt")
        self._yaml.preserve_quotes = True
        self._yaml.width = 4096  # never re-wrap a long line the user wrote
        mapping, offset = _mapping_indent(text), _sequence_offset(text)
        self._yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
        self.data = self._yaml.load(text)
        if self.data is None:
            self.data = CommentedMap()
        self._original = text
        self._changed = False

    def get(self, path: Path_, default: Any = None) -> Any:
        node = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return default
        return node

    def set(self, path: Path_, value: Any) -> bool:
        """Set ``path`` to ``value`` (creating mappings on the way); whether anything changed."""
        if plain(self.get(path)) == plain(value) and self.get(path, _MISSING) is not _MISSING:
            return False
        node = self.data
        for part, following in zip(path, path[1:]):
            child = self._own(node, part) if _has(node, part) else None
            if not isinstance(child, (dict, list)):
                child = CommentedSeq() if isinstance(following, int) else CommentedMap()
                _put(node, part, child)
            node = child
        _put(node, path[-1], _yaml_value(value))
        self._changed = True
        return True

    def delete(self, path: Path_) -> bool:
        """Remove ``path`` (and mappings it leaves empty); whether it was there."""
        parent = self.get(path[:-1]) if path[:-1] else self.data
        if not _has(parent, path[-1]):
            return False
        parent = self.data
        for part in path[:-1]:
            parent = self._own(parent, part)
        del parent[path[-1]]
        self._changed = True
        if path[:-1] and not parent and isinstance(parent, dict):
            self.delete(path[:-1])
        return True

    def _own(self, node: Any, part: str | int) -> Any:
        """``node[part]``, made this place's own when the file shares it with others (an anchor
        and its aliases, ``venue: *room2``): an edit here leaves the other places as they were."""
        child = node[part]
        if isinstance(child, (dict, list)) and sum(1 for found in _containers(self.data) if found is child) > 1:
            child = copy.deepcopy(child)
            child.anchor.value = None
            node[part] = child
        return child

    def text(self) -> str:
        """The document as text: the text it was read from, byte for byte, when nothing was changed."""
        if not self._changed:
            return self._original
        out = io.StringIO()
        self._yaml.dump(self.data, out)
        return _block_comments(out.getvalue(), self._original)


_MISSING = object()


def _containers(node: Any, inside: tuple[int, ...] = ()):
    """Every mapping and list in ``node``, once per place it appears (an alias is a place; one
    that contains itself is not followed)."""
    if isinstance(node, (dict, list)) and id(node) not in inside:
        yield node
        for child in node.values() if isinstance(node, dict) else node:
            yield from _containers(child, (*inside, id(node)))


def _block_comments(text: str, original: str) -> str:
    """The comment after a key whose value is a block where the file had it (``venue: &room2
    # …`` on one line): ruamel 0.19 writes it on a line of its own when the value has an anchor,
    also one it no longer writes because the value is no longer shared."""
    originals = original.split("\n")
    kept: list[str] = []
    for line in text.split("\n"):
        comment = line.strip()
        if kept and comment.startswith("#") and re.search(r":( &[^\s#]+)?$", kept[-1]):
            key = _without_anchor(kept[-1])
            before = next((o for o in originals if o.rstrip().endswith(comment)
                           and _without_anchor(o[:o.rfind(comment)]) == key), None)
            if before is not None:
                column = before.rfind(comment)
                kept[-1] = kept[-1].ljust(column - 1) + " " + comment
                continue
        kept.append(line)
    return "\n".join(kept)


def _without_anchor(line: str) -> str:
    return re.sub(r"\s*&[^\s#]+", "", line).rstrip()


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _put(node: Any, part: str | int, value: Any) -> None:
    if isinstance(node, list) and part == len(node):
        node.append(value)
    else:
        node[part] = value


def _sequence_offset(text: str) -> int:
    """How far the first block sequence's dashes stand in from their key (0 when flush or none).

    ruamel's own guess measures a nested sequence from the margin, not from its key.
    """
    match = re.search(r"^( *)[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*( *)- ", text, re.MULTILINE)
    return max(0, len(match.group(2)) - len(match.group(1))) if match else 0


def _mapping_indent(text: str) -> int:
    """The indentation of the first nested key, 2 when there is none."""
    match = re.search(r"^[^\s#][^\n]*:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*( +)[^\s#-]", text, re.MULTILINE)
    return len(match.group(1)) if match else 2


def _yaml_value(value: Any) -> Any:
    """Python values as the config writes them: clock times quoted ("09:00"), mappings of
    numbers and lists of plain words in flow style ({importance: 4, success: 2}, [da, sv]),
    other mappings in block style."""
    if isinstance(value, dt.time):
        return DoubleQuotedScalarString(value.strftime("%H:%M"))
    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = _yaml_value(item)
        if value and all(isinstance(item, (int, float)) for item in value.values()):
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, (list, tuple)):
        sequence = CommentedSeq(_yaml_value(item) for item in value)
        if all(isinstance(item, (str, int, float)) for item in value):
            sequence.fa.set_flow_style()
        return sequence
    if isinstance(value, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        return DoubleQuotedScalarString(value)  # an unquoted # starts a comment
    return value


def plain(node: Any) -> Any:
    """ruamel's commented containers and scalar strings as plain Python values."""
    if isinstance(node, dict):
        return {str(key): plain(value) for key, value in node.items()}
    if isinstance(node, (list, tuple)):
        return [plain(value) for value in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, dt.time):
        return node.strftime("%H:%M")
    if isinstance(node, dt.datetime):
        return node
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node
