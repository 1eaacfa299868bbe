"""Locale content: same keys everywhere, correct spelling, own words, new languages by folder."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
import yaml

from kitbuilder import build, load_config, resources
from kitbuilder.locales import available_locales, check_locales, flatten, load_locale

from .conftest import ROOT

DICTIONARIES = {"da": "da_DK", "sv": "sv_SE", "nb": "nb_NO", "en": "en_GB"}
# The seed guides sit beside the checkout (../shared), never inside it.
SEED_OVERLAP = next((folder / "shared" / "tools" / "seed_overlap.py" for folder in ROOT.parents
                     if (folder / "shared" / "tools" / "seed_overlap.py").is_file()),
                    ROOT.parent / "shared" / "tools" / "seed_overlap.py")


def test_the_shipped_locales_are_da_sv_nb_and_en():
    assert list(available_locales()) == ["da", "en", "nb", "sv"]


def test_every_locale_has_the_same_keys(run):
    assert check_locales() == []
    result = run("locales", "check")
    assert result.exit_code == 0
    assert "have the same" in result.output


@pytest.fixture
def locale_copy(tmp_path, monkeypatch):
    """A writable copy of locales/ that kitbuilder reads instead of the shipped one."""
    copy = tmp_path / "locales"
    shutil.copytree(resources.locales_dir(), copy)
    monkeypatch.setattr(resources, "locales_dir", lambda: copy)
    load_locale.cache_clear()
    yield copy
    load_locale.cache_clear()


def test_the_check_names_missing_and_extra_keys(locale_copy, run):
    path = locale_copy / "sv" / "wellbeing_plan.yaml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    del content["map"]["parking"]["description"]
    content["map"]["surplus"] = "extra"
    content["map"]["discuss"] = content["map"]["discuss"][:2]
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    result = run("locales", "check")
    assert result.exit_code == 2
    assert "wellbeing_plan.map.parking.description: missing" in result.output
    assert "wellbeing_plan.map.surplus: extra key" in result.output
    assert "wellbeing_plan.map.discuss: 2 items, 'en' has 3" in result.output


def test_a_language_is_added_by_adding_a_folder(locale_copy, write_config, tmp_path):
    shutil.copytree(locale_copy / "en", locale_copy / "is")
    (locale_copy / "is" / "locale.yaml").write_text("name: Íslenska\nbabel: is_IS\ntimezone: Atlantic/Reykjavik\n"
                                                    "country: IS\ntime_format: HH:mm\n", encoding="utf-8")
    plan = locale_copy / "is" / "wellbeing_plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("title: A plan for leaders' well-being",
                                                             "title: Áætlun um vellíðan stjórnenda"), encoding="utf-8")
    config = load_config(write_config("organisation: {name: Ísland, short_name: is}\nlocales: [is]\n"
                                      "workshops: {prepare: {date: 2027-05-04}}\n"))
    report = build(config, tmp_path / "out")
    assert sorted(p.parent.name for p in report.files) == ["is"] * 10  # 8 + blank dialogue guide + support
    from .docxread import text
    checklist = text(report.root / "is" / "01-facilitator-checklist.docx")
    assert "þriðjudagur, 4. maí 2027" in checklist  # Babel formats the new locale's dates


@pytest.mark.parametrize("code", sorted(DICTIONARIES))
def test_spelling_has_at_most_one_unknown_word_per_thousand(code):
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "spellcheck_locale.py"),
                          str(ROOT / "locales" / code), DICTIONARIES[code]],
                         capture_output=True, text=True, check=True).stdout
    words, unknown = map(int, re.match(r"(\d+) words, (\d+) unknown", out).groups())
    assert words > 1000
    assert unknown * 1000 <= words, out


def test_the_allow_lists_stay_short():
    for code in DICTIONARIES:
        allowed = (ROOT / "locales" / code / "spelling-allow.txt").read_text(encoding="utf-8").split()
        assert len(allowed) <= 15, code


def test_no_english_is_left_in_the_nordic_locales():
    english = flatten(load_locale("en").text)
    # Danish workplaces say "action card" (the Danish guide's own term)
    loanwords = {("da", "wellbeing_plan.card.heading"), ("da", "wellbeing_plan.card.blank_title")}
    for code in ("da", "sv", "nb"):
        flat = flatten(load_locale(code).text)
        same = [key for key, value in flat.items() if (code, key) not in loanwords
                and isinstance(value, str) and len(value) > 12 and value == english[key]]
        assert same == [], (code, same)


def _seed_overlap(target):
    if not SEED_OVERLAP.is_file():
        pytest.skip(f"the seed guides are not beside this checkout ({SEED_OVERLAP})")
    return subprocess.run([sys.executable, str(SEED_OVERLAP), str(target)], capture_output=True, text=True)


def test_the_project_uses_its_own_words():
    result = _seed_overlap(ROOT)
    assert result.returncode == 0, result.stdout


def test_the_built_documents_use_their_own_words(example_build):
    result = _seed_overlap(example_build.root)
    assert result.returncode == 0, result.stdout


def test_plural_forms_follow_each_languages_plural_rule(locale_copy, run):
    path = locale_copy / "sv" / "results_meeting.yaml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    del content["anonymity"]["one"]  # Swedish says "1 enhet" but "2 enheter"
    content["overall_note"] = content["overall_note"]["other"]  # a text where English has forms
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    result = run("locales", "check")
    assert result.exit_code == 2
    assert "results_meeting.anonymity: plural forms other; the language uses one, other" in result.output
    assert "results_meeting.overall_note: plural forms in one locale and a text in the other" in result.output


@pytest.mark.parametrize("line, message", [
    ("country: XX", "country: no public holidays known for 'XX'"),
    ("time_format: mm", "time_format: expected a Babel time pattern with hours and minutes"),
])
def test_a_locales_country_and_clock_style_are_checked(locale_copy, run, line, message):
    meta = locale_copy / "da" / "locale.yaml"
    key = line.split(":")[0]
    meta.write_text("".join(row if not row.startswith(f"{key}:") else line + "\n"
                            for row in meta.read_text(encoding="utf-8").splitlines(keepends=True)), encoding="utf-8")
    result = run("locales", "check")
    assert result.exit_code == 2
    assert message in result.output


def test_a_text_override_of_a_counted_text_gives_its_plural_forms(write_config, run):
    good = write_config("organisation: {name: T, short_name: t}\nlocales: [da]\ntext:\n  da:\n"
                        "    common.months: {one: '{count} md.', other: '{count} mdr.'}\n")
    assert run("validate", good).exit_code == 0
    bad = write_config("organisation: {name: T, short_name: t}\nlocales: [da]\ntext:\n  da:\n"
                       "    common.months: '{count} måneder'\n", name="bad.yaml")
    result = run("validate", bad)
    assert result.exit_code == 2
    assert "text.da.common.months: expected plural forms: one, other" in result.output
