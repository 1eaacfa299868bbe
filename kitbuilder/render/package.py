"""Make Office files reproducible: the same input gives byte-identical output.

python-docx and python-pptx stamp every zip entry with the current time (python-docx#1042),
and documents carry creation dates. Both are fixed here, to ``SOURCE_DATE_EPOCH`` when it is
set (the reproducible-builds convention) and to 2000-01-01 otherwise. The parts are zipped
once, straight from the library's package (no second pass over a saved file).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from typing import Iterable

__all__ = ["BUILD_TIME", "docx_members", "normalise_package", "write_package"]

BUILD_TIME = (
    dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.timezone.utc).replace(tzinfo=None)
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit()
    else dt.datetime(2000, 1, 1)
)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CONTENT_TYPES = "[Content_Types].xml"
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")

Member = tuple[str, bytes]


def write_package(members: Iterable[Member]) -> bytes:
    """An OOXML zip of ``members`` (name, bytes) with fixed entry times, ``[Content_Types].xml`` first."""
    members = sorted(members, key=lambda member: member[0] != _CONTENT_TYPES)  # stable: the rest keep their order
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return out.getvalue()


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
    """The members python-docx would zip for ``package``, serialised by python-docx itself."""
    from docx.opc.pkgwriter import PackageWriter

    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    collector = _Collector()
    PackageWriter._write_content_types_stream(collector, parts)
    PackageWriter._write_pkg_rels(collector, package.rels)
    PackageWriter._write_parts(collector, parts)
    return collector.members
