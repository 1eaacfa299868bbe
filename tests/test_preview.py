"""Preview: a contact sheet of every page, and flags for what a person would catch by eye.

The example kit is previewed once (Danish only: LibreOffice is the slow part); a tiny Word
document with a stray page and a deck with a text box off the slide are made here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from kitbuilder.cli import _setup_logging, cli
from kitbuilder.contact_sheet import SheetDocument, write_contact_sheets
from kitbuilder.pdf import convert_to_pdf

from .conftest import EXAMPLE

pytestmark = pytest.mark.office

KITS = ("wellbeing-plan", "leader-dialogue", "evaluation-follow-up", "results-meeting")


@pytest.fixture(scope="module")
def previewed(tmp_path_factory):
    """The example previewed in Danish: (the kit's folder, the CLI result)."""
    out = tmp_path_factory.mktemp("preview")
    result = CliRunner().invoke(cli, ["preview", str(EXAMPLE), "--locale", "da", "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out / "fjordby", result


def sheet_html(root) -> str:
    return (root / "da" / "preview" / "contact-sheet.html").read_text(encoding="utf-8")


def office_pdfs(root) -> list:
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return [root / entry["file"].rsplit(".", 1)[0] for entry in manifest["files"]
            if entry["file"].endswith((".docx", ".pptx"))]


def test_the_html_has_one_thumbnail_per_pdf_page(previewed):
    root, _ = previewed
    html = sheet_html(root)
    pdfs = [stem.with_suffix(".pdf") for stem in office_pdfs(root)]
    assert len(pdfs) == 16
    pages = sum(len(PdfReader(pdf).pages) for pdf in pdfs)
    assert html.count("<img ") == pages == 86
    for pdf in pdfs:
        name = pdf.relative_to(root / "da").as_posix()
        assert html.count(f"{name} · ") == 1, name  # each document's heading
    assert "Dialogguide – Jens Ærø · page 9 of 9" in html
    assert [match for match in re.findall(r'<section class="kit" id="kit-([\w-]+)"', html)] == list(KITS)


def test_the_html_needs_no_network(previewed):
    html = sheet_html(previewed[0])
    assert not re.search(r"https?://|src=\"//|url\(|<link|<script|@import", html, re.IGNORECASE)
    sources = re.findall(r'<img src="([^"]*)"', html)
    assert sources and all(source.startswith("data:image/png;base64,") for source in sources)
    assert len(html.encode()) < 600_000  # small thumbnails keep the page light


def test_one_png_per_kit_and_nothing_flagged_in_the_example(previewed):
    root, result = previewed
    folder = root / "da" / "preview"
    for kit in KITS:
        with Image.open(folder / f"contact-sheet-{kit}.png") as image:
            assert image.width == 1538 and image.height > 300
    assert "86 pages, 0 things to check" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and "workshops.qualify.minutes" in warnings[0]  # the config's own, no page flag
    assert "Nothing flagged" in sheet_html(root)
    counts = json.loads((folder / "pages.json").read_text(encoding="utf-8"))
    assert counts["01-facilitator-checklist.pdf"] == 5 and counts["dialogue-guides/0002-karin-öström.pdf"] == 9
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert {e["file"] for e in manifest["files"] if e["kit"] == "preview"} == {
        "da/preview/contact-sheet.html", "da/preview/pages.json", *(f"da/preview/contact-sheet-{kit}.png" for kit in KITS)}


def test_a_second_preview_keeps_current_pdfs_and_flags_a_changed_page_count(previewed, tmp_path, soffice_starts):
    root = tmp_path / "fjordby"
    shutil.copytree(previewed[0], root)
    counts_file = root / "da" / "preview" / "pages.json"
    counts = json.loads(counts_file.read_text(encoding="utf-8"))
    counts["07-action-cards.pdf"] = 4  # as if the previous build had one card less
    counts_file.write_text(json.dumps(counts), encoding="utf-8")
    result = CliRunner().invoke(cli, ["preview", str(EXAMPLE), "--locale", "da", "--out", str(tmp_path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert soffice_starts.read_text() == ""  # every PDF was current
    assert "16 PDFs were current and kept" in result.stdout
    flag = "07-action-cards.pdf: 5 pages, 4 in the previous preview"
    assert f"warning: {flag}" in result.stderr
    assert flag in sheet_html(root)
    assert json.loads(counts_file.read_text(encoding="utf-8"))["07-action-cards.pdf"] == 5


@pytest.fixture(scope="module")
def broken_sheet(tmp_path_factory):
    """A Word page holding only a heading, and a slide whose text box runs off the slide."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from pptx import Presentation
    from pptx.util import Emu, Pt

    folder = tmp_path_factory.mktemp("broken")
    document = Document()
    document.add_heading("Første side", level=1)
    document.add_paragraph("Her står en hel del tekst om ledernes trivsel. " * 40)
    document.add_page_break()
    document.add_heading("Kun en overskrift", level=1).runs[-1].add_break(WD_BREAK.PAGE)
    document.add_paragraph("Mere tekst på den sidste side. " * 40)
    document.save(folder / "stray-break.docx")
    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12192000), Emu(6858000)  # 16:9
    for left, text in ((9_000_000, "Denne tekst løber ud over kanten af diaset"),
                       (1_000_000, "Et helt almindeligt dias med tekst\n" * 6)):
        box = deck.slides.add_slide(deck.slide_layouts[6]).shapes.add_textbox(
            Emu(left), Emu(1_500_000), Emu(6_000_000), Emu(3_000_000))
        box.text_frame.text = text
        box.text_frame.paragraphs[0].runs[0].font.size = Pt(32)
    deck.save(folder / "overflow.pptx")
    pdfs = convert_to_pdf([folder / "stray-break.docx", folder / "overflow.pptx"])
    documents = [SheetDocument("test", title, pdf.name, pdf, source) for (source, pdf), title in
                 zip(pdfs.items(), ("Løst sideskift", "Overløb på dias"))]
    return folder, documents


def test_a_broken_document_is_flagged_by_name_and_page(broken_sheet, capsys):
    folder, documents = broken_sheet
    _setup_logging(0, False)  # warnings to stderr, as the command line prints them
    report = write_contact_sheets(documents, folder / "sheet", title="Broken · da", language="da")
    flagged = {(flag.file, flag.page) for flag in report.flags}
    assert ("stray-break.pdf", 2) in flagged and ("overflow.pdf", 1) in flagged
    assert not flagged & {("stray-break.pdf", 1), ("stray-break.pdf", 3), ("overflow.pdf", 2)}
    stderr = capsys.readouterr().err
    html = (folder / "sheet" / "contact-sheet.html").read_text(encoding="utf-8")
    for expected in ("stray-break.pdf, page 2: nearly empty", "overflow.pdf, page 1: text runs off the slide (right"):
        assert f"warning: {expected}" in stderr
        assert expected in html
    assert html.count('class="flagged"') == 2
    assert '<li><a href="#stray-break-pdf-p2">' in html


def test_text_in_a_word_documents_side_margin_is_flagged(tmp_path):
    from docx import Document
    from docx.shared import Cm

    document = Document()
    table = document.add_table(rows=1, cols=1)
    table.autofit = False
    table.columns[0].width = table.rows[0].cells[0].width = Cm(18)  # 1.5 cm wider than the text area
    table.rows[0].cells[0].text = "Denne tabel er bredere end siden tillader, og teksten når ud i margenen. " * 3
    document.add_paragraph("Almindelig tekst. " * 200)
    document.save(tmp_path / "wide.docx")
    pdf = convert_to_pdf([tmp_path / "wide.docx"])[tmp_path / "wide.docx"]
    report = write_contact_sheets([SheetDocument("test", "Bred tabel", "wide.pdf", pdf, tmp_path / "wide.docx")],
                                  tmp_path / "sheet", title="Margin")
    problems = [flag.problem for flag in report.flags if flag.page == 1]
    assert len(problems) == 1 and problems[0].startswith("text runs into the margin (right "), problems


def test_chromium_shows_the_contact_sheet(previewed, tmp_path):
    html = previewed[0] / "da" / "preview" / "contact-sheet.html"
    shot = tmp_path / "contact-sheet.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1280,2000",
                    html.as_uri()], check=True, capture_output=True, timeout=120)
    with Image.open(shot) as image:
        assert image.size == (1280, 2000)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # the page, text and thumbnails, not a blank window


def test_preview_reports_bad_input_with_exit_2(tmp_path, write_config):
    result = CliRunner().invoke(cli, ["preview", str(EXAMPLE), "--locale", "fi", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "unknown locale 'fi'" in result.output
    broken = write_config("organisation: {name: X}\n")
    result = CliRunner().invoke(cli, ["preview", str(broken), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "organisation.short_name" in result.output


def test_a_pdf_that_cannot_be_read_is_named(tmp_path):
    from kitbuilder.errors import BuildError

    broken = tmp_path / "01-truncated.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj")
    with pytest.raises(BuildError) as caught:
        write_contact_sheets([SheetDocument("test", "Afkortet", broken.name, broken)], tmp_path / "sheet", title="x")
    assert "01-truncated.pdf" in str(caught.value)
    assert not (tmp_path / "sheet").exists()  # nothing half-written
