"""The kit's notices (:class:`kitbuilder.errors.Notice`) and the problems of its table files
(:class:`kitbuilder.errors.Problem` with a key) in the page's language.

Each notice's key names its sentence in ``web.yaml`` (``notices.<key>``, a problem's
``problems.<key>``); its parameters are
formatted for the page's locale with Babel: dates, times, numbers with the locale's decimal
sign, country names. A place in a table (``row 7, column Møde``) is said in the page's words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from ..errors import Notice, Problem
from ..locales import LocaleContent, load_locale
from ..inputs.tables import Cell
from .files import place_text
from .i18n import Words

__all__ = ["notice_text", "problem_message", "problem_shown", "ratio_text"]

#: Problems whose sentence says where they are (the place, in English, is not shown as well).
_PLACE_IN_SENTENCE = {"no_header", "no_header_any_sheet"}


def notice_text(words: Words, notice: Notice) -> str:
    """The notice as the page shows it: file, place and sentence, in ``words``' language."""
    content = load_locale(words.code)
    babel = content.babel
    params = notice.params
    values = {name: _value(words, content, value) for name, value in params.items()}
    if "country" in params:
        values["country"] = Locale.parse(babel).territories.get(params["country"], params["country"])
    if "when" in params:
        values["weekday"] = format_date(params["when"], "EEEE", locale=babel)
    if "places" in params:
        more = params.get("count", 0) > len(params["places"])
        values["places"] = "; ".join(place_text(words, place) for place in params["places"]) + ("; …" if more else "")
    sentence = words(f"notices.{notice.key}", **values)
    return str(replace(notice, place=place_text(words, notice.place), message=sentence))


def problem_message(words: Words, problem: Problem) -> str:
    """What is wrong, in ``words``' language (a problem without a key: its English message)."""
    if not problem.key:
        return problem.message
    content = load_locale(words.code)
    values = {name: format_decimal(value, format="#,##0.###", locale=content.babel) if isinstance(value, float)
              else _value(words, content, value) for name, value in problem.params.items()}
    return words(f"problems.{problem.key}", **values)


def problem_shown(words: Words, problem: Problem) -> Problem:
    """The problem as a page lists it: its place and what is wrong in ``words``' language."""
    if not problem.key:
        return problem
    place = "" if problem.key in _PLACE_IN_SENTENCE else place_text(words, problem.path)
    return replace(problem, path=place, message=problem_message(words, problem))


def ratio_text(value: float, babel: str) -> str:
    """A contrast ratio (or the one needed) with one decimal, as the locale writes it: ``3,2``."""
    return format_decimal(round(value, 1), format="0.0", locale=babel)


def _value(words: Words, content: LocaleContent, value: Any) -> Any:
    babel = content.babel
    if isinstance(value, Cell):
        return place_text(words, value)
    if isinstance(value, dt.datetime):  # the clock as the kit writes it (09.30 in da, sv and nb)
        return words("notices.date_time", date=format_date(value, "long", locale=babel),
                     time=format_time(value, content.time_format, locale=babel))
    if isinstance(value, dt.date):
        return format_date(value, "long", locale=babel)
    if isinstance(value, float):
        return ratio_text(value, babel)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_decimal(value, locale=babel)
    return value
