"""The command line: thin commands, clear exits, no tracebacks for users."""

from __future__ import annotations

import pytest

from kitbuilder import pipeline
from kitbuilder.kits import THEMES

from .conftest import EXAMPLE


def test_help_lists_the_commands(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in ("build", "preview", "validate", "init", "themes", "locales", "schema", "templates"):
        assert command in result.output


def test_init_writes_a_starter_that_builds_as_it_is(tmp_path, run):
    result = run("init", tmp_path / "kit")
    assert result.exit_code == 0
    starter = tmp_path / "kit" / "kitbuilder.yaml"
    assert starter.read_text(encoding="utf-8").startswith("# kitbuilder config")
    assert run("validate", starter).exit_code == 0
    built = run("build", starter, "--out", tmp_path / "out")
    assert built.exit_code == 0, built.output
    assert "Built 30 files" in built.output  # 8 + blank dialogue guide + support offers, 3 locales
    again = run("init", tmp_path / "kit")
    assert again.exit_code == 2 and "already exists; use --force" in again.output


def test_themes_lists_ids_and_swedish_titles(run):
    result = run("themes", "--locale", "sv", "--config", EXAMPLE)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(THEMES) + 1
    assert lines[3].split()[:2] == ["4", "recovery"] and "återhämtning" in lines[3]
    assert "hybrid-leadership" in lines[-1]


def test_an_unknown_locale_option_is_a_usage_error(run):
    result = run("build", EXAMPLE, "--locale", "fi")
    assert result.exit_code == 2
    assert "unknown locale 'fi'" in result.output


def test_internal_errors_show_no_traceback_unless_debug(monkeypatch, run, tmp_path):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "render_document", explode)
    result = run("build", EXAMPLE, "--out", tmp_path)
    assert result.exit_code == 1
    assert "internal error: RuntimeError: boom" in result.output
    assert "Traceback" not in result.output
    with pytest.raises(RuntimeError):
        run("--debug", "build", EXAMPLE, "--out", tmp_path)


def test_warnings_go_to_stderr_without_colour_codes(run):
    result = run("validate", EXAMPLE)
    assert result.exit_code == 0
    assert "warning: " in result.output
    assert "the session now lasts 90 minutes instead of 80" in result.output
    assert "\x1b[" not in result.output
