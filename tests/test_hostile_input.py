"""Hostile text in every free-text field: printed literally, or refused naming the field.

A property test (Hypothesis) fills the config's free-text fields with XML specials, Jinja
syntax, control characters, lone surrogates, emoji, right-to-left text and 10,000-character
strings. Each build must either succeed with every text read back exactly from the file
that prints it (control characters dropped, surrounding space trimmed), or exit 2 naming
the field; never a traceback, never a file that does not open. A fixed hostile build is then
checked by the OOXML validators and converted by LibreOffice.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kitbuilder.cli import cli
from kitbuilder.usertext import LINE_MAX, LONG_MAX, NAME_MAX, PARAGRAPH_MAX, TITLE_MAX, printable

from .conftest import ROOT
from .docxread import file_text


@dataclass(frozen=True)
class Field:
    """A free-text field: where it sits in the config, its limits and a file that prints it."""

    path: tuple
    max_length: int
    required: bool
    printed_in: str  # a glob under the locale folder
    #: A deck that shows it too: whole, or cut to fit with a warning naming the slide.
    on_slides: str = ""

    @property
    def dotted(self) -> str:
        return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in self.path).lstrip(".")


FIELDS = [
    Field(("organisation", "name"), LINE_MAX, True, "01-facilitator-checklist.docx", "02-runsheet-prepare.pptx"),
    Field(("themes", "custom", 0, "title"), TITLE_MAX, False, "05-theme-cards.docx", "02-runsheet-prepare.pptx"),
    Field(("themes", "custom", 0, "prompt"), PARAGRAPH_MAX, False, "05-theme-cards.docx"),
    Field(("action_cards", "recovery", "goal"), LONG_MAX, False, "07-action-cards.docx"),
    Field(("leaders", 0, "name"), NAME_MAX, True, "dialogue-guides/*.docx"),
    Field(("leaders", 0, "manager"), NAME_MAX, False, "dialogue-guides/*.docx"),
    Field(("support", "offers", 0, "title"), LINE_MAX, True, "20-support-offers.docx"),
    Field(("support", "offers", 0, "description"), LONG_MAX, False, "20-support-offers.docx"),
    Field(("support", "contacts", 0, "name"), NAME_MAX, True, "20-support-offers.docx"),
    Field(("workshops", "prepare", "venue"), LINE_MAX, False, "01-facilitator-checklist.docx",
          "02-runsheet-prepare.pptx"),
    Field(("text", "da", "evaluation_follow_up.intro"), LONG_MAX, False, "20-support-offers.docx"),
]

SPECIALS = ["&", "<", ">", '"', "'", "&amp;", "<w:t>", "]]>", "{{ x }}", "{% for i in x %}", "{%", "{#", "}}",
            "{0}", "{organisation}", "\x00", "\x01", "\x0b", "\x1f", "\x7f", "\ud800", "\udfff", "\ufffe", "🌱",
            "👩🏽‍💼", "\u200f", "\u202e", "שלום", "مرحبا", "ÆØÅ æøå ÄÖ", "\t", "\n", "\r\n", " ", "\u00a0", "\\",
            "${x}", "%s", "../", "CON", "…"]

fragment = st.one_of(st.sampled_from(SPECIALS), st.text(st.characters(exclude_categories=()), max_size=12))
short_text = st.lists(fragment, max_size=8).map("".join)
PIECES = ["Æøå & <b> ", "W", "🌱", "{{ x }} ", "שלום ", "\x01"]


def long_text(length: int):
    return st.sampled_from(PIECES).map(lambda piece: (piece * length)[:length])


@st.composite
def hostile_texts(draw) -> dict[Field, str]:
    """Texts for some fields: mostly short and nasty, some as long as allowed, and now and
    then one field (only one, so the rest still gets built) far too long."""
    fields = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=len(FIELDS), unique=True))
    texts = {field: draw(st.one_of(short_text, short_text, long_text(field.max_length))) for field in fields}
    if draw(st.integers(0, 3)) == 0:
        field = draw(st.sampled_from(fields))
        texts[field] = draw(long_text(draw(st.sampled_from([field.max_length + 1, 10_000]))))
    return texts


def base_config() -> dict:
    """The example config, Danish only, with one leader and one offer to fill in."""
    config = yaml.safe_load((ROOT / "config" / "example.yaml").read_text(encoding="utf-8"))
    config["locales"] = ["da"]
    config["leaders_file"] = None
    config["leaders"] = [{"name": "Jens Ærø", "unit": "Vej og Park", "manager": "Anne", "meeting": "2027-03-02T10:00"}]
    config["support"]["offers"] = [{"title": "Coaching", "description": ""}]
    return config


def put(config: dict, path: tuple, value: str) -> None:
    node = config
    for part in path[:-1]:
        node = node.setdefault(part, {}) if isinstance(part, str) else node[part]
    node[path[-1]] = value


def expected(text: str) -> str:
    """What a build prints for ``text``: characters XML cannot hold dropped, ends trimmed."""
    return printable(text).strip()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "config" / "assets", folder / "assets")
    shutil.copy(ROOT / "config" / "survey.csv", folder / "survey.csv")
    return folder


def build_with(workspace: Path, texts: dict[Field, str], name: str = "hostile") -> tuple[object, Path]:
    config = base_config()
    for field, text in texts.items():
        put(config, field.path, text)
    path = workspace / f"{name}.yaml"
    # JSON is YAML: the dump keeps every character (escaped), which the loader reads back as is
    path.write_text(json.dumps(config, default=str), encoding="utf-8")
    out = workspace / f"{name}-out"
    shutil.rmtree(out, ignore_errors=True)
    result = CliRunner().invoke(cli, ["build", str(path), "--out", str(out)])
    return result, out / "fjordby"


def assert_every_file_opens(root: Path) -> None:
    from docx import Document
    from icalendar import Calendar
    from pptx import Presentation

    files = sorted(path for path in root.rglob("*") if path.is_file() and path.name != "manifest.json")
    assert files
    for path in files:
        if path.suffix in {".docx", ".pptx"}:
            with zipfile.ZipFile(path) as package:
                assert package.testzip() is None, path
            Document(str(path)) if path.suffix == ".docx" else Presentation(str(path))
        else:
            assert path.suffix == ".ics", path
            Calendar.from_ical(path.read_bytes())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(hostile_texts())
def test_any_text_is_printed_literally_or_refused_naming_the_field(workspace, texts):
    result, root = build_with(workspace, texts)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "internal error" not in result.output
    refused = [field for field, text in texts.items()
               if len(expected(text)) > field.max_length or (field.required and not expected(text))]
    event("refused" if refused else "built")
    if refused:
        assert result.exit_code == 2, result.output
        for field in refused:
            assert f"{field.dotted}: " in result.output, (field.dotted, result.output)
        return
    assert result.exit_code == 0, result.output
    assert_every_file_opens(root)
    for field, text in texts.items():
        if not expected(text):
            continue
        printed = [squeeze(file_text(path)) for path in (root / "da").glob(field.printed_in)]
        assert printed, field.printed_in
        assert all(squeeze(expected(text)) in page for page in printed), (field.dotted, expected(text)[:80])
        if field.on_slides:
            shown = squeeze(expected(text)) in squeeze(file_text(root / "da" / field.on_slides))
            assert shown or f"da/{field.on_slides}, slide " in result.output, (field.dotted, expected(text)[:80])


# --- spreadsheets: the leaders file and the survey file -----------------------------------------

# a CSV file holds encoded text, so no lone surrogates here (they cannot be written as UTF-8)
cell_fragment = st.one_of(st.sampled_from([t for t in SPECIALS if not re.search("[\ud800-\udfff]", t)]),
                          st.text(st.characters(exclude_categories=("Cs",)), max_size=12))
short_cell = st.lists(cell_fragment, min_size=1, max_size=8).map("".join)
cell_text = st.one_of(short_cell, short_cell, short_cell,
                      st.sampled_from(PIECES[:-1]).map(lambda piece: (piece * NAME_MAX)[:NAME_MAX]),  # at the limit
                      st.sampled_from(PIECES[:-1]).map(lambda piece: (piece * LINE_MAX)[:LINE_MAX + 1]))  # over it
LEADER_COLUMNS = {"name": (NAME_MAX, True), "manager": (NAME_MAX, False), "place": (LINE_MAX, False)}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(leader=st.fixed_dictionaries({column: cell_text for column in LEADER_COLUMNS}), unit=cell_text)
def test_spreadsheet_cells_are_printed_literally_or_refused_naming_row_and_column(workspace, leader, unit):
    """A leader (name, manager, place) in leaders.csv whose unit, also in survey.csv, is hostile too."""
    import csv

    folder = workspace / "sheets"
    folder.mkdir(exist_ok=True)
    with open(folder / "leaders.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([["name", "unit", "manager", "place", "meeting"],
                                                     [leader["name"], unit, leader["manager"], leader["place"],
                                                      "2027-03-02T10:00"]])
    survey = (ROOT / "config" / "survey.csv").read_text(encoding="utf-8").splitlines()
    with open(folder / "survey.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerows(line.split(";") for line in survey)
        writer.writerows([unit, *line.split(";")[1:]] for line in survey[1:] if line.startswith("Vej og Park;"))
    config = base_config()
    del config["leaders"]
    config["leaders_file"] = "leaders.csv"
    config["survey"]["file"] = "survey.csv"
    config["branding"]["logo"] = str(ROOT / "config" / "assets" / "logo.png")
    (folder / "kit.yaml").write_text(json.dumps(config, default=str), encoding="utf-8")
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    result = CliRunner().invoke(cli, ["build", str(folder / "kit.yaml"), "--out", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "internal error" not in result.output
    # the leaders file is read with the config, the survey file after it: problems of the first stop the second
    limits = {**LEADER_COLUMNS, "unit": (NAME_MAX, False)}
    refused = [column for column, text in {**leader, "unit": unit}.items()
               if len(expected(text)) > limits[column][0] or (limits[column][1] and not expected(text))]
    if not refused and not expected(unit):
        refused = ["unit"]  # the survey needs a unit name in every row
    event(f"refused: {', '.join(refused)}" if refused else "built")
    if refused:
        assert result.exit_code == 2, result.output
        for column in refused:
            assert f"row 2, column {column}: " in result.output or f", column {column}: " in result.output, (
                column, result.output)
        return
    assert result.exit_code == 0, result.output
    root = out / "fjordby"
    assert_every_file_opens(root)
    [guide] = (root / "da" / "dialogue-guides").glob("*.docx")
    [prep] = (root / "da" / "results-meeting-preps").glob("*.docx")
    guide_text, prep_text = squeeze(file_text(guide)), squeeze(file_text(prep))
    for column in ("name", "manager", "place"):
        assert squeeze(expected(leader[column])) in guide_text, column
    assert squeeze(expected(unit)) in prep_text


# --- one fixed hostile build, checked by the validators and LibreOffice ------------------------

WORST = {
    FIELDS[0]: ("Smith & Søn <Holding> \"A/S\" 'Ltd' {{ org }} 🌱 שלום \x01" * 4)[:LINE_MAX],
    FIELDS[1]: ("{% for x in y %}{{ x }}{% endfor %} ÆØÅ \u202e ") * 4,
    FIELDS[3]: ("Mål & <plan> \t\x0b 👩🏽‍💼 " * 200)[:LONG_MAX],
    FIELDS[4]: "Ærø ../CON. \ud800 {{ leader }}",
    FIELDS[7]: ("]]> <w:t>x</w:t> &amp; " * 100)[:LONG_MAX],
    FIELDS[10]: "{organisation} {0} %s ${x} \\ …",
}


@pytest.fixture(scope="module")
def worst_build(workspace):
    result, root = build_with(workspace, WORST, name="worst")
    assert result.exit_code == 0, result.output
    return root


def test_the_worst_texts_are_printed_literally(worst_build):
    for field, text in WORST.items():
        for path in (worst_build / "da").glob(field.printed_in):
            assert squeeze(expected(text)) in squeeze(file_text(path)), (field.dotted, path.name)


def _tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def office_files(root: Path) -> list[Path]:
    return sorted([*root.rglob("*.docx"), *root.rglob("*.pptx")])


@pytest.fixture(scope="module")
def validated_builds(worst_build, example_build, tmp_path_factory):
    """The hostile build, every Office file of the example build, and the example built with
    a client's restyled templates (in Danish and Swedish, which has a template of its own)."""
    from kitbuilder import build, load_config

    restyled = build(load_config(ROOT / "config" / "example.yaml", overrides={"locales": ["da", "sv"]}),
                     tmp_path_factory.mktemp("restyled"), templates=ROOT / "tests" / "themes" / "client")
    return office_files(worst_build) + office_files(example_build.root) + office_files(restyled.root)


def test_openxml_audit_finds_no_schema_error(validated_builds, tmp_path):
    for number, path in enumerate(validated_builds):  # the validator reads one path or a folder
        (tmp_path / f"{number:03d}-{path.name}").symlink_to(path)
    result = subprocess.run([_tool("openxml-audit"), "--recursive", "--output", "json", "--max-errors", "0",
                             str(tmp_path)], capture_output=True, text=True)
    reports = json.loads(result.stdout)
    assert len(reports) == len(validated_builds)
    errors = {report["file"]: [e["description"] for e in report["errors"]] for report in reports if report["errors"]}
    assert errors == {}
    assert all(report["valid"] for report in reports)


def test_ooxml_integrity_finds_no_broken_reference(validated_builds):
    result = subprocess.run([_tool("ooxml-integrity"), "check", "--json", "--no-config", "--fail-on", "info",
                             *map(str, validated_builds)], capture_output=True, text=True)
    report = json.loads(result.stdout)
    assert len(report["files"]) == len(validated_builds)
    assert [finding for file in report["files"] for finding in file["findings"]] == []
    assert result.returncode == 0


def test_validators_report_a_broken_file(tmp_path, example_build):
    """The validators can fail: an element out of schema order is caught by openxml-audit."""
    source = example_build.root / "da" / "07-action-cards.docx"
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(broken, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body><w:p><w:r><w:pPr/></w:r></w:p>", 1)
            copy.writestr(item, data)
    result = subprocess.run([_tool("openxml-audit"), "--output", "json", str(broken)], capture_output=True, text=True)
    report = json.loads(result.stdout)
    report = report[0] if isinstance(report, list) else report
    assert report["valid"] is False and report["errors"]


@pytest.mark.office
def test_libreoffice_opens_every_hostile_file(worst_build):
    from pypdf import PdfReader

    from kitbuilder.pdf import convert_to_pdf

    files = office_files(worst_build)
    for source, pdf in convert_to_pdf(files).items():
        assert len(PdfReader(pdf).pages) >= 1, source
    first_page = PdfReader(worst_build / "da" / "01-facilitator-checklist.pdf").pages[0].extract_text()
    assert "Smith & Søn <Holding>" in first_page


def test_printable_keeps_text_and_drops_what_office_files_cannot_hold():
    assert printable("Smith & Søn <b> {{ x }} 🌱 שלום") == "Smith & Søn <b> {{ x }} 🌱 שלום"
    assert printable("Ctrl\x00\x01\x0b\x1f\x7f chars\ufffe") == "Ctrl chars"
    assert printable("line\r\nend\rold mac") == "line\nend\nold mac"  # python-pptx would write _x000D_
    assert printable("\ud83c\udf31 and a lone \ud800") == "🌱 and a lone "  # YAML escapes of an emoji
    assert printable({"name": ["a\x01", 3]}) == {"name": ["a", 3]}
