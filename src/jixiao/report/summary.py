"""The summary workbook a reviewer of many departments opens: an overview first, then the rows.

概览 holds the figures a reviewer asks for before any row: how many files and departments, the
grades, the spread of 执行率 (both as native charts), and the ten departments and ten rules with
the most 错误. 部门, 项目 and 发现 follow with filters, frozen and printed headers, colour where
the eye should go (data bars on the counts, a colour scale on 执行率 and 总分, the severity
coloured as in the annotated workbook) and a landscape page one page wide. Everything is a plain
XlsxWriter chart or format, which Excel, WPS and LibreOffice all draw.
"""

from __future__ import annotations

from pathlib import Path

from ..rules import CATALOG, ERROR, WARNING
from .findings import MARK_COLOURS, reference
from ..forms.sheet import PAGE_FOOTER

OVERVIEW = "概览"
LEVELS = ("部门", "项目", "发现")

# 执行率 bands, lowest first: (label, lower bound inclusive); each band runs to the next bound.
EXECUTION_BANDS = (
    ("<60%", None),
    ("60–80%", 0.60),
    ("80–90%", 0.80),
    ("90–95%", 0.90),
    ("95–100%", 0.95),
    ("≥100%", 1.00),
)
NO_RATE = "无法计算"  # no 全年预算数 or no 全年执行数
NO_GRADE = "未评分"
TOP = 10

# Column formats and widths of the row sheets (characters); headers wrap, so numbers stay narrow.
FORMATS = {"年初预算数": "0.00", "全年预算数": "0.00", "全年执行数": "0.00", "执行率": "0.00%",
           "年初口径执行率": "0.00%", "调整率": "0.00%", "总分": "0.00"}
WIDTHS = {"部门": 18, "项目": 26, "项目编码": 12, "文件": 22, "说明": 60, "原因": 24, "表单": 20, "单元格": 12,
          "应为": 12, "同一部门的其他文件": 18, "年度": 5, "状态": 7, "等级": 5, "错误": 5, "警告": 5, "提示": 5,
          "项目数": 5, "严重程度": 7, "规则": 5, "来源": 7, "年初预算数": 9, "全年预算数": 9, "全年执行数": 9,
          "执行率": 8, "年初口径执行率": 8, "调整率": 8, "总分": 7}
WRAPPED = {"说明", "原因", "文件", "同一部门的其他文件", "部门", "项目", "表单"}
NUMBER_WIDTH = 9
LINE_POINTS = 13.0  # a wrapped line of 10 pt text
COUNT_BARS = {"错误": "F8696B", "警告": "FFB628"}  # data bars in the severity's colour
# Colour scales, red at the first value, yellow at the second, green at the third: 执行率 below
# 90% and a score below 80 are what a reviewer looks for.
SCALES = {"执行率": (0.60, 0.90, 1.00), "总分": (60, 80, 100)}
A4 = 9  # XlsxWriter's paper code


def grade_order(seen) -> list[str]:
    """The grades of every shipped scheme, best first, then any other grade seen."""
    from ..model.schemes import load_scheme, scheme_ids

    order: list[str] = []
    for scheme_id in scheme_ids():
        for g in load_scheme(scheme_id).grades:
            if g.name not in order:
                order.append(g.name)
    return order + sorted(set(seen) - set(order))


def execution_band(rate: float | None) -> str:
    if rate is None or rate != rate:  # NaN: the rate could not be computed
        return NO_RATE
    label = EXECUTION_BANDS[0][0]
    for name, lower in EXECUTION_BANDS[1:]:
        if rate >= lower - 1e-12:
            label = name
    return label


def overview(levels: dict) -> dict:
    """The figures of 概览 from the three tables (pandas frames as ``batch.tables`` makes them)."""
    departments, projects, findings = (levels[name] for name in LEVELS)
    checked = departments[departments["状态"] == "已检查"] if not departments.empty else departments

    def counted(frame, column, labels, key):
        values = [key(v) for v in frame[column]] if not frame.empty else []
        return [values.count(label) for label in labels]

    grade_labels = grade_order([g for g in list(checked.get("等级", [])) + list(projects.get("等级", [])) if isinstance(g, str)])
    grade_labels.append(NO_GRADE)
    graded = lambda g: g if isinstance(g, str) else NO_GRADE  # noqa: E731
    band_labels = [name for name, _ in EXECUTION_BANDS] + [NO_RATE]
    errors = findings[findings["严重程度"] == ERROR.value] if not findings.empty else findings
    rules = []
    if not errors.empty:
        grouped = errors.groupby("规则", sort=False).agg(错误=("规则", "size"), 部门=("文件", "nunique"))
        grouped = grouped.reset_index().sort_values(["错误", "规则"], ascending=[False, True], kind="stable").head(TOP)
        rules = [(r.规则, CATALOG[r.规则].title if r.规则 in CATALOG else "", int(r.错误), int(r.部门))
                 for r in grouped.itertuples()]
    worst = []
    if not checked.empty:
        ranked = checked[checked["错误"].fillna(0) > 0].sort_values(
            ["错误", "警告", "部门"], ascending=[False, False, True], kind="stable").head(TOP)
        worst = [(int(i), r) for i, r in ranked.iterrows()]
    totals = {s: int(departments[s].fillna(0).sum()) if not departments.empty else 0
              for s in ("错误", "警告", "提示")}
    return {
        "figures": [("文件", len(departments)), ("已检查的部门", len(checked)),
                    ("无法读取的文件", len(departments) - len(checked)), ("项目", len(projects)),
                    ("有错误的部门", int((checked["错误"].fillna(0) > 0).sum()) if not checked.empty else 0),
                    *totals.items()],
        "grades": list(zip(grade_labels, counted(checked, "等级", grade_labels, graded),
                           counted(projects, "等级", grade_labels, graded))),
        "bands": list(zip(band_labels, counted(checked, "执行率", band_labels, execution_band),
                          counted(projects, "执行率", band_labels, execution_band))),
        "worst": worst,
        "rules": rules,
    }


class _Formats:
    """The workbook's formats, made once."""

    def __init__(self, wb):
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 16})
        self.note = wb.add_format({**base, "font_color": "595959"})
        self.section = wb.add_format({**base, "bold": True, "font_size": 12, "bottom": 2})
        self.header = wb.add_format({**base, "bold": True, "bg_color": "DDEBF7", "border": 1, "text_wrap": True,
                                     "align": "center"})
        self.text = wb.add_format({**base, "border": 1, "text_wrap": True})
        self.link = wb.add_format({**base, "border": 1, "text_wrap": True, "font_color": "0563C1", "underline": 1})
        self.count = wb.add_format({**base, "border": 1, "num_format": "0"})
        self.figure = wb.add_format({**base, "border": 1, "num_format": "0", "bold": True, "font_size": 14,
                                     "align": "center"})
        self.score = wb.add_format({**base, "border": 1, "num_format": "0.00"})
        self.wrap = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.red = wb.add_format({"bg_color": MARK_COLOURS[ERROR]})
        self.yellow = wb.add_format({"bg_color": MARK_COLOURS[WARNING]})
        self.columns: dict[str, object] = {}

    def column(self, wb, name: str):
        if name not in self.columns:
            spec = {"font_name": "宋体", "font_size": 10, "valign": "top"}
            if name in FORMATS:
                spec["num_format"] = FORMATS[name]
            if name in WRAPPED:
                spec["text_wrap"] = True
            self.columns[name] = wb.add_format(spec)
        return self.columns[name]


def _rough_width(text: str) -> int:
    """A text's width in column units, wide characters counting 2, for a row's height: each
    character UTF-8 writes in three bytes or more (CJK, full-width punctuation) is taken as wide.
    ``forms.sheet.text_width`` asks unicodedata per character, which on 70 000 findings costs
    seconds; this may call a dash wide, and a row one line too tall is the harmless error."""
    return len(text) + (len(text.encode("utf-8", "surrogatepass")) - len(text)) // 2


def _print_setup(ws, header_row: int | None, landscape: bool = True) -> None:
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)  # one page wide, as many tall as it takes
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer(PAGE_FOOTER)
    if header_row is not None:
        ws.repeat_rows(header_row)


def _chart(wb, title: str, first: int, last: int, col: int):
    """A clustered column chart of the 概览 table at ``col`` (label, 部门, 项目) whose header is on
    row ``first`` and last row ``last``."""
    chart = wb.add_chart({"type": "column"})
    for series, colour in ((col + 1, "4472C4"), (col + 2, "ED7D31")):
        chart.add_series({
            "name": [OVERVIEW, first, series],
            "categories": [OVERVIEW, first + 1, col, last, col],
            "values": [OVERVIEW, first + 1, series, last, series],
            "fill": {"color": colour},
            "data_labels": {"value": True},
        })
    chart.set_title({"name": title, "name_font": {"size": 12, "bold": True}})
    chart.set_y_axis({"name": "个数", "major_gridlines": {"visible": True, "line": {"color": "D9D9D9"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 430, "height": 280})
    return chart


def _table(ws, f, row: int, col: int, headers, rows) -> int:
    """Headers and rows from ``row``; returns the row after the table."""
    for c, h in enumerate(headers):
        ws.write_string(row, col + c, h, f.header)
    for r, values in enumerate(rows, start=row + 1):
        for c, v in enumerate(values):
            if isinstance(v, str):
                ws.write_string(r, col + c, v, f.text)
            elif v is None:
                ws.write_blank(r, col + c, None, f.text)
            else:
                ws.write_number(r, col + c, v, f.count)
    return row + 1 + len(rows)


def _write_overview(wb, ws, f, figures: dict, when: str) -> None:
    for c, width in enumerate((28, 9, 9, 9, 14, 9, 9, 9)):
        ws.set_column(c, c, width)
    ws.write_string(0, 0, "预算绩效自评汇总 · 概览", f.title)
    ws.write_string(1, 0, f"由 jixiao 检查生成于 {when}；各项明细见“部门”“项目”“发现”工作表，点击部门名称可跳到其所在行。",
                    f.note)
    row = 3
    for c, (label, value) in enumerate(figures["figures"]):
        ws.write_string(row, c, label, f.header)
        ws.write_number(row + 1, c, value, f.figure)
    ws.set_row(row, 30)
    ws.set_row(row + 1, 26)

    row = 6
    ws.write_string(row, 0, "等级分布", f.section)
    ws.write_string(row, 4, "执行率分布（全年执行数 ÷ 全年预算数）", f.section)
    grades_end = _table(ws, f, row + 1, 0, ("等级", "部门", "项目"), figures["grades"])
    bands_end = _table(ws, f, row + 1, 4, ("执行率", "部门", "项目"), figures["bands"])
    # Charts of the same tables, below them, side by side
    chart_row = max(grades_end, bands_end) + 1
    ws.insert_chart(chart_row, 0, _chart(wb, "等级分布", row + 1, grades_end - 1, 0), {"x_offset": 2, "y_offset": 4})
    ws.insert_chart(chart_row, 4, _chart(wb, "执行率分布", row + 1, bands_end - 1, 4), {"x_offset": 2, "y_offset": 4})

    row = chart_row + 16
    ws.write_string(row, 0, f"错误最多的{TOP}个部门", f.section)
    headers = ("部门", "年度", "错误", "警告", "提示", "总分", "等级")
    for c, h in enumerate(headers):
        ws.write_string(row + 1, c, h, f.header)
    r = row + 2
    for index, dept in figures["worst"]:
        name = dept["部门"] if isinstance(dept["部门"], str) else ""
        # the 部门 sheet's row of this department: its header is row 1, the frame's rows follow
        ws.write_url(r, 0, "internal:" + reference("部门", f"A{index + 2}"), f.link, string=name)
        for c, column in enumerate(headers[1:], start=1):
            value = dept[column]
            if isinstance(value, str):
                ws.write_string(r, c, value, f.text)
            elif value is None or value != value:
                ws.write_blank(r, c, None, f.text)
            else:
                ws.write_number(r, c, float(value), f.score if column == "总分" else f.count)
        r += 1
    if not figures["worst"]:
        ws.write_string(r, 0, "没有部门有错误。", f.note)
        r += 1

    row = r + 1
    ws.write_string(row, 0, f"错误最多的{TOP}条规则", f.section)
    rows = [(f"{rule_id} {title}".strip(), count, departments) for rule_id, title, count, departments in figures["rules"]]
    end = _table(ws, f, row + 1, 0, ("规则", "错误", "涉及文件"), rows)
    if not rows:
        ws.write_string(end, 0, "没有错误。", f.note)
    _print_setup(ws, None, landscape=False)  # narrow enough to stand
    ws.fit_to_pages(1, 1)
    ws.hide_gridlines(2)
    ws.activate()


def _write_rows(wb, ws, f, frame) -> None:
    """One level's rows under a header that wraps, repeats on every printed page and filters."""
    import pandas as pd

    from ..workbook.celltext import fit

    columns = list(frame.columns)
    room = {c: WIDTHS.get(name, NUMBER_WIDTH) * 1.05 for c, name in enumerate(columns) if name in WRAPPED}
    for c, name in enumerate(columns):
        ws.write_string(0, c, name, f.header)
        ws.set_column(c, c, WIDTHS.get(name, NUMBER_WIDTH), f.column(wb, name))
    ws.set_row(0, 30)
    for r, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        lines = 1
        for c, v in enumerate(values):
            if isinstance(v, str):
                v = fit(v)
                ws.write_string(r, c, v)
                if c in room and 2 * len(v) > room[c]:  # no character is wider than two units
                    lines = max(lines, sum(-(-_rough_width(part) // room[c]) or 1 for part in v.split("\n")))
            elif v is None or v is pd.NA or v != v:  # a blank, an Int64 blank or NaN
                continue
            else:
                ws.write_number(r, c, float(v))
        if lines > 1:  # neither Excel nor LibreOffice sizes a row to its wrapped text on opening
            ws.set_row(r, lines * LINE_POINTS + 3)
    last = max(len(frame), 1)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, last, max(len(columns) - 1, 0))
    for name, colour in COUNT_BARS.items():
        if name in columns and len(frame):
            c = columns.index(name)
            ws.conditional_format(1, c, len(frame), c, {"type": "data_bar", "bar_color": "#" + colour,
                                                         "bar_solid": True, "min_type": "num", "min_value": 0})
    for name, (low, mid, high) in SCALES.items():
        if name in columns and len(frame):
            c = columns.index(name)
            ws.conditional_format(1, c, len(frame), c, {
                "type": "3_color_scale", "min_type": "num", "min_value": low, "min_color": "#F8696B",
                "mid_type": "num", "mid_value": mid, "mid_color": "#FFEB84",
                "max_type": "num", "max_value": high, "max_color": "#63BE7B"})
    if "严重程度" in columns and len(frame):
        c = columns.index("严重程度")
        for word, fmt in ((ERROR.value, f.red), (WARNING.value, f.yellow)):
            ws.conditional_format(1, c, len(frame), c, {"type": "cell", "criteria": "==", "value": f'"{word}"',
                                                         "format": fmt})
    _print_setup(ws, 0)


def write_summary(levels: dict, path: str | Path, when: str) -> Path:
    """The summary workbook at ``path`` (atomically): 概览, then 部门, 项目 and 发现 from
    ``levels`` (the frames of ``batch.tables``); ``when`` is the time the check ran."""
    import xlsxwriter

    from ..files import atomic_output
    from ..workbook.celltext import XLSXWRITER_OPTIONS

    path = Path(path)
    with atomic_output(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), dict(XLSXWRITER_OPTIONS))
        f = _Formats(wb)
        _write_overview(wb, wb.add_worksheet(OVERVIEW), f, overview(levels), when)
        for name in LEVELS:
            _write_rows(wb, wb.add_worksheet(name), f, levels[name])
        wb.close()
    return path
