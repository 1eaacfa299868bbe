"""Calendar files (iCalendar) for a leader's dialogue meeting and its follow-ups.

The manager imports the file or forwards it; times carry their time zone (a VTIMEZONE is
included), and the file is the same every build (fixed DTSTAMP, stable UIDs).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import icalendar

from ..model import Document
from .package import BUILD_TIME

__all__ = ["render_ics"]


def render_ics(document: Document) -> bytes:
    """The .ics bytes for the events of ``document.leader``."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//kitbuilder//leader dialogue//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for event in document.leader.events:
        entry = icalendar.Event()
        entry.add("uid", event.uid)
        entry.add("dtstamp", BUILD_TIME.replace(tzinfo=dt.timezone.utc))
        entry.add("summary", event.summary)
        entry.add("description", event.description)
        if event.location:
            entry.add("location", event.location)
        entry.add("dtstart", event.start)
        entry.add("dtend", event.end)
        if event.organiser:
            entry.add("organizer", f"mailto:{event.organiser.email}", parameters={"CN": event.organiser.name})
        for person in event.attendees:
            entry.add("attendee", f"mailto:{person.email}", parameters={"CN": person.name, "ROLE": "REQ-PARTICIPANT"})
        calendar.add_component(entry)
    return _with_timezones(calendar)


def _with_timezones(calendar: icalendar.Calendar) -> bytes:
    """``calendar``'s bytes with a VTIMEZONE for each time zone its events use.

    Building and serialising a VTIMEZONE costs more than the rest of the file, and it is
    the same in every file of a build: each zone's is made once per process and placed
    before the first event, where ``add_missing_timezones`` puts it.
    """
    zones = b"".join(_timezone(tzid) for tzid in sorted(calendar.get_missing_tzids()))
    head, first_event, rest = calendar.to_ical().partition(b"BEGIN:VEVENT\r\n")
    return head + zones + first_event + rest


@lru_cache(maxsize=None)
def _timezone(tzid: str) -> bytes:
    return icalendar.Timezone.from_tzid(tzid).to_ical()
