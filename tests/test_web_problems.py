"""The problems of an uploaded leaders or survey file on the web page, in the page's language:
each kind a reader reports for a cell or a row, with its numbers and places formatted for the
locale; the command line's English lines stay as they were."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from kitbuilder.errors import InputError
from kitbuilder.inputs.leaders import load_leaders
from kitbuilder.inputs.survey import load_survey

from .test_web import client, small_project, workspace  # noqa: F401 (fixtures)

LONG = "Afdeling for " + "x" * 95  # 108 characters
LEADERS = ("Navn;Enhed;E-mail;Sprog;Møde\n"
           "Jens Ærø;IT;jens@example.org;da;2027-03-02 10:00\n"
           "Karin Öström;HR;karin@example.org;;2027-03-40 09:00\n"
           "Sigrid Håkonsen;IT;;;03/02/2027 10:00\n"
           "Ole Havn;IT;;;02.03.27 10.00\n"
           "Lis Berg;IT;;;næste tirsdag\n"
           ";HR;lone@example.org;;\n"
           "Jens Ærø;HR;;;\n"
           "Per Lund;IT;per@;;\n"
           f"Eva Dahl;{LONG};;;\n"
           "Bo Ek;IT;;fi;\n")
SURVEY = ("unit;area;period;score;respondents\n"
          ";Ledelse;2026;70;40\n"
          f"IT;{LONG};2026;70;40\n"
          "IT;Ledelse;2026;70;40\n"
          "IT;Ledelse;2026;71;40\n"
          "IT;Trivsel;2026;høj;40\n"
          "IT;Trivsel;2025;105,5;40\n"
          "IT;Arbejdsglæde;2026;70;mange\n")
#: Survey files whose header is wrong, each in its own way (the file names are the upload's).
HEADERS = {"missing-column.csv": "unit;area;period;respondents\nIT;Ledelse;2026;40\n",
           "no-area-columns.csv": "unit;period;respondents\nIT;2026;40\n",
           "no-header.csv": "Navn;Tal\nIT;70\n",
           "column-twice.csv": "unit;Enhed;area;period;score\nIT;IT;Ledelse;2026;70\n"}
HEADERS_LISTED = "unit, enhed, afdeling, department, enhet, avdeling, avdelning"


def _workbook_without_header() -> bytes:
    book = Workbook()
    book.active.append(["Resultater 2026"])
    book.create_sheet("Noter").append(["Tal", 70])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


UPLOADS = {**{name: text.encode("utf-8") for name, text in HEADERS.items()}, "no-sheet.xlsx": _workbook_without_header()}

ENGLISH = {  # the command line's lines, as before the page said them in its own words
    "leaders": [
        "ledere.csv: row 3, column Møde: no such date and time: '2027-03-40 09:00' "
        "(expected one such as 2027-03-02 10:00 or 02.03.2027 10.00)",
        "ledere.csv: row 4, column Møde: ambiguous date '03/02/2027 10:00' (day/month here, month/day in the US): "
        "write the year first or the day with dots, as in 2027-03-02 10:00 or 02.03.2027 10.00",
        "ledere.csv: row 5, column Møde: ambiguous year in '02.03.27 10.00': write it with four digits, "
        "as in 2027-03-02 10:00 or 02.03.2027 10.00",
        "ledere.csv: row 6, column Møde: expected a date and a time such as 2027-03-02 10:00 or 02.03.2027 10.00 "
        "(got 'næste tirsdag')",
        "ledere.csv: row 7, column Navn: required but empty",
        "ledere.csv: row 8, column Navn: 'Jens Ærø' is already listed in row 2; each leader once",
        "ledere.csv: row 9, column E-mail: 'per@' is not an e-mail address: There must be something after the @-sign.",
        "ledere.csv: row 10, column Enhed: too long: 108 characters, at most 100",
        "ledere.csv: row 11, column Sprog: unknown locale 'fi' (available: da, en, nb, sv)",
    ],
    "survey": [
        "survey.csv: row 2, column unit: required but empty",
        "survey.csv: row 3, column area: too long: 108 characters, at most 100",
        "survey.csv: row 5, column unit: IT/Ledelse/2026 is already given in row 4; one value each",
        "survey.csv: row 6, column score: expected a number (got 'høj'); a missing value is blank or one of "
        "-, –, —, n/a, *",
        "survey.csv: row 7, column score: 105.5 is outside the scale 0–100",
        "survey.csv: row 8, column respondents: expected a whole number of respondents (got 'mange')",
    ],
    "headers": [
        "missing-column.csv: row 1, column score: missing column (long: unit, area, period, score, respondents; "
        "wide: unit, period, respondents, one column per area; respondents may be left out, and in an XLSX file "
        "without period each sheet's name is its period)",
        "no-area-columns.csv: row 1: no area columns: expected one column per area after unit and period (long: "
        "unit, area, period, score, respondents; wide: unit, period, respondents, one column per area; respondents "
        "may be left out, and in an XLSX file without period each sheet's name is its period)",
        f"no-header.csv: rows 1–20: no header row found: expected a row with a unit column (headed {HEADERS_LISTED}) "
        "and the others",
        "column-twice.csv: row 1, column Enhed: the same column as 'unit'; give each column once",
        f"no-sheet.xlsx: rows 1–20 of every sheet: no header row found: expected a row with a unit column "
        f"(headed {HEADERS_LISTED}) and the others",
    ],
}

EXPECTED = {
    "da": {
        "leaders": [
            "Række 3, kolonnen Møde: Datoen eller klokkeslættet i »2027-03-40 09:00« findes ikke. "
            "Skriv fx 2027-03-02 10:00 eller 02.03.2027 10.00.",
            "Række 4, kolonnen Møde: I »03/02/2027 10:00« kan dag og måned læses begge veje. "
            "Skriv årstallet først (2027-03-02 10:00), eller brug punktummer (02.03.2027 10.00).",
            "Række 5, kolonnen Møde: Årstallet i »02.03.27 10.00« har kun to cifre. Skriv alle fire, fx 2027-03-02 10:00.",
            "Række 6, kolonnen Møde: »næste tirsdag« kan ikke læses som dato og klokkeslæt. "
            "Skriv fx 2027-03-02 10:00 eller 02.03.2027 10.00.",
            "Række 7, kolonnen Navn: Skal udfyldes.",
            "Række 8, kolonnen Navn: Jens Ærø står allerede i række 2. Hver leder må kun stå én gang.",
            "Række 9, kolonnen E-mail: »per@« er ikke en gyldig e-mailadresse.",
            "Række 10, kolonnen Enhed: Teksten er for lang (108 tegn). Der må højst være 100 tegn.",
            "Række 11, kolonnen Sprog: »fi« kan ikke bruges som sprogkode. Brug en af koderne da, en, nb, sv.",
        ],
        "survey": [
            "survey.csv: række 2, kolonne unit: Skal udfyldes.",
            "survey.csv: række 3, kolonne area: Teksten er for lang (108 tegn). Der må højst være 100 tegn.",
            "survey.csv: række 5, kolonne unit: IT/Ledelse/2026 står allerede i række 4. Hver værdi må kun angives én gang.",
            "survey.csv: række 6, kolonne score: »høj« er ikke et tal. Mangler værdien, kan cellen stå tom eller "
            "indeholde et af følgende: -, –, —, n/a, *.",
            "survey.csv: række 7, kolonne score: 105,5 ligger uden for skalaen, som går fra 0 til 100.",
            "survey.csv: række 8, kolonne respondents: »mange« er ikke et helt tal. Skriv, hvor mange der har svaret.",
        ],
        "headers": [
            "missing-column.csv: række 1, kolonne score: Kolonnen mangler. Filen skal have kolonner for enhed og "
            "periode og derudover enten område og score eller én kolonne pr. område. I en XLSX-fil med ét ark pr. "
            "periode kan periodekolonnen udelades.",
            "no-area-columns.csv: række 1: Der er ingen kolonner med områder. Efter enhed og periode skal der være "
            "én kolonne pr. område.",
            "no-header.csv: Der er ingen overskriftsrække i de første 20 rækker. Mindst én kolonne skal hedde et af "
            f"følgende: {HEADERS_LISTED}.",
            "column-twice.csv: række 1, kolonne Enhed: Samme kolonne som »unit«. Hver kolonne må kun være med én gang.",
            "no-sheet.xlsx: Ingen af arkene har en overskriftsrække i de første 20 rækker. Mindst én kolonne skal hedde et af "
            f"følgende: {HEADERS_LISTED}.",
        ],
    },
    "sv": {
        "leaders": [
            "Rad 3, kolumnen Møde: Datumet eller klockslaget i ”2027-03-40 09:00” finns inte. "
            "Skriv till exempel 2027-03-02 10:00 eller 02.03.2027 10.00.",
            "Rad 4, kolumnen Møde: I ”03/02/2027 10:00” går det inte att avgöra vad som är dag och vad som är månad. "
            "Skriv årtalet först: 2027-03-02 10:00.",
            "Rad 5, kolumnen Møde: Årtalet i ”02.03.27 10.00” har bara två siffror. "
            "Skriv alla fyra, till exempel 2027-03-02 10:00.",
            "Rad 6, kolumnen Møde: ”næste tirsdag” går inte att läsa som datum och klockslag. "
            "Skriv till exempel 2027-03-02 10:00 eller 02.03.2027 10.00.",
            "Rad 7, kolumnen Navn: Måste fyllas i.",
            "Rad 8, kolumnen Navn: Jens Ærø finns redan på rad 2. Varje chef får bara finnas med en gång.",
            "Rad 9, kolumnen E-mail: ”per@” är inte en giltig e-postadress.",
            "Rad 10, kolumnen Enhed: Texten är för lång: 108 tecken. Högst 100 tecken är tillåtna.",
            "Rad 11, kolumnen Sprog: ”fi” är inte ett språk som materialet finns på. "
            "Använd någon av koderna da, en, nb, sv.",
        ],
        "survey": [
            "survey.csv: rad 2, kolumn unit: Måste fyllas i.",
            "survey.csv: rad 3, kolumn area: Texten är för lång: 108 tecken. Högst 100 tecken är tillåtna.",
            "survey.csv: rad 5, kolumn unit: IT/Ledelse/2026 finns redan på rad 4. Varje värde får bara anges en gång.",
            "survey.csv: rad 6, kolumn score: ”høj” är inte ett tal. Om värdet saknas, lämna cellen tom eller skriv "
            "något av följande: -, –, —, n/a, *.",
            "survey.csv: rad 7, kolumn score: 105,5 ligger utanför skalan, som går från 0 till 100.",
            "survey.csv: rad 8, kolumn respondents: ”mange” är inte ett heltal. Skriv hur många som har svarat.",
        ],
        "headers": [
            "missing-column.csv: rad 1, kolumn score: Kolumnen saknas. Filen måste ha kolumner för enhet och period "
            "och dessutom antingen område och resultat eller en kolumn per område. I en XLSX-fil med ett blad per "
            "period kan periodkolumnen utelämnas.",
            "no-area-columns.csv: rad 1: Det finns inga kolumner för områden. Efter enhet och period ska det finnas "
            "en kolumn per område.",
            "no-header.csv: Det finns ingen rubrikrad bland de första 20 raderna. Minst en kolumn måste ha någon av "
            f"följande rubriker: {HEADERS_LISTED}.",
            "column-twice.csv: rad 1, kolumn Enhed: Samma kolumn som ”unit”. Varje kolumn får bara finnas med en gång.",
            "no-sheet.xlsx: Inget av bladen har en rubrikrad bland de första 20 raderna. Minst en kolumn måste ha någon av "
            f"följande rubriker: {HEADERS_LISTED}.",
        ],
    },
    "nb": {
        "leaders": [
            "Rad 3, kolonnen Møde: «2027-03-40 09:00» er ikke en dato og et klokkeslett som finnes. "
            "Skriv for eksempel 2027-03-02 10:00 eller 02.03.2027 10.00.",
            "Rad 4, kolonnen Møde: I «03/02/2027 10:00» er det uklart hva som er dag og hva som er måned. "
            "Skriv årstallet først (2027-03-02 10:00) eller bruk punktum (02.03.2027 10.00).",
            "Rad 5, kolonnen Møde: Årstallet i «02.03.27 10.00» har bare to sifre. "
            "Skriv alle fire, for eksempel 2027-03-02 10:00.",
            "Rad 6, kolonnen Møde: «næste tirsdag» kan ikke leses som dato og klokkeslett. "
            "Skriv for eksempel 2027-03-02 10:00 eller 02.03.2027 10.00.",
            "Rad 7, kolonnen Navn: Må fylles ut.",
            "Rad 8, kolonnen Navn: Jens Ærø står allerede på rad 2. Hver leder skal bare stå én gang.",
            "Rad 9, kolonnen E-mail: «per@» er ikke en gyldig e-postadresse.",
            "Rad 10, kolonnen Enhed: For lang: 108 tegn. Høyst 100 er tillatt.",
            "Rad 11, kolonnen Sprog: «fi» er ikke et språk materiellet finnes på. Bruk en av kodene da, en, nb, sv.",
        ],
        "survey": [
            "survey.csv: rad 2, kolonne unit: Må fylles ut.",
            "survey.csv: rad 3, kolonne area: For lang: 108 tegn. Høyst 100 er tillatt.",
            "survey.csv: rad 5, kolonne unit: IT/Ledelse/2026 står allerede på rad 4. Hver verdi skal bare oppgis én gang.",
            "survey.csv: rad 6, kolonne score: «høj» er ikke et tall. En verdi som mangler, markeres med en tom celle "
            "eller med ett av disse: -, –, —, n/a, *.",
            "survey.csv: rad 7, kolonne score: 105,5 ligger ikke mellom 0 og 100.",
            "survey.csv: rad 8, kolonne respondents: «mange» er ikke et heltall. Skriv hvor mange som har svart.",
        ],
        "headers": [
            "missing-column.csv: rad 1, kolonne score: Kolonnen mangler. Filen må ha kolonner for enhet og periode, "
            "og i tillegg enten område og resultat eller én kolonne per område. I et regneark med ett ark per periode "
            "kan periodekolonnen utelates.",
            "no-area-columns.csv: rad 1: Det er ingen kolonner for områder. Etter enhet og periode skal det være én "
            "kolonne per område.",
            "no-header.csv: Det er ingen rad med overskrifter blant de første 20 radene. Én av kolonnene må ha en av "
            f"disse overskriftene: {HEADERS_LISTED}.",
            "column-twice.csv: rad 1, kolonne Enhed: Samme kolonne som «unit». Hver kolonne skal bare være med én gang.",
            "no-sheet.xlsx: Ingen av arkene har en rad med overskrifter blant de første 20 radene. Én av kolonnene "
            f"må ha en av disse overskriftene: {HEADERS_LISTED}.",
        ],
    },
    "en": {
        "leaders": [
            "Row 3, column Møde: The date or time in “2027-03-40 09:00” does not exist. "
            "Write it as 2027-03-02 10:00 or 02.03.2027 10.00.",
            "Row 4, column Møde: In “03/02/2027 10:00”, the day and the month could be either way round. "
            "Write the year first (2027-03-02 10:00) or use dots (02.03.2027 10.00).",
            "Row 5, column Møde: The year in “02.03.27 10.00” has only two digits. Write all four, as in 2027-03-02 10:00.",
            "Row 6, column Møde: “næste tirsdag” cannot be read as a date and time. "
            "Write it as 2027-03-02 10:00 or 02.03.2027 10.00.",
            "Row 7, column Navn: Must be filled in.",
            "Row 8, column Navn: Jens Ærø is already listed in row 2. Each leader may be listed only once.",
            "Row 9, column E-mail: “per@” is not a valid e-mail address.",
            "Row 10, column Enhed: The text is too long (108 characters). At most 100 characters are allowed.",
            "Row 11, column Sprog: “fi” cannot be used as a language code. Use one of the codes da, en, nb, sv.",
        ],
        "survey": [
            "survey.csv: row 2, column unit: Must be filled in.",
            "survey.csv: row 3, column area: The text is too long (108 characters). At most 100 characters are allowed.",
            "survey.csv: row 5, column unit: IT/Ledelse/2026 is already given in row 4. Each value may be given only once.",
            "survey.csv: row 6, column score: “høj” is not a number. If the value is missing, leave the cell empty or write one of "
            "these: -, –, —, n/a, *.",
            "survey.csv: row 7, column score: 105.5 is outside the scale, which runs from 0 to 100.",
            "survey.csv: row 8, column respondents: “mange” is not a whole number. Write how many people answered.",
        ],
        "headers": [
            "missing-column.csv: row 1, column score: This column is missing. The file needs columns for unit and "
            "period, and either area and score or one column for each area. In an XLSX file with one sheet per "
            "period, the period column can be left out.",
            "no-area-columns.csv: row 1: There are no area columns. After unit and period, the file needs one column "
            "for each area.",
            f"no-header.csv: There is no header row in the first 20 rows. At least one column must be headed one of these: "
            f"{HEADERS_LISTED}.",
            "column-twice.csv: row 1, column Enhed: The same column as “unit”. Each column may appear only once.",
            "no-sheet.xlsx: No sheet has a header row in its first 20 rows. At least one column must be headed one of these: "
            f"{HEADERS_LISTED}.",
        ],
    },
}


def shown(page: str, start: str, end: str) -> list[str]:
    """The problems listed in the part of the page from ``start`` to ``end``, as a reader sees them."""
    first = page.index(start)
    part = page[first:page.index(end, first)]
    return [html.unescape(re.sub(r"<[^>]+>", "", item))
            for item in re.findall(r'<(?:p class="error" role="alert"|li)>(.*?)</(?:p|li)>', part, re.S)]


def upload(client, folder: Path, use_as: str, name: str, data: bytes, code: str) -> str:
    response = client.post(f"/projects/{folder.name}/files", data={"use_as": use_as}, files={"file": (name, data)},
                           headers={"Accept-Language": code})
    assert response.status_code == 422
    return response.text


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_problems_of_an_uploaded_file_are_in_the_pages_language(client, workspace, code):
    folder = small_project(client)
    page = upload(client, folder, "leaders_file", "ledere.csv", LEADERS.encode("utf-8"), code)
    assert shown(page, 'id="leaders-table"', "</table>") == EXPECTED[code]["leaders"]
    page = upload(client, folder, "survey", "survey.csv", SURVEY.encode("utf-8"), code)
    assert shown(page, 'id="file-problems"', "</div>") == EXPECTED[code]["survey"]
    headers = []
    for name, data in UPLOADS.items():
        page = upload(client, folder, "survey", name, data, code)
        headers += shown(page, 'id="file-problems"', "</div>")
    assert headers == EXPECTED[code]["headers"]
    if code != "en":  # not a word of the command line's English
        assert "required but empty" not in page and "no header row found" not in page


def test_the_command_lines_lines_are_as_before(tmp_path):
    (tmp_path / "ledere.csv").write_text(LEADERS, encoding="utf-8")
    with pytest.raises(InputError) as leaders:
        load_leaders(tmp_path / "ledere.csv")
    assert [str(problem).replace(f"{tmp_path}/", "") for problem in leaders.value.problems] == ENGLISH["leaders"]
    found = []
    for name, data in {"survey.csv": SURVEY.encode("utf-8"), **UPLOADS}.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError) as survey:
            load_survey(tmp_path / name, name, (0, 100))
        found += [str(problem) for problem in survey.value.problems]
    assert found == ENGLISH["survey"] + ENGLISH["headers"]


def test_a_failed_builds_problems_are_in_the_pages_language(client, workspace):
    from .test_web import example_project, wait_for_build

    folder = example_project(workspace)
    survey = folder / "survey.csv"  # the config is valid: the survey is read when the kit is built
    survey.write_text(survey.read_text(encoding="utf-8").replace(";69.5;", ";høj;", 1), encoding="utf-8")
    assert client.post("/projects/fjordby/build", data={"locale": "da"}, headers={"Accept": "application/json"}).status_code == 202
    status = wait_for_build(client, "fjordby")
    assert status["state"] == "failed"
    assert [problem["message"] for problem in status["problems"]] == [  # the JSON for scripts: the command line's
        "expected a number (got 'høj'); a missing value is blank or one of -, –, —, n/a, *"]
    page = client.get("/projects/fjordby", headers={"Accept-Language": "sv"}).text
    assert shown(page, 'id="build-failed"', "</div>") == [
        "survey.csv: rad 2, kolumn score: ”høj” är inte ett tal. Om värdet saknas, lämna cellen tom eller skriv "
        "något av följande: -, –, —, n/a, *."]
