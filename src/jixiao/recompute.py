"""Recompute: put the right formula, and its value, back into every derived cell.

The plan comes from where the fields are (``forms.formulas``) and what the inputs say
(``model.derive`` on the document with every derived value left to its formula). It never
touches an input cell. The same plan serves `jixiao recompute` (written into the package) and
the 重算 button (written through xlwings).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .errors import JixiaoError
from .forms.formulas import cell_of, normalise
from .forms.spec import SPECS
from .forms.sheet import a1
from .model.derive import as_computed
from .model.document import get_path
from .model.numbers import as_excel_shows
from .model.numbers import DASH



@dataclass(frozen=True)
class CellPlan:
    """One derived cell: what it should hold, and what it holds now."""

    sheet: str
    row: int
    col: int
    formula: str  # with the leading "="
    value: object  # Decimal or text (the cached value)
    old_formula: str | None
    old_value: object

    @property
    def ref(self) -> str:
        return a1(self.row, self.col)

    @property
    def formula_ok(self) -> bool:
        return self.old_formula is not None and normalise(self.old_formula) == normalise(self.formula)

    @property
    def value_changed(self) -> bool:
        return not same_value(self.old_value, self.value)


def same_value(a: object, b: object) -> bool:
    """Equal as shown: numbers to 1e-9 (Excel computes in binary floating point), text exactly."""
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return abs(a - b) <= Decimal("1e-9")
    if a in (None, "") and b in (None, ""):
        return True
    return a == b


def plan(contents) -> list[CellPlan]:
    """Every derived cell of every form of a workbook read by ``read_book`` (or a button snapshot)."""
    computed = as_computed(contents.doc)
    cells = []
    for place in contents.forms:
        spec = SPECS[place.form]
        slots = spec.derive(get_path(computed, place.prefix))
        for path, formula in spec.formulas(place.positions).items():
            r, c = cell_of(place.positions, path)
            value = _value(slots, place, path, r)
            old = place.content.cell(r, c)
            cells.append(CellPlan(place.sheet, r, c, formula, value, old.formula, old.value))
    return cells


def _value(slots, place, path: str, row: int) -> object:
    if path.startswith("buildings["):  # a table row: its index in the data, if it holds anything
        column = path.split(".")[-1]
        index = place.table_rows.get("buildings", {}).get(row)
        return DASH if index is None else slots[f"buildings[{index}].{column}"].formula
    return slots[path].formula


def describe(value: object) -> str:
    """A cell's value in the list of changes, as Excel shows it."""
    value = as_excel_shows(value)
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.0001")).normalize(), "f")
    return "（空）" if value in (None, "") else str(value)


def recompute_file(source: str | Path, output: str | Path) -> list[CellPlan]:
    """Write ``source`` with every derived cell recomputed to ``output``; returns the cells whose
    shown value changed. Cells already right are left byte for byte."""
    from .workbook.extract import read_book
    from .workbook.patch import WorkbookPatch

    source, output = Path(source), Path(output)
    if output.suffix.lower() != source.suffix.lower():
        raise JixiaoError(f"输出文件应与原文件同为 {source.suffix} 文件：{output}")
    cells = plan(read_book(source))
    patch = WorkbookPatch(source)
    for cell in cells:
        if not cell.formula_ok or cell.value_changed:
            patch.set_cell(cell.sheet, cell.ref, cell.formula, cell.value)
    patch.save(output)
    return [c for c in cells if c.value_changed]

