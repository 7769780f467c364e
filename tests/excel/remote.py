"""Drive the button functions through xlwings' real remote implementation.

``payload(path)`` builds what the VBA client (xlwings/addin/Remote.bas) sends for a workbook:
each sheet's values from A1 to the end of its used range, and the range names with their sheet
and address (constants are not sent). ``apply(path, actions)`` carries the returned actions out
on the file with openpyxl, as the VBA client would in Excel.
"""

from __future__ import annotations

import re
from decimal import Decimal

import openpyxl
from openpyxl.styles import PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from jixiao.workbook.reader import Workbook



import xlwings as xw  # noqa: E402

# What the VBA client (Remote.bas) can apply; anything else would fail in Excel.
VBA_ACTIONS = {"setValues", "rangeClearContents", "rangeClearFormats", "rangeClear", "addSheet", "setSheetName",
               "setAutofit", "setRangeColor", "activateSheet", "addHyperlink", "setNumberFormat", "setPictureName",
               "setPictureHeight", "setPictureWidth", "deletePicture", "addPicture", "updatePicture", "alert",
               "setRangeName", "namesAdd", "nameDelete", "runMacro", "rangeDelete", "rangeInsert", "rangeSelect",
               "addTable", "setTableName", "resizeTable", "showAutofilterTable", "showHeadersTable",
               "showTotalsTable", "setTableStyle", "copyRange", "sheetDelete", "sheetClear", "sheetClearContents",
               "sheetClearFormats"}


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)  # Excel hands numbers over as doubles
    return value


def payload(path) -> dict:
    sheets, names = [], []
    with Workbook(path) as book:
        order = book.sheet_names()
        for name in order:
            cells = book.sheet(name).cells
            rows = max((r for r, _ in cells), default=-1) + 1
            cols = max((c for _, c in cells), default=-1) + 1
            grid = [[None] * cols for _ in range(rows)] or [[]]
            for (r, c), cell in cells.items():
                grid[r][c] = _json_value(cell.value)
            sheets.append({"name": name, "values": grid, "pictures": [], "tables": []})
        for scope, name, target in book.defined_names():
            if target.range is None or target.sheet not in order:
                continue  # constants and broken names are not sent
            r1, c1, r2, c2 = target.range
            address = f"{_a1(r1, c1)}" + (f":{_a1(r2, c2)}" if (r1, c1) != (r2, c2) else "")
            names.append({"name": f"'{scope}'!{name}" if scope else name, "sheet_index": order.index(target.sheet),
                          "address": address, "book_scope": scope is None, "scope_sheet_name": scope,
                          "scope_sheet_index": order.index(scope) if scope else None})
    return {"client": "VBA", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": names, "sheets": sheets}


def _a1(r, c):
    from jixiao.forms.sheet import a1

    return a1(r, c, absolute=True)


def run(function, path) -> list[dict]:
    """Call a button function on the payload of ``path``; return the actions it emits."""
    book = xw.Book(json=payload(path))
    function(book)
    return book.json()["actions"]


_FILE_ESCAPED = re.compile(r"[\x00-\x08\x0b-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")


def _enter(cell, value) -> None:
    """Put ``value`` into ``cell`` as Excel's Range.Value does with what the client sends: a text
    after a leading apostrophe stays text (without the apostrophe); otherwise "=…" is a formula
    (openpyxl's reading too) and a text that reads as a number becomes that number."""
    if isinstance(value, str):  # Excel holds control characters; its file says _xHHHH_ (and _x005F_ for _)
        value = _FILE_ESCAPED.sub(lambda m: f"_x{ord(m.group(0)):04X}_", value)
    if isinstance(value, str) and value.startswith("'"):
        cell.value = value[1:]
        cell.data_type = "s"
        return
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?\s*", value):
        value = float(value)
    cell.value = value


def apply(path, actions, out) -> dict:
    """Carry ``actions`` out on the workbook at ``path`` with openpyxl; returns what it saw."""
    wb = openpyxl.load_workbook(path)
    seen = {"alerts": [], "macros": []}
    for action in actions:
        func, args = action["func"], action["args"]
        ws = wb.worksheets[action["sheet_position"]] if action["sheet_position"] is not None else None
        r0, c0 = action["start_row"], action["start_column"]
        if func == "setValues":
            for i, row in enumerate(action["values"]):
                for j, value in enumerate(row):
                    _enter(ws.cell(r0 + i + 1, c0 + j + 1), value)
        elif func == "setRangeColor":
            rgb = args[0].lstrip("#")
            ws.cell(r0 + 1, c0 + 1).fill = PatternFill("solid", start_color=rgb, end_color=rgb)
        elif func == "addSheet":
            wb.create_sheet(args[1], args[0])
        elif func == "addHyperlink":
            cell = ws.cell(r0 + 1, c0 + 1)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=args[0].lstrip("#"), display=args[1])
        elif func == "sheetClear":
            for row in ws.iter_rows():
                for cell in row:
                    cell.value = None
        elif func == "sheetDelete":
            del wb[ws.title]
        elif func == "activateSheet":
            wb.active = args[0]
        elif func == "alert":
            seen["alerts"].append(args[0])
        elif func == "runMacro":
            seen["macros"].append(args)
        else:
            raise AssertionError(f"unexpected action {func}")
    wb.save(out)
    return seen
