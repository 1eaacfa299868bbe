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

__all__ = ["FontMetrics", "fit_size", "font_file", "metrics_for", "text_height", "wrap"]

LINE_SPACING = 1.2
# fontTools warns about the Carlito file's creation date on every load; it is harmless
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)
_log = logging.getLogger(__name__)
_TOKENS = re.compile(r"\S+|\s+")


@dataclass(frozen=True, eq=False)
class FontMetrics:
    """Advance widths of one font file, in font units."""

    units_per_em: int
    advances: dict[int, int]
    fallback: int

    def units(self, text: str) -> int:
        """The advance width of ``text`` in font units (independent of the size)."""
        get, fallback = self.advances.get, self.fallback
        return sum(get(ord(ch), fallback) for ch in text)

    def width(self, text: str, size_pt: float) -> float:
        """The width of ``text`` at ``size_pt``, in points."""
        return self.units(text) * size_pt / self.units_per_em


#: Used when no font file can be found: a little wider than Calibri's average letter, so
#: text sized with it errs towards fitting.
ESTIMATE = FontMetrics(units_per_em=1000, advances={ord(" "): 230}, fallback=540)


@lru_cache(maxsize=None)
def metrics_for(family: str, bold: bool = False) -> FontMetrics:
    """The metrics of the file fontconfig uses for ``family`` (cached per process).

    Without fontconfig or fonts, returns :data:`ESTIMATE` and logs a warning once.
    """
    path = font_file(family, bold)
    if path is None:
        _log.warning("no font file found for %r (install fontconfig and fonts-crosextra-carlito); "
                     "slide text is sized with an estimate", family)
        return ESTIMATE
    font = TTFont(path, lazy=True)
    cmap = font.getBestCmap() or {}
    hmtx = font["hmtx"]
    advances = {code: hmtx[glyph][0] for code, glyph in cmap.items()}
    units = font["head"].unitsPerEm
    font.close()
    # a character the font lacks is drawn from another font (CJK, emoji, Hebrew …), often
    # wider: count it a full em, so such text errs towards fitting
    return FontMetrics(units, advances, fallback=units)


def font_file(family: str, bold: bool = False) -> str | None:
    """The font file fontconfig picks for ``family`` (``None`` without fontconfig or a TrueType/OpenType file)."""
    pattern = f"{family}:bold" if bold else family
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True,
                               check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return found if found.lower().endswith((".ttf", ".otf", ".ttc")) else None


def wrap(text: str, metrics: FontMetrics, size_pt: float, width_pt: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width_pt`` (a too-long word is split)."""
    limit = width_pt * metrics.units_per_em / size_pt
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for token, units in _measured_tokens(paragraph, metrics):
            if token.isspace():
                if line:
                    line, used = line + token, used + units
                continue
            if line and used + units > limit:
                lines.append(line.rstrip())
                line, used = "", 0
            line, used = line + token, used + units
            while used > limit and len(line) > 1:  # a word wider than the box: split it
                cut = _fitting_prefix(line, metrics, limit)
                lines.append(line[:cut])
                used -= metrics.units(line[:cut])  # not the rest measured again: linear in the word
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


@lru_cache(maxsize=4096)
def _measured_tokens(paragraph: str, metrics: FontMetrics) -> tuple[tuple[str, int], ...]:
    return tuple((token, metrics.units(token)) for token in _TOKENS.findall(paragraph))


def _fitting_prefix(text: str, metrics: FontMetrics, limit_units: float) -> int:
    cut, used = 0, 0
    while cut < len(text):
        step = metrics.units(text[cut])
        if cut and used + step > limit_units:
            break
        used += step
        cut += 1
    return max(cut, 1)


def text_height(paragraphs: list[str], metrics: FontMetrics, size_pt: float, width_pt: float,
                space_after_pt: float = 0.0) -> float:
    """The height, in points, of ``paragraphs`` wrapped to ``width_pt``."""
    lines = sum(_line_count(p, metrics, size_pt, width_pt) for p in paragraphs)
    return lines * size_pt * LINE_SPACING + space_after_pt * max(len(paragraphs) - 1, 0)


@lru_cache(maxsize=8192)
def _line_count(paragraph: str, metrics: FontMetrics, size_pt: float, width_pt: float) -> int:
    # a list too long for one slide is measured again with every item added, at every size tried
    return len(wrap(paragraph, metrics, size_pt, width_pt))


def fit_size(paragraphs: list[str], metrics: FontMetrics, width_pt: float, height_pt: float,
             max_pt: float, min_pt: float, space_after_ratio: float = 0.0) -> float | None:
    """The largest size (half-point steps) at which ``paragraphs`` fit the box, or ``None``."""

    def fits(size: float) -> bool:
        return text_height(paragraphs, metrics, size, width_pt, size * space_after_ratio) <= height_pt

    # binary search over the half-point sizes; taller text at larger sizes makes fit monotone
    low, high = round(min_pt * 2), round(max_pt * 2)
    if not fits(low / 2):
        return None
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle / 2):
            low = middle
        else:
            high = middle - 1
    return low / 2
