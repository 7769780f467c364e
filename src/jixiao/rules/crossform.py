"""X — across forms: 附件1's 专项 rows against the projects, and 附件2 against 附件1."""

from __future__ import annotations

import re
from typing import Iterator

from ..model.derive import xsum
from .catalog import ERROR, WARNING, Hit, rule
from .common import blank, close, money, num, quote
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
        if not rows:
            yield ctx.hit(f"projects[{i}].name", f"项目{quote(doc.projects[i].name)}在附件1的市级专项资金中没有对应的行")
    for r, row in enumerate(doc.basic_data.project_spending.special_funds):
        if r not in row_to_project:
            yield ctx.hit(f"basic_data.project_spending.special_funds[{r}].name",
                          f"附件1专项{quote(row.name)}没有对应的项目支出绩效自评表")


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
                              f"项目{label} {money(value)} 与附件1对应专项（{names}）的{row_label}合计 {money(total)} 不符",
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
                      f"附件2按支出性质分的项目支出 {money(a2)} 与附件1项目支出本年决算数 {money(a1)} 不符", money(a1))


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
                      f"各项目全年执行数合计 {money(total)} 与附件1项目支出本年决算数 {money(a1)} 不符", money(total))


_YEAR = re.compile(r"^\s*(\d{4})年")


@rule("X05", WARNING, "主管部门或年度不一致")
def x05(ctx: Context) -> Iterator[Hit]:
    """X05 A project's 主管部门 differs from the department's name; or two forms name different years."""
    doc = ctx.doc
    name = doc.department.name
    for i, p, _ in ctx.projects:
        if not blank(name) and not blank(p.authority) and p.authority.strip() != name.strip():
            yield ctx.hit(f"projects[{i}].authority", f"主管部门{quote(p.authority)}与部门名称{quote(name)}不一致", name)
        m = _YEAR.match(p.report.budget or "") if p.report else None
        if m and int(m.group(1)) != doc.year:
            yield ctx.hit(f"projects[{i}].report.budget", f"自评报告写的是 {m.group(1)} 年，而表格年度为 {doc.year} 年", str(doc.year))
