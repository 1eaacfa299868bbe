"""Read YAML the way people write it, and remember where every value stands.

PyYAML follows YAML 1.1, which turns ``no`` into ``False`` (the Norway problem) and
``13:30`` into the integer 810 (base-60 numbers). Configs hold locale codes and clock times,
so this loader resolves scalars as YAML 1.2 does: only ``true``/``false`` are booleans and
there are no base-60 numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem

__all__ = ["YamlDocument", "format_path", "load_yaml"]

Path_ = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and numbers."""


_LIBYAML = hasattr(yaml, "CSafeLoader")


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same rules on libyaml's parser, about ten times faster, for the locale files."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    # an impossible date (2027-02-30) stays text, so validation names its field
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value


for _cls in (_Loader, _FastLoader):
    _cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in {
            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _cls.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    _cls.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
    # YAML 1.1 reads a leading zero as octal ("09" fails, "010" is 8); people mean decimal.
    _cls.add_constructor(
        "tag:yaml.org,2002:int",
        lambda loader, node: int(node.value, 16 if node.value.startswith("0x") else 10))
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
    _cls.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
        list("-+0123456789."))


def format_path(path: Path_) -> str:
    """Render a location as users write it: ``themes.selected[2]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class YamlDocument:
    """Parsed YAML data plus the line (1-based) where each value starts."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int | None:
        """The line of ``path`` or, if it is absent, of its nearest parent that exists."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def problem(self, path: Path_, message: str) -> Problem:
        return Problem(self.file, format_path(path), message, self.line(path))


def load_yaml(path: Path, *, display_name: str | None = None, text: str | None = None,
              fast: bool = False) -> YamlDocument:
    """Load one YAML file (or ``text`` meant to be saved as it) into a :class:`YamlDocument`.

    ``fast`` parses with libyaml first, ten times faster, for the long locale files read on
    every build (``tests/test_yamlfile.py`` holds both parsers to the same result on every
    shipped file). Text libyaml refuses (a lone surrogate's escape, say) is parsed again by
    the pure-Python parser. User configs always take the pure-Python parser: libyaml
    accepts some text it refuses (tabs inside plain values), and what a config may hold is
    what the pure-Python parser accepts.

    Raises :class:`YamlSyntaxError` with one ``Problem`` per fault when the file cannot be
    read, is not YAML, or repeats a key.
    """
    name = display_name or str(path)
    try:
        if text is None:
            text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise YamlSyntaxError([Problem(name, "", "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError([Problem(name, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
    except OSError as exc:
        raise YamlSyntaxError([Problem(name, "", f"cannot be read: {exc.strerror}")]) from None
    # libyaml first when asked; the pure-Python parser has the last word on every refusal
    for loader_class in ((_FastLoader,) if fast and _LIBYAML else ()) + (_Loader,):
        try:
            node, data = _parse(text, loader_class)
            break
        except yaml.YAMLError as exc:
            if loader_class is not _Loader:
                continue
            mark = getattr(exc, "problem_mark", None)
            what = getattr(exc, "problem", None) or str(exc)
            line = mark.line + 1 if mark else None
            raise YamlSyntaxError([Problem(name, "", f"not valid YAML: {what}", line)]) from None
    doc = YamlDocument(name, data)
    duplicates: list[Problem] = []
    if node is not None:
        _index(node, (), doc.lines, duplicates, name)
    if duplicates:
        raise YamlSyntaxError(duplicates)
    return doc


def _parse(text: str, loader_class: type) -> tuple[yaml.Node | None, Any]:
    """The node tree (for line numbers and repeated keys) and the data of one document."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


class YamlSyntaxError(Exception):
    """A YAML file could not be read or parsed; carries the problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def _index(node: yaml.Node, path: Path_, lines: dict, duplicates: list, name: str) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                duplicates.append(Problem(name, format_path(path + (key,)),
                                          "the key appears twice; keep one", key_node.start_mark.line + 1))
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _index(value_node, path + (key,), lines, duplicates, name)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index(item, path + (index,), lines, duplicates, name)
