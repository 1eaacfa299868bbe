"""Working days: computed dates move to the next working day, given dates are warned about."""

from __future__ import annotations

import datetime as dt

import holidays
import icalendar
import pytest
import yaml
from babel.dates import format_date
from docx import Document

from kitbuilder import build, load_config
from kitbuilder.locales import load_locale
from kitbuilder.workdays import ClosedDays, WorkingDays

from .conftest import EXAMPLE, ROOT
from .docxread import file_text

JULY = ClosedDays(dt.date(2027, 7, 1), dt.date(2027, 7, 31), "sommerferie")


@pytest.mark.parametrize("day, expected", [
    (dt.date(2027, 3, 29), dt.date(2027, 3, 30)),   # Easter Monday
    (dt.date(2027, 3, 25), dt.date(2027, 3, 30)),   # Maundy Thursday: Good Friday, Easter, Easter Monday follow
    (dt.date(2027, 5, 29), dt.date(2027, 5, 31)),   # a Saturday
    (dt.date(2027, 7, 29), dt.date(2027, 8, 2)),    # inside the July closure
    (dt.date(2027, 6, 30), dt.date(2027, 6, 30)),   # a working day stays
    (dt.date(2027, 12, 24), dt.date(2027, 12, 24)),  # Christmas Eve is no Danish public holiday: close it yourself
])
def test_the_next_working_day_skips_weekends_holidays_and_closed_periods(day, expected):
    assert WorkingDays("DK", [JULY]).next_working_day(day) == expected


def test_why_a_day_is_no_working_day_names_the_holiday_in_the_locales_language():
    danish = WorkingDays("DK", [JULY], language="da_DK")
    assert danish.why_not_working(dt.date(2027, 5, 6)) == "a public holiday in DK (Kristi himmelfartsdag)"
    assert danish.why_not_working(dt.date(2027, 5, 8)) == "a Saturday"
    assert danish.why_not_working(dt.date(2027, 7, 14)) == "in the closed period 'sommerferie', 2027-07-01 to 2027-07-31"
    assert danish.why_not_working(dt.date(2027, 5, 7)) is None
    assert "Kristi himmelsfärdsdag" in WorkingDays("SE", language="sv_SE").why_not_working(dt.date(2027, 5, 6))
    # the holidays package writes Norwegian as "no"
    assert "Andre påskedag" in WorkingDays("NO", language="nb_NO").why_not_working(dt.date(2027, 3, 29))
    # no Swedish names for Danish holidays: the country's own language
    assert "Anden påskedag" in WorkingDays("DK", language="sv_SE").why_not_working(dt.date(2027, 3, 29))


def test_swedish_midsummer_eve_counts_though_the_law_does_not_name_it():
    assert WorkingDays("SE").next_working_day(dt.date(2027, 6, 25)) == dt.date(2027, 6, 28)
    assert WorkingDays("DK").next_working_day(dt.date(2027, 6, 25)) == dt.date(2027, 6, 25)


def _working_day(day: dt.date) -> bool:
    """Checked without kitbuilder's code: weekday, Danish public holiday, the July closure."""
    return day.weekday() < 5 and day not in holidays.country_holidays("DK") and day not in JULY


@pytest.fixture(scope="module")
def july_build(tmp_path_factory):
    """The example with a Danish calendar, July 2027 closed, and step 3 on Ascension Day."""
    folder = tmp_path_factory.mktemp("july")
    config = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    config["branding"]["logo"] = str(EXAMPLE.parent / "assets" / "logo.png")
    config["leaders_file"] = str(EXAMPLE.parent / "leaders.csv")
    config["survey"]["file"] = str(EXAMPLE.parent / "survey.csv")
    config["calendar"] = {"country": "DK", "closed": [{"from": "2027-07-01", "to": "2027-07-31", "name": "sommerferie"}]}
    config["support"]["report_date"] = "2027-01-29"
    config["support"]["sparring_months"] = config["dialogue"]["follow_up_months"] = [2, 4, 6]
    config["workshops"]["concretise"]["date"] = "2027-05-06"
    path = folder / "july.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return build(load_config(path), folder / "out")


@pytest.mark.parametrize("locale", ["da", "sv", "nb"])
def test_the_support_timeline_falls_on_working_days(july_build, locale):
    timeline = Document(str(july_build.root / locale / "20-support-offers.docx")).tables[0]
    expected = {"da": ["29. januar 2027", "30. marts 2027", "31. maj 2027", "2. august 2027"],
                "sv": ["29 januari 2027", "30 mars 2027", "31 maj 2027", "2 augusti 2027"],
                "nb": ["29. januar 2027", "30. mars 2027", "31. mai 2027", "2. august 2027"]}[locale]
    assert [row.cells[0].text for row in timeline.rows][1:] == expected


def test_every_follow_up_in_every_calendar_and_guide_is_a_working_day(july_build):
    calendars = sorted(july_build.root.rglob("*.ics"))
    assert len(calendars) == 9  # three leaders in three locales
    follow_ups = []
    for path in calendars:
        events = list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
        first, *later = [event.decoded("dtstart") for event in events]
        assert len(later) == 3
        follow_ups += later
        assert all(moment.time() == first.time() for moment in later)  # the dialogue's time of day
        # the guide beside the calendar lists the same days
        guide = file_text(path.with_suffix(".docx"))
        babel = load_locale(path.parent.parent.name).babel
        assert all(format_date(moment.date(), "full", locale=babel) in guide for moment in later)
    assert follow_ups and all(_working_day(moment.date()) for moment in follow_ups)
    # Karin's first meeting is 3 March: + 4 months is Saturday 3 July, in the closure
    karin = icalendar.Calendar.from_ical((july_build.root / "da" / "dialogue-guides" / "0002-karin-öström.ics")
                                         .read_bytes())
    assert [event.decoded("dtstart").date() for event in karin.walk("VEVENT")] == [
        dt.date(2027, 3, 3), dt.date(2027, 5, 3), dt.date(2027, 8, 2), dt.date(2027, 9, 3)]


def test_the_guides_print_the_moved_days(july_build):
    guide = file_text(july_build.root / "da" / "dialogue-guides" / "0002-karin-öström.docx")
    assert "mandag den 2. august 2027 kl. 09.30" in guide
    assert "lørdag" not in guide and "søndag" not in guide


def test_a_workshop_on_ascension_day_is_a_warning_naming_the_field_and_holiday(july_build):
    [warning] = [w for w in july_build.kit.warnings if "workshops.concretise.date" in w]
    assert warning.endswith("workshops.concretise.date: 2027-05-06 is a public holiday in DK (Kristi himmelfartsdag)")
    # given dates are never moved
    slide_text = file_text(july_build.root / "da" / "04-runsheet-concretise.pptx")
    assert "torsdag den 6. maj 2027" in slide_text


def test_dates_given_on_days_off_are_warned_about_where_they_were_given(tmp_path, write_config, run):
    (tmp_path / "leaders.csv").write_text("name;meeting\nAnn;2027-03-02T10:00\nBo;2027-05-06T10:00\n",
                                          encoding="utf-8")
    path = write_config("organisation: {name: T, short_name: t}\nlocales: [da]\n"
                        "kits: [leader-dialogue, evaluation-follow-up]\nleaders_file: leaders.csv\n"
                        "support: {report_date: 2027-07-10}\n"
                        "workshops: {results: {date: 2027-07-14}}\n"
                        "calendar: {closed: [{from: 2027-07-12, to: 2027-07-30, name: summer}]}\n")
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    assert "leaders.csv: row 3, column meeting: 2027-05-06 10:00 is a public holiday in DK (Kristi himmelfartsdag)" in result.output
    assert "support.report_date: 2027-07-10 is a Saturday" in result.output
    assert ("workshops.results.date: 2027-07-14 is in the closed period 'summer', 2027-07-12 to 2027-07-30"
            in result.output)
    assert "Ann" not in result.output
    inline = write_config("organisation: {name: T, short_name: t}\nlocales: [sv]\nkits: [leader-dialogue]\n"
                          "leaders: [{name: Ann, meeting: 2027-06-25T10:00}]\n", name="inline.yaml")
    result = run("validate", inline)
    assert "inline.yaml: leaders[0].meeting: 2027-06-25 10:00 is a public holiday in SE (Midsommarafton)" in result.output


def test_the_country_comes_from_the_first_locale(tmp_path, write_config):
    def sparring_day(locales: str) -> str:
        config = load_config(write_config(f"organisation: {{name: T, short_name: t}}\nlocales: [{locales}]\n"
                                          "kits: [evaluation-follow-up]\n"
                                          "support: {report_date: 2027-04-25, sparring_months: [2]}\n"))
        return build(config, tmp_path / locales.replace(", ", "-")).kit.locales[0].support.timeline[1].date
    assert sparring_day("sv, da") == "28 juni 2027"  # 25 April + 2 months is Midsummer Eve in Sweden
    assert sparring_day("da, sv") == "25. juni 2027"  # and a working day in Denmark
    assert load_locale("nb").country == "NO" and load_locale("en").country == "GB"


def test_verbose_lists_the_dates_that_moved(run, tmp_path):
    result = run("-v", "validate", EXAMPLE)
    assert result.exit_code == 0
    assert ("moved: support timeline, 2 months after the report: 2027-03-29 is a public holiday in DK "
            "(Anden påskedag); moved to Tuesday 2027-03-30") in result.output
    assert "moved: Jens Ærø, follow-up 1: 2027-05-02 is a Sunday; moved to Monday 2027-05-03" in result.output
    quiet = run("validate", EXAMPLE)
    assert "moved:" not in quiet.output


@pytest.mark.parametrize("locale, country, holiday", [("nb", "NO", "Grunnlovsdag"), ("sv", "SE", "Kristi himmelsfärdsdag"),
                                                       ("da", "DK", "Kristi himmelfartsdag")])
def test_a_starter_in_one_language_counts_that_countrys_holidays(tmp_path, run, locale, country, holiday):
    """``kitbuilder init --locale nb`` makes a Norwegian kit: Norway's public holidays, not
    Denmark's (the starter names no country; the first language's is used)."""
    assert run("init", tmp_path / "kit", "--locale", locale).exit_code == 0
    starter = tmp_path / "kit" / "kitbuilder.yaml"
    config = load_config(starter)
    assert (config.locales, config.calendar.country) == ([locale], country)
    day = {"NO": "2027-05-17", "SE": "2027-05-06", "DK": "2027-05-06"}[country]
    text = starter.read_text(encoding="utf-8").replace("# leaders_file: leaders.csv",
                                                       f"leaders: [{{name: Ola Dahl, meeting: {day}T10:00}}]")
    starter.write_text(text, encoding="utf-8")
    result = run("validate", starter)
    assert result.exit_code == 0, result.output
    assert f"{day} 10:00 is a public holiday in {country} (" in result.output and holiday in result.output


def test_the_starter_names_the_languages_it_builds(tmp_path, run):
    from kitbuilder.starter import STARTER_LOCALES

    run("init", tmp_path / "kit")
    assert load_config(tmp_path / "kit" / "kitbuilder.yaml").locales == list(STARTER_LOCALES)


def test_the_example_and_the_starter_close_for_the_summer(tmp_path, run):
    run("init", tmp_path / "kit")
    for path in (EXAMPLE, tmp_path / "kit" / "kitbuilder.yaml"):
        [period] = load_config(path).calendar.closed
        assert (period.start.month, period.end.month) == (7, 7)
    assert "calendar" in (ROOT / "README.md").read_text(encoding="utf-8")
