"""Working days: not a weekend, not a public holiday of a country, not in a closed period.

Dates kitbuilder computes (a follow-up two months on) move to the next working day; dates a
user gives are only checked, and :meth:`WorkingDays.why_not_working` says why one is not a
working day. Public holidays come from the ``holidays`` package, named in the language asked
for when the package has it; closed periods (summer, Christmas) are the organisation's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

import holidays

__all__ = ["ClosedDays", "DayOff", "WorkingDays", "weekday_name"]

#: Holiday categories that close workplaces: the law's, and those kept as if they were
#: (Sweden's midsummer, Christmas and New Year's eves).
_CATEGORIES = ("public", "de_facto")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class ClosedDays:
    """A period with no meetings, first and last day included."""

    start: dt.date
    end: dt.date
    name: str = ""

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class DayOff:
    """Why a day is no working day: ``kind`` is ``weekend``, ``holiday`` (``params``: its
    ``country`` and ``holiday`` name), or ``closed`` or ``closed_unnamed`` (the closed
    ``period``'s name, its ``start`` and ``end``)."""

    kind: str
    params: dict

    def english(self, day: dt.date) -> str:
        if self.kind == "weekend":
            return f"a {weekday_name(day)}"
        if self.kind == "holiday":
            return f"a public holiday in {self.params['country']} ({self.params['holiday']})"
        label = f"'{self.params['period']}', " if self.params["period"] else ""
        return f"in the closed period {label}{self.params['start'].isoformat()} to {self.params['end'].isoformat()}"


class WorkingDays:
    """The working days of ``country`` (an ISO 3166 code the ``holidays`` package knows).

    ``language`` names the holidays in that language when the package offers it (``da``,
    ``sv``, ``nb``: Norwegian is ``no`` there), otherwise in the country's own.
    """

    def __init__(self, country: str, closed: Iterable[ClosedDays] = (), language: str | None = None):
        self.country = country
        self.closed = tuple(closed)
        supported = holidays.country_holidays(country)
        categories = tuple(c for c in _CATEGORIES if c in supported.supported_categories)
        self._holidays = holidays.country_holidays(country, language=_holiday_language(supported, language),
                                                   categories=categories)

    def holiday(self, day: dt.date) -> str | None:
        """The name of the public holiday on ``day``, or ``None``."""
        return self._holidays.get(day)

    def day_off(self, day: dt.date) -> DayOff | None:
        """Why ``day`` is no working day (a weekend, a public holiday, a closed period), or ``None``."""
        if day.weekday() in self._holidays.weekend:
            return DayOff("weekend", {})
        name = self.holiday(day)
        if name:
            return DayOff("holiday", {"country": self.country, "holiday": name})
        period = next((period for period in self.closed if day in period), None)
        if period:
            return DayOff("closed" if period.name else "closed_unnamed",
                          {"period": period.name, "start": period.start, "end": period.end})
        return None

    def why_not_working(self, day: dt.date) -> str | None:
        """Why ``day`` is no working day in English (``"a Saturday"``, a holiday or a closed period), or ``None``."""
        off = self.day_off(day)
        return off.english(day) if off else None

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while self.day_off(day):
            period = next((period for period in self.closed if day in period), None)
            day = period.end + dt.timedelta(days=1) if period else day + dt.timedelta(days=1)
        return day


def weekday_name(day: dt.date) -> str:
    """The English name of ``day``'s weekday, whatever the process's locale."""
    return _WEEKDAY_NAMES[day.weekday()]


def _holiday_language(supported, wanted: str | None) -> str | None:
    """The package's language code closest to ``wanted`` (a Babel code such as ``nb_NO``),
    else the country's own (without one the package would follow the process's locale)."""
    offered, own = supported.supported_languages, supported.default_language
    if not wanted:
        return own
    language = wanted.replace("-", "_").split("_")[0]
    # Norwegian Bokmål and Nynorsk share the package's "no"
    for candidate in (wanted, language, "no" if language in {"nb", "nn"} else None):
        if candidate in offered:
            return candidate
    return next((code for code in offered if code.split("_")[0] == language), own)
