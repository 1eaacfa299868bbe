"""The build pipeline: config → locale content → kit model → rendered files → output folder.

Every document is rendered into memory before anything is written, so a failing template or
an interrupted build leaves the previous output as it was.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import assemble_kit
from .assets import load_logo
from .config import Config
from .errors import BuildError, ConfigError, Problem
from .locales import LocaleContent, load_locale
from .model import Document, Kit, LocaleKit
from .pdf import convert_to_pdf
from .printpack import pack_name, print_pack
from .render import render_document
from .templates import TemplateSet
from .writer import ManifestEntry, manifest_entry, safe_name, write_atomic, write_manifest

__all__ = ["BuildReport", "build", "build_model", "locale_contents"]

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    """What a build wrote."""

    root: Path
    entries: list[ManifestEntry] = field(default_factory=list)
    manifest: Path | None = None
    seconds: float = 0.0

    @property
    def files(self) -> list[Path]:
        return [self.root / entry.file for entry in self.entries]


def locale_contents(config: Config) -> dict[str, LocaleContent]:
    """Each configured locale's content with the config's ``text`` overrides applied."""
    return {
        code: load_locale(code).with_overrides(config.text.get(code, {}), source=str(config.file), path=f"text.{code}")
        for code in config.locales
    }


def build_model(config: Config) -> Kit:
    """The kit model for ``config`` (no rendering, no writing)."""
    return assemble_kit(config, locale_contents(config), _logo(config))


def _logo(config: Config) -> bytes | None:
    if not config.branding.logo:
        return None
    try:
        return load_logo(config.branding.logo).data
    except Exception as exc:  # Pillow and CairoSVG raise many types for a broken image
        raise ConfigError(Problem(str(config.file), "branding.logo", f"cannot be read as an image: {exc}")) from None


def build(config: Config, out_dir: Path, *, templates: Path | None = None, pdf: bool = False,
          pdfa: bool = False, jobs: int = 1) -> BuildReport:
    """Build every document ``config`` asks for into ``out_dir/<short_name>/<locale>/``.

    ``templates`` (a folder of restyled templates) overrides ``branding.templates``. With
    ``pdf`` every file is also converted to PDF by LibreOffice (``jobs`` processes, one by
    default) and each locale gets a print pack per kit; ``pdfa`` writes PDF/A-2b, tagged.
    Raises :class:`~kitbuilder.errors.TemplateError` for a broken template (nothing is
    written then) and :class:`BuildError` when a file cannot be written or converted.
    """
    started = time.perf_counter()
    kit = build_model(config)
    for warning in kit.warnings:
        log.warning(warning)
    template_set = TemplateSet(templates or config.branding.templates)
    root = Path(out_dir) / safe_name(kit.organisation.short_name)
    rendered: list[tuple[Path, Document, LocaleKit, bytes]] = []
    for locale_kit in kit.locales:
        for document in locale_kit.documents:
            template = template_set.resolve(document.template, locale_kit.locale)
            log.debug("rendering %s/%s from %s", locale_kit.locale, document.file_name, template)
            data = render_document(document, locale_kit, template)
            rendered.append((root / locale_kit.locale / document.file_name, document, locale_kit, data))
    report = BuildReport(root)
    try:
        for path, document, locale_kit, data in rendered:
            write_atomic(path, data)
            report.entries.append(manifest_entry(root, path, document.kit, locale_kit.locale, data))
            log.info("wrote %s", path)
        if pdf or pdfa:
            _write_pdfs(rendered, report, pdfa=pdfa, jobs=jobs)
    except OSError as exc:
        raise BuildError(f"cannot write {exc.filename or root}: {exc.strerror}") from None
    finally:
        if report.entries:
            report.manifest = write_manifest(root, kit.organisation.name, report.entries)
    report.seconds = time.perf_counter() - started
    return report


def _write_pdfs(rendered: list[tuple[Path, Document, LocaleKit, bytes]], report: BuildReport, *,
                pdfa: bool, jobs: int) -> None:
    """Convert every written file, then join each locale's kit into a print pack."""
    log.info("converting %d files to PDF with %d LibreOffice process(es)", len(rendered), jobs)
    pdfs = convert_to_pdf([path for path, _, _, _ in rendered], pdfa=pdfa, workers=jobs)
    packs: dict[tuple[str, str], tuple[LocaleKit, dict[str, Path]]] = {}
    for path, document, locale_kit, _ in rendered:
        pdf_path = pdfs[path]
        report.entries.append(manifest_entry(report.root, pdf_path, document.kit, locale_kit.locale,
                                             pdf_path.read_bytes()))
        packs.setdefault((locale_kit.locale, document.kit), (locale_kit, {}))[1][document.id] = pdf_path
    for (locale, kit_id), (locale_kit, parts) in packs.items():
        data = print_pack(locale_kit, kit_id, parts)
        path = report.root / locale / pack_name(kit_id)
        write_atomic(path, data)
        report.entries.append(manifest_entry(report.root, path, kit_id, locale, data))
        log.info("wrote %s", path)
