"""The ``wellbeing-plan`` kit: themes, action cards, the map, the three workshop steps and
their run-sheet decks."""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

from babel.dates import format_date

from .. import kits
from ..errors import Notice
from ..inputs.config import Config
from ..locales import LocaleContent
from ..model import (ActionCard, CardField, Deck, MapField, Organisation, RunsheetRow, Slide, Theme, WellbeingPlan,
                     WorkshopStep)
from .common import clock_rows, fill, localised, plural

__all__ = ["map_field", "minute_warnings", "wellbeing_plan"]


def map_field(importance: int, success: int) -> int:
    """The prioritisation-map field for a rating on the 1–5 scales (3 and above is high).

    1: important, but weak; 2: important and strong; 3: less important, strong;
    4: less important and weak.
    """
    important, succeeding = importance >= 3, success >= 3
    if important:
        return 2 if succeeding else 1
    return 3 if succeeding else 4


def wellbeing_plan(config: Config, content: LocaleContent, organisation: Organisation) -> WellbeingPlan:
    t = content.text["wellbeing_plan"]
    code = content.code
    themes = tuple(
        Theme(theme_id, number, t["themes"][theme_id]["title"], t["themes"][theme_id]["prompt"],
              line=f"{number}. {t['themes'][theme_id]['title']}")
        for number, theme_id in enumerate(kits.THEMES, start=1)
    ) + tuple(
        # the organisation's own themes go unnumbered, marked as its own (as on the theme cards)
        Theme(custom.id, number, localised(custom.title, code), localised(custom.prompt, code), custom=True,
              line=fill(t["theme_cards"]["custom_line"], title=localised(custom.title, code)))
        for number, custom in enumerate(config.themes.custom, start=len(kits.THEMES) + 1)
    )
    by_id = {theme.id: theme for theme in themes}
    labels = t["card"]["fields"]

    def card(theme: Theme | None, values: Mapping[str, str]) -> ActionCard:
        heading = fill(t["card"]["heading"], theme=theme.title) if theme else t["card"]["blank_title"]
        open_fields = sum(1 for fid in kits.CARD_FIELDS if not values.get(fid))
        return ActionCard(
            heading=heading,
            prompt=theme.prompt if theme else "",
            fields=tuple(CardField(fid, labels[fid], values.get(fid, "")) for fid in kits.CARD_FIELDS),
            theme_id=theme.id if theme else None,
            open_fields=plural(t["plan"]["open_fields"], open_fields, content) if open_fields else "",
        )

    def prefilled(theme_id: str) -> dict[str, str]:
        fields = config.action_cards.get(theme_id)
        if fields is None:
            return {}
        return {alias: localised(getattr(fields, name), code)
                for name, alias in ((n, n.replace("_", "-")) for n in type(fields).model_fields)}

    if config.themes.selected:
        cards = tuple(card(by_id[tid], prefilled(tid)) for tid in config.themes.selected)
    else:
        cards = tuple(card(None, {}) for _ in range(_BLANK_CARDS))
    # Cards the config fills for themes it did not select still belong in the plan.
    cards += tuple(card(by_id[tid], prefilled(tid)) for tid in config.action_cards
                   if tid not in config.themes.selected)
    example = card(by_id["new-leaders"], t["example_card"])

    placed: dict[int, list[Theme]] = {number: [] for number in kits.MAP_FIELDS}
    for theme_id, rating in config.themes.ratings.items():
        placed[map_field(rating.importance, rating.success)].append(by_id[theme_id])
    map_fields = tuple(
        MapField(number, t["map"]["fields"][str(number)]["name"], t["map"]["fields"][str(number)]["description"],
                 tuple(sorted(placed[number], key=lambda th: th.number)))
        for number in kits.MAP_FIELDS
    )
    parked = tuple(sorted((by_id[theme_id] for theme_id in config.themes.parked), key=lambda th: th.number))
    steps = tuple(_workshop_step(config, content, spec, number)
                  for number, spec in enumerate(kits.STEPS, start=1))
    plan = WellbeingPlan(themes, cards, example, steps, map_fields, parked)
    return replace(plan, decks=tuple(_deck(content, organisation, step, plan) for step in steps))


def _deck(content: LocaleContent, organisation: Organisation, step: WorkshopStep, plan: WellbeingPlan) -> Deck:
    """The slides of one step's run-sheet deck."""
    t = content.text["wellbeing_plan"]
    d = content.text["wellbeing_decks"]
    notes = d["notes"]

    def prioritisation_map(title: str, note: str, filled: bool) -> Slide:
        """The map: empty in step 1, which fills it; with the rated and parked themes later."""
        fields = plan.map_fields if filled else tuple(replace(field, themes=()) for field in plan.map_fields)
        return Slide("map", title, note, map_fields=fields, parking=t["map"]["parking"]["name"],
                     lines=() if filled else (t["map"]["parking"]["description"],),
                     parked=plan.parked if filled else (),
                     axes=(t["map"]["importance_axis"], t["map"]["success_axis"]))

    when = f"{step.start}–{step.end}"
    details = [organisation.title_label, step.date, when, step.venue, step.facilitator]
    slides = [
        Slide("title", step.title, notes["title"][step.id], subtitle=t["title"],
              lines=tuple(line for line in details if line)),
        Slide("agenda", f"{d['agenda_title']} · {when}", notes["agenda"][step.id],
              lines=tuple(f"{row.start}–{row.end}   {d['rows'][step.id][row.id]}" for row in step.rows)
              + (f"{step.end}   {d['ends']}",)),
        Slide("table", d["runsheet_title"], notes["runsheet"],
              table=(tuple(t["runsheet_columns"][key] for key in ("time", "minutes", "content", "who")),)
              + tuple((f"{row.start}–{row.end}", str(row.minutes), row.content, row.who) for row in step.rows),
              widths=(0.13, 0.10, 0.47, 0.30)),
    ]
    if step.id == "prepare":
        # the twelve common themes, and the organisation's own apart (as on the theme cards)
        slides.append(Slide("themes", d["themes_title"], notes["themes"], themes=plan.common_themes))
        if plan.own_themes:
            slides.append(Slide("themes", plural(d["own_themes_title"], len(plan.own_themes), content),
                                plural(notes["own_themes"], len(plan.own_themes), content), themes=plan.own_themes))
        slides.append(prioritisation_map(d["map_title"], notes["map"], filled=False))
    elif step.id == "qualify":
        if plan.map_filled:
            slides.append(prioritisation_map(d["map_result_title"], notes["map_result"], filled=True))
        questions = t["qualify"]["questions"].values()
        slides.append(Slide("content", t["qualify"]["heading"], notes["questions"],
                            lines=tuple(f"{q['name']}: {q['text']}" for q in questions)))
    else:
        example = plan.example_card
        slides += [
            Slide("content", d["fields_title"], notes["fields"], lines=tuple(f.label for f in example.fields)),
            Slide("table", t["action_cards"]["example_heading"], notes["example"],
                  table=((example.heading, ""),) + tuple((f.label, f.value) for f in example.fields),
                  widths=(0.32, 0.68)),
            Slide("content", t["publish"]["heading"], notes["publish"], lines=tuple(t["publish"]["steps"])),
        ]
    slides.append(Slide("closing", d["closing_title"][step.id], notes["closing"][step.id],
                        lines=tuple(d["closing"][step.id])))
    return Deck(step.id, tuple(slides))


#: Blank cards printed when the config selects no theme yet.
_BLANK_CARDS = 3


def _workshop_step(config: Config, content: LocaleContent, spec: kits.StepSpec, number: int) -> WorkshopStep:
    t = content.text["wellbeing_plan"]
    settings = getattr(config.workshops, spec.id)
    babel = content.babel
    rows = [RunsheetRow(row_id, start, end, minutes, t["runsheet"][spec.id][row_id]["content"],
                        t["runsheet"][spec.id][row_id]["who"])
            for row_id, start, end, minutes in clock_rows(config, spec, content)]
    return WorkshopStep(
        id=spec.id,
        number=number,
        title=t["steps"][spec.id]["title"],
        purpose=t["steps"][spec.id]["purpose"],
        date=format_date(settings.date, format="full", locale=babel) if settings.date else "",
        start=rows[0].start,
        end=rows[-1].end,
        minutes=sum(row.minutes for row in rows),
        default_minutes=spec.default_minutes,
        venue=settings.venue,
        facilitator=settings.facilitator,
        rows=tuple(rows),
    )


def minute_warnings(config: Config) -> tuple[Notice, ...]:
    warnings = []
    for spec in (*kits.STEPS, kits.RESULTS_MEETING):
        overrides = getattr(config.workshops, spec.id).minutes
        total = sum(overrides.get(row_id, default) for row_id, default in spec.rows)
        if total != spec.default_minutes:
            warnings.append(Notice(
                str(config.file), f"workshops.{spec.id}.minutes", "minutes",
                {"minutes": total, "usual": spec.default_minutes},
                f"the session now lasts {total} minutes instead of {spec.default_minutes}"))
    return tuple(warnings)
