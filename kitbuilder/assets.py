"""Images from the config, made ready for print: the logo.

A logo may be PNG, JPEG or SVG. SVG is converted to PNG with CairoSVG; a very large image is
scaled down once per build (a 40-megapixel photo would otherwise be copied into every
document). The aspect ratio is always kept.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Logo", "describe_image_problem", "load_logo"]

#: The longest side of a logo after scaling, in pixels (about 10 cm at 400 dpi).
MAX_SIDE = 1600


@dataclass(frozen=True)
class Logo:
    """PNG or JPEG bytes and the image's size in pixels."""

    data: bytes
    width: int
    height: int


def _is_svg(path: Path) -> bool:
    head = path.read_bytes()[:2048].lstrip().lower()
    return path.suffix.lower() == ".svg" or head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head)


def describe_image_problem(path: Path) -> str | None:
    """Why ``path`` cannot be used as a logo, or ``None`` when it can."""
    if _is_svg(path):
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        return "not a PNG, JPEG or SVG image"
    if kind not in {"PNG", "JPEG"}:
        return f"a {kind} image; use PNG, JPEG or SVG"
    return None


def load_logo(path: Path) -> Logo:
    """Read the logo at ``path`` as PNG or JPEG bytes, converted and scaled as needed."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # a large logo is scaled down, not refused
    if _is_svg(path):
        data = _svg_to_png(path)
    else:
        data = path.read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        if max(width, height) <= MAX_SIDE:
            return Logo(data, width, height)
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.LANCZOS)
        out = io.BytesIO()
        if image.format == "JPEG" or image.mode == "CMYK":
            image.convert("RGB").save(out, "JPEG", quality=90)
        else:
            image.save(out, "PNG", optimize=True)
        return Logo(out.getvalue(), *image.size)


def _svg_to_png(path: Path) -> bytes:
    try:
        import cairosvg
    except OSError as exc:  # the cairo library itself is missing
        raise RuntimeError(f"SVG logos need the cairo library (apt-get install libcairo2): {exc}") from None
    # from bytes, so the SVG cannot pull in other files by relative reference
    return cairosvg.svg2png(bytestring=path.read_bytes(), output_width=MAX_SIDE)
