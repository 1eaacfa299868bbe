#!/usr/bin/env python3
"""Print the performance figures, each as a ratio to a floor measured in the same run.

Machines here are noisy, so every figure is also given as a ratio to a floor taken now:
python-docx / python-pptx opening and saving the same template unchanged (per document), importing the
Office libraries (per process), starting Python (for the CLI), and the same build with ``-j 1``.
A figure and its floor are measured in turns, so a busy spell slows both.

    make bench            # or: .venv/bin/python tools/bench.py [--no-pdf] [--no-leaders]
"""

from __future__ import annotations

import argparse
import io
import json
import os
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
#: Leaders in the personalised-document figures.
IN_PROCESS, LEADER_COUNTS = 300, (1000, 5000)

Row = tuple[str, str, str, str]


def seconds_of(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def in_turns(repeat: int, *actions) -> list[float]:
    """The median seconds of each action, the actions run in turns ``repeat`` times."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        for action, measured in zip(actions, times):
            measured.append(seconds_of(action))
    return [statistics.median(measured) for measured in times]


def command(*args: str):
    return lambda: subprocess.run(list(args), check=True, capture_output=True)


def ratio(value: float, floor: float, goal: str = "") -> str:
    return f"{value / floor:.2f}x ({goal})" if goal else f"{value / floor:.2f}x"


def write_leaders_kit(folder: Path, count: int) -> Path:
    lines = ["name;unit;manager;email;meeting"] + [
        f"Leder {i} Ærø;Enhed {i % 40};Chef {i % 60};leder{i}@example.org;2027-03-{1 + i % 28:02d}T{8 + i % 8:02d}:00"
        for i in range(count)]
    (folder / "leaders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "kit.yaml").write_text("organisation: {name: Bench, short_name: bench}\nlocales: [da]\n"
                                     "kits: [leader-dialogue]\nleaders_file: leaders.csv\n", encoding="utf-8")
    return folder / "kit.yaml"


def document_figures(repeat: int) -> tuple[list[Row], dict[str, float]]:
    """Each template's document rendered in this process against its template's open + save;
    returns the rows and the floors by document id."""
    from docx import Document
    from pptx import Presentation

    from kitbuilder import build_model, load_config
    from kitbuilder.render import render_document
    from kitbuilder.templates import TemplateSet

    danish = build_model(load_config(EXAMPLE)).locales[0]
    templates = TemplateSet()
    # one of each template (the first personalised copy stands for all)
    documents = list({d.id: d for d in reversed(danish.documents) if d.format in {"docx", "pptx"}}.values())[::-1]
    opener = {"docx": Document, "pptx": Presentation}
    rows, floors = [], {}
    for document in documents:
        path = templates.resolve(document.template, danish.locale)
        render_document(document, danish, path)  # this process's first document of a template prepares it
        seconds, floors[document.id] = in_turns(
            repeat, lambda: render_document(document, danish, path),
            lambda: opener[document.format](str(path)).save(io.BytesIO()))
        goal = "goal <= 2x" if document.format == "docx" else "goal <= 3x"
        rows.append((f"render {document.file_name.split('/')[0]}", f"{seconds * 1000:.1f} ms",
                     f"{floors[document.id] * 1000:.1f} ms", ratio(seconds, floors[document.id], goal)))
    return rows, floors


def results_deck(repeat: int) -> Row:
    """The results deck for 40 units × 12 areas × 2 periods against its master's open + save."""
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
        seconds, floor = in_turns(repeat, lambda: render_document(document, locale_kit, template),
                                  lambda: Presentation(str(template)).save(io.BytesIO()))
        return ("results deck, 40 units x 12 areas x 2 periods", f"{seconds * 1000:.1f} ms", f"{floor * 1000:.1f} ms",
                ratio(seconds, floor, "goal <= 3x"))


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
            page, floor = in_turns(repeat, lambda: client.get("/projects/fjordby").raise_for_status(),
                                   lambda: client.get("/static/app.css").raise_for_status())

            def app_build() -> None:
                client.post("/projects/fjordby/build", headers={"Accept": "application/json"}).raise_for_status()
                while client.get("/projects/fjordby/status").json()["state"] == "running":
                    time.sleep(0.05)

            cli_build = [str(KITBUILDER), "-q", "build", str(folder / "kitbuilder.yaml"), "--out",
                         str(folder / "output"), "-j", "2"]
            # taken in turns, so that a busy moment of the machine weighs on both alike
            from_app, from_cli = in_turns(3, app_build, command(*cli_build))
            assert client.get("/projects/fjordby/status").json()["state"] == "done"
    rows.append(("serve: project page of the example", f"{page * 1000:.0f} ms", f"{floor * 1000:.1f} ms (static file)",
                 f"{page / floor:.0f}x (goal < 1 s)"))
    rows.append(("serve: example build from the app", f"{from_app:.2f} s", f"{from_cli:.2f} s (same build, CLI)",
                 f"{from_app / from_cli:.2f}x (goal about 1x)"))
    return rows


def guides_in_process(count: int, repeat: int) -> Row:
    """``count`` personalised guides and their calendar files rendered in one process, against
    the guide template's open + save ``count`` times."""
    from docx import Document

    from kitbuilder import build_model, load_config
    from kitbuilder.render import render_document
    from kitbuilder.templates import TemplateSet

    with tempfile.TemporaryDirectory() as work:
        locale_kit = build_model(load_config(write_leaders_kit(Path(work), count))).locales[0]
        guides = [d for d in locale_kit.documents if d.id == "dialogue-guide"]
        template = TemplateSet().resolve(guides[0].template, "da")

        def render_all() -> None:
            for document in guides:
                render_document(document, locale_kit, template if document.format == "docx" else None)

        render_all()  # the build's first guide and calendar prepare what every later one shares
        seconds, floor = in_turns(max(1, repeat // 3), render_all,
                                  lambda: [Document(str(template)).save(io.BytesIO()) for _ in range(count)])
        return (f"{count} guides + .ics, rendered in one process", f"{seconds:.2f} s", f"{floor:.2f} s (floor x n)",
                ratio(seconds, floor, "goal <= 1.8x"))


def build_seconds(config: Path, out: str, *jobs: str) -> float:
    """The build's own time, as ``kitbuilder build`` reports it (model, documents, files;
    not starting Python, importing the libraries or reading the config), in a fresh process."""
    probe = ("import sys; from pathlib import Path; from kitbuilder import build, load_config; "
             "jobs = int(sys.argv[3]) if len(sys.argv) > 3 else None; "
             "print(build(load_config(sys.argv[1]), Path(sys.argv[2]), jobs=jobs).seconds)")
    result = subprocess.run([sys.executable, "-c", probe, str(config), out, *jobs], check=True, capture_output=True,
                            text=True)
    return float(result.stdout.split()[-1])


def example_with_leaders(folder: Path, count: int) -> Path:
    """The example config with ``count`` leaders (its own three, repeated with new names and days)."""
    shutil.copytree(EXAMPLE.parent, folder, dirs_exist_ok=True)
    header, *leaders = (folder / "leaders.csv").read_text(encoding="utf-8").splitlines()
    rows = [header]
    for i in range(count):
        name, unit, manager, _, manager_email, _, place = leaders[i % len(leaders)].split(";")
        first, last = name.split(" ", 1)
        day = 1 + i % 28
        rows.append(";".join([f"{first} {chr(65 + i % 26)}{i // 26 or ''}. {last}", unit, manager,
                              f"leader{i}@fjordby.example", manager_email, f"2027-03-{day:02d}T{9 + i % 6:02d}:00",
                              place]))
    (folder / "leaders.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder / EXAMPLE.name


def kit_figures(repeat: int, floors: dict[str, float], pdf: bool) -> list[Row]:
    """The example kit built by the CLI: by default and with -j 1, in turns; the same build's
    own time (as kitbuilder reports it); the example with 20 leaders."""
    from kitbuilder import build_model, load_config

    kit = build_model(load_config(EXAMPLE))
    office = sum(1 for locale in kit.locales for d in locale.documents if d.format != "ics")
    files = sum(len(locale.documents) for locale in kit.locales)
    start_floor, imports = in_turns(5, command(sys.executable, "-c", "pass"),
                                    command(sys.executable, "-c", "import docx, pptx, docxtpl, babel"))
    import_floor = imports - start_floor
    helps, validate = in_turns(5, command(str(KITBUILDER), "--help"), command(str(KITBUILDER), "-q", "validate",
                                                                                str(EXAMPLE)))
    floor = start_floor + import_floor + office * statistics.mean(floors.values())
    cores = len(os.sched_getaffinity(0))
    goal = f"goal <= 0.7x on 2 cores; {cores} here"
    rows = [("import docx, pptx, docxtpl, babel", f"{import_floor:.2f} s", "", "(floor)"),
            ("kitbuilder --help", f"{helps:.2f} s", f"{start_floor:.2f} s (python)", "(goal < 0.3 s)")]
    with tempfile.TemporaryDirectory() as out:
        build = [str(KITBUILDER), "-q", "build", str(EXAMPLE), "--out", out]
        default, single = in_turns(repeat, command(*build), command(*build, "-j", "1"))
        own_default, own_single = (statistics.median(times) for times in zip(*(
            (build_seconds(EXAMPLE, out), build_seconds(EXAMPLE, out, "1")) for _ in range(repeat))))
        rows += [(f"full example kit, {files} files, default (-j {cores})", f"{default:.2f} s", f"{floor:.2f} s",
                  ratio(default, floor, "goal <= 2x")),
                 (f"full example kit, {files} files, -j 1", f"{single:.2f} s", f"{floor:.2f} s",
                  ratio(single, floor)),
                 ("default build against -j 1 (whole command)", f"{default:.2f} s", f"{single:.2f} s (-j 1)",
                  ratio(default, single, goal)),
                 ("  the same in both: kitbuilder validate", f"{validate:.2f} s", "",
                  "(Python, libraries, config, model: no -j shares it)"),
                 ("default build against -j 1 (the build's own time)", f"{own_default:.2f} s",
                  f"{own_single:.2f} s (-j 1)", ratio(own_default, own_single, goal))]
    whole = single
    with tempfile.TemporaryDirectory() as work:
        config = example_with_leaders(Path(work) / "kit", 20)
        build = [str(KITBUILDER), "-q", "build", str(config), "--out", str(Path(work) / "out")]
        default, single = in_turns(repeat, command(*build), command(*build, "-j", "1"))
        files = len(json.loads(next((Path(work) / "out").glob("*/manifest.json")).read_text())["files"])
        rows.append((f"example with 20 leaders, {files} files: default against -j 1", f"{default:.2f} s",
                     f"{single:.2f} s (-j 1)", ratio(default, single, goal)))
    if pdf and shutil.which("soffice"):
        rows += pdf_figures(whole)
    return rows


def pdf_figures(whole: float) -> list[Row]:
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
                times.append(seconds_of(lambda: with_pdf(out)))
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


def leaders_batch(count: int, *jobs: str) -> tuple[float, int]:
    """Build ``count`` personalised guides with their .ics; the seconds and the peak memory
    (KB) of the largest process (the build or a worker)."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        config = write_leaders_kit(folder, count)
        probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
                 "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
                 "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        out = subprocess.run([sys.executable, "-c", probe, str(KITBUILDER), "-q", "build", str(config),
                              "--out", str(folder / "out"), *jobs], check=True, capture_output=True,
                             text=True).stdout.split()
        return float(out[0]), int(out[1])


def leaders_figures(guide_floor: float) -> list[Row]:
    """Guides per second and peak memory at each of :data:`LEADER_COUNTS`, by default, and
    the first count's default build against -j 1."""
    rows, default = [], {}
    for count in LEADER_COUNTS:
        default[count], peak_kb = leaders_batch(count)
        floor = guide_floor * count
        rows.append((f"{count} guides + .ics, default build", f"{default[count]:.1f} s", f"{floor:.1f} s (floor x n)",
                     f"{default[count] / floor:.2f}x; {count / default[count]:.0f} guides/s; "
                     f"peak {peak_kb / 1024:.0f} MB (largest process)"))
    count = LEADER_COUNTS[0]
    single, _ = leaders_batch(count, "-j", "1")
    rows.append((f"{count} guides: default build against -j 1", f"{default[count]:.1f} s", f"{single:.1f} s (-j 1)",
                 ratio(default[count], single, "goal <= 0.7x on 2 cores")))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice figures")
    parser.add_argument("--no-leaders", action="store_true", help="skip the 1,000 / 5,000 leaders figures")
    parser.add_argument("--no-web", action="store_true", help="skip the web app's figures")
    opts = parser.parse_args()

    load_before = os.getloadavg()[0]
    rows, floors = document_figures(opts.repeat)
    rows.append(results_deck(opts.repeat))
    rows.append(guides_in_process(IN_PROCESS, opts.repeat))
    rows += kit_figures(5, floors, pdf=not opts.no_pdf)
    if not opts.no_leaders:
        rows += leaders_figures(floors["dialogue-guide"])

    if not opts.no_web:
        rows += web_figures(opts.repeat)
    header = ("figure", "time", "floor", "ratio")
    widths = [max(len(row[i]) for row in [*rows, header]) for i in range(4)]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    print(f"\n{len(os.sched_getaffinity(0))} usable cores; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after (other processes slow the default build's workers most)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
