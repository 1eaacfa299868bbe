"""Real LibreOffice: every generated document converts, with the pages we expect.

The test set-up (make test) installs LibreOffice, the fonts and poppler; these tests are
never skipped.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from kitbuilder import build, load_config
from kitbuilder.cli import cli
from kitbuilder.locales import load_locale
from kitbuilder.pdf import convert_to_pdf

from .conftest import EXAMPLE
from .docxread import text

pytestmark = pytest.mark.office

# pages per document: the checklist (programme, HR questions, checklist, then one page per
# step), 13 theme cards at six a page, the poster (empty for step 1, then the rated result),
# the example plus one page per card.
EXPECTED_PAGES = {
    "01-facilitator-checklist": 5,
    "02-runsheet-prepare": 7,
    "03-runsheet-qualify": 6,
    "04-runsheet-concretise": 7,
    "05-theme-cards": 3,
    "06-prioritisation-map": 2,
    "07-action-cards": 5,
    "08-wellbeing-plan": 2,
}


@pytest.fixture(scope="session")
def pdf_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE), "--out", str(out), "--pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out / "fjordby"


def test_every_office_file_has_a_pdf_in_the_manifest(pdf_build):
    manifest = json.loads((pdf_build / "manifest.json").read_text(encoding="utf-8"))
    files = {entry["file"] for entry in manifest["files"]}
    office = {f for f in files if f.endswith((".docx", ".pptx"))}
    assert len(office) == 48  # 16 a locale: 8 wellbeing-plan, 3 guides, support offers, results deck, 3 preps
    assert {f.rsplit(".", 1)[0] + ".pdf" for f in office} <= files


@pytest.mark.parametrize("locale", ["da", "sv", "nb"])
def test_each_deck_prints_one_page_per_slide(pdf_build, locale):
    from pptx import Presentation
    for deck in sorted((pdf_build / locale).glob("*.pptx")):
        assert len(PdfReader(deck.with_suffix(".pdf")).pages) == len(Presentation(str(deck)).slides)


@pytest.mark.parametrize("locale", ["da", "sv", "nb"])
def test_page_counts_and_sizes(pdf_build, locale):
    for stem, pages in EXPECTED_PAGES.items():
        reader = PdfReader(pdf_build / locale / f"{stem}.pdf")
        assert len(reader.pages) == pages, (locale, stem)
        box = reader.pages[0].mediabox
        size = (round(float(box.width)), round(float(box.height)))
        expected = {"06-prioritisation-map": (1191, 842)}.get(stem, (960, 540) if "runsheet" in stem else (595, 842))
        assert size == expected, (locale, stem)


def test_pdfs_embed_every_font(pdf_build):
    for pdf in sorted(pdf_build.rglob("*.pdf")):
        listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = listing.splitlines()[2:]
        assert rows, pdf
        assert all(row.split()[-5] == "yes" for row in rows), listing


def test_pdf_text_keeps_nordic_letters_and_the_organisation(pdf_build):
    def pdf_text(path):
        return "".join(page.extract_text() for page in PdfReader(path).pages)
    danish = pdf_text(pdf_build / "da" / "08-wellbeing-plan.pdf")
    swedish = pdf_text(pdf_build / "sv" / "08-wellbeing-plan.pdf")
    assert "Fjordby Kommune & Forsyning" in danish
    assert all(letter in danish for letter in "æøå")
    assert all(letter in swedish for letter in "äö")


NASTY = {
    "ampersand": "Smith & Søn <Holding> \"A/S\" 'Ltd'",
    "jinja": "{{ 7 * 7 }} {% if true %}x{% endif %} {# c #}",
    "emoji": "Trivsel 🌱💪 for alle",
}


def test_text_from_the_config_is_printed_literally(tmp_path):
    long_text = ("Meget lang beskrivelse " * 90)[:2000].strip()  # as long as a config text may be
    config_path = tmp_path / "nasty.yaml"
    config_path.write_text(
        "organisation:\n"
        f"  name: {json.dumps(NASTY['ampersand'])}\n"
        "  short_name: \"../nasty {{ x }}\"\n"
        "locales: [da]\n"
        "workshops:\n"
        f"  prepare: {{venue: {json.dumps(NASTY['jinja'])}, facilitator: \"Ctrl\\x01\\x1fchars\\u0007\"}}\n"
        "themes:\n"
        "  selected: [recovery, own]\n"
        f"  custom: [{{id: own, title: {json.dumps(NASTY['emoji'])}}}]\n"
        "action_cards:\n"
        f"  recovery: {{goal: {json.dumps(NASTY['jinja'])}, tasks: \"Line one\\nLine two\", "
        f"help: {json.dumps(long_text)}}}\n",
        encoding="utf-8")
    report = build(load_config(config_path), tmp_path / "out", pdf=True)
    checklist = text(report.root / "da" / "01-facilitator-checklist.docx")
    cards = text(report.root / "da" / "07-action-cards.docx")
    assert NASTY["ampersand"] in checklist
    assert NASTY["jinja"] in checklist and "49" not in checklist
    assert "Ctrlchars" in checklist
    assert NASTY["emoji"] in cards
    assert NASTY["jinja"] in cards
    assert "Line one" in cards and "Line two" in cards
    assert long_text in cards
    assert report.root.name == "nasty-x"
    for office in [*report.root.rglob("*.docx"), *report.root.rglob("*.pptx")]:
        assert office.with_suffix(".pdf").is_file(), office
        assert len(PdfReader(office.with_suffix(".pdf")).pages) >= 1


def test_a_file_that_does_not_convert_is_named(tmp_path):
    good = tmp_path / "good.docx"
    from docx import Document
    Document().save(good)
    bad = tmp_path / "bad.docx"
    bad.write_bytes(good.read_bytes()[:300])  # a truncated download
    from kitbuilder.errors import BuildError
    with pytest.raises(BuildError) as caught:
        convert_to_pdf([good, bad])
    assert "bad.docx" in str(caught.value) and "good.docx" not in str(caught.value)
    assert good.with_suffix(".pdf").is_file()


def test_libreoffice_is_started_once_for_the_whole_build(tmp_path, soffice_starts):
    report = build(load_config(EXAMPLE), tmp_path / "out", pdf=True, jobs=1)
    assert len([p for p in report.files if p.suffix == ".pdf"]) == 69  # 48 documents, 12 kit packs, 9 leader packs
    assert soffice_starts.read_text().count("start") == 1


@pytest.mark.parametrize("locale", ["da", "sv", "nb"])
def test_the_print_pack_joins_the_parts_in_print_order_with_bookmarks(pdf_build, locale):
    from kitbuilder.locales import load_locale
    pack = PdfReader(pdf_build / locale / "print-pack-wellbeing-plan.pdf")
    parts = sorted((pdf_build / locale).glob("0*.pdf"))
    assert len(pack.pages) == sum(len(PdfReader(part).pages) for part in parts)
    titles = [item.title for item in pack.outline]
    text = load_locale(locale)
    assert titles == [text.get("wellbeing_plan.documents.facilitator-checklist"),
                      *(text.get(f"wellbeing_decks.documents.runsheet-{step}") for step in ("prepare", "qualify", "concretise")),
                      *(text.get(f"wellbeing_plan.documents.{doc}") for doc in ("theme-cards", "prioritisation-map",
                                                                                "action-cards", "wellbeing-plan"))]
    starts = [pack.get_destination_page_number(item) for item in pack.outline]
    sizes = [len(PdfReader(part).pages) for part in parts]
    assert starts == [sum(sizes[:i]) for i in range(len(sizes))]


def test_pdfa_writes_tagged_pdfa_2b(tmp_path, run):
    result = run("build", EXAMPLE, "--out", tmp_path, "--locale", "da", "--pdfa")
    assert result.exit_code == 0, result.output
    for pdf in sorted((tmp_path / "fjordby" / "da").glob("0[1-2]*.pdf")):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "Tagged:          yes" in info, pdf
        metadata = PdfReader(pdf).xmp_metadata
        assert metadata is not None and metadata.pdfaid_part == "2" and metadata.pdfaid_conformance == "B"


def test_two_jobs_start_two_libreoffice_processes(tmp_path, soffice_starts):
    config = load_config(EXAMPLE).model_copy(update={"locales": ["nb"]})
    report = build(config, tmp_path / "out", pdf=True, jobs=2)
    assert len([p for p in report.files if p.suffix == ".pdf"]) == 23  # 16 documents, 4 kit packs, 3 leader packs
    assert soffice_starts.read_text().count("start") == 2


def test_missing_libreoffice_exits_1_with_the_install_command(tmp_path, monkeypatch, run):
    from kitbuilder import pdf as pdf_module
    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: None)
    result = run("build", EXAMPLE, "--out", tmp_path, "--locale", "da", "--pdf")
    assert result.exit_code == 1
    assert "apt-get install -y libreoffice-writer-nogui libreoffice-impress-nogui" in result.output
    assert (tmp_path / "fjordby" / "da" / "07-action-cards.docx").is_file()  # the Office files are kept


def test_each_leader_gets_a_pack_of_their_own_documents(pdf_build):
    from kitbuilder.locales import load_locale
    pack = PdfReader(pdf_build / "da" / "leader-packs" / "0002-karin-öström.pdf")
    guide = PdfReader(pdf_build / "da" / "dialogue-guides" / "0002-karin-öström.pdf")
    prep = PdfReader(pdf_build / "da" / "results-meeting-preps" / "0002-karin-öström.pdf")
    assert len(pack.pages) == len(guide.pages) + len(prep.pages)
    text = load_locale("da")
    assert [item.title for item in pack.outline] == [
        f"{text.get('leader_dialogue.documents.dialogue-guide')} – Karin Öström",
        f"{text.get('results_meeting.documents.results-meeting-prep')} – Karin Öström"]
    assert len(list((pdf_build / "sv" / "leader-packs").glob("*.pdf"))) == 3


def test_a_full_parking_area_keeps_the_result_map_on_one_page(tmp_path, write_config):
    parked = ["trust-and-safety", "sparring", "recovery", "overload", "sick-leave", "manager-dialogue",
              "leader-groups", "difficult-cases"]  # as many as the config allows
    config = load_config(write_config("organisation: {name: Testby, short_name: t}\nlocales: [da]\n"
                                      f"kits: [wellbeing-plan]\nthemes: {{parked: {json.dumps(parked)}}}\n"))
    report = build(config, tmp_path / "out")
    poster = report.root / "da" / "06-prioritisation-map.docx"
    [pdf] = convert_to_pdf([poster]).values()
    assert len(PdfReader(pdf).pages) == 2  # the empty map for step 1, then the result
    page = PdfReader(pdf).pages[1].extract_text()
    titles = load_locale("da").get("wellbeing_plan.themes")
    assert all(titles[theme_id]["title"][:30] in " ".join(page.split()) for theme_id in parked)


def test_ctrl_c_during_conversion_stops_libreoffice(tmp_path):
    import os
    import signal
    import threading

    fake = tmp_path / "soffice"
    pid_file = tmp_path / "pid"
    fake.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 60\n")
    fake.chmod(0o755)
    source = tmp_path / "a.docx"
    source.write_bytes(b"not converted")
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        convert_to_pdf([source], soffice=str(fake))
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):  # gone: killed with its process group, and reaped
        os.kill(pid, 0)


@pytest.mark.parametrize("locale", ["da", "sv", "nb"])
def test_no_results_table_of_a_prep_handout_runs_over_two_pages(pdf_build, locale):
    """The unit's table and the organisation's each stay on one page: the organisation's
    starts a page of its own after the unit's (the two do not fit one)."""
    from kitbuilder import build_model
    kit = build_model(load_config(EXAMPLE))
    results = next(lk for lk in kit.locales if lk.locale == locale).results
    heading = load_locale(locale).get("results_meeting.prep.organisation_results")
    areas = [row.area for row in results.overall]
    for handout in sorted((pdf_build / locale / "results-meeting-preps").glob("*.pdf")):
        pages = [" ".join(page.extract_text().split()) for page in PdfReader(handout).pages]
        [organisation] = [page for page in pages if heading in page]
        assert all(area in organisation for area in areas), handout.name
        unit_page = pages[pages.index(organisation) - 1]
        assert all(area in unit_page for area in areas), handout.name  # the unit's table, whole, on the page before
