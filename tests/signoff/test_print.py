"""The sign-off as printed and signed: a department whose 执行率 is below 100% (the example's are
all 100%, which hides a General-formatted 9.0333…), its workbook, values-only copy and PDF.

Pages are told apart by what pdftotext finds on them; cells are found by their names or labels."""

from __future__ import annotations

import copy
import subprocess
from decimal import Decimal

import openpyxl
import pytest

from jixiao.forms.layout import FORM_NAME, INDICATOR_HEADERS, INFO_SHEET
from jixiao.recompute import recompute_file
from jixiao.report.findings import HEADERS, RESULT_SHEET
from jixiao.signoff.package import DATE_TEXT, SIGN_SHEET, SIGNERS, signoff
from jixiao.workbook.fill import fill
from jixiao.workbook.libreoffice import convert

from ..examples.corrections import corrected

UNDER = Decimal("0.9033")  # the share of the first project's 当年财政拨款 that was spent


@pytest.fixture(scope="module")
def small(tmp_path_factory, example_doc):
    """Three projects, the first spent at 90.33%, recomputed as the 重算 button would."""
    folder = tmp_path_factory.mktemp("small")
    doc = copy.deepcopy(corrected(example_doc))
    doc.projects = doc.projects[:3]
    first = doc.projects[0]
    first.funds.current.executed = first.funds.current.full_year * UNDER
    first.funds.total.executed = first.execution.rate = first.execution.score = first.total_score = None
    recompute_file(fill(doc, folder / "typed.xlsx"), folder / "small.xlsx")
    return doc, folder / "small.xlsx"


@pytest.fixture(scope="module")
def package(tmp_path_factory, small):
    _, book = small
    return signoff(book, tmp_path_factory.mktemp("pkg") / "签批包", force=True)


def _pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return ["".join(page.split()) for page in text.split("\f")[:-1]]


def _named_cells(book, sheet_name):
    """Every cell a sheet-scoped name (jx_…) points at, by name."""
    ws = book[sheet_name]
    cells = {}
    for name, dn in ws.defined_names.items():
        for _, ref in dn.destinations:
            cell = ref.replace("$", "").split(":")[0]
            cells[name] = ws[cell]
    return cells


@pytest.mark.parametrize("kind, fields, number_format", [
    ("score", ("execution_score", "execution_weight", "total_score", "weight_total"), "0.00"),
    ("rate", ("execution_rate", "adjustment_rate"), "0.00%"),
    ("amount", ("funds_total_initial", "funds_total_full_year", "funds_total_executed", "funds_current_executed",
                "adjustment_amount"), "0.00"),
])
def test_every_score_rate_and_amount_has_its_number_format(small, kind, fields, number_format):
    _, book_path = small
    book = openpyxl.load_workbook(book_path)
    project_sheets = [ws.title for ws in book.worksheets if "jx_total_score" in ws.defined_names]
    assert len(project_sheets) >= 3  # 附件2 and the projects
    cells = {sheet: _named_cells(book, sheet) for sheet in project_sheets}
    for field in fields:
        holding = [sheet for sheet in project_sheets if f"jx_{field}" in cells[sheet]]
        assert len(holding) >= 3, field  # every project form (and 附件2 where it has the field)
        for sheet in holding:
            assert cells[sheet][f"jx_{field}"].number_format == number_format, (sheet, field)


def test_no_numeric_formula_cell_is_left_general(small):
    """What a derived cell shows never depends on Excel's General: every formula cell with a
    number has an explicit format (a count such as 编制数 is typed, not derived)."""
    _, book_path = small
    values = openpyxl.load_workbook(book_path, data_only=True)
    formulas = openpyxl.load_workbook(book_path)
    checked = 0
    for ws in formulas.worksheets:
        if ws.title not in values.sheetnames:
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(values[ws.title][cell.coordinate].value, (int, float)):
                    assert cell.number_format != "General", f"{ws.title}!{cell.coordinate}"
                    checked += 1
    assert checked > 30  # 6 to 8 on each form


def test_the_pdf_shows_two_decimals_not_general(package, small):
    doc, _ = small
    pages = _pages(package.files["pdf"])
    first = next(p for p in pages if "".join(doc.projects[0].name.split())[:8] in p and "项目支出绩效自评表" in p)
    assert "90.33%" in first and "9.03" in first
    assert "9.0333" not in first and "99.0333" not in "".join(pages)


def test_each_form_prints_on_its_own_pages_as_designed(package, small):
    """基本信息 on one page, 附件1 and 附件2 one each, a project form one page (its indicator
    table is short), the findings after the forms, 签批 last on one page; the forced mark on all."""
    doc, _ = small
    pages = _pages(package.files["pdf"])
    kinds = []
    for page in pages:
        if "基本信息" in page and "数据格式" in page:
            kinds.append("info")
        elif "整体支出绩效评价基础数据表" in page:
            kinds.append("附件1")
        elif "整体支出绩效自评表" in page:
            kinds.append("附件2")
        elif "".join(HEADERS[:3]) in page:  # before the projects: messages name them
            kinds.append("results")
        elif "项目支出绩效自评表" in page:
            kinds.append(next(p.name for p in doc.projects if "".join(p.name.split())[:8] in page))
        elif "单位负责人签字" in page:
            kinds.append("sign")
        else:
            kinds.append("?")
    projects = [p.name for p in doc.projects]
    results = kinds.count("results")
    assert kinds == ["info", "附件1", "附件2", *projects, *["results"] * results, "sign"], kinds
    assert 1 <= results <= 4
    assert all("含未通过校验项" in page for page in pages)


@pytest.mark.libreoffice
def test_a_long_project_form_goes_on_under_its_indicator_header(tmp_path, small):
    """A project of 54 indicators takes two pages: the second starts with the indicator table's
    header row, not the form's title, and the first does not show that header twice."""
    doc, _ = small
    doc = copy.deepcopy(doc)
    first = doc.projects[0]
    first.indicators = first.indicators + [
        _renamed(ind, k) for k in range(2, 7) for ind in first.indicators]
    book = fill(doc, tmp_path / "long.xlsx")
    pages = _pages(convert(book, "pdf", tmp_path))
    header = "".join(INDICATOR_HEADERS)
    at = next(i for i, p in enumerate(pages) if "项目支出绩效自评表" in p and "".join(first.name.split())[:8] in p)
    assert pages[at].count(header) == 1
    follow = pages[at + 1]
    assert "项目支出绩效自评表" not in follow
    assert follow.removeprefix("绩效指标").startswith(header), follow[:80]  # the table's label cell comes along
    assert "总分" in follow  # the form ends on its second page


@pytest.mark.libreoffice
def test_a_long_project_in_the_report_repeats_its_indicator_header_on_the_next_page(tmp_path, small):
    """The report's indicator table is a table of its own (a paragraph parts it from the funds
    table: two adjacent tables are one to Word), so its header row repeats where it runs on."""
    import zipfile

    from jixiao.report.render import render_report

    doc, _ = small
    doc = copy.deepcopy(doc)
    first = doc.projects[0]
    first.indicators = first.indicators + [_renamed(ind, k) for k in range(2, 7) for ind in first.indicators]
    report = render_report(doc, tmp_path / "报告.docx")
    with zipfile.ZipFile(report) as z:
        assert b"</w:tbl><w:tbl>" not in z.read("word/document.xml")
    pages = _pages(convert(report, "pdf", tmp_path))
    def has_header(text):  # wrapped header cells interleave in pdftotext's lines: look for the one-line ones
        return all(word in text for word in INDICATOR_HEADERS[2:5])

    runs_on = [i for i in range(1, len(pages)) if has_header(pages[i - 1]) and has_header(pages[i][:60])]
    assert runs_on, [p[:60] for p in pages]  # the long table's second page begins with its header


def _renamed(indicator, k):
    indicator = copy.deepcopy(indicator)
    indicator.name = f"{indicator.name}（第{k}批）"
    return indicator


def test_the_signed_copy_leaves_out_the_guidance_for_filling_it(package, small):
    """基本信息's notes (请勿修改, 签批时手写签字, 说明：白色单元格…, 由 jixiao … 生成) and the hint beside
    调整率 are for the person filling the workbook: the workbook keeps them, the signed copy does not."""
    from jixiao.forms.layout import FILLING_HINTS, is_filling_hint

    def texts(path):
        wb = openpyxl.load_workbook(path)
        return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]

    _, book = small
    kept = [t for t in texts(book) if is_filling_hint(t)]
    assert set(kept) >= FILLING_HINTS and any(t.startswith("由 jixiao") for t in kept)
    assert not [t for t in texts(package.files["xlsx"]) if is_filling_hint(t)]
    pdf = "".join(_pages(package.files["pdf"]))
    assert not [h for h in FILLING_HINTS if "".join(h.split()) in pdf] and "由jixiao" not in pdf


def test_every_page_of_the_signed_pdf_is_numbered(package):
    """The forms, the 校验结果 appendix and the 签批 page alike: 第 N 页，共 M 页."""
    pages = _pages(package.files["pdf"])
    unnumbered = [n for n, page in enumerate(pages, start=1) if f"第{n}页，共{len(pages)}页" not in page]
    assert len(pages) > 2 and unnumbered == []


def test_the_sign_page_has_lines_to_sign_and_date(package):
    page = _pages(package.files["pdf"])[-1]
    for signer in SIGNERS:
        assert signer in page
    assert page.count("".join(DATE_TEXT.split())) == len(SIGNERS)  # 年月日 after each
    book = openpyxl.load_workbook(package.files["xlsx"])
    ws = book[SIGN_SHEET]
    assert ws.protection.sheet
    labels = {cell.value: cell for row in ws.iter_rows() for cell in row if cell.value}
    for signer in SIGNERS:
        line = ws.cell(labels[signer].row, labels[signer].column + 1)
        date = ws.cell(labels[signer].row, labels[signer].column + 3)
        for cell in (line, date):
            assert cell.border.bottom.style == "thin" and cell.protection.locked is False
        assert ws.row_dimensions[line.row].height >= 40  # room for a handwritten name
    assert ws.page_setup.orientation == "portrait"


def test_the_findings_print_as_a_landscape_appendix(package):
    book = openpyxl.load_workbook(package.files["xlsx"])
    ws = book[RESULT_SHEET]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows.replace("$", "") == "1:1"
    message = HEADERS.index("说明") + 1
    long_rows = [r for r in range(2, ws.max_row + 1) if len(ws.cell(r, message).value or "") > 40]
    assert long_rows
    for r in long_rows:
        assert ws.cell(r, message).alignment.wrap_text
        assert ws.row_dimensions[r].height and ws.row_dimensions[r].height > 15  # sized to its lines


def test_every_form_sheet_prints_one_page_wide_on_a4(small):
    _, book_path = small
    book = openpyxl.load_workbook(book_path)
    forms = [ws for ws in book.worksheets if FORM_NAME in ws.defined_names or ws.title == INFO_SHEET]
    assert len(forms) == 1 + 2 + 3  # 基本信息, 附件1, 附件2, three projects
    for ws in forms:
        assert str(ws.page_setup.paperSize) == "9" and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (1, None), ws.title  # None: the schema's default, 1
    assert book[INFO_SHEET].page_setup.fitToHeight in (1, None)  # 基本信息: one page (None: the default, 1)
