"""Render the 自评报告 for a document: one section per project (and the department when 附件2 is
present), text and tables filled from the values the forms show."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from xml.sax.saxutils import escape
from pathlib import Path

from ..files import atomic_output
from ..forms.layout import PROJECT_HEAD_FIELDS, fund_row_labels
from ..model.derive import FUND_COLUMNS, derive_overall, derive_project, difference
from ..model.document import Document, Project, is_placeholder
from ..model.numbers import DASH, parse_rate
from ..model.schemes import load_scheme
from ..rules.common import half_up
from .template import INDICATOR_HEADERS, MERGED_INDICATOR_COLUMNS, build_report_template



# What Word's XML cannot carry (C0 controls) and what docxtpl would turn into structure after
# rendering (\a a new paragraph, \f a page break, "{_{" a Jinja tag) never reaches the template.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_BRACES = {"{": "&#123;", "}": "&#125;"}


def word_text(value: object) -> str:
    """Every value a template prints, as WordprocessingML text: escaped, so that "<5%" prints as
    "<5%" and no typed text becomes an element, a field or a tag; a line break stays a line break."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = escape(_CONTROLS.sub("", text))
    return re.sub(r"[{}]", lambda m: _BRACES[m.group(0)], text)


def amount(value: object) -> str:
    """418.85, 4.80, 8.00 — two decimals, as the forms print amounts."""
    if isinstance(value, Decimal):
        return f"{half_up(value, 2):.2f}"
    return "" if value in (None, DASH) else str(value)


def percent(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{half_up(value * 100, 2):.2f}%"
    return "" if value in (None, DASH) else str(value)


def score(value: object) -> str:
    return amount(value)


def budget_sentence(year: int, initial: object, full_year: object, executed: object, note: str | None) -> str:
    """一、预算收支出情况, from the numbers; and the adjustment with its reason when 年初 ≠ 全年."""
    text = f"{year}年预算{amount(full_year)}万元，其中年初预算{amount(initial)}万元，实际支出{amount(executed)}万元。"
    diff = difference(initial, full_year)
    if isinstance(diff, Decimal) and diff != 0:
        verb = "追加" if diff > 0 else "调减"
        rate = f"（调整率{percent(diff / initial)}）" if initial else ""
        reason = f"调整原因：{note.strip()}" if note and note.strip() else "调整原因未说明"
        text += f"年中{verb}预算{amount(abs(diff))}万元{rate}，{reason}。"
    return text


def _paragraphs(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


def project_context(doc: Document, p: Project) -> dict:
    scheme = load_scheme(doc.scheme)
    slots = derive_project(p)
    total = {c: slots.shown(f"funds.total.{c}") for c in FUND_COLUMNS}
    funds = []
    labels = fund_row_labels(scheme.fund_rows)
    for key in scheme.fund_rows:
        row = total if key == "total" else {c: getattr(getattr(p.funds, key), c) for c in FUND_COLUMNS}
        is_total = key == "total"
        funds.append({"label": labels[key], **{c: amount(row[c]) for c in FUND_COLUMNS},
                      "weight": score(p.execution.weight) if is_total else "",
                      "rate": percent(slots.shown("execution.rate")) if is_total else "",
                      "score": score(slots.shown("execution.score")) if is_total else ""})
    shown_total = slots.shown("total_score")
    report = p.report
    performance = _paragraphs(report.spending if report else None) + _paragraphs(report.performance if report else None)
    # The department's own 一、 paragraph when it wrote one (N01 reports where it disagrees with
    # the table); written from the numbers only where there is none.
    budget = _paragraphs(report.budget if report else None) or [
        budget_sentence(doc.year, total["initial"], total["full_year"], total["executed"], p.adjustment_note)]
    return {
        **{f.path: getattr(p, f.path) or "" for f in PROJECT_HEAD_FIELDS},
        "budget": budget,
        "performance": performance,
        "shortcomings": _paragraphs(report.shortcomings if report else None),
        "next_steps": _paragraphs(report.next_steps if report else None),
        "funds": funds,
        "goal_target": p.goals.target or "", "goal_actual": p.goals.actual or "",
        "indicators": [{"level1": i.level1 or "", "level2": i.level2 or "", "name": i.name or "",
                        "target": i.target or "", "actual": i.actual or "", "weight": score(i.weight),
                        "score": score(i.score), "deviation": i.deviation or ""}
                       for i in p.indicators if not is_placeholder(i)],
        "weight_total": score(slots.shown("weight_total")),
        "total_score": score(shown_total),
        "grade": scheme.grade(shown_total) if isinstance(shown_total, Decimal) else "",
    }


def report_context(doc: Document, forced: bool = False) -> dict:
    context = {"department": doc.department.name or "", "year": doc.year, "forced": forced, "overall": None,
               "projects": [project_context(doc, p) for p in doc.projects]}
    if doc.overall is not None:
        o = doc.overall
        slots = derive_overall(o)
        shown = slots.shown("total_score")
        context["overall"] = {
            "budget_sentence": budget_sentence(doc.year, o.funds.initial, o.funds.full_year, o.funds.executed,
                                               o.adjustment_note),
            "execution_sentence": execution_sentence(slots.shown("execution.rate"), o.funds.full_year,
                                                     o.funds.executed),
            "total_score": score(shown),
            "grade": load_scheme(doc.scheme).grade(shown) if isinstance(shown, Decimal) else "",
        }
    return context


def execution_sentence(rate: object, full_year: object, executed: object) -> str:
    """预算执行率 as the department's form shows it ("83.83%" typed, or the formula's), and what
    was left unspent below 100%."""
    if isinstance(rate, str):
        rate = parse_rate(rate)
    if not isinstance(rate, Decimal):
        return ""
    text = f"预算执行率{percent(rate)}"
    left = difference(executed, full_year)
    if rate < 1 and isinstance(left, Decimal) and left > 0:
        text += f"，有{amount(left)}万元未执行"
    return text + "。"


def render_report(doc: Document, output: str | Path, forced: bool = False, template: str | Path | None = None) -> Path:
    """Write the report for ``doc`` to ``output`` (.docx), atomically. ``template``: a Word file with
    the same Jinja2 tags (default: the built-in one, workbook_templates/自评报告模板.docx)."""
    from docxtpl import DocxTemplate

    from jinja2 import Environment, TemplateError

    from ..errors import JixiaoError

    if template is not None:
        from ..workbook.safety import WORD_DOCUMENT, open_package

        if not Path(template).is_file():
            raise JixiaoError(f"找不到报告模板：{template}")
        open_package(template, WORD_DOCUMENT).close()  # not a Word file, damaged, encrypted: said plainly
    source = template
    template = DocxTemplate(str(template) if template else io.BytesIO(build_report_template()))
    try:
        template.render(report_context(doc, forced), jinja_env=Environment(autoescape=False, finalize=word_text))
    except TemplateError as e:
        raise JixiaoError(f"报告模板中的标记有误：{_template_problem(e)}：{source}") from None
    merge_indicator_groups(template.docx)
    # Made in memory, then written: a write that fails (a full disk) fails in one place, not
    # inside python-docx's zip writer, which would be left open to complain when collected.
    buffer = io.BytesIO()
    template.save(buffer)
    with atomic_output(output) as tmp:
        tmp.write_bytes(buffer.getvalue())
    return Path(output)


# What Jinja2 says of a template (its English), as the person editing the Word file needs it
_TEMPLATE_PROBLEMS = (
    (re.compile(r"No filter named '([^']*)'"), "用了不存在的过滤器“{0}”"),
    (re.compile(r"No test named '([^']*)'"), "用了不存在的判断“{0}”"),
    (re.compile(r"'([^']*)' is undefined"), "用了报告中没有的字段“{0}”"),
    (re.compile(r"has no attribute '([^']*)'"), "用了报告中没有的字段“{0}”"),
    (re.compile(r"Unexpected end of template|unexpected end of template"), "有未闭合的 {{% if %}} 或 {{% for %}}"),
    (re.compile(r"Encountered unknown tag '([^']*)'"), "有不认识的标记“{{% {0} %}}”"),
)


def _template_problem(error: Exception) -> str:
    message = str(error)
    for pattern, words in _TEMPLATE_PROBLEMS:
        found = pattern.search(message)
        if found:
            return words.format(*found.groups())
    return "有写错或未闭合的 {{ … }} 或 {% … %}（请对照内置模板 workbook_templates/自评报告模板.docx）"


def merge_indicator_groups(document) -> None:
    """In every indicator table (its first row INDICATOR_HEADERS), join the 一级 and 二级 cells
    that repeat down the rows into one, as the forms merge them: a docxtpl row loop can only
    copy rows. A 二级 group never crosses a 一级 boundary; the 总分 row (fewer cells) ends all."""
    from docx.oxml.ns import qn

    for table in document.tables:
        rows = table._tbl.findall(qn("w:tr"))
        if not rows or tuple(_cell_text(tc) for tc in rows[0].findall(qn("w:tc"))) != INDICATOR_HEADERS:
            continue
        body = [cells for cells in (row.findall(qn("w:tc")) for row in rows[1:]) if len(cells) == len(INDICATOR_HEADERS)]
        texts = [[_cell_text(tc) for tc in cells] for cells in body]
        for column in MERGED_INDICATOR_COLUMNS:
            def group(r: int) -> tuple[str, ...]:  # a cell and the columns it nests in
                return tuple(texts[r][c] for c in MERGED_INDICATOR_COLUMNS[:MERGED_INDICATOR_COLUMNS.index(column) + 1])

            start = 0
            for r in range(1, len(body) + 1):
                if r < len(body) and texts[start][column] and group(r) == group(start):
                    continue
                if r - start > 1:
                    body[start][column].vMerge = "restart"
                    for cells in body[start + 1:r]:
                        _empty(cells[column])
                        cells[column].vMerge = "continue"
                start = r


def _cell_text(tc) -> str:
    from docx.oxml.ns import qn

    return "".join(t.text or "" for t in tc.iter(qn("w:t"))).strip()


def _empty(tc) -> None:
    """A merged-away cell keeps one empty paragraph (Word requires one), with its formatting."""
    from docx.oxml.ns import qn

    for p in tc.findall(qn("w:p"))[1:]:
        tc.remove(p)
    for t in tc.iter(qn("w:t")):
        t.text = ""
