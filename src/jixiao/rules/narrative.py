"""N — the narrative (绩效自评报告) against the table: numbers written twice must agree."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from ..forms.layout import REPORT_LABELS
from ..model.indicator_values import half_width, quantities_in, read_value
from ..model.numbers import plain
from .catalog import ERROR, INFO, WARNING, Hit, rule
from .common import amount, blank, close, half_up, num, quote
from .context import Context

_AMOUNT = r"(\d+(?:\.\d+)?)\s*万元"
# "2024年预算收入418.85万元，其中年初预算433.32万元（含……），实际支出418.85万元。"
_FULL_YEAR = re.compile(r"(?<!年初)预算(?:收入|资金|金额)?(?:为|共|合计)?" + _AMOUNT)
_INITIAL = re.compile(r"年初预算(?:为|数)?" + _AMOUNT)
_EXECUTED = re.compile(r"(?:实际)?支出(?:为|共|合计)?" + _AMOUNT)


def _plain_text(text: str) -> str:
    """Full-width digits and signs made plain, every space gone: "预算收入 ６０ 万元" → "预算收入60万元"."""
    return re.sub(r"\s+", "", half_width(text))


def budget_paragraph_amounts(text: str) -> dict[str, Decimal]:
    """The amounts a 一、预算收支出情况 paragraph states: full_year, initial, executed."""
    text = _plain_text(text)
    found = {}
    for key, pattern in (("full_year", _FULL_YEAR), ("initial", _INITIAL), ("executed", _EXECUTED)):
        m = pattern.search(text)
        if m:
            found[key] = Decimal(m.group(1))
    return found


@rule("N01", ERROR, "自评报告的金额与表格不符")
def n01(ctx: Context) -> Iterator[Hit]:
    """N01 The 一、预算收支出情况 paragraph states amounts (预算/预算收入, 年初预算, 实际支出/支出) that differ
    from the project's 全年预算数, 年初预算数 and 全年执行数."""
    labels = {"full_year": "预算（全年预算数）", "initial": "年初预算", "executed": "实际支出"}
    for i, p, form in ctx.projects:
        if not p.report or not p.report.budget:
            continue
        stated = budget_paragraph_amounts(p.report.budget)
        wrong = []
        for key, value in stated.items():
            table = num(getattr(form.total, key))
            if table is not None and not close(value, table, ctx.tolerance):
                wrong.append(f"{labels[key]}写为 {amount(value)}，表中为 {amount(table)}")
        if wrong:
            yield ctx.hit(f"projects[{i}].report.budget", "自评报告“一、预算收支出情况”与表格不符：" + "；".join(wrong)
                          + "。请按表格改正自评报告中的金额，或核对表格")


_SPENT_BEFORE = re.compile(r"支出\s*" + _AMOUNT + r"[，,。；;]?\s*(?:主要)?用于")


@rule("N02", WARNING, "资金用途明细超过支出")
def n02(ctx: Context) -> Iterator[Hit]:
    """N02 The amounts listed in "主要用于…" add up to more than the spending stated."""
    for i, p, form in ctx.projects:
        text = _plain_text(p.report.spending or "") if p.report else ""
        at = text.find("用于")
        if at < 0:
            continue
        listed = [Decimal(x) for x in re.findall(_AMOUNT, text[at:])]
        if not listed:
            continue
        m = _SPENT_BEFORE.search(text)
        spent = Decimal(m.group(1)) if m else num(form.total.executed)
        total = sum(listed, Decimal(0))
        if spent is not None and total > spent + ctx.tolerance:
            yield ctx.hit(f"projects[{i}].report.spending",
                          f"“主要用于”列出的金额合计 {amount(total)}，超过支出 {amount(spent)}。请核对各项用途的金额")


_YEAR_PREFIX = re.compile(r"^(?:\d{4}年度?|我市|全市|本级|本|该|市级|市)+")
# "2024年县市区工信系统能力建设专项支出4.86万元": the fund or project the narrative spends on.
_SUBJECT = re.compile(r"([^，。；、：:,;（）()“”\s]{2,40}?)(专项|项目|经费)(资金)?$")  # on the text before a 支出
_SUBJECT_REACH = 46


_KIND_SUFFIX = re.compile(r"(?:专项|经费|资金|项目|工作)+$")


def _core(name: str) -> str:
    """A fund's or project's name without its year, scope and kind: "我市产业链专项" → "产业链"."""
    return _KIND_SUFFIX.sub("", _YEAR_PREFIX.sub("", re.sub(r"[\s“”‘’\"]", "", name)))


@rule("N03", WARNING, "自评报告写的是别的项目")
def n03(ctx: Context) -> Iterator[Hit]:
    """N03 The narrative names another project or fund as its subject: a phrase "{年}年?＜名称＞
    (专项|项目|经费)(资金)?支出" in 一、 or 二、 whose name is neither this project's name nor the name
    of its 附件1 专项 row, nor a part of them."""
    from .crossform import match_special_funds

    project_rows = None
    for i, p, _ in ctx.projects:
        if not p.report:
            continue
        for key in ("budget", "spending"):
            text = getattr(p.report, key) or ""
            if "支出" not in text:
                continue
            if project_rows is None:
                project_rows = match_special_funds(ctx)[0] if ctx.doc.basic_data is not None else {}
            rows = ctx.doc.basic_data.project_spending.special_funds if ctx.doc.basic_data is not None else []
            own = [_core(n) for n in [p.name, *(rows[r].name for r in project_rows.get(i, []))] if n]
            for spent in re.finditer("支出", text):
                m = _SUBJECT.search(text, max(0, spent.start() - _SUBJECT_REACH), spent.start())
                if m is None:
                    continue
                named = _core(m.group(1))
                if len(named) < 2 or any(named in o or o in named for o in own):
                    continue
                yield ctx.hit(f"projects[{i}].report.{key}",
                              f"自评报告{quote(REPORT_LABELS[key])}写的是{quote(m.group(1) + m.group(2) + (m.group(3) or ''))}的支出，"
                              f"而本表是项目{quote(p.name)}：报告可能抄自别的项目。请改为本项目的支出情况")
                break


_TARGET_WORDS = re.compile(r"[≥≤=><＞＜≧≦]|不低于|不少于|不超过|达到|\d+(?:\.\d+)?\S?(?:以上|以内)?|[（(].*?[)）]")
_TARGET_BEFORE = re.compile(r"[≥≤><]|大于|小于|不低于|不少于|不超过|目标|计划|预期")  # a target restated
_NEAR = 30  # a figure this many characters after the measure speaks of it


@rule("N04", WARNING, "自评报告中的数字与指标不符")
def n04(ctx: Context) -> Iterator[Hit]:
    """N04 A figure in the narrative contradicts an indicator: the narrative speaks of the
    indicator's measure (its 三级指标 name, without the target words and numbers) and gives a number
    with the same unit that differs from the 实际完成值 by more than rounding, while no number in
    that passage equals it."""
    for i, p, form in ctx.projects:
        if not p.report:
            continue
        text = "\n".join(getattr(p.report, k) or "" for k in ("budget", "spending", "performance"))
        if not text:
            continue
        text = half_width(text)
        for j, ind in form.rows:
            actual = read_value(ind.actual)
            if actual.kind != "number" or actual.unit is None or not ind.name:
                continue
            measure = _measure(ind.name)
            if len(measure) < 4 or measure not in text:
                continue
            for sentence, at in _passages(text, measure):
                found = [(pos, v) for pos, v, unit in quantities_in(sentence) if unit == actual.unit]
                if any(_same(v, actual.value) for _, v in found):
                    break  # the passage states the result somewhere: it agrees
                end = at + len(measure)
                figures = [v for pos, v in found if end <= pos <= end + _NEAR and not _TARGET_BEFORE.search(sentence[end:pos])]
                if figures:
                    yield ctx.hit(f"projects[{i}].report.performance",
                                  f"自评报告写{quote(measure)}为 {plain(figures[0])}{actual.unit}，而指标{quote(ind.name)}的实际完成值为"
                                  f"{quote(ind.actual)}。请核对，使报告与表格一致")
                    break


_STOPS = "。；;\n"


def _passages(text: str, measure: str):
    """(the sentence, the measure's place in it) for every sentence of ``text`` naming ``measure``."""
    at = text.find(measure)
    while at >= 0:
        start = max(text.rfind(stop, 0, at) for stop in _STOPS) + 1
        ends = [e for e in (text.find(stop, at) for stop in _STOPS) if e >= 0]
        end = min(ends) if ends else len(text)
        yield text[start:end], at - start
        at = text.find(measure, end)


@lru_cache(maxsize=8192)
def _measure(name: str) -> str:
    """What a 三级指标 measures: its name without the target words and numbers."""
    return _TARGET_WORDS.sub("", half_width(name)).strip()


def _same(a: Decimal, b: Decimal) -> bool:
    """Equal up to the rounding of the less precise of the two."""
    places = min(_places(a), _places(b))
    return half_up(a, places) == half_up(b, places)


def _places(d: Decimal) -> int:
    return max(0, -d.normalize().as_tuple().exponent)


@rule("N05", INFO, "自评报告缺少不足或下一步计划")
def n05(ctx: Context) -> Iterator[Hit]:
    """N05 The narrative has no 三、存在的不足 or no 四、下一步计划."""
    for i, p, _ in ctx.projects:
        r = p.report
        if r is None or all(blank(getattr(r, k)) for k in ("budget", "spending", "performance")):
            continue
        missing = [k for k in ("shortcomings", "next_steps") if blank(getattr(r, k))]
        if missing:
            names = "和".join(quote(REPORT_LABELS[k]) for k in missing)
            yield ctx.hit(f"projects[{i}].report.{missing[0]}", f"自评报告没有{names}部分。建议补写")
