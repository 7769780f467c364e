"""Annotate: a copy of a workbook with a 校验结果 sheet and the cells of the findings coloured.

The input is never touched. The copy is made by editing the package (``workbook.patch``): the
forms, their formulas and cached values, names and protection stay exactly as they were; the
results sheet is added and the findings' cells get the fill of ``findings.MARK_COLOURS``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import JixiaoError
from ..forms.layout import ANNOTATED_NAME, ANNOTATED_TEXT
from ..workbook.patch import WorkbookPatch
from .findings import HEADERS, PLACE_COLUMN, RESULT_SHEET, WIDTHS, cell_marks, reference, result_rows


def annotate(source: str | Path, output: str | Path, findings) -> Path:
    """Write the annotated copy of ``source`` to ``output`` (.xlsx, or .xlsm for a macro workbook)."""
    source, output = Path(source), Path(output)
    if output.suffix.lower() not in (".xlsx", ".xlsm") or output.suffix.lower() != source.suffix.lower():
        raise JixiaoError(f"标注后的工作簿应与原文件同为 {source.suffix} 文件：{output}")
    if output.resolve() == source.resolve():
        raise JixiaoError("标注结果不能覆盖原工作簿，请换一个输出文件名")
    patch = WorkbookPatch(source)
    mark(patch, findings)
    patch.define_constant(ANNOTATED_NAME, ANNOTATED_TEXT)
    return patch.save(output)


def mark(patch: WorkbookPatch, findings, protect: bool = False) -> None:
    """Add the 校验结果 sheet and colour the findings' cells in ``patch``."""
    rows: list[list[object]] = [list(HEADERS)]
    links: dict[str, str] = {}
    column = chr(ord("A") + PLACE_COLUMN)
    for row in result_rows(findings):
        rows.append(list(row.values))
        if row.target:
            links[f"{column}{len(rows)}"] = reference(*row.target)
    for (sheet, ref), rgb in cell_marks(findings).items():
        patch.fill(sheet, ref, rgb)
    patch.add_sheet(RESULT_SHEET, rows, list(WIDTHS), links, protect=protect)
