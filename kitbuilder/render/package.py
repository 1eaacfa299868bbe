"""Make Office files reproducible: the same input gives byte-identical output.

python-docx and python-pptx stamp every zip entry with the current time (python-docx#1042),
and documents carry creation dates. Both are fixed here, to ``SOURCE_DATE_EPOCH`` when it is
set (the reproducible-builds convention) and to 2000-01-01 otherwise.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile

__all__ = ["BUILD_TIME", "normalise_package"]

BUILD_TIME = (
    dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.timezone.utc).replace(tzinfo=None)
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit()
    else dt.datetime(2000, 1, 1)
)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def normalise_package(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed entry times, ``[Content_Types].xml`` first.

    Embedded workbooks (the data behind a chart, written by XlsxWriter with the current
    time) are normalised the same way, their creation dates included.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        names.sort(key=lambda name: name != "[Content_Types].xml")
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            part = source.read(name)
            if name.endswith(".xlsx"):
                part = normalise_package(part)
            elif name == "docProps/core.xml":
                part = _STAMP.sub(rb"\g<1>" + BUILD_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", part)
            target.writestr(info, part)
    return out.getvalue()
