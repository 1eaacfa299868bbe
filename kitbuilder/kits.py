"""The kits' structure: which documents each kit has, its themes, fields and run-sheet rows.

Only language-neutral facts live here (ids, numbers, minutes). Every printed word comes from
``locales/<code>/``, keyed by these ids.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CARD_FIELDS",
    "DOCUMENTS",
    "KITS",
    "kit_namespace",
    "MAP_FIELDS",
    "RESULTS_MEETING",
    "STEPS",
    "THEMES",
    "DocumentSpec",
    "StepSpec",
]


@dataclass(frozen=True)
class DocumentSpec:
    """One document of a kit: its print-order number, id, format and kit."""

    number: int
    id: str
    kit: str
    format: str
    #: ``"large"`` prints on A3 (Tabloid with Letter paper) instead of the configured paper.
    sheet: str = "standard"
    #: The locale file (namespace) holding the document's words; defaults to the kit's.
    namespace: str = ""
    #: The template file, when several documents share one (the decks share a master).
    template_file: str = ""

    @property
    def text_namespace(self) -> str:
        return self.namespace or kit_namespace(self.kit)

    @property
    def template(self) -> str:
        """The template file name the renderer looks for, e.g. ``action-cards.docx``."""
        return self.template_file or f"{self.id}.{self.format}"

    @property
    def file_name(self) -> str:
        """The output file name, e.g. ``07-action-cards.docx``."""
        return f"{self.number:02d}-{self.id}.{self.format}"


@dataclass(frozen=True)
class StepSpec:
    """A workshop step and its run-sheet rows as ``(row id, default minutes)``."""

    id: str
    rows: tuple[tuple[str, int], ...]

    @property
    def default_minutes(self) -> int:
        return sum(minutes for _, minutes in self.rows)


#: The twelve themes of leaders' well-being, in the order the source guide numbers them.
THEMES: tuple[str, ...] = (
    "new-leaders",
    "trust-and-safety",
    "sparring",
    "recovery",
    "overload",
    "sick-leave",
    "manager-dialogue",
    "leader-groups",
    "difficult-cases",
    "cross-collaboration",
    "care-for-each-other",
    "manager-relationship",
)

#: The seven fields of an action card.
CARD_FIELDS: tuple[str, ...] = (
    "where-when",
    "goal",
    "responsible",
    "help",
    "representatives",
    "tasks",
    "follow-up",
)

#: The prioritisation map's fields, numbered as in the guide:
#: 1 important but weak, 2 important and strong, 3 less important but strong,
#: 4 less important and weak.
MAP_FIELDS: tuple[int, ...] = (1, 2, 3, 4)

#: The results meeting in the leader group: introduction, discussion, summary.
RESULTS_MEETING = StepSpec("results", (("introduction", 15), ("discussion", 60), ("summary", 15)))

#: The three workshop steps (90, 80 and 120 minutes by default); each ends with a closing row.
STEPS: tuple[StepSpec, ...] = (
    StepSpec("prepare", (("welcome", 15), ("introduction", 10), ("prioritise", 60), ("wrap-up", 5))),
    StepSpec("qualify", (("welcome", 10), ("qualify-themes", 60), ("wrap-up", 10))),
    StepSpec("concretise", (("action-cards", 75), ("assemble-plan", 30), ("conclusion", 15))),
)

#: Every document kitbuilder can build, in print order. Numbers are stable: a kit that
#: gains a document later takes a free number, so earlier file names never change.
DOCUMENTS: tuple[DocumentSpec, ...] = (
    DocumentSpec(1, "facilitator-checklist", "wellbeing-plan", "docx"),
    DocumentSpec(2, "runsheet-prepare", "wellbeing-plan", "pptx", namespace="wellbeing_decks",
                 template_file="deck.pptx"),
    DocumentSpec(3, "runsheet-qualify", "wellbeing-plan", "pptx", namespace="wellbeing_decks",
                 template_file="deck.pptx"),
    DocumentSpec(4, "runsheet-concretise", "wellbeing-plan", "pptx", namespace="wellbeing_decks",
                 template_file="deck.pptx"),
    DocumentSpec(5, "theme-cards", "wellbeing-plan", "docx"),
    DocumentSpec(6, "prioritisation-map", "wellbeing-plan", "docx", sheet="large"),
    DocumentSpec(7, "action-cards", "wellbeing-plan", "docx"),
    DocumentSpec(8, "wellbeing-plan", "wellbeing-plan", "docx"),
    DocumentSpec(10, "dialogue-guide", "leader-dialogue", "docx"),
    DocumentSpec(20, "support-offers", "evaluation-follow-up", "docx"),
    DocumentSpec(30, "results-meeting", "results-meeting", "pptx", template_file="deck.pptx"),
    DocumentSpec(31, "results-meeting-prep", "results-meeting", "docx"),
)

#: Kit ids a config may name under ``kits``, in build order.
KITS: tuple[str, ...] = tuple(dict.fromkeys(doc.kit for doc in DOCUMENTS))


def step(step_id: str) -> StepSpec:
    """Return the step with ``step_id``; raises ``KeyError`` for an unknown id."""
    for spec in STEPS:
        if spec.id == step_id:
            return spec
    raise KeyError(step_id)


def kit_namespace(kit: str) -> str:
    """The locale file holding a kit's words (its ``title`` among them), e.g. ``wellbeing_plan``."""
    return kit.replace("-", "_")
