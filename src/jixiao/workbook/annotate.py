"""Annotate: a copy of a workbook with a 校验结果 sheet and the cells of the findings coloured.

The input is never touched. The copy keeps every formula *and* its cached value (openpyxl drops
them; ``cache.restore_cached_values`` puts them back), so it still shows the right numbers in
readers that do not calculate.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import JixiaoError
from ..files import atomic_output
from .cache import cached_values, restore_cached_values
from .extract import BookContents

RESULT_SHEET = "校验结果"
FILLS = {"错误": "FFC7CE", "警告": "FFEB9C"}  # red, yellow (提示 is not coloured)
HEADERS = ("严重程度", "规则", "表单", "单元格", "说明", "应为")


def annotate(source: str | Path, output: str | Path, findings, contents: BookContents) -> Path:
    """Write the annotated copy of ``source`` to ``output`` (an .xlsx)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    source, output = Path(source), Path(output)
    if output.suffix.lower() != ".xlsx":
        raise JixiaoError(f"标注后的工作簿应以 .xlsx 结尾：{output}")
    if output.resolve() == source.resolve():
        raise JixiaoError("标注结果不能覆盖原工作簿，请换一个输出文件名")
    cache = cached_values(source)
    wb = openpyxl.load_workbook(source)
    if RESULT_SHEET in wb.sheetnames:
        del wb[RESULT_SHEET]
    ws = wb.create_sheet(RESULT_SHEET, 0)
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(name="宋体", bold=True)
    # Colour each finding's cell; an error's red wins over a warning's yellow.
    colour: dict[tuple[str, str], str] = {}
    for f in findings:
        sheet = contents.sheet_of(f.path)
        row = ws.max_row + 1
        values = (f.severity.value, f.rule, f.form, f"{sheet}!{f.cell}" if sheet else f.cell, f.message, f.expected)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row, col, value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it starts with "=" (an expected formula)
        link = ws.cell(row, 4)
        if sheet:
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!{f.cell}", display=link.value)
            link.font = Font(color="0563C1", underline="single")
            if f.severity.value in FILLS and colour.get((sheet, f.cell)) != FILLS["错误"]:
                colour[(sheet, f.cell)] = FILLS[f.severity.value]
    for (sheet, ref), rgb in colour.items():
        if sheet in wb.sheetnames:
            wb[sheet][ref].fill = PatternFill("solid", start_color=rgb, end_color=rgb)
    for col, width in zip("ABCDEF", (9, 6, 28, 22, 80, 14)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:F{max(ws.max_row, 1)}"
    wb.active = 0
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    with atomic_output(output) as tmp:
        wb.save(tmp)
        restore_cached_values(tmp, cache)
    return output


