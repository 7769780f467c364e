"""The 项目支出绩效自评表 sheet (one per project), with its narrative kept below the form."""

from __future__ import annotations

from ..model.derive import derive_project
from ..model.document import Project
from ..model.schemes import Scheme
from .common import LAST_COL, NINE_COLUMNS, funds_block, goals_block, header, indicator_block, title_text, total_block
from .formulas import project_formulas
from .layout import (FORM_NAME, FORM_PROJECT, HEAD_SPANS, LABELS, PROJECT_FUNDS_LABEL, PROJECT_HEAD, REPORT_LABELS,
                     SIDE_LABELS, TITLES)
from .sheet import FormSheet

# Beyond the print area: a spacer, then labels and values of what the paper form has no place for.
EXTRA_COLUMNS = [2, 10, 18]
KEY_LABEL_COL, KEY_VALUE_COL = 10, 11
HEAD_TOP = 2  # the head rows start under the two title rows


def build_project(book, sheet_name: str, project: Project, scheme: Scheme, year: int, blank: bool = False) -> FormSheet:
    fs = FormSheet(book.workbook, book.styles, sheet_name, NINE_COLUMNS + EXTRA_COLUMNS)
    fs.define_constant(FORM_NAME, FORM_PROJECT)
    slots = derive_project(project)
    grey = fs.styles.plain(size=9, color="#7F7F7F")

    header(fs, "附件3", title_text(year, TITLES[FORM_PROJECT]), LAST_COL)
    fs.write(0, KEY_LABEL_COL, SIDE_LABELS["id"], grey)
    fs.entry(0, KEY_VALUE_COL, project.id, "text", path="id")
    fs.write(1, KEY_LABEL_COL, SIDE_LABELS["code"], grey)
    fs.entry(1, KEY_VALUE_COL, project.code, "text", path="code")

    row = HEAD_TOP
    for fields in PROJECT_HEAD:
        for field, ((l1, l2), (v1, v2)) in zip(fields, HEAD_SPANS[len(fields)]):
            fs.label(row, l1, field.label, c2=l2)
            fs.entry(row, v1, getattr(project, field.path), field.kind, path=field.path, c2=v2)
        row += 1

    funds = project.funds
    rows = [(key, getattr(funds, key)) for key in scheme.fund_rows]
    funds_at = funds_block(fs, row, PROJECT_FUNDS_LABEL, rows, slots, project.execution, project.adjustment_note,
                           total_derived=True, path_of=lambda key, col: f"funds.{key}.{col}")
    row = goals_block(fs, funds_at.next_row, project.goals)
    first, _, row = indicator_block(fs, row, project.indicators, scheme, blank)
    total_block(fs, row, slots)
    # A form too long for one page goes on with the indicator table, its header row repeated
    fs.print_setup(LAST_COL, row, title_rows=(first - 1, first - 1))

    # The 绩效自评报告 narrative: kept with its project, below the printed form.
    row += 3
    fs.write(row, 0, "绩效自评报告（文字部分，不打印；生成自评报告时使用）", fs.styles.plain(bold=True), c2=LAST_COL)
    report = project.report
    for key in REPORT_LABELS:
        row += 1
        fs.label(row, 0, LABELS[f"report.{key}"], c2=2, align="left")
        fs.entry(row, 3, getattr(report, key) if report else None, "text", path=f"report.{key}", c2=LAST_COL)
    fs.protect()
    fs.finish(project_formulas)
    return fs
