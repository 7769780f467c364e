"""I — indicators: targets (年度指标值) against results (实际完成值)."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from ..model.indicator_values import GE, GT, LE, LT, Comparison
from ..model.numbers import plain
from .catalog import INFO, WARNING, Hit, rule
from .common import half_up, num, quote, score
from .context import Context


def _full(ind) -> bool:
    score = ind.score  # numbers are Decimal or not numbers at all: tested by class, inline (every row)
    return score.__class__ is Decimal and ind.weight.__class__ is Decimal and score == ind.weight


@rule("I01", WARNING, "未完成目标却得满分")
def i01(ctx: Context) -> Iterator[Hit]:
    """I01 The target is not met, yet 得分 = 分值."""
    for at, j, ind, c in ctx.comparisons:
        if c.met is False and _full(ind):
            yield ctx.hit(f"{at}[{j}].score",
                          f"指标{quote(ind.name)}实际完成值{quote(ind.actual)}未达到年度指标值{quote(ind.target)}，却得满分 {plain(ind.score)}")


@rule("I02", INFO, "完成目标却被扣分")
def i02(ctx: Context) -> Iterator[Hit]:
    """I02 The target is met, yet 得分 < 分值."""
    for at, j, ind, c in ctx.comparisons:
        s, w = num(ind.score), num(ind.weight)
        if c.met is True and s is not None and w is not None and s < w:
            yield ctx.hit(f"{at}[{j}].score",
                          f"指标{quote(ind.name)}实际完成值{quote(ind.actual)}已达到年度指标值{quote(ind.target)}，得分 {plain(s)} 低于分值 {plain(w)}",
                          plain(w))


def suggested_score(c: Comparison, weight: Decimal, method: str) -> Decimal | None:
    """The score a quantitative shortfall suggests (proportional, or banded reverse for ceilings)."""
    t, a = c.target, c.actual
    if t is None or a is None:
        return None
    if c.op in (GE, GT) or (c.op == "=" and a < t):
        value = weight * a / t if t > 0 else None
    elif c.op in (LE, LT) or (c.op == "=" and a > t):
        if method == "banded-reverse":
            value = (1 - (a - t) / t) * weight if t > 0 else None
        else:
            value = weight * t / a if a > 0 else None
    else:
        value = None
    if value is None:
        return None
    return half_up(max(Decimal(0), min(weight, value)), 2)


@rule("I03", INFO, "建议得分")
def i03(ctx: Context) -> Iterator[Hit]:
    """I03 A quantitative target is not met: suggest 分值 × 实际 ÷ 目标 (≥ targets) or 分值 × 目标 ÷ 实际
    (≤ targets), to two decimals, when it differs from 得分."""
    for at, j, ind, c in ctx.comparisons:
        w, s = num(ind.weight), num(ind.score)
        if c.met is not False or w is None or w == 0:
            continue
        suggested = suggested_score(c, w, ctx.scheme.scoring)
        if suggested is not None and (s is None or half_up(s, 2) != suggested):
            yield ctx.hit(f"{at}[{j}].score",
                          f"指标{quote(ind.name)}未达到年度指标值（{ind.target} / 实际 {ind.actual}），按比例建议得分 {score(suggested)}",
                          score(suggested))


@rule("I04", WARNING, "目标与实际的单位不可比")
def i04(ctx: Context) -> Iterator[Hit]:
    """I04 Target and result are both numbers but in units that cannot be compared (个 vs 万元);
    a % target against a bare number is read as % and noted."""
    for at, j, ind, c in ctx.comparisons:
        if c.units_clash:
            t, a = c.units_clash
            yield ctx.hit(f"{at}[{j}].actual",
                          f"指标{quote(ind.name)}年度指标值单位为“{t or '无'}”，实际完成值单位为“{a or '无'}”，无法比较")
        elif c.read_as_percent:
            yield ctx.hit(f"{at}[{j}].actual",
                          f"指标{quote(ind.name)}：{quote(ind.target)}与{quote(ind.actual)}一个带%一个不带，已按百分数比较，请核对单位")


@rule("I05", WARNING, "三级指标重复")
def i05(ctx: Context) -> Iterator[Hit]:
    """I05 The same 三级指标 appears twice on one form."""
    for form in ctx.scored_forms:
        seen: set[str] = set()
        told: set[str] = set()  # named once, at its second row, however often it recurs
        for j, ind in form.rows:
            if not ind.name:
                continue
            name = ind.name.strip()
            if name not in seen:
                seen.add(name)
            elif name not in told:
                told.add(name)
                yield ctx.hit(form.path(f"indicators[{j}].name"), f"三级指标{quote(ind.name)}在本表中出现了两次")


@rule("I06", INFO, "目标可能定得偏低")
def i06(ctx: Context) -> Iterator[Hit]:
    """I06 A ≥ target is exceeded by 20% or more (实际 ≥ 1.2 × 目标) with full score."""
    factor = ctx.settings.exceed_factor
    beyond = plain((factor - 1) * 100)
    for at, j, ind, c in ctx.comparisons:
        if (c.met and c.op in (GE, GT) and c.target is not None and c.target > 0
                and c.actual >= factor * c.target and _full(ind)):
            yield ctx.hit(f"{at}[{j}].target",
                          f"指标{quote(ind.name)}实际完成 {ind.actual}，超出年度指标值 {ind.target} 的 {beyond}% 以上：目标是否定得偏低？")
