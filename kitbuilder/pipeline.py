"""The build pipeline: config → locale content → kit model → rendered files → output folder.

Every document is rendered into memory before anything is written, so a failing template or
an interrupted build leaves the previous output as it was.
"""

from __future__ import annotations

import difflib
import logging
import math
import os
import sys
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from importlib import import_module
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterator

from .assemble import assemble_kit
from .assets import load_logo
from .inputs.survey import SurveyData, load_survey
from .inputs.config import Config, input_hashes
from .errors import BuildError, ConfigError, InputError, Notice, Problem
from .locales import LocaleContent, load_locale
from .model import Document, Kit, LocaleKit
from .pdf import convert_to_pdf
from .printpack import LEADER_PACKS, pack_name, print_pack
from .render import render_document
from .templates import TemplateSet
from .names import display_path, safe_name
from .writer import (ManifestEntry, manifest_entry, output_lock, read_manifest, sha256_of, write_atomic,
                     write_manifest)

__all__ = ["BuildReport", "build", "build_model", "locale_contents", "log_notes", "usable_cores"]

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
    for notice in kit.notices:
        log.warning(notice)  # the record keeps the notice (the web app's build says it in the page's language)
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
    notices = [Notice(leaders_file, leader.source or f"leaders[{index}]", "unsurveyed_unit",
                      {"leader": leader.name, "unit": leader.unit, "survey": display},
                      f"leader {leader.name!r}: unit {leader.unit!r} is not in {display}; "
                      "their results handout shows only the organisation's results")
               for index, leader in enumerate(config.leaders) if leader.unit and leader.unit not in data.units]
    named = {*data.areas, *data.units, *(leader.unit for leader in config.leaders)}
    notices += [Notice(str(config.file), f"survey.labels.{name}", "unknown_label", {"name": name, "survey": display},
                       f"no area or unit is named {name!r} in {display} (names are compared as written)")
                for name in settings.labels if name not in named]
    return replace(data, notices=data.notices + tuple(notices))


def _logo(config: Config) -> bytes | None:
    if not config.branding.logo:
        return None
    try:
        return load_logo(config.branding.logo).data
    except Exception as exc:  # Pillow and CairoSVG raise many types for a broken image
        raise ConfigError(Problem(str(config.file), "branding.logo", f"cannot be read as an image: {exc}")) from None


#: Workers are forked on Linux (a fork elsewhere is unsafe or missing) and spawned elsewhere.
FORK_WORKERS = sys.platform == "linux"
#: Documents a worker renders per task (at most), and tasks before it is replaced (flat memory).
CHUNK, TASKS_PER_WORKER = 20, 25
#: Files written at once by one process: a write waits for the disk, so writes overlap
#: each other and the rendering of the next document.
WRITERS = 4

Progress = Callable[[int, int], None]
_Item = tuple[LocaleKit, Document]


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity (a container or ``taskset`` may
    allow fewer than the machine has), else the machine's count."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13 and later
        count = os.process_cpu_count()
    elif hasattr(os, "sched_getaffinity"):
        count = len(os.sched_getaffinity(0))
    else:
        count = os.cpu_count()
    return max(1, count or 1)


def build(config: Config, out_dir: Path, *, templates: Path | None = None, pdf: bool = False,
          pdfa: bool = False, jobs: int | None = None, leader: str | None = None,
          progress: Progress | None = None) -> BuildReport:
    """Build every document ``config`` asks for into ``out_dir/<short_name>/<locale>/``.

    ``templates`` (a folder of restyled templates) overrides ``branding.templates``.
    ``jobs`` processes render the documents and convert them to PDF; by default as many as
    this process has cores, used when this build's measured costs say the workers pay for
    their start (see :class:`_Renderer`). ``leader`` builds only that leader's files;
    ``progress(done, total)`` hears about every document written and every PDF converted
    (``total`` counts both from the start).
    With ``pdf`` every file is also converted to PDF by LibreOffice and each locale gets a
    print pack per kit; ``pdfa`` writes PDF/A-2b, tagged. A PDF whose Office file is
    unchanged since the build that made it (by the manifest's hashes) is kept as it is.

    Every shared document and the first personalised one of each kind (all of them, when
    there are few) are rendered before anything is written, so a broken template writes
    nothing. Raises
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
    workers = usable_cores() if jobs is None else jobs
    if len(batch) <= CHUNK * workers:  # a round of tasks: rendered with the rest, written after it
        first, batch = items, []
    with _Renderer(kit, config, templates, template_set, root, workers, decide=jobs is None) as renderer:
        rendered = renderer.render(first, later=batch)
        with output_lock(Path(out_dir)):
            try:
                batch_written = renderer.write(batch)  # workers start on it while these are written
                with _Files(root, report.entries) as files:
                    for (locale_kit, document), data in zip(first, rendered):
                        files.write(locale_kit, document, data)
                        counter.advance()
                for entry in report.entries:
                    log.info("wrote %s", root / entry.file)
                for entries in batch_written:
                    report.entries += entries
                    counter.advance(len(entries))
                report.entries.sort(key=lambda entry: entry.file)
                if pdf or pdfa:
                    _write_pdfs(first + batch, report, pdfa=pdfa, jobs=workers, counter=counter)
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


class _Files:
    """Writes files from a few threads (a write mostly waits for the disk) and adds each
    file written to ``entries``; leaving the ``with`` block waits for every write and
    raises the first error, once every file that was written is listed. At most a few
    files wait to be written, so memory stays flat when rendering outpaces the disk."""

    def __init__(self, root: Path, entries: list[ManifestEntry]):
        self.root = root
        self.entries = entries
        self._writers = ThreadPoolExecutor(WRITERS)
        self._waiting: deque[tuple[Future, ManifestEntry]] = deque()
        self._error: BaseException | None = None

    def write(self, locale_kit: LocaleKit, document: Document, data: bytes) -> None:
        path = self.root / locale_kit.locale / document.file_name
        entry = manifest_entry(self.root, path, document.kit, locale_kit.locale, data)
        if len(self._waiting) >= 2 * WRITERS:
            self._finish(*self._waiting.popleft())
        self._waiting.append((self._writers.submit(write_atomic, path, data), entry))

    def _finish(self, future: Future, entry: ManifestEntry) -> None:
        if future.exception() is None:
            self.entries.append(entry)
        else:
            self._error = self._error or future.exception()

    def __enter__(self) -> _Files:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self._writers.shutdown(wait=True)
        while self._waiting:
            self._finish(*self._waiting.popleft())
        if self._error is not None and exc_type is None:
            raise self._error


class _Renderer:
    """Renders documents in this process, or shares them out to ``jobs`` worker processes.

    With ``decide`` (no ``-j`` given) workers start only when this build's own figures say
    they pay: the time each document took here (by template; a template not yet rendered
    counts as the mean) gives the work left, and workers start when sharing it saves more
    than starting them costs. That cost is measured too: where workers are forked (Linux),
    one throwaway fork of this process; where they are spawned, what this process spent
    before its first document (Python, imports, the model), as each worker repeats it.
    This process renders documents itself until then, so a small build never starts a
    worker, and workers forked later start with its templates, fonts and master ready.
    Without ``decide`` (``-j N``) the ``jobs`` workers start at once.

    Documents go to workers grouped by template, in equal chunks, the most work first (by
    the times measured so far, here and in the workers), so a worker prepares each template
    once and the last tasks are short ones.
    """

    def __init__(self, kit: Kit, config: Config, templates: Path | None, template_set: TemplateSet, root: Path,
                 jobs: int, *, decide: bool):
        self.kit, self.config, self.templates, self.template_set, self.root = kit, config, templates, template_set, root
        self.jobs, self.decide, self.pool = jobs, decide, None
        #: Seconds the last document of each template took here.
        self.costs: dict[tuple, float] = {}
        self._kinds: dict[tuple, tuple] = {}
        self._rendering = 0.0
        self._start_cost: float | None = None

    def __enter__(self) -> _Renderer:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if self.pool is None:
            return
        # close() lets the workers finish and leave (after a failed task they have none left:
        # see _results); terminate() kills them, and a worker killed while it holds a queue's
        # lock (replying, say) leaves the pool waiting for ever, so only Ctrl-C and the like
        # come to that
        if exc_type is not None:
            self._stop.set()  # the tasks still given out are skipped
        if exc_type is None or issubclass(exc_type, Exception):
            self.pool.close()
        else:
            self.pool.terminate()
        self.pool.join()
        _WORKER.clear()

    def _results(self, results: Iterator) -> Iterator:
        """The workers' ``results``; when a task fails, the tasks given out are stopped and
        waited for before the error is raised, so the workers are idle and can be closed."""
        try:
            yield from results
        except Exception:
            self._stop.set()
            while True:
                try:
                    next(results)
                except StopIteration:
                    break
                except Exception:
                    continue
            raise

    def render(self, items: list[_Item], later: list[_Item] = ()) -> list[bytes]:
        """Each of ``items`` rendered into memory, in order (``later``: what the build
        renders next, which counts towards whether workers pay)."""
        rendered: dict[tuple[str, str], bytes] = {}
        pending = list(items)
        while pending and not self._fan_out(pending, later):
            item = pending.pop(0)
            rendered[_key(item)] = self._render_here(item)
        if pending:
            by_key = {_key(item): item for item in pending}
            for results in self._results(self.pool.imap_unordered(_render_keys, self._tasks(pending))):
                for key, data, seconds in results:
                    rendered[key] = data
                    self.costs[self._kind(by_key[key])] = seconds  # so what follows is shared by its real cost
        return [rendered[_key(item)] for item in items]

    def write(self, items: list[_Item]) -> Iterator[list[ManifestEntry]]:
        """Render and write ``items`` a chunk at a time, so memory stays flat however many
        there are; yields the files written as they are. Workers start on them at once."""
        if not self._fan_out(items):
            return self._write_here(items)
        return self._results(self.pool.imap_unordered(_write_keys, self._tasks(items)))

    def _write_here(self, items: list[_Item]) -> Iterator[list[ManifestEntry]]:
        written: list[ManifestEntry] = []
        with _Files(self.root, written) as files:
            for item in items:
                files.write(*item, self._render_here(item))
                if written:
                    yield written[:]
                    written.clear()
        yield written

    def _render_here(self, item: _Item) -> bytes:
        locale_kit, document = item
        import_module(f"{__package__}.render.{document.format}")  # importing its renderer is no document's cost
        started = time.perf_counter()
        data = _render(document, locale_kit, self.template_set)
        self.costs[self._kind(item)] = seconds = time.perf_counter() - started
        self._rendering += seconds
        return data

    def _kind(self, item: _Item) -> tuple:
        """What documents share a template (and so its preparation, and its cost)."""
        locale_kit, document = item
        key = (document.format, document.template, locale_kit.locale)
        if key not in self._kinds:
            template = document.template and self.template_set.resolve(document.template, locale_kit.locale)
            self._kinds[key] = (document.format, template)
        return self._kinds[key]

    def _fan_out(self, pending: list[_Item], later: list[_Item] = ()) -> bool:
        """Whether ``pending`` goes to workers (starting them if needed)."""
        if self.pool is not None:
            return True
        if self.jobs < 2 or not pending:
            return False
        if self.decide:
            if not self.costs:
                return False  # nothing measured yet: this document is rendered here
            mean = sum(self.costs.values()) / len(self.costs)
            work = sum(self.costs.get(self._kind(item), mean) for item in [*pending, *later])
            workers = min(self.jobs, len(pending) + len(later))
            saved = work * (1 - 1 / workers)
            log.debug("%.0f ms of work left; %d workers would save %.0f ms and cost %.0f ms to start", work * 1000,
                      workers, saved * 1000, workers * self._worker_cost() * 1000)
            if saved <= workers * self._worker_cost():
                return False
        self._start(min(self.jobs, len(pending) + len(later)))
        return True

    def _worker_cost(self) -> float:
        """Seconds to start one worker, measured in this build."""
        if self._start_cost is None:
            if FORK_WORKERS:
                started = time.perf_counter()
                child = os.fork()
                if child == 0:
                    os._exit(0)
                os.waitpid(child, 0)
                self._start_cost = time.perf_counter() - started
            else:
                self._start_cost = max(time.process_time() - self._rendering, 0.0)
        return self._start_cost

    def _start(self, workers: int) -> None:
        # multiprocessing's Pool, not ProcessPoolExecutor: the latter can hang on Python
        # 3.11 when it replaces workers (max_tasks_per_child, cpython#115634)
        log.debug("starting %d workers", workers)
        context = get_context("fork" if FORK_WORKERS else "spawn")
        self._stop = context.Event()
        if FORK_WORKERS:
            _WORKER.update(_worker_state(self.kit, self.template_set, self.root, os.getpid(), self._stop))
            self.pool = context.Pool(workers, maxtasksperchild=TASKS_PER_WORKER)
        else:
            self.pool = context.Pool(workers, _start_worker, (self.config, self.templates, self.root, self._stop),
                                     maxtasksperchild=TASKS_PER_WORKER)

    def _tasks(self, items: list[_Item]) -> list[list[tuple[str, str]]]:
        """``items`` as tasks for the workers: by template, the most work first, each at most
        :data:`CHUNK` documents (and small enough that a small batch reaches every worker)."""
        groups: dict[tuple, list[_Item]] = {}
        for item in items:
            groups.setdefault(self._kind(item), []).append(item)
        mean = sum(self.costs.values()) / len(self.costs) if self.costs else 0.0
        most = max(1, min(CHUNK, -(-len(items) // (2 * self.jobs))))
        tasks = []
        for kind, group in groups.items():
            # equal chunks: 12 documents at most 10 a task are 6 + 6, not 10 and a late 2
            size = math.ceil(len(group) / math.ceil(len(group) / most))
            tasks += [(self.costs.get(kind, mean) * len(chunk), [_key(item) for item in chunk])
                      for chunk in (group[i:i + size] for i in range(0, len(group), size))]
        return [keys for _, keys in sorted(tasks, key=lambda task: -task[0])]


def _key(item: _Item) -> tuple[str, str]:
    """How a worker finds a document in its model: by locale and file name."""
    locale_kit, document = item
    return locale_kit.locale, document.file_name


#: A worker's model, templates and output folder (set before forking, or when spawned).
_WORKER: dict[str, object] = {}


def _worker_state(kit: Kit, template_set: TemplateSet, root: Path, build: int, stop) -> dict[str, object]:
    """What a worker needs: the documents by key, the templates, the output folder, the
    build's process id (a worker whose parent is no longer the build stops writing) and
    the event that says a task failed (the tasks still given out are skipped)."""
    documents = {(lk.locale, doc.file_name): (lk, doc) for lk in kit.locales for doc in lk.documents}
    return {"documents": documents, "templates": template_set, "root": root, "build": build, "stop": stop}


def _start_worker(config: Config, templates: Path | None, root: Path, stop) -> None:
    """In a spawned worker: build the model once."""
    _WORKER.update(_worker_state(build_model(config), TemplateSet(templates or config.branding.templates), root,
                                 os.getppid(), stop))


def _render_keys(keys: list[tuple[str, str]]) -> list[tuple[tuple[str, str], bytes, float]]:
    """Each document rendered, with the seconds it took."""
    documents, templates = _WORKER["documents"], _WORKER["templates"]
    results = []
    for key in keys:
        if _WORKER["stop"].is_set():
            break
        started = time.perf_counter()
        data = _render(documents[key][1], documents[key][0], templates)
        results.append((key, data, time.perf_counter() - started))
    return results


def _write_keys(keys: list[tuple[str, str]]) -> list[ManifestEntry]:
    documents, templates = _WORKER["documents"], _WORKER["templates"]
    entries: list[ManifestEntry] = []
    with _Files(_WORKER["root"], entries) as files:
        for key in keys:
            if os.getppid() != _WORKER["build"]:
                os._exit(1)  # the build was killed (this worker now has another parent): write no more
            if _WORKER["stop"].is_set():
                break
            locale_kit, document = documents[key]
            files.write(locale_kit, document, _render(document, locale_kit, templates))
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
