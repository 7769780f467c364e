"""N — the narrative (绩效自评报告) against the table: numbers written twice must agree."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from .catalog import ERROR, WARNING, Hit, rule
from .common import close, money, num
from .context import Context

_AMOUNT = r"(\d+(?:\.\d+)?)\s*万元"
# "2024年预算收入418.85万元，其中年初预算433.32万元（含……），实际支出418.85万元。"
_FULL_YEAR = re.compile(r"(?<!年初)预算(?:收入|资金|金额)?(?:为|共|合计)?" + _AMOUNT)
_INITIAL = re.compile(r"年初预算(?:为|数)?" + _AMOUNT)
_EXECUTED = re.compile(r"(?:实际)?支出(?:为|共|合计)?" + _AMOUNT)


def budget_paragraph_amounts(text: str) -> dict[str, Decimal]:
    """The amounts a 一、预算收支出情况 paragraph states: full_year, initial, executed."""
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
                wrong.append(f"{labels[key]}写为 {money(value)} 万元，表中为 {money(table)}")
        if wrong:
            yield ctx.hit(f"projects[{i}].report.budget", "自评报告“一、预算收支出情况”与表格不符：" + "；".join(wrong))


_SPENT_BEFORE = re.compile(r"支出\s*" + _AMOUNT + r"[，,。；;]?\s*(?:主要)?用于")


@rule("N02", WARNING, "资金用途明细超过支出")
def n02(ctx: Context) -> Iterator[Hit]:
    """N02 The amounts listed in "主要用于…" add up to more than the spending stated."""
    for i, p, form in ctx.projects:
        text = (p.report.spending or "") if p.report else ""
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
                          f"“主要用于”列出的金额合计 {money(total)} 万元，超过支出 {money(spent)} 万元")
