#!/usr/bin/env python3
"""Print DESIGN.md's performance figures, each next to a floor measured in the same run.

Machines here are noisy, so every figure is also given as a ratio to a floor taken now:
python-docx / python-pptx opening and saving the same template unchanged (per document), importing the
Office libraries (per process), and starting Python (for the CLI).

    make bench            # or: .venv/bin/python tools/bench.py [--pdf]
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config" / "example.yaml"
KITBUILDER = Path(sys.executable).parent / "kitbuilder"


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def wall(command: list[str], repeat: int = 3) -> float:
    return median_seconds(lambda: subprocess.run(command, check=True, capture_output=True), repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice figure")
    opts = parser.parse_args()

    from docx import Document
    from pptx import Presentation

    from kitbuilder import build_model, load_config
    from kitbuilder.render import render_document
    from kitbuilder.templates import TemplateSet

    rows: list[tuple[str, str, str, str]] = []
    kit = build_model(load_config(EXAMPLE))
    templates = TemplateSet()
    danish = kit.locales[0]

    # floors: python-docx / python-pptx opening and saving each template unchanged
    opener = {"docx": Document, "pptx": Presentation}
    floors = {}
    for document in danish.documents:
        path = templates.resolve(document.template, danish.locale)
        floors[document.id] = median_seconds(
            lambda p=path, o=opener[document.format]: o(str(p)).save(io.BytesIO()), opts.repeat)
    for document in danish.documents:
        path = templates.resolve(document.template, danish.locale)
        seconds = median_seconds(lambda d=document, p=path: render_document(d, danish, p), opts.repeat)
        floor = floors[document.id]
        rows.append((f"render {document.file_name}", f"{seconds * 1000:.0f} ms", f"{floor * 1000:.0f} ms",
                     f"{seconds / floor:.2f}x (goal <= 3x)"))

    python = [sys.executable, "-c", "pass"]
    imports = [sys.executable, "-c", "import docx, pptx, docxtpl, babel"]
    start_floor = wall(python, 5)
    import_floor = wall(imports, 3) - start_floor
    helps = wall([str(KITBUILDER), "--help"], 5)
    rows.append(("kitbuilder --help", f"{helps:.2f} s", f"{start_floor:.2f} s (python)",
                 f"{helps / start_floor:.1f}x (goal < 0.3 s)"))

    with tempfile.TemporaryDirectory() as out:
        files = len(danish.documents) * len(kit.locales)
        whole = wall([str(KITBUILDER), "-q", "build", str(EXAMPLE), "--out", out], 3)
        floor = start_floor + import_floor + files * statistics.mean(floors.values())
        rows.append((f"full build, {files} files, 1 process", f"{whole:.2f} s", f"{floor:.2f} s",
                     f"{whole / floor:.2f}x (goal <= 2.5 s)"))
        if not opts.no_pdf and shutil.which("soffice"):
            from pypdf import PdfReader
            for jobs, goal in ((1, "12 s"), (2, "6-7 s")):
                with_pdf = wall([str(KITBUILDER), "-q", "build", str(EXAMPLE), "--out", out, "--pdf", "-j", str(jobs)], 2)
                pages = sum(len(PdfReader(p).pages) for p in Path(out).rglob("0*.pdf"))
                rows.append((f"full build + PDF, {jobs} converter(s), {pages} pages", f"{with_pdf:.2f} s",
                             f"{whole:.2f} s (no PDF)",
                             f"{(with_pdf - whole) / pages * 1000:.0f} ms/page (goal <= {goal})"))
    rows.insert(0, ("import docx, pptx, docxtpl, babel", f"{import_floor:.2f} s", "", "(floor, ~0.25 s)"))

    widths = [max(len(row[i]) for row in rows + [("figure", "time", "floor", "ratio")]) for i in range(4)]
    header = ("figure", "time", "floor", "ratio")
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
