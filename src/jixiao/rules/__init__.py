"""Validation: the rule catalog of ``shared/spec/rules.md``, run over a document.

``run_rules(doc)`` returns findings located by data path; given the workbook's ``locations``
it places them on cells instead. Rules read the model only; workbook facts (formulas typed over)
come in as ``formula_states``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..forms.spec import FORM_SPECS, INFO_SPEC, FormSpec
from ..model.document import Document
# Importing the rule modules registers their rules, in the catalog's order (F M R B S I X N).
from . import fields, money, rates, budget, scores, indicators, crossform, narrative  # noqa: F401, I001
from .catalog import CATALOG, ERROR, INFO, WARNING, Finding, Location, Severity
from .context import Context, FormulaState
from .settings import DEFAULT_SETTINGS, Settings

__all__ = ["CATALOG", "Finding", "Location", "FormSummary", "FormulaState", "Settings", "Severity", "run_rules", "summarize",
           "form_of", "ERROR", "WARNING", "INFO"]

_SPEC_OF = {spec.attr: spec for spec in FORM_SPECS}


def _form(path: str) -> tuple[FormSpec | None, int | None]:
    """The registry's form of a data path ("projects[3].funds…" → the project form, 3), or None
    for the department's fields (基本信息)."""
    head = path.partition(".")[0]
    attr, _, index = head.partition("[")
    spec = _SPEC_OF.get(attr)
    if spec is None or spec.many != bool(index):
        return None, None
    return spec, int(index[:-1]) if index else None


def form_of(doc: Document, path: str) -> str:
    """The form a data path belongs to: 基本信息, 附件1, 附件2 or the project's name."""
    spec, index = _form(path)
    return INFO_SPEC.key if spec is None else spec.title(doc, index)


def _form_rank(path: str) -> tuple:
    """Findings sort by form in the workbook's order: 基本信息, then the registry's forms."""
    spec, index = _form(path)
    return (0, 0) if spec is None else (FORM_SPECS.index(spec) + 1, index or 0)


_LAST_STEP = re.compile(r"(\.[^.\[]+|\[\d+\])$")


def locate(locations, path: str) -> str | None:
    """The A1 cell of ``path`` in a workbook (the nearest located parent), or None without one.
    ``locations`` maps paths to A1 cells (``extract.CellLocations`` or a plain dict)."""
    if locations is None:
        return None
    probe = path
    while probe:
        found = locations.get(probe)
        if found is not None:
            return found
        last = _LAST_STEP.search(probe)
        probe = probe[:last.start()] if last else ""
    return "A1"


def run_rules(doc: Document, settings: Settings = DEFAULT_SETTINGS, locations=None,
              formula_states: list[FormulaState] | None = None, context: Context | None = None) -> list[Finding]:
    """Every finding of every rule, sorted by form, then worst first. ``context``: one already made
    for ``doc`` (its derived values are then computed once for the rules and the summary)."""
    ctx = context or Context(doc, settings, list(formula_states or []))
    found = []
    forms: dict[str, tuple[str, tuple, str | None]] = {}  # "projects[3]" → (form's name, rank, sheet)
    sheet_of = getattr(locations, "sheet_of", None)
    for order, r in enumerate(CATALOG.values()):
        rule_id, severity, severity_rank = r.id, r.severity, r.severity.rank
        for path, message, expected, milder in r.check(ctx):
            head = path.partition(".")[0]
            place = forms.get(head)
            if place is None:
                place = forms[head] = (form_of(doc, head), _form_rank(head), sheet_of(head) if sheet_of else None)
            location = Location.of(place[0], path, place[2] or None, locate(locations, path))
            if milder is None:
                finding = Finding(rule_id, severity, location, message, expected)
                found.append((place[1], severity_rank, order, len(found), finding))
            else:
                finding = Finding(rule_id, milder, location, message, None if milder is INFO else expected)
                found.append((place[1], milder.rank, order, len(found), finding))
    found.sort()  # the fourth element is unique: findings themselves are never compared
    return [t[-1] for t in found]


@dataclass(frozen=True)
class FormSummary:
    form: str
    total_score: Decimal | None
    grade: str | None
    errors: int
    warnings: int
    infos: int


def summarize(doc: Document, findings: list[Finding], context: Context | None = None) -> list[FormSummary]:
    """One line per form: 总分 and grade (附件2 and projects), and the counts of findings."""
    ctx = context if context is not None and context.doc is doc else Context(doc)
    totals: dict[str, Decimal | None] = {}
    if doc.basic_data is not None:
        totals["附件1"] = None
    for form in ctx.scored_forms:
        shown = form.slots.shown("total_score")
        totals[form_of(doc, form.prefix)] = shown if isinstance(shown, Decimal) else None
    for f in findings:
        totals.setdefault(f.form, None)
    by_form: dict[str, list[Finding]] = {}
    for f in findings:
        by_form.setdefault(f.form, []).append(f)
    out = []
    for name, total in totals.items():
        mine = by_form.get(name, [])
        out.append(FormSummary(
            form=name, total_score=total, grade=ctx.scheme.grade(total) if total is not None else None,
            errors=sum(f.severity is ERROR for f in mine), warnings=sum(f.severity is WARNING for f in mine),
            infos=sum(f.severity is INFO for f in mine)))
    return out
