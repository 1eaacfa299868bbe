"""The web app (kitbuilder serve) over HTTP: every route, and every promise of "safe by default"."""

from __future__ import annotations

import difflib
import io
import json
import re
import shlex
import shutil
import time
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from kitbuilder.inputs.config import Organisation
from kitbuilder.kits import kit_namespace
from kitbuilder.locales import load_locale
from kitbuilder.web.app import SESSION_COOKIE, create_app

from .conftest import ROOT, SEND_ADDRESSES

JSON = {"Accept": "application/json"}
LEADERS = "name;unit;manager;email;meeting\nJens Ærø;IT;Anne Berg;jens@example.org;2027-03-02T10:00\n" \
          "Karin Öström;HR;Anne Berg;karin@example.org;2027-03-40T09:00\nSigrid Håkonsen;IT;Lars Bech;;\n"


@pytest.fixture
def workspace(tmp_path) -> Path:
    return tmp_path / "workspace"


@pytest.fixture
def client(workspace):
    with TestClient(create_app(workspace, max_upload=64 * 1024, build_jobs=1)) as client:
        yield client


def example_project(workspace: Path, name: str = "fjordby") -> Path:
    """The example config, with its logo, leaders and survey files, as a project."""
    folder = workspace / name
    (folder / "assets").mkdir(parents=True)
    shutil.copy(ROOT / "config" / "example.yaml", folder / "kitbuilder.yaml")
    shutil.copy(ROOT / "config" / "assets" / "logo.png", folder / "assets" / "logo.png")
    for data in ("leaders.csv", "survey.csv"):
        shutil.copy(ROOT / "config" / data, folder / data)
    return folder


def small_project(client, name: str = "Small Kit", extra: str = "") -> Path:
    """A project built quickly: one locale and one kit."""
    response = client.post("/projects", data={"name": name}, follow_redirects=False)
    folder = client.app.state.workspace.root / response.headers["location"].rsplit("/", 1)[1]
    config = folder / "kitbuilder.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("locales: [da, sv, nb]", "locales: [da]")
                      .replace("kits: [wellbeing-plan, leader-dialogue, evaluation-follow-up]", "kits: [leader-dialogue]")
                      + extra, encoding="utf-8")
    return folder


def wait_for_build(client, name: str, timeout: float = 120) -> dict:
    return _wait(lambda: client.get(f"/projects/{name}/status").json(), timeout, "the build did not finish")


def wait_for_send(client, name: str, timeout: float = 60) -> dict:
    return _wait(lambda: client.get(f"/projects/{name}/send", headers=JSON).json()["sending"], timeout,
                 "sending did not finish")


def _wait(status, timeout: float, failure: str) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = status()
        if state["state"] != "running":
            return state
        time.sleep(0.1)
    raise AssertionError(failure)


# --- projects ----------------------------------------------------------------------------

def test_a_project_is_created_from_the_starter_and_listed(client, workspace):
    response = client.post("/projects", data={"name": "Fjordby Kommune"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/projects/fjordby-kommune"
    config = (workspace / "fjordby-kommune" / "kitbuilder.yaml").read_text(encoding="utf-8")
    assert "  name: Fjordby Kommune" in config and "short_name: fjordby-kommune" in config
    assert "# Languages to build:" in config  # the starter's comments stay
    assert client.get("/", headers=JSON).json() == {"projects": [{"name": "fjordby-kommune",
                                                                  "url": "/projects/fjordby-kommune"}]}
    assert "Fjordby Kommune" in client.get("/").text
    assert client.post("/projects", data={"name": "fjordby kommune"}).status_code == 409


@pytest.mark.parametrize("language, locales, country", [("nb-NO,nb;q=0.9", ["nb"], "NO"), ("sv-SE", ["sv"], "SE"),
                                                        ("en-GB", ["da", "sv", "nb"], "DK")])
def test_a_project_made_from_a_norwegian_page_is_a_norwegian_kit(client, workspace, language, locales, country):
    """An HR partner whose browser speaks Norwegian gets a Norwegian kit with Norway's public
    holidays; more languages can be ticked later. An English page keeps the starter's three."""
    from kitbuilder import load_config

    response = client.post("/projects", data={"name": "Fjordby kommune"}, headers={"Accept-Language": language},
                           follow_redirects=False)
    assert response.status_code == 303
    config = load_config(workspace / "fjordby-kommune" / "kitbuilder.yaml")
    assert (config.locales, config.calendar.country) == (locales, country)


def test_project_names_are_made_safe(client, workspace):
    response = client.post("/projects", data={"name": "../../Søndre / ..hemmelig"}, headers=JSON)
    assert response.status_code == 201 and response.json()["name"] == "søndre-hemmelig"
    assert [p.name for p in workspace.iterdir()] == ["søndre-hemmelig"]
    assert client.get(response.json()["url"]).status_code == 200
    assert 'href="/projects/s%C3%B8ndre-hemmelig"' in client.get("/").text
    assert client.post("/projects", data={"name": "   "}).status_code == 400


def test_the_command_line_and_the_app_share_projects(client, workspace, run):
    assert run("init", workspace / "made-by-cli").exit_code == 0
    assert [p["name"] for p in client.get("/", headers=JSON).json()["projects"]] == ["made-by-cli"]
    assert client.get("/projects/made-by-cli").status_code == 200
    assert client.get("/projects/no-such-project").status_code == 404


# --- the project page and the form -------------------------------------------------------

def test_the_project_page_has_every_section_with_the_schemas_help(client, workspace):
    example_project(workspace)
    page = client.get("/projects/fjordby", headers={"Accept-Language": "en"}).text
    for section in ("build", "organisation", "languages", "workshops", "themes", "action_cards", "leaders",
                    "dialogue", "survey", "branding", "support", "yaml"):
        assert f'<section id="{section}"' in page, section
    assert str(escape(Organisation.model_fields["name"].description)) in page
    assert 'type="date" id="f-workshops-prepare-date" name="workshops.prepare.date"' in page
    assert 'value="2027-02-02"' in page and 'type="time"' in page and 'type="color"' in page
    assert "Karin Öström" in page  # the leaders file as a table
    assert "Shape: a long table" in page  # the survey file as read
    status = client.get("/projects/fjordby", headers=JSON).json()
    assert status["valid"] is True and status["build"]["state"] == "idle" and status["files"] == []


@pytest.mark.parametrize("header, lang, heading", [
    ("da-DK,da;q=0.9,en;q=0.8", "da", "Byg materialerne"),
    ("sv-SE", "sv", "Bygg materialet"),
    ("nb-NO,nb;q=0.9", "nb", "Bygg materiellet"),
    ("nn", "nb", "Bygg materiellet"),
    ("fr-FR,fr;q=0.9", "en", "Build the kit"),
    ("en-US,da;q=0.5", "en", "Build the kit"),
])
def test_the_app_speaks_the_browsers_language(client, workspace, header, lang, heading):
    example_project(workspace)
    page = client.get("/projects/fjordby", headers={"Accept-Language": header}).text
    assert f'<html lang="{lang}">' in page and f"<h2>{heading}</h2>" in page


#: How the schema writes YAML, which a form's help should not.
YAML_NOTATION = re.compile(r"[{\[]|YYYY|HH:MM")


def shown_fields(code: str, *, schema_help: bool = False) -> dict:
    """The fields the form shows with help, by their key in web.yaml: every field of the example
    (it has every section), but not a section's only group (its fields are shown in the section)
    nor the themes and action cards, which have their own layout. ``schema_help``: as the form
    is without web.yaml's help, each with the schema's description."""
    from kitbuilder.web.forms import FormBuilder, field_key, section_ids
    from kitbuilder.web.i18n import Words
    from kitbuilder.web.roundtrip import RoundTrip, plain

    words = Words(code)
    if schema_help:
        words.text = {key: value for key, value in words.text.items() if key != "help"}
    data = plain(RoundTrip((ROOT / "config" / "example.yaml").read_text(encoding="utf-8")).data)
    survey = {"read": True, "areas": ["Ledelse"], "units": ["IT"], "periods": ["2025", "2026"]}
    form = FormBuilder(words, data, load_locale(code), survey=survey)
    found = {}

    def walk(field, shown=True):
        if shown and field.kind not in {"themes", "cards"}:
            found.setdefault(field_key(field.path), field)
        for child in [*field.children, *field.columns]:
            walk(child, shown=field.kind != "cards")

    for section in section_ids():
        fields = form.section(section)
        for field in fields:
            walk(field, shown=not (field.kind == "group" and len(fields) == 1))
    return found


@pytest.mark.parametrize("code", ["da", "sv", "nb"])
def test_every_field_has_help_in_the_pages_language(client, workspace, code):
    schema = {key: field.help for key, field in shown_fields("en", schema_help=True).items() if field.help}
    assert len(schema) > 60 and {"calendar/closed/from", "mail/from", "survey/labels", "leaders/locale"} <= set(schema)
    assert sorted(set(schema) - set(load_locale(code).text["web"]["help"])) == []
    example_project(workspace)
    page = client.get("/projects/fjordby", headers={"Accept-Language": code}).text
    shown = set(re.findall(r'<p class="help"[^>]*>([^<]+)</p>', page)) | set(re.findall(r' title="([^"]+)"', page))
    fields = [field for key, field in shown_fields(code).items() if key in schema
              and re.search(rf'id="{re.escape(field.id)}(-[a-z]+)?"', page)]
    assert len(fields) > 50 and {str(escape(field.help)) for field in fields} <= shown  # the page's language
    assert {str(escape(text)) for text in schema.values()} & shown == set()  # and no English


def test_the_english_help_is_the_schemas_or_replaces_it():
    schema = {key: field.help for key, field in shown_fields("en", schema_help=True).items() if field.help}
    english = load_locale("en").text["web"]["help"]
    assert set(english) == set(schema)  # no help for a field the form does not show
    replaced = [key for key, text in schema.items() if english[key] != text]
    assert {key for key, text in schema.items() if YAML_NOTATION.search(text)} <= set(replaced)
    for code in ("da", "sv", "nb", "en"):
        for key, field in shown_fields(code).items():
            assert not YAML_NOTATION.search(field.help), (code, key, field.help)


def test_a_valid_yaml_is_saved_and_an_invalid_one_is_not(client, workspace):
    folder = example_project(workspace)
    config = folder / "kitbuilder.yaml"
    before = config.read_bytes()
    broken = before.decode().replace("short_name: fjordby", "short_name: fjordby\n  colour: blue") \
        .replace("date: 2027-02-02", "date: 2027-02-31")
    response = client.post("/projects/fjordby/config", data={"yaml": broken}, headers=JSON)
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert {"file": "kitbuilder.yaml", "line": 11, "field": "organisation.colour",
            "message": "unknown key; allowed: name, short_name"} in problems
    assert any(p["field"] == "workshops.prepare.date" and p["line"] == 26 for p in problems)
    assert config.read_bytes() == before  # nothing saved
    page = client.post("/projects/fjordby/config", data={"yaml": broken})
    assert page.status_code == 422 and "Nothing was saved" in page.text and "Line 11" in page.text
    changed = before.decode().replace("Fjordby Kommune & Forsyning", "Fjordby Kommune")
    response = client.post("/projects/fjordby/config", data={"yaml": changed}, follow_redirects=False)
    assert response.status_code == 303 and config.read_text(encoding="utf-8") == changed
    assert client.get("/projects/fjordby/config").text == changed
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # written atomically, no leftovers


def test_a_config_that_is_not_yaml_still_opens_with_its_problem(client, workspace):
    folder = example_project(workspace)
    (folder / "kitbuilder.yaml").write_text("organisation:\n  name: [Fjordby\n", encoding="utf-8")  # edited by hand
    page = client.get("/projects/fjordby")
    assert page.status_code == 200
    assert 'id="yaml-text"' in page.text and "not valid YAML" in page.text
    assert '<section id="organisation"' not in page.text  # no form to show; the text can be fixed
    assert 'id="build-button" disabled' in page.text
    assert client.get("/projects/fjordby", headers=JSON).json()["problems"][0]["line"] == 3
    assert "fjordby" in client.get("/").text


def section_form(client, project: str, section: str) -> dict[str, list[str]]:
    """The values the section's form would post as the page shows it."""
    from html.parser import HTMLParser

    page = client.get(f"/projects/{project}").text
    start = page.index(f'<section id="{section}"')
    html = page[start:page.index("</section>", start)]
    values: dict[str, list[str]] = {}

    class Inputs(HTMLParser):
        select = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "input" and a.get("name") and a.get("type") not in {"file"}:
                if a.get("type") == "checkbox" and "checked" not in a:
                    return
                values.setdefault(a["name"], []).append(a.get("value", ""))
            elif tag == "select":
                self.select = a["name"]
                values.setdefault(self.select, [""])
            elif tag == "option" and self.select and "selected" in a:
                values[self.select] = [a.get("value", "")]
            elif tag == "textarea" and a.get("name"):
                self.textarea = a["name"]
                values[a["name"]] = [""]

        def handle_data(self, data):
            if getattr(self, "textarea", None):
                values[self.textarea] = [values[self.textarea][0] + data]

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            if tag == "textarea":
                self.textarea = None

    Inputs().feed(html[html.index('class="section-form"'):])
    return values


def post_section(client, project, section, changes: dict, **kwargs):
    values = section_form(client, project, section)
    values.update({key: value if isinstance(value, list) else [value] for key, value in changes.items()})
    return client.post(f"/projects/{project}/form", data=values, follow_redirects=False, **kwargs)


def test_a_form_edit_of_a_commented_config_changes_only_what_was_edited(client, workspace):
    folder = example_project(workspace)
    starter = small_project(client, "Starter")
    for project in (starter, folder):  # every section saved as shown: not a byte changes
        before = (project / "kitbuilder.yaml").read_text(encoding="utf-8")
        for section in ("organisation", "languages", "workshops", "calendar", "themes", "action_cards", "leaders",
                        "dialogue", "survey", "branding", "support", "mail"):
            response = post_section(client, project.name, section, {})
            assert response.status_code == 303, (section, response.text[:2000])
            assert (project / "kitbuilder.yaml").read_text(encoding="utf-8") == before, (project.name, section)
    response = post_section(client, "fjordby", "workshops", {"workshops.qualify.venue@sv": "Kulturhuset",
                                                             "workshops.prepare.start": "08:30"})
    assert response.status_code == 303 and response.headers["location"] == "/projects/fjordby#workshops"
    after = (folder / "kitbuilder.yaml").read_text(encoding="utf-8")
    diff = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == ['-    start: "09:00"', '+    start: "08:30"',  # one language's text of a per-language venue
                    "-      sv: Rådhuset, mötesrum 2", "+      sv: Kulturhuset"]
    assert "qualify-themes: 70     # one longer group round" in after  # comments stay


def test_a_form_edit_of_a_shared_value_changes_only_its_own_place(client, workspace):
    folder = example_project(workspace)
    config = folder / "kitbuilder.yaml"
    shared = re.sub(r"(  qualify:\n(?:    .*\n)*?)    venue:\n(?:      .*\n)+", r"\1    venue: *room2\n",
                    config.read_text(encoding="utf-8").replace("    venue:                      # one text",
                                                               "    venue: &room2               # one text"), count=1)
    config.write_text(shared, encoding="utf-8")  # the prepare and qualify steps share their room
    assert "    venue: *room2\n" in shared
    response = post_section(client, "fjordby", "workshops", {"workshops.qualify.venue@da": "Kulturhuset"})
    assert response.status_code == 303
    assert "    venue:                      # one text per language" in config.read_text(encoding="utf-8")
    from kitbuilder import load_config

    workshops = load_config(folder / "kitbuilder.yaml").workshops
    assert workshops.qualify.venue == {"da": "Kulturhuset", "sv": "Rådhuset, mötesrum 2", "nb": "Rådhuset, møterom 2"}
    assert workshops.prepare.venue["da"] == "Rådhuset, mødelokale 2"


def test_themes_ratings_and_per_language_texts_are_saved(client, workspace):
    folder = example_project(workspace)
    response = post_section(client, "fjordby", "themes", {
        "themes.selected": ["new-leaders", "recovery", "sparring", "hybrid-leadership", "overload"],
        "themes.ratings.overload.importance": "", "themes.ratings.overload.success": "",
        "themes.ratings.trust-and-safety.importance": "3", "themes.ratings.trust-and-safety.success": "4",
        "themes.custom[0].title@sv": "Hur leder vi team på distans?",
        "themes.custom[1].id": "meetings", "themes.custom[1].title@da": "Hvordan holder vi gode møder?",
        "themes.custom[1].title@sv": "Hur håller vi bra möten?", "themes.custom[1].title@nb": "Hvordan holder vi gode møter?",
        "themes.custom[1].prompt@da": "Same", "themes.custom[1].prompt@sv": "Same", "themes.custom[1].prompt@nb": "Same"})
    assert response.status_code == 303, response.text[:2000]
    from kitbuilder import load_config

    config = load_config(folder / "kitbuilder.yaml")
    assert config.themes.selected == ["new-leaders", "recovery", "sparring", "hybrid-leadership", "overload"]
    assert "overload" not in config.themes.ratings and config.themes.ratings["trust-and-safety"].success == 4
    text = (folder / "kitbuilder.yaml").read_text(encoding="utf-8")
    assert "trust-and-safety: {importance: 3, success: 4}" in text
    hybrid, meetings = config.themes.custom
    assert hybrid.title["sv"] == "Hur leder vi team på distans?" and hybrid.title["en"].startswith("How do we lead")
    assert meetings.title == {"da": "Hvordan holder vi gode møder?", "sv": "Hur håller vi bra möten?",
                              "nb": "Hvordan holder vi gode møter?"}
    assert meetings.prompt == "Same"  # the same text in every language is saved once


def test_a_bad_form_value_is_shown_beside_its_field_and_nothing_is_saved(client, workspace):
    folder = example_project(workspace)
    before = (folder / "kitbuilder.yaml").read_bytes()
    response = post_section(client, "fjordby", "support", {"support.contacts[0].name": "Mette Holm",
                                                           "support.contacts[0].email": "x" * 151,
                                                           "support.sparring_months": "2, 40"})
    assert response.status_code == 422
    page = response.text
    field = page[page.index('id="f-support-contacts-0-email"'):]
    assert field.index("too long: 151 characters, at most 150") < field.index("</td>")
    months = page[page.index('id="f-support-sparring_months"'):]
    assert months.index("less than or equal to 36") < months.index("</div>")
    assert (folder / "kitbuilder.yaml").read_bytes() == before


# --- uploads -------------------------------------------------------------------------------

def test_an_upload_is_stored_under_a_safe_name_inside_the_project(client, workspace):
    folder = example_project(workspace)
    response = client.post("/projects/fjordby/files", files={"file": ("../../Ledere 2027.CSV", LEADERS.encode())},
                           headers=JSON)
    assert response.status_code == 201 and response.json() == {"name": "ledere-2027.csv"}
    assert (folder / "ledere-2027.csv").read_text(encoding="utf-8") == LEADERS
    assert not (workspace / "Ledere 2027.CSV").exists() and not (workspace.parent / "Ledere 2027.CSV").exists()
    assert client.post("/projects/fjordby/files", files={"file": ("/etc/cron.d/x.csv", b"a")},
                       headers=JSON).json() == {"name": "x.csv"}
    assert client.post("/projects/fjordby/files", files={"file": ("run.sh", b"#!/bin/sh")}).status_code == 415
    assert client.get("/projects/fjordby/files/ledere-2027.csv").text == LEADERS


def test_an_upload_over_the_limit_is_refused_and_nothing_is_kept(client, workspace):
    folder = example_project(workspace)
    before = sorted(p.name for p in folder.iterdir())
    big = b"name\n" + b"x" * (70 * 1024)
    assert client.post("/projects/fjordby/files", files={"file": ("big.csv", big)}).status_code == 413
    assert client.post("/projects/fjordby/files", files={"file": ("big.csv", b"n" * (64 * 1024 + 1))}).status_code == 413
    huge = client.post("/projects/fjordby/files", files={"file": ("huge.csv", b"n" * (1024 * 1024))}, headers=JSON)
    assert huge.status_code == 413 and "larger than" in huge.json()["error"]  # refused before it is read
    assert sorted(p.name for p in folder.iterdir()) == before


def test_a_leaders_file_shows_each_problem_on_its_row_until_it_is_fixed(client, workspace):
    folder = small_project(client)
    config = folder / "kitbuilder.yaml"
    before = config.read_bytes()
    response = client.post(f"/projects/{folder.name}/files", data={"use_as": "leaders_file"},
                           files={"file": ("leaders.csv", LEADERS.encode())})
    assert response.status_code == 422 and config.read_bytes() == before
    page = response.text
    row = page[page.index('<tr data-row="3" class="has-error">'):]
    assert "2027-03-40T09:00" in row[:row.index("</tr>")]
    assert "Row 3, column meeting: The date or time in “2027-03-40T09:00” does not exist." in row
    assert '<tr data-row="2">' in page and '<tr data-row="4">' in page  # good rows are not marked
    fixed = LEADERS.replace("2027-03-40", "2027-03-04")
    response = client.post(f"/projects/{folder.name}/files", data={"use_as": "leaders_file"},
                           files={"file": ("leaders.csv", fixed.encode())}, follow_redirects=False)
    assert response.status_code == 303 and "leaders_file: leaders.csv" in config.read_text(encoding="utf-8")
    assert "has-error" not in client.get(f"/projects/{folder.name}").text.split('id="leaders-table"')[1][:5000]


def test_a_survey_file_and_a_logo_are_uploaded_and_shown(client, workspace):
    folder = small_project(client)
    survey = (ROOT / "config" / "survey.csv").read_bytes()
    response = client.post(f"/projects/{folder.name}/files", data={"use_as": "survey"},
                           files={"file": ("Resultater 2026.csv", survey)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("#survey")
    config = (folder / "kitbuilder.yaml").read_text(encoding="utf-8")
    assert "survey:\n  file: resultater-2026.csv\n" in config
    rows = len(survey.decode("utf-8-sig").strip().splitlines()) - 1
    page = client.get(f"/projects/{folder.name}").text
    assert f"Read from resultater-2026.csv: {rows} rows." in page and "Shape: a long table" in page
    example_project(workspace)  # builds the results meeting, so its survey is checked
    broken = survey.decode("utf-8-sig").replace(";69.5;", ";seventy;", 1).encode("utf-8")
    response = client.post("/projects/fjordby/files", data={"use_as": "survey"}, files={"file": ("survey.csv", broken)})
    assert response.status_code == 422
    assert "survey.csv: <code>row 2, column score</code>: “seventy” is not a number." in response.text
    logo = (ROOT / "config" / "assets" / "logo.png").read_bytes()
    client.post(f"/projects/{folder.name}/files", data={"use_as": "branding.logo"}, files={"file": ("Logo.PNG", logo)})
    assert "logo: logo.png" in (folder / "kitbuilder.yaml").read_text(encoding="utf-8")
    assert f'<img src="/projects/{folder.name}/files/logo.png"' in client.get(f"/projects/{folder.name}").text
    assert client.get(f"/projects/{folder.name}/files/logo.png").content == logo


def wide_workbook() -> bytes:
    """A survey as a survey tool exports it: one sheet per period, a title above the header,
    one column per area, Danish headers and values missing ("-", blank)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for period, scores in (("2025", [(62, 70), (58, "-")]), ("2026", [(65, 72), (None, 61)])):
        sheet = book.create_sheet(period)
        sheet.append(["Trivselsmåling, alle enheder"])
        sheet.append([])
        sheet.append(["Enhed", "Antal svar", "Arbejdsglæde", "Ledelse"])
        for unit, (joy, leading) in zip(("IT", "HR"), scores):
            sheet.append([unit, 12, joy, leading])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_the_survey_shows_its_shape_header_and_missing_values(client, workspace):
    from kitbuilder.inputs.survey import load_survey

    folder = small_project(client)
    response = client.post(f"/projects/{folder.name}/files", data={"use_as": "survey"},
                           files={"file": ("Måling 2026.xlsx", wide_workbook())}, follow_redirects=False)
    assert response.status_code == 303, response.text[:3000]
    read = load_survey(folder / "måling-2026.xlsx", "måling-2026.xlsx", (0, 100))
    assert (read.shape, read.header_row, read.period_sheets) == ("wide", 3, ("2025", "2026"))
    assert read.missing == ("sheet '2025', row 5, column Ledelse", "sheet '2026', row 5, column Arbejdsglæde")
    page = client.get(f"/projects/{folder.name}").text
    summary = page[page.index('id="survey-summary"'):page.index('class="section-form"', page.index('id="survey-summary"'))]
    assert "Shape: a wide table, one row for each unit and period and one column for each area." in summary
    assert "The column headings are in row 3. One sheet for each period: 2025, 2026." in summary
    assert "Missing values: 2." in summary
    assert "sheet 2025, row 5, column Ledelse; sheet 2026, row 5, column Arbejdsglæde" in summary
    danish = client.get(f"/projects/{folder.name}", headers={"Accept-Language": "da"}).text
    assert "Form: en bred tabel" in danish and "Manglende værdier: 2." in danish
    assert "arket 2025, række 5, kolonne Ledelse" in danish
    # the periods to present are the file's; the names to label are its areas and units
    current = page[page.index('id="f-survey-current"'):]
    assert '<option value="2025">2025</option><option value="2026">2026</option>' in current[:current.index("</select>")]
    labels = page[page.index('id="f-survey-labels"'):]
    assert [name for name in re.findall(r'name="survey\.labels\[\d+\]\._name" value="([^"]+)"', labels)] == [
        "Arbejdsglæde", "Ledelse", "IT", "HR"]


def test_the_survey_names_are_labelled_per_language(client, workspace):
    folder = example_project(workspace)
    values = section_form(client, "fjordby", "survey")
    index = {value[0]: int(re.search(r"\[(\d+)\]", name).group(1))
             for name, value in values.items() if name.endswith("._name")}
    before = (folder / "kitbuilder.yaml").read_text(encoding="utf-8")
    response = post_section(client, "fjordby", "survey", {
        f"survey.labels[{index['Ledelse']}]@nb": "Ledelse og styring",
        f"survey.labels[{index['Kantinen']}]@sv": "",
        f"survey.labels[{index['Jobcenter']}]@da": "Jobcentret"})
    assert response.status_code == 303, response.text[:2000]
    from kitbuilder import load_config

    labels = load_config(folder / "kitbuilder.yaml").survey.labels
    assert labels["Ledelse"] == {"sv": "Ledarskap", "nb": "Ledelse og styring", "en": "Leadership"}
    assert labels["Kantinen"] == {"nb": "Kantinen", "en": "The canteen"}  # English is kept: not edited here
    assert labels["Jobcenter"]["da"] == "Jobcentret"
    after = (folder / "kitbuilder.yaml").read_text(encoding="utf-8")
    assert after.count("\n") - before.count("\n") < 6  # the other names' lines are as they were
    assert "Arbejdsglæde: {sv: Arbetsglädje, nb: Arbeidsglede, en: Job satisfaction}" in after


@pytest.mark.parametrize("use_as, name, good, broken, problem", [
    ("leaders_file", "leaders.csv", LEADERS.replace("2027-03-40", "2027-03-04"), LEADERS,
     "Row 3, column meeting: The date or time in “2027-03-40T09:00” does not exist."),
    ("survey", "survey.csv", None, "unit;area;period;score\nIT;Ledelse;2026;seventy\n",
     "“seventy” is not a number."),
    ("branding.logo", "logo.png", None, "not a picture", "logo.png"),
])
def test_a_broken_upload_keeps_the_file_in_use(client, workspace, use_as, name, good, broken, problem):
    folder = example_project(workspace)
    current = folder / (name if use_as != "branding.logo" else "assets/logo.png")
    if good is not None:
        current.write_text(good, encoding="utf-8")
    if use_as == "branding.logo":  # the logo in use is the project's logo.png, as an upload names it
        shutil.copy(current, folder / name)
        post_section(client, "fjordby", "branding", {"branding.logo": name})
        current = folder / name
    config, before = folder / "kitbuilder.yaml", current.read_bytes()
    settings = config.read_bytes()
    response = client.post("/projects/fjordby/files", data={"use_as": use_as},
                           files={"file": (name, broken.encode("utf-8"))})
    assert response.status_code == 422 and f"{name} was not used, and nothing in the project changed" in response.text
    assert problem in response.text
    assert 'id="build-button" disabled' not in response.text  # the project as saved still builds
    assert current.read_bytes() == before and config.read_bytes() == settings
    # sent without saying what it is for, a file of the name the config uses is checked just the same
    response = client.post("/projects/fjordby/files", files={"file": (name, broken.encode("utf-8"))}, headers=JSON)
    assert response.status_code == 422
    assert any(name in problem["file"] + problem["message"] for problem in response.json()["problems"])
    assert current.read_bytes() == before
    assert not (folder / ".uploads").exists() or not any((folder / ".uploads").iterdir())  # nothing left waiting
    assert client.get("/projects/fjordby", headers=JSON).json()["valid"] is True


def test_the_leaders_table_shows_the_files_columns_in_any_language(client, workspace):
    folder = small_project(client)
    leaders = ("Navn;Enhed;Chef;Chefens e-mail;Sprog;Møde;Telefon\n"
               "Jens Ærø;IT;Anne Berg;anne@example.org;sv;02.03.2027 10.00;+45 12 34\n"
               "Karin Öström;HR;Anne Berg;anne@example.org;fi;2027-03-03 09:00;\n")
    response = client.post(f"/projects/{folder.name}/files", data={"use_as": "leaders_file"},
                           files={"file": ("ledere.csv", leaders.encode("utf-8"))})
    assert response.status_code == 422
    page = response.text
    table = page[page.index('id="leaders-table"'):page.index("</table>", page.index('id="leaders-table"'))]
    assert re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table) == [
        "Row", "Navn", "Enhed", "Chef", "Chefens e-mail", "Sprog", "Møde", "Telefon"]
    assert '<th scope="col" class="ignored">Telefon</th>' in table
    assert "Columns that are not read: Telefon." in page
    assert "Row 3, column Sprog: “fi” cannot be used as a language code." in table
    fixed = leaders.replace(";fi;", ";nb;")
    assert client.post(f"/projects/{folder.name}/files", data={"use_as": "leaders_file"},
                       files={"file": ("ledere.csv", fixed.encode("utf-8"))}, headers=JSON).status_code == 201
    from kitbuilder import load_config

    jens, karin = load_config(folder / "kitbuilder.yaml").leaders
    assert (jens.manager_email, jens.locale, karin.locale) == ("anne@example.org", "sv", "nb")


def test_the_leaders_typed_in_choose_their_language(client, workspace):
    folder = small_project(client, extra="leaders:\n  - {name: Jens Ærø, meeting: 2027-03-02T10:00}\n")
    page = client.get(f"/projects/{folder.name}", headers={"Accept-Language": "sv"}).text
    choice = page[page.index('id="f-leaders-0-locale"'):]
    assert '<option value="">Det första språket</option>' in choice and '<option value="nb">Norsk bokmål</option>' in choice
    response = post_section(client, folder.name, "leaders", {"leaders[0].locale": "nb",
                                                             "leaders[0].manager_email": "anne@example.org"})
    assert response.status_code == 303
    assert "  - {name: Jens Ærø, meeting: 2027-03-02T10:00, manager_email: anne@example.org, locale: nb}\n" in \
        (folder / "kitbuilder.yaml").read_text(encoding="utf-8")


def test_the_calendar_and_the_mail_server_are_set_in_the_form(client, workspace):
    folder = small_project(client)
    config = folder / "kitbuilder.yaml"
    before = config.read_text(encoding="utf-8")
    assert post_section(client, folder.name, "mail", {}).status_code == 303
    assert config.read_text(encoding="utf-8") == before  # an empty mail section is not written
    page = client.get(f"/projects/{folder.name}", headers={"Accept-Language": "nb"}).text
    country = page[page.index('id="f-calendar-country"'):]
    country = country[:country.index("</select>")]
    assert '<option value="">Landet til det første språket</option>' in country
    assert '<option value="NO">Norge</option>' in country and 'value="NOR"' not in country
    response = post_section(client, folder.name, "calendar", {
        "calendar.country": "SE", "calendar.closed[0].from": "2027-07-05", "calendar.closed[0].to": "2027-07-30",
        "calendar.closed[0].name@da": "Sommerferie", "calendar.closed[0].name@sv": "Sommerferie",
        "calendar.closed[0].name@nb": "Sommerferie"})
    assert response.status_code == 303, response.text[:2000]
    response = post_section(client, folder.name, "mail", {"mail.host": "smtp.example.org", "mail.from.name": "HR",
                                                          "mail.from.email": "hr@example.org"})
    assert response.status_code == 303, response.text[:2000]
    from kitbuilder import load_config

    loaded = load_config(config)
    assert loaded.calendar.country == "SE" and loaded.calendar.closed[0].name == "Sommerferie"
    assert str(loaded.calendar.closed[0].start) == "2027-07-05"
    assert (loaded.mail.host, loaded.mail.port, loaded.mail.security) == ("smtp.example.org", 587, "starttls")
    assert "\n  port:" not in config.read_text(encoding="utf-8")  # defaults shown, not written
    response = post_section(client, folder.name, "mail", {"mail.security": "none"})
    assert response.status_code == 422 and "only for a server on this machine" in response.text


# --- builds, previews, downloads ----------------------------------------------------------------

def test_a_build_runs_in_the_background_and_its_files_can_be_downloaded(client, workspace):
    folder = small_project(client, extra="leaders:\n  - {name: Jens Ærø, meeting: 2027-03-02T10:00}\n")
    name = folder.name
    response = client.post(f"/projects/{name}/build", headers=JSON)
    assert response.status_code == 202 and response.json()["state"] == "running"
    assert client.post(f"/projects/{name}/build", headers=JSON).status_code == 409
    status = wait_for_build(client, name)
    assert status["state"] == "done" and status["done"] == status["total"] == 2 and status["problems"] == []
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/projects/{name}/kit.zip").content))
    assert sorted(archive.namelist()) == ["small-kit/da/dialogue-guides/0001-jens-ærø.docx",
                                          "small-kit/da/dialogue-guides/0001-jens-ærø.ics", "small-kit/manifest.json"]
    guide = client.get(f"/projects/{name}/output/da/dialogue-guides/0001-jens-ærø.docx")
    assert guide.status_code == 200 and guide.content == archive.read(
        "small-kit/da/dialogue-guides/0001-jens-ærø.docx")
    assert client.get(f"/projects/{name}/preview/da").status_code == 404  # no contact sheet without PDF
    page = client.get(f"/projects/{name}").text
    assert "Download the whole kit (ZIP)" in page and "0001-jens-ærø.ics" in page
    assert client.get(f"/projects/{name}", headers=JSON).json()["files"][0]["kit"] == "leader-dialogue"
    # the list of files names each file's kit and size in the page's language
    danish = client.get(f"/projects/{name}", headers={"Accept-Language": "da"}).text
    files = danish[danish.index('<table class="files">'):danish.index("</table>", danish.index('<table class="files">'))]
    size = f"{archive.getinfo('small-kit/da/dialogue-guides/0001-jens-ærø.docx').file_size / 1000:.1f}"
    title = load_locale("da").text[kit_namespace("leader-dialogue")]["title"]
    assert f"<td>{title}</td><td class=\"number\">{size.replace('.', ',')} kB</td>" in files
    assert "leader-dialogue" not in files and " KB" not in files


def test_the_last_builds_outcome_is_still_told_after_the_app_restarts(client, workspace):
    folder = small_project(client, extra="leaders:\n  - {name: Jens Ærø, meeting: 2027-03-02T10:00}\n")
    client.post(f"/projects/{folder.name}/build", headers=JSON)
    before = wait_for_build(client, folder.name)
    assert before["state"] == "done"
    record = folder / "output" / ".kitbuilder-builds.json"
    deadline = time.monotonic() + 10
    while not record.is_file() and time.monotonic() < deadline:  # recorded once the build's process has ended
        time.sleep(0.05)
    with TestClient(create_app(workspace, build_jobs=1)) as restarted:
        assert restarted.get(f"/projects/{folder.name}/status").json() == before
        page = restarted.get(f"/projects/{folder.name}").text
        assert 'id="build-done"' in page and "0001-jens-ærø.docx" in page
        assert restarted.get(f"/projects/{folder.name}/send", headers=JSON).json()["sending"]["state"] == "idle"
    # a record that cannot be read is no outcome: the page starts afresh
    record.write_text("{not json", encoding="utf-8")
    with TestClient(create_app(workspace, build_jobs=1)) as restarted:
        assert restarted.get(f"/projects/{folder.name}/status").json()["state"] == "idle"


def test_warnings_are_listed_with_the_build(client, workspace):
    folder = example_project(workspace)
    leaders = folder / "leaders.csv"
    leaders.write_text(leaders.read_text(encoding="utf-8") + "Ole Havn;Havnen;Lars Bech;;;;\n", encoding="utf-8")
    post_section(client, "fjordby", "workshops", {"workshops.prepare.date": "2027-05-06"})  # Ascension Day
    page = client.get("/projects/fjordby").text
    build = page[page.index('<section id="build"'):page.index('id="build-form"')]
    assert "Worth a look before you print" in build
    assert "workshops.qualify.minutes: The session now lasts 90 minutes instead of 80." in build
    assert re.search(r"workshops\.prepare\.date: 6 May 2027 is [^<]*Kristi himmelfartsdag", build)
    assert "Ole Havn leads Havnen, which is not in survey.csv" in build
    folder = small_project(client, extra="leaders:\n  - {name: Jens Ærø, meeting: 2027-03-02T10:00}\n")
    assert post_section(client, folder.name, "branding", {"branding.colours.primary": "#ffcc00"}).status_code == 303
    client.post(f"/projects/{folder.name}/build", headers=JSON)
    status = wait_for_build(client, folder.name)
    pale = [warning for warning in status["warnings"] if "primary" in warning]
    assert status["state"] == "done" and len(pale) == 1 and "#FFCC00" in pale[0]
    page = client.get(f"/projects/{folder.name}").text
    shown = "branding.colours.primary: Text in #FFCC00 has a contrast of only 1.5:1 on white"
    assert page.count(shown) == 1  # listed once: before the next build, and not again after it
    assert post_section(client, folder.name, "branding", {"branding.colours.primary": "#1F4E79"}).status_code == 303
    page = client.get(f"/projects/{folder.name}", headers={"Accept-Language": "sv"}).text
    listed = page[page.index('id="build-warnings"'):page.index("</div>", page.index('id="build-warnings"'))]
    assert "Rapporterades också när materialet byggdes senast" in listed
    assert "branding.colours.primary: Text i #FFCC00 har bara kontrasten 1,5:1 mot vitt" in listed
    assert 'id="warnings"' not in page  # the config as it is now has nothing to warn about


def test_the_last_builds_contact_sheet_is_served_per_locale(client, workspace):
    folder = example_project(workspace)
    sheet = folder / "output" / "fjordby" / "da" / "preview" / "contact-sheet.html"
    sheet.parent.mkdir(parents=True)
    sheet.write_text("<!doctype html><title>Kontaktark</title>", encoding="utf-8")
    (folder / "output" / "fjordby" / "manifest.json").write_text(
        '{"files": [{"file": "da/preview/contact-sheet.html", "kit": "preview", "locale": "da", "bytes": 38}]}',
        encoding="utf-8")
    response = client.get("/projects/fjordby/preview/da")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "Kontaktark" in response.text
    assert client.get("/projects/fjordby/preview/sv").status_code == 404
    assert client.get("/projects/fjordby/preview/xx").status_code == 404
    assert 'href="/projects/fjordby/preview/da"' in client.get("/projects/fjordby").text


def test_brand_colours_show_their_print_contrast(client, workspace):
    folder = example_project(workspace)
    page = client.get("/projects/fjordby", headers={"Accept-Language": "da"}).text
    assert "Kontrast mod hvidt 8,7:1, læsbar på tryk (kræver 4,5:1)." in page
    response = post_section(client, "fjordby", "branding", {"branding.colours.primary": "#ffcc00"})
    assert response.status_code == 303
    assert 'primary: "#FFCC00"' in (folder / "kitbuilder.yaml").read_text(encoding="utf-8")
    page = client.get("/projects/fjordby").text
    assert "Contrast on white only 1.5:1" in page and "has a contrast of only 1.5:1 on white (needs 4.5:1)" in page


def test_a_build_that_fails_reports_its_problems(client, workspace):
    folder = small_project(client)
    name = folder.name
    client.post(f"/projects/{name}/build", data={"locale": "fi"})
    status = wait_for_build(client, name)
    assert status["state"] == "failed"
    assert status["problems"][0]["field"] == "locales[0]" and "unknown locale 'fi'" in status["problems"][0]["message"]


def test_builds_of_two_projects_run_side_by_side_while_pages_answer(client, workspace):
    leaders = "name;unit;manager;meeting\n" + "".join(
        f"Leder {i};Enhed {i % 9};Chef {i % 7};2027-03-{1 + i % 28:02d}T10:00\n" for i in range(300))
    big = small_project(client, "Big", extra="leaders_file: leaders.csv\n")
    (big / "leaders.csv").write_text(leaders, encoding="utf-8")
    other = small_project(client, "Other")
    assert client.post(f"/projects/{big.name}/build", follow_redirects=False).status_code == 303
    assert client.post(f"/projects/{other.name}/build", headers=JSON).status_code == 202
    slowest = 0.0
    while client.get(f"/projects/{big.name}/status").json()["state"] == "running":
        for url in ("/", f"/projects/{other.name}", f"/projects/{big.name}/status"):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            slowest = max(slowest, time.perf_counter() - started)
        time.sleep(0.2)
    assert slowest < 1.0, slowest
    assert wait_for_build(client, big.name)["done"] == 600  # a guide and a calendar file each
    assert wait_for_build(client, other.name)["state"] == "done"


# --- sending each leader their pack -------------------------------------------------------------

def send_project(workspace: Path, built: Path, server, extra: str = "") -> Path:
    """The send tests' kit, built with PDFs, as the project 'fjordby', sending through ``server``."""
    folder = workspace / "fjordby"
    shutil.copytree(built, folder)
    config = folder / "kitbuilder.yaml"
    config.write_text(config.read_text(encoding="utf-8") + server.mail_section() + extra, encoding="utf-8")
    return folder


def send_section(page: str) -> str:
    return page[page.index('<section id="send"'):page.index("</section>", page.index('<section id="send"'))]


@pytest.mark.office
def test_after_a_build_with_pdf_the_page_shows_who_gets_what(client, workspace, built_to_send, starttls, trusted):
    from kitbuilder import load_config
    from kitbuilder.send.log import SendLog
    from kitbuilder.send.plan import plan_sending

    folder = send_project(workspace, built_to_send, starttls)
    answer = client.get("/projects/fjordby/send", headers=JSON).json()
    plan = answer["plan"]
    assert answer["sending"]["state"] == "idle" and plan["ready"] and plan["problems"] == []
    root = folder / "output" / "fjordby"
    expected = plan_sending(load_config(folder / "kitbuilder.yaml"), root, SendLog(root / "sent.json"))
    assert [row["name"] for row in plan["leaders"]] == [item.leader.name for item in expected.outgoing]
    assert plan["to_send"] == len(SEND_ADDRESSES) and plan["without_address"] == expected.without_address
    for row, item in zip(plan["leaders"], expected.outgoing):
        assert (row["address"], row["cc"], row["locale"], row["standing"]) == \
            (item.leader.email, item.cc, item.locale_kit.locale, "send")
        assert root / row["pack"] == item.pack and root / row["calendar"] == item.calendar
    page = client.get("/projects/fjordby", headers={"Accept-Language": "en"}).text
    section = send_section(page)
    assert '<a href="#send">Send to leaders</a>' in page
    assert "E-mails to send: 6" in section and "No e-mail address, so no e-mail: Ole Uden Adresse" in section
    assert "copy: anne@fjordby.example" in section and "Svenska" in section
    assert section.count("Not sent yet") == 6 and 'id="send-button">' in section  # not disabled
    karin = next(row for row in plan["leaders"] if row["name"] == "Karin Öström")
    assert f'href="{karin["preview"]}"' in section
    assert client.get(f"/projects/fjordby/output/{quote(karin['pack'])}").content == (root / karin["pack"]).read_bytes()
    assert starttls.inbox.received == [] and not (root / "sent.json").exists()


@pytest.mark.office
def test_a_preview_is_the_email_a_dry_run_writes(client, workspace, built_to_send, starttls, trusted, run, tmp_path):
    from email import message_from_bytes, policy

    folder = send_project(workspace, built_to_send, starttls)
    plan = client.get("/projects/fjordby/send", headers=JSON).json()["plan"]
    karin = next(row for row in plan["leaders"] if row["name"] == "Karin Öström")
    preview = client.get(karin["preview"], headers=JSON).json()
    assert run("send", folder / "kitbuilder.yaml", "--out", folder / "output", "--dry-run", tmp_path).exit_code == 0
    drafts = [message_from_bytes(path.read_bytes(), policy=policy.default) for path in tmp_path.glob("*.eml")]
    [draft] = [message for message in drafts if "karin@" in str(message["To"])]
    assert (preview["subject"], preview["to"], preview["locale"]) == (draft["Subject"], str(draft["To"]), "sv")
    assert preview["body"] == draft.get_body(("plain",)).get_content()
    assert [part["name"] for part in preview["attachments"]] == \
        [part.get_filename() for part in draft.iter_attachments()]
    page = client.get(karin["preview"], headers={"Accept-Language": "sv"}).text
    assert f'<dd id="email-subject">{escape(draft["Subject"])}</dd>' in page
    assert "ingenting har skickats än" in page
    for part in draft.iter_attachments():
        assert escape(part.get_filename()) in page
    assert client.get("/projects/fjordby/send/preview/0004-ole-uden-adresse").status_code == 404
    assert starttls.inbox.received == [] and not (folder / "output" / "fjordby" / "sent.json").exists()


@pytest.mark.office
def test_sending_runs_in_the_background_once_per_leader_and_a_second_send_sends_nothing(
        client, workspace, built_to_send, starttls, trusted):
    folder = send_project(workspace, built_to_send, starttls)
    starttls.inbox.stall_at = 1  # the server holds its answer to the first e-mail while we click again
    response = client.post("/projects/fjordby/send", headers=JSON)
    assert response.status_code == 202 and response.json()["state"] == "running" and response.json()["total"] == 6
    assert starttls.inbox.stalled.wait(30)
    assert client.post("/projects/fjordby/send", headers=JSON).status_code == 409
    assert client.post("/projects/fjordby/build", headers=JSON).status_code == 409  # not while its files are sent
    running = client.get("/projects/fjordby", headers={"Accept-Language": "en"}).text
    assert 'id="send-progress" class="progress" data-state="running"' in running
    assert 'id="send-button" disabled' in running and 'id="build-button" disabled' in running
    starttls.inbox.release.set()
    status = wait_for_send(client, "fjordby")
    assert status["state"] == "done" and status["done"] == status["total"] == 6 and status["refused"] == {}
    assert sorted(item.message["To"].addresses[0].addr_spec for item in starttls.inbox.received) == \
        sorted(SEND_ADDRESSES)
    assert sorted(status["sent"]) == sorted(row["leader"] for row in json.loads(
        (folder / "output" / "fjordby" / "sent.json").read_text(encoding="utf-8"))["messages"])
    plan = client.get("/projects/fjordby/send", headers=JSON).json()["plan"]
    assert {row["standing"] for row in plan["leaders"]} == {"already_sent"} and plan["to_send"] == 0
    assert {row["last"]["status"] for row in plan["leaders"]} == {"sent"}
    section = send_section(client.get("/projects/fjordby", headers={"Accept-Language": "da"}).text)
    assert "Sendte e-mails denne gang: 6." in section and section.count("Sendt ") >= 6
    assert "Alle ledere med en adresse har fået deres e-mail." in section and 'id="send-button" disabled' in section
    # a second send (a script, or a page left open) sends nothing
    assert client.post("/projects/fjordby/send", headers=JSON).status_code == 202
    again = wait_for_send(client, "fjordby")
    assert again["state"] == "done" and again["sent"] == [] and len(starttls.inbox.received) == 6
    # the send log's word on each leader: here as a run killed while handing over an e-mail and
    # a refused address would have left it
    log_file = folder / "output" / "fjordby" / "sent.json"
    log = json.loads(log_file.read_text(encoding="utf-8"))
    log["messages"][0]["status"] = "sending"
    log["messages"][1].update(status="refused", refused={"karin@fjordby.example": "550 5.1.1 No such mailbox here"})
    log_file.write_text(json.dumps(log), encoding="utf-8")
    first, second = (entry["leader"] for entry in log["messages"][:2])
    section = send_section(client.get("/projects/fjordby", headers={"Accept-Language": "en"}).text)
    in_doubt = section[section.index('id="send-in-doubt"'):]
    assert "If the e-mail did not arrive" in in_doubt
    assert str(escape(shlex.join(["kitbuilder", "send", "kitbuilder.yaml", "--out", "output", "--resend", "--leader",
                                  first]))) in in_doubt
    assert f'<input type="hidden" name="leader" value="{escape(first)}">' in in_doubt
    assert f"Send the e-mail again to {escape(first)}" in in_doubt
    row = section[section.index(f"<th scope=\"row\">{second}</th>"):]
    assert "Refused " in row[:row.index("</tr>")] and "550 5.1.1 No such mailbox here" in row[:row.index("</tr>")]
    assert client.get("/projects/fjordby/send", headers=JSON).json()["plan"]["to_send"] == 1
    # the button under the e-mail in doubt sends it again, to that leader alone
    received = len(starttls.inbox.received)
    response = client.post("/projects/fjordby/send", data={"leader": first, "resend": "1"}, follow_redirects=False)
    assert response.status_code == 303
    resent = wait_for_send(client, "fjordby")
    assert resent["state"] == "done" and resent["sent"] == [first] and resent["leader"] == first
    assert len(starttls.inbox.received) == received + 1
    plan = client.get("/projects/fjordby/send", headers=JSON).json()["plan"]
    assert {row["name"]: row["standing"] for row in plan["leaders"]}[first] == "already_sent"


@pytest.mark.office
def test_a_resend_goes_only_to_the_leaders_whose_files_changed(client, workspace, built_to_send, starttls, trusted):
    from kitbuilder import build, load_config

    folder = send_project(workspace, built_to_send, starttls)
    client.post("/projects/fjordby/send", headers=JSON)
    assert wait_for_send(client, "fjordby")["state"] == "done"
    leaders = folder / "leaders.csv"
    leaders.write_text(leaders.read_text(encoding="utf-8").replace("Skolevej 12", "Skolevej 14"), encoding="utf-8")
    build(load_config(folder / "kitbuilder.yaml"), folder / "output", pdf=True)
    plan = client.get("/projects/fjordby/send", headers=JSON).json()["plan"]
    assert [row["name"] for row in plan["leaders"] if row["standing"] == "changed"] == ["Sigrid Håkonsen"]
    assert (plan["to_send"], plan["changed"]) == (0, 1)
    section = send_section(client.get("/projects/fjordby", headers={"Accept-Language": "en"}).text)
    assert 'name="resend"' in section and "have changed since (count: 1)" in section
    client.post("/projects/fjordby/send", headers=JSON)
    assert wait_for_send(client, "fjordby")["sent"] == [] and len(starttls.inbox.received) == 6
    response = client.post("/projects/fjordby/send", data={"resend": "1"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/projects/fjordby#send"
    assert wait_for_send(client, "fjordby")["sent"] == ["Sigrid Håkonsen"]
    first, second = [item.message for item in starttls.inbox.to("sigrid@fjordby.example")]
    assert "Skolevej 14" in second.get_body(("plain",)).get_content()


@pytest.mark.office
def test_without_the_password_the_page_says_how_to_set_it_and_nothing_is_sent(
        client, workspace, built_to_send, starttls, certificates, monkeypatch):
    from .smtpserver import PASSWORD

    monkeypatch.delenv("KITBUILDER_SMTP_PASSWORD", raising=False)
    folder = send_project(workspace, built_to_send, starttls)
    section = send_section(client.get("/projects/fjordby", headers={"Accept-Language": "nb"}).text)
    assert 'id="send-password"' in section and "export KITBUILDER_SMTP_PASSWORD" in section
    assert f"kitbuilder serve --workspace {workspace.resolve()}" in section
    assert 'id="send-button" disabled' in section
    plan = client.get("/projects/fjordby/send", headers=JSON).json()["plan"]
    assert plan["password_missing"] and not plan["ready"]
    response = client.post("/projects/fjordby/send", headers=JSON)
    assert response.status_code == 422 and "KITBUILDER_SMTP_PASSWORD" in response.json()["error"]
    assert client.get("/projects/fjordby/send", headers=JSON).json()["sending"]["state"] == "idle"
    assert starttls.inbox.received == []
    # with the password in the server's environment, it never shows in a page or the config
    monkeypatch.setenv("KITBUILDER_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca_file))
    client.post("/projects/fjordby/send", headers=JSON)
    assert wait_for_send(client, "fjordby")["state"] == "done" and len(starttls.inbox.received) == 6
    plan = client.get("/projects/fjordby/send", headers=JSON).json()["plan"]
    answers = [client.get("/projects/fjordby").text, client.get("/projects/fjordby", headers=JSON).text,
               client.get("/projects/fjordby/send", headers=JSON).text, client.get(plan["leaders"][0]["preview"]).text,
               (folder / "kitbuilder.yaml").read_text(encoding="utf-8")]
    assert not any(PASSWORD in answer for answer in answers)


@pytest.mark.office
def test_an_out_of_date_build_is_not_sent_and_the_page_says_why(client, workspace, built_to_send, starttls, trusted):
    folder = send_project(workspace, built_to_send, starttls)
    config = folder / "kitbuilder.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("Mødelokale 1", "Mødelokale 2"), encoding="utf-8")
    response = client.post("/projects/fjordby/send", headers=JSON)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error.startswith("nothing was sent: these files are missing or older than what they are made from")
    assert "sv/dialogue-guides/0002-karin-öström.ics: kitbuilder.yaml changed since it was built" in error
    assert error.endswith("Build them again with: kitbuilder build kitbuilder.yaml --pdf --out output")
    section = send_section(client.get("/projects/fjordby", headers={"Accept-Language": "en"}).text)
    assert str(escape(error)) in section and 'id="send-button" disabled' in section
    assert client.post("/projects/fjordby/send").status_code == 422  # the form's post shows the page again
    assert starttls.inbox.received == []


def test_the_send_section_asks_for_a_build_with_pdf_and_a_mail_server(client, workspace):
    folder = small_project(client)
    page = client.get(f"/projects/{folder.name}", headers={"Accept-Language": "en"}).text
    assert "first fill in the mail server in the E-mail section" in send_section(page)
    assert post_section(client, folder.name, "mail", {"mail.host": "smtp.example.org", "mail.from.name": "HR",
                                                      "mail.from.email": "hr@example.org"}).status_code == 303
    section = send_section(client.get(f"/projects/{folder.name}", headers={"Accept-Language": "en"}).text)
    assert "Build the kit with PDF first" in section and 'id="send-button" disabled' in section
    assert client.post(f"/projects/{folder.name}/send", headers=JSON).status_code == 422


# --- safe by default -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/projects/fjordby/output/../kitbuilder.yaml",
    "/projects/fjordby/output/%2e%2e/kitbuilder.yaml",
    "/projects/fjordby/output/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt",
    "/projects/fjordby/output//etc/passwd",
    "/projects/fjordby/output/da/..%5c..%5ckitbuilder.yaml",
    "/projects/fjordby/files/../../secret.txt",
    "/projects/fjordby/files/%2e%2e/%2e%2e/secret.txt",
    "/projects/fjordby/files//etc/passwd",
    "/projects/fjordby/files/outside",
    "/projects/fjordby/files/kitbuilder.yaml",
    "/projects/fjordby/files/output/fjordby/manifest.json",
    "/projects/%2e%2e/files/secret.txt",
    "/projects/..%2f..%2fsecret.txt",
    "/projects/linked/files/leaders.csv",
    "/projects/fjordby/preview/..%2f..%2f..%2fkitbuilder.yaml",
])
def test_nothing_outside_the_project_is_served(client, workspace, path):
    folder = example_project(workspace)
    (workspace.parent / "secret.txt").write_text("the content of a secret file", encoding="utf-8")
    (folder / "outside").symlink_to(workspace.parent / "secret.txt")
    (workspace / "linked").symlink_to(folder)  # a project that is a link
    kit = folder / "output" / "fjordby"
    kit.mkdir(parents=True)
    (kit / "manifest.json").write_text('{"files": []}', encoding="utf-8")
    response = client.get(path)
    assert response.status_code in {400, 404}, (path, response.status_code)
    assert "the content of a secret file" not in response.text and "organisation:" not in response.text


def test_an_upload_cannot_leave_the_project_through_a_link(client, workspace):
    folder = example_project(workspace)
    (folder / "leaders.csv").unlink()
    (folder / "leaders.csv").symlink_to(workspace.parent / "victim.csv")
    response = client.post("/projects/fjordby/files", files={"file": ("leaders.csv", b"name\nA\n")}, headers=JSON)
    assert response.status_code == 400 and "leads out of the project" in response.json()["error"]
    assert not (workspace.parent / "victim.csv").exists()  # the link was not followed


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"},
    {"Origin": "http://evil.example"},
    {"Origin": "http://testserver:8080"},
    {"Origin": "null"},
])
def test_a_cross_site_request_that_changes_something_is_refused(client, workspace, headers):
    folder = example_project(workspace)
    before = (folder / "kitbuilder.yaml").read_bytes()
    for path, data in (("/projects", {"name": "evil"}), ("/projects/fjordby/config", {"yaml": "organisation: {}"}),
                       ("/projects/fjordby/build", {}), ("/projects/fjordby/send", {}),
                       ("/projects/fjordby/form", {"section": "organisation"})):
        assert client.post(path, data=data, headers=headers).status_code == 403, path
    assert client.post("/projects/fjordby/files", files={"file": ("x.csv", b"a")}, headers=headers).status_code == 403
    assert (folder / "kitbuilder.yaml").read_bytes() == before and sorted(p.name for p in workspace.iterdir()) == [
        "fjordby"]
    assert client.get("/projects/fjordby/status").json()["state"] == "idle"
    assert client.get("/projects/fjordby/send", headers=JSON).json()["sending"]["state"] == "idle"
    assert client.get("/", headers=headers).status_code == 200  # reading is fine
    same = client.post("/projects", data={"name": "same"}, headers={"Origin": "http://testserver",
                                                                    "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 200  # followed the 303 to the new project


def test_with_a_token_every_request_needs_it(workspace):
    with TestClient(create_app(workspace, token="s3cret-code")) as client:
        assert client.get("/", headers=JSON).status_code == 401
        response = client.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login?next=/"
        assert client.post("/projects", data={"name": "x"}).status_code == 401
        assert client.get("/static/app.css").status_code == 200
        assert client.get("/", headers={"Authorization": "Bearer s3cret-code", **JSON}).status_code == 200
        assert client.get("/", headers={"Authorization": "Bearer wrong", **JSON}).status_code == 401
        assert 'name="token"' in client.get("/login").text
        assert client.post("/login", data={"token": "wrong"}).status_code == 401
        response = client.post("/login?next=/", data={"token": "s3cret-code"}, follow_redirects=False)
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert "s3cret-code" not in cookie
        assert client.get("/", headers=JSON).status_code == 200  # the cookie is kept by the client
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, "forged")
        assert client.get("/", headers=JSON).status_code == 401


def test_a_public_address_without_a_token_exits_2(run, monkeypatch, tmp_path):
    started = []
    monkeypatch.setattr("kitbuilder.web.serve.run", lambda *args, **kwargs: started.append(kwargs))
    result = run("serve", "--workspace", tmp_path, "--host", "0.0.0.0")
    assert result.exit_code == 2 and "--token" in result.output and started == []
    result = run("serve", "--workspace", tmp_path, "--host", "192.168.1.20", "--port", "9000")
    assert result.exit_code == 2 and started == []
    assert run("serve", "--workspace", tmp_path, "--host", "0.0.0.0", "--token", "abc",
               "--max-upload", "2MB").exit_code == 0
    assert run("serve", "--workspace", tmp_path, "--host", "::1").exit_code == 0
    assert started == [{"host": "0.0.0.0", "port": 8765, "token": "abc", "max_upload": 2 * 1024 * 1024},
                       {"host": "::1", "port": 8765, "token": None, "max_upload": 25 * 1024 * 1024}]
    assert run("serve", "--max-upload", "lots").exit_code == 2


def test_progress_counts_every_document_and_every_pdf(tmp_path):
    from kitbuilder import build, load_config

    heard = []
    report = build(load_config(ROOT / "config" / "example.yaml", overrides={"locales": ["da"]}), tmp_path / "a",
                   progress=lambda done, total: heard.append((done, total)))
    assert heard[-1] == (len(report.entries), len(report.entries))
    assert [done for done, _ in heard] == sorted(done for done, _ in heard) and len({t for _, t in heard}) == 1
    heard.clear()
    support = load_config(ROOT / "config" / "example.yaml", overrides={"locales": ["da"], "kits": ["evaluation-follow-up"]})
    build(support, tmp_path / "b", pdf=True, progress=lambda done, total: heard.append((done, total)))
    assert heard == [(1, 2), (2, 2)]  # the support offers written, then converted by LibreOffice


@pytest.mark.parametrize("language", ["da", "sv", "nb", "en"])
def test_the_upload_help_names_the_columns_in_the_pages_language(client, workspace, language):
    """The help under the leaders and survey uploads gives the headings in the page's
    language, and every heading it gives is one a file may use."""
    from kitbuilder.inputs.leaders import LEADER_COLUMNS
    from kitbuilder.inputs.survey import COLUMNS
    from kitbuilder.inputs.tables import column_title, column_words, normalise_header

    folder = small_project(client)
    page = client.get(f"/projects/{folder.name}", headers={"Accept-Language": language}).text
    for keys, help_id in ((LEADER_COLUMNS, "leaders-upload-help"), (COLUMNS, "survey-upload-help")):
        titles = [column_title(key, language) for key in keys]
        start = page.index(f'id="{help_id}"')
        assert str(escape(", ".join(titles))) in page[start:page.index("</p>", start)]
        words = column_words(keys)
        assert [words[normalise_header(title)] for title in titles] == list(keys)
    if language == "nb":
        assert "Navn, Enhet, Nærmeste leder, E-post, Leders e-post, Møte, Sted, Språk" in page
