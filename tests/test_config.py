"""The config loader: every bad input gives exit 2 and a message naming the field."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kitbuilder.inputs.config import json_schema, load_config
from kitbuilder.errors import ConfigError

from .conftest import EXAMPLE, ROOT

def test_every_problem_is_reported_at_once(write_config):
    path = write_config(
        "organisation: {name: X, short_name: x}\n"
        "locales: [da, fi]\n"
        "paper: A5\n"
        "themes:\n  selected: [happiness]\n  ratings: {recovery: {importance: 9, success: 1}}\n"
        "text:\n  da: {wellbeing_plan.titel: x}\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    paths = [problem.path for problem in caught.value.problems]
    assert sorted(paths) == sorted(["locales[1]", "paper", "themes.selected[0]",
                                    "themes.ratings.recovery.importance", "text.da.wellbeing_plan.titel"])
    lines = {problem.path: problem.line for problem in caught.value.problems}
    assert lines["locales[1]"] == 2
    assert lines["paper"] == 3
    assert lines["themes.selected[0]"] == 5


def test_a_file_that_is_not_utf8_is_named(tmp_path, run):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("organisation: {name: Sønderå, short_name: s}\n".encode("latin-1"))
    result = run("validate", path)
    assert result.exit_code == 2
    assert "not UTF-8 text" in result.output


def test_a_missing_config_file_is_named(tmp_path, run):
    result = run("validate", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert "nope.yaml: file not found" in result.output


def test_yaml_is_read_as_people_write_it(write_config):
    """'no' stays a word and 13:30 stays a clock time (YAML 1.1 would say False and 810)."""
    path = write_config(
        "organisation: {name: Testby, short_name: testby}\n"
        "workshops:\n  prepare: {start: 13:30, venue: no}\n"
    )
    config = load_config(path)
    assert config.workshops.prepare.start == dt.time(13, 30)
    assert config.workshops.prepare.venue == "no"


def test_the_example_config_is_valid(run):
    config = load_config(EXAMPLE)
    assert config.locales == ["da", "sv", "nb"]
    assert config.branding.logo.is_file()
    result = run("validate", EXAMPLE)
    assert result.exit_code == 0
    assert "valid" in result.output


def test_defaults_build_all_kits_in_danish_swedish_and_norwegian(write_config):
    config = load_config(write_config("organisation: {name: Testby, short_name: testby}\n"))
    assert config.locales == ["da", "sv", "nb"]
    assert config.kits == ["wellbeing-plan", "leader-dialogue", "evaluation-follow-up"]
    assert config.paper == "A4"


def test_paths_resolve_relative_to_the_config_file(tmp_path, run):
    sub = tmp_path / "client"
    sub.mkdir()
    (sub / "logo.png").write_bytes((ROOT / "config" / "assets" / "logo.png").read_bytes())
    (sub / "kit.yaml").write_text("organisation: {name: A, short_name: a}\nbranding: {logo: logo.png}\n")
    config = load_config(sub / "kit.yaml")
    assert config.branding.logo == (sub / "logo.png").resolve()


def test_control_characters_are_dropped_and_everything_else_kept(write_config):
    path = write_config('organisation: {name: "A\\x07B & <C> {{ x }}", short_name: a}\n')
    assert load_config(path).organisation.name == "AB & <C> {{ x }}"


def test_the_committed_schema_is_the_current_one(run):
    committed = json.loads((ROOT / "config" / "kitbuilder.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "run: kitbuilder schema > config/kitbuilder.schema.json"
    printed = run("schema")
    assert json.loads(printed.output) == committed


def test_the_example_points_editors_at_the_schema():
    first = EXAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=kitbuilder.schema.json"


def test_the_schema_forbids_unknown_keys_and_lists_the_themes():
    schema = json_schema()
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) >= {"organisation", "locales", "kits", "paper", "branding", "workshops",
                                         "themes", "action_cards", "leaders", "leaders_file", "survey",
                                         "support", "text"}


@pytest.mark.parametrize("locales, only, country", [("[da, sv]", ["sv"], "DK"), ("[nb, da]", None, "NO"),
                                                     ("[sv]", None, "SE")])
def test_the_calendar_is_the_organisations_first_language_country(write_config, locales, only, country):
    path = write_config(f"organisation: {{name: Testby, short_name: testby}}\nlocales: {locales}\n")
    config = load_config(path, {"locales": only})
    assert config.calendar.country == country  # --locale sv builds a Danish organisation's Swedish kit
