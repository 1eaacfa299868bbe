"""The bad-input corpus: each case is a config in tests/broken/, alone or pointing at a broken
leaders file, survey file or template folder, and starts with the message it must give::

    # expect: leaders-twice.csv: row 3, column name: 'jens hansen' is already listed in row 2

Building any of them exits 2 with that message (file, field or row, what is expected), no
traceback, and writes nothing.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kitbuilder.writer import LOCK_FILE

from .conftest import ROOT

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))


def expectation(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: '"
    return first.removeprefix("# expect: ")


def kind(path: Path) -> str:
    """What a case breaks: the config itself, or the leaders, survey or template it names."""
    text = path.read_text(encoding="utf-8")
    for name, marker in (("leaders file", "leaders_file:"), ("survey file", "survey:"), ("template", "templates:")):
        if marker in text:
            return name
    return "config"


def test_the_corpus_covers_every_kind_of_input():
    kinds = Counter(kind(path) for path in BROKEN)
    assert len(BROKEN) >= 30
    assert kinds["config"] >= 15 and kinds["leaders file"] >= 5 and kinds["survey file"] >= 5
    assert kinds["template"] >= 5


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_each_bad_input_exits_2_with_its_message(run, path, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # messages show paths relative to the working directory
    out = tmp_path / "out"
    result = run("build", path.relative_to(ROOT), "--out", out)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ")
    assert expectation(path) in result.output
    assert "Traceback" not in result.output
    assert not [p for p in out.rglob("*") if p.is_file() and p.name != LOCK_FILE]
