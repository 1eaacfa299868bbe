"""The organisation config: its schema, and loading it into typed, validated objects.

:func:`load_config` reads the YAML, validates it against :class:`Config` and reports every
problem at once, each naming the file, the line, the field path and what is expected::

    config.yaml:12: themes.selected[2]: unknown theme 'x' (known: new-leaders, …)

Paths in the config resolve relative to the config file.
"""

from __future__ import annotations

import datetime as dt
import difflib
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
from ..errors import ConfigError, ContentError, InputError, Problem
from ..locales import available_locales, load_locale
from ..names import display_path
from ..usertext import LINE_MAX, LONG_MAX, NAME_MAX, PARAGRAPH_MAX, TITLE_MAX, printable
from .yamlfile import YamlDocument, YamlSyntaxError, format_path, load_yaml

__all__ = ["Config", "json_schema", "load_config"]


# --- value types --------------------------------------------------------------------------

def _colour(value: str) -> str:
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise ValueError(f"expected a colour as #RRGGBB, e.g. #1F4E79 (got {value!r})")
    return value.upper()


def _locale_code(value: str) -> str:
    known = available_locales()
    if value not in known:
        hint = "; Norwegian Bokmål is 'nb'" if value in {"no", "nn", "nb_NO", "no_NO"} else ""
        raise ValueError(f"unknown locale {value!r} (available: {', '.join(known)}){hint}")
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


def _localised(max_length: int) -> Any:
    """Text in one language for every locale, or per locale: ``{da: …, sv: …}``."""
    return Union[_text(max_length), dict[LocaleCode, _text(max_length)]]


LocalisedTitle, LocalisedParagraph, LocalisedText = (
    _localised(TITLE_MAX), _localised(PARAGRAPH_MAX), _localised(LONG_MAX))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True, str_strip_whitespace=True)


# --- sections -------------------------------------------------------------------------------

class Organisation(_Model):
    name: RequiredLine
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
        venue=(Line, Field("", description="Where the workshop takes place.")),
        facilitator=(Line, Field("", description="Who leads the workshop.")),
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
    """The leader's unit (it must be in the survey file when there is one)."""
    manager: Name = ""
    """The leader's own manager."""
    email: Line = ""
    """The leader's e-mail address, for the calendar invitation."""
    meeting: Annotated[dt.datetime, BeforeValidator(_naive_datetime)] | None = None
    """The dialogue meeting, YYYY-MM-DDTHH:MM (local time in the config's time zone)."""
    place: Line = ""
    """Where the dialogue meeting takes place."""

    _source: str = PrivateAttr(default="")

    @property
    def source(self) -> str:
        """Where the leader was listed, e.g. ``leaders.csv, row 7`` (empty when inline)."""
        return self._source


class Dialogue(_Model):
    """The leader's dialogue with their own manager."""

    prepare_minutes: int = Field(45, gt=0, le=600)
    """Time for the leader to prepare alone."""
    minutes: int = Field(45, gt=0, le=600)
    """Length of the dialogue meeting (and of each follow-up meeting)."""
    follow_up_months: list[Annotated[int, Field(gt=0, le=36)]] = [2, 4, 6]
    """Follow-up meetings, in months after the dialogue meeting (31 January + 1 month is 28 or 29 February)."""
    place: Line = ""
    """The usual meeting place, for leaders who have none of their own."""


class Offer(_Model):
    title: RequiredLine
    """The offer's name, e.g. a seminar or a sparring programme."""
    description: LongText = ""
    """What it is and how to take part."""


class Contact(_Model):
    name: RequiredName
    """The contact person's name."""
    role: Line = ""
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
    """CSV or XLSX with the columns unit, area, period, score, respondents (one row each)."""
    scale: tuple[float, float] = (0, 100)
    """The lowest and highest possible score, e.g. [0, 100] or [1, 5]."""
    min_respondents: int = Field(5, ge=1)
    """A unit with fewer respondents is never shown on its own (counted in the total only)."""
    current: str | None = None
    """The period to present; by default the latest in the file."""
    previous: str | None = None
    """The period to compare with; by default the one before the current."""

    @model_validator(mode="before")
    @classmethod
    def _file_alone(cls, data: Any) -> Any:
        return {"file": data} if isinstance(data, str) else data


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
    """A CSV or XLSX file with the columns name, unit, manager, email, meeting."""
    survey: Survey | None = None
    """Survey results: a file, or {file, scale, min_respondents, current, previous}."""
    timezone: Annotated[str, AfterValidator(_timezone)] | None = None
    """The time zone of meeting times; by default the locale's (Europe/Copenhagen for da)."""
    dialogue: Dialogue = Dialogue()
    """The leader's dialogue with their own manager."""
    support: Support = Support()
    """The support offered after a leadership evaluation."""
    text: dict[LocaleCode, dict[str, Union[LongText, list[LongText]]]] = {}
    """Per-locale overrides of any locale text key, e.g. {da: {'wellbeing_plan.title': '…'}}."""

    _file: Path = PrivateAttr(default=Path("config.yaml"))

    @property
    def file(self) -> Path:
        """The config file this was loaded from."""
        return self._file

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
    if config.leaders_file:
        from .leaders import load_leaders  # leaders.py builds on this module's Leader

        config = config.model_copy(update={"leaders": load_leaders(config.leaders_file)})
    config._file = path
    return config


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
    elif kind == "string_too_long":
        message = f"too long: {len(err['input'])} characters, at most {err['ctx']['max_length']}"
    elif kind == "string_too_short" and err["ctx"].get("min_length") == 1:
        message = "required but empty"
    elif kind == "value_error":
        message = str(err["ctx"]["error"])
    else:
        message = err["msg"][0].lower() + err["msg"][1:]
    if kind not in {"missing", "value_error", "string_too_long", "string_too_short"} and "input" in err \
            and not isinstance(err["input"], (dict, list)):
        shown = repr(err["input"])
        message += f" (got {shown[:60]}{'…' if len(shown) > 60 else ''})"
    return message


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
        if isinstance(theme.title, dict):
            for code in config.locales:
                if code not in theme.title:
                    problems.append(doc.problem(("themes", "custom", index, "title"),
                                                f"no title for locale {code!r}; give one per built locale or one text for all"))
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
    if config.leaders and config.leaders_file:
        problems.append(doc.problem(("leaders_file",), "give leaders inline or leaders_file, not both"))
    return problems


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
