"""The wellbeing-plan kit's Word documents, read back with python-docx."""

from __future__ import annotations

import subprocess

import pytest
from docx import Document

from kitbuilder import build, load_config
from kitbuilder.inputs.config import config_for_locale
from kitbuilder.kits import CARD_FIELDS, THEMES
from kitbuilder.locales import load_locale

from .conftest import EXAMPLE
from .docxread import paragraphs, styled, text

LOCALES = ("da", "sv", "nb")


def doc_path(report, locale, name):
    return report.root / locale / name


def test_the_example_build_has_eight_wellbeing_documents_per_locale(example_build):
    names = sorted(p.relative_to(example_build.root).as_posix() for p in example_build.files
                   if p.name.startswith("0") and p.parent.parent == example_build.root)
    expected = sorted(f"{loc}/{name}" for loc in LOCALES for name in (
        "01-facilitator-checklist.docx", "02-runsheet-prepare.pptx", "03-runsheet-qualify.pptx",
        "04-runsheet-concretise.pptx", "05-theme-cards.docx", "06-prioritisation-map.docx",
        "07-action-cards.docx", "08-wellbeing-plan.docx"))
    assert names == expected
    assert example_build.root.name == "fjordby"


@pytest.mark.parametrize("locale", LOCALES)
def test_one_action_card_per_selected_theme_with_the_seven_fields(example_build, locale):
    config = load_config(EXAMPLE)
    content = load_locale(locale).get("wellbeing_plan")
    path = doc_path(example_build, locale, "07-action-cards.docx")
    headings = styled(path, "Card Title")
    assert len(headings) == len(config.themes.selected) == 4
    for heading, theme_id in zip(headings, config.themes.selected):
        title = content["themes"][theme_id]["title"] if theme_id in THEMES else \
            config.themes.custom[0].title[locale]
        assert title in heading
    all_text = paragraphs(path)
    for field_id in CARD_FIELDS:
        label = content["card"]["fields"][field_id]
        # each selected card plus the worked example carries every label
        assert all_text.count(label) == len(config.themes.selected) + 1, label


def test_prefilled_fields_are_printed_on_their_card(example_build):
    path = doc_path(example_build, "sv", "07-action-cards.docx")
    body = text(path)
    assert "Alla chefer tar minst en ostörd paus om dagen" in body
    assert "Kommunledningsgruppen, med HR som samordnare" in body
    # the recovery card is the second card: its 'goal' row holds the text
    doc = Document(str(path))
    recovery_table = doc.tables[2]
    goal_label = load_locale("sv").get("wellbeing_plan.card.fields.goal")
    cell = next(row.cells[0] for row in recovery_table.rows if row.cells[0].paragraphs[0].text == goal_label)
    assert "ostörd paus" in cell.text


def test_the_worked_example_card_is_included(example_build):
    path = doc_path(example_build, "da", "07-action-cards.docx")
    example = load_locale("da").get("wellbeing_plan.example_card")
    body = text(path)
    assert load_locale("da").get("wellbeing_plan.action_cards.example_heading") in body
    for value in example.values():
        assert value in body


def test_blank_cards_are_printed_when_no_theme_is_selected(write_config, tmp_path):
    report = build(load_config(write_config("organisation: {name: Testby, short_name: testby}\nlocales: [da]\n")),
                   tmp_path / "out")
    headings = styled(report.root / "da" / "07-action-cards.docx", "Card Title")
    assert headings == [load_locale("da").get("wellbeing_plan.card.blank_title")] * 3


def test_the_map_is_a3_landscape_empty_for_step_1_then_with_rated_themes_in_their_field(example_build):
    path = doc_path(example_build, "da", "06-prioritisation-map.docx")
    doc = Document(str(path))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (420, 297)
    content = load_locale("da").get("wellbeing_plan")
    themes = content["themes"]
    # the map step 1 fills holds no theme; the result follows on its own page
    empty, result = doc.tables
    assert not any(theme["title"] in empty._element.xml for theme in themes.values())
    cells = {}
    for row in result.rows:
        for cell in row.cells:
            first = cell.paragraphs[0].text
            for number in "1234":
                if first.startswith(f"{number}. "):
                    cells[int(number)] = cell.text
    assert set(cells) == {1, 2, 3, 4}
    # example ratings: new-leaders 5/2 and recovery 4/2 -> field 1; sparring 4/4 and the
    # custom theme 4/3 -> field 2; sick-leave 2/4 -> field 3; overload 2/1 -> field 4
    assert themes["new-leaders"]["title"] in cells[1] and themes["recovery"]["title"] in cells[1]
    assert themes["sparring"]["title"] in cells[2] and "hjemme og på arbejdspladsen" in cells[2]
    # the parked theme is in the parking area (the last column), and nowhere else
    parking = result.rows[0].cells[3].text
    assert parking.startswith(content["map"]["parking"]["name"])
    assert f"□ 9. {themes['difficult-cases']['title']}" in parking
    assert all(themes["difficult-cases"]["title"] not in text for text in cells.values())
    assert themes["sick-leave"]["title"] in cells[3]
    assert themes["overload"]["title"] in cells[4]
    assert themes["sparring"]["title"] not in cells[1] + cells[3] + cells[4]
    assert content["map"]["parking"]["name"] in text(path)


def test_theme_cards_hold_the_twelve_themes_and_the_custom_one(example_build):
    path = doc_path(example_build, "nb", "05-theme-cards.docx")
    doc = Document(str(path))
    titles = [p.text for table in doc.tables for row in table.rows for cell in row.cells
              for p in cell.paragraphs if p.style.name == "Theme Title"]
    themes = load_locale("nb").get("wellbeing_plan.themes")
    assert titles[:12] == [themes[t]["title"] for t in THEMES]
    assert titles[12] == "Hvordan leder vi team som jobber både hjemme og på arbeidsplassen?"
    assert len(titles) == 13
    assert 'w:val="dashed"' in doc.tables[0]._tbl.xml  # cut lines


def test_the_plan_holds_the_introduction_and_a_card_for_every_chosen_theme(example_build):
    path = doc_path(example_build, "da", "08-wellbeing-plan.docx")
    content = load_locale("da").get("wellbeing_plan")
    body = text(path)
    assert content["plan"]["intro"] in body
    headings = styled(path, "Heading 2")
    own = "Hvordan leder vi teams, der arbejder både hjemme og på arbejdspladsen?"
    assert headings == [content["card"]["heading"].format(theme=title) for title in (
        content["themes"]["new-leaders"]["title"], content["themes"]["recovery"]["title"],
        content["themes"]["sparring"]["title"], own)]
    assert "Direktionen, med HR som tovholder" in body


@pytest.mark.parametrize("locale, times", [
    ("da", ["13.00–13.10", "13.10–14.20", "14.20–14.30"]),
    ("sv", ["13.00–13.10", "13.10–14.20", "14.20–14.30"]),
])
def test_the_checklist_computes_clock_times_in_the_locales_format(example_build, locale, times):
    body = paragraphs(doc_path(example_build, locale, "01-facilitator-checklist.docx"))
    for slot in times:
        assert slot in body
    assert "09.00–10.30 (90 min.)" in body if locale == "da" else "09.00–10.30 (90 min)" in body


def test_the_swedish_checklist_is_swedish(example_build):
    path = doc_path(example_build, "sv", "01-facilitator-checklist.docx")
    config = config_for_locale(load_config(EXAMPLE), "sv")
    typed_by_the_organisation = " ".join([config.organisation.name] + [
        getattr(getattr(config.workshops, step), field) for step in ("prepare", "qualify", "concretise")
        for field in ("venue", "facilitator")]).split()
    words = [w for w in " ".join(paragraphs(path)).split() if w.isalpha() and w not in typed_by_the_organisation]

    def unknown(dictionary):
        out = subprocess.run(["hunspell", "-d", dictionary, "-l"], input="\n".join(words),
                             capture_output=True, text=True, check=True).stdout.split()
        return len(out) / len(words)

    assert len(words) > 500
    assert unknown("sv_SE") <= 0.001
    assert unknown("da_DK") > 0.2
    assert "tisdag 2 februari 2027" in text(path)


def test_every_document_has_the_logo_and_the_organisation(example_build):
    for path in (p for p in example_build.files if p.suffix == ".docx"):
        doc = Document(str(path))
        images = [rel for rel in doc.part.rels.values() if rel.reltype.endswith("/image")]
        assert images, path
        assert "Fjordby Kommune & Forsyning" in text(path)


def test_letter_paper_sets_letter_and_tabloid_pages(write_config, tmp_path):
    config = load_config(write_config("organisation: {name: T, short_name: t}\nlocales: [en]\npaper: Letter\n"))
    report = build(config, tmp_path / "out")
    page = Document(str(report.root / "en" / "07-action-cards.docx")).sections[0]
    assert (round(page.page_width.inches, 2), round(page.page_height.inches, 2)) == (8.5, 11.0)
    poster = Document(str(report.root / "en" / "06-prioritisation-map.docx")).sections[0]
    assert (round(poster.page_width.inches, 2), round(poster.page_height.inches, 2)) == (17.0, 11.0)


def test_document_properties_name_the_document_and_organisation(example_build):
    props = Document(str(doc_path(example_build, "sv", "07-action-cards.docx"))).core_properties
    assert props.title == load_locale("sv").get("wellbeing_plan.documents.action-cards")
    assert props.author == "Fjordby Kommune & Forsyning"
    assert props.language == "sv"
