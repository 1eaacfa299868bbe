"""Make Office files reproducible: the same input gives byte-identical output.

python-docx and python-pptx stamp every zip entry with the current time (python-docx#1042),
and documents carry creation dates. Both are fixed here, to ``SOURCE_DATE_EPOCH`` when it is
set (the reproducible-builds convention) and to 2000-01-01 otherwise. The parts are zipped
once, straight from the library's package (no second pass over a saved file).

Most parts of a document are the same in every document from its template (styles, theme,
layouts, fonts), and compressing them costs as much as opening the template. So each part's
compressed bytes are kept (by content) and reused, and the zip is written here, in the
layout Python's ``zipfile`` writes (byte for byte), as ``zipfile`` cannot take bytes already
compressed.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import struct
import zipfile
import zlib
from collections import OrderedDict
from typing import Iterable

__all__ = ["BUILD_TIME", "docx_members", "normalise_package", "write_package"]

BUILD_TIME = (
    dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.timezone.utc).replace(tzinfo=None)
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit()
    else dt.datetime(2000, 1, 1)
)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_DOS_DATE = (1 << 5) | 1  # 1980-01-01, at midnight (time 0)
_CONTENT_TYPES = "[Content_Types].xml"
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")

Member = tuple[str, bytes]


def write_package(members: Iterable[Member]) -> bytes:
    """An OOXML zip of ``members`` (name, bytes) with fixed entry times, ``[Content_Types].xml`` first."""
    members = sorted(members, key=lambda member: member[0] != _CONTENT_TYPES)  # stable: the rest keep their order
    out, directory = bytearray(), bytearray()
    for name, data in members:
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else 0x800  # the UTF-8 flag, as zipfile sets it
        crc, packed = _compressed(data)
        fields = (20, flags, zipfile.ZIP_DEFLATED, 0, _DOS_DATE, crc, len(packed), len(data), len(encoded))
        directory += struct.pack("<4s2B5H3L5H2L", b"PK\x01\x02", 20, 3, *fields[:-1], len(encoded), 0, 0, 0, 0,
                                 0o644 << 16, len(out)) + encoded  # made by: 2.0 on Unix (3)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0) + encoded + packed
    if len(out) + len(directory) >= 0xFFFFFFFF or len(members) >= 0xFFFF:
        raise ValueError("a package this large needs ZIP64")
    out += directory + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory),
                                   len(out), 0)
    return bytes(out)


#: Compressed parts by CRC-32 and length, with the part itself to compare (a template's
#: parts recur in every document made from it; a leader's own parts never do); the least
#: recently used are dropped first.
_PACKED: OrderedDict[tuple[int, int], tuple[bytes, bytes]] = OrderedDict()
_PACKED_LIMIT = 256


def _compressed(data: bytes) -> tuple[int, bytes]:
    """The CRC-32 and raw deflate of ``data`` (as zipfile makes them), cached by content."""
    key = zlib.crc32(data), len(data)
    found = _PACKED.get(key)
    if found is not None and found[0] == data:
        _PACKED.move_to_end(key)
        return key[0], found[1]
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    _PACKED[key] = data, compressor.compress(data) + compressor.flush()
    if len(_PACKED) > _PACKED_LIMIT:
        _PACKED.popitem(last=False)
    return key[0], _PACKED[key][1]


def normalise_package(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed entry times and creation dates, ``[Content_Types].xml`` first.

    Embedded workbooks (the data behind a chart, written by XlsxWriter with the current
    time) are normalised the same way.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return write_package(_normalised(name, source.read(name)) for name in source.namelist())


def _normalised(name: str, part: bytes) -> Member:
    if name.endswith(".xlsx"):
        return name, normalise_package(part)
    if name == "docProps/core.xml":
        return name, _STAMP.sub(rb"\g<1>" + BUILD_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", part)
    return name, part


class _Collector:
    """Stands in for a library's zip writer and keeps what it is given, in order."""

    def __init__(self) -> None:
        self.members: list[Member] = []

    def write(self, pack_uri, blob: bytes) -> None:
        self.members.append((pack_uri.membername, blob))


def docx_members(package) -> list[Member]:
    """The members python-docx would zip for ``package``, serialised by python-docx itself.

    The package is of no use afterwards: its parts are emptied. Its parts refer to each
    other (and python-docx's walks over them leave closures that hold every part), so a
    document's parsed XML, megabytes, would otherwise live until Python's cycle collector
    runs, which with a large model in memory is seldom: a process rendering 1,000 guides
    grew by 100 MB.
    """
    from docx.opc.pkgwriter import PackageWriter

    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    collector = _Collector()
    PackageWriter._write_content_types_stream(collector, parts)
    PackageWriter._write_pkg_rels(collector, package.rels)
    PackageWriter._write_parts(collector, parts)
    for part in parts:
        vars(part).clear()
    return collector.members
