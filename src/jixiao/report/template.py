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
from ..forms.layout import EXECUTION_HEADERS, GOALS_LABEL, LABELS, PROJECT_FUNDS_LABEL, PROJECT_HEAD
from ..forms.layout import FUND_HEADERS as LAYOUT_FUND_HEADERS
from ..forms.layout import INDICATOR_HEADERS as LAYOUT_INDICATOR_HEADERS

REPORT_TEMPLATE = "自评报告模板.docx"
FIXED_TIME = (2025, 1, 1, 0, 0, 0)

# The project table mirrors the workbook's 项目支出绩效自评表: its labels and headers come from
# forms.layout; widths in cm across the 15.8 cm between the margins, by what each column holds.
FUNDS_WIDTHS = (3.4, 2.0, 2.0, 2.0, 1.5, 2.1, 2.8)
INDICATOR_WIDTHS = (1.5, 1.7, 2.5, 2.0, 2.0, 1.6, 1.6, 2.9)
TABLE_SIZE = 9  # 小五: the filed forms' table text
FUND_HEADERS = (PROJECT_FUNDS_LABEL, *LAYOUT_FUND_HEADERS.values(), *EXECUTION_HEADERS.values())
INDICATOR_HEADERS = LAYOUT_INDICATOR_HEADERS
# Columns of the head rows in the seven-column funds table: a field's label, then its value's span.
HEAD_SPANS = {1: ((0, (1, 6)),), 2: ((0, (1, 2)), (3, (4, 6)))}
# Columns of the indicator table whose equal neighbours are merged after rendering (一级, 二级)
MERGED_INDICATOR_COLUMNS = (0, 1)


def _project_head() -> tuple[list[tuple], list[tuple[int, int, int, int]], set[tuple[int, int]]]:
    """The rows of the project table's head (``layout.PROJECT_HEAD``: 项目支出名称, 主管部门 and
    实施单位 …), each field's label then its value; the values' merges and their left alignment."""
    rows, merges, left = [], [], set()
    for r, fields in enumerate(PROJECT_HEAD):
        row = [""] * len(FUNDS_WIDTHS)
        for field, (label_col, (first, last)) in zip(fields, HEAD_SPANS[len(fields)]):
            row[label_col], row[first] = field.label, f"{{{{ p.{field.path} }}}}"
            merges.append((r, first, r, last))
            left.add((r, first))
        rows.append(tuple(row))
    return rows, merges, left


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


def _table(doc, rows: list[tuple], widths: tuple[float, ...], header_rows: int = 0,
           merges: tuple[tuple[int, int, int, int], ...] = (), left: frozenset = frozenset(),
           together: bool = False):
    """A bordered table of 仿宋 小五 text with fixed column ``widths`` (cm); its first
    ``header_rows`` repeat on every page, no row splits across a page, and ``merges`` lists
    (row, col, last row, last col) ranges to join. Text is centred, except in the ``left``
    cells, (row, col) or (None, col) for a whole column: names and sentences. A table kept
    ``together`` moves to the next page whole rather than leave its top rows behind."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table = doc.add_table(rows=len(rows), cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for col, width in zip(table.columns, widths):
        col.width = Cm(width)
    for r, row in enumerate(rows):
        tr = table.rows[r]._tr
        props = tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        if r < header_rows:
            props.append(OxmlElement("w:tblHeader"))
        for c, width in enumerate(widths):
            cell = table.cell(r, c)
            cell.width = Cm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            text = row[c] if c < len(row) else ""
            paragraph = cell.paragraphs[0]
            flush_left = (r, c) in left or (None, c) in left
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if flush_left else WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.keep_with_next = together or r < header_rows  # a header never ends a page
            _font(paragraph.add_run(text), "仿宋", TABLE_SIZE)
    for r1, c1, r2, c2 in merges:
        table.cell(r1, c1).merge(table.cell(r2, c2))
        merged = table.cell(r1, c1)
        for extra in merged.paragraphs[1:]:  # merge() keeps the (empty) paragraphs of every cell
            if not extra.text:
                extra._p.getparent().remove(extra._p)
    # python-docx sets the grid; Word also wants the table's own width, not "auto"
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is not None:
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(int(sum(widths) / 2.54 * 1440)))
    return table


def _separator(doc) -> None:
    """An empty 1 pt paragraph with no spacing, kept with what follows."""
    from docx.shared import Pt

    p = _para(doc, "", size=1)
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = Pt(1)
    p.paragraph_format.keep_with_next = True


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
    _para(doc, "{{ overall.budget_sentence }}{{ overall.execution_sentence }}", indent=True)
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
    _para(doc, "{%p for text in p.budget %}")
    _para(doc, "{{ text }}", indent=True)
    _para(doc, "{%p endfor %}")
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

    title = _para(doc, "{{ year }}年度项目支出绩效自评表", font="宋体", size=16, bold=True, center=True)
    title.paragraph_format.keep_with_next = True  # the title goes with its table
    blank = ("",) * 7
    head, head_merges, head_left = _project_head()
    h = len(head)  # the rows below the head, counted from it
    _table(doc, [
        *head,
        FUND_HEADERS,
        ("{%tr for f in p.funds %}", *blank[1:]),
        ("{{ f.label }}", "{{ f.initial }}", "{{ f.full_year }}", "{{ f.executed }}", "{{ f.weight }}", "{{ f.rate }}",
         "{{ f.score }}"),
        ("{%tr endfor %}", *blank[1:]),
        (GOALS_LABEL, LABELS["goals.target"], "", "", LABELS["goals.actual"], "", ""),
        ("", "{{ p.goal_target }}", "", "", "{{ p.goal_actual }}", "", ""),
    ], FUNDS_WIDTHS, merges=(*head_merges, (h + 4, 0, h + 5, 0), (h + 4, 1, h + 4, 3), (h + 4, 4, h + 4, 6),
                             (h + 5, 1, h + 5, 3), (h + 5, 4, h + 5, 6)),
           left=frozenset({*head_left, (h + 2, 0), (h + 5, 1), (h + 5, 4)}), together=True)
    # Two tables with nothing between them are one table to Word and LibreOffice, and a header row
    # in the middle of a table cannot repeat: a hairline paragraph keeps the indicator table its own.
    _separator(doc)
    _table(doc, [
        INDICATOR_HEADERS,
        ("{%tr for i in p.indicators %}", *("",) * 7),
        ("{{ i.level1 }}", "{{ i.level2 }}", "{{ i.name }}", "{{ i.target }}", "{{ i.actual }}", "{{ i.weight }}",
         "{{ i.score }}", "{{ i.deviation }}"),
        ("{%tr endfor %}", *("",) * 7),
        (LABELS["total_score"], "", "", "", "", "{{ p.weight_total }}", "{{ p.total_score }}",
         "{% if p.grade %}等级：{{ p.grade }}{% endif %}"),
    ], INDICATOR_WIDTHS, header_rows=1, merges=((4, 0, 4, 4),), left=frozenset({(2, 2), (2, 7)}))
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
