"""The ``leader-dialogue`` kit: each leader's meetings, resolved in the time zone and
formatted for the locale, with their calendar events. Follow-up meetings fall on working
days and keep the dialogue's time of day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date

from ..inputs.config import Config, Leader
from ..locales import LocaleContent
from ..model import CalendarEvent, DialogueLeader, LeaderDialogue, Organisation, Participant
from ..names import safe_name
from ..workdays import WorkingDays
from .common import add_months, clock, date_and_time, fill, plural, survey_label

__all__ = ["dialogue_leaders", "dialogue_meetings", "leader_dialogue", "timezone_for"]


def timezone_for(config: Config, content: LocaleContent) -> str:
    """The time zone meeting times are in: the config's (by default the organisation's
    country's, see :func:`~kitbuilder.inputs.config.load_config`), else the locale's."""
    return config.timezone or content.timezone


def dialogue_meetings(leader: Leader, config: Config, zone: ZoneInfo,
                      workdays: WorkingDays) -> list[tuple[dt.datetime, dt.datetime]]:
    """The leader's dialogue meeting and its follow-ups as (planned, held) pairs.

    The dialogue is held when the config says; a follow-up planned on a day that is no
    working day is held on the next working day, at the same time of day.
    """
    if not leader.meeting:
        return []
    start = leader.meeting.astimezone(zone) if leader.meeting.tzinfo else leader.meeting.replace(tzinfo=zone)
    meetings = [(start, start)]
    for months in config.dialogue.follow_up_months:
        planned = dt.datetime.combine(add_months(start.date(), months), start.timetz())
        meetings.append((planned, dt.datetime.combine(workdays.next_working_day(planned.date()), start.timetz())))
    return meetings


def dialogue_leaders(config: Config, content: LocaleContent, organisation: Organisation,
                     workdays: WorkingDays) -> tuple[DialogueLeader, ...]:
    """The configured leaders with their meeting times resolved and formatted for the locale."""
    t = content.text["leader_dialogue"]
    settings = config.dialogue
    minutes = _minutes(config, content)
    zone = ZoneInfo(timezone_for(config, content))
    organiser = Participant(settings.organiser.name, settings.organiser.email) if settings.organiser else None
    leaders = []
    for number, leader in enumerate(config.leaders, start=1):
        place = leader.place or settings.place
        meetings = [held for _, held in dialogue_meetings(leader, config, zone, workdays)]
        when = [date_and_time(moment.date(), clock(moment, content), content) for moment in meetings]
        names = {"leader": leader.name, "manager": leader.manager or "—"}
        # one text for both people invited: it names them rather than saying "you"
        descriptions = [fill(t["calendar"]["description"], **minutes, **names)] + [
            fill(t["calendar"]["follow_up_description"], number=str(index), total=str(len(meetings) - 1),
                 first_meeting=format_date(meetings[0].date(), format="long", locale=content.babel), **names)
            for index in range(1, len(meetings))]
        invited = tuple(Participant(name, email) for name, email in (
            (leader.name, leader.email), (leader.manager or leader.manager_email, leader.manager_email)) if email)
        events = tuple(
            CalendarEvent(
                uid=f"{safe_name(organisation.short_name)}-{number:04d}-{index}@kitbuilder",
                summary=fill(t["calendar"]["dialogue" if index == 0 else "follow_up"], **names),
                description=descriptions[index],
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
            invite=_invite(t, minutes, meeting=bool(meetings), follow_ups=len(meetings) > 1),
            stem=f"{number:04d}-{safe_name(leader.name, fallback='leader')}",
            events=events,
        ))
    return tuple(leaders)


def leader_dialogue(config: Config, content: LocaleContent, leaders: tuple[DialogueLeader, ...]) -> LeaderDialogue:
    t = content.text["leader_dialogue"]
    minutes = _minutes(config, content)
    return LeaderDialogue(
        time_text=fill(t["purpose"]["time"], **minutes),
        invite=_invite(t, minutes, meeting=False, follow_ups=False),
        leaders=leaders,
    )


def _invite(t: dict, minutes: dict[str, str], *, meeting: bool, follow_ups: bool) -> tuple[str, ...]:
    """How to invite the manager: book the dialogue and the follow-ups, or check the ones booked."""
    invite = t["invite"]
    return (invite["tell"], fill(invite["time_booked" if meeting else "time"], **minutes), invite["prepare"],
            fill(invite["follow_ups_booked"], heading=t["follow_up"]["meetings_heading"]) if follow_ups
            else invite["follow_ups"])


def _minutes(config: Config, content: LocaleContent) -> dict[str, str]:
    """The ``{prepare}`` and ``{dialogue}`` placeholders of the dialogue texts ("45 minutes")."""
    forms = content.text["common"]["minutes"]
    return {"prepare": plural(forms, config.dialogue.prepare_minutes, content),
            "dialogue": plural(forms, config.dialogue.minutes, content)}
