"""What every kit's assembly shares: placeholders, per-locale text, plurals, clock times,
dates in running text, months."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from .. import kits
from ..inputs.config import Config
from ..locales import LocaleContent, plural_form

__all__ = ["add_months", "clock", "clock_rows", "date_and_time", "fill", "localised", "number_words", "plural",
           "survey_label"]

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill(template: str, **values: str) -> str:
    """Replace ``{name}`` placeholders that are given; leave any other brace as typed."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def localised(value: str | dict[str, str], code: str) -> str:
    """A config text in locale ``code``: one text for every locale, or that locale's own."""
    return value.get(code, "") if isinstance(value, dict) else value


def plural(forms: dict[str, str], number: int, content: LocaleContent, **values: str) -> str:
    """The form of ``forms`` (a locale text's plural forms) for ``number``, with ``{count}`` filled
    with the number and ``{count_words}`` with it in words where style wants them (two to twelve),
    unless ``values`` says what stands there: "2, 4 and 6" months."""
    count = values.get("count", format_decimal(number, locale=content.babel))
    values = {"count": count, "count_words": count if "count" in values else number_words(number, content),
              **values}
    return fill(plural_form(forms, number, content.babel), **values)


#: num2words names a few languages by another code than Babel does.
_NUM2WORDS_LANGUAGE = {"nb": "no", "nn": "no"}


def number_words(number: int, content: LocaleContent) -> str:
    """``number`` as running text writes it: two to twelve in words ("seks"), others in figures.

    One is left in figures: its word takes the noun's gender ("en måned", "et felt"), which
    the locale's ``one`` form writes out itself. A language num2words lacks keeps figures.
    """
    from num2words import CONVERTER_CLASSES, num2words

    language = content.babel.split("_")[0]
    language = _NUM2WORDS_LANGUAGE.get(language, language)
    if 2 <= number <= 12 and language in CONVERTER_CLASSES:
        return num2words(number, lang=language)
    return format_decimal(number, locale=content.babel)


def clock(moment: dt.time | dt.datetime, content: LocaleContent) -> str:
    """A clock time as the language writes it (``09.30`` in Danish, Swedish and Norwegian)."""
    time = moment.time() if isinstance(moment, dt.datetime) else moment
    return format_time(time, format=content.time_format, locale=content.babel)


def date_and_time(day: dt.date, time: str, content: LocaleContent) -> str:
    """A day and a clock time (or span) in running text, e.g. "tirsdag den 2. marts 2027 kl. 10.00"."""
    return fill(content.text["common"]["date_time"], date=format_date(day, format="full", locale=content.babel),
                time=time)


def clock_rows(config: Config, spec: kits.StepSpec, content: LocaleContent) -> list[tuple[str, str, str, int]]:
    """Each row of a session as (row id, start, end, minutes), times formatted for the locale."""
    settings = getattr(config.workshops, spec.id)
    start = dt.datetime.combine(settings.date or dt.date(2000, 1, 1), settings.start)
    rows = []
    for row_id, default in spec.rows:
        minutes = settings.minutes.get(row_id, default)
        end = start + dt.timedelta(minutes=minutes)
        rows.append((row_id, clock(start, content), clock(end, content), minutes))
        start = end
    return rows


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; a day the month lacks becomes its last (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def survey_label(config: Config, code: str, name: str) -> str:
    """An area's or unit's ``name`` as the survey file writes it, in locale ``code`` (``survey.labels``)."""
    labels = config.survey.labels if config.survey else {}
    return labels.get(name, {}).get(code, name)
