"""The Word template of the 自评报告 (workbook_templates/自评报告模板.docx), built by code.

It holds Jinja2 tags for docxtpl: ``{%p … %}`` paragraphs for blocks, ``{%tr … %}`` rows for
table loops. Built here so it cannot drift from what the renderer expects; the committed file is
checked against a rebuild. Fonts follow the official style: 方正小标宋/宋体 titles, 仿宋 body.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..files import write_bytes

REPORT_TEMPLATE = "自评报告模板.docx"
FIXED_TIME = (2025, 1, 1, 0, 0, 0)

FUND_HEADERS = ("项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
INDICATOR_HEADERS = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")


def _font(run, name: str, size: float | None = None, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def _para(doc, text: str, *, font: str = "仿宋", size: float = 14, bold: bool = False, center: bool = False,
          indent: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), font, size, bold)
    return p


def _table(doc, rows: list[tuple]):
    table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), "仿宋", 10.5)
    return table


def build_report_template() -> bytes:
    """The template's bytes (reproducible: fixed times in the package)."""
    import docx
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm

    doc = docx.Document()
    # python-docx's default settings zoom to "bestFit" without the percent ECMA-376 requires.
    from docx.oxml.ns import qn

    for zoom in doc.settings.element.iter(qn("w:zoom")):
        zoom.set(qn("w:percent"), "100")
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.6)
    header = section.header.paragraphs[0]
    _font(header.add_run("{% if forced %}含未通过校验项{% endif %}"), "宋体", 10.5, bold=True)

    # 部门整体 (附件2), when the data has it.
    _para(doc, "{%p if overall %}")
    _para(doc, "{{ department }}{{ year }}年度部门整体支出绩效自评情况", font="宋体", size=18, bold=True, center=True)
    _para(doc, "{{ overall.budget_sentence }}", indent=True)
    _para(doc, "部门整体支出绩效自评总分{{ overall.total_score }}分，等级为“{{ overall.grade }}”。", indent=True)
    _para(doc, "{%p endif %}")

    _para(doc, "{%p for p in projects %}")
    _para(doc, "{%p if overall or not loop.first %}")
    brk = _para(doc, "")
    brk.runs[0].add_break(WD_BREAK.PAGE)
    _para(doc, "{%p endif %}")
    _para(doc, "{{ p.name }}", font="宋体", size=18, bold=True, center=True)
    _para(doc, "绩效自评报告", font="宋体", size=18, bold=True, center=True)
    _para(doc, "一、预算收支出情况", font="黑体", size=16)
    _para(doc, "{{ p.budget_sentence }}", indent=True)
    _para(doc, "二、项目支出绩效情况", font="黑体", size=16)
    _para(doc, "{%p for text in p.performance %}")
    _para(doc, "{{ text }}", indent=True)
    _para(doc, "{%p endfor %}")
    for key, heading in (("shortcomings", "三、存在的不足"), ("next_steps", "四、下一步计划")):
        _para(doc, f"{{%p if p.{key} %}}")
        _para(doc, heading, font="黑体", size=16)
        _para(doc, f"{{%p for text in p.{key} %}}")
        _para(doc, "{{ text }}", indent=True)
        _para(doc, "{%p endfor %}")
        _para(doc, "{%p endif %}")

    _para(doc, "{{ year }}年度项目支出绩效自评表", font="宋体", size=16, bold=True, center=True)
    _table(doc, [
        ("项目支出名称", "{{ p.name }}", "", "", "", "", ""),
        ("主管部门", "{{ p.authority }}", "", "实施单位", "{{ p.implementer }}", "", ""),
        FUND_HEADERS,
        ("{%tr for f in p.funds %}", "", "", "", "", "", ""),
        ("{{ f.label }}", "{{ f.initial }}", "{{ f.full_year }}", "{{ f.executed }}", "{{ f.weight }}", "{{ f.rate }}",
         "{{ f.score }}"),
        ("{%tr endfor %}", "", "", "", "", "", ""),
        ("预期目标", "{{ p.goal_target }}", "", "", "", "", ""),
        ("实际完成情况", "{{ p.goal_actual }}", "", "", "", "", ""),
    ])
    _table(doc, [
        INDICATOR_HEADERS,
        ("{%tr for i in p.indicators %}", "", "", "", "", "", "", ""),
        ("{{ i.level1 }}", "{{ i.level2 }}", "{{ i.name }}", "{{ i.target }}", "{{ i.actual }}", "{{ i.weight }}",
         "{{ i.score }}", "{{ i.deviation }}"),
        ("{%tr endfor %}", "", "", "", "", "", "", ""),
        ("总分", "", "", "", "", "{{ p.weight_total }}", "{{ p.total_score }}", "{{ p.grade }}"),
    ])
    _para(doc, "{%p endfor %}")
    doc.core_properties.title = "绩效自评报告"
    raw = io.BytesIO()
    doc.save(raw)
    return _reproducible(raw.getvalue())


def _reproducible(data: bytes) -> bytes:
    """The same package with fixed timestamps, so that a rebuild gives the same bytes."""
    import re

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", body)
            info = zipfile.ZipInfo(item.filename, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, body)
    return out.getvalue()


def write_report_template(folder: str | Path) -> Path:
    path = Path(folder) / REPORT_TEMPLATE
    write_bytes(path, build_report_template())
    return path
