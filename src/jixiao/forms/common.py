"""Blocks shared by 附件2 and the project form: titles, footers, funds, goals, indicators, totals.

The blocks place cells; derived cells get their formulas from ``forms.formulas`` when the sheet
is finished.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..model.derive import Slots
from ..model.document import Goals, Indicator, get_path, is_placeholder
from ..model.numbers import plain
from ..model.schemes import Scheme
from .layout import (ADJUSTMENT_HINT, EXECUTION_HEADERS, FOOTER_FIELDS, FUND_COLUMNS, FUND_HEADERS, GOALS_LABEL, INDICATOR_HEADERS, LABELS,
                     fund_row_labels)
from .sheet import FormSheet, a1

# Column widths of the nine-column forms (附件2 and 项目): section | 一级 | 二级 | 三级 |
# 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施.
NINE_COLUMNS = [9, 12.5, 12.5, 24, 14, 14, 7, 8, 22]
LAST_COL = 8

YELLOW = "#FFEB9C"
RED = "#FFC7CE"



def title_text(year: int, suffix: str) -> tuple[str, str]:
    """A title that follows the 年度 on 基本信息: (formula, its value)."""
    return f'=jx_year&"{suffix}"', f"{year}{suffix}"


def footer_text(department) -> tuple[str, str]:
    """The 填表人 … 单位负责人签字 line under a form, following 基本信息: (formula, its value)."""
    pieces, value = [], ""
    for i, field in enumerate(FOOTER_FIELDS):
        label = ("    " if i else "") + field.label + "："
        name = field.name
        ref = f'IF(ISNUMBER({name}),TEXT({name},"yyyy-mm-dd"),{name})' if field.kind == "date" else name
        pieces.append(f'"{label}"&{ref}')
        value += label + (get_path(department, field.path.split(".", 1)[1]) or "")
    return "=" + "&".join(pieces), value


def header(fs: FormSheet, attachment: str, title: tuple[str, str], last_col: int) -> None:
    """附件N at the top left, then the title across the form."""
    fs.write(0, 0, attachment, fs.styles.plain(bold=True, size=12), c2=1)
    fs.formula(1, 0, title[0], title[1], fs.styles.title(), c2=last_col)
    fs.height(1, 30)


def footer(fs: FormSheet, row: int, department, last_col: int) -> None:
    formula, value = footer_text(department)
    fs.formula(row, 0, formula, value, fs.styles.plain(), c2=last_col)
    fs.height(row, 24)


# --- 项目资金 / 年度预算申请 -------------------------------------------------------------------


@dataclass(frozen=True)
class FundsPlacement:
    total_row: int  # the 年度资金总额 row
    next_row: int  # the first row after the 预算调整说明 block


def funds_block(fs: FormSheet, top: int, section_label: str, rows: list[tuple[str, object]],
                slots: Slots, execution, adjustment_note, total_derived: bool, path_of,
                extra_rows: int = 0) -> FundsPlacement:
    """The funds table, then the 预算调整说明 rows.

    ``rows`` lists (key, FundRow) top to bottom; key "total" is the 年度资金总额 row, whose
    cells are sums of the other rows when ``total_derived``. ``path_of(key, column)`` gives a
    cell's data path. 分值, 执行率 and 得分 belong to the total row only. The section label in
    column A also spans ``extra_rows`` rows below the block (附件2's breakdowns).
    """
    st = fs.styles
    fs.label(top, 1, "", c2=2)
    for i, head in enumerate((*FUND_HEADERS.values(), *EXECUTION_HEADERS.values())):
        fs.label(top, 3 + i, head)
    row_of = {key: top + 1 + i for i, (key, _) in enumerate(rows)}
    first_part = next((k for k, _ in rows if k != "total"), None)
    labels = fund_row_labels([k for k, _ in rows])
    for key, values in rows:
        r = row_of[key]
        fs.label(r, 1, labels[key], c2=2, align="left" if key != "total" else "center", indent=2 if key not in (first_part, "total") else 0)
        for j, col in enumerate(FUND_COLUMNS):
            c = 3 + j
            if key == "total" and total_derived:
                fs.derived(r, c, path_of(key, col), slots[f"funds.total.{col}"], "amount")
            else:
                fs.entry(r, c, getattr(values, col), "amount", path=path_of(key, col))
        if key != "total":
            for c in (6, 7, 8):
                fs.label(r, c, "")
    t = row_of["total"]
    fs.entry(t, 6, execution.weight, "score", path="execution.weight")
    fs.derived(t, 7, "execution.rate", slots["execution.rate"], "rate")
    fs.derived(t, 8, "execution.score", slots["execution.score"], "score")

    # 预算调整说明: 调整额 and 调整率 live, then the explanation staff type.
    r = top + 1 + len(rows)
    fs.label(r, 1, LABELS["adjustment_note"], c2=2, rows=2)
    fs.label(r, 3, "调整额（全年−年初）")
    fs.derived(r, 4, "adjustment.amount", slots["adjustment.amount"], "amount")
    fs.label(r, 5, "调整率")
    fs.derived(r, 6, "adjustment.rate", slots["adjustment.rate"], "rate", c2=7)
    fs.write(r, 8, ADJUSTMENT_HINT, st.plain(size=8, color="#7F7F7F"))
    fs.entry(r + 1, 3, adjustment_note, "text", path="adjustment_note", c2=8)
    fs.min_height(r + 1, 30)
    # the unit on a line of its own: a narrow column would otherwise break "（万元）" anywhere
    fs.label(top, 0, section_label.replace("（", "\n（", 1), rows=r + 2 - top + extra_rows)

    # Live flags with no macro: yellow where 全年 ≠ 年初, red when the total moved ≥ 10% unexplained.
    note = a1(r + 1, 3, True)
    rate_cell = a1(r, 6, True)
    fs.ws.conditional_format(t, 4, t, 4, {
        "type": "formula", "stop_if_true": True,
        "criteria": f'=AND(ISNUMBER({rate_cell}),ABS({rate_cell})>=0.1,LEN(TRIM({note}))=0)',
        "format": st.highlight(RED)})
    for key in row_of:
        rr = row_of[key]
        fs.ws.conditional_format(rr, 4, rr, 4, {
            "type": "formula",
            "criteria": f"=AND(ISNUMBER($D${rr + 1}),ISNUMBER($E${rr + 1}),ABS($E${rr + 1}-$D${rr + 1})>0.01)",
            "format": st.highlight(YELLOW)})
    return FundsPlacement(total_row=t, next_row=r + 2)


def goals_block(fs: FormSheet, top: int, goals: Goals) -> int:
    fs.label(top, 0, GOALS_LABEL, rows=2)
    fs.label(top, 1, LABELS["goals.target"], c2=4)
    fs.label(top, 5, LABELS["goals.actual"], c2=8)
    fs.entry(top + 1, 1, goals.target, "text", path="goals.target", c2=4)
    fs.entry(top + 1, 5, goals.actual, "text", path="goals.actual", c2=8)
    fs.min_height(top + 1, 48)  # room to write in a blank form; taller when the text needs it
    return top + 2


# --- 绩效指标 ---------------------------------------------------------------------------------


def plan_indicator_rows(indicators: list[Indicator], scheme: Scheme, blank: bool) -> list[Indicator]:
    """The rows of the table: the document's indicators in their order, with one row added for
    every 二级 category of the scheme that has none (blank in a template, "/" in a filled form)."""
    cats = scheme.categories()
    seen: set[tuple] = set()
    out: list[Indicator] = []

    def add_missing(upto: int) -> None:
        for cat in cats[:upto]:
            if cat not in seen:
                seen.add(cat)
                out.append(Indicator(level1=cat[0], level2=cat[1]) if blank else
                           Indicator(level1=cat[0], level2=cat[1], name="/", target="/", actual="/", weight="/", score="/"))

    for ind in indicators:
        key = (ind.level1, ind.level2)
        if key in cats:
            add_missing(cats.index(key))
            seen.add(key)
        if is_placeholder(ind) and not blank:
            ind = replace(ind, **{k: "/" for k in ("name", "target", "actual", "weight", "score")
                                   if getattr(ind, k) is None})
        out.append(ind)
    add_missing(len(cats))
    return out


def level1_label(scheme: Scheme, name: str | None) -> str:
    l1 = scheme.level1_named(name)
    return f"{name}（{plain(l1.weight)}分）" if l1 else (name or "")


def indicator_block(fs: FormSheet, top: int, indicators: list[Indicator], scheme: Scheme, blank: bool) -> tuple[int, int, int]:
    """The 绩效指标 table. Returns (first indicator row, last indicator row, next free row)."""
    rows = plan_indicator_rows(indicators, scheme, blank)
    for i, head in enumerate(INDICATOR_HEADERS):
        fs.label(top, 1 + i, head)
    first = top + 1
    last = top + len(rows)
    fs.label(top, 0, "绩效指标", rows=last - top + 1, vertical=False)
    for i, ind in enumerate(rows):
        r = first + i
        fs.entry(r, 3, ind.name, "text")
        fs.entry(r, 4, ind.target, "text", align="center")
        fs.entry(r, 5, ind.actual, "text", align="center")
        fs.entry(r, 6, ind.weight, "score")
        fs.entry(r, 7, ind.score, "score")
        fs.entry(r, 8, ind.deviation, "text")
    # 一级 and 二级 cells merge over their runs, as on the paper form.
    _merge_runs(fs, first, [(ind.level1,) for ind in rows], 1, lambda k: level1_label(scheme, k[0]))
    _merge_runs(fs, first, [(ind.level1, ind.level2) for ind in rows], 2, lambda k: k[1] or "")
    fs.place("indicators", first, 1, last, 8)
    for c in (6, 7):
        fs.ws.data_validation(first, c, last, c, {
            "validate": "decimal", "criteria": ">=", "value": 0, "ignore_blank": True,
            "error_title": "数值无效", "error_message": "分值和得分应为不小于 0 的数字（不要输入“%”）。"})
    return first, last, last + 1


def _merge_runs(fs: FormSheet, first: int, keys: list[tuple], col: int, text_of) -> None:
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            fs.entry(first + start, col, text_of(keys[start]) or None, "text", align="center",
                     rows=i - start)
            start = i


def total_block(fs: FormSheet, row: int, slots: Slots) -> None:
    """总分: the 分值 total (100 when the weights are right) and the score total."""
    fs.label(row, 0, LABELS["total_score"], c2=5)
    fs.derived(row, 6, "weight_total", slots["weight_total"], "score")
    fs.derived(row, 7, "total_score", slots["total_score"], "score")
    fs.label(row, 8, "")

