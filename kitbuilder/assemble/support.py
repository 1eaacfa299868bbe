"""The ``evaluation-follow-up`` kit: the offers, and the follow-up timeline's dates."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from ..inputs.config import Config
from ..locales import LocaleContent
from ..model import ContactPerson, OfferGroup, SupportOffers, TimelineEntry
from .common import add_months, fill

__all__ = ["support_offers"]


def support_offers(config: Config, content: LocaleContent) -> SupportOffers:
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
