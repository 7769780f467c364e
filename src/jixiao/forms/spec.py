"""The form registry: one ``FormSpec`` per form, the single place that says what a form is;
``INFO_SPEC`` says the same of the 基本信息 sheet, which holds the workbook's settings and the
department rather than a form's block.

A spec owns the form's key (the ``jx_form`` constant its sheet carries), where its block lives in
the document (``basic_data``, ``overall``, one of ``projects``), the block's class, its fields and
tables (``forms.layout``), the formulas of its derived cells, the derive function that computes
them from the data, the builder that lays the sheet out, and the name only its sheet has. Fill,
extract, recompute and the buttons ask the registry instead of keeping tables of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model.derive import derive_basic, derive_overall, derive_project
from ..model.document import BasicData, Document, Overall, Project
from .formulas import attachment1_formulas, attachment2_formulas, project_formulas
from .layout import (A1_FIELDS, A1_TABLES, A2_FIELDS, A2_TABLES, FORM_A1, FORM_A2, FORM_PROJECT, INFO, INFO_FIELDS,
                     INFO_SHEET, PROJECT_FIELDS, PROJECT_TABLES, Field, Table)

@dataclass(frozen=True)
class FormSpec:
    key: str  # the jx_form constant: 附件1, 附件2, 项目
    attr: str  # the Document attribute holding its block (a list for the project forms)
    many: bool  # one form per item of a list (the projects)
    block: type  # the block's dataclass
    fields: tuple[Field, ...]
    tables: tuple[Table, ...]
    formulas: Callable  # Positions → {derived field path: formula}
    derive: Callable  # block → Slots (the derived values from the data)
    build: Callable  # (book, sheet name, block, doc, scheme, blank) → FormSheet
    marker: str  # a name only this form's sheet has (the VBA client sends names, not constants)

    def blocks(self, doc: Document) -> list[tuple[str, object]]:
        """(data prefix, block) of every form of this kind that ``doc`` holds."""
        value = getattr(doc, self.attr)
        if self.many:
            return [(f"{self.attr}[{i}]", block) for i, block in enumerate(value)]
        return [] if value is None else [(self.attr, value)]

    def title(self, doc: Document, index: int | None = None) -> str:
        """The form's name in findings and summaries: 附件1, 附件2, or the project's own name."""
        if not self.many:
            return self.key
        return getattr(doc, self.attr)[index].name or f"项目{index + 1}"

    def attach(self, doc: Document, block) -> str:
        """Put a block read from a sheet into ``doc``; returns its data prefix."""
        if self.many:
            items = getattr(doc, self.attr)
            items.append(block)
            return f"{self.attr}[{len(items) - 1}]"
        setattr(doc, self.attr, block)
        return self.attr


# The builders lay sheets out with XlsxWriter's styles: imported when a sheet is built, so that
# reading and checking a workbook, which ask the registry too, do not load them.
def _build_attachment1(book, sheet, block, doc, scheme, blank):
    from .attachment1 import build_attachment1

    return build_attachment1(book, sheet, block, doc.department, doc.year)


def _build_attachment2(book, sheet, block, doc, scheme, blank):
    from .attachment2 import build_attachment2

    return build_attachment2(book, sheet, block, doc.department, scheme, doc.year, blank=blank)


def _build_project(book, sheet, block, doc, scheme, blank):
    from .project import build_project

    return build_project(book, sheet, block, scheme, doc.year, blank=blank)


FORM_SPECS = (
    FormSpec(FORM_A1, "basic_data", False, BasicData, A1_FIELDS, A1_TABLES, attachment1_formulas, derive_basic,
             _build_attachment1, "jx_staff_authorized"),
    FormSpec(FORM_A2, "overall", False, Overall, A2_FIELDS, A2_TABLES, attachment2_formulas, derive_overall,
             _build_attachment2, "jx_by_source_general_budget"),
    FormSpec(FORM_PROJECT, "projects", True, Project, PROJECT_FIELDS, PROJECT_TABLES, project_formulas,
             derive_project, _build_project, "jx_implementer"),
)
SPECS = {spec.key: spec for spec in FORM_SPECS}


@dataclass(frozen=True)
class InfoSpec:
    """The 基本信息 sheet: its name (also its findings' form), its fields (the document's own keys and
    the department's, each with a book-wide defined name), its builder, and the name that marks a
    workbook as jixiao's (every form takes its 年度 from it)."""

    key: str
    fields: tuple[Field, ...]
    build: Callable  # (book, doc) → FormSheet
    marker: str


def _build_info(book, doc):
    from .info import build_info

    return build_info(book, doc)


INFO_SPEC = InfoSpec(INFO_SHEET, INFO_FIELDS, _build_info, INFO["year"].name)
