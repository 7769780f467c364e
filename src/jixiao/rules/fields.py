"""F — fields: required, numeric, indicator rows, scheme categories, formulas kept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields as dc_fields
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import chain
from operator import attrgetter

from ..forms.layout import FUND_HEADERS, PROJECT_HEAD_FIELDS
from ..model.document import PLACEHOLDER_MARKS, Indicator, get_path, is_placeholder, kind_of
from ..model.numbers import MAX_NUMBER, parse_rate, plain
from .catalog import ERROR, WARNING, Hit, rule
from .common import amount, blank, percent, quote, score
from .context import Context

RATE_FIELDS = {"rate", "area_rate", "investment_rate"}
FUND_LABELS = FUND_HEADERS
REQUIRED_PROJECT_HEAD = tuple(f for f in PROJECT_HEAD_FIELDS if f.required)
# The label a number field carries on the paper form, by its last step (a message names the
# field as staff see it: 得分栏, not a generic 数值栏).
NUMBER_LABELS = {
    **FUND_LABELS, "prior": "上年决算数", "budget": "本年预算数", "final": "本年决算数",
    "score": "得分", "weight": "分值", "total_score": "总分", "authorized": "编制数", "actual": "实际在职人数",
    "approved_area": "批复规模", "actual_area": "实际规模", "area_rate": "规模控制率",
    "budget_investment": "预算投资", "actual_investment": "实际投资", "investment_rate": "投资概算控制率",
    "general_budget": "一般公共预算", "government_fund": "政府性基金拨款", "special_account": "纳入专户管理的非税收入拨款",
    "other": "其他资金", "basic": "基本支出", "project": "项目支出",
}
_RATE_LABELS = {"execution.rate": "执行率", "staff.rate": "控制率"}


def number_label(path: str) -> str:
    """The printed label of the number field at ``path``: 得分, 全年执行数, 控制率 …"""
    for tail, label in _RATE_LABELS.items():
        if path.endswith(tail):
            return label
    return NUMBER_LABELS.get(path.rpartition(".")[2], "该栏")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


@lru_cache(maxsize=None)
def _layout(cls: type) -> tuple[tuple[str, str], ...]:
    """(field name, kind) of a block class, introspected once."""
    return tuple((f.name, kind_of(f)) for f in dc_fields(cls))


def text_in_numbers(obj, path: str) -> Iterator[tuple[str, str, str]]:
    """(path, field name, text) of every number field below ``obj`` that holds text; placeholder
    rows skipped. Paths are built only for the finds: this walk visits every number of every form."""
    for name, kind in _layout(type(obj)):
        value = getattr(obj, name)
        if kind == "num":
            if value.__class__ is str:
                yield f"{path}.{name}", name, value
        elif value is None:
            continue
        elif kind in ("nested", "optional"):
            if _may_hold_text(value):
                yield from text_in_numbers(value, f"{path}.{name}")
        elif kind == "items":
            for i, item in enumerate(value):
                if _may_hold_text(item) and not (isinstance(item, Indicator) and is_placeholder(item)):
                    yield from text_in_numbers(item, f"{path}.{name}[{i}]")


@lru_cache(maxsize=None)
def _number_getters(cls: type) -> tuple:
    """For a block class: one getter for all its number fields through always-present nested
    blocks ("funds.current.initial" …, fetched in one C call), and getters for its optional
    blocks and its lists."""
    nums, optionals, lists = [], [], []

    def walk(c: type, prefix: str) -> None:
        for f in dc_fields(c):
            kind, path = kind_of(f), prefix + f.name
            if kind == "num":
                nums.append(path)
            elif kind == "nested":
                walk(f.metadata["cls"], path + ".")
            elif kind == "optional":
                optionals.append(attrgetter(path))
            elif kind == "items":
                lists.append(attrgetter(path))

    walk(cls, "")
    together = attrgetter(*nums) if len(nums) > 1 else (lambda o, g=attrgetter(nums[0]): (g(o),)) if nums else None
    return together, optionals, lists


def _may_hold_text(obj) -> bool:
    """Whether a block has any text in a number field, at any depth (no paths built)."""
    together, optionals, lists = _number_getters(type(obj))
    if together is not None and str in map(type, together(obj)):
        return True
    for get in optionals:
        block = get(obj)
        if block is not None and _may_hold_text(block):
            return True
    for get in lists:
        items = get(obj)
        if not items:
            continue
        item_numbers, item_optionals, item_lists = _number_getters(type(items[0]))
        if item_numbers is not None and not item_optionals and not item_lists:
            # flat rows (indicators): every number of every row in one C-level pass
            if str in map(type, chain.from_iterable(map(item_numbers, items))):
                return True
        elif any(_may_hold_text(item) for item in items):
            return True
    return False


def _suggestion(text: str, name: str, weight: object) -> str | None:
    """What the text probably means: 得分 "100%" of 分值 10 is 10; "1802.96 万元" is 1802.96."""
    numbers = _NUMBER.findall(text)
    if len(numbers) != 1:
        return None
    if name == "score" and isinstance(weight, Decimal) and parse_rate(text) is not None:
        return plain(weight * parse_rate(text))
    return plain(Decimal(numbers[0]))


@rule("F01", ERROR, "必填项为空")
def f01(ctx: Context) -> Iterator[Hit]:
    """F01 A required field is blank: 部门名称, 项目支出名称, 主管部门, 实施单位, 预期目标, 实际完成情况,
    and 年度资金总额 全年预算数/全年执行数 (stated or derivable from its parts)."""
    doc = ctx.doc
    if doc.overall is not None and blank(doc.department.name):
        yield ctx.hit("department.name", "部门（单位）名称未填写。请填写")
    for form in ctx.scored_forms:
        f = form.form
        if form.prefix.startswith("projects["):
            for field in REQUIRED_PROJECT_HEAD:
                if blank(getattr(f, field.path)):
                    yield ctx.hit(form.path(field.path), f"{field.label}未填写。请填写")
        for key, label in (("target", "预期目标"), ("actual", "实际完成情况")):
            if blank(getattr(f.goals, key)):
                yield ctx.hit(form.path(f"goals.{key}"), f"年度总体目标的{label}未填写。请填写")
        for col in ("full_year", "executed"):
            if form.prefix == "overall":
                missing = getattr(f.funds, col) is None
            else:
                parts = (getattr(getattr(f.funds, k), col) for k in ("current", "carryover", "other", "total"))
                missing = all(v is None for v in parts)
            if missing:
                yield ctx.hit(f"{form.total_path}.{col}", f"年度资金总额的{FUND_LABELS[col]}未填写。请填写")


@rule("F02", ERROR, "数值栏填了文字")
def f02(ctx: Context) -> Iterator[Hit]:
    """F02 A numeric field holds text that is not a number (得分 "100%", 分值 "/"); a rate may be
    written "93.75%". The message quotes the text and suggests the number it holds."""
    doc = ctx.doc
    for top in ("basic_data", "overall"):
        if getattr(doc, top) is not None:
            yield from _f02_in(ctx, getattr(doc, top), top)
    for i, p in enumerate(doc.projects):
        yield from _f02_in(ctx, p, f"projects[{i}]")


def _f02_in(ctx: Context, block, prefix: str) -> Iterator[Hit]:
    if not _may_hold_text(block):
        return  # the common case, told in a few C-level passes over the whole form
    for path, name, value in text_in_numbers(block, prefix):
        if name in RATE_FIELDS and parse_rate(value) is not None:
            continue
        if _too_large(value):  # a number, but past any amount: kept as text when read (1E+308)
            shown = value if len(value) <= 20 else value[:20] + "…"
            yield ctx.hit(path, f"{number_label(path)}栏的数字 {shown} 超出任何金额、数量或分值可能的范围。请改正")
            continue
        # A 得分 (of an indicator or of execution) sits beside its 分值.
        weight = get_path(ctx.doc, path.rpartition(".")[0]).weight if name == "score" else None
        suggestion = _suggestion(value, name, weight)
        hint = f"请改为数字 {suggestion}" if suggestion is not None else "请改为数字"
        yield ctx.hit(path, f"{number_label(path)}栏填写了文字{quote(value)}，这里只能填数字。{hint}", suggestion)


def _too_large(text: str) -> bool:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return False
    return number.is_finite() and abs(number) >= MAX_NUMBER


def _is_mark(value: object) -> bool:
    return isinstance(value, str) and value.strip() in PLACEHOLDER_MARKS


@rule("F03", ERROR, "有分值的指标缺少内容")
def f03(ctx: Context) -> Iterator[Hit]:
    """F03 An indicator with 分值 > 0 has a blank 三级指标, 年度指标值 or 实际完成值."""
    labels = {"name": "三级指标", "target": "年度指标值", "actual": "实际完成值"}
    for prefix, j, ind in ctx.indicator_rows:
        if isinstance(ind.weight, Decimal) and ind.weight > 0 and not _is_mark(ind.name):
            if not (blank(ind.name) or blank(ind.target) or blank(ind.actual)):
                continue  # all three there: the common case, no list built
            missing = [k for k in labels if blank(getattr(ind, k))]
            if missing:
                names = "、".join(labels[k] for k in missing)
                yield ctx.hit(f"{prefix}.indicators[{j}].{missing[0]}",
                              f"指标{quote(ind.name or '（未命名）')}分值为 {plain(ind.weight)}，但{names}未填写。请填写{names}")


@rule("F04", ERROR, "指标类别不在指标体系中")
def f04(ctx: Context) -> Iterator[Hit]:
    """F04 一级指标 is not in the scheme, or 二级指标 is not under that 一级 in the scheme."""
    scheme = ctx.scheme
    for prefix, j, ind in ctx.indicator_rows:
        l1 = scheme.level1_named(ind.level1)
        if l1 is None:
            known = "、".join(x.name for x in scheme.level1)
            yield ctx.hit(f"{prefix}.indicators[{j}].level1",
                          f"一级指标{quote(ind.level1 or '')}不在指标体系 {scheme.id} 中。请改为 {known} 之一")
        elif ind.level2 not in l1.level2:
            yield ctx.hit(f"{prefix}.indicators[{j}].level2",
                          f"二级指标{quote(ind.level2 or '')}不属于一级指标{quote(l1.name)}。请改为 {'、'.join(l1.level2)} 之一")


@rule("F05", WARNING, "空行带有分值或得分")
def f05(ctx: Context) -> Iterator[Hit]:
    """F05 A placeholder row (三级 "/", "无", "……" or blank) carries a 分值 or 得分."""
    for prefix, j, ind in ctx.indicator_rows:
        if not (blank(ind.name) or _is_mark(ind.name)):
            continue
        if blank(ind.name) and isinstance(ind.weight, Decimal) and ind.weight > 0:
            continue  # F03: an indicator that lost its name
        carried = [(k, v) for k, v in (("weight", ind.weight), ("score", ind.score)) if not blank(v) and not _is_mark(v)]
        if carried:
            key, value = carried[0]
            label = "分值" if key == "weight" else "得分"
            yield ctx.hit(f"{prefix}.indicators[{j}].{key}",
                          f"{ind.level2 or ''}的空行（三级指标为{quote(ind.name or '')}）填有{label} {value}。请删去，或补全这一指标")


# What a derived cell's formula computes, in words (a message never shows an Excel formula).
FORMULA_WORDS = {
    "total_score": ("各指标得分之和加执行得分", "score"), "execution.score": ("分值乘执行率，执行率超过 100% 按 100% 计", "score"),
    "execution.rate": ("全年执行数除以全年预算数", "rate"), "weight_total": ("各分值之和", "score"),
    "adjustment.amount": ("全年预算数减年初预算数", "amount"), "adjustment.rate": ("调整额除以年初预算数", "rate"),
    "funds.total": ("当年财政拨款、上年结转资金、其他资金之和", "amount"), "staff.rate": ("实际在职人数除以编制数", "rate"),
    "three_public.car": ("公车购置与公车运行维护之和", "amount"),
    "three_public.total": ("公务用车购置和维护经费、出国经费、公务接待之和", "amount"),
    "project_spending.special_total": ("各专项之和", "amount"),
    "project_spending.total": ("业务工作经费、运行维护经费、市级专项资金之和", "amount"),
    "area_rate": ("实际规模除以批复规模", "rate"), "investment_rate": ("实际投资除以预算投资", "rate"),
}
_COLUMN_STEP = re.compile(r"\.(initial|full_year|executed|prior|budget|final)$")


def _formula_words(key: str) -> tuple[str, str] | None:
    key = _COLUMN_STEP.sub("", key)
    return FORMULA_WORDS.get(key) or FORMULA_WORDS.get(key.rpartition(".")[2])


def _formula_value(ctx: Context, path: str) -> tuple[str, str] | None:
    """(the value the right formula yields with every derived cell restored, as shown in a
    message; its words), or None when its inputs cannot be read."""
    slots, key = ctx.computed_slot(path)
    words = _formula_words(key) if key else None
    if slots is None or words is None or key not in slots:
        return None
    value = slots[key].formula
    if not isinstance(value, Decimal):
        return None
    text = {"score": lambda v: score(v), "rate": percent, "amount": amount}[words[1]](value)
    return text, words[0]


def _same_number(value: object, expected: str | None) -> bool:
    """A typed number equal to what the formula yields ("95.2" typed over a 总分 of 95.2)."""
    return isinstance(value, Decimal) and expected is not None and _NUMBER.fullmatch(expected) is not None \
        and Decimal(expected) == value


@rule("F06", WARNING, "公式被改写")
def f06(ctx: Context) -> Iterator[Hit]:
    """F06 A derived cell of a workbook does not hold its formula: a value was typed over it, or
    the formula was altered. The cell is checked on the value it shows (workbooks only); the
    message gives the value the right formula yields, in words, never the formula."""
    for state in ctx.formula_states:
        found = _formula_value(ctx, state.path)
        right = f"按公式应为 {found[0]}（{found[1]}）" if found else "请恢复公式"
        expected = found[0].removesuffix(" 万元") if found else None
        if found and found[0] == amount(Decimal(0)) and isinstance(state.value, Decimal) and state.value != 0:
            # a total typed over a sum of blanks: the formula would wipe out a true amount
            yield ctx.hit(state.path, f"这里应由公式（{found[1]}）计算，现为手填的 {amount(state.value)}，而各分项都未填写，"
                                      f"恢复公式会得 0。请先按明细填写各分项，再恢复公式")
            continue
        if state.formula is None and _same_number(state.value, expected):
            yield ctx.hit(state.path, f"这里应由公式（{found[1]}）计算，现为手填的 {state.value}，与公式结果相同，"
                                      f"但其他栏改动后不会随之更新。请用“重算”按钮或 jixiao recompute 恢复公式", expected)
        elif state.formula is None:
            shown = "空白" if blank(state.value) else f"手填的 {state.value}"
            yield ctx.hit(state.path, f"这里应由公式计算，现为{shown}（本次按显示的值校验）。{right}。"
                                      f"请用“重算”按钮或 jixiao recompute 恢复公式", expected)
        else:
            yield ctx.hit(state.path, f"这里的公式被改动过（本次按显示的值校验）。{right}。"
                                      f"请用“重算”按钮或 jixiao recompute 恢复公式", expected)
