"""The YAML reader's fast path: the locale files are read by libyaml, and give what the
pure-Python parser gives.

``load_yaml(..., fast=True)`` tries libyaml and falls back to PyYAML's pure-Python parser on
a refusal. The two parsers do not agree on everything (libyaml accepts tabs inside plain
values that the pure-Python parser refuses), so only the shipped locale files take the fast
path, and these tests hold both parsers to the same data and line numbers on every one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kitbuilder.errors import ConfigError
from kitbuilder.inputs import yamlfile
from kitbuilder.inputs.config import load_config
from kitbuilder.inputs.yamlfile import YamlSyntaxError, load_yaml

from .conftest import ROOT

SHIPPED = sorted((ROOT / "locales").rglob("*.yaml"))


def pure_python(text: str) -> tuple[object, dict] | str:
    """What the pure-Python parser alone makes of ``text``: data and lines, or its message."""
    try:
        node, data = yamlfile._parse(text, yamlfile._Loader)
    except yaml.YAMLError as exc:
        return f"not valid YAML: {getattr(exc, 'problem', None) or exc}"
    doc = yamlfile.YamlDocument("x.yaml", data)
    duplicates: list = []
    if node is not None:
        yamlfile._index(node, (), doc.lines, duplicates, "x.yaml")
    return (data, doc.lines) if not duplicates else "duplicates"


def loaded(text: str) -> tuple[object, dict] | str:
    try:
        doc = load_yaml(Path("x.yaml"), text=text, fast=True)
    except YamlSyntaxError as exc:
        messages = [problem.message for problem in exc.problems]
        return "duplicates" if all("twice" in m for m in messages) else messages[0]
    return doc.data, doc.lines


def test_libyaml_is_used():
    assert yamlfile._LIBYAML, "PyYAML was installed without libyaml: every build parses slower"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_shipped_files_read_the_same_by_both_parsers(path):
    text = path.read_text(encoding="utf-8-sig")
    fast_node, fast_data = yamlfile._parse(text, yamlfile._FastLoader)
    assert fast_node is not None
    assert loaded(text) == pure_python(text)
    assert fast_data == pure_python(text)[0]


@pytest.mark.parametrize("text", [
    'name: "\\ud800 lone surrogate"\n',  # libyaml refuses the escape; Python accepts it
    'name: "\\x01 control"\n',
    "when: 13:30\nlocale: no\nzero: 010\nday: 2027-02-30\n",  # YAML 1.2 scalars on both parsers
    "a: 1\na: 2\n",  # a repeated key is named, whichever parser read it
    "a: [1, 2\n",  # a syntax error gets the pure-Python parser's message and line
    "",
])
def test_edge_cases_match_the_pure_python_parser(text):
    assert loaded(text) == pure_python(text)


def test_libyaml_refusals_fall_back_to_the_pure_python_parser():
    text = 'name: "\\ud800 lone surrogate"\n'
    with pytest.raises(yaml.YAMLError):
        yamlfile._parse(text, yamlfile._FastLoader)
    assert loaded(text)[0] == {"name": "\ud800 lone surrogate"}


def test_a_config_is_read_by_the_pure_python_parser(tmp_path):
    # libyaml reads a tab inside a plain value as text; the pure-Python parser refuses it
    text = "organisation:\n  name: a\tb\n  short_name: x\n"
    assert yamlfile._parse(text, yamlfile._FastLoader)[1]["organisation"]["name"] == "a\tb"
    (tmp_path / "kit.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(tmp_path / "kit.yaml")
    assert "not valid YAML" in str(refused.value) and "kit.yaml" in str(refused.value)
