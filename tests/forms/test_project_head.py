"""The project form's head (``layout.PROJECT_HEAD``), field by field: every place that reads or
writes a head field walks the one declaration, so each test here runs once per declared field and a
field added there is tested without a new test. Each gives the first project a value no other cell
holds and follows it through the sheet, extract, next year's form, a form read by its labels, the
report and F01."""

from __future__ import annotations

import copy

import pytest

from jixiao.forms.layout import HEAD_SPANS, PROJECT_HEAD, PROJECT_HEAD_FIELDS
from jixiao.workbook.fill import fill

from ..conftest import without_names

HEAD = [pytest.param(f, id=f.path) for f in PROJECT_HEAD_FIELDS]


def _marked(example_doc, field):
    doc = copy.deepcopy(example_doc)
    value = f"甲乙{field.label}丙丁"  # found nowhere else in the example
    setattr(doc.projects[0], field.path, value)
    return doc, value


def _first_project_sheet(book):
    from jixiao.workbook.extract import read_book

    return next(p for p in read_book(book).forms if p.prefix == "projects[0]")


@pytest.mark.parametrize("field", HEAD)
def test_a_head_field_fills_its_named_cell_beside_its_label_and_extracts(tmp_path, example_doc, field):
    import openpyxl

    from jixiao.workbook.extract import extract

    doc, value = _marked(example_doc, field)
    book = fill(doc, tmp_path / "b.xlsx")
    place = _first_project_sheet(book)
    cell = place.positions.at(field.path)  # the cell its defined name points at
    ws = openpyxl.load_workbook(book)[place.sheet]
    assert ws[cell].value == value
    # its label is the nearest filled cell to its left, on its row
    row, col = ws[cell].row, ws[cell].column
    left = next(ws.cell(row, c).value for c in range(col - 1, 0, -1) if ws.cell(row, c).value)
    assert left == field.label
    assert getattr(extract(book).projects[0], field.path) == value


def test_the_head_rows_are_as_declared_one_or_two_fields_each():
    assert all(len(fields) in HEAD_SPANS for fields in PROJECT_HEAD)
    labels = [f.label for f in PROJECT_HEAD_FIELDS]
    assert all(labels) and len(set(labels)) == len(labels)


@pytest.mark.parametrize("field", HEAD)
def test_a_head_field_goes_into_next_years_form_as_declared(example_doc, field):
    from jixiao.importing import carry_forward

    doc, value = _marked(example_doc, field)
    carried = carry_forward(doc, doc.year + 1).projects[0]
    assert getattr(carried, field.path) == (value if field.carry else None)


@pytest.mark.parametrize("field", HEAD)
def test_a_head_field_is_read_by_its_label_from_a_workbook_without_names(tmp_path, example_doc, field):
    from jixiao.sources import read_source

    doc, value = _marked(example_doc, field)
    bare = without_names(fill(doc, tmp_path / "b.xlsx"), tmp_path / "无名称.xlsx")
    contents = read_source(bare)
    assert contents.by_labels
    assert getattr(contents.doc.projects[0], field.path) == value


@pytest.mark.parametrize("field", HEAD)
def test_a_head_field_is_printed_beside_its_label_in_the_report(tmp_path, example_doc, field):
    import docx

    from jixiao.report.render import render_report

    doc, value = _marked(example_doc, field)
    report = docx.Document(render_report(doc, tmp_path / "r.docx"))
    rows = [[c.text for c in row.cells] for t in report.tables for row in t.rows]
    row = next(r for r in rows if value in r)
    assert row[row.index(value) - 1] == field.label


@pytest.mark.parametrize("field", [f for f in HEAD if f.values[0].required])
def test_a_required_head_field_left_blank_is_an_F01_error_at_its_cell(tmp_path, example_doc, field):
    from jixiao.checking import check_path

    doc = copy.deepcopy(example_doc)
    setattr(doc.projects[0], field.path, None)
    book = fill(doc, tmp_path / "b.xlsx")
    cell = _first_project_sheet(book).positions.at(field.path)
    hits = [f for f in check_path(book).findings if f.rule == "F01" and f.path == f"projects[0].{field.path}"]
    assert [(h.cell, h.message) for h in hits] == [(cell, f"{field.label}未填写。请填写")]


@pytest.mark.parametrize("field", HEAD)
def test_a_head_field_is_read_by_the_buttons_from_what_excel_sends(tmp_path, example_doc, field):
    """The buttons read the book from the values and names xlwings' VBA client sends."""
    import xlwings as xw

    from jixiao.excel.buttons import Snapshot

    from ..excel.remote import payload

    doc, value = _marked(example_doc, field)
    book = xw.Book(json=payload(fill(doc, tmp_path / "b.xlsx")))
    assert getattr(Snapshot.read(book).contents().doc.projects[0], field.path) == value
