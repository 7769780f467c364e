"""Annotate: a copy of a workbook with a 校验结果 sheet and the cells of the findings coloured.

The input is never touched. The copy is made by editing the package (``patch``): the forms,
their formulas and cached values, names and protection stay exactly as they were; the results
sheet is added and the findings' cells get a red (错误) or yellow (警告) fill.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import JixiaoError
from .extract import BookContents
from .patch import WorkbookPatch

RESULT_SHEET = "校验结果"
FILLS = {"错误": "FFC7CE", "警告": "FFEB9C"}  # red, yellow (提示 is not coloured)
HEADERS = ("严重程度", "规则", "表单", "单元格", "说明", "应为")
WIDTHS = (9, 6, 28, 22, 90, 16)


def annotate(source: str | Path, output: str | Path, findings, contents: BookContents) -> Path:
    """Write the annotated copy of ``source`` to ``output`` (.xlsx, or .xlsm for a macro workbook)."""
    source, output = Path(source), Path(output)
    if output.suffix.lower() not in (".xlsx", ".xlsm") or output.suffix.lower() != source.suffix.lower():
        raise JixiaoError(f"标注后的工作簿应与原文件同为 {source.suffix} 文件：{output}")
    if output.resolve() == source.resolve():
        raise JixiaoError("标注结果不能覆盖原工作簿，请换一个输出文件名")
    patch = WorkbookPatch(source)
    mark(patch, findings, contents)
    return patch.save(output)


def mark(patch: WorkbookPatch, findings, contents: BookContents, protect: bool = False) -> None:
    """Add the 校验结果 sheet and colour the findings' cells in ``patch``."""
    rows: list[list[object]] = [list(HEADERS)]
    links: dict[str, str] = {}
    colour: dict[tuple[str, str], str] = {}
    for f in findings:
        sheet = contents.sheet_of(f.path)
        rows.append([f.severity.value, f.rule, f.form, f"{sheet}!{f.cell}" if sheet else f.cell, f.message, f.expected])
        if sheet:
            links[f"D{len(rows)}"] = "'" + sheet.replace("'", "''") + f"'!{f.cell}"
            # An error's red wins over a warning's yellow on the same cell.
            if f.severity.value in FILLS and colour.get((sheet, f.cell)) != FILLS["错误"]:
                colour[(sheet, f.cell)] = FILLS[f.severity.value]
    for (sheet, ref), rgb in colour.items():
        patch.fill(sheet, ref, rgb)
    patch.add_sheet(RESULT_SHEET, rows, list(WIDTHS), links, protect=protect)
