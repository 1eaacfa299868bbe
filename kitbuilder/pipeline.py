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
from .model import Kit
from .pdf import convert_to_pdf
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


def build(config: Config, out_dir: Path, *, templates: Path | None = None, pdf: bool = False) -> BuildReport:
    """Build every document ``config`` asks for into ``out_dir/<short_name>/<locale>/``.

    ``templates`` (a folder of restyled templates) overrides ``branding.templates``; with
    ``pdf`` every file is also converted to PDF by one LibreOffice process.
    Raises :class:`~kitbuilder.errors.TemplateError` for a broken template (nothing is
    written then) and :class:`BuildError` when a file cannot be written.
    """
    started = time.perf_counter()
    kit = build_model(config)
    for warning in kit.warnings:
        log.warning(warning)
    template_set = TemplateSet(templates or config.branding.templates)
    root = Path(out_dir) / safe_name(kit.organisation.short_name)
    rendered: list[tuple[Path, str, str, bytes]] = []
    for locale_kit in kit.locales:
        for document in locale_kit.documents:
            template = template_set.resolve(document.template, locale_kit.locale)
            log.debug("rendering %s/%s from %s", locale_kit.locale, document.file_name, template)
            data = render_document(document, locale_kit, template)
            rendered.append((root / locale_kit.locale / document.file_name, document.kit, locale_kit.locale, data))
    report = BuildReport(root)
    try:
        for path, kit_id, locale, data in rendered:
            write_atomic(path, data)
            report.entries.append(manifest_entry(root, path, kit_id, locale, data))
            log.info("wrote %s", path)
        if pdf:
            log.info("converting %d files to PDF", len(rendered))
            pdfs = convert_to_pdf([path for path, _, _, _ in rendered])
            for path, kit_id, locale, _ in rendered:
                report.entries.append(manifest_entry(root, pdfs[path], kit_id, locale, pdfs[path].read_bytes()))
    except OSError as exc:
        raise BuildError(f"cannot write {exc.filename or root}: {exc.strerror}") from None
    finally:
        if report.entries:
            report.manifest = write_manifest(root, kit.organisation.name, report.entries)
    report.seconds = time.perf_counter() - started
    return report

