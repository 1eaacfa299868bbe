"""What every kit's assembly shares: placeholders, per-locale text, clock times, months."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from babel.dates import format_time

from .. import kits
from ..inputs.config import Config

__all__ = ["add_months", "clock_rows", "fill", "localised", "survey_label"]

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill(template: str, **values: str) -> str:
    """Replace ``{name}`` placeholders that are given; leave any other brace as typed."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def localised(value: str | dict[str, str], code: str) -> str:
    """A config text in locale ``code``: one text for every locale, or that locale's own."""
    return value.get(code, "") if isinstance(value, dict) else value


def clock_rows(config: Config, spec: kits.StepSpec, babel: str) -> list[tuple[str, str, str, int]]:
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


def _time(moment: dt.datetime, babel: str) -> str:
    return format_time(moment.time(), format="short", locale=babel)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; a day the month lacks becomes its last (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def survey_label(config: Config, code: str, name: str) -> str:
    """An area's or unit's ``name`` as the survey file writes it, in locale ``code`` (``survey.labels``)."""
    labels = config.survey.labels if config.survey else {}
    return labels.get(name, {}).get(code, name)
