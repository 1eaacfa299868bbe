"""The kit model: what every document says, already resolved and formatted for its locale.

Plain frozen data. Nothing here reads files or knows Word or PowerPoint; renderers read
the model, and :mod:`kitbuilder.assemble` builds it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import Notice

__all__ = [
    "ActionCard",
    "Branding",
    "CardField",
    "Chart",
    "ChartSeries",
    "Deck",
    "Document",
    "Kit",
    "LocaleKit",
    "MapField",
    "Organisation",
    "Participant",
    "ResultRow",
    "ResultsMeeting",
    "RunsheetRow",
    "Slide",
    "Theme",
    "WellbeingPlan",
    "WorkshopStep",
]


@dataclass(frozen=True)
class Organisation:
    name: str
    short_name: str

    @property
    def short_label(self) -> str:
        """The name cut to fit a footer or a slide corner."""
        return _shorten(self.name, 60)

    @property
    def title_label(self) -> str:
        """The name cut to a few lines, for a title slide that must also show date and place."""
        return _shorten(self.name, 160)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Branding:
    """Colours as ``#RRGGBB`` (``None``: keep the template's), the logo and the body font."""

    primary: str | None = None
    secondary: str | None = None
    accent: str | None = None
    #: PNG or JPEG bytes, already scaled for print.
    logo: bytes | None = None
    font: str | None = None


@dataclass(frozen=True)
class Theme:
    id: str
    #: The theme's number: 1–12 for the common themes; the organisation's own follow (for order only).
    number: int
    title: str
    prompt: str
    custom: bool = False
    #: The theme on one line of a list or the map: "1. Title", or the title marked as our own.
    line: str = ""


@dataclass(frozen=True)
class CardField:
    id: str
    label: str
    value: str = ""


@dataclass(frozen=True)
class ActionCard:
    heading: str
    prompt: str
    fields: tuple[CardField, ...]
    theme_id: str | None = None
    #: How many fields are still empty, in words ("" when none is).
    open_fields: str = ""

    @property
    def filled(self) -> bool:
        return any(f.value for f in self.fields)

    @property
    def filled_fields(self) -> tuple[CardField, ...]:
        return tuple(f for f in self.fields if f.value)


@dataclass(frozen=True)
class RunsheetRow:
    id: str
    start: str
    end: str
    minutes: int
    content: str
    who: str


@dataclass(frozen=True)
class WorkshopStep:
    id: str
    number: int
    title: str
    purpose: str
    date: str
    start: str
    end: str
    minutes: int
    default_minutes: int
    venue: str
    facilitator: str
    rows: tuple[RunsheetRow, ...]


@dataclass(frozen=True)
class MapField:
    number: int
    name: str
    description: str
    themes: tuple[Theme, ...] = ()


@dataclass(frozen=True)
class ChartSeries:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """A bar chart: one bar per category and series; values on the survey's scale."""

    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    minimum: float
    maximum: float


@dataclass(frozen=True)
class Slide:
    """One slide: which layout it uses, what it says, and the facilitator's notes.

    ``layout`` is one of ``title``, ``agenda``, ``table``, ``content``, ``themes``,
    ``map`` and ``closing``; each uses the fields that fit it.
    """

    layout: str
    title: str
    notes: str
    subtitle: str = ""
    lines: tuple[str, ...] = ()
    #: Rows of a table; the first row is the header.
    table: tuple[tuple[str, ...], ...] = ()
    #: The table's relative column widths (equal when empty).
    widths: tuple[float, ...] = ()
    themes: tuple[Theme, ...] = ()
    map_fields: tuple[MapField, ...] = ()
    parking: str = ""
    #: Themes in the map's parking area.
    parked: tuple[Theme, ...] = ()
    axes: tuple[str, str] = ("", "")
    chart: Chart | None = None
    #: A line under a chart (scale, respondents, the anonymity rule).
    note: str = ""


@dataclass(frozen=True)
class Deck:
    """A run-sheet deck for one workshop step."""

    step_id: str
    slides: tuple[Slide, ...]


@dataclass(frozen=True)
class WellbeingPlan:
    """The ``wellbeing-plan`` kit's content in one locale."""

    themes: tuple[Theme, ...]
    cards: tuple[ActionCard, ...]
    example_card: ActionCard
    steps: tuple[WorkshopStep, ...]
    map_fields: tuple[MapField, ...]
    #: Themes set aside in the map's parking area, in theme order.
    parked: tuple[Theme, ...] = ()
    decks: tuple[Deck, ...] = ()

    def deck(self, step_id: str) -> Deck:
        """The run-sheet deck of ``step_id``; raises ``KeyError`` when there is none."""
        for deck in self.decks:
            if deck.step_id == step_id:
                return deck
        raise KeyError(step_id)

    @property
    def plan_cards(self) -> tuple[ActionCard, ...]:
        """The cards the plan holds: one per chosen theme (and any card the config fills)."""
        return tuple(card for card in self.cards if card.theme_id)

    @property
    def common_themes(self) -> tuple[Theme, ...]:
        return tuple(theme for theme in self.themes if not theme.custom)

    @property
    def own_themes(self) -> tuple[Theme, ...]:
        return tuple(theme for theme in self.themes if theme.custom)

    @property
    def map_filled(self) -> bool:
        """Whether step 1's result is known: a theme rated onto the map or parked."""
        return bool(self.parked) or any(field.themes for field in self.map_fields)


@dataclass(frozen=True)
class Participant:
    """Someone in a calendar event: a name and an e-mail address."""

    name: str
    email: str


@dataclass(frozen=True)
class CalendarEvent:
    """A meeting for a calendar file; times carry their time zone."""

    uid: str
    summary: str
    description: str
    location: str
    start: dt.datetime
    end: dt.datetime
    #: Who is invited: the leader and their manager, those with an e-mail address.
    attendees: tuple[Participant, ...] = ()
    #: Who sends the invitation (``dialogue.organiser``).
    organiser: Participant | None = None


@dataclass(frozen=True)
class DialogueLeader:
    """One leader's personal details for their dialogue guide (all text already formatted)."""

    number: int
    name: str
    unit: str
    manager: str
    email: str
    place: str
    meeting: str
    booked: str
    follow_ups: tuple[str, ...]
    #: The file name without extension, e.g. ``0007-jens-hansen``.
    stem: str
    events: tuple[CalendarEvent, ...] = ()
    #: How to invite the manager, with this leader's follow-ups booked or still to book.
    invite: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeaderDialogue:
    """The ``leader-dialogue`` kit's content in one locale."""

    time_text: str
    invite: tuple[str, ...]
    leaders: tuple[DialogueLeader, ...] = ()


@dataclass(frozen=True)
class OfferGroup:
    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class TimelineEntry:
    date: str
    text: str


@dataclass(frozen=True)
class ContactPerson:
    name: str
    role: str
    email: str
    phone: str


@dataclass(frozen=True)
class SupportOffers:
    """The ``evaluation-follow-up`` kit's content in one locale."""

    groups: tuple[OfferGroup, ...]
    timeline: tuple[TimelineEntry, ...]
    contacts: tuple[ContactPerson, ...]


@dataclass(frozen=True)
class ResultRow:
    """One area's scores for a table, formatted for the locale."""

    area: str
    current: str
    previous: str
    change: str


@dataclass(frozen=True)
class UnitResults:
    #: The unit's name in this locale (``survey.labels``), as leaders' units are printed.
    unit: str
    #: The heading over the unit's table, e.g. "Your unit: Borgerservice".
    heading: str
    #: ``False`` when the unit had too few respondents to be shown on its own, or is not in the survey.
    shown: bool
    rows: tuple[ResultRow, ...] = ()
    #: What a handout says instead of the unit's table when it is not shown.
    note: str = ""


@dataclass(frozen=True)
class ResultsMeeting:
    """The ``results-meeting`` kit's content in one locale."""

    current: str
    previous: str
    #: Column headings of a results table (area, this period, last period, change).
    columns: ResultRow
    overall: tuple[ResultRow, ...]
    units: tuple[UnitResults, ...]
    highlights: tuple[str, ...]
    deck: Deck
    #: When and where the meeting is, as (label, value) rows for the leaders' handout.
    meeting: tuple[tuple[str, str], ...] = ()

    def unit(self, name: str) -> UnitResults | None:
        """The results of unit ``name`` (``None`` when no leader has it and it is not in the survey)."""
        return next((unit for unit in self.units if unit.unit == name), None)


@dataclass(frozen=True)
class Document:
    """One file of the kit in one locale."""

    id: str
    kit: str
    number: int
    format: str
    template: str
    file_name: str
    title: str
    locale: str
    #: ``"standard"`` for the configured paper, ``"large"`` for the A3 / Tabloid poster.
    sheet: str = "standard"
    #: The locale namespace (file) with the document's words.
    namespace: str = ""
    #: The leader a personalised copy is for (``None``: the blank copy).
    leader: DialogueLeader | None = None

    @property
    def label(self) -> str:
        """The title, with the leader's name on a personalised copy."""
        return f"{self.title} – {self.leader.name}" if self.leader else self.title


@dataclass(frozen=True)
class LocaleKit:
    """Everything one locale's documents print."""

    locale: str
    language: str
    organisation: Organisation
    branding: Branding
    paper: str
    #: The locale's words (with the config's overrides), nested by namespace.
    text: Mapping[str, Any]
    documents: tuple[Document, ...]
    wellbeing: WellbeingPlan | None = None
    dialogue: LeaderDialogue | None = None
    support: SupportOffers | None = None
    results: ResultsMeeting | None = None


@dataclass(frozen=True)
class Kit:
    """The whole build: one :class:`LocaleKit` per locale, plus warnings for the user."""

    organisation: Organisation
    locales: tuple[LocaleKit, ...]
    #: What the user should know about the kit (see :class:`~kitbuilder.errors.Notice`).
    notices: tuple[Notice, ...] = field(default=())
    #: Computed dates that moved to the next working day, and why (shown with ``-v``).
    moved_dates: tuple[str, ...] = field(default=())

    @property
    def warnings(self) -> tuple[str, ...]:
        """The notices in English, as the command line prints them."""
        return tuple(str(notice) for notice in self.notices)
