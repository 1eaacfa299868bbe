"""Colour contrast as WCAG 2 defines it, to warn about brand colours that print unreadably."""

from __future__ import annotations

from .errors import Notice

__all__ = ["AA_LARGE_TEXT", "AA_NORMAL_TEXT", "contrast_ratio", "contrast_warnings", "needed_contrast"]

#: WCAG 2 level AA for normal text, and for large text (18 pt, or 14 pt bold).
AA_NORMAL_TEXT = 4.5
AA_LARGE_TEXT = 3.0
WHITE = "#FFFFFF"
#: How each brand colour is used in the default templates: the accent only for large
#: numbers, the others for small labels and behind white table headings.
_THRESHOLDS = {"primary": AA_NORMAL_TEXT, "secondary": AA_NORMAL_TEXT, "accent": AA_LARGE_TEXT}


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """The contrast ratio of two ``#RRGGBB`` colours, from 1 (none) to 21 (black on white)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def needed_contrast(name: str) -> float:
    """The contrast on white that the brand colour ``name`` needs (WCAG AA for its text size)."""
    return _THRESHOLDS.get(name, AA_NORMAL_TEXT)


def contrast_warnings(colours: dict[str, str | None], source: str) -> list[Notice]:
    """A warning for each named colour that is used as text on white (or as a background
    behind white text) with a contrast below WCAG AA for the size it is used at."""
    warnings = []
    for name, colour in colours.items():
        if colour is None:
            continue
        ratio, needed = contrast_ratio(colour, WHITE), needed_contrast(name)
        if ratio < needed:
            warnings.append(Notice(
                source, f"branding.colours.{name}", "contrast", {"colour": colour, "ratio": ratio, "needed": needed},
                f"text in {colour} on white {WHITE} has a contrast of {ratio:.2f}:1, below WCAG AA {needed:g}:1; "
                "it will be hard to read in print"))
    return warnings
