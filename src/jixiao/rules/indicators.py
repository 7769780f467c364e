"""I — indicators: targets (年度指标值) against results (实际完成值), and what a target must be."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ..model.document import is_placeholder
from ..model.indicator_values import GE, GT, LE, LT, Comparison, dates_in, read_value
from ..model.numbers import plain
from .catalog import INFO, WARNING, Hit, rule
from .common import amount, blank, half_up, num, quote, score
from .context import Context


def _full(ind) -> bool:
    score = ind.score  # numbers are Decimal or not numbers at all: tested by class, inline (every row)
    return score.__class__ is Decimal and ind.weight.__class__ is Decimal and score == ind.weight


def is_satisfaction(ind) -> bool:
    """A 满意度 indicator: under 服务对象满意度指标, or a 三级指标 that names 满意."""
    return ind.level2 == "服务对象满意度指标" or "满意" in (ind.name or "")


_DEDUCT = "请按实际完成情况扣分，并在偏差原因分析及改进措施栏说明原因"


@rule("I01", WARNING, "未完成目标却得满分")
def i01(ctx: Context) -> Iterator[Hit]:
    """I01 The target is not met, yet 得分 = 分值."""
    for at, j, ind, c in ctx.comparisons:
        if c.met is False and _full(ind):
            yield ctx.hit(f"{at}[{j}].score",
                          f"指标{quote(ind.name)}实际完成值{quote(ind.actual)}未达到年度指标值{quote(ind.target)}，"
                          f"却得满分 {plain(ind.score)}。{_DEDUCT}")


@rule("I02", INFO, "完成目标却被扣分")
def i02(ctx: Context) -> Iterator[Hit]:
    """I02 The target is met, yet 得分 < 分值."""
    for at, j, ind, c in ctx.comparisons:
        s, w = num(ind.score), num(ind.weight)
        if c.met is True and s is not None and w is not None and s < w:
            yield ctx.hit(f"{at}[{j}].score",
                          f"指标{quote(ind.name)}实际完成值{quote(ind.actual)}已达到年度指标值{quote(ind.target)}，"
                          f"得分 {plain(s)} 却低于分值 {plain(w)}。如无其他扣分理由，建议得分 {plain(w)}")


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
    (≤ targets), to two decimals, only when that is lower than the stated 得分."""
    for at, j, ind, c in ctx.comparisons:
        w, s = num(ind.weight), num(ind.score)
        if c.met is not False or w is None or w == 0 or s is None:
            continue
        suggested = suggested_score(c, w, ctx.scheme.scoring)
        if suggested is not None and suggested < half_up(s, 2):
            yield ctx.hit(f"{at}[{j}].score",
                          f"指标{quote(ind.name)}未达到年度指标值（目标{quote(ind.target)}，实际{quote(ind.actual)}），"
                          f"现得分 {plain(s)}。按完成比例，建议得分 {score(suggested)}")


@rule("I04", WARNING, "目标与实际的单位不可比")
def i04(ctx: Context) -> Iterator[Hit]:
    """I04 Target and result are both numbers but in units that cannot be compared (个 vs 万元).
    A % target against a bare number is read as % (提示), and so is a result that states a
    direction the target lacks ("≥2%" against "能耗下降13%": 提示, not read as met)."""
    for at, j, ind, c in ctx.comparisons:
        if c.units_clash:
            t, a = c.units_clash
            yield ctx.hit(f"{at}[{j}].actual",
                          f"指标{quote(ind.name)}的年度指标值以“{t or '无单位'}”计，实际完成值以“{a or '无单位'}”计，"
                          f"二者无法比较。请统一计量单位")
        elif c.read_as_percent:
            yield ctx.hit(f"{at}[{j}].actual",
                          f"指标{quote(ind.name)}：年度指标值{quote(ind.target)}与实际完成值{quote(ind.actual)}只有一个带百分号，"
                          f"已按百分数比较。建议补上单位", severity=INFO)
        elif c.direction_missing:
            yield ctx.hit(f"{at}[{j}].target",
                          f"年度指标值未注明方向（下降/提升）：指标{quote(ind.name)}的实际完成值{quote(ind.actual)}注明了方向，"
                          f"年度指标值{quote(ind.target)}没有，无法判断是否完成。建议在年度指标值中写明方向", severity=INFO)


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
                yield ctx.hit(form.path(f"indicators[{j}].name"),
                              f"三级指标{quote(ind.name)}在本表中出现了不止一次。请合并为一行，或改用能区分的名称")


@rule("I06", INFO, "目标可能定得偏低")
def i06(ctx: Context) -> Iterator[Hit]:
    """I06 A ≥ target is exceeded by 20% or more (实际 ≥ 1.2 × 目标) with full score."""
    factor = ctx.settings.exceed_factor
    for at, j, ind, c in ctx.comparisons:
        if (c.met and c.op in (GE, GT) and c.target is not None and c.target > 0
                and c.actual >= factor * c.target and _full(ind)):
            yield ctx.hit(f"{at}[{j}].target",
                          f"指标{quote(ind.name)}实际完成{quote(ind.actual)}，达到年度指标值{quote(ind.target)}的 "
                          f"{plain(factor)} 倍以上。建议下一年度参考实际完成情况提高目标")


_NO_NUMBER = re.compile(r"^[^0-9０-９零〇一二两三四五六七八九十百千万]*$")


@rule("I07", WARNING, "实际完成值不是实测数")
def i07(ctx: Context) -> Iterator[Hit]:
    """I07 实际完成值 is not a measurement while the 年度指标值 is quantitative: it is itself a
    comparison ("≥90%", "大于100人", "超过90%") or a word with no value ("均满意", "全年"). A
    满意度 result without a rate is I08's."""
    for at, j, ind, c in ctx.comparisons:
        if c.met is not None or blank(ind.actual) or not num(ind.weight):
            continue  # a row without 分值 is S07's
        target, actual = read_value(ind.target), read_value(ind.actual)
        if not target.quantitative:
            continue
        if actual.bound:
            yield ctx.hit(f"{at}[{j}].actual",
                          f"指标{quote(ind.name)}的实际完成值{quote(ind.actual)}只说了达到某个界限，不是实际达到的数值，"
                          f"无法判断是否完成年度指标值{quote(ind.target)}。实际完成值应填写实际达到的数值")
        elif actual.kind in ("qualitative", "direction") and _NO_NUMBER.match(ind.actual) and not _no_rate(ind, actual):
            yield ctx.hit(f"{at}[{j}].actual",
                          f"指标{quote(ind.name)}的年度指标值{quote(ind.target)}是定量的，实际完成值{quote(ind.actual)}"
                          f"却没有数值。实际完成值应填写实际达到的数值")


def _no_rate(ind, actual) -> bool:
    """I08's case: a 满意度 indicator whose result holds no rate."""
    return is_satisfaction(ind) and not (actual.kind == "number" and actual.unit in ("%", None))


@rule("I08", WARNING, "满意度没有给出比率")
def i08(ctx: Context) -> Iterator[Hit]:
    """I08 A 满意度 indicator (二级 服务对象满意度指标, or a 三级 naming 满意) whose 实际完成值 holds no
    rate: a ranking, a count, "均满意"."""
    for form in ctx.scored_forms:
        for j, ind in form.rows:
            if blank(ind.actual) or not is_satisfaction(ind):
                continue
            if _no_rate(ind, read_value(ind.actual)):
                yield ctx.hit(form.path(f"indicators[{j}].actual"),
                              f"满意度指标{quote(ind.name)}的实际完成值{quote(ind.actual)}没有给出满意度比率。"
                              f"请填写满意度调查得出的百分比（如“95%”），并保留调查材料备查")


_MONEY_UNITS = ("万元", "万元/个")


def _is_money(text: object) -> bool:
    r = read_value(text)
    units = [item.unit for item in r.items] if r.kind == "list" else [r.unit]
    return r.quantitative and all(u in _MONEY_UNITS for u in units)


@rule("I09", WARNING, "缺少以金额计的成本指标")
def i09(ctx: Context) -> Iterator[Hit]:
    """I09 No cost indicator where the scheme has a cost category (national-2020 产出指标/成本指标;
    hunan-2024 成本指标/经济成本指标), or its only rows are placeholders ("无", "/"), or a 经济成本
    target is not an amount of money ("=100%", "≥95%", "及时支付", "指标支付进度")."""
    pair = ctx.scheme.cost_indicator
    if pair is None:
        return
    level1, level2 = pair
    for form in ctx.scored_forms:
        rows = [(j, ind) for j, ind in enumerate(form.form.indicators) if ind.level1 == level1 and ind.level2 == level2]
        real = [(j, ind) for j, ind in rows if not is_placeholder(ind)]
        if not real:
            at = form.path(f"indicators[{rows[0][0]}].name") if rows else form.path("indicators")
            what = "只有空行" if rows else "没有指标"
            yield ctx.hit(at, f"本表的{level2}{what}。请至少设置一项以万元计的成本指标（如“≤{_budget_hint(form)}万元”）")
            continue
        for j, ind in real:
            if not blank(ind.target) and not _is_money(ind.target):
                yield ctx.hit(form.path(f"indicators[{j}].target"),
                              f"{level2}{quote(ind.name)}的年度指标值{quote(ind.target)}不是金额，衡量不了成本。"
                              f"请改为以万元计的成本上限（如“≤{_budget_hint(form)}万元”）")


def _budget_hint(form) -> str:
    full = num(form.total.full_year)
    return plain(half_up(full, 2)) if full is not None else "X"


@rule("I10", INFO, "成本上限高于预算")
def i10(ctx: Context) -> Iterator[Hit]:
    """I10 A cost ceiling ("≤50万元") above the project's 年初预算数 (and 全年预算数): the ceiling
    constrains nothing."""
    ceilings = set(ctx.scheme.ceiling_categories)
    for form in ctx.scored_forms:
        initial, full = num(form.total.initial), num(form.total.full_year)
        if initial is None and full is None:
            continue
        budgets = [b for b in (initial, full) if b is not None]
        for j, ind in form.rows:
            if not (ind.level1 in ceilings or ind.level2 in ceilings):
                continue
            r = read_value(ind.target)
            if r.kind != "number" or r.unit != "万元" or r.op not in (LE, LT, None):
                continue
            if all(r.value > b + ctx.tolerance for b in budgets):
                told = "和".join(f"{label} {amount(b)}" for label, b in (("年初预算数", initial), ("全年预算数", full)) if b is not None)
                yield ctx.hit(form.path(f"indicators[{j}].target"),
                              f"成本指标{quote(ind.name)}的上限 {amount(r.value)}高于本表{told}，约束不了支出。"
                              f"建议以预算数为上限")


# Work reported as done in a year: "2023年办理问题5592件", "2023年12月完成验收".
_WORK_DATED = re.compile(r"(\d{4})年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:共|累计|已|全年)?(办理|办结|完成|开展|举办|召开|组织|实施|支付|拨付|验收|启动)")


@rule("I11", WARNING, "日期不在评价年度内")
def i11(ctx: Context) -> Iterator[Hit]:
    """I11 A date or deadline in 年度指标值 or 实际完成值 after 31 December of the evaluation year
    ("2025年10月30日" on a 2024 form). 提示 when a 实际完成值 or 实际完成情况 reports work dated in
    an earlier year ("2023年办理…" on a 2024 form)."""
    year = ctx.doc.year
    for form in ctx.scored_forms:
        for j, ind in form.rows:
            for key, label in (("target", "年度指标值"), ("actual", "实际完成值")):
                late = [d for d in dates_in(getattr(ind, key)) if d.year > year]
                if late:
                    yield ctx.hit(form.path(f"indicators[{j}].{key}"),
                                  f"指标{quote(ind.name)}的{label}{quote(getattr(ind, key))}写的是{late[0].year}年"
                                  f"{late[0].month}月{late[0].day}日，晚于{year}年底，不在本评价年度内。"
                                  f"请改为本年度内可以考核的{label}")
            earlier = _earlier_work(ind.actual, year)
            if earlier:
                yield ctx.hit(form.path(f"indicators[{j}].actual"), _earlier_message(f"指标{quote(ind.name)}的实际完成值", earlier, year),
                              severity=INFO)
        earlier = _earlier_work(form.form.goals.actual, year)
        if earlier:
            yield ctx.hit(form.path("goals.actual"), _earlier_message("实际完成情况", earlier, year), severity=INFO)


def _earlier_work(text: object, year: int) -> str | None:
    if not isinstance(text, str) or "年" not in text:
        return None
    m = next((m for m in _WORK_DATED.finditer(text) if int(m.group(1)) < year), None)
    return m.group(0) if m else None


def _earlier_message(where: str, phrase: str, year: int) -> str:
    return (f"{where}写到{quote(phrase + '…')}，是 {year} 年以前的工作。建议只填写本年度的完成情况，"
            f"或注明以前年度的数字只作对比")
