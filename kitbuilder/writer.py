"""Write the built files: atomically, with a manifest, never leaving half a file.

Every file is written in full to an unnamed file in the target's folder (Linux
``O_TMPFILE``; a hidden ``.*.tmp`` file elsewhere), flushed to disk and then renamed over
the target, so a reader sees the old file or the new one and nothing in between, and a
build killed mid-write leaves no temporary file behind. One build at a time may write into
an output folder (:func:`output_lock`); it first removes temporaries a crashed build left.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import OutputBusy

__all__ = ["ManifestEntry", "manifest_entry", "output_lock", "read_manifest", "read_manifest_inputs", "sha256_of",
           "write_atomic", "write_manifest"]

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


_TEMP_SUFFIX = ".tmp"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is never seen half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _unnamed_then_linked(path, data) or _named_temporary(path, data)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _unnamed_then_linked(path: Path, data: bytes) -> Path | None:
    """Write ``data`` to a file with no name, then give it a temporary name beside ``path``.

    The file has a name only between the link and the rename, microseconds, so a killed
    build does not leave it behind. None where the system or file system cannot do this.
    """
    try:
        fd = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, 0o644)
    except (AttributeError, OSError):
        return None
    try:
        _write_all(fd, data)
        temp = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}{_TEMP_SUFFIX}")
        _link(fd, temp)
    except OSError:
        return None
    finally:
        os.close(fd)
    return temp


def _link(fd: int, target: Path) -> None:
    """Give the unnamed file ``fd`` the name ``target``.

    ``linkat(fd, "", …, AT_EMPTY_PATH)`` needs a privilege on older kernels and linking
    ``/proc/self/fd/N`` needs /proc on the same mount, so each is tried in turn.
    """
    if _libc().linkat(fd, b"", _AT_FDCWD, os.fsencode(target), _AT_EMPTY_PATH) == 0:
        return
    os.link(f"/proc/self/fd/{fd}", target)  # raises OSError when this cannot work either


_AT_FDCWD, _AT_EMPTY_PATH = -100, 0x1000  # from <fcntl.h>, the same on every Linux


@functools.cache
def _libc():
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def _named_temporary(path: Path, data: bytes) -> Path:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TEMP_SUFFIX)
    try:
        _write_all(fd, data)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)
    return Path(name)


def _write_all(fd: int, data: bytes) -> None:
    with open(fd, "wb", closefd=False) as handle:
        handle.write(data)
        handle.flush()
        os.fsync(fd)
    os.fchmod(fd, 0o644)


LOCK_FILE = ".kitbuilder.lock"


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output folder for one build (or send); raise :class:`OutputBusy` if another has it.

    The lock is released when the build ends, however it ends (the operating system drops
    it when a process dies). Temporaries left by a build that was killed are removed.
    """
    from filelock import FileLock, Timeout

    out_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(out_dir / LOCK_FILE, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise OutputBusy(f"another kitbuilder build or send is working in {out_dir} right now; wait for it to "
                         f"finish, or use another folder with --out") from None
    try:
        for stale in out_dir.rglob(f".*{_TEMP_SUFFIX}"):
            stale.unlink(missing_ok=True)
        yield
    finally:
        lock.release()


def manifest_entry(root: Path, path: Path, kit: str, locale: str, data: bytes, source: str = "") -> ManifestEntry:
    return ManifestEntry(path.relative_to(root).as_posix(), kit, locale, len(data), sha256_of(data), source)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(root: Path) -> dict[str, dict]:
    """The entries of ``root/manifest.json`` by file (empty when there is none or it is unreadable)."""
    files = _read_json(root / MANIFEST).get("files", [])
    if not isinstance(files, list):
        return {}
    return {item["file"]: item for item in files if isinstance(item, dict) and isinstance(item.get("file"), str)}


def read_manifest_inputs(root: Path) -> dict[str, dict[str, str]]:
    """What each file in ``root/manifest.json`` was built from: the SHA-256 of the config and
    of each data file, by config key (see :func:`write_manifest`); files of a build that did
    not record them are absent."""
    sets = _read_json(root / MANIFEST).get("inputs", {})
    return {name: sets[item["inputs"]] for name, item in read_manifest(root).items()
            if isinstance(sets, dict) and item.get("inputs") in sets}


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_manifest(root: Path, organisation: str, entries: list[ManifestEntry],
                   inputs: dict[str, str] | None = None) -> Path:
    """Merge ``entries`` into ``root/manifest.json`` and write it atomically.

    Entries of earlier builds are kept for files this build did not write, as long as the
    file is still there, so building one locale does not forget the others. ``inputs`` (the
    SHA-256 of the config and data files, by config key) is recorded once under ``inputs``
    and each of ``entries`` names it, so a file can be checked against what it came from.
    """
    path = root / MANIFEST
    fresh = {e.file: {key: value for key, value in e.__dict__.items() if value != ""} for e in entries}
    sets = {}
    if inputs:
        name = sha256_of(json.dumps(inputs, sort_keys=True).encode("utf-8"))[:16]
        sets[name] = inputs
        for item in fresh.values():
            item["inputs"] = name
    previous = _read_json(path).get("inputs", {})
    kept = {name: item for name, item in read_manifest(root).items() if name not in fresh and (root / name).is_file()}
    sets.update({item["inputs"]: previous[item["inputs"]] for item in kept.values()
                 if isinstance(previous, dict) and item.get("inputs") in previous})
    files = sorted([*kept.values(), *fresh.values()], key=lambda item: item["file"])
    manifest = {"organisation": organisation, **({"inputs": dict(sorted(sets.items()))} if sets else {}), "files": files}
    write_atomic(path, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return path
