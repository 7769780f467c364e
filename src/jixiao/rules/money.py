"""M — money: totals against their parts, breakdowns, spending over budget."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from ..forms.layout import A1_ROWS_AFTER_SPECIAL, A1_ROWS_BEFORE_SPECIAL
from ..model.derive import AMOUNT_COLUMNS, FUND_COLUMNS, xsum
from ..model.document import get_path
from .catalog import ERROR, WARNING, Hit, rule
from .common import close, money, num
from .context import Context
from .fields import FUND_LABELS

A1_COLUMN_LABELS = {"prior": "上年决算数", "budget": "本年预算数", "final": "本年决算数"}
A1_LABELS = {spec.path: re.sub(r"^(\d、|其中：)|：$|（一个专项一行）", "", spec.label)
             for spec in A1_ROWS_BEFORE_SPECIAL + A1_ROWS_AFTER_SPECIAL}


@rule("M01", ERROR, "年度资金总额与分项之和不符")
def m01(ctx: Context) -> Iterator[Hit]:
    """M01 年度资金总额 ≠ 当年财政拨款 + 上年结转资金 + 其他资金, per column, where the total is stated."""
    for i, p, form in ctx.projects:
        for col in FUND_COLUMNS:
            stated = num(getattr(p.funds.total, col))
            if stated is None:
                continue
            parts = xsum(*(getattr(getattr(p.funds, k), col) for k in ("current", "carryover", "other")))
            if not close(stated, parts, ctx.tolerance):
                yield ctx.hit(f"{form.total_path}.{col}",
                              f"年度资金总额{FUND_LABELS[col]}为 {money(stated)}，但当年财政拨款、上年结转资金、其他资金之和为 {money(parts)}",
                              money(parts))


def _overall_breakdown(ctx: Context, keys: tuple[str, ...], attr: str, label: str) -> Iterator[Hit]:
    o = ctx.doc.overall
    full = num(o.funds.full_year) if o is not None else None
    if full is None:
        return
    parts = xsum(*(getattr(getattr(o, attr), k) for k in keys))
    if not close(parts, full, ctx.tolerance):
        yield ctx.hit(f"overall.{attr}.{keys[0]}",
                      f"{label}合计 {money(parts)} 与年度资金总额全年预算数 {money(full)} 不符（相差 {money(parts - full)}）",
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


def _a1_sum_rule(ctx: Context, total: str, parts: str) -> Iterator[Hit]:
    """A stated 附件1 total against the sum its formula makes of the shown parts."""
    slots = ctx.basic_slots
    if slots is None:
        return
    for col in AMOUNT_COLUMNS:
        slot = slots[f"{total}.{col}"]
        stated = num(slot.stated)
        if stated is None or close(stated, slot.formula, ctx.tolerance):
            continue
        yield ctx.hit(f"basic_data.{total}.{col}",
                      f"{A1_LABELS[total]}（{A1_COLUMN_LABELS[col]}）为 {money(stated)}，但{parts}之和为 {money(slot.formula)}",
                      money(slot.formula))


@rule("M04", ERROR, "三公经费与分项之和不符")
def m04(ctx: Context) -> Iterator[Hit]:
    """M04 附件1: 三公经费 ≠ 公务用车购置和维护经费 + 出国经费 + 公务接待, per column."""
    yield from _a1_sum_rule(ctx, "three_public.total", "公务用车购置和维护经费、出国经费、公务接待")


@rule("M05", ERROR, "公务用车经费与分项之和不符")
def m05(ctx: Context) -> Iterator[Hit]:
    """M05 附件1: 公务用车购置和维护经费 ≠ 公车购置 + 公车运行维护, per column."""
    yield from _a1_sum_rule(ctx, "three_public.car", "公车购置、公车运行维护")


@rule("M06", ERROR, "项目支出与分项之和不符")
def m06(ctx: Context) -> Iterator[Hit]:
    """M06 附件1: 项目支出 ≠ 业务工作经费 + 运行维护经费 + 市级专项资金, per column."""
    yield from _a1_sum_rule(ctx, "project_spending.total", "业务工作经费、运行维护经费、市级专项资金")


@rule("M07", ERROR, "市级专项资金与各专项之和不符")
def m07(ctx: Context) -> Iterator[Hit]:
    """M07 附件1: 市级专项资金 ≠ the sum of its rows, per column."""
    yield from _a1_sum_rule(ctx, "project_spending.special_total", "各专项")


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
                          f"公用经费（{A1_COLUMN_LABELS[col]}）为 {money(total)}，但其中办公经费、水电差旅、会议培训之和为 {money(parts)}",
                          f"≥ {money(parts)}")


@rule("M09", WARNING, "支出超过预算")
def m09(ctx: Context) -> Iterator[Hit]:
    """M09 Spent more than budgeted: 全年执行数 > 全年预算数, or a 附件1 row's 本年决算数 > 本年预算数."""
    for form in ctx.scored_forms:
        full, executed = num(form.total.full_year), num(form.total.executed)
        if full is not None and executed is not None and executed > full + ctx.tolerance:
            yield ctx.hit(f"{form.total_path}.executed",
                          f"全年执行数 {money(executed)} 超过全年预算数 {money(full)}（超出 {money(executed - full)}）")
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
            yield ctx.hit(f"{path}.final", f"{label}：本年决算数 {money(final)} 超过本年预算数 {money(budget)}")



def _shown(slots, path: str, row, col: str) -> Decimal | None:
    key = path.removeprefix("basic_data.") + "." + col
    if slots is not None and key in slots:
        return num(slots.shown(key))
    return num(getattr(row, col))
