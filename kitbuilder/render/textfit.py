"""Measure text with the installed fonts' real metrics, so slide text fits its box.

PowerPoint's "shrink text on overflow" is only a flag until someone edits the text in
PowerPoint (python-pptx#1021), and LibreOffice prints what is written. So kitbuilder wraps
and sizes text itself: advance widths come from the font file (fontTools) that fontconfig
picks for the family — Carlito for Calibri, as LibreOffice does — and lines are 1.2 × the
font size apart, as DrawingML spaces single lines.
"""

from __future__ import annotations

import logging
import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from fontTools.ttLib import TTFont

__all__ = ["FontMetrics", "fit_size", "metrics_for", "text_height", "wrap"]

LINE_SPACING = 1.2
# fontTools warns about the Carlito file's creation date on every load; it is harmless
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)
_TOKENS = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class FontMetrics:
    """Advance widths of one font file, in font units."""

    units_per_em: int
    advances: dict[int, int]
    fallback: int

    def width(self, text: str, size_pt: float) -> float:
        """The width of ``text`` at ``size_pt``, in points."""
        units = sum(self.advances.get(ord(ch), self.fallback) for ch in text)
        return units * size_pt / self.units_per_em


@lru_cache(maxsize=None)
def metrics_for(family: str, bold: bool = False) -> FontMetrics:
    """The metrics of the file fontconfig uses for ``family`` (cached per process)."""
    path = _font_file(family, bold)
    font = TTFont(path, lazy=True)
    cmap = font.getBestCmap() or {}
    hmtx = font["hmtx"]
    advances = {code: hmtx[glyph][0] for code, glyph in cmap.items()}
    units = font["head"].unitsPerEm
    fallback = advances.get(ord("n"), units // 2)
    font.close()
    return FontMetrics(units, advances, fallback)


def _font_file(family: str, bold: bool) -> str:
    pattern = f"{family}:bold" if bold else family
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True,
                               check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    if not found:
        raise RuntimeError(f"no font file found for {pattern!r}; install fontconfig and the kit's fonts")
    return found


def wrap(text: str, metrics: FontMetrics, size_pt: float, width_pt: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width_pt`` (a too-long word is split)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _TOKENS.findall(paragraph):
            candidate = line + token
            if metrics.width(candidate.rstrip(), size_pt) <= width_pt or not line.strip():
                line = candidate
                # a single word wider than the box is broken by characters
                while metrics.width(line.rstrip(), size_pt) > width_pt and len(line.strip()) > 1:
                    cut = _fitting_prefix(line, metrics, size_pt, width_pt)
                    lines.append(line[:cut])
                    line = line[cut:]
            else:
                lines.append(line.rstrip())
                line = token.lstrip()
        lines.append(line.rstrip())
    return lines


def _fitting_prefix(text: str, metrics: FontMetrics, size_pt: float, width_pt: float) -> int:
    cut = 1
    while cut < len(text) and metrics.width(text[:cut + 1], size_pt) <= width_pt:
        cut += 1
    return cut


def text_height(paragraphs: list[str], metrics: FontMetrics, size_pt: float, width_pt: float,
                space_after_pt: float = 0.0) -> float:
    """The height, in points, of ``paragraphs`` wrapped to ``width_pt``."""
    lines = sum(len(wrap(p, metrics, size_pt, width_pt)) for p in paragraphs)
    return lines * size_pt * LINE_SPACING + space_after_pt * max(len(paragraphs) - 1, 0)


def fit_size(paragraphs: list[str], metrics: FontMetrics, width_pt: float, height_pt: float,
             max_pt: float, min_pt: float, space_after_ratio: float = 0.0) -> float | None:
    """The largest size (half-point steps) at which ``paragraphs`` fit the box, or ``None``."""
    size = max_pt
    while size >= min_pt:
        if text_height(paragraphs, metrics, size, width_pt, size * space_after_ratio) <= height_pt:
            return size
        size -= 0.5
    return None
