"""The web app behind ``kitbuilder serve``: projects, the guided form, builds, previews, downloads.

Pages are rendered on the server (Jinja2); a little JavaScript polls a build's progress and
updates the theme map and clock times as a person types. Every route answers JSON when the
request asks for it (``Accept: application/json``), for scripts and tests.

Safe by default: the server binds to the loopback address unless given a token; with a
token every request needs it (the login page's cookie, HttpOnly and SameSite=Strict, or
``Authorization: Bearer``); a request that would change something is refused when it comes
from another site (``Sec-Fetch-Site``, ``Origin``); uploads have a size limit; and every
path goes through :mod:`kitbuilder.web.projects`, which keeps it inside its project.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from urllib.parse import quote, urlsplit

from babel.dates import format_datetime, get_timezone
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..colours import needed_contrast
from ..inputs.leaders import LEADER_COLUMNS
from ..inputs.survey import COLUMNS as SURVEY_COLUMNS
from ..inputs.tables import column_title
from ..kits import KITS, kit_namespace
from ..printpack import LEADER_PACKS
from ..locales import available_locales, load_locale
from ..errors import InputError, SendError
from ..inputs.survey import load_survey
from ..send import PASSWORD_VARIABLE
from .builds import Builds, BuildState
from .files import leaders_table, place_text, survey_file, survey_summary
from .forms import FormBuilder, apply_section, every_field, section_ids, survey_as_mapping
from .i18n import Words, negotiate
from .jobs import JobRunning, notice_from_json, problem_from_json
from .notices import notice_text, problem_shown, ratio_text
from .projects import Check, NotFound, Project, ProjectError, TooLarge, Upload, Workspace, problem_json
from .roundtrip import Path_, RoundTrip, plain
from .sending import Sends, Unsendable, draft, password_missing, planned, sending_plan

__all__ = ["DEFAULT_MAX_UPLOAD", "create_app"]

HERE = Path(__file__).resolve().parent
DEFAULT_MAX_UPLOAD = 25 * 1024 * 1024
SESSION_COOKIE = "kitbuilder_session"
#: Room for a form's other fields and multipart headers on top of the file itself.
FORM_OVERHEAD = 256 * 1024
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def create_app(workspace: Path, token: str | None = None, max_upload: int = DEFAULT_MAX_UPLOAD,
               build_jobs: int = 2) -> Starlette:
    """The app serving the projects in ``workspace`` (created when missing)."""
    builds, sends = Builds(jobs=build_jobs), Sends()

    @asynccontextmanager
    async def lifespan(app):
        yield
        builds.stop()
        sends.stop()  # the send log knows who has their e-mail; the next send goes on from there

    routes = [
        Route("/", index),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/projects", create_project, methods=["POST"]),
        Route("/projects/{name}", project_page),
        Route("/projects/{name}/config", config_text),
        Route("/projects/{name}/config", save_config, methods=["POST"]),
        Route("/projects/{name}/form", save_form, methods=["POST"]),
        Route("/projects/{name}/files", upload, methods=["POST"]),
        Route("/projects/{name}/files/{path:path}", project_file),
        Route("/projects/{name}/build", start_build, methods=["POST"]),
        Route("/projects/{name}/status", build_status),
        Route("/projects/{name}/send", send_plan),
        Route("/projects/{name}/send", start_send, methods=["POST"]),
        Route("/projects/{name}/send/preview/{stem}", send_preview),
        Route("/projects/{name}/kit.zip", kit_zip),
        Route("/projects/{name}/output/{path:path}", output_file),
        Route("/projects/{name}/preview/{locale}", preview_sheet),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={ProjectError: _refused, JobRunning: _busy})
    app.state.workspace = Workspace(Path(workspace))
    app.state.builds = builds
    app.state.sends = sends
    app.state.max_upload = max_upload
    app.state.token = token
    app.state.templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(),
                                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    app.add_middleware(_Guard, token=token, max_body=max_upload + FORM_OVERHEAD)
    return app


# --- helpers -------------------------------------------------------------------------------

def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _words(request: Request) -> Words:
    return Words(negotiate(request.headers.get("accept-language")))


def _page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    words = _words(request)
    page = request.app.state.templates.get_template(template)
    html = page.render(t=words, lang=words.code, request=request, quote=quote, **context)
    return HTMLResponse(html, status_code=status)


def _project(request: Request) -> Project:
    return request.app.state.workspace.project(request.path_params["name"])


def _project_url(project: Project, anchor: str = "") -> str:
    return f"/projects/{quote(project.name)}" + (f"#{anchor}" if anchor else "")


async def _refused(request: Request, exc: ProjectError) -> Response:
    if _wants_json(request) or request.method not in SAFE_METHODS:
        return JSONResponse({"error": str(exc)}, status_code=exc.status)
    return _page(request, "error.html", exc.status, message=str(exc))


async def _busy(request: Request, exc: JobRunning) -> Response:
    return JSONResponse({"error": str(exc)}, status_code=409)


def _idle(request: Request, project: Project) -> None:
    """Raise :class:`JobRunning` while the project is being built or its e-mails sent: a build
    would change the files being sent, and sending needs the files of a finished build."""
    for jobs in (request.app.state.builds, request.app.state.sends):
        if jobs.status(project).running:
            raise JobRunning(jobs.busy)


def _checked(value) -> bool:
    """Whether a form's checkbox (or a script's field) says yes."""
    return str(value or "").lower() in {"1", "on", "true", "yes"}


# --- pages ---------------------------------------------------------------------------------

async def index(request: Request) -> Response:
    projects = request.app.state.workspace.projects()
    if _wants_json(request):
        return JSONResponse({"projects": [{"name": p.name, "url": _project_url(p)} for p in projects]})
    summaries = [(project, _organisation(project, _words(request).code)) for project in projects]
    return _page(request, "index.html", projects=summaries)


def _organisation(project: Project, locale: str, data: dict | None = None) -> str:
    """The organisation's name as the config gives it (in ``locale`` when it gives one per language)."""
    if data is None:
        try:
            data = plain(RoundTrip(project.text()).data)
        except Exception:  # a broken file still lists its project
            return ""
    organisation = data.get("organisation") if isinstance(data, dict) else None
    name = organisation.get("name") if isinstance(organisation, dict) else None
    if isinstance(name, dict):
        name = name.get(locale) or next(iter(name.values()), "")
    return name if isinstance(name, str) else ""


async def create_project(request: Request) -> Response:
    form = await request.form()
    project = await run_in_threadpool(request.app.state.workspace.create, str(form.get("name", "")),
                                      _words(request).code)
    if _wants_json(request):
        return JSONResponse({"name": project.name, "url": _project_url(project)}, status_code=201)
    return RedirectResponse(_project_url(project), status_code=303)


async def project_page(request: Request) -> Response:
    project = _project(request)
    return await run_in_threadpool(_project_response, request, project)


def _project_response(request: Request, project: Project, *, status: int = 200, text: str | None = None,
                      check=None, notice: str = "", yaml_posted: bool = False,
                      pending: dict[str, Path] | None = None) -> Response:
    """The project page; ``text`` and ``check`` show an edit that was not saved, with its problems,
    and ``pending`` the uploads it would have used (by name) in place of the project's files."""
    saved = project.text()
    text = saved if text is None else text
    check = check or project.check(text)
    builds: Builds = request.app.state.builds
    build = builds.status(project)
    sending = request.app.state.sends.status(project)
    if _wants_json(request):
        return JSONResponse({"name": project.name, "valid": check.valid,
                             "problems": [problem_json(p) for p in check.problems], "warnings": [str(notice) for notice in check.warnings],
                             "build": build.json(), "sending": sending.json(),
                             "files": project.kit_files()},
                            status_code=status)
    words = _words(request)
    try:
        data = plain(RoundTrip(text).data)
    except Exception:  # not YAML at all: only the YAML editor can help
        data = None
    ui = load_locale(words.code)

    def path_of(name: str) -> Path | None:
        if pending and name in pending:
            return pending[name]
        try:
            return project.file(name)
        except ProjectError:
            return None

    leaders_name = data.get("leaders_file") if isinstance(data, dict) else None
    shown = partial(problem_shown, words)
    leaders = leaders_table(path_of(leaders_name), leaders_name, check.problems, shown) \
        if isinstance(leaders_name, str) and leaders_name else None
    survey_named = survey_file(data) if isinstance(data, dict) else None
    survey = survey_summary(path_of(survey_named[0]), *survey_named) if survey_named else None
    form = FormBuilder(words, data or {}, ui, [p for p in check.problems if _is_config_problem(p, project)],
                       survey=survey)
    sections = [(section, form.section(section)) for section in section_ids()] if data is not None else []
    config_locales = form.locales
    kits_listed = data.get("kits", KITS) if isinstance(data, dict) else KITS
    config_kits = [kit for kit in kits_listed if kit in KITS] if isinstance(kits_listed, list) else list(KITS)
    if leaders:  # the leaders come from the file, shown as a table; none are typed in
        sections = [(section, [made for made in fields if made.path != ("leaders",)]) for section, fields in sections]
    files = project.kit_files()
    # problems in other files (the survey's, say) are listed at the top; the leaders' are on their rows
    elsewhere = [p for p in check.problems
                 if not _is_config_problem(p, project) and not (leaders and p.file == leaders["file"])]
    context = dict(
        title=_organisation(project, words.code, data) or project.name, project=project, url=_project_url(project),
        sections=sections, form=form,
        localised_sections={section for section, fields in sections if len(form.locales) > 1
                            and any(made.kind == "localised" for made in every_field(fields))}, yaml_text=text, yaml_posted=yaml_posted,
        problems=[shown(p) for p in check.problems], unplaced=form.problems + [shown(p) for p in elsewhere], warnings=[notice_text(words, found) for found in check.warnings],
        more_warnings=_more_warnings(words, build, check),
        notice=notice, saved=text == saved and not pending, pending=sorted(pending or ()), build=_build_json(build, shown), files=files,
        packs=[entry for entry in files if "print-pack-" in entry["file"]],
        number=lambda value: format_decimal(value, format="0.#", locale=ui.babel),
        placement=_placement, needed=needed_contrast, place=lambda where: place_text(words, where),
        contrast_note=lambda name, colour: _contrast_note(words, name, colour),
        leaders=leaders,
        survey=survey,
        themes=form.themes(), map_fields=ui.text["wellbeing_plan"]["map"]["fields"],
        build_locales=[(code, load_locale(code).name) for code in config_locales],
        build_kits=[(kit, ui.text[kit_namespace(kit)]["title"]) for kit in config_kits or KITS],
        kit_titles={**{kit: ui.text[kit_namespace(kit)]["title"] for kit in KITS},
                    LEADER_PACKS: words("build.leader_packs")},
        previews=_previews(project), leader_columns=[column_title(key, words.code) for key in LEADER_COLUMNS],
        survey_columns=[column_title(key, words.code) for key in SURVEY_COLUMNS],
        table_types="CSV, XLSX", languages={code: load_locale(code).name for code in available_locales()},
        sending=sending.json(),
        send_plan=sending_plan(project, check.config, _project_url(project))
        if check.config is not None and text == saved and not sending.running else None,
        when=lambda stamp: format_datetime(dt.datetime.fromisoformat(stamp), "short",
                                           tzinfo=get_timezone(ui.timezone), locale=ui.babel),
    )
    return _page(request, "project.html", status, **context)


def _build_json(build: BuildState, shown) -> dict:
    """The last build's state, its problems worded for the page by ``shown``."""
    return {**build.json(), "problems": [problem_json(shown(problem_from_json(data))) for data in build.problems]}


def _more_warnings(words: Words, build: BuildState, check: Check) -> list[str]:
    """What the last build reported besides the config's notices as they are now: its own notices
    (when the config has changed since) in the page's language, and what rendering found; not
    the contact sheets' flags, which are listed on their own."""
    notices = [notice_from_json(data) for data in build.notices]
    english = {str(notice) for notice in notices}
    return ([notice_text(words, notice) for notice in notices if notice not in check.warnings]
            + [warning for warning in build.warnings if warning not in english and warning not in build.flags])


def _placement(rating) -> int | None:
    """The map field of a theme's rating, when it has both scores."""
    from ..assemble.wellbeing import map_field

    if isinstance(rating, dict) and all(isinstance(rating.get(k), int) for k in ("importance", "success")):
        return map_field(rating["importance"], rating["success"])
    return None


def _contrast_note(words: Words, name: str, colour: str | None) -> str:
    """What the colour's contrast on white means for print (WCAG AA for the size it is used at)."""
    from ..colours import contrast_ratio

    if not isinstance(colour, str) or len(colour) != 7:
        return ""
    ratio, needed = contrast_ratio(colour, "#FFFFFF"), needed_contrast(name)
    key = "form.contrast_ok" if ratio >= needed else "form.contrast_warning"
    babel = load_locale(words.code).babel
    return words(key, ratio=ratio_text(ratio, babel), needed=ratio_text(needed, babel))


def _is_config_problem(problem, project: Project) -> bool:
    return problem.file in {project.config_file.name, ""}


def _previews(project: Project) -> list[str]:
    root = project.kit_root()
    if root is None:
        return []
    return sorted(folder.parent.parent.name for folder in root.glob("*/preview/contact-sheet.html"))


async def config_text(request: Request) -> Response:
    project = _project(request)
    return Response(project.text(), media_type="text/yaml; charset=utf-8")


async def save_config(request: Request) -> Response:
    project = _project(request)
    form = await request.form()
    text = str(form.get("yaml", ""))
    check = await run_in_threadpool(project.save, text)
    if check.valid:
        return _saved(request, project, "yaml")
    return await run_in_threadpool(_not_saved, request, project, text, check, True)


def _saved(request: Request, project: Project, anchor: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"saved": True, "url": _project_url(project)})
    return RedirectResponse(_project_url(project, anchor) if anchor else _project_url(project), status_code=303)


def _not_saved(request: Request, project: Project, text: str, check, yaml_posted: bool = False,
               pending: dict[str, Path] | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"problems": [problem_json(p) for p in check.problems]}, status_code=422)
    return _project_response(request, project, status=422, text=text, check=check,
                             notice="upload_rejected" if pending else "not_saved",
                             yaml_posted=yaml_posted, pending=pending)


async def save_form(request: Request) -> Response:
    project = _project(request)
    form = await request.form()
    section = str(form.get("section", ""))
    if section not in section_ids():
        raise ProjectError(f"unknown section {section!r}")

    def edit():
        words = _words(request)
        data = plain(RoundTrip(project.text()).data) or {}
        fields = FormBuilder(words, data, load_locale(words.code)).section(section)
        return project.edit(lambda document: apply_section(document, fields, form))

    check, text = await run_in_threadpool(edit)
    if check.valid:
        return _saved(request, project, section)
    return await run_in_threadpool(_not_saved, request, project, text, check)


#: Config keys an upload may be used as, straight from the form's upload buttons.
UPLOAD_TARGETS = {"leaders_file": ("leaders_file",), "survey": ("survey", "file"),
                  "branding.logo": ("branding", "logo")}
_UPLOAD_SECTIONS = {"leaders_file": "leaders", "survey": "survey", "branding": "branding"}
#: Where a config names a file of the project (``survey:`` may be the file alone).
_FILE_KEYS = (*UPLOAD_TARGETS.values(), ("survey",))


async def upload(request: Request) -> Response:
    project = _project(request)
    async with request.form(max_files=1) as form:
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise ProjectError("no file was sent (multipart field 'file')")
        received = await run_in_threadpool(project.receive, upload.filename, upload.file,
                                           request.app.state.max_upload)
        target = UPLOAD_TARGETS.get(str(form.get("use_as", "")))
    try:
        return await run_in_threadpool(_take_upload, request, project, received, target)
    finally:
        project.discard(received)


def _take_upload(request: Request, project: Project, received: Upload, target: Path_ | None) -> Response:
    """Put the upload in place, and name it in the config as ``target``, only when the config
    is valid with it; otherwise the file in use stays as it was and the problems are shown."""
    document = RoundTrip(project.text())
    if target is not None:
        if target[0] == "survey":
            survey_as_mapping(document)
        document.set(target, received.name)
    uses = [key for key in _FILE_KEYS if document.get(key) == received.name]
    check = _check_upload(project, document, received, uses) if uses else None
    if check is not None and not check.valid:
        return _not_saved(request, project, document.text(), check, pending={received.name: received.path})
    project.accept(received)
    if target is not None:
        project.save(document.text())
    if _wants_json(request):
        return JSONResponse({"name": received.name, **({"saved": True} if target else {})}, status_code=201)
    section = _UPLOAD_SECTIONS[target[0]] if target else ""
    return RedirectResponse(_project_url(project, section), status_code=303)


def _check_upload(project: Project, document: RoundTrip, received: Upload, uses: list[Path_]) -> Check:
    """The config checked as if the upload were in place (named where the config names its file),
    and a survey read even when no kit needs it; places name the file as the project will."""
    candidate = RoundTrip(document.text())
    for key in uses:
        candidate.set(key, received.relative)
    check = project.check(candidate.text())
    problems = list(check.problems)
    survey = survey_file(plain(candidate.data))
    if not problems and survey and survey[0] == received.relative:
        try:
            load_survey(received.path, received.name, survey[1])
        except InputError as exc:
            problems = list(exc.problems)
    named = lambda text: text.replace(received.relative, received.name)  # noqa: E731
    return Check(check.config, [p.renamed(named) for p in problems],
                 [notice.renamed(named) for notice in check.warnings])


async def project_file(request: Request) -> Response:
    project = _project(request)
    return FileResponse(project.file(request.path_params["path"]))


async def start_build(request: Request) -> Response:
    project = _project(request)
    form = await request.form()
    _idle(request, project)
    state = request.app.state.builds.start(
        project, pdf=_checked(form.get("pdf")),
        locales=[str(v) for v in form.getlist("locale") if v], kits=[str(v) for v in form.getlist("kit") if v])
    if _wants_json(request):
        return JSONResponse(state.json(), status_code=202)
    return RedirectResponse(_project_url(project, "build"), status_code=303)


async def build_status(request: Request) -> Response:
    project = _project(request)
    return JSONResponse(request.app.state.builds.status(project).json())


async def send_plan(request: Request) -> Response:
    """``GET /projects/<name>/send``: what sending would do now (JSON), and how a send is going."""
    project = _project(request)
    if not _wants_json(request):
        return RedirectResponse(_project_url(project, "send"), status_code=303)
    return await run_in_threadpool(_send_json, request, project)


def _send_json(request: Request, project: Project) -> Response:
    sending = request.app.state.sends.status(project)
    body = {"sending": sending.json(), "plan": None}
    if not sending.running:  # a plan is of use before and after sending; while it runs, its progress
        check = project.check()
        if check.valid:
            plan = sending_plan(project, check.config, _project_url(project))
            body["plan"] = plan.json() if plan else None
        else:
            body["problems"] = [problem_json(p) for p in check.problems]
    return JSONResponse(body)


async def start_send(request: Request) -> Response:
    """``POST /projects/<name>/send`` (``resend``, ``leader``): e-mail the leaders (or that one
    leader, as for an e-mail in doubt) from the last build, in the background."""
    project = _project(request)
    form = await request.form()
    resend = _checked(form.get("resend"))
    leader = str(form.get("leader") or "")
    _idle(request, project)

    def start() -> Response:
        check = project.check()
        if not check.valid:
            return _cannot_send(request, project, problems=[problem_json(p) for p in check.problems])
        if password_missing(check.config):
            return _cannot_send(request, project, error=f"{project.config_file.name}: mail.username: the server asks "
                                f"for a password; start kitbuilder serve with it in {PASSWORD_VARIABLE}")
        try:
            total = planned(project, check.config, resend=resend, leader=leader)
        except InputError as exc:
            return _cannot_send(request, project, problems=[problem_json(project.relative(p)) for p in exc.problems])
        except SendError as exc:  # a build missing or out of date: the command line's message, with its command
            return _cannot_send(request, project, error=project.relative_text(exc.message))
        state = request.app.state.sends.start(project, resend=resend, total=total, leader=leader)
        if _wants_json(request):
            return JSONResponse(state.json(), status_code=202)
        return RedirectResponse(_project_url(project, "send"), status_code=303)

    return await run_in_threadpool(start)


def _cannot_send(request: Request, project: Project, *, problems: list[dict] | None = None,
                 error: str = "") -> Response:
    """422: nothing was sent, and why (the project page shows the same in its send section)."""
    if _wants_json(request):
        return JSONResponse({"problems": problems} if problems else {"error": error}, status_code=422)
    return _project_response(request, project, status=422)


async def send_preview(request: Request) -> Response:
    """``GET /projects/<name>/send/preview/<stem>``: one leader's e-mail as it would go now; nothing is sent."""
    project = _project(request)

    def preview() -> Response:
        check = project.check()
        if not check.valid:
            raise ProjectError("the config has problems; fix them on the project page first")
        try:
            message = draft(project, check.config, request.path_params["stem"])
        except (InputError, SendError) as exc:
            raise Unsendable(project.relative_text(exc.message)) from None
        if _wants_json(request):
            return JSONResponse(message)
        return _page(request, "send_preview.html", message=message, project=project, url=_project_url(project),
                     language=load_locale(message["locale"]).name)

    return await run_in_threadpool(preview)


async def kit_zip(request: Request) -> Response:
    project = _project(request)
    archive = await run_in_threadpool(project.kit_zip)
    root = project.kit_root()
    return FileResponse(archive, media_type="application/zip", filename=f"{root.name}-kit.zip",
                        background=BackgroundTask(os.unlink, archive))


async def output_file(request: Request) -> Response:
    project = _project(request)
    path = project.kit_file(request.path_params["path"])
    return FileResponse(path, filename=path.name, content_disposition_type=_disposition(path))


def _disposition(path: Path) -> str:
    return "inline" if path.suffix.lower() in {".html", ".png", ".pdf"} else "attachment"


async def preview_sheet(request: Request) -> Response:
    project = _project(request)
    locale = request.path_params["locale"]
    if locale not in available_locales():
        raise NotFound(f"no locale {locale!r}")
    path = project.kit_file(f"{locale}/preview/contact-sheet.html")
    return FileResponse(path, media_type="text/html; charset=utf-8")


# --- log in --------------------------------------------------------------------------------

def session_value(token: str) -> str:
    """The cookie that proves the token was given (the token itself never goes into a cookie)."""
    return hmac.new(token.encode("utf-8"), b"kitbuilder session", hashlib.sha256).hexdigest()


async def login(request: Request) -> Response:
    token = request.app.state.token
    next_url = request.query_params.get("next", "/")
    next_url = next_url if next_url.startswith("/") and not next_url.startswith("//") else "/"
    if request.method == "GET" or token is None:
        return _page(request, "login.html", next_url=next_url, failed=False)
    form = await request.form()
    if not hmac.compare_digest(str(form.get("token", "")).encode("utf-8"), token.encode("utf-8")):
        return _page(request, "login.html", 401, next_url=next_url, failed=True)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(SESSION_COOKIE, session_value(token), httponly=True, samesite="strict", path="/")
    return response


# --- the guard in front of every request --------------------------------------------------

class _Guard:
    """Token, cross-site and body-size checks, and security headers, for every request."""

    def __init__(self, app, token: str | None, max_body: int):
        self.app, self.token, self.max_body = app, token, max_body
        self.session = session_value(token) if token else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        refusal = self._refusal(request)
        if refusal is not None:
            return await refusal(scope, receive, send)
        received = 0
        max_body = self.max_body

        async def limited_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > max_body:
                raise TooLarge(f"the request is larger than {max_body:,} bytes")
            return message

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                            (b"content-security-policy",
                             b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                             b"frame-ancestors 'self'; form-action 'self'")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, limited_receive, send_with_headers)

    def _refusal(self, request: Request) -> Response | None:
        path = request.url.path
        if self.token and not path.startswith("/static/") and path != "/login" and not self._authorised(request):
            if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
                return RedirectResponse(f"/login?next={quote(path)}", status_code=303)
            return JSONResponse({"error": "a token is needed (log in, or send Authorization: Bearer …)"},
                                status_code=401, headers={"www-authenticate": "Bearer"})
        if request.method not in SAFE_METHODS and _cross_site(request):
            return JSONResponse({"error": "refused: the request comes from another site"}, status_code=403)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            return JSONResponse({"error": f"the request is larger than {self.max_body:,} bytes"}, status_code=413)
        return None

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip().encode(), self.token.encode()):
            return True
        cookie = request.cookies.get(SESSION_COOKIE, "")
        return hmac.compare_digest(cookie.encode(), self.session.encode())


def _cross_site(request: Request) -> bool:
    """Whether a request comes from a page of another site (or another port of this host)."""
    if request.headers.get("sec-fetch-site", "") == "cross-site":
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False  # not sent by a browser's cross-origin request (a script, curl, a test)
    host = request.headers.get("host", "")
    return origin == "null" or urlsplit(origin).netloc.lower() != host.lower()

