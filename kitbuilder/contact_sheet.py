"""Contact sheets: every page of a build at a glance, to check a kit before it is printed.

Per locale, :func:`preview` writes into ``<locale>/preview/`` one PNG per kit (for a chat or
an e-mail) and one self-contained HTML page (thumbnails embedded, no network), both grouped
by kit and document with each page's document and number under it. Pages are rendered from
the build's PDFs by PDFium (pypdfium2), which also gives each page's text boxes, so the
sheet flags what a person would otherwise only catch by eye:

- text that runs off the page or slide, or into a Word document's side margins;
- a page that is nearly empty (a stray page break);
- a document whose page count differs from the previous preview's (``pages.json``).
"""

from __future__ import annotations

import base64
import io
import json
import logging
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BuildError
from .kits import kit_namespace
from .writer import ManifestEntry, manifest_entry, output_lock, write_atomic, write_manifest

if TYPE_CHECKING:
    from PIL import Image

    from .inputs.config import Config
    from .pipeline import BuildReport, Progress

__all__ = ["Flag", "PreviewReport", "SheetDocument", "SheetReport", "preview", "write_contact_sheets"]

log = logging.getLogger(__name__)

#: The folder, inside each locale's, that holds the contact sheets.
SHEET_FOLDER = "preview"
HTML_NAME = "contact-sheet.html"
PAGES_NAME = "pages.json"
#: The manifest's kind for the contact sheets' files.
MANIFEST_KIND = "preview"

#: Thumbnails fit a square of this many pixels: an A4 page is 170 × 240 (about 20 dpi),
#: enough to see the layout while 80 pages stay near 300 KB of HTML.
THUMBNAIL_PX = 240
#: Office printers leave 4–5 mm at each edge unprinted: text nearer than this may be cut.
UNPRINTABLE_PT = 5 * 72 / 25.4
#: Projectors and shared screens crop slide edges: text within 2.5 % of the width is at risk.
SLIDE_SAFE_RATIO = 0.025
#: How far (pt) text may reach past a Word document's side margin before it is flagged
#: (LibreOffice sets table text a point or two into it).
MARGIN_TOLERANCE_PT = 4
#: A page is nearly empty when ink covers fewer than this share of the rows between the
#: header and footer bands: a lone heading covers about 3 %, the sparsest page of the
#: example kit (a slide with a short list) 18 %.
EMPTY_ROW_SHARE = 0.08
#: Bands at the top and bottom left out of that count, where headers and footers sit.
HEADER_BAND, FOOTER_BAND = 0.04, 0.06
#: A pixel is ink when its grey level differs this much from the page's background.
INK_CONTRAST = 24


@dataclass(frozen=True)
class SheetDocument:
    """One document on a contact sheet."""

    kit: str
    title: str
    #: The PDF's name as the sheet shows it, relative to the locale folder.
    file: str
    pdf: Path
    #: The Office file the PDF was made from (a .docx gives the side margins to check).
    source: Path | None = None


@dataclass(frozen=True)
class Flag:
    """Something on a page (or a whole document, when ``page`` is ``None``) to look at."""

    file: str
    page: int | None
    problem: str

    @property
    def anchor(self) -> str:
        return _anchor(self.file, self.page or 1)

    def __str__(self) -> str:
        return f"{self.file}, page {self.page}: {self.problem}" if self.page else f"{self.file}: {self.problem}"


@dataclass
class SheetReport:
    """What :func:`write_contact_sheets` wrote for one locale."""

    html: Path
    pngs: list[Path]
    pages: int
    flags: list[Flag]
    page_counts: dict[str, int]

    @property
    def files(self) -> list[Path]:
        return [self.html, *self.pngs, self.html.with_name(PAGES_NAME)]


@dataclass
class PreviewReport:
    """What :func:`preview` built and wrote."""

    build: BuildReport
    sheets: dict[str, SheetReport] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def pages(self) -> int:
        return sum(sheet.pages for sheet in self.sheets.values())

    @property
    def flags(self) -> list[Flag]:
        return [flag for sheet in self.sheets.values() for flag in sheet.flags]


def preview(config: Config, out_dir: Path, *, templates: Path | None = None, jobs: int | None = None,
            progress: Progress | None = None) -> PreviewReport:
    """Build ``config`` with PDFs (keeping PDFs that are current) and write each locale's contact sheets.

    The sheets go to ``out_dir/<short_name>/<locale>/preview/``; every flag is also logged
    as a warning. ``progress`` hears about the build as :func:`kitbuilder.build` tells it.
    Raises what :func:`kitbuilder.build` raises.
    """
    from .pipeline import build

    started = time.perf_counter()
    built = build(config, out_dir, templates=templates, pdf=True, jobs=jobs, progress=progress)
    report = PreviewReport(built)
    with output_lock(Path(out_dir)):  # the sheets and the manifest, like the build, one writer at a time
        entries: list[ManifestEntry] = []
        for locale_kit in built.kit.locales:
            folder = built.root / locale_kit.locale
            documents = [
                SheetDocument(document.kit, document.label, Path(document.file_name).with_suffix(".pdf").as_posix(),
                              (folder / document.file_name).with_suffix(".pdf"), folder / document.file_name)
                for document in sorted(locale_kit.documents, key=lambda d: (d.number, d.file_name))
                if document.format in {"docx", "pptx"}
            ]
            title = f"{locale_kit.organisation.short_label} · {locale_kit.language}"
            kit_titles = {kit: locale_kit.text[kit_namespace(kit)]["title"] for kit in {d.kit for d in documents}}
            sheet = write_contact_sheets(documents, folder / SHEET_FOLDER, title=title, language=locale_kit.locale,
                                         kit_titles=kit_titles)
            report.sheets[locale_kit.locale] = sheet
            entries += [manifest_entry(built.root, path, MANIFEST_KIND, locale_kit.locale, path.read_bytes())
                        for path in sheet.files]
        write_manifest(built.root, built.kit.organisation.name, entries)
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Page:
    document: SheetDocument
    number: int
    count: int
    png: bytes
    size: tuple[int, int]
    flags: list[Flag]

    @property
    def anchor(self) -> str:
        return _anchor(self.document.file, self.number)

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def write_contact_sheets(documents: list[SheetDocument], folder: Path, *, title: str,
                         language: str = "en", kit_titles: dict[str, str] | None = None) -> SheetReport:
    """Write ``folder/contact-sheet.html``, one ``contact-sheet-<kit>.png`` per kit and ``pages.json``.

    ``documents`` are shown in the order given, grouped by kit (headed by ``kit_titles``,
    else the kit's id); ``title`` heads the sheets and ``language`` is the HTML page's. Page counts are compared with the ``pages.json``
    of the previous run. Every flag is logged as a warning.
    """
    import pypdfium2

    pages: list[_Page] = []
    flags: list[Flag] = []
    counts: dict[str, int] = {}
    for document in documents:
        try:
            pdf = pypdfium2.PdfDocument(document.pdf)
        except (pypdfium2.PdfiumError, OSError) as exc:
            raise BuildError(f"cannot read {document.pdf}: {exc}") from None
        try:
            counts[document.file] = len(pdf)
            margins = _side_margins(document.source)
            for index in range(len(pdf)):
                page = pdf[index]
                try:
                    thumbnail, problems = _inspect(page, margins, slides=_is_slide(document))
                finally:
                    page.close()
                page_flags = [Flag(document.file, index + 1, problem) for problem in problems]
                pages.append(_Page(document, index + 1, len(pdf), _png(thumbnail), thumbnail.size, page_flags))
                flags += page_flags
        finally:
            pdf.close()
    previous = _read_counts(folder / PAGES_NAME)
    changed = [Flag(file, None, f"{count} pages, {previous[file]} in the previous preview")
               for file, count in counts.items() if file in previous and previous[file] != count]
    flags = changed + flags
    for flag in flags:
        log.warning("%s", flag)

    kits = _group(pages)
    html = folder / HTML_NAME
    kit_titles = {kit: (kit_titles or {}).get(kit, kit) for kit in kits}
    write_atomic(html, _html(kits, kit_titles, flags, title, language, len(pages)).encode("utf-8"))
    pngs = []
    for kit, kit_documents in kits.items():
        path = folder / f"contact-sheet-{kit}.png"
        write_atomic(path, _sheet_png(f"{title} · {kit_titles[kit]}", kit_documents))
        pngs.append(path)
    # documents left out this time (another --kit) keep their counts for the next full preview
    counts_file = json.dumps({**previous, **counts}, ensure_ascii=False, indent=2) + "\n"
    write_atomic(folder / PAGES_NAME, counts_file.encode("utf-8"))
    return SheetReport(html, pngs, len(pages), flags, counts)


# --- looking at a page ------------------------------------------------------------------

def _is_slide(document: SheetDocument) -> bool:
    return document.source is not None and document.source.suffix.lower() == ".pptx"


def _side_margins(source: Path | None) -> tuple[float, float] | None:
    """A Word document's narrowest left and right margins in points (``None`` for other files)."""
    if source is None or source.suffix.lower() != ".docx" or not source.is_file():
        return None
    from docx import Document

    sections = Document(str(source)).sections
    lefts = [s.left_margin.pt for s in sections if s.left_margin is not None]
    rights = [s.right_margin.pt for s in sections if s.right_margin is not None]
    return (min(lefts), min(rights)) if lefts and rights else None


def _inspect(page, margins: tuple[float, float] | None, *, slides: bool) -> tuple[Image.Image, list[str]]:
    """The page's thumbnail and what is wrong with it."""
    width, height = page.get_size()
    image = page.render(scale=THUMBNAIL_PX / max(width, height)).to_pil().convert("RGB")
    problems = _text_problems(page, width, height, margins, slides)
    share = _inked_row_share(image)
    if share < EMPTY_ROW_SHARE:
        problems.append(f"nearly empty (ink on {share:.0%} of the page's height)")
    return image, problems


def _text_problems(page, width: float, height: float, margins: tuple[float, float] | None,
                   slides: bool) -> list[str]:
    textpage = page.get_textpage()
    try:
        boxes = [textpage.get_rect(index) for index in range(textpage.count_rects())]
    finally:
        textpage.close()
    if not boxes:
        return []
    left = min(box[0] for box in boxes)
    bottom = min(box[1] for box in boxes)
    right = max(box[2] for box in boxes)
    top = max(box[3] for box in boxes)
    # how far the text reaches past each edge (positive: beyond it)
    beyond = {"left": -left, "right": right - width, "bottom": -bottom, "top": top - height}
    kind = "slide" if slides else "page"
    off = [f"{side} {_pt(amount)}" for side, amount in beyond.items() if amount > 0.5]
    if off:
        return [f"text runs off the {kind} ({', '.join(off)})"]
    problems = []
    safe = width * SLIDE_SAFE_RATIO if slides else UNPRINTABLE_PT
    close = [side for side, amount in beyond.items() if amount > -safe]
    if close:
        where = f"within {_pt(safe)} of the {kind}'s {' and '.join(close)} edge"
        problems.append(f"text {where}" + ("" if slides else ", where printers cannot print"))
    if margins:
        into = {"left": margins[0] - left, "right": right - (width - margins[1])}
        over = [f"{side} {_pt(amount)}" for side, amount in into.items()
                if amount > MARGIN_TOLERANCE_PT and side not in close]
        if over:
            problems.append(f"text runs into the margin ({', '.join(over)})")
    return problems


def _pt(points: float) -> str:
    return f"{points * 25.4 / 72:.0f} mm"


def _inked_row_share(image: Image.Image) -> float:
    """The share of rows between the header and footer bands with any ink on them."""
    grey = image.convert("L")
    histogram = grey.histogram()
    background = histogram.index(max(histogram))
    ink = grey.point(lambda value: 255 if abs(value - background) > INK_CONTRAST else 0)
    top, bottom = round(grey.height * HEADER_BAND), round(grey.height * (1 - FOOTER_BAND))
    rows = ink.crop((0, top, grey.width, bottom)).getprojection()[1]
    return sum(rows) / max(len(rows), 1)


def _png(image: Image.Image) -> bytes:
    from PIL import Image

    # 64 colours keep text and the templates' colours, at a third of the size
    buffer = io.BytesIO()
    image.quantize(64, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _read_counts(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) else {}


def _group(pages: list[_Page]) -> dict[str, dict[SheetDocument, list[_Page]]]:
    kits: dict[str, dict[SheetDocument, list[_Page]]] = {}
    for page in pages:
        kits.setdefault(page.document.kit, {}).setdefault(page.document, []).append(page)
    return kits


def _anchor(file: str, page: int) -> str:
    return re.sub(r"[^\w-]+", "-", f"{file}-p{page}").strip("-")


# --- the HTML page ----------------------------------------------------------------------------

def _html(kits: dict[str, dict[SheetDocument, list[_Page]]], kit_titles: dict[str, str], flags: list[Flag],
          title: str, language: str, pages: int) -> str:
    from jinja2 import Environment

    template = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(
        Path(__file__).with_name("contact_sheet.html").read_text(encoding="utf-8"))
    return template.render(kits=kits, kit_titles=kit_titles, flags=flags, title=title, language=language, pages=pages,
                           documents=sum(len(documents) for documents in kits.values()), thumbnail=THUMBNAIL_PX)


# --- the PNG sheet ----------------------------------------------------------------------------

#: Pages per row of a kit's PNG, and the space around each.
COLUMNS, GAP, LABEL_PX, HEADING_PX = 6, 14, 36, 26
INK, MUTED, ALERT, PAPER, BORDER = (34, 34, 34), (102, 102, 102), (192, 0, 0), (244, 244, 244), (190, 190, 190)


def _sheet_png(title: str, documents: dict[SheetDocument, list[_Page]]) -> bytes:
    """One kit's pages: each document's pages under its title, documents side by side while they fit."""
    from PIL import Image, ImageDraw

    cell = THUMBNAIL_PX + GAP
    headings, cells = [], []  # (document, column, row) and (page, column, row)
    column = row = 0
    for document, pages in documents.items():
        if column and column + len(pages) > COLUMNS:  # a document that does not fit starts a row
            column, row = 0, row + 1
        headings.append((document, column, row, min(len(pages), COLUMNS - column)))
        for page in pages:
            if column == COLUMNS:
                column, row = 0, row + 1
            cells.append((page, column, row))
            column += 1
    # each row is as tall as its tallest page, so labels sit right under the pages
    heights = [0] * (row + 1)
    for page, _, at_row in cells:
        heights[at_row] = max(heights[at_row], page.size[1])
    top = 2 * HEADING_PX + GAP
    tops = [top + sum(heights[:index]) + index * (HEADING_PX + LABEL_PX + GAP) for index in range(len(heights) + 1)]
    sheet = Image.new("RGB", (GAP + COLUMNS * cell, tops[-1]), PAPER)
    draw = ImageDraw.Draw(sheet)
    draw.text((GAP, GAP), title, font=_font(20, bold=True), fill=INK)
    for document, at_column, at_row, span in headings:
        heading = _fit(document.title, _font(15, True), span * cell - GAP)
        draw.text((GAP + at_column * cell, tops[at_row]), heading, font=_font(15, True), fill=INK)
    for page, at_column, at_row in cells:
        _paste_page(sheet, draw, page, GAP + at_column * cell, tops[at_row] + HEADING_PX, heights[at_row])
    buffer = io.BytesIO()
    sheet.quantize(128, method=Image.Quantize.FASTOCTREE).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _paste_page(sheet, draw, page: _Page, x: int, y: int, row_height: int) -> None:
    """Draw ``page`` at the bottom of its ``row_height`` tall cell, framed (red when flagged), labelled below."""
    from PIL import Image

    thumbnail = Image.open(io.BytesIO(page.png)).convert("RGB")
    left, top = x + (THUMBNAIL_PX - thumbnail.width) // 2, y + row_height - thumbnail.height
    sheet.paste(thumbnail, (left, top))
    frame = 3 if page.flags else 1
    draw.rectangle((left - frame, top - frame, left + thumbnail.width - 1 + frame, top + thumbnail.height - 1 + frame),
                   outline=ALERT if page.flags else BORDER, width=frame)
    label_font = _font(12)
    draw.text((x, y + row_height + 5), _fit(page.document.title, label_font, THUMBNAIL_PX), font=label_font, fill=INK)
    number = f"{page.number} / {page.count}"
    if page.flags:
        number += " · " + "; ".join(flag.problem for flag in page.flags)
    draw.text((x, y + row_height + 19), _fit(number, label_font, THUMBNAIL_PX), font=label_font,
              fill=ALERT if page.flags else MUTED)


@lru_cache(maxsize=None)
def _font(size: int, bold: bool = False):
    """Carlito (or what fontconfig picks for it), which has the Nordic letters; Pillow's own font without it."""
    from PIL import ImageFont

    from .render.textfit import font_file

    path = font_file("Carlito", bold)
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def _fit(text: str, font, width: int) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"
