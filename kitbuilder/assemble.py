"""Turn a validated config and the locales' content into the kit model.

Pure functions: no files are read here. Dates, times and numbers are formatted for each
locale with Babel, clock times are computed from the start time and each row's minutes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import replace
from types import MappingProxyType
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from . import kits
from .colours import contrast_warnings
from .names import safe_name
from .config import Config
from .locales import LocaleContent
from .model import (
    ActionCard,
    Branding,
    CalendarEvent,
    CardField,
    ContactPerson,
    Deck,
    DialogueLeader,
    Document,
    Kit,
    LeaderDialogue,
    LocaleKit,
    MapField,
    OfferGroup,
    Organisation,
    RunsheetRow,
    Slide,
    SupportOffers,
    Theme,
    TimelineEntry,
    WellbeingPlan,
    WorkshopStep,
)

__all__ = ["add_months", "assemble_kit", "fill", "map_field", "timezone_for"]

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill(template: str, **values: str) -> str:
    """Replace ``{name}`` placeholders that are given; leave any other brace as typed."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def map_field(importance: int, success: int) -> int:
    """The prioritisation-map field for a rating on the 1–5 scales (3 and above is high).

    1: important, but weak; 2: important and strong; 3: less important, strong;
    4: less important and weak.
    """
    important, succeeding = importance >= 3, success >= 3
    if important:
        return 2 if succeeding else 1
    return 3 if succeeding else 4


def assemble_kit(config: Config, contents: Mapping[str, LocaleContent], logo: bytes | None = None) -> Kit:
    """Build the kit model for every locale in ``config.locales``.

    ``contents`` maps each locale code to its content with the config's text overrides
    already applied; ``logo`` is the prepared logo image (see :mod:`kitbuilder.assets`).
    """
    organisation = Organisation(config.organisation.name, config.organisation.short_name)
    colours = config.branding.colours
    # Only colours the config names are applied, so a restyled template keeps its own.
    chosen = {name: getattr(colours, name) if name in colours.model_fields_set else None
              for name in ("primary", "secondary", "accent")}
    branding = Branding(
        **chosen,
        logo=logo,
        font=config.branding.font,
    )
    warnings = _minute_warnings(config) + tuple(contrast_warnings(chosen, str(config.file)))
    locales = tuple(
        _locale_kit(config, contents[code], organisation, branding) for code in config.locales
    )
    return Kit(organisation, locales, warnings)


def _locale_kit(config: Config, content: LocaleContent, organisation: Organisation,
                branding: Branding) -> LocaleKit:
    text = content.text
    wellbeing = _wellbeing_plan(config, content, organisation) if "wellbeing-plan" in config.kits else None
    dialogue = _leader_dialogue(config, content, organisation) if "leader-dialogue" in config.kits else None
    support = _support_offers(config, content) if "evaluation-follow-up" in config.kits else None
    documents: list[Document] = []
    for spec in kits.DOCUMENTS:
        if spec.kit not in config.kits:
            continue
        document = Document(
            id=spec.id,
            kit=spec.kit,
            number=spec.number,
            format=spec.format,
            template=spec.template,
            file_name=spec.file_name,
            title=text[spec.text_namespace]["documents"][spec.id],
            locale=content.code,
            sheet=spec.sheet,
            namespace=spec.text_namespace,
        )
        if spec.id == "dialogue-guide" and dialogue.leaders:
            # one personalised guide and one calendar file per leader instead of the blank guide
            for leader in dialogue.leaders:
                folder = f"{spec.id}s/{leader.stem}"
                documents.append(replace(document, file_name=f"{folder}.docx", leader=leader))
                documents.append(replace(document, format="ics", template="", file_name=f"{folder}.ics",
                                         leader=leader))
        else:
            documents.append(document)
    return LocaleKit(
        locale=content.code,
        language=content.name,
        organisation=organisation,
        branding=branding,
        paper=config.paper,
        text=_freeze(text),
        documents=tuple(documents),
        wellbeing=wellbeing,
        dialogue=dialogue,
        support=support,
    )


def _localised(value: str | dict[str, str], code: str) -> str:
    return value.get(code, "") if isinstance(value, dict) else value


# --- wellbeing-plan ------------------------------------------------------------------------

def _wellbeing_plan(config: Config, content: LocaleContent, organisation: Organisation) -> WellbeingPlan:
    t = content.text["wellbeing_plan"]
    code = content.code
    themes = tuple(
        Theme(theme_id, number, t["themes"][theme_id]["title"], t["themes"][theme_id]["prompt"])
        for number, theme_id in enumerate(kits.THEMES, start=1)
    ) + tuple(
        Theme(custom.id, number, _localised(custom.title, code), _localised(custom.prompt, code), custom=True)
        for number, custom in enumerate(config.themes.custom, start=len(kits.THEMES) + 1)
    )
    by_id = {theme.id: theme for theme in themes}
    labels = t["card"]["fields"]

    def card(theme: Theme | None, values: Mapping[str, str]) -> ActionCard:
        heading = fill(t["card"]["heading"], theme=theme.title) if theme else t["card"]["blank_title"]
        return ActionCard(
            heading=heading,
            prompt=theme.prompt if theme else "",
            fields=tuple(CardField(fid, labels[fid], values.get(fid, "")) for fid in kits.CARD_FIELDS),
            theme_id=theme.id if theme else None,
        )

    def prefilled(theme_id: str) -> dict[str, str]:
        fields = config.action_cards.get(theme_id)
        if fields is None:
            return {}
        return {alias: _localised(getattr(fields, name), code)
                for name, alias in ((n, n.replace("_", "-")) for n in type(fields).model_fields)}

    if config.themes.selected:
        cards = tuple(card(by_id[tid], prefilled(tid)) for tid in config.themes.selected)
    else:
        cards = tuple(card(None, {}) for _ in range(_BLANK_CARDS))
    # Cards the config fills for themes it did not select still belong in the plan.
    cards += tuple(card(by_id[tid], prefilled(tid)) for tid in config.action_cards
                   if tid not in config.themes.selected)
    example = card(by_id["new-leaders"], t["example_card"])

    placed: dict[int, list[Theme]] = {number: [] for number in kits.MAP_FIELDS}
    for theme_id, rating in config.themes.ratings.items():
        placed[map_field(rating.importance, rating.success)].append(by_id[theme_id])
    map_fields = tuple(
        MapField(number, t["map"]["fields"][str(number)]["name"], t["map"]["fields"][str(number)]["description"],
                 tuple(sorted(placed[number], key=lambda th: th.number)))
        for number in kits.MAP_FIELDS
    )
    steps = tuple(_workshop_step(config, content, spec, number)
                  for number, spec in enumerate(kits.STEPS, start=1))
    decks = tuple(_deck(content, organisation, step, themes, map_fields, example) for step in steps)
    return WellbeingPlan(themes, cards, example, steps, map_fields, decks)


def _deck(content: LocaleContent, organisation: Organisation, step: WorkshopStep, themes: tuple[Theme, ...],
          map_fields: tuple[MapField, ...], example: ActionCard) -> Deck:
    """The slides of one step's run-sheet deck."""
    t = content.text["wellbeing_plan"]
    d = content.text["wellbeing_decks"]
    notes = d["notes"]
    when = f"{step.start}–{step.end}"
    details = [organisation.title_label, step.date, when, step.venue, step.facilitator]
    slides = [
        Slide("title", step.title, notes["title"][step.id], subtitle=t["title"],
              lines=tuple(line for line in details if line)),
        Slide("agenda", f"{d['agenda_title']} · {when}", notes["agenda"],
              lines=tuple(f"{row.start}–{row.end}   {d['rows'][step.id][row.id]}" for row in step.rows)
              + (f"{step.end}   {d['ends']}",)),
        Slide("table", d["runsheet_title"], notes["runsheet"],
              table=(tuple(t["runsheet_columns"][key] for key in ("time", "minutes", "content", "who")),)
              + tuple((f"{row.start}–{row.end}", str(row.minutes), row.content, row.who) for row in step.rows)),
    ]
    if step.id == "prepare":
        slides += [
            Slide("themes", d["themes_title"], notes["themes"], themes=themes),
            Slide("map", d["map_title"], notes["map"], map_fields=map_fields, parking=t["map"]["parking"]["name"],
                  axes=(t["map"]["importance_axis"], t["map"]["success_axis"])),
        ]
    elif step.id == "qualify":
        questions = t["qualify"]["questions"].values()
        slides.append(Slide("content", t["qualify"]["heading"], notes["questions"],
                            lines=tuple(f"{q['name']}: {q['text']}" for q in questions)))
    else:
        slides += [
            Slide("content", d["fields_title"], notes["fields"], lines=tuple(f.label for f in example.fields)),
            Slide("table", t["action_cards"]["example_heading"], notes["example"],
                  table=((example.heading, ""),) + tuple((f.label, f.value) for f in example.fields)),
            Slide("content", t["publish"]["heading"], notes["publish"], lines=tuple(t["publish"]["steps"])),
        ]
    slides.append(Slide("closing", d["closing_title"], notes["closing"], lines=tuple(d["closing"][step.id])))
    return Deck(step.id, tuple(slides))


#: Blank cards printed when the config selects no theme yet.
_BLANK_CARDS = 3


def _workshop_step(config: Config, content: LocaleContent, spec: kits.StepSpec, number: int) -> WorkshopStep:
    t = content.text["wellbeing_plan"]
    settings = getattr(config.workshops, spec.id)
    babel = content.babel
    clock = dt.datetime.combine(settings.date or dt.date(2000, 1, 1), settings.start)
    rows = []
    for row_id, default in spec.rows:
        minutes = settings.minutes.get(row_id, default)
        end = clock + dt.timedelta(minutes=minutes)
        row_text = t["runsheet"][spec.id][row_id]
        rows.append(RunsheetRow(row_id, _time(clock, babel), _time(end, babel), minutes,
                                row_text["content"], row_text["who"]))
        clock = end
    return WorkshopStep(
        id=spec.id,
        number=number,
        title=t["steps"][spec.id]["title"],
        purpose=t["steps"][spec.id]["purpose"],
        date=format_date(settings.date, format="full", locale=babel) if settings.date else "",
        start=rows[0].start,
        end=rows[-1].end,
        minutes=sum(row.minutes for row in rows),
        default_minutes=spec.default_minutes,
        venue=settings.venue,
        facilitator=settings.facilitator,
        rows=tuple(rows),
    )


def _time(moment: dt.datetime, babel: str) -> str:
    return format_time(moment.time(), format="short", locale=babel)


def _minute_warnings(config: Config) -> tuple[str, ...]:
    warnings = []
    for spec in kits.STEPS:
        overrides = getattr(config.workshops, spec.id).minutes
        total = sum(overrides.get(row_id, default) for row_id, default in spec.rows)
        if total != spec.default_minutes:
            warnings.append(
                f"{config.file}: workshops.{spec.id}.minutes: the session now lasts {total} minutes "
                f"instead of {spec.default_minutes}"
            )
    return tuple(warnings)


# --- leader-dialogue ------------------------------------------------------------------------

def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; a day the month lacks becomes its last (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def timezone_for(config: Config, content: LocaleContent) -> str:
    """The time zone meeting times are in: the config's, else the locale's."""
    return config.timezone or content.timezone


def _leader_dialogue(config: Config, content: LocaleContent, organisation: Organisation) -> LeaderDialogue:
    t = content.text["leader_dialogue"]
    settings = config.dialogue
    minutes = {"prepare": str(settings.prepare_minutes), "dialogue": str(settings.minutes)}
    zone = ZoneInfo(timezone_for(config, content))
    leaders = []
    for number, leader in enumerate(config.leaders, start=1):
        place = leader.place or settings.place
        meetings: list[dt.datetime] = []
        if leader.meeting:
            start = leader.meeting.astimezone(zone) if leader.meeting.tzinfo else leader.meeting.replace(tzinfo=zone)
            meetings = [start] + [dt.datetime.combine(add_months(start.date(), months), start.timetz())
                                  for months in settings.follow_up_months]
        when = [_moment(moment, content.babel) for moment in meetings]
        names = {"leader": leader.name, "manager": leader.manager or "—"}
        description = fill(t["calendar"]["description"], **minutes)
        events = tuple(
            CalendarEvent(
                uid=f"{safe_name(organisation.short_name)}-{number:04d}-{index}@kitbuilder",
                summary=fill(t["calendar"]["dialogue" if index == 0 else "follow_up"], **names),
                description=description,
                location=place,
                start=moment,
                end=moment + dt.timedelta(minutes=settings.minutes),
                attendee=leader.email,
            )
            for index, moment in enumerate(meetings)
        )
        leaders.append(DialogueLeader(
            number=number,
            name=leader.name,
            unit=leader.unit,
            manager=leader.manager,
            email=leader.email,
            place=place,
            meeting=when[0] if when else "",
            booked=fill(t["invite"]["booked"], meeting=when[0], place=place).rstrip(", ") if when else "",
            follow_ups=tuple(when[1:]),
            stem=f"{number:04d}-{safe_name(leader.name, fallback='leader')}",
            events=events,
        ))
    return LeaderDialogue(
        time_text=fill(t["purpose"]["time"], **minutes),
        invite=tuple(fill(item, **minutes) for item in t["invite"]["items"]),
        calendar_description=fill(t["calendar"]["description"], **minutes),
        leaders=tuple(leaders),
    )


def _moment(moment: dt.datetime, babel: str) -> str:
    return f"{format_date(moment.date(), format='full', locale=babel)}, {format_time(moment.time(), format='short', locale=babel)}"


# --- evaluation-follow-up --------------------------------------------------------------------

def _support_offers(config: Config, content: LocaleContent) -> SupportOffers:
    t = content.text["evaluation_follow_up"]
    support = config.support
    if support.offers:
        groups = (OfferGroup(t["offers_heading"], tuple(
            f"{offer.title}: {offer.description}" if offer.description else offer.title for offer in support.offers)),)
    else:
        groups = tuple(OfferGroup(group["title"], tuple(group["items"])) for group in t["categories"].values())
    timeline: tuple[TimelineEntry, ...] = ()
    if support.report_date:
        def day(value: dt.date) -> str:
            return format_date(value, format="long", locale=content.babel)
        timeline = (TimelineEntry(day(support.report_date), t["timeline"]["report"]),) + tuple(
            TimelineEntry(day(add_months(support.report_date, months)), fill(t["timeline"]["sparring"], months=str(months)))
            for months in support.sparring_months)
    contacts = tuple(ContactPerson(c.name, c.role, c.email, c.phone) for c in support.contacts)
    return SupportOffers(groups, timeline, contacts)


def _freeze(value: Any) -> Any:
    """A read-only deep copy: mappings become mapping proxies and lists tuples."""
    if isinstance(value, dict):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value
