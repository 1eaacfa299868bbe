"""Turn a validated config and the locales' content into the kit model.

Pure functions: no files are read here. Dates, times and numbers are formatted for each
locale with Babel, clock times are computed from the start time and each row's minutes.
One module per kit; this one puts a locale's kits and documents together.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import Any, Mapping

from .. import kits
from ..colours import contrast_warnings
from ..inputs.config import Config, config_for_locale
from ..locales import LocaleContent
from ..model import Branding, Document, Kit, LocaleKit, Organisation
from ..inputs.survey import SurveyData
from ..workdays import WorkingDays
from .common import add_months, fill
from .dates import date_warnings, moved_dates, working_days
from .dialogue import dialogue_leaders, leader_dialogue, timezone_for
from .results import results_meeting
from .support import support_offers
from .wellbeing import map_field, minute_warnings, wellbeing_plan

__all__ = ["add_months", "assemble_kit", "fill", "map_field", "timezone_for"]


def assemble_kit(config: Config, contents: Mapping[str, LocaleContent], logo: bytes | None = None,
                 survey: SurveyData | None = None) -> Kit:
    """Build the kit model for every locale in ``config.locales``.

    ``contents`` maps each locale code to its content with the config's text overrides
    already applied; ``logo`` is the prepared logo image (see :mod:`kitbuilder.assets`) and
    ``survey`` the checked survey results (see :mod:`kitbuilder.inputs.survey`).
    """
    colours = config.branding.colours
    # Only colours the config names are applied, so a restyled template keeps its own.
    chosen = {name: getattr(colours, name) if name in colours.model_fields_set else None
              for name in ("primary", "secondary", "accent")}
    branding = Branding(
        **chosen,
        logo=logo,
        font=config.branding.font,
    )
    # one calendar for every locale: the first locale's country and names (messages name one holiday)
    first, first_content = config_for_locale(config, config.locales[0]), contents[config.locales[0]]
    workdays = working_days(first, first_content)
    notices = (minute_warnings(config) + tuple(contrast_warnings(chosen, str(config.file)))
               + (survey.notices if survey else ()) + date_warnings(first, first_content, workdays))
    locales = tuple(_locale_kit(config_for_locale(config, code), contents[code], branding, survey, workdays)
                    for code in config.locales)
    return Kit(locales[0].organisation, locales, notices, moved_dates(first, first_content, workdays))


def _locale_kit(config: Config, content: LocaleContent, branding: Branding, survey: SurveyData | None,
                workdays: WorkingDays) -> LocaleKit:
    """One locale's kit; ``config`` holds that locale's texts only (see :func:`config_for_locale`)."""
    organisation = Organisation(config.organisation.name, config.organisation.short_name)
    text = content.text
    wellbeing = wellbeing_plan(config, content, organisation) if "wellbeing-plan" in config.kits else None
    leaders = dialogue_leaders(config, content, organisation, workdays)
    dialogue = leader_dialogue(config, content, leaders) if "leader-dialogue" in config.kits else None
    support = support_offers(config, content, workdays) if "evaluation-follow-up" in config.kits else None
    results = (results_meeting(config, content, organisation, survey)
               if "results-meeting" in config.kits and survey else None)
    documents: list[Document] = []
    for spec in kits.DOCUMENTS:
        if spec.kit not in config.kits:
            continue
        document = Document(
            id=spec.id,
            kit=spec.kit,
            number=spec.number,
            format=spec.format,
            template=spec.template,
            file_name=spec.file_name,
            title=text[spec.text_namespace]["documents"][spec.id],
            locale=content.code,
            sheet=spec.sheet,
            namespace=spec.text_namespace,
        )
        if spec.id in _PERSONALISED and leaders:
            # one personalised copy per leader (and a calendar file per dialogue) instead of the blank one
            for leader in leaders:
                folder = f"{spec.id}s/{leader.stem}"
                documents.append(replace(document, file_name=f"{folder}.docx", leader=leader))
                if spec.id == "dialogue-guide":
                    documents.append(replace(document, format="ics", template="", file_name=f"{folder}.ics",
                                             leader=leader))
        else:
            documents.append(document)
    return LocaleKit(
        locale=content.code,
        language=content.name,
        organisation=organisation,
        branding=branding,
        paper=config.paper,
        text=_freeze(text),
        documents=tuple(documents),
        wellbeing=wellbeing,
        dialogue=dialogue,
        support=support,
        results=results,
    )


#: Documents printed once per leader when the config lists leaders.
_PERSONALISED = ("dialogue-guide", "results-meeting-prep")


def _freeze(value: Any) -> Any:
    """A read-only deep copy: mappings become mapping proxies and lists tuples."""
    if isinstance(value, dict):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value
