"""B — budget adjustment: where the full-year budget (全年预算数) moved away from the year-start
budget (年初预算数), and where that hides how little of the original budget was spent."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..model.numbers import plain
from .catalog import ERROR, INFO, WARNING, Hit, rule
from .common import amount, blank, close, num, percent
from .context import Context, ScoredForm


def _adjusted(ctx: Context, form: ScoredForm) -> tuple[Decimal, Decimal] | None:
    """(年初, 全年) when both are numbers and they differ beyond the tolerance (an unreadable
    amount is F02's alone)."""
    initial, full = num(form.total.initial), num(form.total.full_year)
    if initial is None or full is None or close(initial, full, ctx.tolerance):
        return None
    return initial, full


def _unexplained(ctx: Context, form: ScoredForm, initial: Decimal, full: Decimal) -> bool:
    """B02's case: |调整率| at or above the threshold and no 预算调整说明."""
    if not blank(form.form.adjustment_note):
        return False
    return initial == 0 or abs((full - initial) / initial) >= ctx.settings.adjustment_threshold


def _describe(form: ScoredForm, initial: Decimal, full: Decimal) -> str:
    parts = [f"全年预算数 {amount(full)}与年初预算数 {amount(initial)}不同：调整额 {amount(full - initial)}"]
    if initial != 0:
        parts.append(f"调整率 {percent((full - initial) / initial)}")
        executed = num(form.total.executed)
        if executed is not None:
            parts.append(f"年初口径执行率 {percent(executed / initial)}")
    return "，".join(parts)


_EXPLAIN = "请在预算调整说明栏说明调整原因"


@rule("B01", WARNING, "全年预算数与年初预算数不同")
def b01(ctx: Context) -> Iterator[Hit]:
    """B01 全年预算数 ≠ 年初预算数 on a 年度资金总额 row; gives 调整额, 调整率 and 年初口径执行率.
    Silent where B02 speaks of the same adjustment."""
    for form in ctx.scored_forms:
        adjusted = _adjusted(ctx, form)
        if adjusted and not _unexplained(ctx, form, *adjusted):
            action = _EXPLAIN if blank(form.form.adjustment_note) else "请核对预算调整说明栏已写明调整原因"
            yield ctx.hit(f"{form.total_path}.full_year", f"{_describe(form, *adjusted)}。{action}")


@rule("B02", ERROR, "预算调整幅度大而未说明")
def b02(ctx: Context) -> Iterator[Hit]:
    """B02 B01 holds, |调整率| ≥ 10%, and 预算调整说明 is blank."""
    threshold = ctx.settings.adjustment_threshold
    for form in ctx.scored_forms:
        adjusted = _adjusted(ctx, form)
        if not adjusted or not _unexplained(ctx, form, *adjusted):
            continue
        initial, full = adjusted
        size = "（年初预算数为 0）" if initial == 0 else f"，调整率 {percent((full - initial) / initial)}"
        moved = f"调减了 {amount(initial - full)}" if full < initial else f"调增了 {amount(full - initial)}"
        yield ctx.hit(form.path("adjustment_note"),
                      f"全年预算数 {amount(full)}比年初预算数 {amount(initial)}{moved}{size}，"
                      f"幅度达到 {plain(threshold * 100)}% 以上，而预算调整说明未填写。{_EXPLAIN}")


@rule("B03", WARNING, "预算被调减后执行率失真")
def b03(ctx: Context) -> Iterator[Hit]:
    """B03 执行率 ≥ 90% while 年初口径执行率 < 60%: the budget was cut during the year and the
    execution rate no longer shows how little of the original budget was spent."""
    s = ctx.settings
    for form in ctx.scored_forms:
        initial, executed, rate = num(form.total.initial), num(form.total.executed), form.execution_rate
        if rate is None or executed is None or not initial:
            continue
        basis = executed / initial
        if rate >= s.execution_floor and basis < s.initial_basis_floor:
            yield ctx.hit(f"{form.total_path}.full_year",
                          f"执行率 {percent(rate)}，但按年初预算数 {amount(initial)}计算仅执行 {percent(basis)}："
                          f"预算年中调减后，执行率已不能反映原预算的执行情况。请在预算调整说明栏说明调减原因")


@rule("B04", WARNING, "三公经费预算高于上年决算")
def b04(ctx: Context) -> Iterator[Hit]:
    """B04 附件1: 三公经费 本年预算数 > 上年决算数 (三公经费 should only go down)."""
    slots = ctx.basic_slots
    if slots is None:
        return
    budget, prior = (num(slots.shown(f"three_public.total.{c}")) for c in ("budget", "prior"))
    if budget is not None and prior is not None and budget > prior + ctx.tolerance:
        yield ctx.hit("basic_data.three_public.total.budget",
                      f"三公经费本年预算数 {amount(budget)}高于上年决算数 {amount(prior)}，而三公经费应只减不增。请核实预算数或说明增加的原因")


@rule("B05", INFO, "各项目预算均按支出调整")
def b05(ctx: Context) -> Iterator[Hit]:
    """B05 Department: on every project (at least three) 全年预算数 equals 全年执行数 exactly while
    some 年初预算数 differ: the budgets look adjusted to the spending."""
    projects = ctx.projects
    if len(projects) < 3:
        return
    changed = 0
    for _, _, form in projects:
        full, executed, initial = num(form.total.full_year), num(form.total.executed), num(form.total.initial)
        if full is None or executed is None or full != executed:
            return
        changed += initial is not None and initial != full
    if changed:
        at = "overall.funds.full_year" if ctx.doc.overall is not None else projects[0][2].total_path + ".full_year"
        yield ctx.hit(at, f"全部 {len(projects)} 个项目的全年预算数都与全年执行数相等，其中 {changed} 个项目的全年预算数"
                          f"不同于年初预算数：预算像是按实际支出调整的。建议核对预算调整是否有批复依据")

