"""Another office's workbook as one ``Grid`` per sheet: the values as its cells hold them, the
merges as the sheet declares them.

An .xlsx/.xlsm is read by jixiao's own bulk reader (``workbook.reader``), behind the same safety
checks as any workbook (sizes, bombs, DTDs, cells far out that would make a dense grid huge). An
.xls (the old binary format) is read by python-calamine, after a size check: its format bounds a
sheet at 65,536 rows × 256 columns. A number becomes the text Python writes for it ("418.85",
"10"), which the label reader parses again as written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ..errors import JixiaoError
from ..files import require_regular_file
from ..model.numbers import plain
from ..workbook.safety import MAX_FILE_BYTES, xls_problem
from .grid import MAX_POSITIONS, Cell, Grid


def _text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _grid(name: str, values: dict[tuple[int, int], object], merges: list[tuple[int, int, int, int]]) -> Grid:
    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r1, c1, r2, c2 in merges:
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:
            continue  # no form merges a block this size; spreading it over the grid is not worth it
        if len(covered) > MAX_POSITIONS:
            raise JixiaoError(f"工作表“{name}”的合并单元格过多，不像绩效自评表，拒绝读取")
        spans[(r1, c1)] = (r2 - r1 + 1, c2 - c1 + 1)
        covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) != (r1, c1))
    cells = []
    for (r, c) in sorted(values.keys() | spans.keys()):
        if (r, c) in covered:
            continue
        text = _text(values.get((r, c)))
        rows, cols = spans.get((r, c), (1, 1))
        cells.append(Cell(text, r, c, rows, cols))
    return Grid(name, cells)


def book_grids(book) -> list[Grid]:
    """Every sheet of an open ``workbook.reader.Workbook``, as a grid named after the sheet."""
    grids = []
    for name in book.sheet_names():
        sheet = book.sheet(name)
        values = {key: cell.value for key, cell in sheet.cells.items() if cell.value not in (None, "")}
        grids.append(_grid(name, values, sheet.merged))
    return grids


def xls_grids(path: str | Path) -> list[Grid]:
    """Every sheet of an old binary .xls workbook."""
    from python_calamine import CalamineError, CalamineWorkbook

    path = Path(path)
    require_regular_file(path)
    if not path.exists():
        raise JixiaoError(f"找不到文件：{path}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise JixiaoError(f"文件过大（上限 {MAX_FILE_BYTES // 1024 // 1024} MB），拒绝读取：{path}")
    try:
        book = CalamineWorkbook.from_path(str(path))
        grids = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            values = {(r, c): v for r, row in enumerate(sheet.to_python(skip_empty_area=False))
                      for c, v in enumerate(row) if v not in (None, "")}
            merges = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
            grids.append(_grid(name, values, merges))
        return grids
    except CalamineError:
        raise JixiaoError(f"无法读取这个 .xls 工作簿，{xls_problem(path)}：{path}") from None
