"""The ``leader-dialogue`` kit: each leader's meetings, resolved in the time zone and
formatted for the locale, with their calendar events."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from ..inputs.config import Config
from ..locales import LocaleContent
from ..model import CalendarEvent, DialogueLeader, LeaderDialogue, Organisation, Participant
from ..names import safe_name
from .common import add_months, fill, survey_label

__all__ = ["dialogue_leaders", "leader_dialogue", "timezone_for"]


def timezone_for(config: Config, content: LocaleContent) -> str:
    """The time zone meeting times are in: the config's, else the locale's."""
    return config.timezone or content.timezone


def dialogue_leaders(config: Config, content: LocaleContent, organisation: Organisation) -> tuple[DialogueLeader, ...]:
    """The configured leaders with their meeting times resolved and formatted for the locale."""
    t = content.text["leader_dialogue"]
    settings = config.dialogue
    description = fill(t["calendar"]["description"], **_minutes(config))
    zone = ZoneInfo(timezone_for(config, content))
    organiser = Participant(settings.organiser.name, settings.organiser.email) if settings.organiser else None
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
        invited = tuple(Participant(name, email) for name, email in (
            (leader.name, leader.email), (leader.manager or leader.manager_email, leader.manager_email)) if email)
        events = tuple(
            CalendarEvent(
                uid=f"{safe_name(organisation.short_name)}-{number:04d}-{index}@kitbuilder",
                summary=fill(t["calendar"]["dialogue" if index == 0 else "follow_up"], **names),
                description=description,
                location=place,
                start=moment,
                end=moment + dt.timedelta(minutes=settings.minutes),
                attendees=invited,
                organiser=organiser,
            )
            for index, moment in enumerate(meetings)
        )
        leaders.append(DialogueLeader(
            number=number,
            name=leader.name,
            unit=survey_label(config, content.code, leader.unit),
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


def leader_dialogue(config: Config, content: LocaleContent, leaders: tuple[DialogueLeader, ...]) -> LeaderDialogue:
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
