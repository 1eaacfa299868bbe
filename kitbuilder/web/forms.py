"""The guided form: the config's sections as fields, driven by the schema's models.

Each field comes from a field of :class:`~kitbuilder.inputs.config.Config` (or a model
inside it): its type chooses the input (text, date and time pickers, numbers, lists of
choices, colour pickers, files, rows of a list), its docstring is the help text, and its
dotted path (``workshops.prepare.date``, ``support.contacts[0].name``) is the input's name,
so a problem the config check reports lands beside its field. A field the schema gains
later shows up in its section, or under "other settings", without a change here; a shape
the form has no input for says to edit it in the YAML.

A posted section becomes edits of the YAML (:class:`~kitbuilder.web.roundtrip.RoundTrip`):
only values that differ from the file are written, so comments and the rest stay as they
were. A text that may differ per language (``{da: …, sv: …}``) is shown as one input per
built language and saved as one text when all are the same.
"""

from __future__ import annotations

import datetime as dt
import re
import types
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .. import kits
from ..assemble.common import fill
from ..inputs.config import Config
from ..inputs.yamlfile import format_path
from ..locales import LocaleContent, available_locales, load_locale
from .roundtrip import RoundTrip

__all__ = ["SECTIONS", "Field", "FormBuilder", "apply_section", "every_field", "field_key", "survey_as_mapping"]

Path_ = tuple[str | int, ...]

#: The form's sections, in the order of the page, and the config keys each holds. Keys the
#: schema has and no section names go to "other"; ``text`` is edited in the YAML only.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("organisation", ("organisation",)),
    ("languages", ("locales", "kits", "paper", "timezone")),
    ("workshops", ("workshops",)),
    ("calendar", ("calendar",)),
    ("themes", ("themes",)),
    ("action_cards", ("action_cards",)),
    ("leaders", ("leaders_file", "leaders")),
    ("dialogue", ("dialogue",)),
    ("survey", ("survey",)),
    ("branding", ("branding",)),
    ("support", ("support",)),
    ("mail", ("mail",)),
)
YAML_ONLY = ("text",)
OTHER = "other"


def section_keys(section: str) -> tuple[str, ...]:
    named = dict(SECTIONS)
    if section in named:
        return named[section]
    if section == OTHER:
        listed = {key for _, keys in SECTIONS for key in keys} | set(YAML_ONLY)
        return tuple(key for key in _keys(Config) if key not in listed)
    raise KeyError(section)


def section_ids() -> list[str]:
    return [section for section, _ in SECTIONS] + ([OTHER] if section_keys(OTHER) else [])


@dataclass
class Field:
    """One input of the form (or a group of them)."""

    path: Path_
    kind: str
    label: str
    help: str = ""
    value: Any = None
    required: bool = False
    default: Any = None
    options: list[tuple[str, str]] = field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    step: str = "1"
    multiline: bool = False
    #: The languages a per-language text is edited in.
    locales: list[str] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    #: For a list of items: each item's fields (the last row is blank, to add one).
    rows: list[list[Field]] = field(default_factory=list)
    #: For a list of items: the fields of one item, as column headings.
    columns: list[Field] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: The input's name when it differs from the path (a new row is written after the others).
    form_name: str = ""
    #: A section the config may leave out (``survey:``): written only when something is filled in.
    optional: bool = False

    @property
    def name(self) -> str:
        return self.form_name or format_path(self.path)

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^\w-]+", "-", self.name).strip("-")

    def text_value(self, locale: str | None = None) -> str:
        """The value as an input shows it."""
        value = self.value
        if locale is not None and isinstance(value, dict):
            value = value.get(locale, "")
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%dT%H:%M")
        if isinstance(value, dt.time):
            return value.strftime("%H:%M")
        if isinstance(value, (list, tuple)):
            return ", ".join(_number_text(v) for v in value)
        if isinstance(value, float):
            return _number_text(value)
        return str(value)


def field_key(path: Path_) -> str:
    """A field's key in the page's words (``fields:``, ``help:``, ``choices:``): its path with
    ``/`` between the parts, without list indexes, with a workshop step or an action card's
    theme as ``*`` (``workshops/*/venue``, ``support/contacts/name``)."""
    parts = [str(part) for part in path if not isinstance(part, int)]
    if len(parts) > 2 and parts[0] in {"workshops", "action_cards"}:
        parts[1] = "*"
    return "/".join(parts)


def every_field(fields: list[Field]):
    """``fields`` and every field inside them (a group's, a list's columns)."""
    for made in fields:
        yield made
        yield from every_field([*made.children, *made.columns])


def _number_text(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# --- reading the schema ----------------------------------------------------------------------

def _keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _unwrap(annotation: Any, metadata: list | None = None) -> tuple[Any, bool, list]:
    """The type inside ``Optional`` and ``Annotated``, whether None is allowed, and the
    constraints and validators met on the way."""
    metadata = list(metadata or [])
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            for item in extra:
                metadata += item.metadata if isinstance(item, FieldInfo) else [item]
        elif origin in (Union, types.UnionType) and type(None) in get_args(annotation):
            rest = [arg for arg in get_args(annotation) if arg is not type(None)]
            optional = True
            annotation = rest[0] if len(rest) == 1 else Union[tuple(rest)]
        else:
            return annotation, optional, metadata


def _validators(metadata: list) -> set[str]:
    return {getattr(getattr(item, "func", None), "__name__", "") for item in metadata}


def _bounds(metadata: list) -> tuple[float | None, float | None]:
    low = high = None
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Gt):
            low = item.gt + 1 if isinstance(item.gt, int) else item.gt
        elif isinstance(item, annotated_types.Le):
            high = item.le
        elif isinstance(item, annotated_types.Lt):
            high = item.lt - 1 if isinstance(item.lt, int) else item.lt
    return low, high


def _max_length(metadata: list) -> int | None:
    return next((item.max_length for item in metadata if isinstance(item, annotated_types.MaxLen)), None)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_localised(annotation: Any) -> bool:
    if get_origin(annotation) not in (Union, types.UnionType):
        return False
    bases = [_unwrap(arg)[0] for arg in get_args(annotation)]
    return str in bases and any(get_origin(base) is dict for base in bases)


#: Names the help texts and choices keep in every language, filled into their {placeholders}
#: (``zone``, the page language's time zone, is added per page).
TERMS = {"map_paper": "A3", "tables": "CSV, XLSX", "images": "PNG, JPEG, SVG", "wcag": "WCAG AA", "host": "smtp.office365.com",
         "starttls": "STARTTLS", "ssl": "SSL", "variable": "KITBUILDER_SMTP_PASSWORD"}

#: Texts longer than this are edited in a box of several lines.
_MULTILINE_FROM = 500


class FormBuilder:
    """Builds the fields of a section from the schema, the config's current values and the
    words of the page's language."""

    def __init__(self, words, data: dict, ui: LocaleContent, problems: list | None = None,
                 survey: dict | None = None):
        self.words = words
        self.data = data if isinstance(data, dict) else {}
        self.ui = ui
        locales = self.data.get("locales")
        known = available_locales()
        self.locales = [code for code in locales if code in known] if isinstance(locales, list) else []
        self.locales = self.locales or ["da", "sv", "nb"]
        self.problems = list(problems or [])
        #: What was read from the survey file (see :func:`kitbuilder.web.files.survey_summary`):
        #: its periods to choose from and its names to give labels.
        self.survey = survey if survey and survey.get("read") else {}

    # labels, help and the texts of choices come from the page's words where it has them
    def label(self, path: Path_) -> str:
        labels = self.words.section("fields")
        for key in (field_key(path), str(path[-1])):
            if key in labels:
                return labels[key]
        return str(path[-1]).replace("_", " ").replace("-", " ").capitalize()

    def help(self, path: Path_, description: str | None) -> str:
        """The field's help in the page's language; the schema's (English) description when it has none."""
        text = (self.words.text.get("help") or {}).get(field_key(path))
        return self._terms(text) if text else description or ""

    def _choice(self, path: Path_, value: str) -> str:
        """The text of a choice (``default`` names the blank one), else the value as a term or as it is."""
        texts = (self.words.text.get("choices") or {}).get(field_key(path)) or {}
        return self._terms(texts[value]) if value in texts else "" if value == "default" else TERMS.get(value, value)

    def _terms(self, text: str) -> str:
        return fill(text, **TERMS, zone=self.ui.timezone)

    def section(self, section: str) -> list[Field]:
        fields = []
        for key in section_keys(section):
            name = next(name for name, info in Config.model_fields.items() if (info.alias or name) == key)
            fields.append(self.field((key,), Config.model_fields[name], self.data.get(key)))
        return fields

    def field(self, path: Path_, info: FieldInfo, value: Any) -> Field:
        annotation, optional, metadata = _unwrap(info.annotation, info.metadata)
        default = None if info.is_required() or info.default_factory else info.default
        made = self._field(path, annotation, metadata, value)
        made.help = self.help(path, info.description)
        made.required = info.is_required() and not optional
        made.optional = optional
        if made.default is None and default not in (None, "", [], {}):
            made.default = default
        made.problems = self._problems_at(made.name) if made.kind not in {"group", "rows"} else []
        return made

    def _problems_at(self, name: str) -> list[str]:
        found = [p for p in self.problems if p.path == name or p.path.startswith((name + ".", name + "["))]
        for problem in found:
            self.problems.remove(problem)
        return [p.message for p in found]

    def _field(self, path: Path_, annotation: Any, metadata: list, value: Any) -> Field:
        label = self.label(path)
        checks = _validators(metadata)
        if path == ("themes",):
            return self._themes(path, label, value)
        if path == ("action_cards",):
            return self._cards(path, label, value)
        if _is_model(annotation):
            if path == ("survey",) and isinstance(value, str):
                value = {"file": value}
            values = value if isinstance(value, dict) else {}
            children = [self.field(path + (info.alias or name,), info, values.get(info.alias or name))
                        for name, info in annotation.model_fields.items()]
            return Field(path, "group", label, children=children)
        if _is_localised(annotation):
            length = max((_max_length(_unwrap(arg)[2]) or 0) for arg in get_args(annotation))
            return Field(path, "localised", label, value=value, locales=self.locales,
                         multiline=length >= _MULTILINE_FROM)
        origin, args = get_origin(annotation), get_args(annotation)
        if origin is list and args:
            item, _, item_metadata = _unwrap(args[0])
            item_checks = _validators(item_metadata)
            if _is_model(item):
                return self._rows(path, label, item, value)
            if "_locale_code" in item_checks:
                options = [(code, load_locale(code).name) for code in available_locales()]
                return Field(path, "checks", label, value=value, options=options)
            if "_kit_id" in item_checks:
                options = [(kit, self.ui.text[kits.kit_namespace(kit)]["title"]) for kit in kits.KITS]
                return Field(path, "checks", label, value=value, options=options)
            if item in (int, float):
                low, high = _bounds(item_metadata)
                return Field(path, "numbers", label, value=value, minimum=low, maximum=high)
        if origin is tuple and args and all(_unwrap(arg)[0] in (int, float) for arg in args):
            return Field(path, "numbers", label, value=value)
        if path == ("survey", "labels"):
            return self._labels(path, label, value)
        if origin is dict and args and get_origin(_unwrap(args[0])[0]) is Literal and _unwrap(args[1])[0] is int:
            step = path[-2]
            options = [(row, self._row_label(step, row)) for row in get_args(_unwrap(args[0])[0])]
            defaults = dict(next(s.rows for s in (*kits.STEPS, kits.RESULTS_MEETING) if s.id == step))
            return Field(path, "minutes", label, value=value if isinstance(value, dict) else {}, options=options,
                         default=defaults)
        if get_origin(annotation) is Literal:
            options = [(str(v), self._choice(path, str(v))) for v in get_args(annotation)]
            return Field(path, "select", label, value=value, options=options)
        if annotation is bool:
            return Field(path, "bool", label, value=value)
        if annotation in (int, float):
            low, high = _bounds(metadata)
            return Field(path, "number", label, value=value, minimum=low, maximum=high,
                         step="1" if annotation is int else "any")
        if annotation is dt.datetime:
            return Field(path, "datetime", label, value=value)
        if annotation is dt.date:
            return Field(path, "date", label, value=value)
        if annotation is dt.time:
            return Field(path, "time", label, value=value)
        if annotation is Path:
            kind = "folder" if "_existing_dir" in checks else "file"
            return Field(path, kind, label, value=value, help="")
        if annotation is str:
            if "_colour" in checks:
                return Field(path, "colour", label, value=value)
            if "_email_address" in checks:
                return Field(path, "email", label, value=value)
            if "_locale_code" in checks:
                return self._select(path, label, value, [(code, load_locale(code).name) for code in available_locales()])
            if "_country" in checks:
                return self._select(path, label, value, self._countries())
            if path in {("survey", "current"), ("survey", "previous")} and self.survey:
                return self._select(path, label, value, [(period, period) for period in self.survey["periods"]])
            return Field(path, "text", label, value=value, multiline=(_max_length(metadata) or 0) >= _MULTILINE_FROM)
        return Field(path, "yaml", label, value=value)

    def _select(self, path: Path_, label: str, value: Any, options: list[tuple[str, str]]) -> Field:
        """A choice among ``options``, the first one blank (the default, as the page's words
        name it); a value the options lack stays shown, so saving as shown keeps it."""
        if isinstance(value, str) and value and value not in dict(options):
            options = [(value, value), *options]
        return Field(path, "select", label, value=value, options=[("", self._choice(path, "default")), *options])

    def _countries(self) -> list[tuple[str, str]]:
        """The countries whose public holidays kitbuilder knows, by name in the page's language."""
        import holidays
        from babel import Locale

        names = Locale.parse(self.ui.babel).territories
        found = [(code, names.get(code, code)) for code in holidays.list_supported_countries() if len(code) == 2]
        return sorted(found, key=lambda option: option[1].casefold())

    def _labels(self, path: Path_, label: str, value: Any) -> Field:
        """The survey's areas and units with their names in each language: one row per name in
        the file (and per label of a name it lacks), one input per built language."""
        labels = value if isinstance(value, dict) else {}
        names = [*self.survey.get("areas", ()), *self.survey.get("units", ())]
        names = list(dict.fromkeys([*names, *(str(name) for name in labels)]))
        return Field(path, "labels", label, value=labels, options=[(name, name) for name in names],
                     locales=self.locales)

    def _rows(self, path: Path_, label: str, item: type[BaseModel], value: Any) -> Field:
        items = value if isinstance(value, list) else []
        rows = []
        for index, entry in enumerate([*items, {}]):
            entry = entry if isinstance(entry, dict) else {}
            rows.append([self.field(path + (index, info.alias or name), info, entry.get(info.alias or name))
                         for name, info in item.model_fields.items()])
        columns = [self.field(path + (0, info.alias or name), info, None) for name, info in item.model_fields.items()]
        for column in columns:
            column.problems = []
        return Field(path, "rows", label, value=items, rows=rows, columns=columns)

    def _row_label(self, step: str, row: str) -> str:
        if step == kits.RESULTS_MEETING.id:
            return self.ui.text["results_meeting"]["parts"][row]["title"]
        return self.ui.text["wellbeing_decks"]["rows"][step][row]

    # --- the themes and the action cards ---------------------------------------------------

    def themes(self) -> list[dict]:
        """Every theme (the twelve and the config's own) with its number and title in the page's language."""
        plan = self.ui.text["wellbeing_plan"]["themes"]
        found = [{"id": theme_id, "number": number, "title": plan[theme_id]["title"]}
                 for number, theme_id in enumerate(kits.THEMES, start=1)]
        custom = ((self.data.get("themes") or {}) if isinstance(self.data.get("themes"), dict) else {}).get("custom")
        for entry in custom if isinstance(custom, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                title = entry.get("title", "")
                if isinstance(title, dict):
                    title = title.get(self.ui.code) or next(iter(title.values()), "")
                found.append({"id": entry["id"], "number": len(found) + 1, "title": str(title), "custom": True})
        return found

    def _themes(self, path: Path_, label: str, value: Any) -> Field:
        from ..inputs.config import Themes

        values = value if isinstance(value, dict) else {}
        custom = self.field(path + ("custom",), Themes.model_fields["custom"], values.get("custom"))
        chosen = Field(path, "themes", label, value=values, children=[custom])
        chosen.problems = self._problems_at(format_path(path + ("selected",))) + \
            self._problems_at(format_path(path + ("ratings",))) + self._problems_at(format_path(path + ("parked",)))
        return chosen

    def _cards(self, path: Path_, label: str, value: Any) -> Field:
        from ..inputs.config import ActionCard

        values = value if isinstance(value, dict) else {}
        themes = self.data.get("themes") if isinstance(self.data.get("themes"), dict) else {}
        selected = themes.get("selected") if isinstance(themes.get("selected"), list) else []
        titles = {theme["id"]: theme["title"] for theme in self.themes()}
        groups = []
        for theme_id in dict.fromkeys([*selected, *values]):
            if not isinstance(theme_id, str):
                continue
            card = values.get(theme_id) if isinstance(values.get(theme_id), dict) else {}
            children = [self.field(path + (theme_id, info.alias or name), info, card.get(info.alias or name))
                        for name, info in ActionCard.model_fields.items()]
            for child in children:
                child.label = self.ui.text["wellbeing_plan"]["card"]["fields"].get(str(child.path[-1]), child.label)
            groups.append(Field(path + (theme_id,), "group", titles.get(theme_id, theme_id), children=children))
        return Field(path, "cards", label, children=groups)


# --- from a posted form to edits of the YAML ------------------------------------------------

def survey_as_mapping(document: RoundTrip) -> None:
    """``survey: results.csv`` written out as ``survey: {file: results.csv}``, to set a key beside the file."""
    if isinstance(document.get(("survey",)), str):
        document.set(("survey",), {"file": str(document.get(("survey",)))})


def apply_section(document: RoundTrip, fields: list[Field], form) -> None:
    """Write what ``form`` changes in ``fields`` into ``document``; values left as they are
    are not touched, so their comments and layout stay."""
    if any(made.path == ("survey",) for made in fields):
        survey_as_mapping(document)
    for made in fields:
        _apply(document, made, form)


def _apply(document: RoundTrip, made: Field, form) -> None:
    if made.kind == "group" and made.optional and document.get(made.path) is None and not _filled(made, form):
        return
    if made.kind in {"group", "cards"}:
        for child in made.children:
            _apply(document, child, form)
        return
    if made.kind == "rows":
        _apply_rows(document, made, form)
        return
    if made.kind == "themes":
        _apply_themes(document, made, form)
        return
    if made.kind == "yaml":
        return
    if made.kind == "minutes":
        for row, _ in made.options:
            _store(document, made.path + (row,), _number(form.get(f"{made.name}.{row}", ""), int), required=False)
        return
    if made.kind == "localised":
        _apply_localised(document, made, form)
        return
    if made.kind == "labels":
        _apply_labels(document, made, form)
        return
    _store(document, made.path, _posted(made, form), required=made.required, default=made.default)


def _filled(made: Field, form) -> bool:
    """Whether anything was typed into ``made`` or the fields inside it."""
    names = [made.name] + [f"{made.name}@{code}" for code in made.locales] + \
        [f"{made.name}.{row}" for row, _ in made.options if made.kind == "minutes"]
    shown = "" if made.default is None else str(made.default)  # a choice left at its default is not typed
    return any(str(form.get(name, "")).strip() not in {"", shown} for name in names) or \
        any(_filled(child, form) for child in made.children)


def _store(document: RoundTrip, path: Path_, value: Any, *, required: bool, default: Any = None) -> None:
    if value in ("", None, []) and not required:
        document.delete(path)
    elif document.get(path) is None and default is not None and value == default:
        return  # the default, shown in the form, is not written into a file that leaves it out
    else:
        document.set(path, value)


def _posted(made: Field, form) -> Any:
    raw = form.get(made.name, "")
    raw = raw.strip() if isinstance(raw, str) else raw
    if made.kind == "checks":
        chosen = form.getlist(made.name)
        current = [v for v in (made.value or []) if v in chosen]
        return current + [code for code, _ in made.options if code in chosen and code not in current]
    if made.kind == "bool":
        return made.name in form
    if made.kind == "number":
        return _number(raw, int if made.step == "1" else float)
    if made.kind == "numbers":
        parts = [part for part in re.split(r"[\s,;]+", raw) if part]
        numbers = [_number(part, int) for part in parts]
        return numbers if all(isinstance(n, (int, float)) for n in numbers) else raw
    if made.kind == "date":
        return _parse(raw, dt.date.fromisoformat)
    if made.kind == "time":
        return _parse(raw, lambda text: dt.datetime.strptime(text, "%H:%M").time())
    if made.kind == "datetime":
        return raw  # YYYY-MM-DDTHH:MM as typed; the config reads it as a date and time
    if made.kind == "colour":
        return raw.upper()
    return raw


def _number(raw: str, kind: type) -> Any:
    text = raw.strip().replace(",", ".") if isinstance(raw, str) else raw
    if text == "":
        return ""
    try:
        number = float(text)
    except ValueError:
        return raw  # the check says what is wrong
    return int(number) if kind is int and number == int(number) else number


def _parse(raw: str, parse) -> Any:
    if not raw:
        return ""
    try:
        return parse(raw)
    except ValueError:
        return raw


def _apply_localised(document: RoundTrip, made: Field, form) -> None:
    posted = {code: form.get(f"{made.name}@{code}", "").strip() for code in made.locales}
    current = document.get(made.path)
    if isinstance(current, dict):  # per language already: change only the languages edited
        for code, text in posted.items():
            if text != str(current.get(code, "")):
                _store(document, made.path + (code,), text, required=False)
        if not document.get(made.path):
            _store(document, made.path, "", required=made.required)
        return
    texts = set(posted.values())
    if len(texts) == 1:
        _store(document, made.path, texts.pop(), required=made.required)
    else:
        document.set(made.path, {code: text for code, text in posted.items() if text})


def _apply_labels(document: RoundTrip, made: Field, form) -> None:
    """Each posted name's texts, changed one language at a time (the rows name themselves:
    the survey file may have changed since the page was shown)."""
    index = 0
    while (name := form.get(f"{made.name}[{index}]._name")) is not None:
        current = document.get(made.path + (name,))
        current = current if isinstance(current, dict) else {}
        for code in made.locales:
            text = str(form.get(f"{made.name}[{index}]@{code}", "")).strip()
            if text != str(current.get(code, "")):
                _store(document, made.path + (name, code), text, required=False)
        index += 1


def _apply_rows(document: RoundTrip, made: Field, form) -> None:
    existing = len(made.value)
    removed = []
    for index, row in enumerate(made.rows):
        if f"{made.name}[{index}]._remove" in form:
            removed.append(index)
            continue
        if index >= existing:  # the blank row: added only when something was typed into it
            if not any(_filled(child, form) for child in row):
                continue
            target = len(document.get(made.path) or [])
            row = [_moved(child, made.path, target) for child in row]
            document.set(made.path + (target,), {})
        for child in row:
            _apply(document, child, form)
    for index in sorted(removed, reverse=True):
        if index < existing:
            document.delete(made.path + (index,))
    if made.path and document.get(made.path) == []:
        document.delete(made.path)


def _moved(child: Field, base: Path_, index: int) -> Field:
    """A blank row's field, read from the form under its own name and written where the new item goes."""
    return replace(child, path=base + (index,) + child.path[len(base) + 1:], form_name=child.name,
                   children=[_moved(grandchild, base, index) for grandchild in child.children])


def _apply_themes(document: RoundTrip, made: Field, form) -> None:
    known = [theme_id for theme_id in form.getlist("themes.known")]
    current = made.value.get("selected") if isinstance(made.value.get("selected"), list) else []
    chosen = set(form.getlist("themes.selected"))
    selected = [t for t in current if t in chosen] + [t for t in known if t in chosen and t not in current]
    _store(document, ("themes", "selected"), selected, required=False)
    parked_now = made.value.get("parked") if isinstance(made.value.get("parked"), list) else []
    parked = set(form.getlist("themes.parked"))
    _store(document, ("themes", "parked"),
           [t for t in parked_now if t in parked] + [t for t in known if t in parked and t not in parked_now],
           required=False)
    ratings = made.value.get("ratings") if isinstance(made.value.get("ratings"), dict) else {}
    for theme_id in known:
        importance = _number(form.get(f"themes.ratings.{theme_id}.importance", ""), int)
        success = _number(form.get(f"themes.ratings.{theme_id}.success", ""), int)
        path = ("themes", "ratings", theme_id)
        if importance == "" and success == "":
            document.delete(path)
        elif theme_id not in ratings:
            document.set(path, {key: value for key, value in (("importance", importance), ("success", success))
                                if value != ""})
        else:
            _store(document, path + ("importance",), importance, required=True)
            _store(document, path + ("success",), success, required=True)
    for child in made.children:
        _apply(document, child, form)
