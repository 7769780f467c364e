"""The 基本信息 sheet: the workbook's settings (年度, 指标体系) and the department's details.

Every form takes its year, department name and footer from here by formula, so a person types
each once.
"""

from __future__ import annotations

from .. import __version__
from ..model.document import Document, get_path
from ..model.schemes import load_scheme, scheme_ids
from .layout import INFO, INFO_FIELDS, INFO_HINTS, INFO_NOTE, INFO_SHEET, MADE_BY
from .sheet import FormSheet


def build_info(book, doc: Document) -> FormSheet:
    fs = FormSheet(book.workbook, book.styles, INFO_SHEET, [20, 40, 30])
    st = fs.styles
    fs.write(0, 0, "预算绩效自评工作簿 · 基本信息", st.title(), c2=2)
    fs.height(0, 30)
    hints = {**INFO_HINTS, "scheme": load_scheme(doc.scheme).title}
    rows = {}
    for i, field in enumerate(INFO_FIELDS):
        r = rows[field.path] = 2 + i
        fs.label(r, 0, field.label)
        value = get_path(doc, field.path)
        if field.derived:
            fs.write(r, 1, value, st.derived(field.kind))
        else:
            fs.entry(r, 1, value, field.kind, align="left")
        fs.write(r, 2, hints.get(field.path, ""), st.plain(size=9, color="#7F7F7F"))
        fs.wb.define_name(field.name, f"='{INFO_SHEET}'!$B${r + 1}")
    scheme_row = rows[INFO["scheme"].path]
    fs.ws.data_validation(scheme_row, 1, scheme_row, 1, {
        "validate": "list", "source": scheme_ids(),
        "error_title": "指标体系", "error_message": "请从列表中选择指标体系。"})
    year_row = rows[INFO["year"].path]
    fs.ws.data_validation(year_row, 1, year_row, 1, {
        "validate": "integer", "criteria": "between", "minimum": 2000, "maximum": 2999,
        "error_title": "年度", "error_message": "年度应为四位数字，如 2024。"})
    r = 3 + len(INFO_FIELDS)
    fs.write(r, 0, INFO_NOTE, st.plain(), c2=2)
    fs.height(r, 36)
    fs.write(r + 1, 0, MADE_BY.format(version=__version__), st.plain(size=9, color="#7F7F7F"), c2=2)
    fs.print_setup(2, r + 1)
    fs.ws.fit_to_pages(1, 1)  # the settings and the department's details: one page
    fs.ws.protect("", {"format_cells": True, "format_columns": True, "format_rows": True,
                       "select_locked_cells": True, "select_unlocked_cells": True})
    fs.finish()
    return fs

