"""The organisation config: its schema, and loading it into typed, validated objects.

:func:`load_config` reads the YAML, validates it against :class:`Config` and reports every
problem at once, each naming the file, the line, the field path and what is expected::

    config.yaml:12: themes.selected[2]: unknown theme 'x' (known: new-leaders, …)

Paths in the config resolve relative to the config file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    create_model,
    model_validator,
)

from .. import kits
from ..errors import BadValue, ConfigError, ContentError, InputError, Problem, required_but_empty, too_long
from ..locales import available_locales, load_locale
from ..names import display_path
from ..usertext import LINE_MAX, LONG_MAX, NAME_MAX, PARAGRAPH_MAX, TITLE_MAX, printable
from .yamlfile import YamlDocument, YamlSyntaxError, format_path, load_yaml

__all__ = ["Config", "config_for_locale", "input_files", "input_hashes", "json_schema", "load_config"]


# --- value types --------------------------------------------------------------------------

def _colour(value: str) -> str:
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise ValueError(f"expected a colour as #RRGGBB, e.g. #1F4E79 (got {value!r})")
    return value.upper()


def _locale_code(value: str) -> str:
    known = available_locales()
    if value not in known:
        hint = "; Norwegian Bokmål is 'nb'" if value in {"no", "nn", "nb_NO", "no_NO"} else ""
        raise BadValue(f"unknown locale {value!r} (available: {', '.join(known)}){hint}", "unknown_locale",
                       value=value, known=", ".join(known))
    return value


def _kit_id(value: str) -> str:
    if value not in kits.KITS:
        raise ValueError(f"unknown kit {value!r} (known: {', '.join(kits.KITS)})")
    return value


def _theme_id(value: str, info: ValidationInfo) -> str:
    custom = (info.context or {}).get("custom_themes", set())
    if value not in kits.THEMES and value not in custom:
        known = ", ".join([*kits.THEMES, *sorted(custom)])
        close = difflib.get_close_matches(value, [*kits.THEMES, *custom], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown theme {value!r}{hint} (known: {known})")
    return value


def _resolved(value: Path, info: ValidationInfo, exists, kind: str) -> Path:
    """``value`` relative to the config file; raises unless ``exists(path)``."""
    path = ((info.context or {}).get("config_dir", Path.cwd()) / value).resolve()
    if not exists(path):
        raise ValueError(f"{kind} not found: {value} (looked for {path})")
    return path


def _existing_file(value: Path, info: ValidationInfo) -> Path:
    return _resolved(value, info, Path.is_file, "file")


def _logo_file(value: Path, info: ValidationInfo) -> Path:
    from ..assets import describe_image_problem

    path = _existing_file(value, info)
    problem = describe_image_problem(path)
    if problem:
        raise ValueError(f"{value}: {problem}")
    return path


def _existing_dir(value: Path, info: ValidationInfo) -> Path:
    return _resolved(value, info, Path.is_dir, "folder")


def _naive_datetime(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        raise ValueError(f"expected a date and a time, YYYY-MM-DDTHH:MM (got {value.isoformat()})")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError(f"expected a date and a time, YYYY-MM-DDTHH:MM (got {value!r})")
    return value


def _timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (expected an IANA name such as Europe/Copenhagen)") from None
    return value


def _clock(value: Any) -> Any:
    # pydantic would read a number as seconds after midnight: 7.5 is not half past seven
    if isinstance(value, (int, float)) or (isinstance(value, str) and not re.fullmatch(r"\d{1,2}:\d{2}", value.strip())):
        raise ValueError(f"expected a time as HH:MM, e.g. \"09:00\" (got {value!r})")
    return value


Colour = Annotated[str, AfterValidator(_colour)]
LocaleCode = Annotated[str, AfterValidator(_locale_code), Field(
    json_schema_extra={"pattern": "^[a-z]{2,3}$", "description": "A locale folder under locales/, e.g. da, sv, nb, en."})]
KitId = Annotated[str, AfterValidator(_kit_id), Field(json_schema_extra={"enum": list(kits.KITS)})]
ThemeId = Annotated[str, AfterValidator(_theme_id), Field(json_schema_extra={
    "description": "One of the twelve themes or a custom theme's id.", "examples": list(kits.THEMES)})]
ExistingFile = Annotated[Path, AfterValidator(_existing_file)]
ExistingDir = Annotated[Path, AfterValidator(_existing_dir)]
LogoFile = Annotated[Path, AfterValidator(_logo_file)]
ClockTime = Annotated[dt.time, Field(json_schema_extra={"pattern": r"^\d{1,2}:\d{2}$"})]
Rating1to5 = Annotated[int, Field(ge=1, le=5)]
def _text(max_length: int, *, required: bool = False) -> Any:
    return Annotated[str, Field(min_length=1 if required else 0, max_length=max_length)]


Name, RequiredName = _text(NAME_MAX), _text(NAME_MAX, required=True)
Line, RequiredLine = _text(LINE_MAX), _text(LINE_MAX, required=True)
LongText = _text(LONG_MAX)


def _email_address(value: str) -> str:
    """``value`` as typed, once it is an e-mail address (empty: none given)."""
    if value:
        from email_validator import EmailNotValidError, validate_email

        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError as exc:
            raise BadValue(f"{value!r} is not an e-mail address: {exc}", "not_email", value=value) from None
    return value


EmailAddress = Annotated[Line, AfterValidator(_email_address)]
RequiredEmailAddress = Annotated[RequiredLine, AfterValidator(_email_address)]


#: Marks a field that takes one text for every locale or one per locale (see :func:`config_for_locale`).
LOCALISED = "localised"


def _localised(max_length: int, *, required: bool = False) -> Any:
    """Text in one language for every locale, or per locale: ``{da: …, sv: …}``."""
    text = _text(max_length, required=required)
    return Annotated[Union[text, dict[LocaleCode, text]], LOCALISED]


LocalisedName, LocalisedLine, LocalisedTitle, LocalisedParagraph, LocalisedText = (
    _localised(NAME_MAX), _localised(LINE_MAX), _localised(TITLE_MAX), _localised(PARAGRAPH_MAX),
    _localised(LONG_MAX))
RequiredLocalisedLine = _localised(LINE_MAX, required=True)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True, str_strip_whitespace=True)


# --- sections -------------------------------------------------------------------------------

class Organisation(_Model):
    name: RequiredLocalisedLine
    """The organisation's full name, printed on every document."""
    short_name: Annotated[str, Field(min_length=1, max_length=60)]
    """A short name; the output folder is named after it."""


class Colours(_Model):
    primary: Colour = "#1F4E79"
    """Headings and title bars."""
    secondary: Colour = "#2E75B6"
    """Table headers and secondary accents."""
    accent: Colour = "#C55A11"
    """Highlights."""


class Branding(_Model):
    logo: LogoFile | None = None
    """A PNG, JPEG or SVG logo, printed on the first page of every document and deck."""
    colours: Colours = Colours()
    """Colours as #RRGGBB; only those you name are applied, and one that fails WCAG AA contrast on white is warned about."""
    font: Name | None = None
    """The body font; it must be installed where the kit is opened or converted."""
    templates: ExistingDir | None = None
    """A folder of restyled templates that replace the default ones of the same name."""


def _workshop_model(step: kits.StepSpec) -> type[_Model]:
    row_ids = Literal[tuple(row for row, _ in step.rows)]  # type: ignore[valid-type]
    model = create_model(
        f"Workshop_{step.id.title()}",
        __base__=_Model,
        __module__=__name__,
        __doc__=f"Workshop step '{step.id}' ({step.default_minutes} minutes by default).",
        date=(dt.date | None, Field(None, description="The day of the workshop (YYYY-MM-DD).")),
        start=(Annotated[ClockTime, BeforeValidator(_clock)], Field(dt.time(9, 0), description="Start time, HH:MM.")),
        venue=(LocalisedLine, Field("", description="Where the workshop takes place.")),
        facilitator=(LocalisedLine, Field("", description="Who leads the workshop.")),
        minutes=(dict[row_ids, Annotated[int, Field(gt=0, le=600)]],  # type: ignore[valid-type]
                 Field({}, description="Minutes per run-sheet row id, overriding the defaults.")),
    )
    globals()[model.__name__] = model  # a module attribute, so configs pickle (process pools)
    return model


_STEP_MODELS = {step.id: _workshop_model(step) for step in (*kits.STEPS, kits.RESULTS_MEETING)}
Workshops = create_model(
    "Workshops",
    __base__=_Model,
    __module__=__name__,
    __doc__="The three workshop steps and the results meeting.",
    **{step_id: (model, Field(default_factory=model)) for step_id, model in _STEP_MODELS.items()},
)


class Rating(_Model):
    importance: Rating1to5
    """How important the theme is to the organisation, 1 (low) to 5 (high)."""
    success: Rating1to5
    """How well the organisation succeeds with it today, 1 (low) to 5 (high)."""


class CustomTheme(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,40}$")
    """An id of lower-case letters, digits and hyphens."""
    title: LocalisedTitle
    """The theme's question, in one language or per locale."""
    prompt: LocalisedParagraph = ""
    """A question that helps rate the theme."""


class Themes(_Model):
    selected: list[ThemeId] = []
    """The themes chosen for action cards (usually three to five)."""
    custom: list[CustomTheme] = []
    """The organisation's own themes, in addition to the twelve."""
    ratings: dict[ThemeId, Rating] = {}
    """Ratings that place themes on the prioritisation map."""
    parked: Annotated[list[ThemeId], Field(max_length=8)] = []
    """Themes set aside in the map's parking area: to learn more about first, or for others to decide (at most 8)."""


class ActionCard(_Model):
    model_config = ConfigDict(alias_generator=lambda name: name.replace("_", "-"), populate_by_name=False)
    where_when: LocalisedText = ""
    """Where and when the action is used."""
    goal: LocalisedText = ""
    """What the action should achieve."""
    responsible: LocalisedText = ""
    """Who is responsible for it."""
    help: LocalisedText = ""
    """Where the responsible person gets help."""
    representatives: LocalisedText = ""
    """The role of employee representatives and joint committees."""
    tasks: LocalisedText = ""
    """Who does which tasks."""
    follow_up: LocalisedText = ""
    """How the responsible person follows up."""


class Leader(_Model):
    name: RequiredName
    """The leader's name; it names the leader's files, so each name appears once."""
    unit: Name = ""
    """The leader's unit, as the survey file names it (a unit not in the survey gets the organisation's results)."""
    manager: Name = ""
    """The leader's own manager."""
    email: EmailAddress = ""
    """The leader's e-mail address, for the calendar invitation."""
    manager_email: EmailAddress = ""
    """The manager's e-mail address: the manager is invited to the dialogue meeting too."""
    locale: LocaleCode | None = None
    """The leader's language (their e-mail and attached files); by default the config's first locale."""
    meeting: Annotated[dt.datetime, BeforeValidator(_naive_datetime)] | None = None
    """The dialogue meeting, YYYY-MM-DDTHH:MM (local time in the config's time zone)."""
    place: LocalisedLine = ""
    """Where the dialogue meeting takes place."""

    _source: str = PrivateAttr(default="")
    _meeting_source: str = PrivateAttr(default="")

    @property
    def source(self) -> str:
        """Where the leader was listed, e.g. ``leaders.csv, row 7`` (empty when inline)."""
        return self._source

    @property
    def meeting_source(self) -> str:
        """Where the meeting was given, e.g. ``row 7, column Møde`` (empty when inline)."""
        return self._meeting_source


class Person(_Model):
    name: RequiredName
    """The person's name."""
    email: RequiredEmailAddress
    """Their e-mail address."""


class Dialogue(_Model):
    """The leader's dialogue with their own manager."""

    prepare_minutes: int = Field(45, gt=0, le=600)
    """Time for the leader to prepare alone."""
    minutes: int = Field(45, gt=0, le=600)
    """Length of the dialogue meeting (and of each follow-up meeting)."""
    follow_up_months: list[Annotated[int, Field(gt=0, le=36)]] = [2, 4, 6]
    """Follow-up meetings, in months after the dialogue meeting (31 January + 1 month is 28 or 29 February)."""
    place: LocalisedLine = ""
    """The usual meeting place, for leaders who have none of their own."""
    organiser: Person | None = None
    """Who sends the meeting invitations (the calendar files' organiser): {name, email}."""


class Offer(_Model):
    title: RequiredLocalisedLine
    """The offer's name, e.g. a seminar or a sparring programme."""
    description: LocalisedText = ""
    """What it is and how to take part."""


class Contact(_Model):
    name: RequiredName
    """The contact person's name."""
    role: LocalisedLine = ""
    """What to contact them about."""
    email: Line = ""
    """E-mail address."""
    phone: Name = ""
    """Phone number."""


class Support(_Model):
    report_date: dt.date | None = None
    """The day leaders receive their evaluation reports."""
    offers: list[Offer] = []
    """The organisation's own offers; they replace the standard list."""
    contacts: list[Contact] = []
    """Whom leaders can contact about the offers."""
    sparring_months: list[Annotated[int, Field(gt=0, le=36)]] = [2, 4, 6]
    """Sparring with the leader's manager, in months after the report date."""


class Survey(_Model):
    """Survey results for the leader group's results meeting."""

    file: ExistingFile
    """CSV or XLSX, long (unit, area, period, score, respondents), wide (unit, period, respondents, a column per area) or one sheet per period."""
    scale: tuple[float, float] = (0, 100)
    """The lowest and highest possible score, e.g. [0, 100] or [1, 5]."""
    min_respondents: int = Field(5, ge=1)
    """A unit with fewer respondents is never shown on its own (counted in the total only)."""
    current: str | None = None
    """The period to present; by default the latest in the file."""
    previous: str | None = None
    """The period to compare with; by default the one before the current."""
    labels: dict[Annotated[str, Field(min_length=1, max_length=NAME_MAX)], dict[LocaleCode, RequiredName]] = {}
    """Area and unit names per locale: {<name as in the file>: {da: …, sv: …}}; a name without one prints as in the file."""

    @model_validator(mode="before")
    @classmethod
    def _file_alone(cls, data: Any) -> Any:
        return {"file": data} if isinstance(data, str) else data


def _country(value: str) -> str:
    import holidays

    code = value.strip().upper()
    if code not in holidays.list_supported_countries():
        raise ValueError(f"unknown country {value!r} (expected an ISO 3166 code such as DK, SE, NO or GB)")
    return code


class ClosedPeriod(_Model):
    start: dt.date = Field(alias="from")
    """The first day of the period (YYYY-MM-DD)."""
    end: dt.date = Field(alias="to")
    """The last day of the period (YYYY-MM-DD)."""
    name: LocalisedLine = ""
    """What the period is, e.g. the summer holiday."""

    @model_validator(mode="after")
    def _in_order(self) -> ClosedPeriod:
        if self.start > self.end:
            raise ValueError(f"'from' ({self.start}) is after 'to' ({self.end})")
        return self


class Calendar(_Model):
    """Working days: dates kitbuilder computes fall on them; dates you give are checked against them."""

    country: Annotated[str, AfterValidator(_country)] | None = None
    """Whose public holidays count, as an ISO 3166 code; by default the first locale's country (da: DK, sv: SE, nb: NO, en: GB)."""
    closed: list[ClosedPeriod] = []
    """Periods with no meetings, e.g. [{from: 2027-07-05, to: 2027-07-30, name: summer holiday}]."""


def _loopback(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() == "localhost"


class Mail(_Model):
    """The organisation's mail server, for ``kitbuilder send``; the password is never in the config."""

    host: RequiredLine
    """The SMTP server, e.g. smtp.office365.com."""
    port: int = Field(587, gt=0, lt=65536)
    """The SMTP port: 587 for STARTTLS, 465 for SSL."""
    security: Literal["starttls", "ssl", "none"] = "starttls"
    """How the connection is encrypted; none only for a server on this machine (127.0.0.1)."""
    username: Line = ""
    """The login name, when the server asks for one (the password comes from KITBUILDER_SMTP_PASSWORD or a prompt)."""
    sender: Person = Field(alias="from")
    """Who the e-mails come from: {name, email}."""
    reply_to: EmailAddress = ""
    """Where replies go, when not to the sender."""
    per_minute: int | None = Field(None, gt=0, le=10_000)
    """At most this many e-mails a minute, for servers that limit the rate (Microsoft 365: 30); none: no limit."""

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise ValueError("a password never goes in the config: set KITBUILDER_SMTP_PASSWORD, "
                             "or let kitbuilder send ask for it")
        return data

    @model_validator(mode="after")
    def _plain_only_here(self) -> Mail:
        if self.security == "none" and not _loopback(self.host):
            raise ValueError(f"security: none sends the password and the mail unencrypted; only for a server "
                             f"on this machine (host is {self.host!r}); use starttls or ssl")
        return self


class Config(_Model):
    """A kitbuilder organisation config."""

    organisation: Organisation
    """The organisation the kit is for."""
    locales: list[LocaleCode] = Field(default_factory=lambda: ["da", "sv", "nb"], min_length=1)
    """The languages to build; da, sv and nb by default (en also ships)."""
    kits: list[KitId] = Field(default_factory=lambda: list(kits.KITS), min_length=1)
    """The kits to build; by default all (results-meeting only when there is a survey)."""
    paper: Literal["A4", "Letter"] = "A4"
    """The paper size; the prioritisation map prints on A3 (Tabloid with Letter)."""
    branding: Branding = Branding()
    """Logo, colours, font and restyled templates."""
    workshops: Workshops = Field(default_factory=Workshops)  # type: ignore[valid-type]
    """Dates, times, places and minutes of the workshops."""
    themes: Themes = Themes()
    """The themes chosen, the organisation's own and their ratings."""
    action_cards: dict[ThemeId, ActionCard] = {}
    """Prefilled action-card fields per theme id."""
    leaders: list[Leader] = []
    """The leaders, each of whom gets a personalised dialogue guide and results handout."""
    leaders_file: ExistingFile | None = None
    """A CSV or XLSX file with the columns name, unit, manager, email, manager_email, meeting, place, locale (or their Danish, Swedish or Norwegian names)."""
    survey: Survey | None = None
    """Survey results: a file, or {file, scale, min_respondents, current, previous}."""
    timezone: Annotated[str, AfterValidator(_timezone)] | None = None
    """The time zone of meeting times; by default the locale's (Europe/Copenhagen for da)."""
    dialogue: Dialogue = Dialogue()
    """The leader's dialogue with their own manager."""
    support: Support = Support()
    """The support offered after a leadership evaluation."""
    calendar: Calendar = Calendar()
    """Public holidays and closed periods: computed dates fall on working days."""
    mail: Mail | None = None
    """The mail server that kitbuilder send uses."""
    text: dict[LocaleCode, dict[str, Union[LongText, list[LongText], dict[str, LongText]]]] = {}
    """Per-locale overrides of any locale text key, e.g. {da: {'wellbeing_plan.title': '…'}}; a text with a number takes its plural forms, {one: …, other: …}."""

    _file: Path = PrivateAttr(default=Path("config.yaml"))
    _content_sha256: str = PrivateAttr(default="")

    @property
    def file(self) -> Path:
        """The config file this was loaded from."""
        return self._file

    @property
    def content_sha256(self) -> str:
        """The SHA-256 of the config file's settings as written, leaving out those no built file
        prints (``mail`` and the e-mail's texts), so setting up sending keeps a build current."""
        return self._content_sha256

    @model_validator(mode="before")
    @classmethod
    def _printable(cls, data: Any) -> Any:
        """Drop characters XML cannot hold, so any text prints as typed (and nothing else)."""
        return printable(data)

    @model_validator(mode="after")
    def _unique_lists(self) -> Config:
        for name in ("locales", "kits"):
            values = getattr(self, name)
            if len(set(values)) != len(values):
                raise ValueError(f"{name}: each entry may appear only once")
        return self


# --- loading --------------------------------------------------------------------------------

def load_config(path: str | Path, overrides: dict[str, Any] | None = None, *, text: str | None = None) -> Config:
    """Read, validate and return the config at ``path``.

    ``overrides`` replace top-level keys (as the CLI's ``--locale`` does); empty values
    are ignored. ``text``, when given, is validated as if it were the file's content (an
    edit checked before it is saved), with paths relative to the file's folder.

    Raises :class:`ConfigError` listing every problem found (YAML syntax, unknown keys,
    wrong types, unknown ids, missing files, bad text overrides).
    """
    path = Path(path)
    display = display_path(path)
    try:
        doc = load_yaml(path, display_name=display, text=text)
    except YamlSyntaxError as exc:
        raise ConfigError(exc.problems) from None
    if not isinstance(doc.data, dict):
        raise ConfigError(doc.problem((), "expected a mapping of settings (organisation:, locales:, …)"))
    content_sha256 = _content_sha256(doc.data)
    declared_locales = doc.data.get("locales")  # the organisation's own, before --locale picks some
    doc.data.update({key: value for key, value in (overrides or {}).items() if value})
    context = {"config_dir": path.resolve().parent, "custom_themes": _custom_theme_ids(doc.data)}
    problems = _text_override_problems(doc)
    try:
        config = Config.model_validate(doc.data, context=context)
    except ValidationError as exc:
        raise ConfigError(_problems(doc, exc.errors()) + problems) from None
    problems += _cross_checks(config, doc)
    if "results-meeting" in config.kits and config.survey is None:
        if "kits" in doc.data:
            problems.append(doc.problem(("kits",), "the results-meeting kit needs survey: (a CSV or XLSX file of results)"))
        else:  # built by default only when there are results to show
            config = config.model_copy(update={"kits": [kit for kit in config.kits if kit != "results-meeting"]})
    if problems:
        raise ConfigError(problems)
    config = _organisation_country(config, declared_locales)
    if config.leaders_file:
        from .leaders import load_leaders  # leaders.py builds on this module's Leader

        config = config.model_copy(update={"leaders": load_leaders(config.leaders_file)})
    config._file = path
    config._content_sha256 = content_sha256
    return config


def _organisation_country(config: Config, declared_locales: Any) -> Config:
    """``config`` with the organisation's country and time zone filled in where not given:
    its first declared locale's (before ``--locale`` picks some), so every language's kit of
    one organisation has the same holidays and meeting times."""
    first = declared_locales[0] if isinstance(declared_locales, list) and declared_locales else config.locales[0]
    home = load_locale(first if first in available_locales() else config.locales[0])
    country = config.calendar.country or home.country
    zones = [load_locale(code).timezone for code in available_locales() if load_locale(code).country == country]
    update: dict[str, Any] = {"calendar": config.calendar.model_copy(update={"country": country})}
    if config.timezone is None and zones:
        update["timezone"] = home.timezone if home.timezone in zones else zones[0]
    return config.model_copy(update=update)


def input_files(config: Config) -> dict[str, Path]:
    """The data files a build reads besides the config, by config key."""
    files = {"leaders_file": config.leaders_file, "survey.file": config.survey.file if config.survey else None,
             "branding.logo": config.branding.logo}
    return {key: path for key, path in files.items() if path is not None}


def input_hashes(config: Config) -> dict[str, str]:
    """The SHA-256 of what a build reads, by config key: the config itself (its
    :attr:`~Config.content_sha256`) and the data files it names."""
    from ..writer import sha256_of

    return {"config": config.content_sha256,
            **{key: sha256_of(path.read_bytes()) for key, path in input_files(config).items()}}


def _content_sha256(data: dict) -> str:
    from ..writer import sha256_of

    built = {key: value for key, value in data.items() if key != "mail"}
    if isinstance(built.get("text"), dict):
        texts = {code: {key: value for key, value in keys.items() if not str(key).startswith("mail.")}
                 if isinstance(keys, dict) else keys for code, keys in built.pop("text").items()}
        texts = {code: keys for code, keys in texts.items() if keys}
        if texts:
            built["text"] = texts
    # ASCII JSON: a config may hold lone surrogates (dropped later), which UTF-8 cannot encode
    return sha256_of(json.dumps(_string_keys(built), sort_keys=True, default=str).encode("ascii"))


def _string_keys(value: Any) -> Any:
    """``value`` with every mapping key a string, so JSON can sort them (YAML allows numbers as keys)."""
    if isinstance(value, dict):
        return {str(key): _string_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_string_keys(item) for item in value]
    return value


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the config, for editors and other tools."""
    schema = Config.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "kitbuilder organisation config"
    return schema


def _custom_theme_ids(data: dict) -> set[str]:
    custom = (data.get("themes") or {}).get("custom") if isinstance(data.get("themes"), dict) else None
    if not isinstance(custom, list):
        return set()
    return {c["id"] for c in custom if isinstance(c, dict) and isinstance(c.get("id"), str)}


def _problems(doc: YamlDocument, errors: list[dict]) -> list[Problem]:
    """One problem per location: a text-or-mapping union gives two errors, shown as one."""
    by_loc: dict[tuple, list[dict]] = {}
    for err in errors:
        # pydantic names union branches and validators in the location; users never wrote those
        loc = tuple(part for part in err["loc"] if not (isinstance(part, str) and (
            part in {"str", "constrained-str", "list"} or "[" in part or part.endswith("-keys"))))
        by_loc.setdefault(loc, []).append(err)
    problems = []
    for loc, errs in by_loc.items():
        deeper = any(other[:len(loc)] == loc and len(other) > len(loc) for other in by_loc)
        if deeper and {e["type"] for e in errs} <= {"string_type", "list_type"}:
            continue  # the mapping branch of a union found the fault further in; that one is shown
        if {e["type"] for e in errs} >= {"string_type", "dict_type"}:
            problems.append(doc.problem(loc, "expected a text, or one text per locale ({da: …, sv: …})"))
        else:
            # a text-or-mapping union also reports "not a mapping" when the text itself is at fault
            real = [e for e in errs if e["type"] not in {"dict_type", "list_type"}]
            problems.extend(_problem(doc, loc, err) for err in (real or errs))
    return problems


def _problem(doc: YamlDocument, loc: tuple, err: dict) -> Problem:
    if err["type"] == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return doc.problem(loc, f"unknown key; {hint}allowed: {', '.join(allowed)}" if allowed else "unknown key")
    return doc.problem(loc, _message(err))


def _message(err: dict) -> str:
    """What a pydantic error means, in the words of the config's reference."""
    kind = err["type"]
    if kind == "missing":
        message = "required but missing"
    elif kind in {"datetime_parsing", "datetime_from_date_parsing", "datetime_type"}:
        message = "expected a date and a time, YYYY-MM-DDTHH:MM"
    elif (bad := _bad_value(err)) is not None:
        message = str(bad)
    elif kind == "value_error":
        message = str(err["ctx"]["error"])
    else:
        message = err["msg"][0].lower() + err["msg"][1:]
    if kind not in {"missing", "value_error", "string_too_long", "string_too_short"} and "input" in err \
            and not isinstance(err["input"], (dict, list)):
        shown = repr(err["input"])
        message += f" (got {shown[:60]}{'…' if len(shown) > 60 else ''})"
    return message


def problem_key(err: dict) -> dict[str, Any]:
    """A pydantic error's message key and parameters for a :class:`Problem` of a table file (a
    missing value is one left empty; none for the kinds a page does not say in its own words):
    ``Problem(file, path, message, **problem_key(err))``."""
    bad = required_but_empty() if err["type"] == "missing" else _bad_value(err)
    return {"key": bad.key, "params": bad.params} if bad is not None else {}


def _bad_value(err: dict) -> BadValue | None:
    """A pydantic error as a :class:`BadValue`, for the kinds that have a message key."""
    kind, error = err["type"], err.get("ctx", {}).get("error")
    if kind == "string_too_short" and err["ctx"].get("min_length") == 1:
        return required_but_empty()
    if kind == "string_too_long":
        return too_long(len(err["input"]), err["ctx"]["max_length"])
    return error if isinstance(error, BadValue) else None


def _allowed_keys(loc: tuple) -> list[str]:
    """The keys a mapping at ``loc`` may hold, walking the schema models."""
    model: Any = Config
    for part in loc:
        if isinstance(part, int) or model is None:
            model = _inner_model(model, list_item=True)
            continue
        fields = getattr(model, "model_fields", {})
        if part in fields:
            model = _inner_model(fields[part].annotation)
        elif any(f.alias == part for f in fields.values()):
            model = _inner_model(next(f.annotation for f in fields.values() if f.alias == part))
        else:
            model = _inner_model(model, dict_value=True)
    if not isinstance(model, type) or not issubclass(model, BaseModel):
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _inner_model(annotation: Any, list_item: bool = False, dict_value: bool = False) -> Any:
    """The model inside ``Optional[...]``, ``list[...]`` or ``dict[..., ...]``."""
    from typing import get_args, get_origin

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        if get_origin(annotation) is dict and arg is get_args(annotation)[0]:
            continue
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _cross_checks(config: Config, doc: YamlDocument) -> list[Problem]:
    """Rules that span several fields; each problem points at the field to change."""
    problems: list[Problem] = []
    for index, theme in enumerate(config.themes.custom):
        if theme.id in kits.THEMES:
            problems.append(doc.problem(("themes", "custom", index, "id"),
                                        f"{theme.id!r} is one of the twelve built-in themes; pick another id"))
    for index, theme_id in enumerate(config.themes.parked):
        if theme_id in config.themes.ratings:
            problems.append(doc.problem(("themes", "parked", index), f"{theme_id!r} is also rated; a theme goes "
                                        "either on the map by its rating or in the parking area"))
        elif theme_id in config.themes.parked[:index]:
            problems.append(doc.problem(("themes", "parked", index), f"{theme_id!r} is listed twice"))
    ids = [t.id for t in config.themes.custom]
    for index, theme_id in enumerate(ids):
        if theme_id in ids[:index]:
            problems.append(doc.problem(("themes", "custom", index, "id"), f"{theme_id!r} is used twice"))
    first_row: dict[str, int] = {}
    for index, leader in enumerate(config.leaders):
        key = leader.name.casefold()
        if key in first_row:
            problems.append(doc.problem(("leaders", index, "name"),
                                        f"{leader.name!r} is already listed as leaders[{first_row[key]}]; each leader once"))
        first_row.setdefault(key, index)
    problems += [doc.problem(path, f"no text for locale {code!r}; give one per built locale or one text for all")
                 for path, code in _missing_locales(config, config.locales)]
    if config.leaders and config.leaders_file:
        problems.append(doc.problem(("leaders_file",), "give leaders inline or leaders_file, not both"))
    return problems


def _missing_locales(value: Any, codes: list[str], path: tuple = ()) -> list[tuple[tuple, str]]:
    """(field path, locale) of every per-locale text that lacks one of ``codes``."""
    missing: list[tuple[tuple, str]] = []
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            item, key = getattr(value, name), path + (info.alias or name,)
            if LOCALISED in info.metadata and isinstance(item, dict):
                missing += [(key, code) for code in codes if code not in item]
            else:
                missing += _missing_locales(item, codes, key)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            missing += _missing_locales(item, codes, path + (index,))
    elif isinstance(value, dict):
        for key, item in value.items():
            missing += _missing_locales(item, codes, path + (key,))
    return missing


def config_for_locale(config: Config, code: str) -> Config:
    """``config`` with every per-locale text replaced by locale ``code``'s text.

    Assembly works on one locale at a time and sees plain strings only.
    """
    return _resolve(config, code)  # model_copy keeps private attributes (the file, leaders' rows)


def _resolve(value: Any, code: str) -> Any:
    if isinstance(value, BaseModel):
        updates = {}
        for name, info in type(value).model_fields.items():
            item = getattr(value, name)
            new = item.get(code, "") if LOCALISED in info.metadata and isinstance(item, dict) else _resolve(item, code)
            if new is not item:
                updates[name] = new
        if not updates:
            return value
        return value.model_copy(update=updates)
    if isinstance(value, list):
        items = [_resolve(item, code) for item in value]
        return items if any(a is not b for a, b in zip(items, value)) else value
    if isinstance(value, dict):
        items = {key: _resolve(item, code) for key, item in value.items()}
        return items if any(items[key] is not value[key] for key in value) else value
    return value


def _text_override_problems(doc: YamlDocument) -> list[Problem]:
    """Check ``text:`` keys against the locales' content (before the schema, so both show)."""
    text = doc.data.get("text")
    if not isinstance(text, dict):
        return []
    problems: list[Problem] = []
    for code, overrides in text.items():
        if code not in available_locales() or not isinstance(overrides, dict):
            continue  # the schema reports these
        try:
            load_locale(code).with_overrides(overrides, source=doc.file, path=f"text.{code}")
        except ContentError as exc:
            problems.extend(Problem(p.file, p.path, p.message, doc.line(("text", code, p.path.split(".", 2)[-1])))
                            for p in exc.problems)
    return problems


__all__ += ["format_path"]
