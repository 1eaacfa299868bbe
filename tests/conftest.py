"""Shared fixtures: the example kit built once per session, and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import os

import pytest
from click.testing import CliRunner
from hypothesis import settings

from kitbuilder import build, load_config
from kitbuilder.cli import cli

ROOT = Path(__file__).resolve().parent.parent

# CI runs the property tests on a fixed sequence of examples, so a build passes or fails the
# same way twice; runs elsewhere draw new examples each time and keep finding new cases.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
EXAMPLE = ROOT / "config" / "example.yaml"


@pytest.fixture(scope="session")
def example_build(tmp_path_factory):
    """The example config built into a temporary folder; returns the report."""
    out = tmp_path_factory.mktemp("example")
    return build(load_config(EXAMPLE), out)


@pytest.fixture
def run():
    """Run the CLI in-process: ``run("validate", path)`` returns the Click result."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def write_config(tmp_path):
    """Write a config (YAML text) into a temporary folder with the example's logo."""

    def write(text: str, name: str = "config.yaml") -> Path:
        shutil.copy(ROOT / "config" / "assets" / "logo.png", tmp_path / "logo.png")
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def soffice_starts(tmp_path, monkeypatch):
    """LibreOffice behind a wrapper that counts its starts; returns the counting file."""
    from kitbuilder import pdf as pdf_module
    real = pdf_module.find_soffice()
    counter = tmp_path / "starts"
    counter.write_text("")
    wrapper = tmp_path / "soffice"
    wrapper.write_text(f"#!/bin/sh\necho start >> {counter}\nexec {real} \"$@\"\n")
    wrapper.chmod(0o755)
    monkeypatch.setattr(pdf_module, "find_soffice", lambda: str(wrapper))
    return counter
