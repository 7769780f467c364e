"""B — budget adjustment: where the full-year budget (全年预算数) moved away from the year-start
budget (年初预算数), and where that hides how little of the original budget was spent."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from .catalog import ERROR, WARNING, Hit, rule
from .common import blank, close, money, num, percent
from .context import Context, ScoredForm


def _adjusted(ctx: Context, form: ScoredForm) -> tuple[Decimal, Decimal] | None:
    """(年初, 全年) when both are numbers and they differ beyond the tolerance."""
    initial, full = num(form.total.initial), num(form.total.full_year)
    if initial is None or full is None or close(initial, full, ctx.tolerance):
        return None
    return initial, full


def _describe(form: ScoredForm, initial: Decimal, full: Decimal) -> str:
    parts = [f"全年预算数 {money(full)} 与年初预算数 {money(initial)} 不同：调整额 {money(full - initial)}"]
    if initial != 0:
        parts.append(f"调整率 {percent((full - initial) / initial)}")
        executed = num(form.total.executed)
        if executed is not None:
            parts.append(f"年初口径执行率 {percent(executed / initial)}")
    return "，".join(parts)


@rule("B01", WARNING, "全年预算数与年初预算数不同")
def b01(ctx: Context) -> Iterator[Hit]:
    """B01 全年预算数 ≠ 年初预算数 on a 年度资金总额 row; gives 调整额, 调整率 and 年初口径执行率."""
    for form in ctx.scored_forms:
        adjusted = _adjusted(ctx, form)
        if adjusted:
            yield ctx.hit(f"{form.total_path}.full_year", _describe(form, *adjusted))


@rule("B02", ERROR, "预算调整幅度大而未说明")
def b02(ctx: Context) -> Iterator[Hit]:
    """B02 B01 holds, |调整率| ≥ 10%, and 预算调整说明 is blank."""
    threshold = ctx.settings.adjustment_threshold
    for form in ctx.scored_forms:
        adjusted = _adjusted(ctx, form)
        if not adjusted or not blank(form.form.adjustment_note):
            continue
        initial, full = adjusted
        if initial == 0 or abs((full - initial) / initial) >= threshold:
            rate = "（年初为 0）" if initial == 0 else f" {percent((full - initial) / initial)}"
            yield ctx.hit(form.path("adjustment_note"),
                          f"预算调整率{rate}，绝对值达到 {percent(threshold)}，须在预算调整说明中写明原因")


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
                          f"执行率 {percent(rate)}，但按年初预算 {money(initial)} 计算仅执行 {percent(basis)}："
                          f"预算年中调减后，执行率不能反映原预算的执行情况")


@rule("B04", WARNING, "三公经费预算高于上年决算")
def b04(ctx: Context) -> Iterator[Hit]:
    """B04 附件1: 三公经费 本年预算数 > 上年决算数 (三公经费 should only go down)."""
    slots = ctx.basic_slots
    if slots is None:
        return
    budget, prior = (num(slots.shown(f"three_public.total.{c}")) for c in ("budget", "prior"))
    if budget is not None and prior is not None and budget > prior + ctx.tolerance:
        yield ctx.hit("basic_data.three_public.total.budget",
                      f"三公经费本年预算数 {money(budget)} 高于上年决算数 {money(prior)}（三公经费应只减不增）")

