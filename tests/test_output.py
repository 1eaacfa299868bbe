"""The writer: atomic files, a manifest, byte-identical rebuilds, safe names."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from kitbuilder import TemplateError, build, load_config
from kitbuilder.names import safe_name
from kitbuilder.writer import write_atomic

from .conftest import EXAMPLE
from .docxread import text, word_template


def digests(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(tmp_path, example_build):
    again = build(load_config(EXAMPLE), tmp_path / "again")
    first, second = digests(example_build.root), digests(again.root)
    assert len(first) == 58  # 57 documents (48 Office files, 9 calendars) and the manifest
    assert first == second


def test_a_broken_template_found_by_a_worker_is_reported_and_writes_nothing(tmp_path, run):
    broken = word_template(tmp_path / "theme" / "dialogue-guide.docx", "{{ leader.nmae }}").parent
    result = run("build", EXAMPLE, "--out", tmp_path / "out", "--templates", broken, "-j", "2")
    assert result.exit_code == 2, result.output
    assert "dialogue-guide.docx (da): the template uses a name the kit does not provide" in result.output
    assert not (tmp_path / "out" / "fjordby").exists()


def test_the_manifest_lists_every_file_with_size_and_hash(example_build):
    manifest = json.loads((example_build.root / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["organisation"] == "Fjordby Kommune & Forsyning"
    files = {entry["file"]: entry for entry in manifest["files"]}
    assert len(files) == 57
    for name, entry in files.items():
        data = (example_build.root / name).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["kit"] in {"wellbeing-plan", "leader-dialogue", "evaluation-follow-up", "results-meeting"}
        assert entry["locale"] == name.split("/")[0]


def test_building_one_locale_keeps_the_others_in_the_manifest(tmp_path, run):
    out = tmp_path / "out"
    assert run("build", EXAMPLE, "--out", out).exit_code == 0
    result = run("build", EXAMPLE, "--out", out, "--locale", "sv")
    assert result.exit_code == 0, result.output
    assert "Built 19 files" in result.output
    manifest = json.loads((out / "fjordby" / "manifest.json").read_text(encoding="utf-8"))
    assert {entry["locale"] for entry in manifest["files"]} == {"da", "sv", "nb"}


def test_an_interrupted_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "card.docx"
    target.write_bytes(b"the earlier build")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        write_atomic(target, b"half of a new file")
    assert target.read_bytes() == b"the earlier build"
    assert [p.name for p in tmp_path.iterdir()] == ["card.docx"]


def test_a_broken_template_writes_nothing(tmp_path, example_build, run):
    out = tmp_path / "out"
    assert run("build", EXAMPLE, "--out", out).exit_code == 0
    before = digests(out)
    broken = word_template(tmp_path / "theme" / "wellbeing-plan.docx", "{{ org.name ").parent
    result = run("build", EXAMPLE, "--out", out, "--templates", broken)
    assert result.exit_code == 2
    assert "wellbeing-plan.docx (da): broken template tag" in result.output
    assert digests(out) == before


def test_a_template_using_an_unknown_name_is_reported(tmp_path, run):
    theme = tmp_path / "theme"
    word_template(theme / "sv" / "action-cards.docx", "{{ org.nmae }}")
    result = run("build", EXAMPLE, "--out", tmp_path / "out", "--templates", theme)
    assert result.exit_code == 2
    assert "sv/action-cards.docx (sv)" in result.output
    assert "nmae" in result.output
    assert "Traceback" not in result.output


def test_a_restyled_template_replaces_the_default_per_locale(tmp_path):
    theme = tmp_path / "theme"
    word_template(theme / "nb" / "theme-cards.docx", "Kundens egen mal: {{ doc.title }} for {{ org.name }}")
    report = build(load_config(EXAMPLE), tmp_path / "out", templates=theme)
    assert text(report.root / "nb" / "05-theme-cards.docx").startswith("Kundens egen mal: Temakort for Fjordby")
    assert "Kundens egen mal" not in text(report.root / "da" / "05-theme-cards.docx")


@pytest.mark.parametrize("text, expected", [
    ("Fjordby Kommune", "fjordby-kommune"),
    ("../../etc/passwd", "etc-passwd"),
    ("Søndre Ærø / Åsa", "søndre-ærø-åsa"),
    ("..", "kit"),
    ("a" * 200, "a" * 60),
    ("/etc/cron.d/x", "etc-cron-d-x"),
    ("C:\\Windows\\System32", "c-windows-system32"),
    ("CON", "con-kit"),
    ("lpt1", "lpt1-kit"),
    ("nul.txt", "nul-txt"),
    ("Trailing dots...", "trailing-dots"),
    ("..\\..\\", "kit"),
    ("龍" * 100, "龍" * 40),  # 120 bytes
    ("🌱🌱", "kit"),
])
def test_names_from_user_text_are_safe(text, expected):
    assert safe_name(text) == expected
    assert len(safe_name(text).encode("utf-8")) <= 120


def test_leader_files_stay_in_their_folder(tmp_path, write_config):
    names = ["../../../escape", "/abs/olut", "CON", "Dots...", "é" * 100]
    leaders = "".join(f"  - {{name: {json.dumps(name)}}}\n" for name in names)
    config = load_config(write_config(f"organisation: {{name: X, short_name: x}}\nlocales: [da]\n"
                                      f"kits: [leader-dialogue]\nleaders:\n{leaders}"))
    report = build(config, tmp_path / "out")
    guides = tmp_path / "out" / "x" / "da" / "dialogue-guides"
    assert sorted(p.name for p in guides.glob("*.docx")) == sorted([
        "0001-escape.docx", "0002-abs-olut.docx", "0003-con-leader.docx", "0004-dots.docx",
        f"0005-{'é' * 60}.docx"])
    assert all(guides in path.parents for path in report.files if path.parent.name == "dialogue-guides")


def test_the_output_folder_never_escapes_the_out_dir(tmp_path, write_config):
    config = load_config(write_config("organisation: {name: X, short_name: ../../escape}\nlocales: [da]\n"))
    report = build(config, tmp_path / "out")
    assert report.root == tmp_path / "out" / "escape"
    assert all(tmp_path / "out" in p.parents for p in report.files)


def test_template_errors_are_input_errors():
    assert TemplateError.exit_code == 2
