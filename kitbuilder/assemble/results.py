"""The ``results-meeting`` kit: survey results compared across periods, with the anonymity
rule applied, the computed highlights and the meeting's deck."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping

from babel.dates import format_date
from babel.numbers import format_decimal

from .. import kits
from ..inputs.config import Config
from ..locales import LocaleContent
from ..model import Chart, ChartSeries, Deck, Organisation, ResultRow, ResultsMeeting, Slide, UnitResults
from ..inputs.survey import SurveyData
from .common import clock_rows, date_and_time, fill, number_words, plural, survey_label

__all__ = ["results_meeting", "select_periods"]


def select_periods(requested_current: str | None, requested_previous: str | None,
                   periods: tuple[str, ...]) -> tuple[str, str | None]:
    """The period to present and the one to compare with (the latest two by default)."""
    current = requested_current or periods[-1]
    earlier = [p for p in periods if periods.index(p) < periods.index(current)] if current in periods else []
    return current, requested_previous or (earlier[-1] if earlier else None)


def results_meeting(config: Config, content: LocaleContent, organisation: Organisation,
                     survey: SurveyData) -> ResultsMeeting:
    t = content.text["results_meeting"]
    settings = config.survey
    current, previous = select_periods(settings.current, settings.previous, survey.periods)
    babel = content.babel

    def label(name: str) -> str:
        return survey_label(config, content.code, name)

    def number(value: float | None) -> str:
        return "–" if value is None else format_decimal(_printed(value), format="#,##0.0", locale=babel)

    def change(now: float | None, before: float | None) -> str:
        if now is None or before is None:
            return ""
        delta = _printed(now) - _printed(before)  # what a reader gets from the two printed numbers
        sign = "+" if delta > 0 else "−" if delta < 0 else "±"
        return sign + format_decimal(abs(delta), format="#,##0.0", locale=babel)

    score = {(r.unit, r.area, r.period): r.score for r in survey.rows}
    # respondents per unit and period: the largest count given; None when the file gives none
    respondents: dict[tuple[str, str], int | None] = {}
    for row in survey.rows:
        known = [n for n in (respondents.get((row.unit, row.period)), row.respondents) if n is not None]
        respondents[(row.unit, row.period)] = max(known) if known else None
    # without counts (a survey tool that suppressed small units itself) every unit is shown
    shown = [u for u in survey.units if (u, current) in respondents
             and (respondents[(u, current)] is None or respondents[(u, current)] >= settings.min_respondents)]
    hidden = [u for u in survey.units if u not in shown]

    def organisation_score(area: str, period: str | None) -> float | None:
        rows = [r for r in survey.rows if r.area == area and r.period == period and r.score is not None
                and r.respondents != 0]
        if any(r.respondents is None for r in rows):  # no counts to weigh by: each unit counts once
            return sum(r.score for r in rows) / len(rows)
        total = sum(r.respondents for r in rows)
        return sum(r.score * r.respondents for r in rows) / total if total else None

    def unit_average(unit: str, period: str | None) -> float | None:
        values = [value for area in survey.areas if (value := score.get((unit, area, period))) is not None]
        return sum(values) / len(values) if values else None

    def unit_rows(unit: str) -> tuple[ResultRow, ...]:
        return tuple(ResultRow(label(area), number(score.get((unit, area, current))),
                               number(score.get((unit, area, previous))),
                               change(score.get((unit, area, current)), score.get((unit, area, previous))))
                     for area in survey.areas)

    prep = t["prep"]
    overall = {area: (organisation_score(area, current), organisation_score(area, previous)) for area in survey.areas}
    overall_rows = tuple(ResultRow(label(area), number(now), number(before), change(now, before))
                         for area, (now, before) in overall.items())
    units = tuple(
        UnitResults(label(unit), fill(prep["unit_results"], unit=label(unit)), unit in shown,
                    unit_rows(unit) if unit in shown else (), "" if unit in shown else prep["small_unit"])
        for unit in survey.units)
    # a leader's unit the survey does not cover: their handout says so and shows the organisation's
    units += tuple(UnitResults(label(unit), fill(prep["unit_results"], unit=label(unit)), False,
                               note=fill(prep["no_unit_results"], unit=label(unit)))
                   for unit in dict.fromkeys(leader.unit for leader in config.leaders)
                   if unit and unit not in survey.units)
    highlights = _highlights(t["highlights"], {label(area): values for area, values in overall.items()},
                             number, change)
    anonymity = (plural(t["anonymity"], len(hidden), content, minimum=number_words(settings.min_respondents, content))
                 if hidden else "")
    names = {"current": current, "previous": previous or "—"}
    series = [ChartSeries(fill(t["series_current"], **names), tuple(now for now, _ in overall.values()))]
    unit_series = [ChartSeries(fill(t["series_current"], **names), tuple(unit_average(u, current) for u in shown))]
    if previous:
        series.insert(0, ChartSeries(fill(t["series_previous"], **names), tuple(b for _, b in overall.values())))
        unit_series.insert(0, ChartSeries(fill(t["series_previous"], **names),
                                          tuple(unit_average(u, previous) for u in shown)))
    low, high = settings.scale
    counts = [respondents.get((u, current)) for u in survey.units]
    deck = _results_deck(config, content, organisation, t, names, tuple(map(label, survey.areas)), tuple(series),
                         tuple(map(label, shown)), tuple(unit_series), highlights, anonymity, scale=(low, high),
                         respondents=sum(n for n in counts if n) if any(n is not None for n in counts) else None)
    columns = ResultRow(*(fill(prep["columns"][key], **names) for key in ("area", "current", "previous", "change")))
    return ResultsMeeting(current, previous or "", columns, overall_rows, units, highlights, deck,
                          _when_and_where(config, content))


def _when_and_where(config: Config, content: LocaleContent) -> tuple[tuple[str, str], ...]:
    """The meeting's day and hours, place and chair, for the handout (unknown ones "to be agreed")."""
    labels, not_set = content.text["results_meeting"]["prep"]["meeting"], content.text["common"]["not_set"]
    settings = config.workshops.results
    rows = clock_rows(config, kits.RESULTS_MEETING, content)
    hours = f"{rows[0][1]}–{rows[-1][2]}"
    meeting = [(labels["when"], date_and_time(settings.date, hours, content) if settings.date else not_set),
               (labels["where"], settings.venue or not_set)]
    if settings.facilitator:
        meeting.append((labels["chair"], settings.facilitator))
    return tuple(meeting)


def _printed(value: float) -> Decimal:
    """``value`` rounded to the one decimal a table prints (half up, as readers round)."""
    return Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _highlights(t: Mapping[str, str], overall: Mapping[str, tuple[float | None, float | None]],
                number, change) -> tuple[str, ...]:
    """Strongest and weakest area now, and the largest rise and fall since last time."""
    now = {area: values[0] for area, values in overall.items() if values[0] is not None}
    lines = []
    if now:
        strongest, weakest = max(now, key=now.get), min(now, key=now.get)
        lines += [fill(t["strongest"], area=strongest, score=number(now[strongest])),
                  fill(t["weakest"], area=weakest, score=number(now[weakest]))]
    deltas = {area: _printed(values[0]) - _printed(values[1]) for area, values in overall.items() if None not in values}
    if deltas:
        rise, fall = max(deltas, key=deltas.get), min(deltas, key=deltas.get)
        if deltas[rise] > 0:
            lines.append(fill(t["rise"], area=rise, change=change(*overall[rise])))
        if deltas[fall] < 0:
            lines.append(fill(t["fall"], area=fall, change=change(*overall[fall])))
        if deltas[rise] <= 0 and deltas[fall] >= 0:
            lines.append(t["no_change"])
    return tuple(lines)


def _results_deck(config: Config, content: LocaleContent, organisation: Organisation, t: Mapping[str, Any],
                  names: dict[str, str], areas: tuple[str, ...], series: tuple[ChartSeries, ...],
                  units: tuple[str, ...], unit_series: tuple[ChartSeries, ...], highlights: tuple[str, ...],
                  anonymity: str, *, scale: tuple[float, float], respondents: int | None) -> Deck:
    notes = t["notes"]
    settings = config.workshops.results
    rows = clock_rows(config, kits.RESULTS_MEETING, content)
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
        Slide("table", content.text["wellbeing_decks"]["runsheet_title"], notes["runsheet"],
              table=((columns["time"], columns["minutes"], columns["content"]),)
              + tuple((f"{start}–{end}", str(minutes), t["parts"][row]["content"]) for row, start, end, minutes in rows),
              widths=(0.16, 0.10, 0.74)),
        Slide("chart", t["overall_title"], notes["overall"], chart=Chart(areas, series, low, high),
              note=plural(t["overall_note"], respondents, content, scale=f"{low:g}–{high:g}", **names)
              if respondents is not None else fill(t["overall_note_no_count"], scale=f"{low:g}–{high:g}", **names)),
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
