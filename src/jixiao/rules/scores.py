"""S — scores: each 得分 within its 分值, weights adding up, execution 得分 and 总分."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..model.derive import xsum
from ..model.numbers import plain
from .catalog import ERROR, WARNING, Hit, rule
from .common import blank, holds, num, quote, rate, score
from .context import Context, ScoredForm


def _rows(form: ScoredForm):
    return form.rows


@rule("S01", ERROR, "得分超出范围")
def s01(ctx: Context) -> Iterator[Hit]:
    """S01 得分 < 0 or 得分 > 分值."""
    for form in ctx.scored_forms:
        for j, ind in _rows(form):
            s, w = num(ind.score), num(ind.weight)
            if s is None:
                continue
            if s < 0 or (w is not None and s > w):
                yield ctx.hit(form.path(f"indicators[{j}].score"),
                              f"指标{quote(ind.name)}得分 {plain(s)} 不在 0 到分值 {plain(w) if w is not None else '?'} 之间。请改正得分栏",
                              f"0～{plain(w)}" if w is not None else None)


@rule("S02", ERROR, "一级指标分值合计不符")
def s02(ctx: Context) -> Iterator[Hit]:
    """S02 The 分值 of a 一级指标's indicators do not add up to its weight in the scheme."""
    for form in ctx.scored_forms:
        totals: dict[object, Decimal] = {}  # 一级 → the sum of its 分值, in one pass over the rows
        first: dict[object, int] = {}  # 一级 → its first row
        unreadable = set()  # 一级 with an unreadable 分值: F02 speaks
        for j, ind in _rows(form):
            level, weight = ind.level1, ind.weight
            first.setdefault(level, j)
            if isinstance(weight, Decimal):
                totals[level] = totals.get(level, Decimal(0)) + weight
            elif not blank(weight):
                unreadable.add(level)
        for l1 in ctx.scheme.level1:
            if l1.name in unreadable:
                continue
            total = totals.get(l1.name, Decimal(0))
            if total != l1.weight:
                where = form.path(f"indicators[{first[l1.name]}].weight") if l1.name in first else form.path("indicators")
                yield ctx.hit(where, f"{l1.name}各指标分值合计 {plain(total)}，指标体系规定为 {plain(l1.weight)}。请调整本类指标的分值栏",
                              plain(l1.weight))


@rule("S03", ERROR, "分值总计不是 100")
def s03(ctx: Context) -> Iterator[Hit]:
    """S03 All 分值 plus the execution 分值 do not add up to 100."""
    for form in ctx.scored_forms:
        weights = [ind.weight for _, ind in _rows(form)] + [form.form.execution.weight]
        if any(not blank(w) and num(w) is None for w in weights):
            continue
        total = xsum(*weights)
        if total != 100:
            yield ctx.hit(form.path("execution.weight"), f"各指标分值与预算执行率分值合计为 {plain(total)}，应为 100。请调整分值栏", "100")


@rule("S04", ERROR, "预算执行率得分计算错误")
def s04(ctx: Context) -> Iterator[Hit]:
    """S04 A stated execution 得分 ≠ 分值 × min(执行率, 100%). The 执行率 is the exact one the amounts
    give, or the one the form shows (a rate rounded to 0.01% moves the 得分 by up to 0.005): a
    得分 that holds for either is right."""
    for form in ctx.scored_forms:
        e = form.form.execution
        weight, shown_rate = num(e.weight), rate(form.slots.shown("execution.rate"))
        if weight is None or shown_rate is None:
            continue
        exact_rate = rate(form.slots["execution.rate"].formula)
        candidates = [weight * min(r, Decimal(1)) for r in (exact_rate, shown_rate) if r is not None]
        expected = candidates[0]
        if all(holds(e.score, c, is_rate=False) is False for c in candidates):
            yield ctx.hit(form.path("execution.score"),
                          f"预算执行率得分填写为 {plain(e.score)}，按分值 {plain(weight)} 乘执行率（超过 100% 按 100% 计）应为 {score(expected)}。请改正执行得分",
                          score(expected))


@rule("S05", ERROR, "总分与各项得分之和不符")
def s05(ctx: Context) -> Iterator[Hit]:
    """S05 A stated 总分 ≠ the sum of all 得分 plus the execution 得分."""
    for form in ctx.scored_forms:
        f = form.form
        scores = [ind.score for _, ind in _rows(form)] + [form.slots.shown("execution.score")]
        if any(not blank(s) and num(s) is None for s in scores):
            continue  # an unreadable 得分: F02 speaks
        expected = xsum(*scores)
        if holds(f.total_score, expected, is_rate=False) is False:
            yield ctx.hit(form.path("total_score"),
                          f"总分填写为 {plain(f.total_score)}，各指标得分与预算执行率得分之和为 {score(expected)}。请改正总分", score(expected))


@rule("S06", ERROR, "扣分未说明原因")
def s06(ctx: Context) -> Iterator[Hit]:
    """S06 得分 < 分值 and 偏差原因分析及改进措施 is blank."""
    for form in ctx.scored_forms:
        for j, ind in _rows(form):
            s, w = num(ind.score), num(ind.weight)
            if s is not None and w is not None and s < w and blank(ind.deviation):
                yield ctx.hit(form.path(f"indicators[{j}].deviation"),
                              f"指标{quote(ind.name)}得分 {plain(s)} 低于分值 {plain(w)}，而偏差原因分析及改进措施未填写。请说明扣分原因和改进措施")


@rule("S07", WARNING, "指标分值被移走")
def s07(ctx: Context) -> Iterator[Hit]:
    """S07 A named indicator (not a placeholder) with 分值 0 or blank on a form whose other
    indicators carry 分值: weight moved away from an indicator instead of deducting."""
    for form in ctx.scored_forms:
        rows = form.rows
        weighted = sum(1 for _, ind in rows if num(ind.weight))
        if not weighted:
            continue
        for j, ind in rows:
            w = ind.weight
            if blank(ind.name) or not (blank(w) or num(w) == 0):
                continue
            yield ctx.hit(form.path(f"indicators[{j}].weight"),
                          f"指标{quote(ind.name)}的分值为{'空' if blank(w) else ' 0'}，而本表其他指标都有分值：未完成的指标"
                          f"应保留分值并扣分，不能把分值移给其他指标。请恢复其分值，并按完成情况打分")
