"""One view of the findings for every output: the 校验结果 rows and their links, the colours of
the cells found, the order of severities.

``check --annotate`` (a package edit) and the 校验 button (xlwings) both draw the same rows from
here; the summary workbook and the mail take the same place and severity words.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..rules import ERROR, WARNING, Finding, Severity

RESULT_SHEET = "校验结果"
HEADERS = ("严重程度", "规则", "表单", "单元格", "说明", "应为")
WIDTHS = (9, 6, 24, 22, 60, 16)
PLACE_COLUMN = HEADERS.index("单元格")
# The fill of a cell found: red for 错误, yellow for 警告 (提示 is not coloured); red wins.
MARK_COLOURS = {ERROR: "FFC7CE", WARNING: "FFEB9C"}
SEVERITY_ORDER = {s.value: s.rank for s in Severity}  # 错误 first


@dataclass(frozen=True)
class ResultRow:
    """One row of the 校验结果 sheet, and the cell it jumps to (None for a finding with no sheet)."""

    values: tuple[str, ...]
    target: tuple[str, str] | None


def result_rows(findings: list[Finding]) -> list[ResultRow]:
    """The rows under ``HEADERS``, in the findings' order (form, then worst first)."""
    rows = []
    for f in findings:
        loc = f.location
        target = (loc.sheet, loc.cell) if loc.sheet and loc.cell else None
        rows.append(ResultRow((f.severity.value, f.rule, f.form, loc.place, f.message, f.shown_expected or ""), target))
    return rows


def reference(sheet: str, cell: str) -> str:
    """An in-workbook reference to ``cell`` on ``sheet``: 'name'!I5 (quotes doubled)."""
    return "'" + sheet.replace("'", "''") + f"'!{cell}"


def cell_marks(findings: list[Finding]) -> dict[tuple[str, str], str]:
    """(sheet, cell) → the RGB fill it gets; an error's red wins over a warning's yellow."""
    marks: dict[tuple[str, str], str] = {}
    for f in findings:
        colour = MARK_COLOURS.get(f.severity)
        loc = f.location
        if colour and loc.sheet and loc.cell and marks.get((loc.sheet, loc.cell)) != MARK_COLOURS[ERROR]:
            marks[(loc.sheet, loc.cell)] = colour
    return marks
