"""The config's dates against the working-day calendar.

Dates the user gives (workshops, the results meeting, leaders' meetings, the report date) are
never moved; one that falls on a weekend, a public holiday or in a closed period is a
warning naming where it was given. Dates kitbuilder computes move to the next working day
(see :mod:`.dialogue` and :mod:`.support`); :func:`moved_dates` says which moved and why.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ..errors import Notice
from ..inputs.config import Config
from ..locales import LocaleContent
from ..names import display_path
from ..workdays import ClosedDays, WorkingDays, weekday_name
from .dialogue import dialogue_meetings, timezone_for
from .support import sparring_dates

__all__ = ["date_warnings", "moved_dates", "working_days"]


def working_days(config: Config, content: LocaleContent) -> WorkingDays:
    """The calendar of ``config`` (resolved for ``content``'s locale): its country, else the
    locale's, and its closed periods; holidays are named in the locale's language."""
    closed = (ClosedDays(period.start, period.end, period.name) for period in config.calendar.closed)
    return WorkingDays(config.calendar.country or content.country, closed, language=content.babel)


def date_warnings(config: Config, content: LocaleContent, workdays: WorkingDays) -> tuple[Notice, ...]:
    """A warning for each given date that is no working day, naming the file and field or row."""
    given: list[tuple[str, str, dt.date | dt.datetime]] = []
    for step_id in type(config.workshops).model_fields:
        day = getattr(config.workshops, step_id).date
        if day:
            given.append((str(config.file), f"workshops.{step_id}.date", day))
    if config.support.report_date:
        given.append((str(config.file), "support.report_date", config.support.report_date))
    zone = ZoneInfo(timezone_for(config, content))
    for index, leader in enumerate(config.leaders):
        meetings = dialogue_meetings(leader, config, zone, workdays)
        if meetings:
            start = meetings[0][1].replace(tzinfo=None)  # as given: a local time
            given.append((display_path(config.leaders_file), leader.meeting_source, start) if leader.source
                         else (str(config.file), f"leaders[{index}].meeting", start))
    warnings = []
    for file, place, when in given:
        day = when.date() if isinstance(when, dt.datetime) else when
        off = workdays.day_off(day)
        if off:
            shown = when.strftime("%Y-%m-%d %H:%M") if isinstance(when, dt.datetime) else when.isoformat()
            warnings.append(Notice(file, place, f"day_off.{off.kind}", {"when": when, **off.params},
                                   f"{shown} is {off.english(day)}"))
    return tuple(warnings)


def moved_dates(config: Config, content: LocaleContent, workdays: WorkingDays) -> tuple[str, ...]:
    """One line for each computed date that moved to the next working day, and why."""
    lines = []
    for months, planned, held in sparring_dates(config, workdays):
        if held != planned:
            lines.append(_moved(f"support timeline, {months} months after the report", planned, held, workdays))
    zone = ZoneInfo(timezone_for(config, content))
    for leader in config.leaders:
        meetings = dialogue_meetings(leader, config, zone, workdays)
        for number, (planned, held) in enumerate(meetings[1:], start=1):
            if held != planned:
                lines.append(_moved(f"{leader.name}, follow-up {number}", planned.date(), held.date(), workdays))
    return tuple(lines)


def _moved(what: str, planned: dt.date, held: dt.date, workdays: WorkingDays) -> str:
    return (f"{what}: {planned.isoformat()} is {workdays.why_not_working(planned)}; "
            f"moved to {weekday_name(held)} {held.isoformat()}")
