"""Leader dialogue and evaluation follow-up: personalised guides, leaders files, calendars, dates."""

from __future__ import annotations

import datetime as dt
import re
import hashlib
from zoneinfo import ZoneInfo

import icalendar
import pytest
from docx import Document
from openpyxl import Workbook

from kitbuilder import build, load_config
from kitbuilder.assemble import add_months
from kitbuilder.locales import load_locale

from .conftest import EXAMPLE
from .docxread import paragraphs, text

LEADERS = """name;unit;manager;email;meeting;place
Jens Ærø;Vej og Park;Anne Østergaard;jens@example.org;2026-03-02T10:00;Rådhuset
Karin Öström;Borgerservice;Anne Østergaard;;2026-03-03T09:30;
Sigrid Håkonsen;Skole;Lars Bech;;2026-01-31T13:00;Skolevej 12
"""


@pytest.fixture
def leaders_config(tmp_path, write_config):
    (tmp_path / "leaders.csv").write_bytes(LEADERS.encode("cp1252"))
    return load_config(write_config(
        "organisation: {name: Fjordby, short_name: fjordby}\nlocales: [da, sv, nb]\n"
        "kits: [leader-dialogue, evaluation-follow-up]\nleaders_file: leaders.csv\n"
        "dialogue: {place: Mødelokale 1}\nsupport: {report_date: 2026-01-31}\n"))


def test_a_semicolon_windows_1252_file_keeps_nordic_letters(leaders_config):
    assert [(l.name, l.manager) for l in leaders_config.leaders] == [
        ("Jens Ærø", "Anne Østergaard"), ("Karin Öström", "Anne Østergaard"), ("Sigrid Håkonsen", "Lars Bech")]
    assert leaders_config.leaders[0].meeting == dt.datetime(2026, 3, 2, 10, 0)


def test_an_xlsx_file_is_read_too(tmp_path, write_config):
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Unit", "Manager", "Meeting"])
    sheet.append(["Åsa Berg", "HR", "Per Lund", dt.datetime(2026, 4, 1, 9, 0)])
    book.save(tmp_path / "leaders.xlsx")
    config = load_config(write_config("organisation: {name: T, short_name: t}\nleaders_file: leaders.xlsx\n"))
    assert [(l.name, l.manager, l.meeting) for l in config.leaders] == [("Åsa Berg", "Per Lund", dt.datetime(2026, 4, 1, 9))]


@pytest.mark.parametrize("rows, expected", [
    ("Jens;2026-03-02T10:00\nJENS;2026-03-03T10:00\n", "row 3, column name: 'JENS' is already listed in row 2"),
    (";2026-03-02T10:00\n", "row 2, column name: required but empty"),
    ("Jens;31-02-2026\n", "row 2, column meeting:"),
    ("Jens;2026-02-31T10:00\n", "row 2, column meeting:"),
    ("Jens;2026-03-02\n", "row 2, column meeting: expected a date and a time"),
])
def test_bad_rows_exit_2_naming_the_row_and_column(tmp_path, write_config, run, rows, expected):
    (tmp_path / "leaders.csv").write_text("name;meeting\n" + rows, encoding="utf-8")
    path = write_config("organisation: {name: T, short_name: t}\nleaders_file: leaders.csv\n")
    result = run("validate", path)
    assert result.exit_code == 2
    assert f"leaders.csv: {expected}" in result.output


def test_duplicate_inline_leaders_are_named(write_config, run):
    path = write_config("organisation: {name: T, short_name: t}\nleaders: [{name: Jens}, {name: jens}]\n")
    result = run("validate", path)
    assert result.exit_code == 2
    assert "leaders[1].name: 'jens' is already listed as leaders[0]" in result.output


@pytest.fixture
def leaders_build(leaders_config, tmp_path):
    return build(leaders_config, tmp_path / "out")


@pytest.mark.parametrize("locale, meeting", [
    ("da", "mandag den 2. marts 2026 kl. 10.00"),
    ("sv", "måndag 2 mars 2026 kl. 10.00"),
    ("nb", "mandag 2. mars 2026 kl. 10.00"),
])
def test_three_leaders_get_three_personal_guides(leaders_build, locale, meeting):
    guides = sorted((leaders_build.root / locale / "dialogue-guides").glob("*.docx"))
    assert [g.name for g in guides] == ["0001-jens-ærø.docx", "0002-karin-öström.docx", "0003-sigrid-håkonsen.docx"]
    cover = Document(str(guides[0])).tables[0]
    values = [row.cells[1].text for row in cover.rows]
    assert values == ["Jens Ærø", "Vej og Park", "Anne Østergaard", meeting, "Rådhuset"]
    second = [row.cells[1].text for row in Document(str(guides[1])).tables[0].rows]
    assert second[0] == "Karin Öström" and second[4] == "Mødelokale 1"  # the default place
    body = text(guides[0])
    assert load_locale(locale).get("leader_dialogue.evaluation.questions.stop") in body
    assert "Karin" not in body


def test_without_leaders_there_is_one_blank_guide(tmp_path, write_config):
    config = load_config(write_config("organisation: {name: T, short_name: t}\nlocales: [sv]\n"
                                      "kits: [leader-dialogue]\n"))
    report = build(config, tmp_path / "out")
    assert [p.relative_to(report.root).as_posix() for p in report.files] == ["sv/10-dialogue-guide.docx"]
    cover = Document(str(report.files[0])).tables[0]
    assert [row.cells[1].text for row in cover.rows] == [""] * 5
    assert load_locale("sv").get("leader_dialogue.follow_up.no_meetings") in text(report.files[0])


def test_follow_up_meetings_keep_month_ends_on_working_days(leaders_build):
    body = paragraphs(leaders_build.root / "da" / "dialogue-guides" / "0003-sigrid-håkonsen.docx")
    assert "• tirsdag den 31. marts 2026 kl. 13.00" in body
    assert "• mandag den 1. juni 2026 kl. 13.00" in body  # 31 May is a Sunday
    assert "• fredag den 31. juli 2026 kl. 13.00" in body


def test_calendar_files_parse_back_with_time_zone(leaders_build):
    data = (leaders_build.root / "sv" / "dialogue-guides" / "0001-jens-ærø.ics").read_bytes()
    calendar = icalendar.Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 4  # the dialogue and three follow-ups
    first = events[0]
    zone = ZoneInfo("Europe/Copenhagen")  # a Danish organisation's zone, in its Swedish kit too
    assert first.decoded("dtstart") == dt.datetime(2026, 3, 2, 10, 0, tzinfo=zone)
    assert first.decoded("dtend") == dt.datetime(2026, 3, 2, 10, 45, tzinfo=zone)
    assert first["dtstart"].params["TZID"] == "Europe/Copenhagen"
    assert str(first["summary"]) == load_locale("sv").get("leader_dialogue.calendar.dialogue").format(
        leader="Jens Ærø", manager="Anne Østergaard")
    assert str(first["attendee"]) == "mailto:jens@example.org"
    assert events[1].decoded("dtstart") == dt.datetime(2026, 5, 4, 10, 0, tzinfo=zone)  # 2 May is a Saturday
    assert [c.name for c in calendar.subcomponents].count("VTIMEZONE") == 1


@pytest.mark.parametrize("locale, you", [("da", {"din", "dine", "dig"}), ("sv", {"din", "dina", "dig"}),
                                         ("nb", {"din", "dine", "deg"})])
def test_every_calendar_description_names_both_people_it_goes_to(leaders_build, locale, you):
    data = (leaders_build.root / locale / "dialogue-guides" / "0001-jens-ærø.ics").read_bytes()
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        description = str(event["description"])
        assert "Jens Ærø" in description  # the leader and the manager both receive it: no "you"
        assert not you & set(re.findall(r"\w+", description.lower())), description
    assert "Anne Østergaard" in str(icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["description"])


def test_the_configured_time_zone_wins(tmp_path, write_config):
    config = load_config(write_config("organisation: {name: T, short_name: t}\nlocales: [da]\n"
                                      "kits: [leader-dialogue]\ntimezone: Europe/Oslo\n"
                                      "leaders: [{name: Per, meeting: 2026-06-01T08:00}]\n"))
    report = build(config, tmp_path / "out")
    calendar = icalendar.Calendar.from_ical((report.root / "da" / "dialogue-guides" / "0001-per.ics").read_bytes())
    assert next(iter(calendar.walk("VEVENT")))["dtstart"].params["TZID"] == "Europe/Oslo"


@pytest.mark.parametrize("locale, dates", [
    ("da", ["31. januar 2026", "31. marts 2026", "1. juni 2026", "31. juli 2026"]),
    ("sv", ["31 januari 2026", "31 mars 2026", "1 juni 2026", "31 juli 2026"]),
    ("nb", ["31. januar 2026", "31. mars 2026", "1. juni 2026", "31. juli 2026"]),
])
def test_support_offers_compute_sparring_dates_from_the_report_date(leaders_build, locale, dates):
    timeline = Document(str(leaders_build.root / locale / "20-support-offers.docx")).tables[0]
    assert [row.cells[0].text for row in timeline.rows][1:] == dates


@pytest.mark.parametrize("day, months, expected", [
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)), (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2026, 1, 31), 2, dt.date(2026, 3, 31)), (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
    (dt.date(2026, 8, 15), 6, dt.date(2027, 2, 15)),
])
def test_adding_months_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_leader_names_become_safe_unique_file_names(tmp_path, write_config):
    config = load_config(write_config(
        "organisation: {name: T, short_name: t}\nlocales: [da]\nkits: [leader-dialogue]\n"
        "leaders: [{name: ../../etc/passwd}, {name: 'Ærø / Ødegård'}, {name: '..'}, {name: 'ærø ødegård'}]\n"))
    report = build(config, tmp_path / "out")
    names = sorted(p.name for p in (report.root / "da" / "dialogue-guides").glob("*.docx"))
    assert names == ["0001-etc-passwd.docx", "0002-ærø-ødegård.docx", "0003-leader.docx", "0004-ærø-ødegård.docx"]
    assert all(report.root in p.parents for p in report.files)


def test_one_leader_can_be_rebuilt_alone(leaders_config, tmp_path):
    out = tmp_path / "out"
    report = build(leaders_config, out)
    before = {p: p.stat().st_mtime_ns for p in report.files}
    again = build(leaders_config, out, leader="karin öström")
    assert sorted(p.name for p in again.files) == ["0002-karin-öström.docx"] * 3 + ["0002-karin-öström.ics"] * 3
    unchanged = [p for p in before if "karin" not in p.name]
    assert all(p.stat().st_mtime_ns == before[p] for p in unchanged)


def test_an_unknown_leader_is_a_usage_error(leaders_config, tmp_path):
    from kitbuilder.errors import InputError
    with pytest.raises(InputError) as caught:
        build(leaders_config, tmp_path / "out", leader="Karin Ostrom")
    assert "no leader named 'Karin Ostrom'" in str(caught.value) and "Karin Öström" in str(caught.value)


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "spawned"])
def test_a_pool_of_workers_writes_the_same_files(tmp_path, write_config, monkeypatch, fork):
    monkeypatch.setattr("kitbuilder.pipeline.FORK_WORKERS", fork)
    rows = "\n".join(f"Leder {i};2026-03-{1 + i % 28:02d}T09:00" for i in range(45))
    (tmp_path / "leaders.csv").write_text("name;meeting\n" + rows + "\n", encoding="utf-8")
    config = load_config(write_config("organisation: {name: T, short_name: t}\nlocales: [da]\n"
                                      "kits: [leader-dialogue]\nleaders_file: leaders.csv\n"))
    one = build(config, tmp_path / "one")
    two = build(config, tmp_path / "two", jobs=2)

    def digests(report):
        return {p.relative_to(report.root): hashlib.sha256(p.read_bytes()).hexdigest() for p in report.files}

    assert len(one.files) == 90
    assert digests(one) == digests(two)


def test_the_example_config_builds_every_kit(example_build):
    kits = {entry.kit for entry in example_build.entries}
    assert kits == {"wellbeing-plan", "leader-dialogue", "evaluation-follow-up", "results-meeting"}
    assert load_config(EXAMPLE).leaders[1].name == "Karin Öström"
