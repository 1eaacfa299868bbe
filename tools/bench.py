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


def pdf_figures(whole: float) -> list[tuple[str, str, str, str]]:
    """The example kit with PDF: converted afresh by 1 and 2 LibreOffice processes, then
    rebuilt unchanged (every PDF is current and reused)."""
    from pypdf import PdfReader

    rows = []
    for jobs, goal in ((1, "12 s"), (2, "6-7 s"), (2, None)):
        def with_pdf(out: Path) -> None:
            subprocess.run([str(KITBUILDER), "-q", "build", str(EXAMPLE), "--out", str(out), "--pdf", "-j", str(jobs)],
                           check=True, capture_output=True)

        times = []
        for _ in range(2):
            with tempfile.TemporaryDirectory() as work:
                out = Path(work)
                if goal is None:  # a rebuild with nothing changed
                    with_pdf(out)
                started = time.perf_counter()
                with_pdf(out)
                times.append(time.perf_counter() - started)
                # each document's own PDF (the print packs repeat the same pages)
                pages = sum(len(PdfReader(p).pages) for p in out.rglob("*.pdf") if "pack" not in p.as_posix())
        seconds = statistics.median(times)
        if goal is None:
            rows.append(("rebuild + PDF, nothing changed (PDFs reused)", f"{seconds:.2f} s", f"{whole:.2f} s (no PDF)",
                         f"{seconds / whole:.2f}x"))
        else:
            rows.append((f"full build + PDF, {jobs} converter(s), {pages} pages", f"{seconds:.2f} s",
                         f"{whole:.2f} s (no PDF)", f"{(seconds - whole) / pages * 1000:.0f} ms/page (goal <= {goal})"))
    return rows


def leaders_batch(count: int, jobs: int) -> tuple[float, int]:
    """Build ``count`` personalised dialogue guides; seconds and the largest process's peak KB."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        lines = ["name;unit;manager;email;meeting"] + [
            f"Leder {i} Ærø;Enhed {i % 40};Chef {i % 60};leder{i}@example.org;2027-03-{1 + i % 28:02d}T{8 + i % 8:02d}:00"
            for i in range(count)]
        (folder / "leaders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (folder / "kit.yaml").write_text("organisation: {name: Bench, short_name: bench}\nlocales: [da]\n"
                                         "kits: [leader-dialogue]\nleaders_file: leaders.csv\n", encoding="utf-8")
        probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
                 "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
                 "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        out = subprocess.run([sys.executable, "-c", probe, str(KITBUILDER), "-q", "build", str(folder / "kit.yaml"),
                              "--out", str(folder / "out"), "-j", str(jobs)], check=True, capture_output=True,
                             text=True).stdout.split()
        return float(out[0]), int(out[1])


def results_deck(repeat: int) -> tuple[float, float]:
    """Render the results deck for 40 units × 12 areas × 2 periods; (seconds, pptx floor)."""
    from pptx import Presentation

    from kitbuilder import build_model, load_config
    from kitbuilder.render import render_document
    from kitbuilder.templates import TemplateSet

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        lines = ["unit;area;period;score;respondents"] + [
            f"Enhed {u};Område {a};{p};{50 + (u * 7 + a * 3 + int(p)) % 40}.5;{3 + u % 30}"
            for u in range(40) for a in range(12) for p in ("2025", "2026")]
        (folder / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (folder / "kit.yaml").write_text("organisation: {name: Bench, short_name: bench}\nlocales: [da]\n"
                                         "kits: [results-meeting]\nsurvey: survey.csv\n", encoding="utf-8")
        locale_kit = build_model(load_config(folder / "kit.yaml")).locales[0]
        document = next(d for d in locale_kit.documents if d.id == "results-meeting")
        template = TemplateSet().resolve(document.template, "da")
        seconds = median_seconds(lambda: render_document(document, locale_kit, template), repeat)
        floor = median_seconds(lambda: Presentation(str(template)).save(io.BytesIO()), repeat)
        return seconds, floor


def web_figures(repeat: int) -> list[tuple[str, str, str, str]]:
    """The web app: the example project's page, and a build started from the app against the
    same build from the command line (both with 2 workers, as `kitbuilder serve` builds)."""
    from starlette.testclient import TestClient

    from kitbuilder.web.app import create_app

    rows = []
    with tempfile.TemporaryDirectory() as work:
        workspace = Path(work)
        folder = workspace / "fjordby"
        shutil.copytree(EXAMPLE.parent, folder, ignore=shutil.ignore_patterns("*.json"))
        (folder / EXAMPLE.name).rename(folder / "kitbuilder.yaml")
        with TestClient(create_app(workspace, build_jobs=2)) as client:
            page = median_seconds(lambda: client.get("/projects/fjordby").raise_for_status(), repeat)
            floor = median_seconds(lambda: client.get("/static/app.css").raise_for_status(), repeat)

            def app_build() -> None:
                client.post("/projects/fjordby/build", headers={"Accept": "application/json"}).raise_for_status()
                while client.get("/projects/fjordby/status").json()["state"] == "running":
                    time.sleep(0.05)

            cli_build = [str(KITBUILDER), "-q", "build", str(folder / "kitbuilder.yaml"), "--out",
                         str(folder / "output"), "-j", "2"]
            # taken in turns, so that a busy moment of the machine weighs on both alike
            from_app, from_cli = [], []
            for _ in range(3):
                from_app.append(median_seconds(app_build, 1))
                from_cli.append(wall(cli_build, 1))
            assert client.get("/projects/fjordby/status").json()["state"] == "done"
    from_app, from_cli = statistics.median(from_app), statistics.median(from_cli)
    rows.append(("serve: project page of the example", f"{page * 1000:.0f} ms", f"{floor * 1000:.1f} ms (static file)",
                 f"{page / floor:.0f}x (goal < 1 s)"))
    rows.append(("serve: example build from the app", f"{from_app:.2f} s", f"{from_cli:.2f} s (same build, CLI)",
                 f"{from_app / from_cli:.2f}x (goal about 1x)"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice figure")
    parser.add_argument("--no-leaders", action="store_true", help="skip the 100 / 1,000 leaders figures")
    parser.add_argument("--no-web", action="store_true", help="skip the web app's figures")
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
    # one of each template (the first personalised copy stands for all)
    documents = list({d.id: d for d in reversed(danish.documents) if d.format in {"docx", "pptx"}}.values())[::-1]

    # floors: python-docx / python-pptx opening and saving each template unchanged
    opener = {"docx": Document, "pptx": Presentation}
    floors = {}
    for document in documents:
        path = templates.resolve(document.template, danish.locale)
        floors[document.id] = median_seconds(
            lambda p=path, o=opener[document.format]: o(str(p)).save(io.BytesIO()), opts.repeat)
    for document in documents:
        path = templates.resolve(document.template, danish.locale)
        seconds = median_seconds(lambda d=document, p=path: render_document(d, danish, p), opts.repeat)
        floor = floors[document.id]
        rows.append((f"render {document.file_name.split('/')[0]}", f"{seconds * 1000:.0f} ms", f"{floor * 1000:.0f} ms",
                     f"{seconds / floor:.2f}x (goal <= 3x)"))

    python = [sys.executable, "-c", "pass"]
    imports = [sys.executable, "-c", "import docx, pptx, docxtpl, babel"]
    start_floor = wall(python, 5)
    import_floor = wall(imports, 3) - start_floor
    helps = wall([str(KITBUILDER), "--help"], 5)
    rows.append(("kitbuilder --help", f"{helps:.2f} s", f"{start_floor:.2f} s (python)",
                 f"{helps / start_floor:.1f}x (goal < 0.3 s)"))

    with tempfile.TemporaryDirectory() as out:
        files = sum(len(locale.documents) for locale in kit.locales)
        whole = wall([str(KITBUILDER), "-q", "build", str(EXAMPLE), "--out", out], 3)
        office = sum(1 for locale in kit.locales for d in locale.documents if d.format != "ics")
        floor = start_floor + import_floor + office * statistics.mean(floors.values())
        rows.append((f"full build, {files} files, 1 process", f"{whole:.2f} s", f"{floor:.2f} s",
                     f"{whole / floor:.2f}x (goal <= 2.5 s)"))
        shared = wall([str(KITBUILDER), "-q", "build", str(EXAMPLE), "--out", out, "-j", "2"], 3)
        rows.append((f"full build, {files} files, 2 workers", f"{shared:.2f} s", f"{floor:.2f} s",
                     f"{shared / floor:.2f}x (goal about 1.5 s)"))
        if not opts.no_pdf and shutil.which("soffice"):
            rows += pdf_figures(whole)
    rows.insert(0, ("import docx, pptx, docxtpl, babel", f"{import_floor:.2f} s", "", "(floor, ~0.25 s)"))
    seconds, floor = results_deck(opts.repeat)
    rows.append(("results deck, 40 units x 12 areas x 2 periods", f"{seconds * 1000:.0f} ms", f"{floor * 1000:.0f} ms",
                 f"{seconds / floor:.1f}x (goal <= 3x)"))
    if not opts.no_leaders:
        guide_floor = floors["dialogue-guide"] if "dialogue-guide" in floors else None
        for count in (100, 1000):
            seconds, peak = leaders_batch(count, jobs=2)
            rows.append((f"{count} dialogue guides (+ .ics), 2 jobs", f"{seconds:.1f} s",
                         f"{guide_floor * count:.1f} s (floor x n)" if guide_floor else "",
                         f"{count / seconds:.0f} guides/s (goal >= 25), peak {peak / 1024:.0f} MB/process"))

    if not opts.no_web:
        rows += web_figures(opts.repeat)

    widths = [max(len(row[i]) for row in rows + [("figure", "time", "floor", "ratio")]) for i in range(4)]
    header = ("figure", "time", "floor", "ratio")
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
