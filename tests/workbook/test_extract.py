"""extract(fill(d)) == d after the spec's normalisation, also after staff edit the workbook in Excel."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from decimal import Decimal

import openpyxl
import pytest

from jixiao.model.derive import canonical
from jixiao.model.document import Indicator, Project
from jixiao.workbook.extract import CellLocations, _clean_column, _clean_raw_column, extract
from jixiao.workbook.reader import grid_value
from jixiao.workbook.fill import blank_document, fill, new

from .helpers import excel_like_insert_rows


def test_round_trip_of_the_whole_example(example_doc, example_book):
    back = extract(example_book)
    assert canonical(back) == canonical(example_doc)
    # Field for field, including what the document states against its own formulas.
    assert back.overall.execution.score == "100%"
    assert back.overall.total_score == Decimal("95.2")
    assert back.basic_data.project_spending.special_total.prior == Decimal("1048.26")
    assert back.projects[0].report.performance == example_doc.projects[0].report.performance
    assert [f.project for f in back.basic_data.project_spending.special_funds][:3] == ["xzyx", "xxhgz", "xzyx"]


def test_round_trip_in_the_national_scheme_keeps_unknown_categories(tmp_path, example_doc):
    doc = copy.deepcopy(example_doc)
    doc.scheme = "national-2020"  # 成本指标 is not a 一级 there: rows are kept, in order
    back = extract(fill(doc, tmp_path / "n.xlsx"))
    assert canonical(back) == canonical(doc)


@pytest.mark.parametrize("scheme", ["hunan-2024", "national-2020"])
def test_blank_workbook_extracts_as_an_empty_document(tmp_path, scheme):
    back = extract(new(2025, scheme, 3, tmp_path / "blank.xlsx"))
    assert back.year == 2025 and back.scheme == scheme
    assert len(back.projects) == 3 and all(p == Project() for p in back.projects)
    assert back.overall.indicators == [] and back.basic_data.project_spending.special_funds == []


def _row_of(ws, text, col="D"):
    return next(c.row for c in ws[col] if c.value == text)


def test_extract_after_excel_like_edits(tmp_path, example_doc, example_book):
    """Rows inserted into the indicator table and the 专项 list, and a formula typed over."""
    path = tmp_path / "edited.xlsx"
    shutil.copy(example_book, path)
    wb = openpyxl.load_workbook(path)

    # Two indicators inserted after the first one of 行政运行（其他）经费.
    ws = wb["行政运行（其他）经费"]
    at = _row_of(ws, "可供正常使用的会议室数量") + 1
    excel_like_insert_rows(wb, ws, at, 2)
    for i, (name, target, actual) in enumerate([("新增指标甲", "≥2个", "3个"), ("新增指标乙", "=100%", "100%")]):
        for col, value in zip("DEFGH", (name, target, actual, 5, 5)):
            ws[f"{col}{at + i}"] = value
        ws[f"E{at + i}"].data_type = "s"  # typed into a text-formatted cell, "=100%" stays text
    # A derived cell overwritten with a typed value: 年度资金总额 全年执行数.
    total_row = next(c.row for c in ws["B"] if c.value == "年度资金总额")
    assert str(ws[f"F{total_row}"].value).startswith("=SUM(")
    ws[f"F{total_row}"] = 400

    # A 专项 row inserted in 附件1 just before the last one.
    a1 = wb["附件1"]
    last = _row_of(a1, "拨付株洲市园区高质量发展专题培训班外出培训费", col="A")
    excel_like_insert_rows(wb, a1, last, 1)
    a1[f"A{last}"], a1[f"D{last}"], a1[f"F{last}"] = "新增专项", 1.5, 1.25
    wb.save(path)

    back = extract(path)
    expected = copy.deepcopy(example_doc)
    p = expected.projects[0]
    p.indicators[1:1] = [Indicator("产出指标", "数量指标", "新增指标甲", "≥2个", "3个", Decimal(5), Decimal(5)),
                         Indicator("产出指标", "数量指标", "新增指标乙", "=100%", "100%", Decimal(5), Decimal(5))]
    p.funds.total.executed = Decimal(400)
    funds = expected.basic_data.project_spending.special_funds
    funds.insert(len(funds) - 1, type(funds[0])(name="新增专项", budget=Decimal("1.5"), final=Decimal("1.25")))
    assert back.projects[0].indicators == p.indicators
    assert back.projects[0].funds.total.executed == Decimal(400)
    assert back.basic_data.project_spending.special_funds == funds
    # Everything else is unchanged: undo the three edits and compare with the original.
    del back.projects[0].indicators[1:3]
    back.projects[0].funds.total.executed = None
    del back.basic_data.project_spending.special_funds[-2]
    assert canonical(back) == canonical(example_doc)


@pytest.mark.parametrize("reading", ["quick scan", "calamine"])
def test_a_table_name_stretched_to_the_last_row_reads_only_the_rows_with_content(tmp_path, example_book, reading,
                                                                                   monkeypatch):
    """A hostile or careless file stretches every table's name to row 1048576: it reads exactly as
    with the names stretched one row past the sheet's last row with content (the rows between are
    blank), and no column is read past that last row."""
    import re
    import zipfile

    from jixiao.forms.spec import FORM_SPECS
    from jixiao.workbook import reader
    from jixiao.workbook.extract import read_book

    tables = "|".join(sorted({table.name for spec in FORM_SPECS for table in spec.tables}))
    with reader.Workbook(example_book) as book:
        last_rows = [book.sheet(name).last_row() for name in book.sheet_names()]

    def stretched(to_row) -> str:
        path = tmp_path / f"stretched-{to_row.__name__}.xlsx"
        with zipfile.ZipFile(example_book) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item)
                if item.filename == "xl/workbook.xml":
                    data, count = re.subn(
                        rf'(<definedName name="(?:{tables})" localSheetId="(\d+)">[^<]*:\$[A-Z]+\$)\d+'.encode(),
                        lambda m: m.group(1) + str(to_row(int(m.group(2)))).encode(), data)
                    assert count >= 4  # a project's, 附件2's and 附件1's two tables at least
                dst.writestr(item, data)
        return path

    def to_the_last_row(sheet: int) -> int:
        return 1048576

    def just_past_the_content(sheet: int) -> int:
        return last_rows[sheet] + 2  # 1-based: the first blank row below the content

    if reading == "calamine":
        monkeypatch.setattr(reader, "quick_scan", lambda *args: None)
    reads = []
    for cls in (reader.Sheet, reader.ScannedSheet, reader.GridSheet):
        for method in ("column", "raw_columns"):
            if method in vars(cls):
                original = vars(cls)[method]
                monkeypatch.setattr(cls, method, lambda self, r1, r2, *rest, _f=original: (
                    reads.append((r2, self.last_row())) or _f(self, r1, r2, *rest)))
    far, near = read_book(stretched(to_the_last_row)), read_book(stretched(just_past_the_content))
    assert canonical(far.doc) == canonical(near.doc)
    assert far.formula_states == near.formula_states
    assert reads and all(r2 <= last for r2, last in reads)


def test_extract_reads_json_output_too(tmp_path, example_book):
    from jixiao.model.dataformat import load, save

    doc = extract(example_book)
    save(doc, tmp_path / "d.json")
    assert load(tmp_path / "d.json") == doc


def test_blank_document_factory():
    doc = blank_document(2024, "hunan-2024", 2, department="某局")
    assert doc.department.name == "某局" and len(doc.projects) == 2


RAW_VALUES = ["", " ", "  文字 ", "—", "不适用", "100%", "TRUE", "#DIV/0!", 0.0, 12.5, 3.0, -0.1, 1e16, 0.1 + 0.2,
              True, False, 7, None, dt.datetime(2024, 12, 31, 12, 0), dt.date(2024, 1, 2), dt.time(6, 30),
              dt.timedelta(hours=36)]


@pytest.mark.parametrize("kind", ["text", "amount", "rate", "score", "count", "area"])
def test_raw_columns_clean_as_converted_ones(kind):
    """Tables read from calamine's raw values (one pass) come out as the general path gives them:
    ``grid_value`` of each value, then ``_clean``."""
    expected = _clean_column([grid_value(v) for v in RAW_VALUES], kind)
    assert _clean_raw_column(list(RAW_VALUES), kind) == expected
    assert [type(v) for v in _clean_raw_column(list(RAW_VALUES), kind)] == [type(v) for v in expected]


def _locations():
    locations = CellLocations()
    locations.fields["department.name"] = (2, 1)
    locations.forms["projects[0]"] = {"funds.total.executed": (9, 6, 9, 6)}
    # rows 14, 15 and 17 of the sheet hold indicators 0, 1, 2; columns from B (1), score at +6
    locations.tables["projects[0].indicators"] = ([14, 15, 17], {"name": 2, "score": 6}, 1)
    return locations


@pytest.mark.parametrize("path, cell", [
    ("department.name", "B3"),
    ("projects[0].funds.total.executed", "G10"),
    ("projects[0].indicators[0].score", "H15"),
    ("projects[0].indicators[2].name", "D18"),
    ("projects[0].indicators[2]", "B18"),
    ("projects[0].indicators[3].score", None),  # no such row
    ("projects[0].indicators[1].nope", None),  # no such column
    ("projects[0].indicators[1]score", None),
    ("projects[0].indicators[x].score", None),
    ("projects[0].indicators[²].score", None),
    ("projects[1].indicators[0].score", None),  # no such table
    ("projects[0].funds.total.initial", None),
])
def test_cell_locations(path, cell):
    locations = _locations()
    assert locations.get(path) == cell
    assert (path in locations) is (cell is not None)
