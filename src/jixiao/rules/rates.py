"""R — rates: 控制率 and 执行率 against the numbers they come from."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from .catalog import ERROR, WARNING, Hit, rule
from .common import amount, blank, holds, percent, quote, rate
from .context import Context


def _stated_rate_rule(stated: object, computed: Decimal | None) -> bool:
    """True when a stated rate is readable, computable, and does not hold."""
    return computed is not None and holds(stated, computed, is_rate=True) is False


@rule("R01", ERROR, "控制率计算错误")
def r01(ctx: Context) -> Iterator[Hit]:
    """R01 A stated 控制率 ≠ 实际在职人数 ÷ 编制数."""
    b = ctx.doc.basic_data
    if b is None:
        return
    computed = ctx.basic_rate("staff.rate")
    if _stated_rate_rule(b.staff.rate, computed):
        yield ctx.hit("basic_data.staff.rate",
                      f"控制率填写为{quote(b.staff.rate)}，按实际在职人数 {b.staff.actual} 人除以编制数 {b.staff.authorized} 人应为 {percent(computed)}。请改正控制率",
                      percent(computed))


@rule("R02", WARNING, "在职人数超过编制")
def r02(ctx: Context) -> Iterator[Hit]:
    """R02 在职人员控制率 > 100% (more staff than the establishment)."""
    b = ctx.doc.basic_data
    if b is None:
        return
    computed = ctx.basic_rate("staff.rate")
    value = computed if computed is not None else rate(b.staff.rate)
    if value is not None and value > 1:
        yield ctx.hit("basic_data.staff.rate", f"在职人员控制率 {percent(value)} 超过 100%：实际在职人数多于编制数。请核对人数，或说明超编的原因")


_BUILDING_RATES = (("area_rate", "规模控制率", "实际规模", "批复规模"),
                   ("investment_rate", "投资概算控制率", "实际投资", "预算投资"))


@rule("R03", ERROR, "楼堂馆所控制率计算错误")
def r03(ctx: Context) -> Iterator[Hit]:
    """R03 A stated 规模控制率 ≠ 实际规模 ÷ 批复规模, or 投资概算控制率 ≠ 实际投资 ÷ 预算投资."""
    b = ctx.doc.basic_data
    for i, building in enumerate(b.buildings if b else []):
        for key, label, num_label, den_label in _BUILDING_RATES:
            stated = getattr(building, key)
            computed = ctx.basic_rate(f"buildings[{i}].{key}")
            if _stated_rate_rule(stated, computed):
                yield ctx.hit(f"basic_data.buildings[{i}].{key}",
                              f"{label}填写为{quote(stated)}，按{num_label}除以{den_label}应为 {percent(computed)}。请改正{label}", percent(computed))


@rule("R04", WARNING, "楼堂馆所超规模或超概算")
def r04(ctx: Context) -> Iterator[Hit]:
    """R04 规模控制率 or 投资概算控制率 > 100%."""
    b = ctx.doc.basic_data
    for i, building in enumerate(b.buildings if b else []):
        for key, label, _, _ in _BUILDING_RATES:
            computed = ctx.basic_rate(f"buildings[{i}].{key}")
            value = computed if computed is not None else rate(getattr(building, key))
            if value is not None and value > 1:
                yield ctx.hit(f"basic_data.buildings[{i}].{key}", f"{label} {percent(value)} 超过 100%。请核对，或说明超出的原因")


@rule("R05", ERROR, "执行率计算错误")
def r05(ctx: Context) -> Iterator[Hit]:
    """R05 A stated 执行率 ≠ 全年执行数 ÷ 全年预算数."""
    for form in ctx.scored_forms:
        stated, computed = form.form.execution.rate, form.execution_rate
        if computed is not None and holds(stated, computed, is_rate=True) is False:
            yield ctx.hit(form.path("execution.rate"),
                          f"执行率填写为{quote(stated)}，按全年执行数 {amount(form.total.executed)}除以全年预算数 {amount(form.total.full_year)}应为 {percent(computed)}。请改正执行率",
                          percent(computed))


@rule("R06", WARNING, "执行率偏低且未说明")
def r06(ctx: Context) -> Iterator[Hit]:
    """R06 执行率 < 90% and 预算调整说明 (which also serves to explain low execution) is blank."""
    floor = ctx.settings.execution_floor
    for form in ctx.scored_forms:
        value = form.execution_rate
        if value is not None and value < floor and blank(form.form.adjustment_note):
            yield ctx.hit(form.path("adjustment_note"),
                          f"执行率 {percent(value)} 低于 {percent(floor)}，而预算调整说明未填写。请在预算调整说明栏说明执行率低的原因")

