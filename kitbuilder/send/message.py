"""One leader's e-mail: the text in their locale, their print pack and their meeting invitations.

The built calendar file is a ``METHOD:PUBLISH`` file: anyone may import it, and a build does
not depend on who sends mail. An e-mail invitation is an iTIP request instead (RFC 5546):
``METHOD:REQUEST``, an ORGANIZER to answer to, every recipient an ATTENDEE and a SEQUENCE
that grows with each resend, so calendars update the meeting instead of adding it twice.
Each meeting goes as its own request, because mail clients act on one event per invitation.
"""

from __future__ import annotations

import datetime as dt
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import icalendar

from ..assemble import fill
from ..inputs.config import Mail, Person
from ..names import safe_name
from ..writer import sha256_of
from .plan import Outgoing

__all__ = ["invitations", "write_message"]


def write_message(outgoing: Outgoing, mail: Mail, organiser: Person | None, *, sequence: int,
                  now: dt.datetime) -> tuple[EmailMessage, dict[str, str]]:
    """The e-mail for ``outgoing``, and its attachments' names with their SHA-256.

    ``organiser`` answers the invitations (by default the sender); ``sequence`` is how many
    earlier e-mails may have reached the leader; ``now`` dates the message and the requests.
    """
    leader, person, locale_kit = outgoing.leader, outgoing.person, outgoing.locale_kit
    attendees = [(leader.name, leader.email)] + [(leader.manager, address) for address in outgoing.cc]
    requests = invitations(outgoing.calendar.read_bytes(), organiser or mail.sender, attendees, sequence=sequence,
                           stamp=now)
    message = EmailMessage()
    message["Subject"] = _text(outgoing, "subject")
    message["From"] = Address(mail.sender.name, addr_spec=mail.sender.email)
    message["To"] = Address(leader.name, addr_spec=leader.email)
    if outgoing.cc:
        message["Cc"] = Address(leader.manager, addr_spec=leader.manager_email)
    if mail.reply_to:
        message["Reply-To"] = mail.reply_to
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid("kitbuilder", domain=_ascii_domain(mail.sender.email))
    message.set_content(_body(outgoing, mail, len(requests)))
    message["Content-Language"] = locale_kit.locale  # the text's language (it moves to the text part)
    pack = outgoing.pack.read_bytes()
    # attachments named in the leader's language ("ledersamtale-jens-ærø.pdf"), not by build number
    stem = safe_name(_text(outgoing, "file_name"), fallback=person.stem)
    attachments = {f"{stem}.pdf": pack}
    message.add_attachment(pack, maintype="application", subtype="pdf", filename=f"{stem}.pdf")
    for index, (day, request) in enumerate(requests, start=1):
        name = f"{stem}-{index}-{day.isoformat()}.ics"
        attachments[name] = request
        message.add_attachment(request, maintype="text", subtype="calendar", filename=name,
                               params={"method": "REQUEST", "charset": "utf-8"})
    return message, {name: sha256_of(data) for name, data in attachments.items()}


def _text(outgoing: Outgoing, key: str) -> str:
    """The locale's text ``mail.<key>`` with the leader's details filled in."""
    leader, person = outgoing.leader, outgoing.person
    return fill(outgoing.locale_kit.text["mail"][key], leader=leader.name, manager=leader.manager or leader.manager_email,
                organisation=outgoing.locale_kit.organisation.name, meeting=person.meeting, place=person.place)


def _body(outgoing: Outgoing, mail: Mail, meetings: int) -> str:
    meeting = _text(outgoing, "meeting").rstrip(", ") if outgoing.person.meeting else _text(outgoing, "not_booked")
    notes = [_text(outgoing, "invitation" if meetings == 1 else "invitations")] if meetings else []
    if outgoing.cc:
        notes.append(_text(outgoing, "copy"))
    paragraphs = [_text(outgoing, "greeting"), _text(outgoing, "pack"), meeting, " ".join(notes),
                  "\n".join([_text(outgoing, "closing"), mail.sender.name, outgoing.locale_kit.organisation.name])]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph) + "\n"


def invitations(ics: bytes, organiser: Person, attendees: list[tuple[str, str]], *, sequence: int,
                stamp: dt.datetime) -> list[tuple[dt.date, bytes]]:
    """Each meeting of the calendar file ``ics`` as an iTIP request, with the meeting's day.

    The meeting keeps its UID, times, time zone and texts. An ORGANIZER the file names is
    kept; else ``organiser`` is it. Each of ``attendees`` (name, address) is an attendee
    asked to answer.
    """
    calendar = icalendar.Calendar.from_ical(ics)
    timezones = list(calendar.walk("VTIMEZONE"))
    requests = []
    for event in calendar.walk("VEVENT"):
        request = icalendar.Calendar()
        request.add("prodid", calendar.get("prodid", "-//kitbuilder//leader dialogue//EN"))
        request.add("version", "2.0")
        request.add("method", "REQUEST")
        for timezone in timezones:
            request.add_component(timezone)
        if "organizer" not in event:
            event.add("organizer", f"mailto:{organiser.email}", parameters={"CN": organiser.name})
        listed = event.get("attendee", [])
        listed = listed if isinstance(listed, list) else [listed]
        known = {str(attendee).lower().removeprefix("mailto:") for attendee in listed}
        for attendee in listed:
            attendee.params.update({"PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"})
        for name, address in attendees:
            if address.lower() not in known:
                event.add("attendee", f"mailto:{address}", parameters={
                    "CN": name or address, "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"})
        for key, value in (("sequence", sequence), ("dtstamp", stamp.astimezone(dt.timezone.utc))):
            event.pop(key, None)
            event.add(key, value)
        request.add_component(event)
        requests.append((event.decoded("dtstart").date(), request.to_ical()))
    return requests


def _ascii_domain(address: str) -> str:
    """The domain of ``address`` as DNS spells it, for the Message-ID."""
    domain = address.rpartition("@")[2]
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return "kitbuilder.invalid"
