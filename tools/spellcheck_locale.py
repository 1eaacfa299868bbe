#!/usr/bin/env python3
"""Print the words of one locale's content that hunspell does not know, with a rate per 1,000.

Usage: spellcheck_locale.py LOCALE_DIR DICTIONARY   (e.g. locales/da da_DK)
Words listed in LOCALE_DIR/spelling-allow.txt (one per line) are accepted, also capitalised
(a word that opens a heading needs no second entry).
"""
import re
import subprocess
import sys
from pathlib import Path

import yaml

WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


def strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)
    elif isinstance(node, str):
        yield re.sub(r"\{[a-z_]+\}", " ", node)


def main(locale_dir, dictionary):
    root = Path(locale_dir)
    text = " ".join(s for f in sorted(root.glob("*.yaml")) if f.name != "locale.yaml"
                    for s in strings(yaml.safe_load(f.read_text(encoding="utf-8"))))
    words = WORD.findall(text)
    allow_file = root / "spelling-allow.txt"
    allowed = set(allow_file.read_text(encoding="utf-8").split()) if allow_file.exists() else set()
    out = subprocess.run(["hunspell", "-d", dictionary, "-l"], input="\n".join(words),
                         capture_output=True, text=True, check=True).stdout.split()
    unknown = [w for w in out if w not in allowed and w[:1].lower() + w[1:] not in allowed]
    print(f"{len(words)} words, {len(unknown)} unknown ({1000 * len(unknown) / max(len(words), 1):.2f} per 1,000)")
    for w in sorted(set(unknown)):
        print(" ", w)


if __name__ == "__main__":
    main(*sys.argv[1:])
