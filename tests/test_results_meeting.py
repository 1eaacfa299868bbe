"""The results meeting: survey data in, native charts, computed highlights, anonymity."""

from __future__ import annotations

import re

import pytest
from docx import Document
from openpyxl import Workbook
from pptx import Presentation

from kitbuilder import build, load_config
from kitbuilder.locales import load_locale

from .docxread import text

# A crafted data set with known answers: Trust is strongest now (80.0) and rose most (+10.0),
# Workload is weakest (50.0) and fell most (-5.0). "Kitchen" has 3 respondents.
SURVEY = """unit;area;period;score;respondents
North;Trust;2025;70;10
North;Trust;2026;80;10
North;Workload;2025;55;10
North;Workload;2026;50;10
North;Cooperation;2025;65;10
North;Cooperation;2026;67,5;10
South;Trust;2025;70;30
South;Trust;2026;80;30
South;Workload;2025;55;30
South;Workload;2026;50;30
South;Cooperation;2025;65;30
South;Cooperation;2026;72,5;30
Kitchen;Trust;2025;10;3
Kitchen;Trust;2026;10;3
Kitchen;Workload;2025;99;3
Kitchen;Workload;2026;99;3
Kitchen;Cooperation;2025;50;3
Kitchen;Cooperation;2026;50;3
"""


@pytest.fixture
def survey_config(tmp_path, write_config):
    def make(extra: str = "", survey: str = SURVEY, name: str = "survey.csv"):
        (tmp_path / name).write_text(survey, encoding="utf-8")
        return write_config("organisation: {name: Testby, short_name: testby}\nlocales: [sv, da]\n"
                            f"kits: [results-meeting]\nsurvey: {{file: {name}, scale: [0, 100]}}\n" + extra)
    return make


@pytest.fixture
def results_build(survey_config, tmp_path):
    config = load_config(survey_config("leaders: [{name: Ann, unit: North}, {name: Bo, unit: Kitchen}, {name: Cy}]\n"
                                       "workshops: {results: {start: '13:00'}}\n"))
    return build(config, tmp_path / "out")


def _charts(presentation):
    return [shape.chart for slide in presentation.slides for shape in slide.shapes if shape.has_chart]


def test_the_charts_hold_the_input_after_the_anonymity_rule(results_build):
    deck = Presentation(str(results_build.root / "sv" / "30-results-meeting.pptx"))
    overall, units = _charts(deck)
    assert list(overall.plots[0].categories) == ["Trust", "Workload", "Cooperation"]
    series = {s.name: list(s.values) for s in overall.plots[0].series}
    # the organisation's score is weighted by respondents and includes the small unit
    assert series["2025"] == pytest.approx([(70 * 40 + 10 * 3) / 43, (55 * 40 + 99 * 3) / 43, (65 * 40 + 50 * 3) / 43])
    assert series["2026"] == pytest.approx([(80 * 40 + 10 * 3) / 43, (50 * 40 + 99 * 3) / 43,
                                            (67.5 * 10 + 72.5 * 30 + 50 * 3) / 43])
    assert list(units.plots[0].categories) == ["North", "South"]  # no Kitchen
    unit_series = {s.name: list(s.values) for s in units.plots[0].series}
    assert unit_series["2026"] == pytest.approx([(80 + 50 + 67.5) / 3, (80 + 50 + 72.5) / 3])


def test_each_chart_carries_its_data_as_a_workbook_excel_opens(results_build, tmp_path):
    """PowerPoint's "Edit Data" opens the workbook inside the chart: the same categories,
    series and values as the chart, in the chart's number format, and a workbook the Open
    XML checks find nothing wrong with."""
    import io
    import json
    import subprocess
    import sys
    from pathlib import Path

    from openpyxl import load_workbook

    deck = Presentation(str(results_build.root / "da" / "30-results-meeting.pptx"))
    charts = _charts(deck)
    workbooks = tmp_path / "workbooks"
    workbooks.mkdir()
    for number, chart in enumerate(charts):
        blob = chart.part.chart_workbook.xlsx_part.blob
        (workbooks / f"chart{number}.xlsx").write_bytes(blob)
        sheet = load_workbook(io.BytesIO(blob)).active
        categories = list(chart.plots[0].categories)
        assert [sheet.cell(row, 1).value for row in range(2, len(categories) + 2)] == categories
        for column, series in enumerate(chart.plots[0].series, start=2):
            assert sheet.cell(1, column).value == series.name
            cells = [sheet.cell(row, column) for row in range(2, len(categories) + 2)]
            assert [cell.value for cell in cells] == pytest.approx(list(series.values))
            assert {cell.number_format for cell in cells} == {"0.0"}
    audit = subprocess.run([str(Path(sys.executable).parent / "openxml-audit"), "--recursive", "--output", "json",
                            str(workbooks)], capture_output=True, text=True)
    reports = json.loads(audit.stdout)
    assert len(reports) == len(charts) == 2
    assert [error for report in reports for error in report["errors"]] == []


def test_the_highlights_are_computed_and_localised(survey_config, tmp_path):
    config = load_config(survey_config())
    deck = Presentation(str(build(config, tmp_path / "o").root / "sv" / "30-results-meeting.pptx"))
    slide = next(s for s in deck.slides if s.shapes.title.text_frame.text ==
                 load_locale("sv").get("results_meeting.highlights_title"))
    lines = [p.text for shape in slide.placeholders if shape.placeholder_format.idx == 1
             for p in shape.text_frame.paragraphs]
    h = load_locale("sv").get("results_meeting.highlights")
    trust, workload = (80 * 40 + 10 * 3) / 43, (50 * 40 + 99 * 3) / 43
    assert lines[0] == h["strongest"].format(area="Trust", score=f"{trust:.1f}".replace(".", ","))
    assert lines[1] == h["weakest"].format(area="Workload", score=f"{workload:.1f}".replace(".", ","))
    # a change is the difference of the two printed numbers
    rise = round(trust, 1) - round((70 * 40 + 10 * 3) / 43, 1)
    fall = round((55 * 40 + 99 * 3) / 43, 1) - round(workload, 1)
    assert lines[2] == h["rise"].format(area="Trust", change="+" + f"{rise:.1f}".replace(".", ","))
    assert lines[3] == h["fall"].format(area="Workload", change="−" + f"{fall:.1f}".replace(".", ","))
    assert "Kitchen" not in " ".join(lines)
    assert lines[4] == load_locale("sv").get("results_meeting.anonymity")["one"].format(minimum="fem")


def test_a_swedish_deck_writes_decimal_commas(results_build):
    deck = Presentation(str(results_build.root / "sv" / "30-results-meeting.pptx"))
    texts = " ".join(p.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
                     for p in shape.text_frame.paragraphs)
    assert "(75,1)" in texts  # Trust, now: (80 × 40 + 10 × 3) / 43 = 75.12
    assert not re.search(r"\d\.\d(?!\d)", texts)  # a decimal point (clock times are 13.00)
    prep = text(results_build.root / "sv" / "results-meeting-preps" / "0001-ann.docx")
    assert "67,5" in prep and "67.5" not in prep


def test_the_small_unit_is_in_no_chart_and_no_highlight(results_build):
    for locale in ("sv", "da"):
        deck = Presentation(str(results_build.root / locale / "30-results-meeting.pptx"))
        for chart in _charts(deck):
            assert "Kitchen" not in list(chart.plots[0].categories)
        texts = " ".join(p.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
                         for p in shape.text_frame.paragraphs)
        assert "Kitchen" not in texts


def test_charts_have_explicit_colours_and_no_automatic_title(results_build):
    deck = Presentation(str(results_build.root / "da" / "30-results-meeting.pptx"))
    for chart in _charts(deck):
        xml = chart._chartSpace.xml
        assert '<c:autoTitleDeleted val="1"/>' in xml
        assert xml.count("<a:srgbClr") >= 2
        assert 'val="-' not in xml.split("<c:axId")[1][:30]


def test_each_leader_gets_their_own_units_results(results_build):
    folder = results_build.root / "sv" / "results-meeting-preps"
    assert sorted(p.name for p in folder.iterdir()) == ["0001-ann.docx", "0002-bo.docx", "0003-cy.docx"]
    ann = Document(str(folder / "0001-ann.docx"))
    rows = [[c.text for c in row.cells] for row in ann.tables[1].rows]  # after the meeting's when and where
    assert rows[1] == ["Trust", "80,0", "70,0", "+10,0"]
    assert rows[2] == ["Workload", "50,0", "55,0", "−5,0"]
    bo = text(folder / "0002-bo.docx")
    assert load_locale("sv").get("results_meeting.prep.small_unit") in bo
    assert "99,0" not in bo  # the small unit's own numbers are never printed
    assert len(Document(str(folder / "0003-cy.docx")).tables) == 4  # meeting, organisation table, questions, notes


def test_without_leaders_there_is_one_blank_handout(survey_config, tmp_path):
    report = build(load_config(survey_config()), tmp_path / "out")
    assert sorted(p.name for p in (report.root / "da").iterdir()) == ["30-results-meeting.pptx",
                                                                      "31-results-meeting-prep.docx"]


def test_the_results_kit_needs_a_survey_only_when_asked_for(write_config, run):
    explicit = write_config("organisation: {name: T, short_name: t}\nkits: [results-meeting]\n")
    result = run("validate", explicit)
    assert result.exit_code == 2 and "kits: the results-meeting kit needs survey:" in result.output
    default = write_config("organisation: {name: T, short_name: t}\n", name="default.yaml")
    assert "results-meeting" not in load_config(default).kits


@pytest.mark.parametrize("survey, expected", [
    ("unit;area;period;respondents\nA;B;2026;10\n", "survey.csv: row 1, column score: missing column"),
    ("unit;area;period;score;respondents\nA;B;2026;high;10\n", "survey.csv: row 2, column score: expected a number"),
    ("", "survey.csv: the file is empty"),
    ("unit;area;period;score;respondents\nA;B;2026;150;10\n", "row 2, column score: 150 is outside the scale 0–100"),
    ("unit;area;period;score;respondents\nA;B;2026;50;ten\n", "row 2, column respondents: expected a whole number"),
])
def test_bad_survey_files_exit_2_naming_row_and_column(survey_config, run, survey, expected):
    result = run("validate", survey_config(survey=survey))
    assert result.exit_code == 2, result.output
    assert expected in result.output


def test_an_unknown_period_is_named(survey_config, run):
    path = survey_config()
    path.write_text(path.read_text().replace("scale: [0, 100]}", "scale: [0, 100], current: '2030'}"))
    result = run("validate", path)
    assert result.exit_code == 2
    assert "survey.current: unknown period '2030' (periods in" in result.output and "2025, 2026" in result.output


def test_an_xlsx_survey_is_read(tmp_path, write_config):
    book = Workbook()
    sheet = book.active
    sheet.append(["unit", "area", "period", "score", "respondents"])
    for period, score in (("2025", 3.5), ("2026", 4.1)):
        sheet.append(["North", "Trust", period, score, 12])
    book.save(tmp_path / "survey.xlsx")
    config = load_config(write_config("organisation: {name: T, short_name: t}\nlocales: [nb]\nkits: [results-meeting]\n"
                                      "survey: {file: survey.xlsx, scale: [1, 5]}\n"))
    deck = Presentation(str(build(config, tmp_path / "out").root / "nb" / "30-results-meeting.pptx"))
    overall = _charts(deck)[0]
    assert {s.name: list(s.values) for s in overall.plots[0].series} == {"2025": [3.5], "2026": [4.1]}
    assert (overall.value_axis.minimum_scale, overall.value_axis.maximum_scale) == (1, 5)
