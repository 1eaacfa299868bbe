"""Fast by default: a build uses the cores it may use, and its files do not depend on ``-j``."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from kitbuilder import build, load_config
from kitbuilder.pipeline import _Renderer, build_model, usable_cores
from kitbuilder.templates import TemplateSet

from .conftest import EXAMPLE


def test_usable_cores_are_the_cores_this_process_may_run_on():
    allowed = os.process_cpu_count() if hasattr(os, "process_cpu_count") else len(os.sched_getaffinity(0))
    assert usable_cores() == allowed
    # pinned to one core (as taskset or a container's CPU set does), a build counts one
    pinned = subprocess.run([sys.executable, "-c", "import os; from kitbuilder.pipeline import usable_cores; "
                             f"os.sched_setaffinity(0, {{{min(os.sched_getaffinity(0))}}}); print(usable_cores())"],
                            capture_output=True, text=True, check=True)
    assert pinned.stdout.strip() == "1"


def test_a_build_without_jobs_starts_as_many_workers_as_usable_cores(tmp_path, write_config, run, monkeypatch):
    started, start = [], _Renderer._start
    monkeypatch.setattr("kitbuilder.pipeline.usable_cores", lambda: 3)
    monkeypatch.setattr(_Renderer, "_start", lambda renderer, workers: started.append(workers) or
                        start(renderer, workers))
    rows = "\n".join(f"Leder {i};2026-03-{1 + i % 28:02d}T09:00" for i in range(30))
    (tmp_path / "leaders.csv").write_text("name;meeting\n" + rows + "\n", encoding="utf-8")
    config = write_config("organisation: {name: T, short_name: t}\nlocales: [da]\nkits: [leader-dialogue]\n"
                          "leaders_file: leaders.csv\n")
    result = run("build", config, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert started == [3]
    assert run("build", config, "--out", tmp_path / "one", "-j", "1").exit_code == 0
    assert started == [3]  # -j 1: no workers


@pytest.fixture
def renderer(tmp_path):
    config = load_config(EXAMPLE)
    kit = build_model(config)
    made = _Renderer(kit, config, None, TemplateSet(), tmp_path, 2, decide=True)
    made.items = [(locale_kit, document) for locale_kit in kit.locales for document in locale_kit.documents]
    made._start = lambda workers: setattr(made, "pool", workers)
    return made


def test_workers_start_only_when_the_measured_work_outweighs_their_start(renderer):
    items = renderer.items
    assert not renderer._fan_out(items)  # nothing measured yet: the first document is rendered here
    renderer._start_cost = 0.010  # seconds to start one worker, as measured in the build
    renderer.costs = {("docx",): 0.005}  # seconds per document, as measured
    # three documents: 15 ms of work, sharing it saves 7.5 ms, two workers cost 20 ms
    assert not renderer._fan_out(items[:3]) and renderer.pool is None
    assert renderer._fan_out(items[:20]) and renderer.pool == 2  # 100 ms of work saves 50 ms


def test_a_template_shared_between_tasks_is_split_evenly(renderer):
    decks = [item for item in renderer.items if item[1].format == "pptx"]
    others = [item for item in renderer.items if item[1].format == "docx" and not item[1].leader][:28]
    tasks = renderer._tasks(decks + others)  # 40 documents, two workers: at most 10 a task
    deck_tasks = [len(task) for task in tasks if task[0][1].endswith(".pptx")]
    assert len(decks) == 12 and deck_tasks == [6, 6]  # not 10 and a late 2, which a worker starts the deck for


def test_the_times_measured_in_workers_order_what_they_do_next(tmp_path):
    """Workers send back each document's time, so the next tasks go out by real cost: the
    expensive ones first, a cheap one last (no long task left for one worker at the end)."""
    config = load_config(EXAMPLE)
    kit = build_model(config)
    guides = [(lk, doc) for lk in kit.locales for doc in lk.documents if doc.file_name.startswith("dialogue-guides/")]
    calendars = [item for item in guides if item[1].format == "ics"]
    word = [item for item in guides if item[1].format == "docx"]
    with _Renderer(kit, config, None, TemplateSet(), tmp_path, 2, decide=False) as workers:
        workers.render([calendars[0], word[0]])  # -j 2: both rendered by the workers
        assert workers.pool is not None
        measured = {kind: seconds for kind, seconds in workers.costs.items()}
    assert measured[workers._kind(word[0])] > measured[workers._kind(calendars[0])] > 0
    order = workers._tasks(calendars[1:] + word[1:])
    assert order[0][0][1].endswith(".docx") and order[-1][0][1].endswith(".ics")


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_files_are_the_same_whatever_jobs(tmp_path, example_build, jobs):
    """The default build (workers started by measured cost, this process rendering some
    documents itself) and -j 1 and -j 2 write the same bytes: Office files and calendars."""
    other = build(load_config(EXAMPLE), tmp_path / "out", jobs=jobs)

    def digests(root):
        return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                for path in sorted(root.rglob("*")) if path.is_file()}

    files = digests(example_build.root)
    assert {name.rsplit(".", 1)[-1] for name in files} == {"docx", "pptx", "ics", "json"}
    assert digests(other.root) == files


def test_a_document_failing_in_a_worker_stops_the_build_without_hanging(tmp_path, write_config):
    """One leader's guide fails while workers write the others: the build stops with the
    template named, and does not wait for ever on a worker stopped mid-reply."""
    from docx import Document

    theme = tmp_path / "theme"
    theme.mkdir()
    guide = Document()
    guide.add_paragraph("{% if leader.name == 'Leder 70' %}{{ nope }}{% endif %}{{ leader.name }}")
    guide.save(theme / "dialogue-guide.docx")
    rows = "\n".join(f"Leder {i};2026-03-{1 + i % 28:02d}T09:00" for i in range(90))
    (tmp_path / "leaders.csv").write_text("name;meeting\n" + rows + "\n", encoding="utf-8")
    config = write_config("organisation: {name: T, short_name: t}\nlocales: [da]\nkits: [leader-dialogue]\n"
                          "leaders_file: leaders.csv\n")
    for jobs in ([], ["-j", "2"]):
        result = subprocess.run([sys.executable, "-m", "kitbuilder", "build", str(config), "--out", str(tmp_path / "out"),
                                 "--templates", str(theme), *jobs], capture_output=True, text=True, timeout=300)
        assert result.returncode == 2, result.stderr
        assert "dialogue-guide.docx (da): the template uses a name the kit does not provide" in result.stderr
