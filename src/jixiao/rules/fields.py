"""F — fields: required, numeric, indicator rows, scheme categories, formulas kept."""

from __future__ import annotations

import re
from dataclasses import fields as dc_fields
from decimal import Decimal
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from typing import Iterator

from ..model.document import PLACEHOLDER_MARKS, Indicator, get_path, is_placeholder, kind_of
from ..model.numbers import parse_rate, plain
from .catalog import ERROR, WARNING, Hit, rule
from .common import blank, quote
from .context import Context

RATE_FIELDS = {"rate", "area_rate", "investment_rate"}
FUND_LABELS = {"initial": "年初预算数", "full_year": "全年预算数", "executed": "全年执行数"}
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
        yield ctx.hit("department.name", "部门（单位）名称未填写")
    for form in ctx.scored_forms:
        f = form.form
        if form.prefix.startswith("projects["):
            for key, label in (("name", "项目支出名称"), ("authority", "主管部门"), ("implementer", "实施单位")):
                if blank(getattr(f, key)):
                    yield ctx.hit(form.path(key), f"{label}未填写")
        for key, label in (("target", "预期目标"), ("actual", "实际完成情况")):
            if blank(getattr(f.goals, key)):
                yield ctx.hit(form.path(f"goals.{key}"), f"年度总体目标的{label}未填写")
        for col in ("full_year", "executed"):
            if form.prefix == "overall":
                missing = getattr(f.funds, col) is None
            else:
                parts = (getattr(getattr(f.funds, k), col) for k in ("current", "carryover", "other", "total"))
                missing = all(v is None for v in parts)
            if missing:
                yield ctx.hit(f"{form.total_path}.{col}", f"年度资金总额的{FUND_LABELS[col]}未填写")


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
        # A 得分 (of an indicator or of execution) sits beside its 分值.
        weight = get_path(ctx.doc, path.rpartition(".")[0]).weight if name == "score" else None
        suggestion = _suggestion(value, name, weight)
        hint = f"，应填数字 {suggestion}" if suggestion is not None else "，应填数字"
        yield ctx.hit(path, f"数值栏填写了文字{quote(value)}{hint}", suggestion)


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
                              f"指标{quote(ind.name or '（未命名）')}分值为 {plain(ind.weight)}，但{names}未填写")


@rule("F04", ERROR, "指标类别不在指标体系中")
def f04(ctx: Context) -> Iterator[Hit]:
    """F04 一级指标 is not in the scheme, or 二级指标 is not under that 一级 in the scheme."""
    scheme = ctx.scheme
    for prefix, j, ind in ctx.indicator_rows:
        l1 = scheme.level1_named(ind.level1)
        if l1 is None:
            known = "、".join(x.name for x in scheme.level1)
            yield ctx.hit(f"{prefix}.indicators[{j}].level1",
                          f"一级指标{quote(ind.level1 or '')}不在指标体系 {scheme.id} 中（应为 {known} 之一）")
        elif ind.level2 not in l1.level2:
            yield ctx.hit(f"{prefix}.indicators[{j}].level2",
                          f"二级指标{quote(ind.level2 or '')}不属于一级指标{quote(l1.name)}（应为 {'、'.join(l1.level2)} 之一）")


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
                          f"{ind.level2 or ''}的空行（三级指标为{quote(ind.name or '')}）填有{label} {value}")


@rule("F06", WARNING, "公式被改写")
def f06(ctx: Context) -> Iterator[Hit]:
    """F06 A derived cell of a workbook does not hold its formula: a value was typed over it, or
    the formula was altered. The cell is checked on the value it shows (workbooks only)."""
    for state in ctx.formula_states:
        if state.formula is None:
            shown = "空白" if blank(state.value) else f"手填值 {state.value}"
            yield ctx.hit(state.path, f"公式被改写：这里应为公式，现为{shown}（按显示的值校验）", state.expected)
        else:
            yield ctx.hit(state.path, f"公式被改动为 ={state.formula}（按显示的值校验）", state.expected)
