"""The summary workbook a reviewer opens: 概览 first (figures, two native charts, the worst ten),
then the rows with colour and a print layout.

Each figure of 概览 is held against the row sheets of the same workbook as pandas reads them, the
charts against their own XML parts (what Excel, WPS and LibreOffice draw from), the print layout
against LibreOffice's PDF."""

from __future__ import annotations

import copy
import re
import subprocess
import warnings
import zipfile
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from lxml import etree

from jixiao.report.summary import EXECUTION_BANDS, NO_GRADE, NO_RATE, OVERVIEW, execution_band
from jixiao.workbook.fill import fill
from jixiao.workbook.libreoffice import convert

from ..conftest import run_cli
from ..examples.corrections import corrected

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def _spent(doc, share: Decimal) -> None:
    """Every project's 当年财政拨款 spent at ``share``, the derived cells left to recompute."""
    for p in doc.projects:
        if p.funds.current.full_year is not None:
            p.funds.current.executed = p.funds.current.full_year * share
            p.funds.total.executed = p.execution.rate = p.execution.score = p.total_score = None


@pytest.fixture(scope="module")
def bureau(tmp_path_factory, example_doc):
    """Fourteen departments: errors from none to many, projects spent from 55% to 100%, and a
    broken file."""
    root = tmp_path_factory.mktemp("bureau")
    base = corrected(example_doc)
    shares = ("0.55", "0.75", "0.85", "0.92", "0.97", "1")
    for i in range(14):
        doc = copy.deepcopy(base)
        doc.department.name = f"第{i + 1:02d}局"
        doc.projects = doc.projects[: 2 + i % 3]
        for p in doc.projects:
            p.authority = doc.department.name
        _spent(doc, Decimal(shares[i % len(shares)]))
        for k in range(i % 4):  # 0–3 scores out of range (S01), each an 错误
            doc.projects[k % len(doc.projects)].indicators[k].score = Decimal(99)
        fill(doc, root / f"d{i:02d}.xlsx")
    (root / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    return root


@pytest.fixture(scope="module")
def summary(bureau, tmp_path_factory):
    path = tmp_path_factory.mktemp("summary") / "汇总.xlsx"
    result = run_cli("check", bureau, "--summary", path, "--jobs", "2")
    assert path.exists(), result.stderr
    return path


@pytest.fixture(scope="module")
def sheets(summary):
    return pd.read_excel(summary, sheet_name=None, engine="calamine", header=None)


@pytest.fixture(scope="module")
def rows(summary):
    return {name: pd.read_excel(summary, sheet_name=name, engine="calamine") for name in ("部门", "项目", "发现")}


def _book(summary):
    with warnings.catch_warnings():  # openpyxl does not read the data bars' Excel 2010 extension
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(summary)


def _overview_table(sheet, header: str, column: int = 0) -> dict[str, list]:
    """The table on 概览 whose first header cell is ``header`` in ``column``: label → the row."""
    frame = sheet.iloc[:, column:]
    start = frame.index[frame.iloc[:, 0] == header][0]
    width = next((c for c, v in enumerate(frame.iloc[start]) if not isinstance(v, str)), frame.shape[1])
    frame = frame.iloc[:, :width]
    table = {}
    for r in range(start + 1, len(frame)):
        label = frame.iloc[r, 0]
        if not isinstance(label, str) or not label.strip():
            break
        table[label] = frame.iloc[r, 1:].tolist()
    return table


@pytest.mark.parametrize("rate, band", [
    (None, NO_RATE), (float("nan"), NO_RATE), (0.0, EXECUTION_BANDS[0][0]), (0.5999, EXECUTION_BANDS[0][0]),
    (0.60, "60–80%"), (0.8999, "80–90%"), (0.90, "90–95%"), (0.95, "95–100%"), (0.9999, "95–100%"),
    (1.0, "≥100%"), (1.2, "≥100%"),
])
def test_execution_bands(rate, band):
    assert execution_band(rate) == band


def test_the_workbook_opens_on_the_overview(summary):
    book = _book(summary)
    assert book.sheetnames == [OVERVIEW, "部门", "项目", "发现"]
    assert book.active.title == OVERVIEW


def test_the_overview_figures_are_the_rows_counted(sheets, rows):
    departments, projects, findings = rows["部门"], rows["项目"], rows["发现"]
    ov = sheets[OVERVIEW]
    labels = ov.iloc[3].tolist()
    figures = dict(zip(labels, ov.iloc[4].tolist()))
    checked = departments[departments["状态"] == "已检查"]
    assert figures["文件"] == len(departments) == 15
    assert figures["已检查的部门"] == len(checked) == 14
    assert figures["无法读取的文件"] == 1
    assert figures["项目"] == len(projects)
    assert figures["有错误的部门"] == (checked["错误"] > 0).sum()
    for severity in ("错误", "警告", "提示"):
        assert figures[severity] == (findings["严重程度"] == severity).sum() == departments[severity].sum()


def test_grades_and_execution_bands_are_counted_per_department_and_project(sheets, rows):
    departments, projects = rows["部门"], rows["项目"]
    checked = departments[departments["状态"] == "已检查"]
    grades = _overview_table(sheets[OVERVIEW], "等级")
    for grade, (n_departments, n_projects) in grades.items():
        def count(frame):
            return (frame["等级"].isna() if grade == NO_GRADE else frame["等级"] == grade).sum()
        assert (n_departments, n_projects) == (count(checked), count(projects)), grade
    assert sum(n for n, _ in grades.values()) == len(checked)
    bands = _overview_table(sheets[OVERVIEW], "执行率", column=4)
    assert list(bands) == [name for name, _ in EXECUTION_BANDS] + [NO_RATE]
    assert [p for _, p in bands.values()] == [list(map(execution_band, projects["执行率"])).count(b) for b in bands]
    # the projects were spent at six shares, so the spread is not one bar
    assert sum(1 for _, p in bands.values() if p) >= 4


def _charts(summary) -> list[etree._Element]:
    with zipfile.ZipFile(summary) as z:
        return [etree.fromstring(z.read(n)) for n in sorted(z.namelist()) if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]


def _series(chart) -> list[dict]:
    out = []
    for ser in chart.iter(f"{C}ser"):
        name = ser.find(f"{C}tx//{C}v").text
        categories = [p.find(f"{C}v").text for p in ser.find(f"{C}cat").iter(f"{C}pt")]
        values = [float(p.find(f"{C}v").text) for p in ser.find(f"{C}val").iter(f"{C}pt")]
        out.append({"name": name, "categories": categories, "values": values,
                    "ref": ser.find(f"{C}val//{C}f").text})
    return out


def test_the_two_charts_draw_the_grade_and_band_tables(summary, sheets):
    charts = _charts(summary)
    titles = ["".join(t.text for t in chart.find(f"{C}chart/{C}title").iter(f"{A}t")) for chart in charts]
    assert titles == ["等级分布", "执行率分布"]
    for chart, header, column in zip(charts, ("等级", "执行率"), (0, 4)):
        assert chart.find(f"{C}chart/{C}plotArea/{C}barChart/{C}barDir").get("val") == "col"
        table = _overview_table(sheets[OVERVIEW], header, column)
        series = _series(chart)
        assert [s["name"] for s in series] == ["部门", "项目"]
        for k, s in enumerate(series):
            assert s["categories"] == list(table)
            assert s["values"] == [float(v[k]) for v in table.values()]
            assert s["ref"].startswith(f"{OVERVIEW}!$")


def test_the_worst_ten_departments_link_to_their_rows(summary, rows):
    departments = rows["部门"]
    ws = _book(summary)[OVERVIEW]
    start = next(c.row for c in ws["A"] if c.value == "错误最多的10个部门")
    listed = []
    for r in range(start + 2, start + 12):
        cell = ws.cell(r, 1)
        if not cell.value:
            break
        target = cell.hyperlink.location
        row = int(re.fullmatch(r"'部门'!A(\d+)", target).group(1))
        assert departments.iloc[row - 2]["部门"] == cell.value  # the link lands on its own row
        listed.append((cell.value, ws.cell(r, 3).value))
    with_errors = departments[departments["错误"] > 0].sort_values("错误", ascending=False, kind="stable")
    assert len(listed) == min(10, len(with_errors))
    assert [e for _, e in listed] == with_errors["错误"].head(10).tolist()
    assert all(departments.loc[departments["部门"] == name, "错误"].iloc[0] == errors for name, errors in listed)


def test_the_worst_ten_rules_are_counted_from_the_findings(sheets, rows):
    errors = rows["发现"][rows["发现"]["严重程度"] == "错误"]
    table = _overview_table(sheets[OVERVIEW], "规则")
    assert table, "the seeded S01 errors must be listed"
    counts = errors.groupby("规则").size()
    files = errors.groupby("规则")["文件"].nunique()
    for label, (n, n_files) in table.items():
        rule = label.split()[0]
        assert (n, n_files) == (counts[rule], files[rule]), label
    assert "S01" in {label.split()[0] for label in table}
    assert [n for n, _ in table.values()] == sorted(counts, reverse=True)[: len(table)]


def test_the_row_sheets_have_bars_scales_and_severity_colours(summary):
    book = _book(summary)

    def rules_of(ws):
        found = {}
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                found.setdefault(rule.type, set()).update(str(cf.sqref).split())
        return found

    def column_of(ws, header):
        return next(c.column_letter for c in ws[1] if c.value == header)

    for sheet in ("部门", "项目"):
        ws = book[sheet]
        found = rules_of(ws)
        assert {r[0] for r in found["dataBar"]} == {column_of(ws, "错误"), column_of(ws, "警告")}
        assert {re.match(r"[A-Z]+", r).group() for r in found["colorScale"]} == {column_of(ws, "执行率"), column_of(ws, "总分")}
    found = rules_of(book["发现"])
    assert {re.match(r"[A-Z]+", r).group() for r in found["cellIs"]} == {column_of(book["发现"], "严重程度")}


def test_every_row_sheet_prints_landscape_one_page_wide_with_its_header(summary):
    book = _book(summary)
    for ws in book.worksheets[1:]:
        setup = ws.page_setup
        # fitToWidth is left out where it is the schema's default, 1
        assert (setup.orientation, setup.paperSize, setup.fitToWidth or 1, setup.fitToHeight) == ("landscape", 9, 1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1"
    overview = book[OVERVIEW].page_setup
    assert (overview.orientation, overview.fitToWidth or 1, overview.fitToHeight or 1) == ("portrait", 1, 1)


@pytest.mark.libreoffice
def test_libreoffice_prints_every_page_whole_with_its_header(summary, tmp_path, rows):
    pdf = convert(summary, "pdf", tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = ["".join(p.split()) for p in text.split("\f")[:-1]]
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(len(pages)), str(pdf)], capture_output=True, text=True).stdout
    sizes = [tuple(map(float, m)) for m in re.findall(r"size:\s+([\d.]+) x ([\d.]+)", info)]
    assert len(sizes) == len(pages) > 4
    assert "预算绩效自评汇总·概览" in pages[0] and "错误最多的10条规则" in pages[0]
    assert sizes[0][0] < sizes[0][1]  # 概览 stands
    headers = {name: ("".join(frame.columns[0].split()), "".join(frame.columns[-1].split())) for name, frame in rows.items()}
    for page, (width, height) in zip(pages[1:], sizes[1:]):
        assert width > height
        # a page one sheet wide and its header repeated: its first and last column titles are on it
        assert any(first in page and last in page for first, last in headers.values()), page[:200]
    findings_pages = [p for p in pages[1:] if "严重程度" in p]
    assert len(findings_pages) >= 2  # the header repeated onto a following page, not only the first


def test_a_folder_with_nothing_readable_still_gets_its_overview(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    run_cli("check", tmp_path / "in", "--summary", tmp_path / "s.xlsx")
    ov = pd.read_excel(tmp_path / "s.xlsx", sheet_name=OVERVIEW, engine="calamine", header=None)
    figures = dict(zip(ov.iloc[3], ov.iloc[4]))
    assert (figures["文件"], figures["已检查的部门"], figures["无法读取的文件"]) == (1, 0, 1)
    cells = set(ov.stack().astype(str))
    assert {"没有部门有错误。", "没有错误。"} <= cells
    assert len(_charts(tmp_path / "s.xlsx")) == 2  # drawn at zero, not left out
