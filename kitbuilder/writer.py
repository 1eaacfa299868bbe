"""Write the built files: atomically, with a manifest, never leaving half a file.

Every file goes to a temporary file in the same folder, is flushed to disk and then renamed
over the target, so a reader sees the old file or the new one and nothing in between.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ManifestEntry", "manifest_entry", "read_manifest", "sha256_of", "write_atomic", "write_manifest"]

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class ManifestEntry:
    file: str
    kit: str
    locale: str
    bytes: int
    sha256: str
    #: What the file was made from, when that decides whether it is current: for a PDF, the
    #: SHA-256 of its Office file and the export (``<sha256> pdf`` or ``<sha256> pdfa``).
    source: str = ""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is never seen half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def manifest_entry(root: Path, path: Path, kit: str, locale: str, data: bytes, source: str = "") -> ManifestEntry:
    return ManifestEntry(path.relative_to(root).as_posix(), kit, locale, len(data), sha256_of(data), source)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(root: Path) -> dict[str, dict]:
    """The entries of ``root/manifest.json`` by file (empty when there is none or it is unreadable)."""
    try:
        files = json.loads((root / MANIFEST).read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        return {}
    return {item["file"]: item for item in files if isinstance(item, dict) and isinstance(item.get("file"), str)}


def write_manifest(root: Path, organisation: str, entries: list[ManifestEntry]) -> Path:
    """Merge ``entries`` into ``root/manifest.json`` and write it atomically.

    Entries of earlier builds are kept for files this build did not write, as long as the
    file is still there, so building one locale does not forget the others.
    """
    path = root / MANIFEST
    fresh = {e.file: {key: value for key, value in e.__dict__.items() if value != ""} for e in entries}
    kept = {name: item for name, item in read_manifest(root).items() if name not in fresh and (root / name).is_file()}
    files = sorted([*kept.values(), *fresh.values()], key=lambda item: item["file"])
    body = json.dumps({"organisation": organisation, "files": files}, ensure_ascii=False, indent=2) + "\n"
    write_atomic(path, body.encode("utf-8"))
    return path
