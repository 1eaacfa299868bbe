"""``make bench`` runs: its figures are made (their values are the bench's business, not a test's)."""

from __future__ import annotations

import re

from .conftest import load_tool


def test_the_kit_and_web_figures_are_made():
    bench = load_tool("bench")
    rows = bench.kit_figures(1, {"a": 0.009}, pdf=False) + bench.web_figures(1)
    labels = [label for label, *_ in rows]
    assert "default build against -j 1 (whole command)" in labels
    assert "default build against -j 1 (the build's own time)" in labels
    assert any(label.startswith("example with 20 leaders, 210 files") for label in labels)
    assert "serve: example build from the app" in labels
    for label, time, _, ratio in rows:
        assert re.fullmatch(r"[\d.]+ (s|ms)", time), (label, time)
        assert ratio, label
