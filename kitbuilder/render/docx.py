"""Render Word documents from docxtpl templates.

Templates are real .docx files a user restyles in Word; Jinja tags in them read the kit
model. Values are inserted, never evaluated, and escaped for XML (``autoescape``), so
``&``, ``<`` and ``{{ }}`` in an organisation's text print as typed. The environment is
sandboxed and strict: a misspelt name in a restyled template fails with its name instead of
printing nothing.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, RGBColor
from docxtpl import DocxTemplate, InlineImage
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from ..errors import Problem, TemplateError
from ..names import display_path
from ..model import Document, LocaleKit
from .package import BUILD_TIME, docx_members, write_package

__all__ = ["broken_tag", "render_docx", "template_context"]

#: Page sizes (width, height) in portrait; "large" is the poster sheet for each paper.
PAGE_SIZES = {
    ("A4", "standard"): (Mm(210), Mm(297)),
    ("A4", "large"): (Mm(297), Mm(420)),
    ("Letter", "standard"): (Mm(215.9), Mm(279.4)),
    ("Letter", "large"): (Mm(279.4), Mm(431.8)),
}
#: Styles that carry the primary colour, and the one that carries the accent.
_PRIMARY_STYLES = ("Title", "Heading 1", "Heading 2", "Card Title", "Field Label", "Theme Title", "Map Field Name")
_ACCENT_STYLES = ("Theme Number",)
_LOGO_HEIGHT = Mm(16)


def template_context(document: Document, locale_kit: LocaleKit, logo: Any = "", logo_small: Any = "") -> dict[str, Any]:
    """The names a Word template can use."""
    text = locale_kit.text
    return {
        "org": locale_kit.organisation,
        "doc": document,
        "t": text[document.namespace],
        "common": text["common"],
        "plan": locale_kit.wellbeing,
        "dialogue": locale_kit.dialogue,
        "support": locale_kit.support,
        "results": locale_kit.results,
        "leader": document.leader,
        "logo": logo,
        "logo_small": logo_small,
    }


def render_docx(document: Document, locale_kit: LocaleKit, template: Path) -> bytes:
    """Render ``document`` with the Word template at ``template`` and return the .docx bytes.

    Raises :class:`TemplateError` naming the template and locale when the template is not a
    Word file, has a broken Jinja tag or uses a name the model does not provide.
    """
    where = f"{display_path(template)} ({document.locale})"
    try:
        # a fresh template object per document (docxtpl#394), from bytes read once
        tpl = _Template(io.BytesIO(_template_bytes(template)))
        tpl.init_docx()
    except Exception as exc:  # python-docx raises several types for a non-Word file
        raise TemplateError(Problem(where, "", f"not a readable Word template: {exc}")) from None
    image = locale_kit.branding.logo
    logo, logo_small = (InlineImage(tpl, io.BytesIO(image), height=height) if image else ""
                        for height in (_LOGO_HEIGHT, _LOGO_HEIGHT / 2))
    context = template_context(document, locale_kit, logo, logo_small)
    try:
        tpl.render(context, jinja_env=_environment(), autoescape=True)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(Problem(where, "", broken_tag(exc))) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(Problem(where, "", f"the template uses a name the kit does not provide: {exc.message}")) from None
    except SecurityError as exc:
        raise TemplateError(Problem(where, "", f"the template does something templates may not do: {exc}")) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(Problem(where, "", f"template error: {exc}")) from None
    word = tpl.docx
    _apply_paper(word, locale_kit.paper, document.sheet)
    _apply_branding(word, locale_kit)
    _set_properties(word, document, locale_kit)
    return write_package(docx_members(word.part.package))


def broken_tag(exc: jinja2.TemplateSyntaxError) -> str:
    """The message for a tag Jinja cannot parse, with the usual cause."""
    return f"broken template tag: {exc.message} (is a {{{{ … }}}} or {{% … %}} tag left open or mistyped?)"


class _Template(DocxTemplate):
    """docxtpl's template, preparing each distinct XML for Jinja once per process.

    Before rendering, docxtpl cleans the document XML with a series of regular expressions;
    the same template gives the same XML for every locale and leader, so the result is kept.
    """

    def patch_xml(self, src_xml: str) -> str:
        return _patched_xml(src_xml)


@lru_cache(maxsize=64)
def _patched_xml(src_xml: str) -> str:
    return DocxTemplate.patch_xml(None, src_xml)  # a pure function of the XML (docxtpl 0.17–0.20)


@lru_cache(maxsize=64)
def _template_bytes(path: Path) -> bytes:
    return path.read_bytes()


class _Environment(SandboxedEnvironment):
    """Compiles each distinct document XML once per process.

    docxtpl turns a template's XML into one Jinja template per render; the same template
    rendered for another locale or leader yields the same source, so the compiled form is
    reused (compiling is most of a render's cost).
    """

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=True)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 (Jinja's name)
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            if len(self._compiled) >= 64:
                self._compiled.clear()
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


_ENVIRONMENT: _Environment | None = None


def _environment() -> jinja2.Environment:
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        _ENVIRONMENT = _Environment()
    return _ENVIRONMENT


def _apply_paper(word, paper: str, sheet: str) -> None:
    width, height = PAGE_SIZES[(paper, sheet)]
    for section in word.sections:
        landscape = section.page_width > section.page_height
        section.page_width, section.page_height = (height, width) if landscape else (width, height)


def _apply_branding(word, locale_kit: LocaleKit) -> None:
    from docx.styles import BabelFish
    from docx.styles.style import StyleFactory

    branding = locale_kit.branding
    # styles by the name Word shows, read from the XML: python-docx's lookup walks every style
    # for each name (and Word stores some names in lower case: "heading 1")
    styles = {BabelFish.internal2ui(element.name_val): element for element in word.styles.element.style_lst}
    for names, colour in ((_PRIMARY_STYLES, branding.primary), (_ACCENT_STYLES, branding.accent)):
        if colour is None:
            continue
        for name in names:
            if name in styles:
                StyleFactory(styles[name]).font.color.rgb = RGBColor.from_string(colour.lstrip("#"))
    if branding.primary and "Table Heading" in styles:
        # header cells are those whose first paragraph uses the "Table Heading" style
        heading = styles["Table Heading"].styleId
        for cell in word.element.body.iter(qn("w:tc")):
            first = cell.find(qn("w:p"))
            if first is not None and first.style == heading:
                _shade(cell, branding.primary)
    if branding.font:
        for name, element in styles.items():
            style = StyleFactory(element)
            if getattr(style, "font", None) is not None and (style.font.name or name == "Normal"):
                style.font.name = branding.font


# what follows w:shd in a cell's properties (CT_TcPr is a sequence)
_AFTER_SHADING = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers",
                  "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


def _shade(cell, colour: str) -> None:
    properties = cell.get_or_add_tcPr()
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour.lstrip("#"))
    properties.insert_element_before(shading, *_AFTER_SHADING)


def _set_properties(word, document: Document, locale_kit: LocaleKit) -> None:
    props = word.core_properties
    props.title = document.title
    props.subject = locale_kit.organisation.name[:255]
    props.author = locale_kit.organisation.name[:255]
    props.last_modified_by = "kitbuilder"
    props.language = locale_kit.locale
    props.keywords = f"{document.kit}; {document.id}"
    props.comments = ""
    props.revision = 1
    props.created = props.modified = BUILD_TIME
    props.last_printed = BUILD_TIME
