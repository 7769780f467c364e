"""Test helpers: list formula cells, and edit a workbook the way Excel does."""

from __future__ import annotations

import re

from openpyxl.utils.cell import get_column_letter, range_boundaries

from jixiao.workbook.reader import Workbook


def formula_cells(path):
    """{(sheet, row, col): shown value} for every cell holding a formula."""
    out = {}
    with Workbook(path) as book:
        for name in book.sheet_names():
            for (r, c), cell in book.sheet(name).cells.items():
                if cell.formula is not None:
                    out[(name, r, c)] = cell.value
    return out


def _shift_ref(ref: str, at: int, n: int) -> str:
    """Shift/stretch an A1 range as Excel does when n rows are inserted before row ``at``."""
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    if min_row >= at:
        min_row += n
    if max_row >= at:
        max_row += n
    a = f"${get_column_letter(min_col)}${min_row}"
    b = f"${get_column_letter(max_col)}${max_row}"
    return a if a == b else f"{a}:{b}"


def excel_like_insert_rows(wb, ws, at: int, n: int) -> None:
    """Insert ``n`` rows before 1-based row ``at`` in an openpyxl workbook, adjusting what Excel
    adjusts and openpyxl does not: merged ranges and defined names."""
    merged = [str(r) for r in ws.merged_cells.ranges]
    for r in merged:
        ws.unmerge_cells(r)
    ws.insert_rows(at, n)
    for r in merged:
        ws.merge_cells(_shift_ref(r, at, n).replace("$", ""))

    pattern = re.compile(r"^(.*!)(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$")
    sheet_prefix = (f"'{ws.title}'!", f"{ws.title}!")
    names = list(ws.defined_names.values()) + list(wb.defined_names.values())
    for dn in names:
        m = pattern.match(dn.attr_text or "")
        if m and m.group(1) in sheet_prefix:
            dn.attr_text = m.group(1) + _shift_ref(m.group(2), at, n)


def field_cells(path, sheet: str):
    """``at(data path) -> A1`` for the fields of one form sheet, found by their defined names."""
    from jixiao.forms.layout import field_name
    from jixiao.forms.sheet import a1

    with Workbook(path) as book:
        ranges = book.local_ranges(sheet)

    def at(field_path: str, absolute: bool = False) -> str:
        r1, c1, _, _ = ranges[field_name(field_path)]
        return a1(r1, c1, absolute)

    return at
