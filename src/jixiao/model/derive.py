"""Derived values (sums, 控制率, 执行率, execution 得分, 总分) computed the way the sheets do.

Each derived field is a `Slot`: what its formula gives, and what the document states. The
workbook formulas and these functions follow the same semantics, so the cached value jixiao
writes is the value Excel or LibreOffice computes (a test recalculates with LibreOffice):

- a sum (``SUM``) counts blank as 0 and ignores text;
- a ratio needs two numbers and a non-zero divisor, else it shows ``DASH``;
- a score needs a numeric 分值 and a numeric 执行率, else ``DASH``;
- a formula reads the *shown* value of the cells it refers to: a typed value where the
  document overrode a formula, the formula's value otherwise.

Slot keys are field paths relative to their form (``funds.total.full_year``).
"""

from __future__ import annotations

import copy
from collections import namedtuple
from decimal import Decimal

from .document import BasicData, FundRow, Overall, Project, get_path, is_placeholder
from .numbers import DASH, parse_rate

AMOUNT_COLUMNS = ("prior", "budget", "final")
FUND_COLUMNS = ("initial", "full_year", "executed")

Value = Decimal | str
_ZERO = Decimal(0)


def xsum(*values: object) -> Decimal:
    """SUM(): numbers add up; blanks and text are ignored."""
    return sum([v for v in values if isinstance(v, Decimal)], _ZERO)


def ratio(numerator: object, denominator: object) -> Value:
    """numerator ÷ denominator, or DASH unless both are numbers and the divisor is not 0."""
    if isinstance(numerator, Decimal) and isinstance(denominator, Decimal) and denominator != 0:
        return numerator / denominator
    return DASH


def execution_score(weight: object, rate: object) -> Value:
    """得分 = 分值 × min(执行率, 100%)."""
    if isinstance(weight, Decimal) and isinstance(rate, Decimal):
        return weight * min(rate, Decimal(1))
    return DASH


def difference(initial: object, full_year: object) -> Value:
    """调整额 = 全年预算数 − 年初预算数."""
    if isinstance(initial, Decimal) and isinstance(full_year, Decimal):
        return full_year - initial
    return DASH


def adjustment_rate(initial: object, full_year: object) -> Value:
    """调整率 = 调整额 ÷ 年初预算数."""
    diff = difference(initial, full_year)
    return ratio(diff, initial) if isinstance(diff, Decimal) else DASH


class Slot(namedtuple("Slot", "stated formula is_rate", defaults=(False,))):
    """One derived cell: what the document states there (``stated``, or None) and what its
    ``formula`` gives (a Value); ``is_rate`` when it is a rate. (A named tuple: every check makes
    tens of thousands.)"""

    __slots__ = ()

    @property
    def typed(self) -> bool:
        """True when the document states something other than the formula's value."""
        if self.stated is None:
            return False
        stated = parse_rate(self.stated) if self.is_rate else self.stated
        return not (isinstance(stated, Decimal) and isinstance(self.formula, Decimal) and stated == self.formula)

    @property
    def shown(self) -> object:
        return self.stated if self.typed else self.formula


class Slots(dict):
    """Derived slots of one form, by path; ``shown(path)`` is what the sheet displays."""

    def shown(self, path: str) -> object:
        return self[path].shown


def _execution_and_total(slots: Slots, form: Overall | Project, initial: object, full_year: object,
                         executed: object) -> None:
    # 调整额/调整率 exist only on the sheet (the 预算调整说明 row), never stated in the data.
    slots["adjustment.amount"] = Slot(None, difference(initial, full_year))
    slots["adjustment.rate"] = Slot(None, adjustment_rate(initial, full_year), is_rate=True)
    slots["execution.rate"] = Slot(form.execution.rate, ratio(executed, full_year), is_rate=True)
    slots["execution.score"] = Slot(form.execution.score, execution_score(form.execution.weight, slots.shown("execution.rate")))
    indicators = form.indicators
    slots["weight_total"] = Slot(None, xsum(*[ind.weight for ind in indicators], form.execution.weight))
    slots["total_score"] = Slot(form.total_score, xsum(*[ind.score for ind in indicators], slots.shown("execution.score")))


_FUND_TOTALS = tuple((col, f"funds.total.{col}") for col in FUND_COLUMNS)


def derive_project(project: Project) -> Slots:
    slots = Slots()
    funds = project.funds
    current, carryover, other, total = funds.current, funds.carryover, funds.other, funds.total
    shown = []
    for col, key in _FUND_TOTALS:
        slot = slots[key] = Slot(getattr(total, col), xsum(getattr(current, col), getattr(carryover, col),
                                                           getattr(other, col)))
        shown.append(slot.shown)
    _execution_and_total(slots, project, *shown)
    return slots


def derive_overall(overall: Overall) -> Slots:
    slots = Slots()
    _execution_and_total(slots, overall, overall.funds.initial, overall.funds.full_year, overall.funds.executed)
    return slots


def derive_basic(basic: BasicData) -> Slots:
    slots = Slots()
    staff = basic.staff
    slots["staff.rate"] = Slot(staff.rate, ratio(staff.actual, staff.authorized), is_rate=True)
    tp, ps = basic.three_public, basic.project_spending
    for col in AMOUNT_COLUMNS:

        def v(row, col=col):
            return getattr(row, col)

        slots[f"three_public.car.{col}"] = Slot(v(tp.car), xsum(v(tp.car_purchase), v(tp.car_operation)))
        slots[f"three_public.total.{col}"] = Slot(
            v(tp.total), xsum(slots.shown(f"three_public.car.{col}"), v(tp.abroad), v(tp.reception))
        )
        slots[f"project_spending.special_total.{col}"] = Slot(
            v(ps.special_total), xsum(*(v(row) for row in ps.special_funds))
        )
        slots[f"project_spending.total.{col}"] = Slot(
            v(ps.total),
            xsum(v(ps.business), v(ps.maintenance), slots.shown(f"project_spending.special_total.{col}")),
        )
    for i, b in enumerate(basic.buildings):
        slots[f"buildings[{i}].area_rate"] = Slot(b.area_rate, ratio(b.actual_area, b.approved_area), is_rate=True)
        slots[f"buildings[{i}].investment_rate"] = Slot(
            b.investment_rate, ratio(b.actual_investment, b.budget_investment), is_rate=True
        )
    return slots


def shown_row(slots: Slots, row: str) -> FundRow:
    """A 年度资金总额 row as the sheet shows it (stated where typed, summed otherwise)."""
    return FundRow(*(slots.shown(f"{row}.{c}") for c in FUND_COLUMNS))


def _form_slots(doc):
    """(block, its derived slots) of every form of ``doc``, each derived before it is changed."""
    if doc.basic_data is not None:
        yield doc.basic_data, derive_basic(doc.basic_data)
    if doc.overall is not None:
        yield doc.overall, derive_overall(doc.overall)
    for p in doc.projects:
        yield p, derive_project(p)


def _unstate(block, path: str) -> None:
    """Leave the derived field at ``path`` to its formula (a sheet-only value has no field)."""
    parent, _, leaf = path.rpartition(".")
    try:
        owner = get_path(block, parent) if parent else block
    except AttributeError:
        return
    if hasattr(owner, leaf):
        setattr(owner, leaf, None)


def derive_computed(block) -> Slots:
    """The derived values of one form's block with every derived value left to its formula (what
    the right formulas yield); only that block is copied."""
    derive = {BasicData: derive_basic, Overall: derive_overall, Project: derive_project}[type(block)]
    block = copy.deepcopy(block)
    for path in derive(block):
        _unstate(block, path)
    return derive(block)


def as_computed(doc):
    """A copy of ``doc`` in which every derived value is left to its formula (nothing stated)."""
    doc = copy.deepcopy(doc)
    for block, slots in _form_slots(doc):
        for path in slots:
            _unstate(block, path)
    return doc


def canonical(doc):
    """The document as the round trip keeps it: stated derived values that equal their formula
    dropped (the spec lets them come back absent), and indicator rows that hold nothing dropped.

    ``canonical(extract(fill(d))) == canonical(d)`` is the round-trip contract.
    """
    doc = copy.deepcopy(doc)
    for block, slots in _form_slots(doc):
        for path, slot in slots.items():
            if slot.stated is not None and not slot.typed:
                _unstate(block, path)
        if hasattr(block, "indicators"):
            block.indicators = [i for i in block.indicators if not is_placeholder(i)]
        if isinstance(block, Project) and block.report is not None and all(
                getattr(block.report, k) is None for k in ("budget", "spending", "performance", "shortcomings", "next_steps")):
            block.report = None
    return doc
