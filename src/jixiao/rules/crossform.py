"""X — across forms: 附件1's 专项 rows against the projects, and 附件2 against 附件1."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model.derive import xsum
from .catalog import ERROR, INFO, WARNING, Hit, rule
from ..model.indicator_values import half_width, read_value
from .common import amount, blank, close, money, num, quote
from .context import Context




def match_special_funds(ctx: Context) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Projects ↔ 附件1 专项 rows: by ``project`` link (the project's id, or its 项目编码), then by
    exact name. Returns (project index → row indexes, row index → project index)."""
    doc = ctx.doc
    rows = doc.basic_data.project_spending.special_funds if doc.basic_data else []
    by_key = {}
    for i, p in enumerate(doc.projects):
        for key in (p.id, p.code):
            if key:
                by_key.setdefault(key, i)
    by_name = {}
    for i, p in enumerate(doc.projects):
        if p.name:
            by_name.setdefault(p.name.strip(), i)
    row_to_project: dict[int, int] = {}
    for r, row in enumerate(rows):
        target = by_key.get(row.project) if row.project else None
        if target is None and row.name:
            target = by_name.get(row.name.strip())
        if target is not None:
            row_to_project[r] = target
    project_rows: dict[int, list[int]] = {i: [] for i in range(len(doc.projects))}
    for r, i in row_to_project.items():
        project_rows[i].append(r)
    return project_rows, row_to_project


@rule("X01", WARNING, "项目与附件1专项未对应")
def x01(ctx: Context) -> Iterator[Hit]:
    """X01 A project has no 附件1 special-fund row, or a row has no project."""
    doc = ctx.doc
    if doc.basic_data is None or not doc.projects:
        return
    project_rows, row_to_project = match_special_funds(ctx)
    for i, rows in project_rows.items():
        if not rows and doc.projects[i].name:  # a project without a name is F01's: nothing to match
            yield ctx.hit(f"projects[{i}].name", f"项目{quote(doc.projects[i].name)}在附件1的市级专项资金中没有对应的行。请在附件1补列该专项，或核对项目名称")
    for r, row in enumerate(doc.basic_data.project_spending.special_funds):
        if r not in row_to_project:
            yield ctx.hit(f"basic_data.project_spending.special_funds[{r}].name",
                          f"附件1专项{quote(row.name)}没有对应的项目支出绩效自评表。请补填该项目的自评表，或核对专项名称")


@rule("X02", ERROR, "项目资金与附件1专项金额不符")
def x02(ctx: Context) -> Iterator[Hit]:
    """X02 For a matched project: its rows' 本年预算数 sum ≠ its 全年预算数, or their 本年决算数 sum ≠
    its 全年执行数."""
    doc = ctx.doc
    if doc.basic_data is None:
        return
    rows = doc.basic_data.project_spending.special_funds
    project_rows, _ = match_special_funds(ctx)
    for i, p, form in ctx.projects:
        mine = project_rows.get(i) or []
        if not mine:
            continue
        names = "、".join(rows[r].name or "?" for r in mine)
        for col, row_col, label, row_label in (("full_year", "budget", "全年预算数", "本年预算数"),
                                               ("executed", "final", "全年执行数", "本年决算数")):
            value = num(getattr(form.total, col))
            if value is None:
                continue
            total = xsum(*(getattr(rows[r], row_col) for r in mine))
            if not close(total, value, ctx.tolerance):
                yield ctx.hit(f"{form.total_path}.{col}",
                              f"项目{label} {amount(value)}与附件1对应专项（{names}）的{row_label}合计 {amount(total)}不符。请核对两处金额",
                              money(total))


def _a1_project_final(ctx: Context):
    slots = ctx.basic_slots
    return num(slots.shown("project_spending.total.final")) if slots is not None else None


@rule("X03", ERROR, "附件2项目支出与附件1不符")
def x03(ctx: Context) -> Iterator[Hit]:
    """X03 附件2 项目支出 ≠ 附件1 项目支出 本年决算数."""
    o = ctx.doc.overall
    a2, a1 = (num(o.by_nature.project) if o else None), _a1_project_final(ctx)
    if a2 is not None and a1 is not None and not close(a2, a1, ctx.tolerance):
        yield ctx.hit("overall.by_nature.project",
                      f"附件2按支出性质分的项目支出 {amount(a2)}与附件1项目支出本年决算数 {amount(a1)}不符。请核对两处金额", money(a1))


@rule("X04", ERROR, "各项目执行数合计与附件1不符")
def x04(ctx: Context) -> Iterator[Hit]:
    """X04 The projects' 全年执行数 add up to something other than 附件1 项目支出 本年决算数 (only when
    every 附件1 row is matched)."""
    doc = ctx.doc
    a1 = _a1_project_final(ctx)
    if a1 is None or not doc.projects:
        return
    rows = doc.basic_data.project_spending.special_funds
    _, row_to_project = match_special_funds(ctx)
    if not rows or len(row_to_project) != len(rows):
        return
    total = xsum(*(form.total.executed for _, _, form in ctx.projects))
    if not close(total, a1, ctx.tolerance):
        yield ctx.hit("basic_data.project_spending.total.final",
                      f"各项目全年执行数合计 {amount(total)}与附件1项目支出本年决算数 {amount(a1)}不符。请核对各项目的执行数和附件1", money(total))


_YEAR = re.compile(r"^\s*(\d{4})年")


def is_short_name(short: str, full: str) -> bool:
    """市工信局 for 株洲市工业和信息化局: the short name's characters appear in the full name in
    order, and it ends as the full name does (局, 委, 办 …)."""
    short, full = short.strip(), full.strip()
    if len(short) < 2 or short[-1] != full[-1] or len(short) >= len(full):
        return False
    at = 0
    for ch in short:
        at = full.find(ch, at)
        if at < 0:
            return False
        at += 1
    return True


@rule("X05", WARNING, "主管部门或年度不一致")
def x05(ctx: Context) -> Iterator[Hit]:
    """X05 A project's 主管部门 differs from the department's name (a short form of it is 提示);
    or two forms name different years."""
    doc = ctx.doc
    name = doc.department.name
    for i, p, _ in ctx.projects:
        if not blank(name) and not blank(p.authority) and p.authority.strip() != name.strip():
            if is_short_name(p.authority, name):
                yield ctx.hit(f"projects[{i}].authority", f"主管部门写的是简称{quote(p.authority)}。建议写全称{quote(name)}",
                              severity=INFO)
            else:
                yield ctx.hit(f"projects[{i}].authority",
                              f"主管部门{quote(p.authority)}与部门名称{quote(name)}不一致。请核对主管部门", name)
        m = _YEAR.match(p.report.budget or "") if p.report else None
        if m and int(m.group(1)) != doc.year:
            yield ctx.hit(f"projects[{i}].report.budget",
                          f"自评报告写的是 {m.group(1)} 年，而表格年度为 {doc.year} 年。请核对报告的年度", str(doc.year))


# Words that restate the department's scope or say "rate" two ways: dropped before two 三级指标
# names are compared ("工业技改投资增速" and "技改投资增长率" are one statistic).
_SCOPE = re.compile(r"^(?:全市|我市|本市|市级|全省|工业)+")
_SYNONYMS = (("增长率", "增速"), ("增幅", "增速"), ("增长速度", "增速"), ("增长", "增速"))
_PUNCT = re.compile(r"[\s“”‘’\"'、，,。．.（）()：:；;·\-—]")


def statistic_key(name: str) -> str:
    """A 三级指标 name as one statistic: no spaces, punctuation or scope words; one word for rate."""
    key = _PUNCT.sub("", half_width(name))
    for word, same in _SYNONYMS:
        key = key.replace(word, same)
    return _SCOPE.sub("", key)


def _forms_named(ctx: Context, prefixes: list[str]) -> str:
    from . import form_of

    return "、".join(quote(form_of(ctx.doc, pre)) if pre.startswith("projects[") else form_of(ctx.doc, pre) for pre in prefixes)


@rule("X06", WARNING, "同一统计指标目标不一")
def x06(ctx: Context) -> Iterator[Hit]:
    """X06 One department, two targets for one statistic: the same 三级指标 (after normalising
    spaces, punctuation and the target words) appears on two forms with different 年度指标值.
    Read as statistics: rates (%) outside the cost and satisfaction indicators."""
    from .indicators import is_satisfaction

    ceilings = set(ctx.scheme.ceiling_categories)
    groups: dict[str, list[tuple[str, int, object, tuple]]] = {}
    for form in ctx.scored_forms:
        for j, ind in form.rows:
            if not ind.name or is_satisfaction(ind) or ind.level1 in ceilings or ind.level2 in ceilings:
                continue
            r = read_value(ind.target)
            if r.kind != "number" or r.unit != "%":
                continue
            groups.setdefault(statistic_key(ind.name), []).append((form.prefix, j, ind, (r.value, r.unit)))
    for rows in groups.values():
        first = rows[0]
        other = [row for row in rows if row[3] != first[3] and row[0] != first[0]]
        if not other:
            continue
        pre, j, ind, _ = other[0]
        alike = [row[0] for row in rows if row[3] == other[0][3]]
        yield ctx.hit(f"{pre}.indicators[{j}].target",
                      f"同一统计指标，本部门给了两个目标：{_forms_named(ctx, alike)}中{quote(ind.name)}的年度指标值为"
                      f"{quote(ind.target)}，{_forms_named(ctx, [first[0]])}中{quote(first[2].name)}为{quote(first[2].target)}。"
                      f"请统一目标值")


@rule("X07", INFO, "多张表满意度相同")
def x07(ctx: Context) -> Iterator[Hit]:
    """X07 The same 满意度 result (e.g. "94.99%") appears on three or more forms of one
    department: say where the survey behind it is."""
    from .indicators import is_satisfaction

    seen: dict[tuple, list[tuple[str, int, object]]] = {}
    for form in ctx.scored_forms:
        for j, ind in form.rows:
            if not is_satisfaction(ind):
                continue
            r = read_value(ind.actual)
            if r.kind == "number" and r.unit == "%" and not r.bound and r.value < 100:
                rows = seen.setdefault((r.value, r.unit), [])
                if all(pre != form.prefix for pre, _, _ in rows):
                    rows.append((form.prefix, j, ind))
    for rows in seen.values():
        if len(rows) >= 3:
            pre, j, ind = rows[0]
            yield ctx.hit(f"{pre}.indicators[{j}].actual",
                          f"满意度{quote(ind.actual)}同时出现在 {len(rows)} 张表中（{_forms_named(ctx, [r[0] for r in rows])}）。"
                          f"建议注明这一满意度出自哪次调查，各表分别调查的请填写各自的结果")
