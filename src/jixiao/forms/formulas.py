"""The formula of every derived cell, from where the fields *are*, not where they were put.

`Positions` says where each field sits (from the layout while filling, from the workbook's
defined names while checking or recomputing an edited workbook). The functions here turn
positions into formulas, so fill, check (is this formula still the right one?) and recompute
(write the right one back) share one definition. Each formula has its twin in
``model.derive``, which computes the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..model.numbers import DASH
from .layout import AMOUNT_COLUMNS, FUND_COLUMNS, SPECIAL_FUND_COLUMNS, TABLES
from .sheet import a1


class Positions:
    """Where each field of one form sits: path → (row1, col1, row2, col2), zero-based."""

    def __init__(self, ranges: dict[str, tuple[int, int, int, int]]):
        self.ranges = ranges

    def __contains__(self, path: str) -> bool:
        return path in self.ranges

    def cell(self, path: str) -> tuple[int, int]:
        r1, c1, _, _ = self.ranges[path]
        return r1, c1

    def at(self, path: str) -> str:
        return a1(*self.cell(path))

    def rows(self, table: str) -> range:
        r1, _, r2, _ = self.ranges[table]
        return range(r1, r2 + 1)

    def in_row(self, table: str, row: int, offset: int) -> str:
        return a1(row, self.ranges[table][1] + offset)

    def column(self, table: str, offset: int) -> str:
        r1, c1, r2, _ = self.ranges[table]
        return f"{a1(r1, c1 + offset)}:{a1(r2, c1 + offset)}"

    def span(self, paths: list[str]) -> str:
        """The one-column range from the first to the last of ``paths`` (adjacent rows)."""
        cells = sorted(self.cell(p) for p in paths)
        (r1, c), (r2, _) = cells[0], cells[-1]
        return f"{a1(r1, c)}:{a1(r2, c)}"


def f_sum(*refs: str) -> str:
    return f"=SUM({','.join(refs)})"


def f_ratio(num: str, den: str) -> str:
    return f'=IF(AND(ISNUMBER({num}),ISNUMBER({den})),IF({den}<>0,{num}/{den},"{DASH}"),"{DASH}")'


def f_score(weight: str, rate: str) -> str:
    return f'=IF(AND(ISNUMBER({weight}),ISNUMBER({rate})),{weight}*MIN({rate},1),"{DASH}")'


def f_difference(initial: str, full_year: str) -> str:
    return f'=IF(AND(ISNUMBER({initial}),ISNUMBER({full_year})),{full_year}-{initial},"{DASH}")'


def f_adjustment_rate(initial: str, full_year: str) -> str:
    return (f'=IF(AND(ISNUMBER({initial}),ISNUMBER({full_year})),'
            f'IF({initial}<>0,({full_year}-{initial})/{initial},"{DASH}"),"{DASH}")')


def attachment1_formulas(pos: Positions) -> dict[str, str]:
    f = {"staff.rate": f_ratio(pos.at("staff.actual"), pos.at("staff.authorized"))}
    for col in AMOUNT_COLUMNS:
        def at(row: str, col: str = col) -> str:
            return pos.at(f"{row}.{col}")

        f[f"three_public.car.{col}"] = f_sum(at("three_public.car_purchase"), at("three_public.car_operation"))
        f[f"three_public.total.{col}"] = f_sum(at("three_public.car"), at("three_public.abroad"), at("three_public.reception"))
        f[f"project_spending.special_total.{col}"] = f_sum(
            pos.column("project_spending.special_funds", SPECIAL_FUND_COLUMNS[col]))
        f[f"project_spending.total.{col}"] = f_sum(at("project_spending.business"), at("project_spending.maintenance"),
                                                   at("project_spending.special_total"))
    for i, row in enumerate(pos.rows("buildings")):
        cell = lambda offset, row=row: pos.in_row("buildings", row, offset)  # noqa: E731
        f[f"buildings[{i}].area_rate"] = f_ratio(cell(2), cell(1))
        f[f"buildings[{i}].investment_rate"] = f_ratio(cell(5), cell(4))
    return f


def _scored_form_formulas(pos: Positions, total: str) -> dict[str, str]:
    """附件2 and the project form: execution, adjustment and totals around the 年度资金总额 row."""
    initial, full, executed = (pos.at(f"{total}.{c}") for c in FUND_COLUMNS)
    return {
        "execution.rate": f_ratio(executed, full),
        "execution.score": f_score(pos.at("execution.weight"), pos.at("execution.rate")),
        "adjustment.amount": f_difference(initial, full),
        "adjustment.rate": f_adjustment_rate(initial, full),
        "weight_total": f_sum(pos.column("indicators", 5), pos.at("execution.weight")),
        "total_score": f_sum(pos.column("indicators", 6), pos.at("execution.score")),
    }


def attachment2_formulas(pos: Positions) -> dict[str, str]:
    return _scored_form_formulas(pos, "funds")


def project_formulas(pos: Positions) -> dict[str, str]:
    f = {f"funds.total.{c}": f_sum(pos.span([f"funds.{k}.{c}" for k in ("current", "carryover", "other")]))
         for c in FUND_COLUMNS}
    f.update(_scored_form_formulas(pos, "funds.total"))
    return f


_ROW_FIELD = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")
# Where a column sits in its table's range, as the tables declare it (buildings[0].area_rate: 3).
_COLUMN_OFFSETS = {(t.path, c.path): c.offset for t in TABLES for c in t.columns}


def cell_of(pos: Positions, path: str) -> tuple[int, int]:
    """Where a derived field sits: a named cell, or a column of a table row (buildings[0].area_rate)."""
    if path in pos:
        return pos.cell(path)
    m = _ROW_FIELD.match(path)
    table, index, column = m.group(1), int(m.group(2)), m.group(3)
    row = pos.rows(table)[index]
    return row, pos.ranges[table][1] + _COLUMN_OFFSETS[(table, column)]


@dataclass(frozen=True, slots=True)
class FormulaState:
    """A derived cell of a workbook that does not hold its formula (the fact behind rule F06)."""

    path: str  # full data path, e.g. "projects[2].funds.total.executed"
    expected: str  # the formula it should hold
    formula: str | None  # the formula it holds; None when a value was typed (or nothing is left)
    value: object  # what it shows


@lru_cache(maxsize=8192)  # the same formulas recur on every project sheet
def normalise(formula: str | None) -> str:
    """A formula compared loosely: no "=", no "$", no spaces, upper case."""
    return (formula or "").lstrip("=").replace("$", "").replace(" ", "").upper()
