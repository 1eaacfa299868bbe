"""``kitbuilder templates check`` and ``export``: see which template each document uses and
what in a restyled template will not work, before a full build.

For a Word template the check reads every Jinja tag (body, headers, footers) and reports
names the kit does not provide — ``{{ organisation.nmae }}`` — and attributes that do not
exist on what it does provide — ``{{ org.nmae }}``, ``{{ t.map.headng }}`` — and, the other
way round, which of the kit's names the template never prints. For a PowerPoint master it
reports missing layouts and placeholders.
"""

from __future__ import annotations

import dataclasses
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import kits, resources
from .errors import InputError, Problem
from .templates import TemplateSet

__all__ = ["TemplateReport", "check_templates", "export_templates"]

_WORD_PARTS = ("document.main+xml", "header+xml", "footer+xml")


@dataclass
class TemplateReport:
    """What ``templates check`` found for one document in one locale."""

    document: str
    locale: str
    path: Path
    problems: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)


def export_templates(target: Path, *, force: bool = False) -> list[Path]:
    """Copy the default theme into ``target`` for editing; returns the files written."""
    source = resources.templates_dir() / "default"
    if target.exists() and any(target.iterdir()) and not force:
        raise InputError(Problem(str(target), "", "is not empty; use --force to overwrite the files in it"))
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            written.append(destination)
    return written


def check_templates(override: Path | None, locales: list[str]) -> list[TemplateReport]:
    """Check the template each document would use in each of ``locales``."""
    from .locales import load_locale

    templates = TemplateSet(override)
    reports = []
    for locale in locales:
        text = load_locale(locale).text
        for spec in kits.DOCUMENTS:
            path = templates.resolve(spec.template, locale)
            report = TemplateReport(spec.file_name, locale, path)
            if spec.format == "docx":
                _check_word(path, spec, text, report)
            else:
                _check_master(path, report)
            reports.append(report)
    return reports


def _check_master(path: Path, report: TemplateReport) -> None:
    from pptx import Presentation

    from .render.pptx import missing_layouts

    try:
        prs = Presentation(str(path))
    except Exception as exc:  # python-pptx raises several types for a non-PowerPoint file
        report.problems.append(f"not a readable PowerPoint file: {exc}")
        return
    report.problems += [f"the slide master lacks {item}" for item in missing_layouts(prs)]


def _provided(spec: kits.DocumentSpec, text: dict[str, Any]) -> dict[str, Any]:
    """What a Word template of ``spec`` can use: name → a description of its attributes."""
    from . import model

    return {
        "org": model.Organisation,
        "doc": model.Document,
        "t": text[spec.text_namespace],
        "common": text["common"],
        "plan": model.WellbeingPlan,
        "dialogue": model.LeaderDialogue,
        "support": model.SupportOffers,
        "results": model.ResultsMeeting,
        "leader": model.DialogueLeader,
        "logo": None,
        "logo_small": None,
    }


def _check_word(path: Path, spec: kits.DocumentSpec, text: dict[str, Any], report: TemplateReport) -> None:
    import jinja2
    from docxtpl import DocxTemplate
    from jinja2 import nodes

    from .render.docx import broken_tag

    try:
        tpl = DocxTemplate(path)
        tpl.init_docx()
        sources = [tpl.patch_xml(part.blob.decode("utf-8")) for part in tpl.docx.part.package.iter_parts()
                   if part.content_type.endswith(_WORD_PARTS)]
    except Exception as exc:  # python-docx raises several types for a non-Word file
        report.problems.append(f"not a readable Word file: {exc}")
        return
    provided = _provided(spec, text)
    env = jinja2.Environment()
    used: set[str] = set()
    for source in sources:
        try:
            tree = env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            report.problems.append(broken_tag(exc))
            continue
        declared = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
        for name in sorted({n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"} - declared):
            if name not in provided and name not in {"loop", "range", "true", "false", "none"}:
                report.problems.append(f"uses '{name}', which the kit does not provide "
                                       f"(it provides: {', '.join(provided)})")
            used.add(name)
        for chain in _attribute_chains(tree, nodes):
            root, *attributes = chain
            if root in provided and root not in declared:
                missing = _missing_attribute(provided[root], attributes)
                if missing:
                    report.problems.append(f"uses '{'.'.join(chain)}': '{root}' has no '{missing}'")
    report.problems = list(dict.fromkeys(report.problems))
    report.unused = [name for name in provided if name not in used]


def _attribute_chains(tree, nodes) -> list[list[str]]:
    """Every outermost ``a.b.c`` (and ``a['b']``) chain in the template."""
    chains = []
    inner: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if id(node) in inner:
            continue
        chain, current = [], node
        while isinstance(current, (nodes.Getattr, nodes.Getitem)):
            inner.add(id(current.node))
            if isinstance(current, nodes.Getattr):
                chain.append(current.attr)
            elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, str):
                chain.append(current.arg.value)
            else:
                chain = []  # an index computed at render time: nothing to check here
                break
            current = current.node
        if chain and isinstance(current, nodes.Name):
            chains.append([current.name, *reversed(chain)])
    return chains


def _missing_attribute(target: Any, attributes: list[str]) -> str | None:
    """The first of ``attributes`` that ``target`` (text mapping or model class) lacks."""
    for attribute in attributes:
        if isinstance(target, dict):
            if attribute not in target and not hasattr(dict, attribute):
                return attribute
            target = target.get(attribute)
        elif isinstance(target, type) and dataclasses.is_dataclass(target):
            names = {f.name for f in dataclasses.fields(target)} | {
                n for n, v in vars(target).items() if isinstance(v, property) or callable(v)}
            if attribute not in names:
                return attribute
            return None  # deeper attributes depend on values; the build checks those
        else:
            return None
    return None
