"""The `jixiao/1` document: one department's self-evaluation for one year, as written.

Every class mirrors a block of the spec's data format (`shared/spec/data-format.md`), field for
field and in the same order, so the YAML a user reads follows the forms. A field's *kind* is
declared in its metadata and drives loading, writing and comparison:

- ``num``   an amount, rate or score: ``Decimal``, or the text written there (``"100%"`` as a
            得分 is kept, never coerced; rule F02 reports it), or ``None`` for blank;
- ``text``  free text or ``None``;
- ``int``   the year;
- ``nested`` / ``optional`` / ``items``  a block, an optional block, a list of blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from operator import attrgetter

Num = Decimal | str | None
Text = str | None


def num():
    return field(default=None, metadata={"kind": "num"})


def text():
    return field(default=None, metadata={"kind": "text"})


def nested(cls: type):
    return field(default_factory=cls, metadata={"kind": "nested", "cls": cls})


def optional(cls: type):
    return field(default=None, metadata={"kind": "optional", "cls": cls})


def items(cls: type):
    return field(default_factory=list, metadata={"kind": "items", "cls": cls})


# --- 附件1 基础数据表 -------------------------------------------------------------------------


@dataclass(slots=True)
class AmountRow:
    """One row of 经费控制情况: {Y-1}年决算数, {Y}年预算数, {Y}年决算数."""

    prior: Num = num()
    budget: Num = num()
    final: Num = num()


@dataclass(slots=True)
class Staff:
    """财政供养人员情况: 编制数, 实际在职人数, 控制率 (derived, stated only when written)."""

    authorized: Num = num()
    actual: Num = num()
    rate: Num = num()


@dataclass(slots=True)
class ThreePublic:
    """三公经费 and its parts."""

    total: AmountRow = nested(AmountRow)
    car: AmountRow = nested(AmountRow)
    car_purchase: AmountRow = nested(AmountRow)
    car_operation: AmountRow = nested(AmountRow)
    abroad: AmountRow = nested(AmountRow)
    reception: AmountRow = nested(AmountRow)


@dataclass(slots=True)
class SpecialFund:
    """One 市级专项资金 row; ``project`` links it to a project's ``id``."""

    name: Text = text()
    prior: Num = num()
    budget: Num = num()
    final: Num = num()
    project: Text = text()


@dataclass(slots=True)
class ProjectSpending:
    """项目支出 and its parts, with one row per special fund."""

    total: AmountRow = nested(AmountRow)
    business: AmountRow = nested(AmountRow)
    maintenance: AmountRow = nested(AmountRow)
    special_total: AmountRow = nested(AmountRow)
    special_funds: list[SpecialFund] = items(SpecialFund)


@dataclass(slots=True)
class PublicFunds:
    """公用经费; its 其中 rows are a breakdown, not a sum."""

    total: AmountRow = nested(AmountRow)
    office: AmountRow = nested(AmountRow)
    utilities_travel: AmountRow = nested(AmountRow)
    meetings_training: AmountRow = nested(AmountRow)


@dataclass(slots=True)
class Building:
    """One 楼堂馆所 row ({Y-1}年完工项目)."""

    name: Text = text()
    approved_area: Num = num()
    actual_area: Num = num()
    area_rate: Num = num()
    budget_investment: Num = num()
    actual_investment: Num = num()
    investment_rate: Num = num()


@dataclass(slots=True)
class BasicData:
    """附件1 部门（单位）整体支出绩效评价基础数据表."""

    staff: Staff = nested(Staff)
    three_public: ThreePublic = nested(ThreePublic)
    project_spending: ProjectSpending = nested(ProjectSpending)
    public_funds: PublicFunds = nested(PublicFunds)
    procurement: AmountRow = nested(AmountRow)
    basic_budget_adjustment: AmountRow = nested(AmountRow)
    buildings: list[Building] = items(Building)
    austerity: Text = text()


# --- shared by 附件2 and the project forms ---------------------------------------------------


@dataclass(slots=True)
class FundRow:
    """年初预算数, 全年预算数, 全年执行数."""

    initial: Num = num()
    full_year: Num = num()
    executed: Num = num()


@dataclass(slots=True)
class Execution:
    """分值, 执行率 and 得分 of the 年度资金总额 row."""

    weight: Num = num()
    rate: Num = num()
    score: Num = num()


@dataclass(slots=True)
class Goals:
    """年度总体目标: 预期目标, 实际完成情况."""

    target: Text = text()
    actual: Text = text()


@dataclass(slots=True)
class Indicator:
    """One row of the 绩效指标 table."""

    level1: Text = text()
    level2: Text = text()
    name: Text = text()
    target: Text = text()
    actual: Text = text()
    weight: Num = num()
    score: Num = num()
    deviation: Text = text()


# Marks a row that holds no indicator ("/" across the row on the paper forms).
PLACEHOLDER_MARKS = frozenset({"/", "\\", "／", "无", "……", "…", "—", "——", "-"})


def is_placeholder(ind: Indicator) -> bool:
    """A row with no indicator: 三级 blank or a mark, and nothing but marks in the other cells.

    The spec treats such an entry as no entry at all; the forms render one for every empty
    二级 category.
    """

    name = ind.name
    if name is not None and (not isinstance(name, str) or name.strip() not in PLACEHOLDER_MARKS):
        return False  # the common case, decided at once: a named indicator

    for v in (ind.target, ind.actual, ind.weight, ind.score, ind.deviation):
        if v is not None and not (isinstance(v, str) and v.strip() in PLACEHOLDER_MARKS):
            return False  # something other than a mark
    return True


# --- 附件2 整体支出绩效自评表 ----------------------------------------------------------------


@dataclass(slots=True)
class BySource:
    """按收入性质分."""

    general_budget: Num = num()
    government_fund: Num = num()
    special_account: Num = num()
    other: Num = num()


@dataclass(slots=True)
class ByNature:
    """按支出性质分."""

    basic: Num = num()
    project: Num = num()


@dataclass(slots=True)
class Overall:
    """附件2 部门（单位）整体支出绩效自评表."""

    funds: FundRow = nested(FundRow)
    execution: Execution = nested(Execution)
    adjustment_note: Text = text()
    by_source: BySource = nested(BySource)
    by_nature: ByNature = nested(ByNature)
    goals: Goals = nested(Goals)
    indicators: list[Indicator] = items(Indicator)
    total_score: Num = num()


# --- 项目支出绩效自评表 ---------------------------------------------------------------------


@dataclass(slots=True)
class ProjectFunds:
    """项目资金: the three 其中 rows and 年度资金总额 (stated, optional)."""

    current: FundRow = nested(FundRow)
    carryover: FundRow = nested(FundRow)
    other: FundRow = nested(FundRow)
    total: FundRow = nested(FundRow)


@dataclass(slots=True)
class Report:
    """The project's 绩效自评报告 narrative, as stated."""

    budget: Text = text()
    spending: Text = text()
    performance: Text = text()
    shortcomings: Text = text()
    next_steps: Text = text()


@dataclass(slots=True)
class Project:
    """One 项目支出绩效自评表."""

    id: Text = text()
    code: Text = text()
    name: Text = text()
    authority: Text = text()
    implementer: Text = text()
    funds: ProjectFunds = nested(ProjectFunds)
    execution: Execution = nested(Execution)
    adjustment_note: Text = text()
    goals: Goals = nested(Goals)
    indicators: list[Indicator] = items(Indicator)
    total_score: Num = num()
    report: Report | None = optional(Report)


# --- the document ---------------------------------------------------------------------------


@dataclass(slots=True)
class Department:
    """部门（单位）and the footer of 附件1/附件2."""

    name: Text = text()
    filled_by: Text = text()
    filled_on: Text = text()
    phone: Text = text()
    head: Text = text()


FORMAT = "jixiao/1"


@dataclass(slots=True)
class Document:
    """One department, one year: 附件1 and 附件2 when present, and the projects in order."""

    year: int
    scheme: str
    format: str = FORMAT
    department: Department = nested(Department)
    basic_data: BasicData | None = optional(BasicData)
    overall: Overall | None = optional(Overall)
    projects: list[Project] = items(Project)


# The order keys are written in, matching the spec (format first).
DOCUMENT_KEY_ORDER = ("format", "year", "scheme", "department", "basic_data", "overall", "projects")


def kind_of(f) -> str:
    """The declared kind of a dataclass field (see the module docstring)."""
    return f.metadata.get("kind", "scalar")



_STEP = re.compile(r"\[\d+\]|[^.\[\]]+")


@lru_cache(maxsize=16384)
def _steps(path: str) -> tuple[str | int, ...]:
    return tuple(int(p[1:-1]) if p.startswith("[") else p for p in _STEP.findall(path))


@lru_cache(maxsize=16384)
def _attribute_path(path: str) -> tuple[attrgetter | None, str] | None:
    """For a path of attributes only ("funds.total.executed"): a getter of its parent (one C
    call) and its last name; None for a path through a list."""
    steps = _steps(path)
    if any(isinstance(s, int) for s in steps):
        return None
    *parents, last = steps
    return (attrgetter(".".join(parents)) if parents else None), last


def get_path(obj, path: str):
    """The value at a data path such as ``projects[3].funds.total.executed``."""
    for step in _steps(path):
        obj = obj[step] if isinstance(step, int) else getattr(obj, step)
    return obj


def set_path(obj, path: str, value) -> None:
    plain = _attribute_path(path)
    if plain is not None:  # the common case: every field of a form
        parent, last = plain
        setattr(obj if parent is None else parent(obj), last, value)
        return
    *parents, last = _steps(path)
    for step in parents:
        obj = obj[step] if isinstance(step, int) else getattr(obj, step)
    if isinstance(last, int):
        obj[last] = value
    else:
        setattr(obj, last, value)
