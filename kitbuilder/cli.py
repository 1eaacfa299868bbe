"""The ``kitbuilder`` command line: a thin layer over the public API.

Commands parse options, call the pipeline and print a short summary. Errors a user can fix
arrive as :class:`~kitbuilder.errors.KitbuilderError` (exit 2 for bad input, 1 for a failed
build); anything else is an internal error, shown with a traceback only under ``--debug``.
Heavy libraries are imported inside the commands so ``kitbuilder --help`` starts fast.
"""

from __future__ import annotations

import gc
import json
import logging
import shlex
import sys
from pathlib import Path

import click

from .errors import InputError, KitbuilderError, Problem, SendError
from .names import display_path

__all__ = ["main"]

log = logging.getLogger("kitbuilder")


class _Group(click.Group):
    """Turns unexpected exceptions into one line unless ``--debug`` is given."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            raise KitbuilderError(
                f"internal error: {type(exc).__name__}: {exc}\n(run again with --debug to see the traceback)"
            ) from None


class _ClickHandler(logging.Handler):
    """Log records to stderr through Click, which drops colours when stderr is no terminal."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            message = click.style(f"{record.levelname.lower()}: ", fg="yellow", bold=True) + message
        click.echo(message, err=True)


def _setup_logging(verbose: int, quiet: bool) -> None:
    log.handlers[:] = [_ClickHandler()]
    log.propagate = False
    log.setLevel(logging.ERROR if quiet else logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)


def _locale_choice(ctx, param, values):
    from .locales import available_locales

    known = available_locales()
    for value in values:
        if value not in known:
            raise click.BadParameter(f"unknown locale {value!r} (available: {', '.join(known)})")
    return list(values)


def _kit_choice(ctx, param, values):
    from .kits import KITS

    for value in values:
        if value not in KITS:
            raise click.BadParameter(f"unknown kit {value!r} (known: {', '.join(KITS)})")
    return list(values)


_config_argument = click.argument("config", type=click.Path(dir_okay=False, path_type=Path))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kitbuilder")
@click.option("-v", "--verbose", count=True, help="Say more (-vv for debug messages).")
@click.option("-q", "--quiet", is_flag=True, help="Only print errors.")
@click.option("--debug", is_flag=True, help="Show the traceback of internal errors.")
def cli(verbose: int, quiet: bool, debug: bool) -> None:
    """Build print-ready leadership workshop kits from an organisation config."""
    _setup_logging(verbose, quiet)


def _build_options(command):
    """The options ``build`` and ``preview`` share: what to build, where, from which templates."""
    for option in reversed([
        click.option("--locale", "locales", multiple=True, callback=_locale_choice,
                     help="Only this locale (repeatable); default: the config's locales."),
        click.option("--kit", "kits", multiple=True, callback=_kit_choice,
                     help="Only this kit (repeatable); default: the config's kits."),
        click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
                     show_default=True, help="Where to write the kit (into <out>/<short_name>/<locale>/)."),
        click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
                     help="A folder of restyled templates (overrides branding.templates)."),
        click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
                     help="Processes that render documents and convert them to PDF. Default: the cores this "
                          "process may use, for as much of the build as they speed up."),
    ]):
        command = option(command)
    return command


@cli.command()
@_config_argument
@_build_options
@click.option("--pdf", is_flag=True, help="Also convert every file to PDF and make a print pack per locale.")
@click.option("--pdfa", is_flag=True, help="Like --pdf, as tagged PDF/A-2b for archives and screen readers.")
@click.option("--leader", help="Rebuild only this leader's files.")
def build(config: Path, locales: list[str], kits: list[str], out_dir: Path, templates: Path | None,
          pdf: bool, pdfa: bool, jobs: int | None, leader: str | None) -> None:
    """Build the kit described by CONFIG."""
    from .inputs.config import load_config
    from .pipeline import build as run_build

    settings = load_config(config, overrides={"locales": locales, "kits": kits})
    with _ProgressBar() as progress:
        report = run_build(settings, out_dir, templates=templates, pdf=pdf, pdfa=pdfa, jobs=jobs, leader=leader,
                           progress=progress)
    click.echo(f"Built {len(report.entries)} files into {report.root} in {report.seconds:.1f} s "
               f"(manifest: {report.manifest.name}).")


@cli.command()
@_config_argument
@_build_options
def preview(config: Path, locales: list[str], kits: list[str], out_dir: Path, templates: Path | None,
            jobs: int | None) -> None:
    """Build CONFIG with PDFs and write a contact sheet of every page, per locale.

    The sheets go to <out>/<short_name>/<locale>/preview/. PDFs whose Office file is
    unchanged are kept. Pages to check (text off a page or in a
    margin, nearly empty pages, changed page counts) are listed on stderr and at the top
    of the HTML page.
    """
    from .inputs.config import load_config
    from .contact_sheet import preview as run_preview

    settings = load_config(config, overrides={"locales": locales, "kits": kits})
    report = run_preview(settings, out_dir, templates=templates, jobs=jobs)
    for locale, sheet in report.sheets.items():
        click.echo(f"{locale}: {sheet.html} ({sheet.pages} pages; PNG per kit: "
                   f"{', '.join(path.name for path in sheet.pngs)})")
    flagged = len(report.flags)
    click.echo(f"{report.pages} pages, {flagged} {'thing' if flagged == 1 else 'things'} to check; "
               f"{report.build.pdfs_reused} PDFs were current and kept; {report.seconds:.1f} s.")


class _ProgressBar:
    """A progress bar on stderr while ``label`` goes on (documents are written and converted), only on a terminal."""

    def __init__(self, label: str = "Documents"):
        self.label = label

    def __enter__(self):
        self.bar = None
        return self.update if sys.stderr.isatty() else None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@cli.command()
@_config_argument
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="The folder the kit was built into (with --pdf).")
@click.option("--leader", help="Send only to this leader.")
@click.option("--dry-run", "dry_run", type=click.Path(file_okay=False, path_type=Path),
              help="Write each e-mail into this folder as an .eml file; send nothing.")
@click.option("--resend", is_flag=True,
              help="Send again to leaders whose files or addresses changed since (with --leader: to that leader).")
@click.option("--per-minute", type=click.IntRange(1, 10_000),
              help="At most this many e-mails a minute, for servers that throttle (Microsoft 365: 30). "
                   "Default: the config's mail.per_minute.")
def send(config: Path, out_dir: Path, leader: str | None, dry_run: Path | None, resend: bool,
         per_minute: int | None) -> None:
    """E-mail each leader their print pack and meeting invitations from the build in --out, once.

    The server and sender are the config's mail: section; the password comes from
    KITBUILDER_SMTP_PASSWORD, or is asked for on a terminal. <out>/<short_name>/sent.json
    records every e-mail, so running again sends only what has not gone yet.
    """
    from .inputs.config import load_config
    from .send import send as run_send

    settings = load_config(config)
    with _ProgressBar("E-mails") as progress:
        report = run_send(settings, out_dir, leader=leader, resend=resend, dry_run=dry_run, per_minute=per_minute,
                          password=lambda: _smtp_password(settings), progress=progress)
    plan = report.plan
    if plan.without_address:
        log.warning("no e-mail address, skipped: %s", ", ".join(plan.without_address))
    for entry in plan.in_doubt:
        log.warning("in doubt: the e-mail to %s (%s, Message-ID %s) was being handed to the server when an earlier "
                    "run stopped; if it did not arrive, send it with --resend --leader %s", entry.leader,
                    entry.address, entry.message_id, shlex.quote(entry.leader))
    if plan.changed:
        log.warning("their files or addresses changed since their e-mail, not sent again (add --resend to send "
                    "them): %s", ", ".join(entry.leader for entry in plan.changed))
    if plan.already_sent:
        click.echo(f"Already sent, so not again: {len(plan.already_sent)} "
                   f"{'leader' if len(plan.already_sent) == 1 else 'leaders'} ({display_path(report.log)}).")
    if dry_run:
        click.echo(f"Wrote {len(report.drafts)} e-mails into {dry_run}; nothing was sent.")
        return
    click.echo(f"Sent {len(report.sent)} e-mails." if plan.outgoing else "Nothing to send.")
    if report.refused:
        raise SendError("the server refused these addresses (everyone else got their e-mail):\n" + "\n".join(
            f"  {leader}: {address}: {answer}" for leader, refused in report.refused.items()
            for address, answer in refused.items()))


def _smtp_password(settings) -> str | None:
    """The password for ``mail.username``: from the environment, else asked for on a terminal."""
    from .send import PASSWORD_VARIABLE, environment_password, needs_password

    if not needs_password(settings):
        return None
    if password := environment_password(settings):
        return password
    if sys.stdin.isatty():
        return click.prompt(f"Password for {settings.mail.username} at {settings.mail.host}", hide_input=True,
                            err=True)
    raise InputError(Problem(str(settings.file), "mail.username", f"needs a password: set {PASSWORD_VARIABLE}, or "
                             "run kitbuilder send on a terminal to be asked for it"))


@cli.command()
@_config_argument
def validate(config: Path) -> None:
    """Check CONFIG and report every problem at once."""
    from .inputs.config import load_config
    from .pipeline import build_model, log_notes

    settings = load_config(config)
    kit = build_model(settings)
    log_notes(kit)
    documents = sum(len(locale.documents) for locale in kit.locales)
    click.echo(f"{config}: valid ({len(settings.locales)} locales, {len(settings.kits)} kits, "
               f"{documents} documents to build).")


@cli.command()
def schema() -> None:
    """Print the config's JSON Schema."""
    from .inputs.config import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing kitbuilder.yaml.")
@click.option("--locale", "locales", multiple=True, callback=_locale_choice,
              help="A language of the kit (repeatable); the first one's country gives the public holidays. "
                   "Default: da, sv and nb.")
def init(directory: Path, force: bool, locales: list[str]) -> None:
    """Write a commented starter config into DIRECTORY."""
    from .starter import write_starter

    path = write_starter(directory, locales=locales, force=force)
    click.echo(f"Wrote {path}. Edit it, then run: kitbuilder build {path}")


@cli.command()
@click.option("--locale", default="da", show_default=True, callback=lambda c, p, v: _locale_choice(c, p, [v])[0],
              help="The language of the titles.")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              help="Also list the custom themes of this config.")
def themes(locale: str, config: Path | None) -> None:
    """List the themes and their ids."""
    from .kits import THEMES
    from .locales import load_locale

    titles = load_locale(locale).get("wellbeing_plan.themes")
    rows = [(number, theme_id, titles[theme_id]["title"]) for number, theme_id in enumerate(THEMES, start=1)]
    if config:
        from .inputs.config import load_config

        settings = load_config(config)
        for number, custom in enumerate(settings.themes.custom, start=len(THEMES) + 1):
            title = custom.title if isinstance(custom.title, str) else custom.title.get(locale, "")
            rows.append((number, custom.id, title))
    width = max(len(theme_id) for _, theme_id, _ in rows)
    for number, theme_id, title in rows:
        click.echo(f"{number:>2}  {theme_id:<{width}}  {title}")


class _Size(click.ParamType):
    """A size such as ``25MB``, ``500KB`` or a number of bytes."""

    name = "size"
    _UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        import re

        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?B?)\s*", str(value).upper())
        if not match:
            self.fail(f"expected a size such as 25MB, 500KB or 1000000 (got {value!r})", param, ctx)
        return int(float(match.group(1)) * self._UNITS[match.group(2)])


@cli.command()
@click.option("--workspace", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="The folder of projects (each a folder with a kitbuilder.yaml).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; any other than this machine's own needs --token.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="The port to listen on.")
@click.option("--token", envvar="KITBUILDER_TOKEN", help="An access code every request must give (also read from "
              "KITBUILDER_TOKEN); required with a --host others can reach.")
@click.option("--max-upload", type=_Size(), default="25MB", show_default=True, help="The largest file to accept.")
def serve(workspace: Path, host: str, port: int, token: str | None, max_upload: int) -> None:
    """Serve the web app: projects, a guided form, builds, contact sheets and downloads."""
    from .web.serve import check_bind, run

    check_bind(host, token)
    click.echo(f"kitbuilder serves {workspace.resolve()} on http://{host}:{port}/ (Ctrl-C stops it)")
    run(workspace, host=host, port=port, token=token, max_upload=max_upload)


@cli.group()
def templates() -> None:
    """Export the default templates, or check a restyled set."""


@templates.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
def templates_export(directory: Path, force: bool) -> None:
    """Copy the default templates into DIRECTORY to restyle them."""
    from .template_check import export_templates

    written = export_templates(directory, force=force)
    click.echo(f"Copied {len(written)} templates into {directory}. Restyle them in Word or PowerPoint, then build "
               f"with --templates {directory} (or set branding.templates).")


@templates.command("check")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--locale", "locales", multiple=True, callback=_locale_choice,
              help="Check for this locale only (repeatable); default: every locale.")
def templates_check(directory: Path | None, locales: list[str]) -> None:
    """List the template each document uses and what in it will not work (exit 2 if anything)."""
    from .errors import TemplateError
    from .locales import available_locales
    from .template_check import check_templates

    reports = check_templates(directory, locales or list(available_locales()))
    problems = []
    for report in reports:
        click.echo(f"{report.locale}  {report.document:<32} {report.path}")
        for unused in report.unused:
            log.info("  %s/%s does not print '%s'", report.locale, report.document, unused)
        problems += [Problem(str(report.path), "", f"({report.locale}) {text}") for text in report.problems]
    if problems:
        raise TemplateError(list(dict.fromkeys(problems)))
    click.echo("Every template can be used.")


@cli.group()
def locales() -> None:
    """Work with the locale content."""


@locales.command("check")
def locales_check() -> None:
    """Report keys missing from, or extra in, any locale (exit 2 if any)."""
    from .errors import ContentError
    from .locales import REFERENCE_LOCALE, available_locales, check_locales, flatten, load_locale

    problems = check_locales()
    if problems:
        raise ContentError(problems)
    keys = len(flatten(load_locale(REFERENCE_LOCALE).text))
    click.echo(f"{len(available_locales())} locales ({', '.join(available_locales())}) "
               f"have the same {keys} keys.")


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="kitbuilder")
    finally:
        # The process ends here: the collector's last pass over every object of the build
        # (a tenth of a second for the example kit) frees nothing the OS would not.
        gc.freeze()


if __name__ == "__main__":
    main()
