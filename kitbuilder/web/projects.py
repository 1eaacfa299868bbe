"""The workspace and its projects, and the only way the web app touches their files.

A workspace is a folder of projects; a project is a folder holding ``kitbuilder.yaml`` and
the files it names (logo, leaders, survey), exactly what ``kitbuilder init DIR/NAME`` makes,
so the command line and the app share projects. A build writes into ``<project>/output/``.

Every path that comes from a request goes through :func:`inside`: ``../``, absolute paths and
links that lead out of their folder are refused, so only files under the workspace are read
or written. A config is written only when it is valid, and atomically.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Callable

from ..errors import InputError, Notice, Problem
from ..names import safe_name
from ..starter import STARTER_LOCALES, STARTER_NAME, write_starter
from ..writer import MANIFEST, read_manifest, write_atomic
from .roundtrip import RoundTrip

__all__ = ["Check", "Project", "ProjectError", "Upload", "Workspace", "inside"]

CONFIG_NAME = STARTER_NAME
OUTPUT_FOLDER = "output"
#: Where uploads wait, inside the project, until they are checked (a hidden folder: never a project file).
PENDING_FOLDER = ".uploads"
#: What may be uploaded into a project: leaders and survey tables, logos.
UPLOAD_SUFFIXES = (".csv", ".xlsx", ".png", ".jpg", ".jpeg", ".svg")


class ProjectError(Exception):
    """A request the workspace refuses; ``status`` is the HTTP status to answer with."""

    status = 400


class NotFound(ProjectError):
    status = 404


class AlreadyExists(ProjectError):
    status = 409


class TooLarge(ProjectError):
    status = 413


class Unsupported(ProjectError):
    status = 415


def inside(base: Path, relative: str) -> Path:
    """``base/relative`` resolved; raises :class:`ProjectError` unless it stays in ``base``.

    Refused: an empty path, an absolute one, any ``..`` part, a NUL byte, and a path
    that a symbolic link leads out of ``base``.
    """
    parts = PurePosixPath(relative.replace("\\", "/"))
    if not relative or "\x00" in relative or parts.is_absolute() or ".." in parts.parts \
            or (parts.parts and ":" in parts.parts[0]):
        raise ProjectError(f"refused: {relative!r} is not a path inside the project")
    root = base.resolve()
    target = (root / parts).resolve()
    if not target.is_relative_to(root):
        raise ProjectError(f"refused: {relative!r} leads out of the project")
    return target


def upload_name(filename: str) -> str:
    """A safe name in the project for an uploaded file: its last part, made safe, with a known suffix."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise Unsupported(f"{name or filename!r}: expected one of {', '.join(UPLOAD_SUFFIXES)}")
    return safe_name(PurePosixPath(name).stem, fallback="upload") + suffix


@dataclass(frozen=True)
class Upload:
    """An uploaded file waiting beside the project's files until it is accepted."""

    #: The name it gets in the project.
    name: str
    path: Path
    #: ``path`` relative to the project, as a config would name it.
    relative: str


@dataclass
class Check:
    """What checking a config found: the config when it is valid, else every problem."""

    config: object | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


class Project:
    """One project folder; every file operation of the app on it goes through here."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.name = folder.name
        self.config_file = folder / CONFIG_NAME
        self.output_dir = folder / OUTPUT_FOLDER

    def text(self) -> str:
        return self.config_file.read_text(encoding="utf-8-sig")

    def check(self, text: str | None = None) -> Check:
        """Check the config (or ``text`` as if it were saved): the same checks as ``kitbuilder validate``."""
        from ..inputs.config import load_config
        from ..pipeline import build_model

        text = self.text() if text is None else text.lstrip("\ufeff")
        try:
            config = load_config(self.config_file, text=text)
            kit = build_model(config)
        except InputError as exc:
            return Check(problems=[self.relative(problem) for problem in exc.problems])
        return Check(config, warnings=[notice.renamed(self.relative_text) for notice in kit.notices])

    def save(self, text: str) -> Check:
        """Write ``text`` as the config when it is valid (atomically); otherwise leave the file as it is."""
        text = text.lstrip("\ufeff").replace("\r\n", "\n")
        check = self.check(text)
        if check.valid:
            write_atomic(self.config_file, text.encode("utf-8"))
        return check

    def edit(self, change: Callable[[RoundTrip], object]) -> tuple[Check, str]:
        """Apply ``change`` to the config's YAML (comments and key order kept) and save it when
        valid; returns the check and the edited text."""
        document = RoundTrip(self.text())
        change(document)
        text = document.text()
        return self.save(text), text

    def receive(self, filename: str, source: BinaryIO, limit: int) -> Upload:
        """Keep an upload aside, under the safe name it will have in the project, until it is
        accepted or discarded; raises :class:`TooLarge` past ``limit`` bytes (nothing is
        kept) and :class:`Unsupported` for other file types."""
        name = upload_name(filename)
        inside(self.folder, name)  # refused now, not after the upload is read, when it could not go there
        data = source.read(limit + 1)
        if len(data) > limit:
            raise TooLarge(f"{name} is larger than {limit:,} bytes")
        pending = self.folder / PENDING_FOLDER
        pending.mkdir(exist_ok=True)
        path = Path(tempfile.mkdtemp(dir=pending)) / name
        path.write_bytes(data)
        return Upload(name, path, path.relative_to(self.folder).as_posix())

    def accept(self, upload: Upload) -> None:
        """Put an upload in its place in the project (atomically), replacing the file of that name."""
        os.replace(upload.path, inside(self.folder, upload.name))
        self.discard(upload)

    def discard(self, upload: Upload) -> None:
        shutil.rmtree(upload.path.parent, ignore_errors=True)

    def file(self, relative: str) -> Path:
        """A file of the project (not of its output): its uploads."""
        path = inside(self.folder, relative)
        if not path.is_file() or path.name == CONFIG_NAME or any(
                path.is_relative_to((self.folder / folder).resolve()) for folder in (OUTPUT_FOLDER, PENDING_FOLDER)):
            raise NotFound(f"no file {relative!r} in the project")
        return path

    # --- the last build --------------------------------------------------------------------

    def kit_root(self) -> Path | None:
        """The folder of the newest build in ``output/`` (the one whose manifest is newest)."""
        if not self.output_dir.is_dir():
            return None
        manifests = [m for m in self.output_dir.glob(f"*/{MANIFEST}") if m.is_file()
                     and m.resolve().is_relative_to(self.output_dir.resolve())]
        return max(manifests, key=lambda m: m.stat().st_mtime).parent if manifests else None

    def kit_files(self) -> list[dict]:
        """The files of the last build, as its manifest lists them (only those still there)."""
        root = self.kit_root()
        if root is None:
            return []
        return [entry for name, entry in sorted(read_manifest(root).items()) if (root / name).is_file()]

    def kit_file(self, relative: str) -> Path:
        """A file of the last build; only files its manifest lists are served."""
        root = self.kit_root()
        if root is None:
            raise NotFound("nothing has been built yet")
        path = inside(root, relative)
        if relative not in read_manifest(root) or not path.is_file():
            raise NotFound(f"no file {relative!r} in the last build")
        return path

    def kit_zip(self) -> Path:
        """The last build as a ZIP in a temporary file (the caller removes it)."""
        root = self.kit_root()
        if root is None:
            raise NotFound("nothing has been built yet")
        handle, name = tempfile.mkstemp(prefix="kitbuilder-", suffix=".zip")
        os.close(handle)
        with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for entry in self.kit_files():
                archive.write(inside(root, entry["file"]), f"{root.name}/{entry['file']}")
            archive.write(root / MANIFEST, f"{root.name}/{MANIFEST}")
        return Path(name)

    # --- messages ------------------------------------------------------------------------

    def relative(self, problem: Problem) -> Problem:
        return replace(problem, file=self.relative_text(problem.file))

    def relative_text(self, text: str) -> str:
        """Paths in a message shown relative to the project: ``kitbuilder.yaml``, not the server's view."""
        for prefix in {str(self.folder.resolve()) + os.sep, _cwd_relative(self.folder)}:
            if prefix and prefix != os.sep:
                text = text.replace(prefix, "")
        return text


def _cwd_relative(folder: Path) -> str:
    try:
        return str(folder.resolve().relative_to(Path.cwd())) + os.sep
    except ValueError:
        return ""


class Workspace:
    """A folder of projects."""

    def __init__(self, root: Path):
        root.mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()

    def projects(self) -> list[Project]:
        found = []
        for folder in sorted(self.root.iterdir(), key=lambda p: p.name.casefold()):
            try:
                found.append(self.project(folder.name))
            except ProjectError:
                continue
        return found

    def project(self, name: str) -> Project:
        """The project ``name``; raises :class:`NotFound` for anything else (a path, a link
        out of the workspace, a folder without a config)."""
        if not name or name.startswith(".") or any(c in name for c in "/\\\x00"):
            raise NotFound(f"no project {name!r}")
        folder = self.root / name
        if folder.is_symlink() or not folder.is_dir() or not folder.resolve().is_relative_to(self.root):
            raise NotFound(f"no project {name!r}")
        project = Project(folder)
        config = project.config_file
        if config.is_symlink() or not config.is_file():
            raise NotFound(f"no project {name!r}")
        return project

    def create(self, title: str, language: str = "") -> Project:
        """A new project from the starter config, in a folder named safely after ``title``;
        the organisation is named ``title``. Raises :class:`AlreadyExists`.

        Made from a page in Danish, Swedish or Norwegian, the kit is in that language alone,
        so its public holidays are that country's; more languages can be added on the page."""
        title = " ".join(title.split())
        if not title:
            raise ProjectError("a project needs a name")
        name = safe_name(title, fallback="project")
        folder = self.root / name
        if folder.exists() or folder.is_symlink():
            raise AlreadyExists(f"a project named {name!r} already exists")
        write_starter(folder, locales=[language] if language in STARTER_LOCALES else [])
        project = Project(folder)
        project.edit(lambda doc: (doc.set(("organisation", "name"), title[:150]),
                                  doc.set(("organisation", "short_name"), name)))
        return project


def problem_json(problem: Problem) -> dict:
    """A problem as the app's JSON gives it."""
    return {"file": problem.file, "line": problem.line, "field": problem.path, "message": problem.message}
