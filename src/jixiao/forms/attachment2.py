"""附件2 部门（单位）整体支出绩效自评表."""

from __future__ import annotations

from ..model.derive import derive_overall
from ..model.document import Department, Overall
from ..model.schemes import Scheme
from .common import (LAST_COL, NINE_COLUMNS, footer, funds_block, goals_block, header, indicator_block,
                     title_text, total_block)
from .formulas import attachment2_formulas
from .layout import (A2_DEPARTMENT_LABEL, A2_FUNDS_LABEL, BY_NATURE_LABEL, BY_SOURCE_LABEL, FORM_A2, FORM_NAME, LABELS,
                     TITLES)
from .sheet import FormSheet


def build_attachment2(book, sheet_name: str, overall: Overall, department: Department, scheme: Scheme,
                      year: int, blank: bool = False) -> FormSheet:
    fs = FormSheet(book.workbook, book.styles, sheet_name, NINE_COLUMNS)
    fs.define_constant(FORM_NAME, FORM_A2)
    slots = derive_overall(overall)
    header(fs, "附件2", title_text(year, TITLES[FORM_A2]), LAST_COL)

    fs.label(2, 0, A2_DEPARTMENT_LABEL, c2=2)
    fs.formula(2, 3, '=""&jx_dept_name', department.name or "", fs.styles.derived("text"), c2=LAST_COL)

    funds_at = funds_block(fs, 3, A2_FUNDS_LABEL, [("total", overall.funds)], slots, overall.execution,
                           overall.adjustment_note, total_derived=False, path_of=lambda key, col: f"funds.{col}",
                           extra_rows=5)
    row = funds_at.next_row
    # 按收入性质分 | 按支出性质分, each an amount beside its label.
    fs.label(row, 1, BY_SOURCE_LABEL, c2=4, align="left")
    fs.label(row, 5, BY_NATURE_LABEL, c2=LAST_COL, align="left")
    sources = [(LABELS[f"by_source.{k}"], k) for k in ("general_budget", "government_fund", "special_account", "other")]
    natures = [(LABELS[f"by_nature.{k}"], k) for k in ("basic", "project")]
    for i, (label, key) in enumerate(sources):
        r = row + 1 + i
        fs.label(r, 1, label, c2=2, align="left")
        fs.entry(r, 3, getattr(overall.by_source, key), "amount", path=f"by_source.{key}", c2=4)
        if i < len(natures):
            label2, key2 = natures[i]
            fs.label(r, 5, label2, c2=6, align="left")
            fs.entry(r, 7, getattr(overall.by_nature, key2), "amount", path=f"by_nature.{key2}", c2=LAST_COL)
        else:
            fs.label(r, 5, "", c2=LAST_COL)
    row += 1 + len(sources)

    row = goals_block(fs, row, overall.goals)
    _, _, row = indicator_block(fs, row, overall.indicators, scheme, blank)
    total_block(fs, row, slots)
    footer(fs, row + 2, department, LAST_COL)
    fs.print_setup(LAST_COL, row + 2, title_rows=(0, 1))
    fs.protect()
    fs.finish(attachment2_formulas)
    return fs
