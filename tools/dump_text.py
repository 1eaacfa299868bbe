#!/usr/bin/env python3
"""Print every word a built kit says, document by document, for a native reader's review.

Word documents (body, tables, headers, footers), decks (slide text, tables, chart titles and
categories, speaker notes) and calendar files (summary, place, description), in the
manifest's order. Personalised copies after the first of each kind are left out: they
differ only in the names and dates the config gives.

    .venv/bin/python tools/dump_text.py output/fjordby/da > da.txt
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph


def docx_lines(path: Path) -> list[str]:
    document = Document(str(path))
    parts = [*(part._element for section in document.sections[:1] for part in (section.header, section.footer)),
             document.element.body]
    return [text for part in parts for node in part.iter(qn("w:p")) if (text := Paragraph(node, None).text.strip())]


def pptx_lines(path: Path) -> list[str]:
    from pptx import Presentation

    lines = []
    for number, slide in enumerate(Presentation(str(path)).slides, start=1):
        lines.append(f"--- slide {number}")
        for shape in slide.shapes:
            if shape.has_text_frame:
                lines += [p.text for p in shape.text_frame.paragraphs if p.text.strip()]
            if getattr(shape, "has_table", False) and shape.has_table:
                lines += [" | ".join(cell.text.replace("\n", " / ") for cell in row.cells) for row in shape.table.rows]
            if getattr(shape, "has_chart", False) and shape.has_chart:
                chart = shape.chart
                if chart.has_title:
                    lines.append(f"[chart] {chart.chart_title.text_frame.text}")
                lines.append("[chart categories] " + ", ".join(map(str, chart.plots[0].categories)))
                lines.append("[chart series] " + ", ".join(series.name for series in chart.plots[0].series))
        if slide.has_notes_slide and (notes := slide.notes_slide.notes_text_frame.text.strip()):
            lines.append(f"[notes] {notes}")
    return lines


def ics_lines(path: Path) -> list[str]:
    from icalendar import Calendar

    return [f"[{key.lower()}] {event[key]}" for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT")
            for key in ("SUMMARY", "LOCATION", "DESCRIPTION", "DTSTART") if key in event]


READERS = {".docx": docx_lines, ".pptx": pptx_lines, ".ics": ics_lines}


def main(folder: Path) -> None:
    manifest = json.loads((folder.parent / "manifest.json").read_text(encoding="utf-8"))
    locale = folder.name
    seen_kinds: set[tuple[str, str]] = set()
    for entry in manifest["files"]:
        name = entry["file"]
        path = folder.parent / name
        if not name.startswith(f"{locale}/") or path.suffix not in READERS:
            continue
        relative = Path(name).relative_to(locale)
        if len(relative.parts) > 1:  # a personalised copy: the first of each kind is enough
            kind = (relative.parts[0], path.suffix)
            if kind in seen_kinds:
                continue
            seen_kinds.add(kind)
        print(f"\n===== {relative}")
        print("\n".join(READERS[path.suffix](path)))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
