"""M — money: totals against their parts, breakdowns, spending over budget."""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Iterator
from decimal import Decimal

from ..forms.layout import A1_ROWS_AFTER_SPECIAL, A1_ROWS_BEFORE_SPECIAL
from ..model.derive import AMOUNT_COLUMNS, FUND_COLUMNS, xsum
from ..model.document import get_path
from .catalog import ERROR, INFO, WARNING, Hit, rule
from .common import amount, blank, close, money, num, quote
from .context import Context
from .fields import FUND_LABELS

A1_COLUMN_LABELS = {"prior": "上年决算数", "budget": "本年预算数", "final": "本年决算数"}
A1_LABELS = {spec.path: re.sub(r"^(\d、|其中：)|：$|（一个专项一行）", "", spec.label)
             for spec in A1_ROWS_BEFORE_SPECIAL + A1_ROWS_AFTER_SPECIAL}


class Part(namedtuple("Part", "path label value used")):
    """One component of a sum, in one column: where it is (``path``), its ``label``, its
    ``value``, and whether the form ``used`` it at all (a component blank in every column is not
    used: it counts as 0)."""

    __slots__ = ()


def _sum_hit(ctx: Context, total_path: str, total_label: str, stated: Decimal, parts: list[Part],
             parts_label: str) -> Hit | None:
    """The one finding a stated total that its parts do not make gives, at the cell to change:
    the blank component when exactly one used component is blank (with its implied value);
    a 提示 when only the total is filled in; otherwise the total against the sum."""
    if any(part.value.__class__ is str and not blank(part.value) for part in parts):
        return None  # an unreadable part is F02's alone
    total = xsum(*(part.value for part in parts))
    if close(stated, total, ctx.tolerance):
        return None
    blanks = [part for part in parts if blank(part.value)]
    used_blanks = [part for part in blanks if part.used]
    implied = stated - total
    if len(used_blanks) == 1 and implied > 0:
        part = used_blanks[0]
        return ctx.hit(part.path, f"{part.label}未填写：{total_label}为 {amount(stated)}，按其他分项推算{part.label}应为 "
                                  f"{amount(implied)}。请填写{part.label}", money(implied))
    if len(blanks) == len(parts):
        return ctx.hit(total_path, f"{total_label}只填写了合计 {amount(stated)}，未按明细列明{parts_label}。建议按明细填写各分项",
                       severity=INFO)
    return ctx.hit(total_path, f"{total_label}为 {amount(stated)}，但{parts_label}之和为 {amount(total)}，相差 "
                               f"{amount(stated - total)}。请核对合计与各分项", money(total))


_FUND_PARTS = (("current", "当年财政拨款"), ("carryover", "上年结转资金"), ("other", "其他资金"))


@rule("M01", ERROR, "年度资金总额与分项之和不符")
def m01(ctx: Context) -> Iterator[Hit]:
    """M01 年度资金总额 ≠ 当年财政拨款 + 上年结转资金 + 其他资金, per column, where the total is stated."""
    tolerance = ctx.tolerance
    for i, p, form in ctx.projects:
        funds = p.funds
        components = (funds.current, funds.carryover, funds.other)
        used = None
        for col in FUND_COLUMNS:
            stated = num(getattr(funds.total, col))
            if stated is None or close(stated, xsum(*(getattr(c, col) for c in components)), tolerance):
                continue  # the common case, told without building the parts
            if used is None:
                used = {key: any(not blank(getattr(getattr(funds, key), c)) for c in FUND_COLUMNS) for key, _ in _FUND_PARTS}
            parts = [Part(f"projects[{i}].funds.{key}.{col}", f"{label}{FUND_LABELS[col]}", getattr(getattr(funds, key), col), used[key])
                     for key, label in _FUND_PARTS]
            found = _sum_hit(ctx, f"{form.total_path}.{col}", f"年度资金总额{FUND_LABELS[col]}", stated, parts,
                             "当年财政拨款、上年结转资金、其他资金")
            if found:
                yield found


def _overall_breakdown(ctx: Context, keys: tuple[str, ...], attr: str, label: str) -> Iterator[Hit]:
    o = ctx.doc.overall
    full = num(o.funds.full_year) if o is not None else None
    if full is None:
        return
    parts = xsum(*(getattr(getattr(o, attr), k) for k in keys))
    if not close(parts, full, ctx.tolerance):
        yield ctx.hit(f"overall.{attr}.{keys[0]}",
                      f"{label}合计 {amount(parts)}与年度资金总额全年预算数 {amount(full)}不符，相差 {amount(parts - full)}。请核对各项金额",
                      money(full))


@rule("M02", ERROR, "按收入性质分合计与全年预算数不符")
def m02(ctx: Context) -> Iterator[Hit]:
    """M02 附件2: 一般公共预算 + 政府性基金拨款 + 纳入专户管理的非税收入拨款 + 其他资金 ≠ 全年预算数."""
    yield from _overall_breakdown(ctx, ("general_budget", "government_fund", "special_account", "other"),
                                  "by_source", "按收入性质分")


@rule("M03", ERROR, "按支出性质分合计与全年预算数不符")
def m03(ctx: Context) -> Iterator[Hit]:
    """M03 附件2: 基本支出 + 项目支出 ≠ 年度资金总额 全年预算数."""
    yield from _overall_breakdown(ctx, ("basic", "project"), "by_nature", "按支出性质分")


def _a1_value(ctx: Context, path: str, col: str) -> object:
    """A 附件1 amount as the sheet shows it; a derived one that sums only blanks is blank."""
    slots = ctx.basic_slots
    key = f"{path}.{col}"
    if key in slots:
        slot = slots[key]
        return None if slot.stated is None and slot.formula == 0 else slot.shown
    return getattr(get_path(ctx.doc.basic_data, path), col)


def _a1_sum_rule(ctx: Context, total: str, parts: list[tuple[str, str]]) -> Iterator[Hit]:
    """A stated 附件1 total against the sum of its shown parts ((path, label) each), per column."""
    slots = ctx.basic_slots
    if slots is None:
        return
    used = {path: any(not blank(_a1_value(ctx, path, c)) for c in AMOUNT_COLUMNS) for path, _ in parts}
    names = "、".join(label for _, label in parts) if len(parts) <= 4 else "各专项"
    for col in AMOUNT_COLUMNS:
        slot = slots[f"{total}.{col}"]
        stated = num(slot.stated)
        if stated is None or close(stated, slot.formula, ctx.tolerance):
            continue
        column = A1_COLUMN_LABELS[col]
        found = _sum_hit(ctx, f"basic_data.{total}.{col}", f"{A1_LABELS[total]}（{column}）", stated,
                         [Part(f"basic_data.{path}.{col}", f"{label}（{column}）", _a1_value(ctx, path, col), used[path])
                          for path, label in parts], names)
        if found:
            yield found


@rule("M04", ERROR, "三公经费与分项之和不符")
def m04(ctx: Context) -> Iterator[Hit]:
    """M04 附件1: 三公经费 ≠ 公务用车购置和维护经费 + 出国经费 + 公务接待, per column."""
    yield from _a1_sum_rule(ctx, "three_public.total", [("three_public.car", "公务用车购置和维护经费"),
                                                        ("three_public.abroad", "出国经费"), ("three_public.reception", "公务接待")])


@rule("M05", ERROR, "公务用车经费与分项之和不符")
def m05(ctx: Context) -> Iterator[Hit]:
    """M05 附件1: 公务用车购置和维护经费 ≠ 公车购置 + 公车运行维护, per column."""
    yield from _a1_sum_rule(ctx, "three_public.car", [("three_public.car_purchase", "公车购置"),
                                                      ("three_public.car_operation", "公车运行维护")])


@rule("M06", ERROR, "项目支出与分项之和不符")
def m06(ctx: Context) -> Iterator[Hit]:
    """M06 附件1: 项目支出 ≠ 业务工作经费 + 运行维护经费 + 市级专项资金, per column."""
    yield from _a1_sum_rule(ctx, "project_spending.total", [("project_spending.business", "业务工作经费"),
                                                            ("project_spending.maintenance", "运行维护经费"),
                                                            ("project_spending.special_total", "市级专项资金")])


@rule("M07", ERROR, "市级专项资金与各专项之和不符")
def m07(ctx: Context) -> Iterator[Hit]:
    """M07 附件1: 市级专项资金 ≠ the sum of its rows, per column."""
    b = ctx.doc.basic_data
    rows = b.project_spending.special_funds if b is not None else []
    yield from _a1_sum_rule(ctx, "project_spending.special_total",
                            [(f"project_spending.special_funds[{r}]", f"专项{quote(row.name or r + 1)}") for r, row in enumerate(rows)])


@rule("M08", ERROR, "公用经费的其中项超过合计")
def m08(ctx: Context) -> Iterator[Hit]:
    """M08 附件1: the 其中 rows of 公用经费 add up to more than 公用经费."""
    b = ctx.doc.basic_data
    if b is None:
        return
    pf = b.public_funds
    for col in AMOUNT_COLUMNS:
        total = num(getattr(pf.total, col))
        if total is None:
            continue
        parts = xsum(*(getattr(getattr(pf, k), col) for k in ("office", "utilities_travel", "meetings_training")))
        if parts > total + ctx.tolerance:
            yield ctx.hit(f"basic_data.public_funds.total.{col}",
                          f"公用经费（{A1_COLUMN_LABELS[col]}）为 {amount(total)}，但其中办公经费、水电差旅、会议培训之和为 {amount(parts)}，"
                          f"其中项不能超过合计。请核对公用经费及其中各项",
                          f"≥ {money(parts)}")


@rule("M09", WARNING, "支出超过预算")
def m09(ctx: Context) -> Iterator[Hit]:
    """M09 Spent more than budgeted: 全年执行数 > 全年预算数, or a 附件1 row's 本年决算数 > 本年预算数."""
    for form in ctx.scored_forms:
        full, executed = num(form.total.full_year), num(form.total.executed)
        if full is not None and executed is not None and executed > full + ctx.tolerance:
            yield ctx.hit(f"{form.total_path}.executed",
                          f"全年执行数 {amount(executed)}超过全年预算数 {amount(full)}，超出 {amount(executed - full)}。请核对执行数，或说明超支的原因")
    b = ctx.doc.basic_data
    if b is None:
        return
    rows = [(f"basic_data.{spec.path}", A1_LABELS[spec.path], get_path(b, spec.path))
            for spec in A1_ROWS_BEFORE_SPECIAL + A1_ROWS_AFTER_SPECIAL]
    rows += [(f"basic_data.project_spending.special_funds[{i}]", f.name or "专项", f)
             for i, f in enumerate(b.project_spending.special_funds)]
    slots = ctx.basic_slots
    for path, label, row in rows:
        budget, final = (_shown(slots, path, row, c) for c in ("budget", "final"))
        if budget is not None and final is not None and final > budget + ctx.tolerance:
            yield ctx.hit(f"{path}.final", f"{label}：本年决算数 {amount(final)}超过本年预算数 {amount(budget)}。请核对决算数，或说明超支的原因")



def _shown(slots, path: str, row, col: str) -> Decimal | None:
    key = path.removeprefix("basic_data.") + "." + col
    if slots is not None and key in slots:
        return num(slots.shown(key))
    return num(getattr(row, col))
