"""Convert the built Office files to PDF with one headless LibreOffice per build.

Starting LibreOffice costs seconds, so every file of a build goes to a single process. It
gets a private profile (two instances on one profile collide), a timeout that kills its
whole process group (LibreOffice can hang), and each expected PDF is checked afterwards
(LibreOffice can exit 0 and write nothing).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .errors import BuildError
from .writer import write_atomic

__all__ = ["INSTALL_HINT", "convert_to_pdf", "find_soffice"]

INSTALL_HINT = "apt-get install -y libreoffice-writer-nogui libreoffice-impress-nogui"


def find_soffice() -> str:
    """The LibreOffice executable; raises :class:`BuildError` with the install command."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise BuildError(f"LibreOffice is needed for --pdf and is not installed; install it with: {INSTALL_HINT}")


def convert_to_pdf(files: list[Path], *, timeout: float = 600, soffice: str | None = None) -> dict[Path, Path]:
    """Write ``<file>.pdf`` beside each of ``files`` using one LibreOffice process.

    Returns each file's PDF. Raises :class:`BuildError` naming every file that did not
    convert; the PDFs that did convert are kept.
    """
    if not files:
        return {}
    command = soffice or find_soffice()
    with tempfile.TemporaryDirectory(prefix="kitbuilder-pdf-") as work:
        work_dir = Path(work)
        inbox, outbox = work_dir / "in", work_dir / "out"
        inbox.mkdir()
        outbox.mkdir()
        # Files of different locales share names; give each a unique name for the one call.
        staged = {}
        for index, source in enumerate(files):
            link = inbox / f"{index:04d}-{source.name}"
            os.symlink(source.resolve(), link)
            staged[source] = outbox / f"{link.stem}.pdf"
        args = [command, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless",
                "--norestore", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(outbox),
                *(str(inbox / f"{i:04d}-{s.name}") for i, s in enumerate(files))]
        _run(args, timeout)
        failed, written = [], {}
        for source, produced in staged.items():
            if produced.is_file() and produced.read_bytes()[:5] == b"%PDF-":
                target = source.with_suffix(".pdf")
                write_atomic(target, produced.read_bytes())
                written[source] = target
            else:
                failed.append(source)
    if failed:
        raise BuildError("LibreOffice did not convert: " + ", ".join(str(f) for f in failed))
    return written


def _run(args: list[str], timeout: float) -> None:
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise BuildError(f"LibreOffice did not finish within {timeout:.0f} s and was stopped") from None
