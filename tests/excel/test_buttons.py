"""The button functions, run through xlwings' real remote implementation (``Book(json=...)``).

The payload is what the VBA client sends; the returned actions are carried out on the file
with openpyxl and the result is checked with jixiao itself.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import openpyxl
import pytest
import xlwings

from jixiao.checking import check_path
from jixiao.excel import buttons
from jixiao.report.findings import HEADERS
from jixiao.workbook.extract import extract, read_book

from ..conftest import SHEET
from .remote import VBA_ACTIONS, apply, payload, run

MACROS = Path(__file__).resolve().parents[2] / "macros"


def funcs(actions):
    return [a["func"] for a in actions]


def test_validate_writes_results_colours_and_links(tmp_path, example_book):
    actions = run(buttons.validate, example_book)
    assert set(funcs(actions)) <= VBA_ACTIONS
    out = tmp_path / "validated.xlsx"
    seen = apply(example_book, actions, out)
    findings = [f for f in check_path(example_book).findings if f.rule != "F06"]  # F06 needs formulas
    wb = openpyxl.load_workbook(out)
    ws = wb["校验结果"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == HEADERS and len(rows) == len(findings) + 1
    for row, f in zip(rows[1:], findings):
        assert (row[0], row[1], row[2], row[4]) == (f.severity.value, f.rule, f.form, f.message)
    for r in range(2, len(rows) + 1):
        assert ws.cell(r, 4).hyperlink.location.endswith("!" + rows[r - 1][3].split("!")[1])
    assert wb["附件2"]["I5"].fill.start_color.rgb.endswith("FFC7CE")  # F02, an error
    warning = _a_warning_alone(findings)
    assert wb[warning.sheet][warning.cell].fill.start_color.rgb.endswith("FFEB9C")  # yellow
    assert wb.active.title == "校验结果"
    counts = [sum(f.severity.value == s for f in findings) for s in ("错误", "警告", "提示")]
    assert seen["alerts"] == ["校验完成：错误 {}，警告 {}，提示 {}；有错误须改正后才能签批。明细见“校验结果”表。".format(*counts)]


def _a_warning_alone(findings):
    """A 警告 on a cell where no 错误 is (so its mark is yellow)."""
    errors = {(f.sheet, f.cell) for f in findings if f.severity.value == "错误"}
    return next(f for f in findings if f.severity.value == "警告" and f.sheet and (f.sheet, f.cell) not in errors)


def test_validate_again_replaces_the_results_and_old_marks(tmp_path, example_book):
    first = tmp_path / "first.xlsx"
    apply(example_book, run(buttons.validate, example_book), first)
    actions = run(buttons.validate, first)
    assert funcs(actions).count("addSheet") == 0 and "sheetClear" in funcs(actions)
    second = tmp_path / "second.xlsx"
    apply(first, actions, second)
    wb = openpyxl.load_workbook(second)
    assert wb.sheetnames.count("校验结果") == 1


def test_recompute_restores_formulas_and_then_the_arithmetic_rules_are_silent(tmp_path, tampered, TYPED, refs):
    actions = run(buttons.recompute, tampered)
    assert set(funcs(actions)) <= VBA_ACTIONS
    writes = [a for a in actions if a["func"] == "setValues"]
    assert all(str(v).startswith("=") for a in writes for row in a["values"] for v in row)  # formulas only
    out = tmp_path / "recomputed.xlsx"
    seen = apply(tampered, actions, out)
    wb = openpyxl.load_workbook(out)
    for ref in TYPED:
        assert str(wb[SHEET][ref].value).startswith("=")
    after = {f.rule for f in check_path(out).findings if f.form == SHEET}
    assert not after & {"M01", "S04", "S05", "R05", "F06"}
    assert "显示值有变化的 3 个" in seen["alerts"][0] and f"{SHEET}!{refs['funds.total.full_year']}：999 → 418.85" in seen["alerts"][0]
    # Every input is as it was.
    before_doc, after_doc = extract(tampered), extract(out)
    p_before, p_after = before_doc.projects[0], after_doc.projects[0]
    assert p_after.indicators == p_before.indicators and p_after.funds.current == p_before.funds.current
    assert p_after.goals == p_before.goals and p_after.name == p_before.name


def test_recompute_writes_per_run_of_cells_not_per_cell(tampered):
    actions = run(buttons.recompute, tampered)
    writes = [a for a in actions if a["func"] == "setValues"]
    cells = sum(a["column_count"] for a in writes)
    assert len(writes) < cells  # adjacent derived cells go in one write
    sheets = len(read_book(tampered).forms)
    assert len(writes) <= 6 * sheets


def test_clear_marks_restores_colours_and_removes_the_results(tmp_path, example_book):
    validated = tmp_path / "validated.xlsx"
    apply(example_book, run(buttons.validate, example_book), validated)
    actions = run(buttons.clear_marks, validated)
    assert set(funcs(actions)) <= VBA_ACTIONS and "sheetDelete" in funcs(actions)
    out = tmp_path / "cleared.xlsx"
    seen = apply(validated, actions, out)
    wb = openpyxl.load_workbook(out)
    assert "校验结果" not in wb.sheetnames
    assert wb["附件2"]["I5"].fill.start_color.rgb.endswith("F2F2F2")  # a derived cell: its grey again
    warning = _a_warning_alone([f for f in check_path(example_book).findings if f.rule != "F06"])
    original = openpyxl.load_workbook(example_book)[warning.sheet][warning.cell].fill.start_color.rgb
    assert wb[warning.sheet][warning.cell].fill.start_color.rgb[2:] == original[2:] != "FFEB9C"  # its own colour again
    assert seen["alerts"][0].startswith("已清除 ")


def test_add_project_sheet_asks_the_vba_helper_to_copy_a_project_sheet_blank(example_book):
    actions = run(buttons.add_project_sheet, example_book)
    assert set(funcs(actions)) <= VBA_ACTIONS
    [macro] = [a["args"] for a in actions if a["func"] == "runMacro"]
    name, template, new_name, clear = macro
    assert name.endswith("!" + buttons.COPY_MACRO)  # Application.Run wants it qualified by the workbook
    assert template == "行政运行（其他）经费" and new_name == "项目20"
    cleared = clear.split(",")
    place = next(p for p in read_book(example_book).forms if p.sheet == template)
    assert place.positions.at("name") in cleared and place.positions.at("funds.current.initial") in cleared
    assert place.positions.at("funds.total.initial") not in cleared  # a derived cell keeps its formula
    assert any(re.fullmatch(r"D\d+:I\d+", c) for c in cleared)  # the indicator rows
    vba = (MACROS / "JixiaoButtons.bas").read_text(encoding="ascii")
    assert re.search(rf"Sub {buttons.COPY_MACRO}\(wb As Workbook, template As String, newName As String, clearList As String\)", vba)


def test_self_check_reports_versions_in_chinese(example_book):
    actions = run(buttons.self_check, example_book)
    [alert] = [a["args"][0] for a in actions if a["func"] == "alert"]
    assert sys.executable in alert and "jixiao 版本：" in alert and "xlwings 版本：" in alert


def test_an_unreadable_workbook_gets_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(path)
    actions = run(buttons.validate, path)
    assert funcs(actions) == ["alert"] and "无法读取本工作簿" in actions[0]["args"][0]


@pytest.mark.libreoffice
def test_validate_on_a_libreoffice_recalculated_workbook(recalculated_book, example_book):
    """The values Excel would send are LibreOffice's, not our cached ones: same findings."""
    theirs = [a for a in run(buttons.validate, recalculated_book) if a["func"] == "setValues"]
    ours = [a for a in run(buttons.validate, example_book) if a["func"] == "setValues"]
    assert theirs[0]["values"] == ours[0]["values"]


# --- the desktop's one-call helpers ------------------------------------------------------------


@pytest.mark.parametrize("rows, names", [
    (None, []),  # a workbook without names: the helper returns Empty
    ((("jx_year", "基本信息", "$B$2"), (None, None, None)), [("jx_year", "基本信息", "$B$2")]),  # unused rows
    ((("'项目 1'!jx_name", "项目 1", "$C$3:$E$3"),), [("'项目 1'!jx_name", "项目 1", "$C$3:$E$3")]),
])
def test_names_from_the_helpers_array(rows, names):
    assert buttons.names_from_rows(rows) == names


def test_the_helpers_array_matches_walking_the_names(example_book):
    """What the remote client sends, walked as names, equals the same names as the helper's rows."""
    book = xlwings.Book(json=payload(example_book))
    walked = buttons._names(book)
    assert len(walked) > 100
    rows = tuple(walked) + ((None, None, None),) * 3
    assert buttons.names_from_rows(rows) == walked


@pytest.mark.parametrize("cells", [["A1"], [f"B{n}" for n in range(1, 200)], [f"AB{n}" for n in range(1000, 1100)]])
def test_cells_are_coloured_in_few_ranges_excel_accepts(cells):
    areas = buttons.multi_area(cells)
    assert all(len(a) <= buttons.RANGE_TEXT_MAX for a in areas)
    assert ",".join(areas).split(",") == cells  # each cell once, in order
    for area, following in zip(areas, areas[1:]):  # each as long as it can be: the next cell would not fit
        assert len(area) + 1 + len(following.split(",")[0]) > buttons.RANGE_TEXT_MAX


@pytest.mark.parametrize("macro, arity", [(buttons.NAMES_MACRO, 0), (buttons.LINKS_MACRO, 5), (buttons.COPY_MACRO, 4)])
def test_every_helper_the_buttons_call_is_in_the_vba(macro, arity):
    vba = (MACROS / "JixiaoButtons.bas").read_text(encoding="ascii")
    m = re.search(rf"^(?:Sub|Function) {macro}\((.*)\)", vba, re.M)
    assert m is not None
    assert len([p for p in m.group(1).split(",") if p.strip()]) == arity


def test_the_button_path_needs_neither_pandas_nor_numpy(example_book):
    """xlwings imports them when they are there (before jixiao gets control); jixiao's button
    code must not need them, so that a PC or a future xlwings without them loses nothing."""
    script = f"""
import os, sys
sys.modules["pandas"] = None; sys.modules["numpy"] = None  # any import of them now fails
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
from pathlib import Path
import xlwings as xw
sys.path.insert(0, {str(Path(__file__).parents[2])!r})
from tests.excel.remote import payload
from jixiao.excel import buttons
for function in (buttons.validate, buttons.recompute, buttons.self_check):
    book = xw.Book(json=payload(Path({str(example_book)!r})))
    function(book)
    assert book.json()["actions"], function
print("ok")
"""
    import subprocess

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


@pytest.mark.parametrize("keep", ["book scope only", "none"])
def test_a_workbook_whose_names_did_not_arrive_is_refused_not_passed(example_book, keep):
    """An older client, or names removed: the button must not report 错误 0 of what it never read."""
    data = payload(example_book)
    data["names"] = [n for n in data["names"] if n["book_scope"]] if keep == "book scope only" else []
    book = xlwings.Book(json=data)
    buttons.validate(book)
    [alert] = [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"]
    assert alert.startswith("无法读取本工作簿") and "校验完成" not in alert
    assert [a["func"] for a in book.json()["actions"]] == ["alert"]  # nothing coloured, no results sheet
