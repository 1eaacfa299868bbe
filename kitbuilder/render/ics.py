"""Calendar files (iCalendar) for a leader's dialogue meeting and its follow-ups.

The manager imports the file or forwards it; times carry their time zone (a VTIMEZONE is
included), and the file is the same every build (fixed DTSTAMP, stable UIDs).
"""

from __future__ import annotations

import datetime as dt

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
    calendar.add_missing_timezones()
    return calendar.to_ical()
