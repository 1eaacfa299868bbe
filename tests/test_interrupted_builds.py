"""Nothing is lost: builds killed at random points, and two builds into one folder.

A build killed with SIGKILL (no clean-up code runs) must leave every file of the previous
build in place and whole (each file is the old version or the new one, never half of
either), a manifest that parses, and no temporary file but those whose write was between
its link and its rename (microseconds; one per process at most), which the next build
removes. A second build into a folder that another build is writing to is refused with
exit code 1 and a message that says why.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from kitbuilder import build, load_config
from kitbuilder.writer import LOCK_FILE, output_lock

from .conftest import ROOT

LEADERS = 40  # enough personalised files that a kill often lands in the middle of writing


def write_config(folder: Path, organisation: str) -> Path:
    config = yaml.safe_load((ROOT / "config" / "example.yaml").read_text(encoding="utf-8"))
    config["organisation"]["name"] = organisation
    config["locales"] = ["da"]
    config["leaders_file"] = None
    config["leaders"] = [{"name": f"Leder {number:02d} Ærø", "unit": "Vej og Park", "manager": "Anne Østergaard",
                          "meeting": f"2027-03-{1 + number % 28:02d}T10:00"} for number in range(LEADERS)]
    config["branding"]["logo"] = str(ROOT / "config" / "assets" / "logo.png")
    config["survey"]["file"] = str(ROOT / "config" / "survey.csv")
    path = folder / f"{organisation.split()[-1]}.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (the lock file and a killed write's temporary file aside) with its SHA-256."""
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file() and path.name != LOCK_FILE
            and not is_temporary(path)}


def is_temporary(path: Path) -> bool:
    """A file the writer names only between writing it and renaming it into place (microseconds)."""
    return path.name.startswith(".") and path.name.endswith(".tmp")


def build_command(config: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "kitbuilder", "build", str(config), "--out", str(out)]


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """Two versions of one kit (the organisation renamed), each built once uninterrupted."""
    folder = tmp_path_factory.mktemp("versions")
    old, new = write_config(folder, "Fjordby Kommune"), write_config(folder, "Fjordby Forsyning")
    snapshots, seconds = {}, 0.0
    for name, config in (("old", old), ("new", new)):
        started = time.perf_counter()
        subprocess.run(build_command(config, folder / name), check=True, capture_output=True)
        seconds = max(seconds, time.perf_counter() - started)
        snapshots[name] = snapshot(folder / name)
    return old, new, snapshots, seconds


def test_a_build_killed_at_random_points_loses_nothing(tmp_path, versions):
    old_config, new_config, snapshots, seconds = versions
    old, new = snapshots["old"], snapshots["new"]
    assert set(old) == set(new) and len(old) > 3 * LEADERS
    assert sum(old[name] != new[name] for name in old) > LEADERS  # the versions differ file by file
    out = tmp_path / "out"
    restore_old = lambda: (shutil.rmtree(out, ignore_errors=True), shutil.copytree(old_config.parent / "old", out))
    restore_old()
    chance = random.Random(20261125)
    kills = 8
    outcomes = []
    for attempt in range(kills):
        # spread the kills over the whole build, start-up and writing of the manifest included
        delay = seconds * (attempt + chance.random()) / kills
        process = subprocess.Popen(build_command(new_config, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = snapshot(out)
        # a kill that lands between a write's link and its rename leaves that temporary file: one per writer
        writers = len(os.sched_getaffinity(0)) + 1
        assert len([path for path in out.rglob("*") if is_temporary(path)]) <= writers, f"kill {attempt}"
        assert set(after) == set(old), f"kill {attempt} after {delay:.2f} s: files appeared or vanished"
        torn = [name for name, digest in after.items() if digest not in (old[name], new[name])]
        assert torn == [], f"kill {attempt} after {delay:.2f} s: half-written files {torn[:3]}"
        manifest = json.loads((out / "fjordby" / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["organisation"] in ("Fjordby Kommune", "Fjordby Forsyning")
        assert {entry["file"] for entry in manifest["files"]} == {name.removeprefix("fjordby/") for name in old
                                                                 if not name.endswith("manifest.json")}
        outcomes.append(sum(after[name] == new[name] != old[name] for name in after))
        restore_old()  # each kill starts from the old version, or later kills would test less
    # the kills landed before, during and after the writing
    changed = sum(old[name] != new[name] for name in old)
    assert min(outcomes) == 0 and any(0 < count < changed for count in outcomes), outcomes
    (out / "fjordby" / "da" / ".08-wellbeing-plan.docx.1-cafe.tmp").write_bytes(b"left by a killed build")
    subprocess.run(build_command(new_config, out), check=True, capture_output=True)
    assert snapshot(out) == new
    assert not [path for path in out.rglob("*") if is_temporary(path)]  # the next build clears what a kill left


def test_no_temporary_file_is_left_when_a_write_fails(tmp_path, monkeypatch):
    from kitbuilder import writer

    target = tmp_path / "kit" / "file.docx"
    writer.write_atomic(target, b"old")

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        writer.write_atomic(target, b"new")
    assert [path.name for path in target.parent.iterdir()] == ["file.docx"]
    assert target.read_bytes() == b"old"


def test_a_second_build_into_the_same_folder_is_refused(tmp_path, run):
    out = tmp_path / "out"
    with output_lock(out):  # as a build in another process holds it
        result = run("build", ROOT / "config" / "example.yaml", "--out", out, "--locale", "da")
        assert result.exit_code == 1
        assert f"another kitbuilder build or send is working in {out}" in result.output
        assert not (out / "fjordby").exists()
    assert run("build", ROOT / "config" / "example.yaml", "--out", out, "--locale", "da").exit_code == 0


def test_the_lock_is_held_across_processes(tmp_path):
    """The lock is the operating system's: a build in another process sees it, and it goes with the process."""
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                               "from kitbuilder.writer import output_lock\n"
                               f"with output_lock(Path({str(out)!r})):\n    print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        busy = subprocess.run(build_command(ROOT / "config" / "example.yaml", out), capture_output=True, text=True)
        assert busy.returncode == 1 and "another kitbuilder build" in busy.stderr
        assert "Traceback" not in busy.stderr
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate()
    report = build(load_config(ROOT / "config" / "example.yaml", overrides={"locales": ["da"]}), out)
    assert report.manifest.is_file()


def test_a_build_removes_temporaries_a_killed_build_left(tmp_path):
    out = tmp_path / "out"
    stale = out / "fjordby" / "da" / ".07-action-cards.docx.4242-abcd.tmp"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half a file")
    build(load_config(ROOT / "config" / "example.yaml", overrides={"locales": ["da"]}), out)
    assert not stale.exists()
    assert not [path for path in out.rglob("*.tmp")]


def test_workers_stop_writing_when_their_build_is_killed(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    (folder / "leaders.csv").write_text("name;meeting\n" + "".join(
        f"Leder {number};2027-03-01T10:00\n" for number in range(300)), encoding="utf-8")
    config = folder / "kit.yaml"
    config.write_text("organisation: {name: T, short_name: t}\nlocales: [da]\nkits: [leader-dialogue]\n"
                      "leaders_file: leaders.csv\n", encoding="utf-8")
    out = tmp_path / "out"
    process = subprocess.Popen(build_command(config, out) + ["-j", "2"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    written = lambda: sum(1 for path in out.rglob("*") if path.is_file())  # noqa: E731
    deadline = time.monotonic() + 60
    while written() < 100 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    after_kill = written()
    assert 100 <= after_kill < 600
    time.sleep(1.5)
    assert written() - after_kill <= 2  # the workers died with the build (a write under way may land)
    leftover = subprocess.run(["pgrep", "-f", str(config)], capture_output=True, text=True).stdout.split()
    assert leftover == []
