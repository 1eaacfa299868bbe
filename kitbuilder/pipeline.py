"""The build pipeline: config → locale content → kit model → rendered files → output folder.

Every document is rendered into memory before anything is written, so a failing template or
an interrupted build leaves the previous output as it was.
"""

from __future__ import annotations

import difflib
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

from .assemble import assemble_kit
from .assets import load_logo
from .inputs.survey import SurveyData, load_survey
from .inputs.config import Config, input_hashes
from .errors import BuildError, ConfigError, InputError, Problem
from .locales import LocaleContent, load_locale
from .model import Document, Kit, LocaleKit
from .pdf import convert_to_pdf
from .printpack import LEADER_PACKS, pack_name, print_pack
from .render import render_document
from .templates import TemplateSet
from .names import display_path, safe_name
from .writer import (ManifestEntry, manifest_entry, output_lock, read_manifest, sha256_of, write_atomic,
                     write_manifest)

__all__ = ["BuildReport", "build", "build_model", "locale_contents", "log_notes"]

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    """What a build wrote."""

    root: Path
    entries: list[ManifestEntry] = field(default_factory=list)
    manifest: Path | None = None
    seconds: float = 0.0
    #: The kit model that was built.
    kit: Kit | None = None
    #: Office files whose PDF was current and kept, not converted again.
    pdfs_reused: int = 0

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
    """The kit model for ``config`` (no rendering, no writing).

    Raises :class:`ConfigError` for a broken logo or survey file.
    """
    return assemble_kit(config, locale_contents(config), _logo(config), _survey(config))


def log_notes(kit: Kit) -> None:
    """Log what the user should know about the kit: warnings, and (with ``-v``) moved dates."""
    for warning in kit.warnings:
        log.warning(warning)
    for moved in kit.moved_dates:
        log.info("moved: %s", moved)


def _survey(config: Config) -> SurveyData | None:
    """The checked survey results, when the results-meeting kit is built.

    A leader whose unit the survey does not cover is a warning, not an error: their handout
    shows the organisation's results. So is a label for a name the survey does not hold.
    """
    if "results-meeting" not in config.kits or config.survey is None:
        return None
    settings = config.survey
    display = display_path(settings.file)
    try:
        data = load_survey(settings.file, display, settings.scale)
    except InputError as exc:
        raise ConfigError(exc.problems) from None
    problems = [Problem(str(config.file), f"survey.{key}", f"unknown period {value!r} (periods in {display}: "
                        f"{', '.join(data.periods)})")
                for key, value in (("current", settings.current), ("previous", settings.previous))
                if value and value not in data.periods]
    if problems:
        raise ConfigError(problems)
    leaders_file = display_path(config.leaders_file) if config.leaders_file else str(config.file)
    warnings = [f"{leaders_file}: {leader.source or f'leaders[{index}]'}: leader {leader.name!r}: unit {leader.unit!r} "
                f"is not in {display}; their results handout shows only the organisation's results"
                for index, leader in enumerate(config.leaders) if leader.unit and leader.unit not in data.units]
    named = {*data.areas, *data.units, *(leader.unit for leader in config.leaders)}
    warnings += [f"{config.file}: survey.labels.{name}: no area or unit is named {name!r} in {display} "
                 f"(names are compared as written)" for name in settings.labels if name not in named]
    return replace(data, warnings=data.warnings + tuple(warnings))


def _logo(config: Config) -> bytes | None:
    if not config.branding.logo:
        return None
    try:
        return load_logo(config.branding.logo).data
    except Exception as exc:  # Pillow and CairoSVG raise many types for a broken image
        raise ConfigError(Problem(str(config.file), "branding.logo", f"cannot be read as an image: {exc}")) from None


#: Workers are forked on Linux (a fork elsewhere is unsafe or missing) and spawned elsewhere.
FORK_WORKERS = sys.platform == "linux"
#: Where workers are spawned, not forked: personalised documents that make a pool worth it.
POOL_THRESHOLD = 40
#: Documents a worker renders per task (at most), and tasks before it is replaced (flat memory).
CHUNK, TASKS_PER_WORKER = 20, 25

Progress = Callable[[int, int], None]
_Item = tuple[LocaleKit, Document]


def build(config: Config, out_dir: Path, *, templates: Path | None = None, pdf: bool = False,
          pdfa: bool = False, jobs: int = 1, leader: str | None = None,
          progress: Progress | None = None) -> BuildReport:
    """Build every document ``config`` asks for into ``out_dir/<short_name>/<locale>/``.

    ``templates`` (a folder of restyled templates) overrides ``branding.templates``.
    ``jobs`` processes render the documents and convert them to PDF; ``leader`` builds
    only that leader's files; ``progress(done, total)`` hears about every document written
    and every PDF converted (``total`` counts both from the start).
    With ``pdf`` every file is also converted to PDF by LibreOffice and each locale gets a
    print pack per kit; ``pdfa`` writes PDF/A-2b, tagged. A PDF whose Office file is
    unchanged since the build that made it (by the manifest's hashes) is kept as it is.

    Every shared document and the first personalised one of each kind are rendered before
    anything is written, so a broken template writes nothing. Raises
    :class:`~kitbuilder.errors.TemplateError` for a broken template, :class:`BuildError`
    when a file cannot be written or converted, and :class:`OutputBusy` while another build
    writes into ``out_dir``.
    """
    started = time.perf_counter()
    kit = build_model(config)
    inputs = input_hashes(config)
    log_notes(kit)
    template_set = TemplateSet(templates or config.branding.templates)
    root = Path(out_dir) / safe_name(kit.organisation.short_name)
    items = [(locale_kit, document) for locale_kit in kit.locales for document in locale_kit.documents]
    if leader:
        items = _only_leader(items, leader)
    first, batch = _first_of_each_kind(items)
    report = BuildReport(root, kit=kit)
    office = sum(1 for _, document in items if document.format in _OFFICE) if pdf or pdfa else 0
    counter = _Counter(progress, len(items) + office)
    with _Renderer(kit, config, templates, template_set, root, jobs, len(batch)) as renderer:
        rendered = renderer.render(first)
        with output_lock(Path(out_dir)):
            try:
                for (locale_kit, document), data in zip(first, rendered):
                    path = root / locale_kit.locale / document.file_name
                    write_atomic(path, data)
                    report.entries.append(manifest_entry(root, path, document.kit, locale_kit.locale, data))
                    log.info("wrote %s", path)
                    counter.advance()
                report.entries += renderer.write(batch, counter)
                if pdf or pdfa:
                    _write_pdfs(first + batch, report, pdfa=pdfa, jobs=jobs, counter=counter)
            except OSError as exc:
                raise BuildError(f"cannot write {exc.filename or root}: {exc.strerror}") from None
            finally:
                if report.entries:  # what was written is listed even when the build stops halfway
                    report.manifest = write_manifest(root, kit.organisation.name, report.entries, inputs)
    report.seconds = time.perf_counter() - started
    return report


_OFFICE = {"docx", "pptx"}


class _Counter:
    """Tells ``progress(done, total)`` each time documents are written or converted (from
    any thread: LibreOffice processes report their conversions as they go)."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.done = progress, total, 0
        self._lock = threading.Lock()

    def advance(self, count: int = 1) -> None:
        if self.progress is None or count == 0:
            return
        with self._lock:
            self.done += count
            self.progress(self.done, self.total)


def _render(document: Document, locale_kit: LocaleKit, template_set: TemplateSet) -> bytes:
    template = template_set.resolve(document.template, locale_kit.locale) if document.template else None
    log.debug("rendering %s/%s from %s", locale_kit.locale, document.file_name, template)
    return render_document(document, locale_kit, template)


def _only_leader(items: list[_Item], name: str) -> list[_Item]:
    chosen = [(lk, doc) for lk, doc in items if doc.leader and doc.leader.name.casefold() == name.casefold()]
    if not chosen:
        names = sorted({doc.leader.name for _, doc in items if doc.leader})
        close = difflib.get_close_matches(name, names, n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise InputError(Problem("--leader", "", f"no leader named {name!r} in the config{hint}"))
    return chosen


def _first_of_each_kind(items: list[_Item]) -> tuple[list[_Item], list[_Item]]:
    """Split off personalised copies after the first of each template and locale."""
    first, batch, seen = [], [], set()
    for locale_kit, document in items:
        kind = (locale_kit.locale, document.id, document.format)
        if document.leader and kind in seen:
            batch.append((locale_kit, document))
        else:
            first.append((locale_kit, document))
            seen.add(kind)
    return first, batch


class _Renderer:
    """Renders documents in this process, or shares them out to ``jobs`` worker processes.

    Where the system forks (Linux), workers start in milliseconds with the model already
    built, so every build with ``jobs > 1`` uses them. Elsewhere workers are spawned and each
    pays Python's start-up and builds the model again, so only a batch of
    :data:`POOL_THRESHOLD` personalised documents or more is worth it.
    """

    def __init__(self, kit: Kit, config: Config, templates: Path | None, template_set: TemplateSet, root: Path,
                 jobs: int, personalised: int):
        self.template_set, self.root, self.jobs, self.pool = template_set, root, jobs, None
        if jobs > 1 and (FORK_WORKERS or personalised >= POOL_THRESHOLD):
            # multiprocessing's Pool, not ProcessPoolExecutor: the latter can hang on Python
            # 3.11 when it replaces workers (max_tasks_per_child, cpython#115634)
            if FORK_WORKERS:
                _WORKER.update(_worker_state(kit, template_set, root, os.getpid()))
                self.pool = get_context("fork").Pool(jobs, maxtasksperchild=TASKS_PER_WORKER)
            else:
                self.pool = get_context("spawn").Pool(jobs, _start_worker, (config, templates, root),
                                                      maxtasksperchild=TASKS_PER_WORKER)

    def __enter__(self) -> _Renderer:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if self.pool is None:
            return
        # close() lets the workers finish and leave; terminate() kills them, and a worker
        # killed while holding the task queue's lock can leave the pool waiting for ever
        if exc_type is None:
            self.pool.close()
        else:
            self.pool.terminate()
        self.pool.join()
        _WORKER.clear()

    def render(self, items: list[_Item]) -> list[bytes]:
        """Each of ``items`` rendered into memory, in order."""
        if self.pool is None:
            return [_render(document, locale_kit, self.template_set) for locale_kit, document in items]
        return self.pool.map(_render_key, [_key(item) for item in items], chunksize=2)

    def write(self, items: list[_Item], counter: _Counter) -> list[ManifestEntry]:
        """Render and write ``items`` a chunk at a time, so memory stays flat however many there are."""
        if self.pool is None:
            done_lists = ([_write_one(self.root, locale_kit, document, self.template_set)]
                          for locale_kit, document in items)
        else:
            keys = [_key(item) for item in items]
            size = max(1, min(CHUNK, -(-len(keys) // (2 * self.jobs))))  # small batches still reach every worker
            done_lists = self.pool.imap_unordered(_write_keys, [keys[i:i + size] for i in range(0, len(keys), size)])
        entries: list[ManifestEntry] = []
        for done in done_lists:
            entries += done
            counter.advance(len(done))
        return sorted(entries, key=lambda entry: entry.file)


def _key(item: _Item) -> tuple[str, str]:
    """How a worker finds a document in its model: by locale and file name."""
    locale_kit, document = item
    return locale_kit.locale, document.file_name


def _write_one(root: Path, locale_kit: LocaleKit, document: Document, template_set: TemplateSet) -> ManifestEntry:
    path = root / locale_kit.locale / document.file_name
    data = _render(document, locale_kit, template_set)
    write_atomic(path, data)
    return manifest_entry(root, path, document.kit, locale_kit.locale, data)


#: A worker's model, templates and output folder (set before forking, or when spawned).
_WORKER: dict[str, object] = {}


def _worker_state(kit: Kit, template_set: TemplateSet, root: Path, build: int) -> dict[str, object]:
    """What a worker needs: the documents by key, the templates, the output folder and the
    build's process id (a worker whose parent is no longer the build stops writing)."""
    documents = {(lk.locale, doc.file_name): (lk, doc) for lk in kit.locales for doc in lk.documents}
    return {"documents": documents, "templates": template_set, "root": root, "build": build}


def _start_worker(config: Config, templates: Path | None, root: Path) -> None:
    """In a spawned worker: build the model once."""
    _WORKER.update(_worker_state(build_model(config), TemplateSet(templates or config.branding.templates), root,
                                 os.getppid()))


def _render_key(key: tuple[str, str]) -> bytes:
    locale_kit, document = _WORKER["documents"][key]
    return _render(document, locale_kit, _WORKER["templates"])


def _write_keys(keys: list[tuple[str, str]]) -> list[ManifestEntry]:
    documents, templates, root = _WORKER["documents"], _WORKER["templates"], _WORKER["root"]
    entries = []
    for key in keys:
        if os.getppid() != _WORKER["build"]:
            os._exit(1)  # the build was killed (this worker now has another parent): write no more
        entries.append(_write_one(root, *documents[key], templates))
    return entries


def _write_pdfs(items: list[_Item], report: BuildReport, *, pdfa: bool, jobs: int, counter: _Counter) -> None:
    """Convert every Office file written (unless its PDF is current), then join each locale's kit into a print pack."""
    office = [(lk, doc) for lk, doc in items if doc.format in _OFFICE]
    sources = {entry.file: f"{entry.sha256} {'pdfa' if pdfa else 'pdf'}" for entry in report.entries}
    previous = read_manifest(report.root)
    paths = [report.root / lk.locale / doc.file_name for lk, doc in office]
    stale = [path for path in paths if not _pdf_is_current(path, sources, previous, report.root)]
    report.pdfs_reused = len(paths) - len(stale)
    log.info("converting %d files to PDF with %d LibreOffice process(es); %d unchanged", len(stale), jobs,
             report.pdfs_reused)
    counter.advance(report.pdfs_reused)
    convert_to_pdf(stale, pdfa=pdfa, workers=jobs, converted=counter.advance)
    # a pack per locale and kit, and per leader one with that leader's own documents
    packs: dict[tuple[str, str], tuple[LocaleKit, str, list[tuple[Document, Path]]]] = {}
    for (locale_kit, document), path in zip(office, paths):
        pdf_path = path.with_suffix(".pdf")
        source = sources[path.relative_to(report.root).as_posix()]
        report.entries.append(manifest_entry(report.root, pdf_path, document.kit, locale_kit.locale,
                                             pdf_path.read_bytes(), source))
        groups = [(pack_name(document.kit), document.kit)]
        if document.leader:
            groups.append((f"{LEADER_PACKS}/{document.leader.stem}.pdf", LEADER_PACKS))
        for name, kind in groups:
            packs.setdefault((locale_kit.locale, name), (locale_kit, kind, []))[2].append((document, pdf_path))
    for (locale, name), (locale_kit, kind, parts) in packs.items():
        data = print_pack(locale_kit, kind, parts)
        path = report.root / locale / name
        write_atomic(path, data)
        report.entries.append(manifest_entry(report.root, path, kind, locale, data))
        log.info("wrote %s", path)


def _pdf_is_current(office: Path, sources: dict[str, str], previous: dict[str, dict], root: Path) -> bool:
    """Whether ``office``'s PDF was made, the same way, from these very bytes and is untouched since."""
    pdf = office.with_suffix(".pdf")
    entry = previous.get(pdf.relative_to(root).as_posix())
    if not entry or entry.get("source") != sources[office.relative_to(root).as_posix()]:
        return False
    try:
        return sha256_of(pdf.read_bytes()) == entry.get("sha256")
    except OSError:
        return False
