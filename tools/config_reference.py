"""Write the README's configuration reference from the config's JSON Schema, so it cannot drift.

    python tools/config_reference.py           # rewrite the block between the markers in README.md
    python tools/config_reference.py --check   # exit 1 when README.md is not what the schema gives

One row per key, nested keys dotted (``workshops.prepare.start``), list items as ``[]``,
mapping keys as ``<theme id>``; type, default and description come from the schema.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- config-reference:start -->", "<!-- config-reference:end -->"
_FORMATS = {"date": "date (YYYY-MM-DD)", "time": "time (HH:MM)", "date-time": "date and time (YYYY-MM-DDTHH:MM)",
            "path": "file path"}


def reference(schema: dict) -> str:
    """The reference as a Markdown table."""
    rows = ["| key | type | default | what it is |", "| --- | --- | --- | --- |"]
    rows += [f"| `{key}` | {kind} | {default} | {text} |" for key, kind, default, text in _rows(schema, schema, "")]
    return "\n".join(rows)


def splice(readme: str, block: str) -> str:
    """``readme`` with ``block`` between the markers (which must be there)."""
    head, found, rest = readme.partition(START)
    _, found_end, tail = rest.partition(END)
    if not (found and found_end):
        raise SystemExit(f"README.md needs the markers {START} and {END}")
    return f"{head}{START}\n{block}\n{END}{tail}"


def _rows(schema: dict, node: dict, path: str):
    required = set(node.get("required", []))
    for key, prop in node.get("properties", {}).items():
        full = f"{path}.{key}" if path else key
        target = _target(schema, prop)
        text = prop.get("description") or target.get("description", "")
        default = "required" if key in required else _default(prop)
        yield full, _cell(_type(schema, prop)), _cell(default), _cell(text)
        yield from _children(schema, target, full)


def _children(schema: dict, node: dict, path: str):
    if "properties" in node:
        yield from _rows(schema, node, path)
    elif node.get("type") == "array" and isinstance(node.get("items"), dict):
        yield from _children(schema, _target(schema, node["items"]), f"{path}[]")
    elif isinstance(node.get("additionalProperties"), dict):
        yield from _children(schema, _target(schema, node["additionalProperties"]), f"{path}.<{_key_name(node)}>")


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _target(schema: dict, node: dict) -> dict:
    """The schema a value follows: through references and past ``null`` in ``anyOf``."""
    node = _resolve(schema, node)
    options = [option for option in node.get("anyOf", []) if option.get("type") != "null"]
    return _resolve(schema, options[0]) if len(options) == 1 else node


def _type(schema: dict, node: dict) -> str:
    if "$ref" in node:
        return "section (keys below)" if "properties" in _resolve(schema, node) else _type(schema, _resolve(schema, node))
    if "anyOf" in node:
        return " or ".join(_type(schema, option) for option in node["anyOf"] if option.get("type") != "null")
    if "enum" in node:
        return "one of " + ", ".join(f"`{value}`" for value in node["enum"])
    kind = node.get("type")
    if kind == "string":
        text = _FORMATS.get(node.get("format", ""), "text")
        return f"{text} (at most {node['maxLength']} characters)" if "maxLength" in node else text
    if kind in {"integer", "number"}:
        return ("whole number" if kind == "integer" else "number") + _range(node)
    if kind == "array":
        if "prefixItems" in node:
            return "[" + ", ".join(_type(schema, item) for item in node["prefixItems"]) + "]"
        items = node.get("items", {})
        if "properties" in _resolve(schema, items):
            return "list; each item has the keys below"
        return f"list of {_type(schema, items)}" + (" (at least one)" if node.get("minItems") else "")
    if kind == "object":
        if "properties" in node:
            return "section (keys below)"
        values = node.get("additionalProperties") or next(iter(node.get("patternProperties", {}).values()), {})
        if "properties" in _resolve(schema, values):
            return f"mapping by {_key_name(node)}; each value has the keys below"
        return f"mapping of {_key_name(node)} → {_type(schema, values) if values else 'anything'}"
    return "anything"


def _key_name(node: dict) -> str:
    names = node.get("propertyNames", {})
    if "enum" in names:
        return "row id (" + ", ".join(f"`{value}`" for value in names["enum"]) + ")"
    description = names.get("description", "").lower()
    return "theme id" if "theme" in description else "locale" if "locale" in description else "key"


def _range(node: dict) -> str:
    low = node.get("minimum", node["exclusiveMinimum"] + 1 if "exclusiveMinimum" in node else None)
    high = node.get("maximum")
    if low is not None and high is not None:
        return f" {low}–{high}"
    return f", at least {low}" if low is not None else ""


def _default(node: dict) -> str:
    value = node.get("default")
    if value is None or value == "" or isinstance(value, dict) and value:
        return ""
    if isinstance(value, str):
        return f"`{value[:-3] if node.get('format') == 'time' and value.endswith(':00') and value.count(':') == 2 else value}`"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from kitbuilder.inputs.config import json_schema

    current = README.read_text(encoding="utf-8")
    wanted = splice(current, reference(json_schema()))
    if "--check" in argv:
        if current != wanted:
            print("README.md's configuration reference is out of date; run: make docs", file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        README.write_text(wanted, encoding="utf-8")
        print("updated the configuration reference in README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
