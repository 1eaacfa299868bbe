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
from babel.numbers import format_decimal

from . import kits
from .colours import contrast_warnings
from .names import safe_name
from .survey import SurveyData
from .config import Config
from .locales import LocaleContent
from .model import (
    ActionCard,
    Branding,
    CalendarEvent,
    CardField,
    Chart,
    ChartSeries,
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
    ResultRow,
    ResultsMeeting,
    RunsheetRow,
    Slide,
    SupportOffers,
    Theme,
    TimelineEntry,
    UnitResults,
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


def assemble_kit(config: Config, contents: Mapping[str, LocaleContent], logo: bytes | None = None,
                 survey: SurveyData | None = None) -> Kit:
    """Build the kit model for every locale in ``config.locales``.

    ``contents`` maps each locale code to its content with the config's text overrides
    already applied; ``logo`` is the prepared logo image (see :mod:`kitbuilder.assets`) and
    ``survey`` the checked survey results (see :mod:`kitbuilder.survey`).
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
        _locale_kit(config, contents[code], organisation, branding, survey) for code in config.locales
    )
    return Kit(organisation, locales, warnings)


def _locale_kit(config: Config, content: LocaleContent, organisation: Organisation,
                branding: Branding, survey: SurveyData | None) -> LocaleKit:
    text = content.text
    wellbeing = _wellbeing_plan(config, content, organisation) if "wellbeing-plan" in config.kits else None
    leaders = _leaders(config, content, organisation)
    dialogue = _leader_dialogue(config, content, leaders) if "leader-dialogue" in config.kits else None
    support = _support_offers(config, content) if "evaluation-follow-up" in config.kits else None
    results = (_results_meeting(config, content, organisation, survey)
               if "results-meeting" in config.kits and survey else None)
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
        if spec.id in _PERSONALISED and leaders:
            # one personalised copy per leader (and a calendar file per dialogue) instead of the blank one
            for leader in leaders:
                folder = f"{spec.id}s/{leader.stem}"
                documents.append(replace(document, file_name=f"{folder}.docx", leader=leader))
                if spec.id == "dialogue-guide":
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
        results=results,
    )


#: Documents printed once per leader when the config lists leaders.
_PERSONALISED = ("dialogue-guide", "results-meeting-prep")


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
    parked = tuple(sorted((by_id[theme_id] for theme_id in config.themes.parked), key=lambda th: th.number))
    steps = tuple(_workshop_step(config, content, spec, number)
                  for number, spec in enumerate(kits.STEPS, start=1))
    decks = tuple(_deck(content, organisation, step, themes, map_fields, parked, example) for step in steps)
    return WellbeingPlan(themes, cards, example, steps, map_fields, parked, decks)


def _deck(content: LocaleContent, organisation: Organisation, step: WorkshopStep, themes: tuple[Theme, ...],
          map_fields: tuple[MapField, ...], parked: tuple[Theme, ...], example: ActionCard) -> Deck:
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
              + tuple((f"{row.start}–{row.end}", str(row.minutes), row.content, row.who) for row in step.rows),
              widths=(0.13, 0.10, 0.47, 0.30)),
    ]
    if step.id == "prepare":
        slides += [
            Slide("themes", d["themes_title"], notes["themes"], themes=themes),
            Slide("map", d["map_title"], notes["map"], map_fields=map_fields, parking=t["map"]["parking"]["name"],
                  parked=parked,
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
                  table=((example.heading, ""),) + tuple((f.label, f.value) for f in example.fields),
                  widths=(0.32, 0.68)),
            Slide("content", t["publish"]["heading"], notes["publish"], lines=tuple(t["publish"]["steps"])),
        ]
    slides.append(Slide("closing", d["closing_title"], notes["closing"], lines=tuple(d["closing"][step.id])))
    return Deck(step.id, tuple(slides))


#: Blank cards printed when the config selects no theme yet.
_BLANK_CARDS = 3


def _clock_rows(config: Config, spec: kits.StepSpec, babel: str) -> list[tuple[str, str, str, int]]:
    """Each row of a session as (row id, start, end, minutes), times formatted for the locale."""
    settings = getattr(config.workshops, spec.id)
    clock = dt.datetime.combine(settings.date or dt.date(2000, 1, 1), settings.start)
    rows = []
    for row_id, default in spec.rows:
        minutes = settings.minutes.get(row_id, default)
        end = clock + dt.timedelta(minutes=minutes)
        rows.append((row_id, _time(clock, babel), _time(end, babel), minutes))
        clock = end
    return rows


def _workshop_step(config: Config, content: LocaleContent, spec: kits.StepSpec, number: int) -> WorkshopStep:
    t = content.text["wellbeing_plan"]
    settings = getattr(config.workshops, spec.id)
    babel = content.babel
    rows = [RunsheetRow(row_id, start, end, minutes, t["runsheet"][spec.id][row_id]["content"],
                        t["runsheet"][spec.id][row_id]["who"])
            for row_id, start, end, minutes in _clock_rows(config, spec, babel)]
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
    for spec in (*kits.STEPS, kits.RESULTS_MEETING):
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


def _leaders(config: Config, content: LocaleContent, organisation: Organisation) -> tuple[DialogueLeader, ...]:
    """The configured leaders with their meeting times resolved and formatted for the locale."""
    t = content.text["leader_dialogue"]
    settings = config.dialogue
    description = fill(t["calendar"]["description"], **_minutes(config))
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
    return tuple(leaders)


def _leader_dialogue(config: Config, content: LocaleContent, leaders: tuple[DialogueLeader, ...]) -> LeaderDialogue:
    t = content.text["leader_dialogue"]
    minutes = _minutes(config)
    return LeaderDialogue(
        time_text=fill(t["purpose"]["time"], **minutes),
        invite=tuple(fill(item, **minutes) for item in t["invite"]["items"]),
        leaders=leaders,
    )


def _minutes(config: Config) -> dict[str, str]:
    """The ``{prepare}`` and ``{dialogue}`` placeholders of the dialogue texts."""
    return {"prepare": str(config.dialogue.prepare_minutes), "dialogue": str(config.dialogue.minutes)}


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


# --- results-meeting --------------------------------------------------------------------------

def select_periods(requested_current: str | None, requested_previous: str | None,
                   periods: tuple[str, ...]) -> tuple[str, str | None]:
    """The period to present and the one to compare with (the latest two by default)."""
    current = requested_current or periods[-1]
    earlier = [p for p in periods if periods.index(p) < periods.index(current)] if current in periods else []
    return current, requested_previous or (earlier[-1] if earlier else None)


def _results_meeting(config: Config, content: LocaleContent, organisation: Organisation,
                     survey: SurveyData) -> ResultsMeeting:
    t = content.text["results_meeting"]
    settings = config.survey
    current, previous = select_periods(settings.current, settings.previous, survey.periods)
    babel = content.babel

    def number(value: float | None) -> str:
        return "–" if value is None else format_decimal(value, format="#,##0.0", locale=babel)

    def change(now: float | None, before: float | None) -> str:
        if now is None or before is None:
            return ""
        delta = round(now - before, 1)
        sign = "+" if delta > 0 else "−" if delta < 0 else "±"
        return sign + format_decimal(abs(delta), format="#,##0.0", locale=babel)

    score = {(r.unit, r.area, r.period): r for r in survey.rows}
    respondents: dict[tuple[str, str], int] = {}
    for row in survey.rows:
        respondents[(row.unit, row.period)] = max(respondents.get((row.unit, row.period), 0), row.respondents)
    shown = [u for u in survey.units if respondents.get((u, current), 0) >= settings.min_respondents]
    hidden = [u for u in survey.units if u not in shown]

    def organisation_score(area: str, period: str | None) -> float | None:
        rows = [r for r in survey.rows if r.area == area and r.period == period and r.respondents]
        total = sum(r.respondents for r in rows)
        return sum(r.score * r.respondents for r in rows) / total if total else None

    def unit_average(unit: str, period: str | None) -> float | None:
        values = [score[(unit, area, period)].score for area in survey.areas if (unit, area, period) in score]
        return sum(values) / len(values) if values else None

    overall = {area: (organisation_score(area, current), organisation_score(area, previous)) for area in survey.areas}
    overall_rows = tuple(ResultRow(area, number(now), number(before), change(now, before))
                         for area, (now, before) in overall.items())
    units = tuple(
        UnitResults(unit, fill(t["prep"]["unit_results"], unit=unit), unit in shown, tuple(
            ResultRow(area, number(_score(score, unit, area, current)), number(_score(score, unit, area, previous)),
                      change(_score(score, unit, area, current), _score(score, unit, area, previous)))
            for area in survey.areas) if unit in shown else ())
        for unit in survey.units)
    highlights = _highlights(t["highlights"], overall, number, change)
    anonymity = fill(t["anonymity"], count=str(len(hidden)), minimum=str(settings.min_respondents)) if hidden else ""
    names = {"current": current, "previous": previous or "—"}
    series = [ChartSeries(fill(t["series_current"], **names), tuple(now for now, _ in overall.values()))]
    unit_series = [ChartSeries(fill(t["series_current"], **names), tuple(unit_average(u, current) for u in shown))]
    if previous:
        series.insert(0, ChartSeries(fill(t["series_previous"], **names), tuple(b for _, b in overall.values())))
        unit_series.insert(0, ChartSeries(fill(t["series_previous"], **names),
                                          tuple(unit_average(u, previous) for u in shown)))
    low, high = settings.scale
    deck = _results_deck(config, content, organisation, t, names, survey.areas, tuple(series), tuple(shown),
                         tuple(unit_series), highlights, anonymity,
                         scale=(low, high), respondents=sum(respondents.get((u, current), 0) for u in survey.units))
    columns = ResultRow(*(fill(t["prep"]["columns"][key], **names) for key in ("area", "current", "previous", "change")))
    return ResultsMeeting(current, previous or "", columns, overall_rows, units, highlights, deck)


def _score(score: Mapping, unit: str, area: str, period: str | None) -> float | None:
    row = score.get((unit, area, period))
    return row.score if row else None


def _highlights(t: Mapping[str, str], overall: Mapping[str, tuple[float | None, float | None]],
                number, change) -> tuple[str, ...]:
    """Strongest and weakest area now, and the largest rise and fall since last time."""
    now = {area: values[0] for area, values in overall.items() if values[0] is not None}
    lines = []
    if now:
        strongest, weakest = max(now, key=now.get), min(now, key=now.get)
        lines += [fill(t["strongest"], area=strongest, score=number(now[strongest])),
                  fill(t["weakest"], area=weakest, score=number(now[weakest]))]
    deltas = {area: values[0] - values[1] for area, values in overall.items() if None not in values}
    if deltas:
        rise, fall = max(deltas, key=deltas.get), min(deltas, key=deltas.get)
        if round(deltas[rise], 1) > 0:
            lines.append(fill(t["rise"], area=rise, change=change(*overall[rise])))
        if round(deltas[fall], 1) < 0:
            lines.append(fill(t["fall"], area=fall, change=change(*overall[fall])))
        if round(deltas[rise], 1) <= 0 and round(deltas[fall], 1) >= 0:
            lines.append(t["no_change"])
    return tuple(lines)


def _results_deck(config: Config, content: LocaleContent, organisation: Organisation, t: Mapping[str, Any],
                  names: dict[str, str], areas: tuple[str, ...], series: tuple[ChartSeries, ...],
                  units: tuple[str, ...], unit_series: tuple[ChartSeries, ...], highlights: tuple[str, ...],
                  anonymity: str, *, scale: tuple[float, float], respondents: int) -> Deck:
    notes = t["notes"]
    settings = config.workshops.results
    rows = _clock_rows(config, kits.RESULTS_MEETING, content.babel)
    when = f"{rows[0][1]}–{rows[-1][2]}"
    date = format_date(settings.date, format="full", locale=content.babel) if settings.date else ""
    low, high = scale
    columns = t["runsheet_columns"]
    slides = [
        Slide("title", t["title"], notes["title"], subtitle=fill(t["subtitle"], **names),
              lines=tuple(line for line in (organisation.title_label, date, when, settings.venue, settings.facilitator)
                          if line)),
        Slide("content", t["purpose"]["heading"], notes["purpose"], lines=tuple(t["purpose"]["items"])),
        Slide("agenda", f"{t['agenda_title']} · {when}", notes["agenda"],
              lines=tuple(f"{start}–{end}   {t['parts'][row]['title']}" for row, start, end, _ in rows)
              + (f"{rows[-1][2]}   {t['ends']}",)),
        Slide("table", t["agenda_title"], notes["agenda"],
              table=((columns["time"], columns["minutes"], columns["content"]),)
              + tuple((f"{start}–{end}", str(minutes), t["parts"][row]["content"]) for row, start, end, minutes in rows),
              widths=(0.16, 0.10, 0.74)),
        Slide("chart", t["overall_title"], notes["overall"], chart=Chart(areas, series, low, high),
              note=fill(t["overall_note"], scale=f"{low:g}–{high:g}", respondents=str(respondents), **names)),
        Slide("chart", t["units_title"], notes["units"], chart=Chart(units, unit_series, low, high),
              note=" ".join(filter(None, (t["units_note"], anonymity)))),
        Slide("content", t["highlights_title"], notes["highlights"],
              lines=highlights + ((anonymity,) if anonymity else ())),
        Slide("content", t["reflection_title"], notes["reflection"], lines=tuple(t["reflection"])),
        Slide("content", t["dialogue_title"], notes["dialogue"], lines=tuple(t["dialogue"])),
        Slide("table", t["action_plan_title"], notes["action_plan"],
              table=(tuple(t["action_plan_columns"][key] for key in ("action", "owner", "deadline")),)
              + (("\n", "", ""),) * 6, widths=(0.58, 0.24, 0.18)),
        Slide("closing", t["way_forward_title"], notes["way_forward"], lines=tuple(t["way_forward"])),
    ]
    return Deck("results", tuple(slides))


def _freeze(value: Any) -> Any:
    """A read-only deep copy: mappings become mapping proxies and lists tuples."""
    if isinstance(value, dict):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value
