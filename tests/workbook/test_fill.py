"""fill writes the forms with live formulas *and* cached values, names for every field, and print setup."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
import python_calamine

from jixiao.forms.layout import FORM_A1, FORM_A2, FORM_PROJECT, INDICATOR_HEADERS, INFO_FIELDS
from jixiao.forms.spec import SPECS
from jixiao.workbook.fill import sheet_names
from jixiao.workbook.reader import Workbook

from .helpers import field_cells, formula_cells


def test_calamine_reads_every_formula_cell_as_a_value(example_book):
    """A reader that does not calculate (python-calamine, pandas, a phone) sees the numbers."""
    cells = formula_cells(example_book)
    assert len(cells) > 19 * 10  # ten formula cells per project form at least
    book = python_calamine.CalamineWorkbook.from_path(str(example_book))
    grids = {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
    empty = [(s, r, c) for (s, r, c) in cells if grids[s][r][c] in ("", None)]
    assert not empty, f"formula cells without a cached value: {empty[:5]}"


def test_cached_values_are_the_models_numbers(example_book):
    with Workbook(example_book) as book:
        p = book.sheet("行政运行（其他）经费")
        target = book.name("jx_funds_total_full_year", p.name)
        cell = p.cell(*target.range[:2])
        at = field_cells(example_book, p.name)
        assert cell.formula == f"SUM({at('funds.current.full_year')}:{at('funds.other.full_year')})"
        assert cell.value == Decimal("418.85")
        a1 = book.sheet("附件1")
        rate = a1.cell(*book.name("jx_staff_rate", "附件1").range[:2])
        assert rate.formula and rate.value == Decimal("0.9375")


def test_a_stated_value_that_differs_from_its_formula_is_written_as_typed(example_book):
    with Workbook(example_book) as book:
        a2 = book.sheet("附件2")
        score = a2.cell(*book.name("jx_execution_score", "附件2").range[:2])
        total = a2.cell(*book.name("jx_total_score", "附件2").range[:2])
        rate = a2.cell(*book.name("jx_execution_rate", "附件2").range[:2])
    assert score == ("100%", None)  # text, as filed: F02 will see it
    assert total == (Decimal("95.2"), None)  # the formula would give 85.2
    assert rate.formula is not None and rate.value == 1  # "100%" equals 2922.7 ÷ 2922.7


def test_every_field_has_a_name_on_its_sheet(example_book):
    with Workbook(example_book) as book:
        for field in INFO_FIELDS:
            assert book.name(field.name) is not None, field.path
        forms = {"附件1": FORM_A1, "附件2": FORM_A2, "行政运行（其他）经费": FORM_PROJECT}
        for sheet, form in forms.items():
            assert book.name("jx_form", sheet).constant == form
            for f in (*SPECS[form].fields, *SPECS[form].tables):
                target = book.name(f.name, sheet)
                assert target is not None and target.sheet == sheet, (sheet, f.name)


def test_sheets_are_the_forms_in_order(example_book, example_doc):
    with Workbook(example_book) as book:
        names = book.sheet_names()
    assert names[:3] == ["基本信息", "附件1", "附件2"]
    assert names[3:] == sheet_names([p.name for p in example_doc.projects])
    assert "2023年度产业链领航企业开展培育调研费354000元等部分结" in names  # 35 characters cut to Excel's 31


@pytest.mark.parametrize("raw, expected", [
    (["a/b:c*d?e[f]g\\h"], ["a_b_c_d_e_f_g_h"]),
    (["同名项目", "同名项目", "同名项目"], ["同名项目", "同名项目(2)", "同名项目(3)"]),
    (["长" * 40, "长" * 40], ["长" * 31, "长" * 28 + "(2)"]),
    ([None, "  ", "'引号'"], ["项目1", "项目2", "引号"]),
    (["附件1", "History"], ["附件1(2)", "History(2)"]),
    (["重点!项目", "O'Brien 项目"], ["重点_项目", "O'Brien 项目"]),  # "!" would unscope its names
])
def test_sheet_names_follow_excels_rules(raw, expected):
    names = sheet_names(raw)
    assert names == expected
    assert all(len(n) <= 31 for n in names)


def test_derived_cells_locked_inputs_unlocked_and_print_ready(example_book):
    wb = openpyxl.load_workbook(example_book)
    ws = wb["行政运行（其他）经费"]
    assert ws.protection.sheet and ws.protection.insertRows is False  # False = allowed in OOXML's inverted flags
    at = field_cells(example_book, ws.title)
    total = ws[at("funds.total.full_year")]  # 年度资金总额 全年预算数 (hunan: three 其中 rows, then the total)
    assert total.value == f"=SUM({at('funds.current.full_year')}:{at('funds.other.full_year')})"
    assert total.protection.locked
    assert ws[at("funds.current.full_year")].protection.locked is False
    assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # 1 is the default
    # a project form longer than a page goes on with its indicator table's header row repeated
    header_row = next(c.row for row in ws.iter_rows() for c in row if c.value == INDICATOR_HEADERS[0])
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    name = ws[at("authority")]
    label = ws.cell(name.row, name.column - 1)  # 主管部门, left of its entry
    assert label.value == "主管部门" and label.font.name == "宋体" and name.font.name == "仿宋"
    validations = [dv for dv in ws.data_validations.dataValidation if dv.type == "decimal"]
    assert validations and all(dv.operator == "greaterThanOrEqual" for dv in validations)


def test_conditional_formats_flag_adjusted_budgets(example_book):
    wb = openpyxl.load_workbook(example_book)
    ws = wb["产业链发展专项资金"]  # 44.97 → 8.23 without an explanation
    at = field_cells(example_book, ws.title)
    full, initial = at("funds.total.full_year"), at("funds.total.initial")
    rate, note = at("adjustment.rate", absolute=True), at("adjustment_note", absolute=True)
    rules = {str(rng.sqref): [r.formula[0] for r in rng.rules] for rng in ws.conditional_formatting}
    dollar = at("funds.total.full_year", absolute=True), at("funds.total.initial", absolute=True)
    assert any(f"ABS({dollar[0]}-{dollar[1]})>0.01" in f for f in rules[full])
    assert initial != full
    # Red first (|调整率| ≥ 10% and the explanation blank), then yellow.
    assert rules[full][0] == f"AND(ISNUMBER({rate}),ABS({rate})>=0.1,LEN(TRIM({note}))=0)"


def test_national_scheme_puts_the_total_row_first(tmp_path, example_doc):
    import copy

    from jixiao.workbook.fill import fill

    doc = copy.deepcopy(example_doc)
    doc.scheme = "national-2020"
    path = fill(doc, tmp_path / "n.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["行政运行（其他）经费"]
    at = field_cells(path, ws.title)
    total, current = ws[at("funds.total.full_year")], ws[at("funds.current.full_year")]
    assert total.row < current.row  # the total row first
    assert total.value == f"=SUM({at('funds.current.full_year')}:{at('funds.other.full_year')})"
    assert ws.cell(total.row, 2).value == "年度资金总额" and ws.cell(current.row, 2).value == "其中：当年财政拨款"


@pytest.mark.parametrize("name", ["O'Brien 项目", "张三's 项目", "行政运行!经费", "[方括号]经费", "星号*经费", "问号?经费",
                                  "斜杠/经费", "反斜杠\\经费", "冒号:经费", "控制\x01字符\x1f经费", "空\x00字节",
                                  "'首尾引号'", "_x0041_ 转义样"])
def test_a_project_named_with_an_awkward_character_is_written_and_read_back(tmp_path, example_doc, name):
    """Every project keeps its sheet, its names and its name: the sheet's name is made safe, the
    project's own name is kept as typed (what XML cannot carry goes in as Excel's _xHHHH_)."""
    import copy
    import warnings

    from jixiao.workbook.extract import extract
    from jixiao.workbook.fill import fill

    doc = copy.deepcopy(example_doc)
    doc.projects[0].name = name
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # XlsxWriter refuses a name with a warning: none may pass
        back = extract(fill(doc, tmp_path / "awkward.xlsx"))
    assert [p.name for p in back.projects] == [p.name for p in doc.projects]

def test_a_name_xlsxwriter_refuses_is_an_error_not_a_warning(tmp_path):
    import xlsxwriter

    from jixiao.errors import JixiaoError
    from jixiao.forms.sheet import FormSheet
    from jixiao.forms.styles import Styles

    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    sheet = FormSheet(wb, Styles(wb), "表", [10])
    with pytest.raises(JixiaoError, match="无法为工作表“表”写入名称"):
        sheet._define("表!not a name", "=表!$A$1")  # a space: XlsxWriter refuses it (and returns -1)
    sheet._define("表!jx_fine", "=表!$A$1")
    wb.close()
