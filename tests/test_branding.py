"""Client branding without code: restyled templates, logo, colours, contrast, template checks."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from PIL import Image
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from kitbuilder import build, load_config

from .conftest import EXAMPLE, ROOT
from .docxread import text, word_template

CLIENT = Path(__file__).parent / "themes" / "client"


@pytest.fixture(scope="module")
def client_build(tmp_path_factory):
    return build(load_config(EXAMPLE), tmp_path_factory.mktemp("client"), templates=CLIENT)


def test_a_restyled_word_template_sets_heading_font_and_colour(client_build):
    cards = Document(str(client_build.root / "da" / "07-action-cards.docx"))
    heading = cards.styles["Heading 1"]
    assert heading.font.name == "Liberation Serif"
    # the example config names a primary colour, which wins over the template's
    assert str(heading.font.color.rgb) == "1F4E79"


def test_without_configured_colours_the_templates_colour_stays(tmp_path, write_config):
    config = load_config(write_config("organisation: {name: T, short_name: t}\nlocales: [da]\n"))
    report = build(config, tmp_path / "out", templates=CLIENT)
    heading = Document(str(report.root / "da" / "07-action-cards.docx")).styles["Heading 1"]
    assert (heading.font.name, str(heading.font.color.rgb)) == ("Liberation Serif", "7A1F5C")
    fallback = Document(str(report.root / "da" / "08-wellbeing-plan.docx")).styles["Heading 1"]
    assert fallback.font.name == "Calibri"
    theme = Presentation(str(report.root / "da" / "02-runsheet-prepare.pptx")).slide_master.part \
        .part_related_by(RT.THEME).blob.decode()
    assert '<a:srgbClr val="7A1F5C"/>' in theme and 'typeface="Liberation Sans"' in theme


def test_other_documents_fall_back_to_the_default(client_build):
    plan = Document(str(client_build.root / "da" / "08-wellbeing-plan.docx"))
    assert plan.styles["Heading 1"].font.name == "Calibri"


def test_a_swedish_variant_is_used_only_for_swedish(client_build):
    assert "Svensk kundversion" in text(client_build.root / "sv" / "05-theme-cards.docx")
    for locale in ("da", "nb"):
        assert "Svensk kundversion" not in text(client_build.root / locale / "05-theme-cards.docx")


def test_configured_colours_reach_table_headers(client_build, tmp_path, write_config):
    config = load_config(write_config("organisation: {name: T, short_name: t}\nlocales: [da]\n"
                                      "branding: {colours: {primary: '#2B4A1C'}}\n"))
    report = build(config, tmp_path / "out")
    checklist = Document(str(report.root / "da" / "01-facilitator-checklist.docx"))
    header = checklist.tables[0].rows[0].cells[0]._tc.xml
    assert 'w:fill="2B4A1C"' in header
    assert str(checklist.styles["Heading 1"].font.color.rgb) == "2B4A1C"


def test_low_contrast_colours_are_warned_about(run, write_config):
    path = write_config("organisation: {name: T, short_name: t}\nbranding: {colours: {primary: '#FFFF00'}}\n")
    result = run("validate", path)
    assert result.exit_code == 0
    assert "branding.colours.primary: text in #FFFF00 on white #FFFFFF has a contrast of 1.07:1" in result.output


def _media(docx: Path) -> list[bytes]:
    with zipfile.ZipFile(docx) as package:
        return [package.read(name) for name in package.namelist() if name.startswith("word/media/")]


def test_a_huge_logo_is_scaled_not_refused(tmp_path, write_config):
    Image.new("RGB", (8000, 5000), (31, 78, 121)).save(tmp_path / "huge.png")
    config = load_config(write_config("organisation: {name: T, short_name: t}\nlocales: [da]\n"
                                      "branding: {logo: huge.png}\n"))
    report = build(config, tmp_path / "out")
    (image,) = _media(report.root / "da" / "08-wellbeing-plan.docx")
    assert Image.open(io.BytesIO(image)).size == (1600, 1000)


def test_an_svg_logo_is_converted(tmp_path, write_config):
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50">'
                                       '<rect width="200" height="50" fill="#C55A11"/></svg>')
    config = load_config(write_config("organisation: {name: T, short_name: t}\nlocales: [da]\n"
                                      "branding: {logo: logo.svg}\n"))
    report = build(config, tmp_path / "out")
    (image,) = _media(report.root / "da" / "08-wellbeing-plan.docx")
    assert Image.open(io.BytesIO(image)).format == "PNG"
    slide = Presentation(str(report.root / "da" / "02-runsheet-prepare.pptx")).slides[0]
    assert any(shape.name == "Logo" for shape in slide.shapes)


def test_a_logo_that_is_not_an_image_is_named(tmp_path, write_config, run):
    path = write_config("organisation: {name: T, short_name: t}\nbranding: {logo: logo.png}\n")
    (tmp_path / "logo.png").write_text("this is not a picture")  # replaces the good logo write_config put there
    result = run("validate", path)
    assert result.exit_code == 2
    assert "branding.logo: logo.png: not a PNG, JPEG or SVG image" in result.output


def test_a_template_with_an_unclosed_tag_is_named(tmp_path, run):
    theme = tmp_path / "theme"
    word_template(theme / "facilitator-checklist.docx", "{% if org.name %}no end")
    result = run("build", EXAMPLE, "--out", tmp_path / "out", "--templates", theme)
    assert result.exit_code == 2, result.output
    assert "facilitator-checklist.docx (da): broken template tag" in result.output
    assert "Traceback" not in result.output


def test_export_copies_the_default_theme_and_check_accepts_it(tmp_path, run):
    target = tmp_path / "mine"
    result = run("templates", "export", target)
    assert result.exit_code == 0
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in (ROOT / "templates" / "default").iterdir())
    checked = run("templates", "check", target)
    assert checked.exit_code == 0, checked.output
    assert "sv  07-action-cards.docx" in checked.output and str(target / "action-cards.docx") in checked.output
    assert run("templates", "export", target).exit_code == 2  # not empty


def test_check_names_a_bad_field_and_a_missing_layout(tmp_path, run):
    theme = tmp_path / "theme"
    word_template(theme / "sv" / "action-cards.docx", "{{ organisation.nmae }} and {{ org.nmae }}")
    deck = Presentation(str(ROOT / "templates" / "default" / "deck.pptx"))
    layouts = deck.slide_master.slide_layouts
    layouts.remove(next(layout for layout in layouts if layout.name == "Kit Table"))
    deck.save(theme / "deck.pptx")
    result = run("templates", "check", theme, "--locale", "sv", "--locale", "da")
    assert result.exit_code == 2
    output = result.output
    assert f"{theme / 'sv' / 'action-cards.docx'}: (sv) uses 'organisation', which the kit does not provide" in output
    assert "uses 'org.nmae': 'org' has no 'nmae'" in output
    assert f"{theme / 'deck.pptx'}: (da) the slide master lacks layout 'Kit Table'" in output
    assert "(da) uses 'organisation'" not in output  # the Swedish variant is used only for sv
