"""The 基本信息 sheet (``layout.INFO_FIELDS``), field by field, as the project head is tested in
``test_project_head.py``: each department field gets a value no other cell holds and is followed
through its named cell, extract, next year's form, the forms' footer and a workbook read by labels."""

from __future__ import annotations

import copy

import pytest

from jixiao.forms.layout import FOOTER_FIELDS, INFO_FIELDS, INFO_SHEET
from jixiao.model.document import get_path, set_path
from jixiao.workbook.fill import fill

from ..conftest import without_names

DEPARTMENT = [pytest.param(f, id=f.path) for f in INFO_FIELDS if f.path.startswith("department.")]


def _marked(example_doc, field):
    doc = copy.deepcopy(example_doc)
    value = f"甲乙{field.label}丙丁"  # found nowhere else in the example
    set_path(doc, field.path, value)
    return doc, value


@pytest.mark.parametrize("field", DEPARTMENT)
def test_a_department_field_fills_its_named_cell_beside_its_label_and_extracts(tmp_path, example_doc, field):
    import openpyxl

    from jixiao.workbook.extract import extract

    doc, value = _marked(example_doc, field)
    book = fill(doc, tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(book)
    sheet, ref = next(wb.defined_names[field.name].destinations)
    assert sheet == INFO_SHEET
    cell = wb[sheet][ref.replace("$", "")]
    assert cell.value == value
    assert wb[sheet].cell(cell.row, cell.column - 1).value == field.label
    assert get_path(extract(book), field.path) == value


def test_every_info_field_has_its_own_row_and_label():
    labels = [f.label for f in INFO_FIELDS]
    names = [f.name for f in INFO_FIELDS]
    assert all(labels) and len(set(labels)) == len(labels) and len(set(names)) == len(names)


@pytest.mark.parametrize("field", DEPARTMENT)
def test_a_department_field_goes_into_next_years_form_as_declared(example_doc, field):
    from jixiao.importing import carry_forward

    doc, value = _marked(example_doc, field)
    assert get_path(carry_forward(doc, doc.year + 1), field.path) == (value if field.carry else None)


@pytest.mark.parametrize("field", [pytest.param(f, id=f.path) for f in FOOTER_FIELDS])
def test_a_footer_field_follows_its_label_under_both_attachments(tmp_path, example_doc, field):
    import openpyxl

    doc, value = _marked(example_doc, field)
    wb = openpyxl.load_workbook(fill(doc, tmp_path / "b.xlsx"), data_only=True)
    for sheet in ("附件1", "附件2"):
        footer = next(c.value for row in wb[sheet].iter_rows() for c in row
                      if isinstance(c.value, str) and c.value.startswith(FOOTER_FIELDS[0].label + "："))
        assert f"{field.label}：{value}" in footer, sheet


@pytest.mark.parametrize("field", DEPARTMENT)
def test_a_department_field_is_read_by_its_label_from_a_workbook_without_names(tmp_path, example_doc, field):
    from jixiao.sources import read_source

    doc, value = _marked(example_doc, field)
    bare = without_names(fill(doc, tmp_path / "b.xlsx"), tmp_path / "无名称.xlsx")
    contents = read_source(bare)
    assert contents.by_labels
    assert get_path(contents.doc, field.path) == value
