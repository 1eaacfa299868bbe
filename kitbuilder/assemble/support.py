"""The ``evaluation-follow-up`` kit: the offers, and the follow-up timeline's dates (on working days)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.lists import format_list

from ..inputs.config import Config
from ..locales import LocaleContent
from ..model import ContactPerson, OfferGroup, SupportOffers, TimelineEntry
from ..workdays import WorkingDays
from .common import add_months, fill, number_words, plural

__all__ = ["sparring_dates", "support_offers"]


def sparring_dates(config: Config, workdays: WorkingDays) -> list[tuple[int, dt.date, dt.date]]:
    """Each sparring meeting after the report as (months after it, planned day, working day)."""
    report = config.support.report_date
    if not report:
        return []
    return [(months, add_months(report, months), workdays.next_working_day(add_months(report, months)))
            for months in config.support.sparring_months]


def support_offers(config: Config, content: LocaleContent, workdays: WorkingDays) -> SupportOffers:
    t = content.text["evaluation_follow_up"]
    support = config.support
    if support.offers:
        groups = (OfferGroup(t["offers_heading"], tuple(
            f"{offer.title}: {offer.description}" if offer.description else offer.title for offer in support.offers)),)
    else:
        # the standard offers name the sparring months the timeline uses
        months = support.sparring_months
        when = plural(content.text["common"]["months"], months[-1], content,
                      count=format_list([number_words(m, content) for m in months], locale=content.babel)) if months else ""
        groups = tuple(OfferGroup(group["title"], tuple(fill(item, months=when) for item in group["items"]
                                                        if when or "{months}" not in item))
                       for group in t["categories"].values())
    timeline: tuple[TimelineEntry, ...] = ()
    if support.report_date:
        def day(value: dt.date) -> str:
            return format_date(value, format="long", locale=content.babel)
        timeline = (TimelineEntry(day(support.report_date), t["timeline"]["report"]),) + tuple(
            TimelineEntry(day(held), fill(t["timeline"]["sparring"],
                                          months=plural(content.text["common"]["months"], months, content)))
            for months, _, held in sparring_dates(config, workdays))
    contacts = tuple(ContactPerson(c.name, c.role, c.email, c.phone) for c in support.contacts)
    return SupportOffers(groups, timeline, contacts)
