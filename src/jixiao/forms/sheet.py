"""A thin writer over one XlsxWriter worksheet that places the forms' cells.

It knows the three things every form needs beyond plain writing:
- merged cells written once (value in the top-left cell, format over the whole range);
- derived cells: a formula *with its cached value*, or the value the document typed over it;
- sheet-local defined names, so code finds every field by name, and rows tall enough for the
  text they hold (XlsxWriter does not measure text; Excel/LibreOffice would otherwise clip it).
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache
from decimal import Decimal

from ..errors import JixiaoError
from ..model.derive import Slot
from ..workbook.celltext import xml_safe  # a leaf module: the rules for text in a cell
from .layout import field_name
from .styles import Styles

# Every printed sheet's footer: 第 1 页，共 3 页 (Excel's codes: &C centre, &P page, &N pages)
PAGE_FOOTER = "&C第 &P 页，共 &N 页"

LINE_HEIGHT = 14.0  # points per wrapped line at 10.5 pt
ROW_MIN = 20.0  # points: a form's row, one line or two, tall enough to read and to write in


@lru_cache(maxsize=65536)
def a1(row: int, col: int, absolute: bool = False) -> str:
    """Zero-based (row, col) as A1 text: (4, 3) → "D5". (Here rather than XlsxWriter's, so
    reading and checking do not import the writer.)"""
    mark = "$" if absolute else ""
    return f"{mark}{col_name(col)}{mark}{row + 1}"


@lru_cache(maxsize=1024)
def col_name(col: int) -> str:
    """Zero-based column as letters: 0 → "A", 27 → "AB"."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def text_width(text: str) -> int:
    """Display width in column units: wide (CJK) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cached(value: object) -> object:
    """A cached formula value as XlsxWriter stores it: numbers as floats, text as text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return xml_safe(value)  # XlsxWriter escapes only & < > in a cached value
    return "" if value is None else value


class FormSheet:
    """One form's worksheet: cells, merges, names and row heights."""

    def _define(self, name: str, target: str) -> None:
        # XlsxWriter refuses a name it cannot write with a warning and -1; a sheet without its
        # names would be read back as no form at all, so it is an error here.
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            refused = self.wb.define_name(name, target) == -1
        if refused:
            raise JixiaoError(f"无法为工作表“{self.name}”写入名称 {name}（表名不被 Excel 接受），请修改项目名称后重试")

    def __init__(self, workbook, styles: Styles, sheet_name: str, widths: list[float]):
        self.wb = workbook
        self.styles = styles
        self.name = sheet_name
        self.ws = workbook.add_worksheet(sheet_name)
        self.widths = widths
        for col, width in enumerate(widths):
            self.ws.set_column(col, col, width)
        self._lines: dict[int, float] = {}
        self._fixed_heights: dict[int, float] = {}
        self._min_heights: dict[int, float] = {}
        self._rows: set[int] = set()  # rows written: each at least ROW_MIN tall, so the form is even
        self.places: dict[str, tuple[int, int, int, int]] = {}  # data path → range (named jx_…)
        self.constants: dict[str, str] = {}
        self._pending: list[tuple] = []  # derived cells, written once every field has its place

    # --- placement ---------------------------------------------------------------------------

    def _range(self, row: int, c1: int, c2: int, rows: int, fmt) -> None:
        if c2 > c1 or rows > 1:
            self.ws.merge_range(row, c1, row + rows - 1, c2, "", fmt)

    def lines_for(self, text: str | None, c1: int, c2: int) -> int:
        """How many lines ``text`` wraps to across columns c1..c2."""
        if not text:
            return 1
        width = max(sum(self.widths[c1 : c2 + 1]) * 0.92, 1)
        return sum(max(1, math.ceil(text_width(part) / width)) for part in text.split("\n"))

    def _measure(self, row: int, c1: int, c2: int, rows: int, text: str) -> None:
        if rows == 1 and text:
            self._lines[row] = max(self._lines.get(row, 1), self.lines_for(text, c1, c2))

    def write(self, row: int, col: int, value: object, fmt, c2: int | None = None, rows: int = 1) -> None:
        """Write a value (Decimal, text or blank) into a cell or merged range."""
        c2 = col if c2 is None else c2
        self._rows.add(row)
        self._range(row, col, c2, rows, fmt)
        if value is None or value == "":
            self.ws.write_blank(row, col, None, fmt)
        elif isinstance(value, Decimal):
            self.ws.write_number(row, col, value, fmt)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self.ws.write_number(row, col, value, fmt)
        else:
            self.ws.write_string(row, col, str(value), fmt)
            self._measure(row, col, c2, rows, str(value))

    def formula(self, row: int, col: int, formula: str, value: object, fmt, c2: int | None = None, rows: int = 1) -> None:
        """Write a formula with its cached value, so non-calculating readers see the number."""
        c2 = col if c2 is None else c2
        self._rows.add(row)
        self._range(row, col, c2, rows, fmt)
        self.ws.write_formula(row, col, formula, fmt, cached(value))
        if isinstance(value, str):
            self._measure(row, col, c2, rows, value)

    def label(self, row: int, col: int, text: str, c2: int | None = None, rows: int = 1, **style) -> None:
        self.write(row, col, text, self.styles.label(**style), c2=c2, rows=rows)

    def entry(self, row: int, col: int, value: object, kind: str, path: str | None = None,
              c2: int | None = None, rows: int = 1, align: str | None = None) -> None:
        """An input cell holding the document's value; ``path`` names it."""
        self.write(row, col, value, self.styles.entry(kind, align), c2=c2, rows=rows)
        if path:
            self.place(path, row, col)

    def derived(self, row: int, col: int, path: str, slot: Slot, kind: str, c2: int | None = None,
                named: bool = True) -> None:
        """A derived cell: its formula comes from ``forms.formulas`` once every field has its
        place; it is written with its cached value, or as the value the document typed there."""
        if named:
            self.place(path, row, col)
        self._pending.append((row, col, c2, path, slot, kind))

    def _write_derived(self, formulas: dict[str, str]) -> None:
        for row, col, c2, path, slot, kind in self._pending:
            fmt = self.styles.derived(kind)
            if slot.typed:
                self.write(row, col, slot.stated, fmt, c2=c2)
            else:
                self.formula(row, col, formulas[path], slot.formula, fmt, c2=c2)

    # --- names, heights, print ---------------------------------------------------------------

    def place(self, path: str, r1: int, c1: int, r2: int | None = None, c2: int | None = None) -> None:
        """Record where a field (or a table) is; it becomes the sheet-local name jx_<path>."""
        self.places[path] = (r1, c1, r1 if r2 is None else r2, c1 if c2 is None else c2)

    def define_constant(self, name: str, value: str) -> None:
        self.constants[name] = value

    def height(self, row: int, points: float) -> None:
        """Fix a row's height (titles, footers)."""
        self._fixed_heights[row] = points

    def min_height(self, row: int, points: float) -> None:
        """At least ``points`` tall, taller when its text needs it (text areas)."""
        self._min_heights[row] = points

    def finish(self, formulas=None) -> None:
        """Write the derived cells (``formulas`` maps Positions to formulas), define the
        sheet-local names and set row heights."""
        if self._pending:
            from .formulas import Positions

            self._write_derived(formulas(Positions(self.places)))
        sheet = quote_sheet(self.name)
        scope = self.name  # XlsxWriter looks the scope up by the bare name (it strips quotes, never undoubles them)
        for path, (r1, c1, r2, c2) in self.places.items():
            name = field_name(path)
            ref = a1(r1, c1, True) if (r1, c1) == (r2, c2) else f"{a1(r1, c1, True)}:{a1(r2, c2, True)}"
            self._define(f"{scope}!{name}", f"={sheet}!{ref}")
        for name, value in self.constants.items():
            self._define(f"{scope}!{name}", '="' + value.replace('"', '""') + '"')
        for row in self._rows | set(self._lines) | set(self._min_heights):
            if row in self._fixed_heights:
                continue
            needed = self._lines.get(row, 1) * LINE_HEIGHT + 4
            self.ws.set_row(row, max(needed, self._min_heights.get(row, 0), ROW_MIN))
        for row, points in self._fixed_heights.items():
            self.ws.set_row(row, points)

    def print_setup(self, last_col: int, last_row: int, title_rows: tuple[int, int] | None = None) -> None:
        """A4 portrait, one page wide, centred, with the title rows repeated on every page."""
        ws = self.ws
        ws.set_paper(9)
        ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.print_area(0, 0, last_row, last_col)
        if title_rows:
            ws.repeat_rows(*title_rows)
        ws.set_footer(PAGE_FOOTER)

    def protect(self) -> None:
        """Lock derived cells; staff may still format, insert and delete rows."""
        self.ws.protect("", {
            "format_cells": True, "format_columns": True, "format_rows": True,
            "insert_rows": True, "delete_rows": True, "insert_hyperlinks": True,
            "select_locked_cells": True, "select_unlocked_cells": True,
        })
