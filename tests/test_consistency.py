"""The kit agrees with itself: what one document or slide says, the others and the data bear out.

Each test reads the built example (or a variant) back as a facilitator would meet it on the day.
"""

from __future__ import annotations

import re
from decimal import Decimal

import icalendar
import pytest
from babel.dates import format_date
from docx import Document
from pptx import Presentation

from kitbuilder import build, load_config
from kitbuilder.kits import STEPS, THEMES
from kitbuilder.locales import load_locale

from .conftest import EXAMPLE
from .docxread import file_text, paragraphs, slide_texts, styled

LOCALES = ("da", "sv", "nb")
DECKS = {step.id: f"{number:02d}-runsheet-{step.id}.pptx" for number, step in enumerate(STEPS, start=2)}


def _slides(report, locale, name):
    return Presentation(str(report.root / locale / name)).slides


def _titled(slides, title):
    return [slide for slide in slides if slide.shapes.title.text_frame.text == title]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_twelve_themes_are_twelve_and_our_own_stand_apart(example_build, locale):
    d = load_locale(locale).get("wellbeing_decks")
    plan = load_locale(locale).get("wellbeing_plan")
    slides = _slides(example_build, locale, DECKS["prepare"])
    [common] = _titled(slides, d["themes_title"])
    cards = [shape.text_frame.text for shape in common.shapes if shape.name.startswith("Theme ")]
    assert cards == [f"{number}. {plan['themes'][theme]['title']}" for number, theme in enumerate(THEMES, start=1)]
    [own] = _titled(slides, d["own_themes_title"]["one"])  # the example has one theme of its own
    [card] = [shape.text_frame.text for shape in own.shapes if shape.name.startswith("Theme ")]
    assert not re.match(r"\d", card)  # unnumbered, as on the theme cards
    cards_doc = file_text(example_build.root / locale / "05-theme-cards.docx")
    assert plan["theme_cards"]["custom_label"] in cards_doc and "\n13\n" not in cards_doc
    # on the map it is marked as our own, not numbered 13
    own_line = "■ " + plan["theme_cards"]["custom_line"].format(title=card.split("\n")[0])
    assert own_line in file_text(example_build.root / locale / "06-prioritisation-map.docx")
    assert "■ 13." not in file_text(example_build.root / locale / DECKS["qualify"])


@pytest.mark.parametrize("locale", LOCALES)
def test_each_run_sheet_ends_with_a_closing_that_fits_its_step(example_build, locale):
    content = load_locale(locale)
    runsheet, d = content.get("wellbeing_plan.runsheet"), content.get("wellbeing_decks")
    step_labels = [content.get(f"wellbeing_plan.steps.{step.id}.title").split(":")[0].lower() for step in STEPS]
    checklist = paragraphs(example_build.root / locale / "01-facilitator-checklist.docx")
    for index, step in enumerate(STEPS):
        slides = _slides(example_build, locale, DECKS[step.id])
        # the run-sheet table, perhaps continued on a second slide
        tables = [shape.table for slide in slides if slide.shapes.title.text_frame.text.startswith(d["runsheet_title"])
                  for shape in slide.shapes if shape.has_table]
        last_row = [cell.text for cell in list(tables[-1].rows)[-1].cells]
        closing_row = step.rows[-1][0]
        assert closing_row in {"wrap-up", "conclusion"}  # no session ends on a break
        assert last_row[2] == runsheet[step.id][closing_row]["content"]
        assert runsheet[step.id][closing_row]["content"] in checklist
        closing = slides[-1]
        notes = closing.notes_slide.notes_text_frame.text
        assert closing.shapes.title.text_frame.text == d["closing_title"][step.id]
        if index + 1 < len(STEPS):  # the notes point at the step that follows
            assert step_labels[index + 1] in notes.lower()
        else:  # the last step looks past the workshops, at the plan in use
            assert not any(label in notes.lower() for label in step_labels[1:])
            assert notes == d["notes"]["closing"]["concretise"]
        # the agenda's notes promise what the session's end holds
        assert slides[1].notes_slide.notes_text_frame.text == d["notes"]["agenda"][step.id]


@pytest.mark.parametrize("locale", LOCALES)
def test_step_one_shows_the_map_empty_and_step_two_the_result(example_build, locale):
    d = load_locale(locale).get("wellbeing_decks")
    [empty] = _titled(_slides(example_build, locale, DECKS["prepare"]), d["map_title"])
    empty_text = "\n".join(slide_texts(empty))
    assert "■" not in empty_text and "□" not in empty_text
    [result] = _titled(_slides(example_build, locale, DECKS["qualify"]), d["map_result_title"])
    result_text = "\n".join(slide_texts(result))
    assert result_text.count("■") == 6 and result_text.count("□") == 1  # six rated, one parked


def test_without_ratings_step_two_shows_no_map(tmp_path, write_config):
    config = load_config(write_config("organisation: {name: T, short_name: t}\nlocales: [da]\n"
                                      "kits: [wellbeing-plan]\n"))
    report = build(config, tmp_path / "out")
    layouts = [slide.slide_layout.name for slide in _slides(report, "da", DECKS["qualify"])]
    assert "Kit Map" not in layouts
    assert len(Document(str(report.root / "da" / "06-prioritisation-map.docx")).tables) == 1  # the empty map


@pytest.mark.parametrize("locale", LOCALES)
def test_the_plan_holds_a_card_for_every_chosen_theme_and_no_filler(example_build, locale):
    content = load_locale(locale)
    path = example_build.root / locale / "08-wellbeing-plan.docx"
    config = load_config(EXAMPLE)
    assert len(styled(path, "Heading 2")) == len(config.themes.selected)
    body = file_text(path)
    assert content.get("common.not_set") not in body
    # each card says how many of its seven fields are still open, in the language's plural
    forms = content.get("wellbeing_plan.plan.open_fields")
    filled = [len([field for field in type(card).model_fields if getattr(card, field)])
              for card in (config.action_cards[theme] for theme in config.themes.selected)]
    for count in (7 - n for n in filled):  # two to twelve in words, as running text writes them
        assert (forms["one"] if count == 1 else forms["other"].format(count_words=NUMBER_WORDS[locale][count])) in body


#: Small numbers in words, per language (running text spells out two to twelve).
NUMBER_WORDS = {
    "da": {2: "to", 3: "tre", 4: "fire", 5: "fem", 6: "seks", 7: "syv"},
    "sv": {2: "två", 3: "tre", 4: "fyra", 5: "fem", 6: "sex", 7: "sju"},
    "nb": {2: "to", 3: "tre", 4: "fire", 5: "fem", 6: "seks", 7: "syv"},
}


@pytest.mark.parametrize("locale, months", [("da", "to, fire og seks måneder"), ("sv", "två, fyra och sex månader"),
                                            ("nb", "to, fire og seks måneder")])
def test_the_offers_name_the_timelines_months_in_words(example_build, locale, months):
    body = file_text(example_build.root / locale / "20-support-offers.docx")
    assert months in body  # the offers list and the timeline: "to måneder", not "2 måneder"
    assert months.split(",")[0] + " " + months.split()[-1] in body
    assert not re.search(r"\b[2-9] (måneder|månader)\b", body)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_prep_handout_says_when_and_where_the_meeting_is(example_build, locale):
    content = load_locale(locale)
    handout = Document(str(example_build.root / locale / "results-meeting-preps" / "0001-jens-ærø.docx"))
    rows = {row.cells[0].text: row.cells[1].text for row in handout.tables[0].rows}
    labels = content.get("results_meeting.prep.meeting")
    day = format_date(load_config(EXAMPLE).workshops.results.date, "full", locale=content.babel)
    assert day in rows[labels["when"]] and "13.00–14.30" in rows[labels["when"]]
    deck = file_text(example_build.root / locale / "30-results-meeting.pptx")
    assert rows[labels["where"]] in deck and rows[labels["chair"]] in deck  # the deck's title slide agrees


@pytest.mark.parametrize("locale", LOCALES)
def test_each_follow_up_in_the_calendar_has_its_own_description(example_build, locale):
    calendar = icalendar.Calendar.from_ical(
        (example_build.root / locale / "dialogue-guides" / "0001-jens-ærø.ics").read_bytes())
    first, *follow_ups = [str(event["DESCRIPTION"]) for event in calendar.walk("VEVENT")]
    assert len(follow_ups) == 3 and len(set(follow_ups)) == 3
    minutes = load_locale(locale).get("common.minutes")["other"].format(count=45)
    assert minutes in first and not any(minutes in text for text in follow_ups)
    for number, text in enumerate(follow_ups, start=1):
        assert f"{number} " in text and " 3 " in text  # "follow-up 1 of 3"


def _number(text: str) -> Decimal:
    return Decimal(text.replace("−", "-").replace("±", "").replace(",", "."))


@pytest.mark.parametrize("locale", LOCALES)
def test_a_printed_change_is_the_difference_of_the_printed_numbers(example_build, locale):
    checked = 0
    for handout in sorted((example_build.root / locale / "results-meeting-preps").glob("*.docx")):
        for table in Document(str(handout)).tables[1:]:
            for row in list(table.rows)[1:]:
                cells = [cell.text for cell in row.cells]
                if len(cells) == 4 and cells[3]:
                    assert _number(cells[3]) == _number(cells[1]) - _number(cells[2]), cells
                    checked += 1
    assert checked >= 16
    # "Tryghed" is 72,3 now and 71,8 before: +0,5, as a reader works it out
    assert "+0,5" in file_text(example_build.root / locale / "results-meeting-preps" / "0001-jens-ærø.docx")


@pytest.mark.parametrize("locale", LOCALES)
def test_clock_times_are_written_with_a_full_stop_everywhere(example_build, locale):
    files = [p for p in sorted((example_build.root / locale).rglob("*")) if p.suffix in {".docx", ".pptx", ".ics"}]
    texts = {path.name: file_text(path) for path in files}
    assert not {name for name, text in texts.items() if re.search(r"\b\d{1,2}:\d{2}\b", text)}
    assert sum(len(re.findall(r"\b\d{2}\.\d{2}\b", text)) for text in texts.values()) > 50


def test_counted_things_read_naturally_in_the_singular_and_the_plural(tmp_path, write_config):
    survey = "unit;area;period;score;respondents\n" + "".join(
        f"{unit};Trust;2026;70;{people}\n" for unit, people in (("North", 20), ("Kitchen", 3), ("Shop", 2)))
    (tmp_path / "survey.csv").write_text(survey, encoding="utf-8")
    config = load_config(write_config(
        "organisation: {name: T, short_name: t}\nlocales: [da, sv, nb]\n"
        "kits: [results-meeting, evaluation-follow-up, leader-dialogue]\nsurvey: survey.csv\n"
        "support: {report_date: 2027-01-04, sparring_months: [1, 3]}\n"
        "dialogue: {prepare_minutes: 1, minutes: 30}\n"))
    report = build(config, tmp_path / "out")
    for locale in ("da", "sv", "nb"):
        content = load_locale(locale)
        deck = file_text(report.root / locale / "30-results-meeting.pptx")
        assert content.get("results_meeting.anonymity")["other"].format(
            count=2, count_words=NUMBER_WORDS[locale].get(2), minimum=NUMBER_WORDS[locale][5]) in deck
        timeline = [row.cells[1].text for row in Document(str(report.root / locale / "20-support-offers.docx"))
                    .tables[0].rows][2:]
        months = content.get("common.months")
        assert timeline == [content.get("evaluation_follow_up.timeline.sparring").format(
            months=months[form].format(count=n, count_words=NUMBER_WORDS[locale].get(n)))
            for form, n in (("one", 1), ("other", 3))]
        guide = file_text(report.root / locale / "10-dialogue-guide.docx")
        minutes = content.get("common.minutes")
        assert content.get("leader_dialogue.purpose.time").format(
            prepare=minutes["one"].format(count=1), dialogue=minutes["other"].format(count=30)) in guide
        assert "(her:" not in deck and "(här:" not in deck


@pytest.mark.parametrize("locale", LOCALES)
def test_the_results_deck_titles_its_run_sheet_apart_from_the_agenda(example_build, locale):
    titles = [slide.shapes.title.text_frame.text for slide in _slides(example_build, locale, "30-results-meeting.pptx")]
    assert len(titles) == len(set(titles))


@pytest.mark.parametrize("locale", LOCALES)
def test_a_guide_with_booked_meetings_does_not_ask_to_book_them(example_build, locale):
    invite = load_locale(locale).get("leader_dialogue.invite")
    guide = file_text(example_build.root / locale / "dialogue-guides" / "0001-jens-ærø.docx")
    assert invite["follow_ups"] not in guide and invite["time"].split("{")[0] not in guide
    assert invite["time_booked"].split("{")[0] in guide and invite["follow_ups_booked"].split("{")[0] in guide


def test_a_blank_guide_asks_to_book_the_meetings(tmp_path, write_config):
    config = load_config(write_config("organisation: {name: T, short_name: t}\nlocales: [da]\n"
                                      "kits: [leader-dialogue]\n"))
    guide = file_text(build(config, tmp_path / "out").root / "da" / "10-dialogue-guide.docx")
    invite = load_locale("da").get("leader_dialogue.invite")
    assert invite["follow_ups"] in guide and invite["time"].split("{")[0] in guide
    assert invite["time_booked"].split("{")[0] not in guide


@pytest.mark.parametrize("locale", LOCALES)
def test_the_results_run_sheet_notes_describe_its_columns(example_build, locale):
    slides = _slides(example_build, locale, "30-results-meeting.pptx")
    [runsheet] = _titled(slides, load_locale(locale).get("wellbeing_decks.runsheet_title"))
    assert runsheet.notes_slide.notes_text_frame.text == load_locale(locale).get("results_meeting.notes.runsheet")
    columns = load_locale(locale).get("results_meeting.runsheet_columns")
    table = next(shape.table for shape in runsheet.shapes if shape.has_table)
    assert [cell.text for cell in table.rows[0].cells] == [columns["time"], columns["minutes"], columns["content"]]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_own_theme_slide_speaks_of_one_theme_when_there_is_one(example_build, locale):
    d = load_locale(locale).get("wellbeing_decks")
    [own] = _titled(_slides(example_build, locale, DECKS["prepare"]), d["own_themes_title"]["one"])
    assert own.notes_slide.notes_text_frame.text == d["notes"]["own_themes"]["one"]


@pytest.mark.parametrize("locale", LOCALES)
def test_step_one_points_at_what_the_kit_prints(example_build, locale):
    """The run-sheet sends the groups to each theme card's question and to the printed map."""
    plan = load_locale(locale).get("wellbeing_plan")
    cards = file_text(example_build.root / locale / "05-theme-cards.docx")
    assert all(theme["prompt"] in cards for theme in plan["themes"].values())
    prioritise = plan["runsheet"]["prepare"]["prioritise"]["content"]
    assert plan["documents"]["theme-cards"].lower() in prioritise.lower()
    assert (example_build.root / locale / "06-prioritisation-map.docx").is_file()
