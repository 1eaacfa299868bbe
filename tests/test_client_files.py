"""Clients' files as they come: survey exports (title rows, blanks, wide, a sheet per period,
decimal commas, percentages), HR leaders files (Nordic headers, Excel's dates), names per
locale, and calendar invitations for the leader and the manager."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from docx import Document
from openpyxl import Workbook
from pptx import Presentation

from kitbuilder import build, load_config
from kitbuilder.inputs.leaders import LEADER_COLUMNS, parse_meeting
from kitbuilder.inputs.survey import COLUMNS
from kitbuilder.inputs.tables import column_headers, normalise_header
from kitbuilder.locales import available_locales, load_locale

from .docxread import text

CONFIG = "organisation: {name: Testby, short_name: testby}\nlocales: [da]\nkits: [results-meeting]\n"

# Two title rows above the header, Danish column names, a blank score (North, Trust, 2026), a
# suppressed one (South, Workload, 2025), an area asked only in 2026 (Influence), a decimal
# comma and a count with a thousands separator.
EXPORT = """Medarbejdertrivsel 2026;;;;
Udtræk fra spørgeskemasystemet;;;;
Enhed;Område;År;Gennemsnit;Antal svar
North;Trust;2025;70;10
North;Trust;2026;;10
North;Workload;2025;55;10
North;Workload;2026;50;10
North;Influence;2025;-;10
North;Influence;2026;60;10
South;Trust;2025;70;1 204
South;Trust;2026;80;1 204
South;Workload;2025;*;1 204
South;Workload;2026;52,5;1 204
South;Influence;2025;n/a;1 204
South;Influence;2026;64;1 204
"""


def _charts(path):
    """Each chart of a deck as (categories, {series name: values})."""
    return [(list(shape.chart.plots[0].categories), {s.name: list(s.values) for s in shape.chart.plots[0].series})
            for slide in Presentation(str(path)).slides for shape in slide.shapes if shape.has_chart]


def _slide_text(path):
    return " ".join(p.text for slide in Presentation(str(path)).slides for shape in slide.shapes
                    if shape.has_text_frame for p in shape.text_frame.paragraphs)


@pytest.fixture
def export_config(tmp_path, write_config):
    (tmp_path / "survey.csv").write_text(EXPORT, encoding="utf-8")
    return write_config(CONFIG + "survey: survey.csv\n")


def test_an_export_with_title_rows_and_missing_values_builds_with_gaps(export_config, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working directory
    result = run("-v", "build", export_config, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "survey.csv: the header is row 3" in result.output
    assert ("survey.csv: 4 missing values (blank, -, –, —, n/a, *), left out of every average, highlight and chart: "
            "row 5, column Gennemsnit; row 8, column Gennemsnit; row 12, column Gennemsnit; "
            "row 14, column Gennemsnit") in result.output
    deck = tmp_path / "out" / "testby" / "da" / "30-results-meeting.pptx"
    (areas, overall), (units, unit_series) = _charts(deck)
    assert areas == ["Trust", "Workload", "Influence"]
    # a missing value is no bar at all (never 0) and no part of an average
    assert overall["2025"] == pytest.approx([70, 55, None])
    assert overall["2025"][2] is None
    assert overall["2026"] == pytest.approx([80, (50 * 10 + 52.5 * 1204) / 1214, (60 * 10 + 64 * 1204) / 1214])
    assert units == ["North", "South"]
    assert unit_series["2025"] == pytest.approx([(70 + 55) / 2, 70])
    assert unit_series["2026"] == pytest.approx([(50 + 60) / 2, (80 + 52.5 + 64) / 3])
    # Influence has no 2025 value: it cannot rise or fall; Trust rose most (+10,0)
    h = load_locale("da").get("results_meeting.highlights")
    texts = _slide_text(deck)
    assert h["rise"].format(area="Trust", change="+10,0") in texts
    assert "Influence (+" not in texts and "Influence (−" not in texts
    assert load_locale("da").get("results_meeting.overall_note")["other"].format(
        scale="0–100", count="1.214", current="2026") in texts


# The same numbers in three shapes: long, wide (a column per area) and one XLSX sheet per period.
LONG = """unit;area;period;score;respondents
North;Trust;2025;70;10
North;Trust;2026;-;10
North;Workload;2025;55;10
North;Workload;2026;50;10
South;Trust;2025;70;1204
South;Trust;2026;80;1204
South;Workload;2025;n/a;1204
South;Workload;2026;72,5;1204
"""
WIDE = """Trivsel 2025–2026;;;;
;;;;
Enhed;Periode;Antal svar;Trust;Workload
North;2025;10;70;55
North;2026;10;-;50
South;2025;1.204;70;n/a
South;2026;1 204;80;72,5
"""


def _sheet_per_period(path):
    book = Workbook()
    book.remove(book.active)
    for period, rows in (("2025", [("North", 10, 0.70, 0.55), ("South", 1204, 0.70, "*")]),
                         ("2026", [("North", 10, None, 0.50), ("South", 1204, 0.80, 0.725)])):
        sheet = book.create_sheet(period)
        sheet.append([f"Trivselsmåling {period}"])
        sheet.append(["Enhet", "Antal svarande", "Trust", "Workload"])
        for row in rows:
            sheet.append(row)
        for cells in sheet.iter_rows(min_row=3, min_col=3):
            for cell in cells:
                cell.number_format = "0.0%"
    book.save(path)


@pytest.mark.parametrize("name", ["wide.csv", "per-period.xlsx"])
def test_wide_and_sheet_per_period_files_give_the_same_charts_as_long(tmp_path, write_config, name):
    (tmp_path / "long.csv").write_text(LONG, encoding="utf-8")
    if name.endswith(".csv"):
        (tmp_path / name).write_text(WIDE, encoding="utf-8")
    else:
        _sheet_per_period(tmp_path / name)
    decks = {}
    for file in ("long.csv", name):
        config = load_config(write_config(CONFIG + f"survey: {file}\n", name=f"{file}.yaml"))
        report = build(config, tmp_path / f"out-{file}")
        decks[file] = _charts(report.root / "da" / "30-results-meeting.pptx")
    assert decks[name] == decks["long.csv"]
    (areas, overall), _ = decks[name]
    assert areas == ["Trust", "Workload"] and overall["2026"][1] == (50 * 10 + 72.5 * 1204) / 1214


def test_numbers_as_survey_tools_write_them(tmp_path):
    from kitbuilder.inputs.survey import load_survey

    (tmp_path / "survey.csv").write_text("Unit\tArea\tPeriod\tScore\tRespondents\n"
                                         "A\tTrust\t2026\t72,5 %\t1,204\nB\tTrust\t2026\t68.25\t12\n"
                                         "C\tTrust\t2026\t–\t1.000.000\n", encoding="utf-8")
    data = load_survey(tmp_path / "survey.csv", "survey.csv", (0, 100))
    assert [(r.unit, r.score, r.respondents) for r in data.rows] == [("A", 72.5, 1204), ("B", 68.25, 12),
                                                                     ("C", None, 1_000_000)]
    assert data.warnings == ("survey.csv: 1 missing value (blank, -, –, —, n/a, *), left out of every average, "
                             "highlight and chart: row 4, column Score",)


def test_without_counts_every_unit_is_shown_and_counts_once(tmp_path, write_config):
    (tmp_path / "survey.csv").write_text("Enhed;Periode;Trust;Workload\nNorth;2026;70;50\nKitchen;2026;10;*\n",
                                         encoding="utf-8")
    report = build(load_config(write_config(CONFIG + "survey: survey.csv\n")), tmp_path / "out")
    deck = report.root / "da" / "30-results-meeting.pptx"
    (areas, overall), (units, unit_series) = _charts(deck)
    assert overall == {"2026": [40.0, 50.0]} and units == ["North", "Kitchen"]
    assert unit_series == {"2026": [60.0, 10.0]}
    assert load_locale("da").get("results_meeting.overall_note_no_count").format(
        scale="0–100", current="2026") in _slide_text(deck)


def test_survey_labels_print_each_locales_names(tmp_path, write_config):
    (tmp_path / "survey.csv").write_text(LONG, encoding="utf-8")
    config = load_config(write_config(
        "organisation: {name: Testby, short_name: testby}\nlocales: [da, en]\nkits: [results-meeting]\n"
        "survey:\n  file: survey.csv\n  labels:\n"
        "    Trust: {da: Tillid, en: Trust in management}\n    Workload: {da: Arbejdsmængde}\n"
        "    North: {da: Nord, en: North side}\n    Trsut: {da: Tillid}\n"
        "leaders: [{name: Ann, unit: North}]\n"))
    report = build(config, tmp_path / "out")
    assert any("survey.labels.Trsut: no area or unit is named 'Trsut'" in w for w in report.kit.warnings)
    for locale, trust, workload, north in (("da", "Tillid", "Arbejdsmængde", "Nord"),
                                           ("en", "Trust in management", "Workload", "North side")):
        deck = report.root / locale / "30-results-meeting.pptx"
        (areas, _), (units, _) = _charts(deck)
        assert areas == [trust, workload] and units == [north, "South"]
        strongest = load_locale(locale).get("results_meeting.highlights.strongest")
        assert strongest.format(area=trust, score="80,0" if locale == "da" else "80.0") in _slide_text(deck)
        handout = report.root / locale / "results-meeting-preps" / "0001-ann.docx"
        assert load_locale(locale).get("results_meeting.prep.unit_results").format(unit=north) in text(handout)
        # the first table says when and where the meeting is; the results follow
        assert [row.cells[0].text for row in Document(str(handout)).tables[1].rows][1:] == [trust, workload]


def test_a_leader_of_an_unsurveyed_unit_is_a_warning_and_a_sentence(tmp_path, write_config, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "survey.csv").write_text(LONG, encoding="utf-8")
    path = write_config("organisation: {name: Testby, short_name: testby}\nlocales: [da, sv]\n"
                        "kits: [results-meeting, leader-dialogue]\nsurvey: survey.csv\n"
                        "leaders: [{name: Ann, unit: North}, {name: Bo Ek, unit: Staff, meeting: 2027-03-02T10:00}]\n")
    result = run("build", path, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert ("config.yaml: leaders[1]: leader 'Bo Ek': unit 'Staff' is not in survey.csv; their results handout "
            "shows only the organisation's results") in result.output
    root = tmp_path / "out" / "testby"
    for locale in ("da", "sv"):
        handout = root / locale / "results-meeting-preps" / "0002-bo-ek.docx"
        body = text(handout)
        assert load_locale(locale).get("results_meeting.prep.no_unit_results").format(unit="Staff") in body
        assert load_locale(locale).get("results_meeting.prep.small_unit") not in body
        organisation = [row.cells[0].text for row in Document(str(handout)).tables[1].rows]  # after when and where
        assert organisation[1:] == ["Trust", "Workload"]  # the organisation's results, the only results table
        assert (root / locale / "dialogue-guides" / "0002-bo-ek.docx").is_file()
        assert "Staff" in text(root / locale / "dialogue-guides" / "0002-bo-ek.docx")


# An HR system's export as Excel saves it in Denmark: Windows-1252, semicolons, Danish headers.
HR_EXPORT = """Navn;Enhed;Nærmeste leder;E-mail;Nærmeste leders e-mail;Møde;Sted;Sprog
Jens Ærø;Vej og Park;Anne Østergaard;jens@example.org;anne@example.org;02-03-2027 10:00;Rådhuset;da
Karin Öström;Borgerservice;Anne Østergaard;karin@example.org;anne@example.org;3.3.2027 9.30;;SV
Sigrid Håkonsen;Skole;Lars Bech;;lars@example.org;2027-03-04T13:00:00;Skolevej 12;
"""


@pytest.fixture
def hr_build(tmp_path, write_config):
    (tmp_path / "ledere.csv").write_bytes(HR_EXPORT.encode("cp1252"))
    config = load_config(write_config(
        "organisation: {name: Fjordby, short_name: fjordby}\nlocales: [da, sv]\nkits: [leader-dialogue]\n"
        "leaders_file: ledere.csv\ndialogue: {organiser: {name: Mette Holm, email: mette@example.org}}\n"))
    return config, build(config, tmp_path / "out")


def test_a_windows_1252_file_with_danish_headers_and_excel_dates_builds(hr_build):
    config, report = hr_build
    assert [(l.name, l.unit, l.manager, l.manager_email, l.meeting, l.locale) for l in config.leaders] == [
        ("Jens Ærø", "Vej og Park", "Anne Østergaard", "anne@example.org", dt.datetime(2027, 3, 2, 10), "da"),
        ("Karin Öström", "Borgerservice", "Anne Østergaard", "anne@example.org", dt.datetime(2027, 3, 3, 9, 30), "sv"),
        ("Sigrid Håkonsen", "Skole", "Lars Bech", "lars@example.org", dt.datetime(2027, 3, 4, 13), None)]
    cover = Document(str(report.root / "da" / "dialogue-guides" / "0002-karin-öström.docx")).tables[0]
    assert [row.cells[1].text for row in cover.rows][:4] == ["Karin Öström", "Borgerservice", "Anne Østergaard",
                                                             "onsdag den 3. marts 2027 kl. 09.30"]


def test_every_calendar_file_invites_the_manager_from_the_organiser(hr_build):
    _, report = hr_build
    files = sorted(report.root.glob("*/dialogue-guides/*.ics"))
    assert len(files) == 6
    for path in files:
        events = list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
        assert len(events) == 4  # the dialogue and three follow-ups
        for event in events:
            attendees = event.get("attendee")
            attendees = attendees if isinstance(attendees, list) else [attendees]
            invited = {str(a): a.params["CN"] for a in attendees}
            manager = ("mailto:lars@example.org", "Lars Bech") if "sigrid" in path.name else \
                ("mailto:anne@example.org", "Anne Østergaard")
            assert invited[manager[0]] == manager[1]
            assert len(invited) == (1 if "sigrid" in path.name else 2)  # Sigrid has no e-mail address
            assert str(event["organizer"]) == "mailto:mette@example.org"
            assert event["organizer"].params["CN"] == "Mette Holm"


def test_an_xlsx_with_swedish_headers_and_date_cells_is_read(tmp_path, write_config):
    book = Workbook()
    sheet = book.active
    sheet.append(["Chefer i förvaltningen"])
    sheet.append(["Namn", "Enhet", "Närmaste chef", "Chefens e-post", "Möte", "Språk"])
    sheet.append(["Åsa Berg", "HR", "Per Lund", "per@example.org", dt.datetime(2027, 4, 1, 9, 0), "nb"])
    book.save(tmp_path / "chefer.xlsx")
    config = load_config(write_config("organisation: {name: T, short_name: t}\nleaders_file: chefer.xlsx\n"))
    assert [(l.name, l.manager, l.manager_email, l.meeting, l.locale, l.source) for l in config.leaders] == [
        ("Åsa Berg", "Per Lund", "per@example.org", dt.datetime(2027, 4, 1, 9), "nb", "row 3")]


@pytest.mark.parametrize("value", [
    dt.datetime(2027, 3, 2, 10, 0), "2027-03-02 10:00", "2027-03-02T10:00:00", "02-03-2027 10:00",
    "2.3.2027 10.00", "02.03.2027 kl. 10.00", "2027/03/02 10:00",
])
def test_meeting_times_as_excel_writes_them(value):
    assert parse_meeting(value) == dt.datetime(2027, 3, 2, 10, 0)


def test_a_date_with_slashes_is_read_when_the_day_is_clear():
    assert parse_meeting("25/03/2027 10:00") == dt.datetime(2027, 3, 25, 10, 0)  # there is no month 25


@pytest.mark.parametrize("value, message", [
    ("02/03/2027 10:00", "ambiguous date"),  # 2 March here, 3 February in the US
    ("2.3.27 10.00", "ambiguous year"),
    ("31.02.2027 10.00", "no such date and time"),
    ("2027-03-02 25:00", "no such date and time"),
    ("2027-03-02", "expected a date and a time"),
    (dt.date(2027, 3, 2), "expected a date and a time"),
    ("next tuesday", "expected a date and a time"),
])
def test_ambiguous_and_impossible_meeting_times_are_refused(value, message):
    with pytest.raises(ValueError, match=message):
        parse_meeting(value)


def test_column_headers_come_from_every_locale_and_name_one_column_each():
    for keys in (COLUMNS, LEADER_COLUMNS):
        owner = {}
        for key in keys:
            for header in column_headers(key):
                assert owner.setdefault(normalise_header(header), key) == key, (header, key, owner)
    for code in available_locales():
        assert set(load_locale(code).text["columns"]) == set(COLUMNS) | set(LEADER_COLUMNS), code
    assert {"enhed", "enhet", "avdelning"} <= set(column_headers("unit"))
    assert normalise_header(" Antal_Svar ") == normalise_header("antal svar") == normalise_header("ANTAL-SVAR")


def test_a_place_in_a_file_keeps_its_parts_whatever_the_names(tmp_path):
    """A missing value's or a problem's place is text in a message and row, column and sheet
    for the web page, also when a sheet's or column's name looks like a place itself, and
    after it crossed from a worker process."""
    import pickle

    from kitbuilder.errors import InputError, Problem
    from kitbuilder.inputs.survey import load_survey

    book = Workbook()
    book.remove(book.active)
    sheet = book.create_sheet("Q1 'row 2', \"x\"")
    sheet.append(["Enhed", "Periode", "Trust, row 9"])
    sheet.append(["North", "2026", None])
    sheet = book.create_sheet("Q2")
    sheet.append(["Enhed", "Periode", "Trust, row 9"])
    sheet.append(["North", "2025", 70])
    book.save(tmp_path / "survey.xlsx")
    [place] = load_survey(tmp_path / "survey.xlsx", "survey.xlsx", (0, 100)).missing
    assert (place.sheet, place.row, place.column) == ("Q1 'row 2', \"x\"", 2, "Trust, row 9")
    assert place == """sheet 'Q1 \\'row 2\\', "x"', row 2, column Trust, row 9"""
    [problem] = pickle.loads(pickle.dumps(InputError([Problem("survey.xlsx", place, "bad")]))).problems
    assert (problem.path.sheet, problem.path.row, problem.path.column) == (place.sheet, 2, "Trust, row 9")
