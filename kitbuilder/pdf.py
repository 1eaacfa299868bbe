"""Convert the built Office files to PDF with headless LibreOffice: one process per build
(or one per worker), never one per file.

Starting LibreOffice costs seconds, so all files of a build go to a single process (with
``workers=2``, two processes share them). Each process gets a private profile (instances on
one profile collide), a timeout that kills its whole process group (LibreOffice can hang),
and every expected PDF is checked afterwards: it must exist and have pages (LibreOffice can
exit 0 and write nothing).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from .errors import BuildError
from .writer import write_atomic

__all__ = ["INSTALL_HINT", "convert_to_pdf", "find_soffice", "page_count"]

INSTALL_HINT = "apt-get install -y libreoffice-writer-nogui libreoffice-impress-nogui"
#: PDF/A-2b with a tagged structure (for archives and screen readers); LibreOffice 7.4
#: applies these export options to text documents and presentations alike.
PDFA_FILTER = "pdf:writer_pdf_Export:" + json.dumps({
    "SelectPdfVersion": {"type": "long", "value": "2"},
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
}, separators=(",", ":"))


def find_soffice() -> str:
    """The LibreOffice executable; raises :class:`BuildError` with the install command."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise BuildError(f"LibreOffice is needed for PDF output and is not installed; install it with: {INSTALL_HINT}")


def page_count(pdf: Path) -> int:
    """The number of pages of ``pdf`` (0 when it cannot be read)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return len(PdfReader(pdf).pages)
    except (PdfReadError, OSError, ValueError):
        return 0


def convert_to_pdf(files: list[Path], *, pdfa: bool = False, workers: int = 1, timeout: float = 600,
                   soffice: str | None = None, converted: Callable[[], None] | None = None) -> dict[Path, Path]:
    """Write ``<file>.pdf`` beside each of ``files``, with ``workers`` LibreOffice processes.

    ``converted()`` is called as LibreOffice reports each file done (from the converters'
    threads), for a progress bar.

    Returns each file's PDF. Raises :class:`BuildError` naming every file that did not
    convert; the PDFs that did convert are kept.
    """
    if not files:
        return {}
    command = soffice or find_soffice()
    groups = [files[index::workers] for index in range(max(1, min(workers, len(files))))]
    running: list[subprocess.Popen] = []
    with ThreadPoolExecutor(len(groups)) as pool:
        try:
            results = list(pool.map(lambda group: _convert_group(command, group, pdfa, timeout, running, converted),
                                        groups))
        except BaseException:
            # Ctrl-C arrives here, not in the threads: stop their LibreOffice processes, which
            # run in sessions of their own and would otherwise go on (and keep us waiting)
            for process in running:
                _stop(process)
            raise
    written = {source: pdf for done, _ in results for source, pdf in done.items()}
    failed = [source for _, missing in results for source in missing]
    if failed:
        raise BuildError("LibreOffice did not convert: " + ", ".join(str(f) for f in failed))
    return {source: written[source] for source in files}


def _convert_group(command: str, files: list[Path], pdfa: bool, timeout: float, running: list[subprocess.Popen],
                   converted: Callable[[], None] | None) -> tuple[dict[Path, Path], list[Path]]:
    with tempfile.TemporaryDirectory(prefix="kitbuilder-pdf-") as work:
        work_dir = Path(work)
        inbox, outbox = work_dir / "in", work_dir / "out"
        inbox.mkdir()
        outbox.mkdir()
        # Files of different locales share names: stage each under a unique name.
        staged = {}
        for index, source in enumerate(files):
            link = inbox / f"{index:04d}-{source.name}"
            os.symlink(source.resolve(), link)
            staged[source] = (link, outbox / f"{link.stem}.pdf")
        args = [command, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless",
                "--norestore", "--nolockcheck", "--convert-to", PDFA_FILTER if pdfa else "pdf",
                "--outdir", str(outbox), *(str(link) for link, _ in staged.values())]
        _run(args, timeout, running, converted)
        written, failed = {}, []
        for source, (_, produced) in staged.items():
            if produced.is_file() and page_count(produced) > 0:
                target = source.with_suffix(".pdf")
                write_atomic(target, produced.read_bytes())
                written[source] = target
            else:
                failed.append(source)
    return written, failed


def _run(args: list[str], timeout: float, running: list[subprocess.Popen],
         converted: Callable[[], None] | None) -> None:
    # a session of its own, so that stopping it stops every process LibreOffice starts
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    running.append(process)
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        _stop(process)

    timer = threading.Timer(timeout, expire)
    timer.start()
    try:
        for line in process.stdout:  # "convert <file> -> <pdf> using filter …", one line per file
            if converted and line.startswith(b"convert "):
                converted()
        process.wait()
    finally:
        timer.cancel()
        process.stdout.close()
    if expired.is_set():
        raise BuildError(f"LibreOffice did not finish within {timeout:.0f} s and was stopped")


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it had finished
