"""The run-sheet decks, read back with python-pptx; ooxml-integrity checks that text fits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pptx import Presentation

from kitbuilder import build, load_config
from kitbuilder.usertext import LINE_MAX, TITLE_MAX
from kitbuilder.kits import THEMES
from kitbuilder.locales import load_locale

from .conftest import EXAMPLE, ROOT
from .docxread import slide_texts

LOCALES = ("da", "sv", "nb")
DECKS = ("02-runsheet-prepare.pptx", "03-runsheet-qualify.pptx", "04-runsheet-concretise.pptx")


def deck(report, locale, name):
    return Presentation(str(report.root / locale / name))


@pytest.mark.parametrize("locale", LOCALES)
def test_three_decks_with_the_expected_layouts(example_build, locale):
    layouts = {name: [s.slide_layout.name for s in deck(example_build, locale, name).slides] for name in DECKS}
    # step 1: the twelve themes, the organisation's own, the empty map; step 2: the map as rated
    assert layouts[DECKS[0]] == ["Kit Title", "Kit Agenda", "Kit Table", "Kit Themes", "Kit Themes", "Kit Map",
                                 "Kit Closing"]
    assert layouts[DECKS[1]] == ["Kit Title", "Kit Agenda", "Kit Table", "Kit Map", "Kit Content", "Kit Closing"]
    assert layouts[DECKS[2]] == ["Kit Title", "Kit Agenda", "Kit Table", "Kit Content", "Kit Table", "Kit Content",
                                 "Kit Closing"]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_slide_has_speaker_notes_in_the_locales_language(example_build, locale):
    english = load_locale("en").get("wellbeing_decks.notes")
    for name in DECKS:
        for slide in deck(example_build, locale, name).slides:
            notes = slide.notes_slide.notes_text_frame.text
            assert len(notes) > 40
            assert notes not in str(english)


def test_the_title_slide_names_the_organisation_date_venue_and_logo(example_build):
    slide = deck(example_build, "sv", DECKS[0]).slides[0]
    texts = slide_texts(slide)
    assert "Steg 1: Förbered" in texts
    assert "Fjordby Kommune & Forsyning" in texts
    assert "tisdag 2 februari 2027" in texts
    assert "09.00–10.30" in texts
    assert "Rådhuset, mötesrum 2" in texts  # the config's Swedish venue
    assert any(shape.shape_type == 13 for shape in slide.shapes)  # the logo picture


@pytest.mark.parametrize("locale, venue, facilitator", [
    ("da", "Rådhuset, mødelokale 2", "Mette Holm, HR"),
    ("sv", "Rådhuset, mötesrum 2", "Mette Holm, HR"),
    ("nb", "Rådhuset, møterom 2", "Mette Holm, HR"),
])
def test_each_locale_deck_prints_its_own_venue(example_build, locale, venue, facilitator):
    texts = slide_texts(deck(example_build, locale, DECKS[0]).slides[0])
    assert venue in texts and facilitator in texts
    others = {"Rådhuset, mødelokale 2", "Rådhuset, mötesrum 2", "Rådhuset, møterom 2"} - {venue}
    assert not others & set(texts)


@pytest.mark.parametrize("locale, slots", [
    ("da", ["13.00–13.10", "13.10–14.20", "14.20–14.30", "14.30"]),
    ("sv", ["13.00–13.10", "13.10–14.20", "14.20–14.30", "14.30"]),
])
def test_agenda_clock_times_come_from_the_start_and_the_minutes(example_build, locale, slots):
    title, *agenda = slide_texts(deck(example_build, locale, DECKS[1]).slides[1])
    rows = load_locale(locale).get("wellbeing_decks.rows.qualify")
    names = [rows["welcome"], rows["qualify-themes"], rows["wrap-up"], load_locale(locale).get("wellbeing_decks.ends")]
    assert agenda == [f"{slot}   {name}" for slot, name in zip(slots, names)]
    assert title.endswith(f"{slots[0][:5]}–{slots[-1]}")


def test_the_runsheet_table_has_one_row_per_step_row(example_build):
    slide = deck(example_build, "nb", DECKS[0]).slides[2]
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    columns = load_locale("nb").get("wellbeing_plan.runsheet_columns")
    assert cells[0] == [columns["time"], columns["minutes"], columns["content"], columns["who"]]
    assert [row[:2] for row in cells[1:]] == [["09.00–09.15", "15"], ["09.15–09.25", "10"],
                                             ["09.25–10.25", "60"], ["10.25–10.30", "5"]]
    assert cells[3][2] == load_locale("nb").get("wellbeing_plan.runsheet.prepare.prioritise.content")


def test_step_one_shows_the_themes_and_step_two_the_rated_map(example_build):
    presentation = deck(example_build, "da", DECKS[0])
    themes_slide = presentation.slides[3]
    cards = [shape for shape in themes_slide.shapes if shape.name.startswith("Theme ")]
    assert len(cards) == len(THEMES)
    titles = load_locale("da").get("wellbeing_plan.themes")
    assert cards[3].text_frame.text == f"4. {titles['recovery']['title']}"
    map_slide = deck(example_build, "da", DECKS[1]).slides[3]
    fields = {shape.name: shape.text_frame.text for shape in map_slide.shapes if shape.name.startswith("Field ")}
    assert titles["new-leaders"]["title"] in fields["Field 1"]
    assert titles["sparring"]["title"] in fields["Field 2"]
    assert titles["sick-leave"]["title"] in fields["Field 3"]
    assert titles["overload"]["title"] in fields["Field 4"]
    parking = next(shape for shape in map_slide.shapes if shape.name == "Parking").text_frame.text
    assert parking.splitlines() == [load_locale("da").get("wellbeing_plan.map.parking.name"),
                                    f"□ 9. {titles['difficult-cases']['title']}"]


def test_step_two_shows_the_four_qualifying_questions(example_build):
    texts = slide_texts(deck(example_build, "sv", DECKS[1]).slides[4])
    questions = load_locale("sv").get("wellbeing_plan.qualify.questions")
    assert [t.split(":")[0] for t in texts[1:]] == [q["name"] for q in questions.values()]


def test_step_three_shows_the_fields_the_example_and_publishing(example_build):
    slides = deck(example_build, "nb", DECKS[2]).slides
    labels = load_locale("nb").get("wellbeing_plan.card.fields")
    assert slide_texts(slides[3])[1:] == list(labels.values())
    example = next(shape.table for shape in slides[4].shapes if shape.has_table)
    assert example.cell(1, 0).text == labels["where-when"]
    assert example.cell(1, 1).text == load_locale("nb").get("wellbeing_plan.example_card.where-when")
    assert slide_texts(slides[5])[1:] == list(load_locale("nb").get("wellbeing_plan.publish.steps"))


def test_configured_colours_go_into_the_theme(tmp_path, write_config):
    config = load_config(write_config("organisation: {name: T, short_name: t}\nlocales: [en]\n"
                                      "branding: {colours: {primary: '#7A1F5C'}, font: Liberation Sans}\n"))
    report = build(config, tmp_path / "out")
    presentation = Presentation(str(report.root / "en" / DECKS[0]))
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    theme = presentation.slide_master.part.part_related_by(RT.THEME).blob.decode()
    assert '<a:accent1><a:srgbClr val="7A1F5C"/>' in theme
    assert 'typeface="Liberation Sans"' in theme


@pytest.mark.parametrize("change", ["remove", "rename"])
def test_a_master_without_a_layout_is_named(tmp_path, run, change):
    theme = tmp_path / "theme"
    theme.mkdir()
    presentation = Presentation(str(ROOT / "templates" / "default" / "deck.pptx"))
    layouts = presentation.slide_master.slide_layouts
    map_layout = next(layout for layout in layouts if layout.name == "Kit Map")
    if change == "remove":
        layouts.remove(map_layout)
    else:
        map_layout.element.cSld.set("name", "Prioritisation Map")
    agenda = next(layout for layout in layouts if layout.name == "Kit Agenda")
    next(ph for ph in agenda.placeholders if ph.name == "Body").element.nvSpPr.cNvPr.set("name", "Text")
    presentation.save(theme / "deck.pptx")
    result = run("build", EXAMPLE, "--out", tmp_path / "out", "--templates", theme)
    assert result.exit_code == 2
    assert ("deck.pptx (da): the slide master lacks placeholder 'Body' in layout 'Kit Agenda', "
            "layout 'Kit Map'") in result.output


def test_a_minute_override_moves_every_later_time(tmp_path, write_config):
    config = load_config(write_config("organisation: {name: T, short_name: t}\nlocales: [sv]\n"
                                      "workshops: {prepare: {start: '08:30', minutes: {introduction: 25}}}\n"))
    report = build(config, tmp_path / "out")
    slide = Presentation(str(report.root / "sv" / DECKS[0])).slides[2]
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    assert [row.cells[0].text for row in list(table.rows)[1:]] == [
        "08.30–08.45", "08.45–09.10", "09.10–10.10", "10.10–10.15"]


def _integrity(paths: list[Path]) -> str:
    checker = Path(sys.executable).parent / "ooxml-integrity"
    result = subprocess.run([str(checker), "check", "--fail-on", "warn", "--no-config", *map(str, paths)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    return result.stdout


def test_no_text_overflows_its_box_in_the_example_decks(example_build):
    out = _integrity(sorted(example_build.root.rglob("*.pptx")))
    assert out.count("- clean") == 12  # three run-sheet decks and the results deck per locale


def test_long_names_long_titles_and_ten_custom_themes_still_fit(tmp_path):
    # each text as long as the config allows: it must fit whole, never cut
    longest_title = ("How do we lead hybrid teams under cross-pressure from many sides " * 4)[:TITLE_MAX].strip()
    name = ("Kommunernes Fælles Forsyningsselskab " * 5)[:LINE_MAX].strip()
    venue = ("Mødelokale " * 14)[:LINE_MAX].strip()
    customs = [{"id": f"own-{i}", "title": longest_title if i == 0 else "How do we lead hybrid teams under "
                "cross-pressure from many sides", "prompt": "Do we?"} for i in range(10)]
    config = {"organisation": {"name": name, "short_name": "long"},
              "locales": ["da"], "workshops": {"prepare": {"venue": venue}},
              "themes": {"selected": ["recovery", "own-0"], "custom": customs,
                         "ratings": {c["id"]: {"importance": 5, "success": 1} for c in customs}}}
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    report = build(load_config(path), tmp_path / "out")
    decks = sorted(report.root.rglob("*.pptx"))
    _integrity(decks)
    prepare = Presentation(str(decks[0]))
    titles = [slide.shapes.title.text_frame.text for slide in prepare.slides]
    themes_title = load_locale("da").get("wellbeing_decks.themes_title")
    own_title = load_locale("da").get("wellbeing_decks.own_themes_title")["other"]
    assert titles.count(themes_title) == 1 and titles.count(own_title) == 1  # the own ten on a slide of their own
    prepare_text = " ".join(shape.text_frame.text for slide in prepare.slides for shape in slide.shapes
                            if shape.has_text_frame)
    assert name in prepare_text and venue in prepare_text and longest_title in prepare_text
    from pypdf import PdfReader

    from kitbuilder.pdf import convert_to_pdf
    for source, pdf in convert_to_pdf(decks).items():
        assert len(PdfReader(pdf).pages) == len(Presentation(str(source)).slides)


def test_right_to_left_runs_use_the_font_the_text_was_measured_with(example_build):
    """A direction mark in a name makes a right-to-left run, drawn with the theme's
    complex-script font: the theme names the body font there too."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    presentation = deck(example_build, "da", DECKS[0])
    theme = etree.fromstring(presentation.slide_master.part.part_related_by(RT.THEME).blob)
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    for which in ("majorFont", "minorFont"):
        font = theme.find(f".//{a}fontScheme/{a}{which}")
        assert font.find(f"{a}cs").get("typeface") == font.find(f"{a}latin").get("typeface") != ""


def test_a_character_the_font_lacks_counts_a_full_em():
    from kitbuilder.render.textfit import metrics_for

    metrics = metrics_for("Carlito")
    assert metrics.units("龍") == metrics.units("🌱") == metrics.units_per_em
    assert metrics.units("n") < metrics.units_per_em


def test_text_cut_to_fit_is_the_longest_beginning_that_fits_in_any_box():
    """Boxes from a hair's breadth to roomy, texts from one character to 2,000 without a
    space: the cut text fits, begins like the original and ends with an ellipsis."""
    import random

    from kitbuilder.render.pptx import _truncate
    from kitbuilder.render.textfit import metrics_for, text_height

    metrics = metrics_for("Carlito")
    chance = random.Random(7)
    for _ in range(500):
        text = "".join(chance.choice(["W", "龍", " ", "…", "\n", "ab", "🌱"])
                       for _ in range(chance.choice([1, 2, 5, 50, 500, 2000])))
        paragraphs = [text, "Second paragraph", text][:chance.choice([1, 2, 3])]
        width, height = chance.choice([0.5, 3, 10, 50, 300]), chance.choice([0, 5, 12, 40, 200])

        def fits(texts, width=width, height=height):
            return text_height(texts, metrics, 8, width) <= height

        cut = _truncate(paragraphs, fits)
        assert cut == ["…"] or fits(cut)
        assert cut[-1].endswith("…")
        assert all(a == b for a, b in zip(cut[:-1], paragraphs))
        assert paragraphs[len(cut) - 1].startswith(cut[-1].removesuffix("…"))
