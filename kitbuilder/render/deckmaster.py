"""A deck's master, read once per process, and the package a deck is zipped into.

python-pptx reads the master (a user's restyled one, or the default): the layouts by name,
where each layout's placeholders sit, the configured colours and font in its theme, a notes
master when it has none. A new slide from each layout (its placeholders cloned, nothing filled)
and a new notes slide are kept as XML skeletons, and every part of the master as the bytes
python-pptx writes. A deck is then those bytes plus a filled copy of a skeleton per slide:
opening and saving the master through python-pptx for every deck, and its object layer for
every shape, cost a deck 7–15 times the master's own open and save.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Collection, Mapping

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.oxml import CT_Relationships, serialize_part_xml
from pptx.opc.packuri import PackURI
from pptx.opc.serialized import PackageWriter, _ContentTypesItem
from pptx.oxml import parse_xml
from pptx.parts.coreprops import CorePropertiesPart

from .package import Member, write_package

__all__ = ["EMU_PER_PT", "INSET_X", "INSET_Y", "LAYOUTS", "Box", "DeckPackage", "Layout", "Master", "UnreadableMaster",
           "master_for", "missing_in"]

#: The layouts a run-sheet master must have, and the placeholders each must name.
LAYOUTS: dict[str, tuple[str, ...]] = {
    "Kit Title": ("Title", "Subtitle", "Details", "Logo"),
    "Kit Agenda": ("Title", "Body"),
    "Kit Table": ("Title", "Table"),
    "Kit Content": ("Title", "Body"),
    "Kit Themes": ("Title", "Grid"),
    "Kit Map": ("Title", "Map"),
    "Kit Closing": ("Title", "Body"),
    "Kit Chart": ("Title", "Chart", "Note"),
}
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_RELATIONSHIPS, _RELATIONSHIP = f"{{{_RELATIONSHIPS_NS}}}Relationships", f"{{{_RELATIONSHIPS_NS}}}Relationship"
_PRESENTATION, _CORE = "/ppt/presentation.xml", "/docProps/core.xml"
INSET_X, INSET_Y = 91440, 45720  # DrawingML's default text insets, in EMU
EMU_PER_PT = 12700


@dataclass(frozen=True)
class Box:
    """A rectangle in EMU."""

    left: int
    top: int
    width: int
    height: int

    @classmethod
    def of(cls, shape) -> Box:
        return cls(int(shape.left), int(shape.top), int(shape.width), int(shape.height))

    def text_area_pt(self) -> tuple[float, float]:
        return ((self.width - 2 * INSET_X) / EMU_PER_PT, (self.height - 2 * INSET_Y) / EMU_PER_PT)


@dataclass(frozen=True)
class Placeholder:
    """A layout placeholder: where its clone sits in the skeleton, its box and largest size."""

    position: int
    box: Box
    #: The font size the layout gives its first level, if any.
    size: float | None


@dataclass(frozen=True)
class Layout:
    partname: str
    #: A new slide from this layout, placeholders cloned (python-pptx's ``add_slide``).
    skeleton: bytes
    placeholders: dict[str, Placeholder]


@dataclass(frozen=True)
class Master:
    """What every deck from one master (and branding) shares."""

    #: The theme's body font, as configured.
    font: str
    #: Every layout's placeholder names, by layout name.
    found: dict[str, frozenset[str]]
    layouts: dict[str, Layout]
    #: A new notes slide, and where its text placeholder sits.
    notes: bytes
    notes_body: int
    notes_master: str
    #: The master's parts as python-pptx writes them, but for the three written per deck.
    members: tuple[Member, ...]
    content_types: dict[str, str]
    presentation: bytes
    presentation_rels: tuple[tuple[str, str, str, bool], ...]
    core: bytes


def missing_in(found: Mapping[str, Collection[str]], needed: set[str] | None = None) -> list[str]:
    """Layouts (all, or the ``needed`` ones) and their placeholders missing from ``found``
    (placeholder names by layout name)."""
    missing = []
    for layout, names in LAYOUTS.items():
        if needed is not None and layout not in needed:
            continue
        if layout not in found:
            missing.append(f"layout '{layout}'")
            continue
        missing += [f"placeholder '{name}' in layout '{layout}'" for name in names if name not in found[layout]]
    return missing


class UnreadableMaster(Exception):
    """The template is not a PowerPoint file python-pptx can open."""


def master_for(template: Path, theme: tuple[str | None, str | None, str | None, str | None]) -> Master:
    """The prepared master of ``template`` with ``theme`` (primary, secondary and accent
    colours, font; see :func:`.pptx.apply_theme`) applied.

    Prepared once per process for each file (by its modification time) and theme. Raises
    :class:`UnreadableMaster` for a file that is not a PowerPoint file.
    """
    return _prepared(template, template.stat().st_mtime_ns, theme)


@lru_cache(maxsize=8)
def _prepared(template: Path, mtime: int, theme: tuple) -> Master:
    from .pptx import apply_theme  # the branding belongs with the deck's look

    try:
        prs = Presentation(str(template))
    except Exception as exc:  # python-pptx raises several types for a non-PowerPoint file
        raise UnreadableMaster(str(exc)) from None
    font = apply_theme(prs, *theme)
    prs.core_properties  # added when the template has none
    notes_master = prs.part.notes_master_part  # python-pptx adds its default one when missing
    package = prs.part.package
    parts = tuple(package.iter_parts())
    collector = _Collector()
    writer = PackageWriter(None, package._rels, parts)
    writer._write_pkg_rels(collector)
    writer._write_parts(collector)
    per_deck = {_PRESENTATION[1:], PackURI(_PRESENTATION).rels_uri.membername, _CORE[1:]}
    members = tuple(member for member in collector.members if member[0] not in per_deck)
    content_types = {str(part.partname): part.content_type for part in parts}
    presentation = serialize_part_xml(prs.part._element)
    presentation_rels = tuple((rel.rId, rel.reltype, rel.target_ref, rel.is_external)
                              for rel in prs.part.rels.values())
    core = serialize_part_xml(package.core_properties._element)

    found = {layout.name: frozenset(ph.name for ph in layout.placeholders) for layout in prs.slide_layouts}
    layouts, notes = {}, None
    for layout in prs.slide_layouts:  # a later layout of the same name wins, as before
        if layout.name not in LAYOUTS:
            continue
        slide = prs.slides.add_slide(layout)  # a scratch slide: never saved
        tree = list(slide.shapes._spTree)
        clones = {ph.placeholder_format.idx: tree.index(ph.element) for ph in slide.placeholders}
        holders = {ph.name: Placeholder(clones[ph.placeholder_format.idx], Box.of(ph), _level_size(ph))
                   for ph in layout.placeholders if ph.placeholder_format.idx in clones}
        layouts[layout.name] = Layout(str(layout.part.partname), serialize_part_xml(slide._element), holders)
        if notes is None:
            notes_slide = slide.notes_slide
            body = list(notes_slide.shapes._spTree).index(notes_slide.notes_placeholder.element)
            notes = (serialize_part_xml(notes_slide._element), body)
    if notes is None:  # no Kit layout at all: nothing can be built, and the check says so
        notes = (b"", 0)
    return Master(font, found, layouts, notes[0], notes[1], str(notes_master.partname), members, content_types,
                  presentation, presentation_rels, core)


def _level_size(placeholder) -> float | None:
    size = placeholder.element.find(f".//{{{_A}}}lstStyle/{{{_A}}}lvl1pPr/{{{_A}}}defRPr")
    return int(size.get("sz")) / 100 if size is not None and size.get("sz") else None


class _Collector:
    """Stands in for python-pptx's zip writer and keeps what it is given, in order."""

    def __init__(self) -> None:
        self.members: list[Member] = []

    def write(self, pack_uri, blob: bytes) -> None:
        self.members.append((pack_uri.membername, blob))


class DeckPackage:
    """The parts of one deck: the master's, and the slides (with their notes, charts and
    pictures) added to it; :meth:`zip` writes the .pptx."""

    def __init__(self, master: Master):
        self.master = master
        self.members: list[Member] = []
        self.types = dict(master.content_types)
        self.slides: list[str] = []

    def add_part(self, pattern: str, content_type: str, data: bytes, links: list[tuple[str, str]] = ()) -> str:
        """Add a part named by ``pattern`` (``/ppt/charts/chart%d.xml``, first free number)
        that links to the parts in ``links`` (relationship type, partname; ``rId1`` first)."""
        number = 1
        while pattern % number in self.types:
            number += 1
        partname = pattern % number
        self.types[partname] = content_type
        self.members.append((partname[1:], data))
        if links:
            self.members.append((PackURI(partname).rels_uri.membername, _relationships(partname, links)))
        return partname

    def next_name(self, pattern: str) -> str:
        """The partname :meth:`add_part` would give a part of ``pattern`` now."""
        number = 1
        while pattern % number in self.types:
            number += 1
        return pattern % number

    def add_slide(self, slide: bytes, layout: Layout, notes: bytes, links: list[tuple[str, str]]) -> str:
        """Add a slide and its notes slide; the slide links to its layout, its notes and ``links``
        (``rId3`` on, in order)."""
        partname = self.next_name("/ppt/slides/slide%d.xml")
        notes_name = self.next_name("/ppt/notesSlides/notesSlide%d.xml")
        self.add_part("/ppt/slides/slide%d.xml", CT.PML_SLIDE, slide,
                      [(RT.SLIDE_LAYOUT, layout.partname), (RT.NOTES_SLIDE, notes_name), *links])
        self.add_part("/ppt/notesSlides/notesSlide%d.xml", CT.PML_NOTES_SLIDE, notes,
                      [(RT.NOTES_MASTER, self.master.notes_master), (RT.SLIDE, partname)])
        self.slides.append(partname)
        return partname

    def zip(self, set_properties) -> bytes:
        """The .pptx: ``set_properties(core_properties)`` fills in the document's properties."""
        master = self.master
        presentation = parse_xml(master.presentation)
        relationships = CT_Relationships.new()
        for rId, reltype, target, external in master.presentation_rels:
            relationships.add_rel(rId, reltype, target, external)
        number = max((int(rId[3:]) for rId, *_ in master.presentation_rels if rId[3:].isdigit()), default=0)
        slide_ids = presentation.get_or_add_sldIdLst()
        for partname in self.slides:
            number += 1
            relationships.add_rel(f"rId{number}", RT.SLIDE, PackURI(partname).relative_ref("/ppt"))
            slide_ids.add_sldId(f"rId{number}")
        core = CorePropertiesPart.load(PackURI(_CORE), CT.OPC_CORE_PROPERTIES, None, master.core)
        set_properties(core)
        parts = [_TypedPart(PackURI(name), content_type) for name, content_type in self.types.items()]
        content_types = serialize_part_xml(_ContentTypesItem.xml_for(parts))
        return write_package([("[Content_Types].xml", content_types), *master.members,
                              (_PRESENTATION[1:], serialize_part_xml(presentation)),
                              (PackURI(_PRESENTATION).rels_uri.membername, relationships.xml_file_bytes),
                              (_CORE[1:], core.blob), *self.members])


@dataclass(frozen=True)
class _TypedPart:
    """What python-pptx's content-types writer reads of a part."""

    partname: PackURI
    content_type: str


def _relationships(source: str, links) -> bytes:
    """A part's relationships item, as python-pptx writes it (made with lxml directly, faster)."""
    base = posixpath.dirname(source)
    relationships = etree.Element(_RELATIONSHIPS, nsmap={None: _RELATIONSHIPS_NS})
    for number, (reltype, target) in enumerate(links, start=1):
        etree.SubElement(relationships, _RELATIONSHIP, Id=f"rId{number}", Type=reltype,
                         Target=posixpath.relpath(target, base))
    return etree.tostring(relationships, encoding="UTF-8", standalone=True)

