"""The kit's warnings on the web page, in the page's language: each kind, with its dates,
numbers and places formatted for the locale, and no English left in a Danish, Swedish or
Norwegian page. The command line's English lines are tested where they are made."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from kitbuilder.web.projects import Project

from .test_web import JSON, client, example_project, wait_for_build, workspace  # noqa: F401 (fixtures)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def warning_project(workspace: Path) -> Path:
    """The example project changed to give every kind of warning once."""
    folder = example_project(workspace)
    config = folder / "kitbuilder.yaml"
    _replace(config, 'primary: "#1F4E79"', 'primary: "#FFCC00"')              # too pale to read in print
    _replace(config, "date: 2027-02-02", "date: 2027-05-06")                  # prepare: Ascension Day
    _replace(config, "date: 2027-04-06", "date: 2027-07-14")                  # results: in the summer break
    _replace(config, "report_date: 2027-01-29", "report_date: 2027-08-03")    # in a closed period without a name
    _replace(config, "      name: sommerferie\n", "      name: sommerferie\n    - {from: 2027-08-02, to: 2027-08-06}\n")
    _replace(config, "  labels:\n", "  labels:\n    Trivsel: {sv: Välmående}\n")  # no such name in the survey
    _replace(folder / "survey.csv", "Vej og Park;Arbejdsglæde;2025;69.5;46", "Vej og Park;Arbejdsglæde;2025;-;46")
    with (folder / "leaders.csv").open("a", encoding="utf-8") as leaders:   # row 5: a unit not surveyed, a Saturday
        leaders.write("Ole Havn;Havnen;Lars Bech;;;2027-07-10T10:00;\n")
    return folder


EXPECTED = {
    "da": [
        "kitbuilder.yaml: workshops.qualify.minutes: Mødet varer nu 90 minutter i stedet for 80.",
        "kitbuilder.yaml: branding.colours.primary: Tekst i #FFCC00 har kun en kontrast på 1,5:1 mod hvidt "
        "(kræver 4,5:1) og er svær at læse på tryk.",
        "survey.csv: Manglende værdier: 1. De indgår ikke i gennemsnit, fremhævninger eller diagrammer. Det gælder: "
        "række 2, kolonne score",
        "leaders.csv: række 5: Ole Havn er leder af Havnen, som ikke findes i survey.csv. Lederens forberedelse til "
        "resultatmødet viser derfor kun organisationens samlede resultater.",
        "kitbuilder.yaml: survey.labels.Trivsel: Trivsel er hverken et område eller en enhed i survey.csv. "
        "Navnene skal skrives præcis som i filen.",
        "kitbuilder.yaml: workshops.prepare.date: 6. maj 2027 er en helligdag i Danmark: Kristi himmelfartsdag.",
        "kitbuilder.yaml: workshops.results.date: 14. juli 2027 ligger i en periode uden møder: sommerferie, "
        "5. juli 2027 til 30. juli 2027.",
        "kitbuilder.yaml: support.report_date: 3. august 2027 ligger i en periode uden møder, "
        "2. august 2027 til 6. august 2027.",
        "leaders.csv: række 5, kolonne meeting: 10. juli 2027 kl. 10.00 er en lørdag.",
    ],
    "sv": [
        "kitbuilder.yaml: workshops.qualify.minutes: Mötet tar nu 90 minuter i stället för 80.",
        "kitbuilder.yaml: branding.colours.primary: Text i #FFCC00 har bara kontrasten 1,5:1 mot vitt "
        "(minst 4,5:1 krävs) och blir svår att läsa i tryck.",
        "survey.csv: Saknade värden: 1 (rad 2, kolumn score). De ingår inte i medelvärden, markeringar eller diagram.",
        "leaders.csv: rad 5: Ole Havn är chef för Havnen, som inte finns med i survey.csv. Chefens förberedelse "
        "inför resultatmötet visar därför bara organisationens samlade resultat.",
        "kitbuilder.yaml: survey.labels.Trivsel: Trivsel är varken ett område eller en enhet i survey.csv. "
        "Namnen måste stavas exakt som i filen.",
        # the holiday is named in the kit's first language (the calendar is Denmark's)
        "kitbuilder.yaml: workshops.prepare.date: 6 maj 2027 är en helgdag eller ledig dag i Danmark: Kristi himmelfartsdag.",
        "kitbuilder.yaml: workshops.results.date: 14 juli 2027 infaller under en period utan möten: sommerferie, "
        "5 juli 2027 till 30 juli 2027.",
        "kitbuilder.yaml: support.report_date: 3 augusti 2027 infaller under en period utan möten, "
        "2 augusti 2027 till 6 augusti 2027.",
        "leaders.csv: rad 5, kolumn meeting: 10 juli 2027 kl. 10.00 är en lördag.",
    ],
    "nb": [
        "kitbuilder.yaml: workshops.qualify.minutes: Møtet varer nå 90 minutter i stedet for 80.",
        "kitbuilder.yaml: branding.colours.primary: Tekst i #FFCC00 har bare en kontrast på 1,5:1 mot hvitt "
        "(krever 4,5:1) og blir vanskelig å lese på trykk.",
        "survey.csv: Manglende verdier: 1. De er holdt utenfor gjennomsnitt, uthevinger og diagrammer. Det gjelder: "
        "rad 2, kolonne score",
        "leaders.csv: rad 5: Ole Havn er leder for Havnen, som ikke er med i survey.csv. Lederens forberedelse til "
        "resultatmøtet viser derfor bare resultatene for hele organisasjonen.",
        "kitbuilder.yaml: survey.labels.Trivsel: Trivsel er verken et område eller en enhet i survey.csv. "
        "Navnene må skrives nøyaktig slik de står i filen.",
        "kitbuilder.yaml: workshops.prepare.date: 6. mai 2027 er en offentlig fridag i Danmark: Kristi himmelfartsdag.",
        "kitbuilder.yaml: workshops.results.date: 14. juli 2027 faller i en periode uten møter: sommerferie, "
        "5. juli 2027 til 30. juli 2027.",
        "kitbuilder.yaml: support.report_date: 3. august 2027 faller i en periode uten møter, "
        "2. august 2027 til 6. august 2027.",
        "leaders.csv: rad 5, kolonne meeting: 10. juli 2027 kl. 10.00 er en lørdag.",
    ],
    "en": [
        "kitbuilder.yaml: workshops.qualify.minutes: The session now lasts 90 minutes instead of 80.",
        "kitbuilder.yaml: branding.colours.primary: Text in #FFCC00 has a contrast of only 1.5:1 on white "
        "(needs 4.5:1) and is hard to read in print.",
        "survey.csv: Missing values: 1. They are left out of every average, highlight and chart: row 2, column score",
        "leaders.csv: row 5: Ole Havn leads Havnen, which is not in survey.csv, so their results meeting "
        "preparation shows only the organisation's results.",
        "kitbuilder.yaml: survey.labels.Trivsel: Trivsel is neither an area nor a unit in survey.csv. "
        "Names must be written exactly as in the file.",
        "kitbuilder.yaml: workshops.prepare.date: 6 May 2027 is a public holiday in Denmark: Kristi himmelfartsdag.",
        "kitbuilder.yaml: workshops.results.date: 14 July 2027 falls in a period without meetings: sommerferie, "
        "5 July 2027 to 30 July 2027.",
        "kitbuilder.yaml: support.report_date: 3 August 2027 falls in a period without meetings, "
        "2 August 2027 to 6 August 2027.",
        "leaders.csv: row 5, column meeting: 10 July 2027 at 10:00 is a Saturday.",
    ],
}


def listed(page: str, box: str) -> list[str]:
    """The items of a warnings box of the page, as a reader sees them."""
    start = page.index(f'id="{box}"')
    part = page[start:page.index("</div>", start)]
    return [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in re.findall(r"<li>(.*?)</li>", part, re.S)]


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_pages_warnings_are_in_its_language(client, workspace, code):
    folder = warning_project(workspace)
    page = client.get("/projects/fjordby", headers={"Accept-Language": code}).text
    assert listed(page, "warnings") == EXPECTED[code]
    notices = Project(folder).check().warnings
    assert len(notices) == len(EXPECTED[code])
    if code != "en":  # not a word of the command line's English
        assert not [notice.message for notice in notices if html.escape(notice.message, quote=True) in page
                    or notice.message in page]
    # the JSON for scripts keeps the command line's lines
    assert client.get("/projects/fjordby", headers=JSON).json()["warnings"] == [str(notice) for notice in notices]


def test_a_builds_warnings_are_in_the_pages_language_once_the_config_has_changed(client, workspace):
    folder = warning_project(workspace)
    build = {"locale": "da", "kit": "leader-dialogue"}  # a quick build: no survey, so none of its warnings
    assert client.post("/projects/fjordby/build", data=build, headers=JSON).status_code == 202
    status = wait_for_build(client, "fjordby")
    assert status["state"] == "done" and len(status["notices"]) == len(status["warnings"]) == 6
    # the config as the page checks it now: the weekend meeting fixed, the rest as it was built
    _replace(folder / "leaders.csv", "2027-07-10T10:00", "2027-08-10T10:00")
    page = client.get("/projects/fjordby", headers={"Accept-Language": "nb"}).text
    assert listed(page, "build-warnings") == ["leaders.csv: rad 5, kolonne meeting: 10. juli 2027 kl. 10.00 er en lørdag."]
    assert "leaders.csv: rad 5, kolonne meeting" not in "".join(listed(page, "warnings"))
