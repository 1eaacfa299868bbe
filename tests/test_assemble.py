"""The kit model: pure data, computed clock times, map placement, literal text."""

from __future__ import annotations

import dataclasses

import pytest

from kitbuilder import build_model, load_config
from kitbuilder.assemble import fill, map_field

from .conftest import EXAMPLE


@pytest.fixture(scope="module")
def kit():
    return build_model(load_config(EXAMPLE))


def test_one_locale_kit_per_configured_locale(kit):
    assert [lk.locale for lk in kit.locales] == ["da", "sv", "nb"]


def test_clock_times_run_from_the_start_through_each_rows_minutes(kit):
    swedish = kit.locales[1].wellbeing
    prepare, qualify, concretise = swedish.steps
    assert [(r.start, r.end, r.minutes) for r in prepare.rows] == [
        ("09.00", "09.15", 15), ("09.15", "09.25", 10), ("09.25", "10.25", 60), ("10.25", "10.30", 5)]
    assert (qualify.start, qualify.end, qualify.minutes, qualify.default_minutes) == ("13.00", "14.30", 90, 80)
    assert (concretise.start, concretise.end, concretise.minutes) == ("09.30", "11.30", 120)
    assert prepare.date == "tisdag 2 februari 2027"


def test_clock_times_are_written_as_each_language_writes_them(kit):
    # Danish, Swedish and Norwegian style guides write 09.15; the locale says so (time_format)
    assert [lk.wellbeing.steps[0].rows[1].start for lk in kit.locales] == ["09.15", "09.15", "09.15"]


def test_overrides_that_change_a_sessions_length_warn(kit):
    assert len(kit.warnings) == 1
    assert "workshops.qualify.minutes" in kit.warnings[0] and "90 minutes instead of 80" in kit.warnings[0]


@pytest.mark.parametrize("importance, success, field", [
    (5, 1, 1), (3, 2, 1), (5, 5, 2), (3, 3, 2), (1, 5, 3), (2, 3, 3), (1, 1, 4), (2, 2, 4)])
def test_ratings_place_themes_in_the_maps_four_fields(importance, success, field):
    assert map_field(importance, success) == field


def test_the_model_is_frozen(kit):
    with pytest.raises(dataclasses.FrozenInstanceError):
        kit.locales[0].wellbeing.cards[0].heading = "changed"
    with pytest.raises(TypeError):
        kit.locales[0].text["common"]["date"] = "changed"


def test_the_plan_has_a_card_for_every_chosen_theme(kit):
    plan = kit.locales[0].wellbeing
    assert [card.theme_id for card in plan.plan_cards] == ["new-leaders", "recovery", "sparring", "hybrid-leadership"]
    assert [len(card.filled_fields) for card in plan.plan_cards] == [1, 2, 3, 1]


def test_placeholders_are_filled_and_other_braces_kept():
    assert fill("Card: {theme}", theme="{{ x }}") == "Card: {{ x }}"
    assert fill("{unknown} and {theme}", theme="T") == "{unknown} and T"


def test_the_model_imports_no_office_library():
    import ast
    from pathlib import Path

    import kitbuilder
    package = Path(kitbuilder.__file__).parent
    modules = [package / "model.py", package / "kits.py", *sorted((package / "assemble").glob("*.py"))]
    assert len(modules) > 4
    for module in modules:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                    if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module}
        assert not imported & {"docx", "docxtpl", "pptx", "yaml", "openpyxl"}, module
