"""A book made of values and names: what an Excel button sends (one bulk read per sheet).

The xlwings client (desktop ``RunPython`` or the VBA remote client) gives each sheet's values as
a 2-D list anchored at A1 and the range names with their addresses; formulas are not sent. This
module turns that into the same interface the file reader offers (``name()``, ``sheets``,
``sheet()``), so ``read_contents`` serves both. Derived cells then count as the values they show.
"""

from __future__ import annotations

import datetime as dt
import re

from ..model.numbers import from_cell_text
from .reader import Cell, NameTarget, Sheet, SheetEntry, parse_range

_SCOPED = re.compile(r"^(?:'((?:[^']|'')+)'|([^!']+))!(.+)$")


def excel_value(value: object) -> object:
    """A value as Excel hands it over (floats, ints, text, dates) in the model's terms."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return from_cell_text(repr(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value)


class GridBook:
    """Sheets of values and a list of names, readable like a workbook file."""

    def __init__(self, grids: dict[str, list[list[object]]], names: list[tuple[str, str, str]]):
        """``grids``: sheet name → rows of values from A1. ``names``: (name as Excel shows it,
        e.g. "'附件1'!jx_staff_rate" or "jx_year"; the sheet it refers to; its address)."""
        self.sheets = [SheetEntry(name, "", "visible") for name in grids]
        self._grids = grids
        self._sheets: dict[str, Sheet] = {}
        self.global_names: dict[str, NameTarget] = {}
        self.local_names: dict[str, dict[str, NameTarget]] = {}
        for full, sheet, address in names:
            target = NameTarget(sheet=sheet, range=parse_range(address.replace("$", "")))
            m = _SCOPED.match(full)
            if m:
                scope = (m.group(1) or "").replace("''", "'") or m.group(2)
                self.local_names.setdefault(scope, {})[m.group(3)] = target
            else:
                self.global_names[full] = target

    def name(self, name: str, sheet: str | None = None) -> NameTarget | None:
        if sheet is not None and name in self.local_names.get(sheet, {}):
            return self.local_names[sheet][name]
        return self.global_names.get(name)

    def local_ranges(self, sheet: str) -> dict[str, tuple[int, int, int, int]]:
        return {name: t.range for name, t in self.local_names.get(sheet, {}).items()
                if t.sheet == sheet and t.range is not None}

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def sheet(self, name: str) -> Sheet:
        if name not in self._sheets:
            sheet = Sheet(name)
            for r, row in enumerate(self._grids.get(name) or []):
                for c, value in enumerate(row or []):
                    if value is not None and value != "":
                        sheet.cells[(r, c)] = Cell(excel_value(value), None)
            self._sheets[name] = sheet
        return self._sheets[name]
