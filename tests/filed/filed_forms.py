"""The seed department's filed forms laid out again as the documents departments really hold.

The seed (``tests/data/seeds``) is the text of a real filed Word document: each table cell a line
starting with a tab. ``seed_tables`` gives its paragraphs and tables in order; ``build_docx`` lays
them out with python-docx as Word lays such a form out — one table per form, a 9-column grid for
附件2 and the project forms and a 7-column one for 附件1, the horizontal merges each row's cell
count implies, and a blank cell under a label in the label columns merged down into it
(项目资金, 年度总体目标, the 绩效指标 column, each 一级 over its indicators). ``build_xlsx`` lays the
same tables out as another office's workbook with openpyxl: one sheet per form, starting at B3
under a merged title row, with the same merges and the footer under 附件1 and 附件2. A workbook
holds no 绩效自评报告 (that is the Word document's narrative).
"""

from __future__ import annotations

import importlib.util
import re
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "seeds" / "004_8322ac4f40ca5a9f.txt"
EXAMPLE = ROOT / "examples" / "zhuzhou-gxj-2024.yaml"


def _transcriber():
    spec = importlib.util.spec_from_file_location("transcribe_seed", ROOT / "tools" / "transcribe_seed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed_blocks() -> list[tuple[str, object]]:
    """("text", line) and ("table", [rows of cell texts]) in the seed's order."""
    out: list[tuple[str, object]] = []
    for kind, value in _transcriber().tokens(SEED.read_text(encoding="utf-8")):
        if kind == "text":
            if value.strip(" \t"):  # a blank line between rows is the extraction's row separator
                out.append(("text", value))
        elif out and out[-1][0] == "table":
            out[-1][1].append(value)
        else:
            out.append(("table", [value]))
    for _, rows in (b for b in out if b[0] == "table"):
        # The extraction split 附件2's 绩效指标 cell onto a row of its own: it is the first cell of
        # the header row under it (every indicator row below has that column).
        for i, row in enumerate(rows):
            if len(row) == 1 and _clean(row[0]) == "绩效指标" and i + 1 < len(rows):
                rows[i + 1] = [row[0], *rows[i + 1]]
                del rows[i]
                break
    return out


def _clean(text: str) -> str:
    return "".join(part.strip(" \u3000\t") for part in text.split("\n"))


def spans(row: list[str], width: int) -> list[int]:
    """The columns each cell of a row covers, as the paper form lays the row out."""
    n = len(row)
    if n == width:
        return [1] * n
    if width == 7:
        return {1: [7], 2: [1, 6], 4: [1, 2, 2, 2]}[n]
    if n == 4:
        return [6, 1, 1, 1] if _clean(row[0]) == "总分" else [1, 3, 2, 3]
    return {1: [9], 2: [1, 8], 3: [1, 4, 4], 8: [1, 2, 1, 1, 1, 1, 1, 1]}[n]


def layout(rows: list[list[str]]) -> tuple[int, list[list[tuple[str, int, int, bool]]]]:
    """The table's width and, per row, (text, first column, span, merged into the cell above)."""
    width = 7 if _clean(rows[0][0]).startswith("财政供养") else 9
    label_columns = 0 if width == 7 else 2  # where a blank cell is a label merged down, not a value
    out = []
    starts_above: dict[int, int] = {}
    for row in rows:
        placed = []
        c = 0
        starts: dict[int, int] = {}
        for text, span in zip(row, spans(row, width), strict=True):
            merged = c <= label_columns and _clean(text) == "" and starts_above.get(c) == span
            placed.append((text, c, span, merged))
            starts[c] = span
            c += span
        assert c == width, (row, c)
        out.append(placed)
        starts_above = starts
    return width, out


def _set_span(cell, span: int) -> None:
    if span > 1:
        grid_span = OxmlElement("w:gridSpan")
        grid_span.set(qn("w:val"), str(span))
        cell._tc.get_or_add_tcPr().append(grid_span)


def _set_vmerge(cell, value: str | None) -> None:
    v_merge = OxmlElement("w:vMerge")
    if value:
        v_merge.set(qn("w:val"), value)
    cell._tc.get_or_add_tcPr().append(v_merge)


def build_docx(path: Path, blocks=None) -> Path:
    """The seed (or ``blocks`` made from it) as a Word document: its paragraphs, and each table
    with its merges."""
    document = docx.Document()
    for kind, value in blocks if blocks is not None else seed_blocks():
        if kind == "text":
            document.add_paragraph(value)
            continue
        width, placed_rows = layout(value)
        table = document.add_table(rows=0, cols=width)
        tbl = table._tbl
        restart: dict[int, object] = {}
        for placed in placed_rows:
            tr = OxmlElement("w:tr")
            tbl.append(tr)
            for text, c, span, merged in placed:
                tc = OxmlElement("w:tc")
                tr.append(tc)
                cell = docx.table._Cell(tc, table)
                _set_span(cell, span)
                if merged:
                    _set_vmerge(cell, None)
                    above = restart.get(c)
                    if above is not None and not above.get("done"):
                        _set_vmerge(above["cell"], "restart")
                        above["done"] = True
                    tc.append(OxmlElement("w:p"))
                    continue
                restart[c] = {"cell": cell}
                lines = text.split("\n")
                for i, line in enumerate(lines):
                    p = OxmlElement("w:p")
                    tc.append(p)
                    if line:
                        run = OxmlElement("w:r")
                        t = OxmlElement("w:t")
                        t.text = line
                        t.set(qn("xml:space"), "preserve")
                        run.append(t)
                        p.append(run)
    document.save(path)
    return path


def build_xlsx(path: Path) -> Path:
    """The seed's forms as another office's workbook: a sheet per form from B3, a merged title row,
    the cells' line breaks kept, the same merges as the Word tables."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    title = None
    names: dict[str, int] = {}
    sheet = None
    for kind, value in seed_blocks():
        if kind == "text":
            if value.strip().endswith("自评表") or value.strip().endswith("数据表"):
                title = value.strip()
            elif value.startswith("填表人") and sheet is not None:  # the footer, two rows under the form
                sheet.cell(sheet.max_row + 2, 2, value.strip())
            continue
        width, placed_rows = layout(value)
        base = title.replace("年度", "").replace("（单位）", "")[:12] if title else "表"
        names[base] = names.get(base, 0) + 1
        sheet = book.create_sheet(f"{base}{names[base]}" if names[base] > 1 else base)
        sheet.merge_cells(start_row=1, start_column=2, end_row=1, end_column=1 + width)
        sheet.cell(1, 2, title)
        top: dict[int, tuple[int, int]] = {}  # column → (first row, span) of the cell being merged down
        bottoms: dict[int, int] = {}
        for r, placed in enumerate(placed_rows):
            row = 3 + r
            for text, c, span, merged in placed:
                col = 2 + c
                if merged and c in top:
                    bottoms[c] = row
                    continue
                if c in top and c in bottoms:
                    first, old_span = top[c]
                    sheet.merge_cells(start_row=first, start_column=col, end_row=bottoms.pop(c), end_column=col + old_span - 1)
                elif c in top and top[c][1] > 1:
                    first, old_span = top[c]
                    sheet.merge_cells(start_row=first, start_column=col, end_row=first, end_column=col + old_span - 1)
                top[c] = (row, span)
                cell_value = "\n".join(line.strip(" \u3000") for line in text.split("\n")).strip()
                if re.fullmatch(r"-?\d+(\.\d+)?", cell_value):  # typed in Excel, a number is a number
                    cell_value = Decimal(cell_value)
                written = sheet.cell(row, col, None if cell_value == "" else cell_value)
                if isinstance(cell_value, str) and cell_value.startswith("="):
                    written.data_type = "s"  # "=100%" typed as text, not a formula
        for c, (first, span) in top.items():
            end = bottoms.get(c, first)
            if end > first or span > 1:
                sheet.merge_cells(start_row=first, start_column=2 + c, end_row=end, end_column=2 + c + span - 1)
    book.save(path)
    return path
