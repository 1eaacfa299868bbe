"""The README: a configuration reference the schema generates, every command with an example,
and the committed contact sheets of the example kit."""

from __future__ import annotations

import re

import click
from PIL import Image

from kitbuilder.cli import cli
from kitbuilder.inputs.config import json_schema

from .conftest import ROOT, load_tool

README = ROOT / "README.md"


def test_the_configuration_reference_is_what_the_schema_generates():
    tool = load_tool("config_reference")
    readme = README.read_text(encoding="utf-8")
    generated = tool.reference(json_schema())
    assert tool.splice(readme, generated) == readme, "run: make docs"
    for key in ("organisation.short_name", "workshops.prepare.minutes", "themes.ratings.<theme id>.importance",
                "leaders[].meeting", "survey.min_respondents", "text"):
        assert f"| `{key}` |" in generated


def test_every_command_has_an_example_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    commands = [f"{name} {sub}" if isinstance(command, click.Group) else name
                for name, command in cli.commands.items()
                for sub in (command.commands if isinstance(command, click.Group) else [None])]
    assert "preview" in commands and "templates check" in commands
    for command in commands:
        assert re.search(rf"^kitbuilder {command}\b", readme, re.MULTILINE), command


def test_the_readme_shows_the_committed_contact_sheets():
    readme = README.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\((docs/contact-sheet-[\w-]+\.png)\)", readme)
    assert len(images) == 4
    for image in images:
        path = ROOT / image
        assert path.stat().st_size < 300_000, image
        with Image.open(path) as sheet:
            assert sheet.format == "PNG" and sheet.width > 1000
