"""`jixiao check` as a reviewer uses it: text, JSON, exit codes, batches, annotated copies."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from jixiao.model.dataformat import save
from jixiao.workbook.reader import Workbook

from ..conftest import EXAMPLE, run_cli
from ..examples.corrections import corrected
from ..workbook.test_safety import bad_files


def test_text_output_groups_by_form_worst_first(example_book):
    result = run_cli("check", example_book)
    assert result.returncode == 1  # the filed example has 错误
    out = result.stdout
    from jixiao.checking import check_path

    a2_summary = next(s for s in check_path(example_book).summaries if s.form == "附件2")
    assert f"■ 附件2：总分 95.2（优）；错误 {a2_summary.errors}，警告 {a2_summary.warnings}，提示 {a2_summary.infos}" in out
    a2 = out.split("■ 附件2")[1].split("■ ")[0].splitlines()[1:]
    severities = [line.split()[0] for line in a2 if line.strip()]
    assert severities == sorted(severities, key=["错误", "警告", "提示"].index)
    assert "错误 F02 I5" in out and "合计：错误" in out


def test_exit_0_for_the_corrected_example(tmp_path, example_doc):
    save(corrected(example_doc), tmp_path / "ok.yaml")
    result = run_cli("check", tmp_path / "ok.yaml")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "通过：没有错误" in result.stdout


def test_json_schema(example_book):
    result = run_cli("check", "--format", "json", example_book, EXAMPLE)
    data = json.loads(result.stdout)
    assert data["format"] == "jixiao-check/1"
    assert data["totals"]["files"] == 2 and data["totals"]["unreadable"] == 0
    book, yaml_file = data["files"]
    assert book["source"] == "workbook" and yaml_file["source"] == "data"
    assert {"form", "total_score", "grade", "errors", "warnings", "infos"} == set(book["forms"][0])
    f02 = next(f for f in book["findings"] if f["rule"] == "F02")
    assert f02 == {"rule": "F02", "severity": "错误", "form": "附件2", "sheet": "附件2", "cell": "I5",
                   "path": "overall.execution.score", "message": f02["message"], "expected": "10"}
    assert next(f for f in yaml_file["findings"] if f["rule"] == "F02")["cell"] == "overall.execution.score"
    assert data["totals"]["errors"] == sum(f["errors"] for x in data["files"] for f in x["forms"])


def test_a_batch_with_broken_files_checks_the_good_ones_and_exits_2(tmp_path, example_book):
    broken = bad_files(tmp_path, example_book)
    result = run_cli("check", "--format", "json", example_book, broken["corrupt"][0], broken["text"][0],
                     broken["encrypted"][0])
    assert result.returncode == 2 and "Traceback" not in result.stderr
    files = json.loads(result.stdout)["files"]
    assert [f["readable"] for f in files] == [True, False, False, False]
    assert files[0]["findings"] and "已损坏" in files[1]["error"] and "设置了打开密码" in files[3]["error"]


def test_a_stray_value_at_the_last_cell_of_a_sheet_is_checked_not_a_crash(tmp_path, example_book):
    """Someone typed "x" into XFD1048576 of a project sheet. python-calamine would try to allocate
    the whole sheet (and abort the process); the check reads that sheet sparsely and reports the
    same findings as for the untouched workbook."""
    import zipfile

    far = tmp_path / "far.xlsx"
    with zipfile.ZipFile(example_book) as src, zipfile.ZipFile(far, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet5.xml":
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                                    b"<is><t>x</t></is></c></row></sheetData>")
            dst.writestr(item, data)
    before = json.loads(run_cli("check", "--format", "json", example_book).stdout)["files"][0]
    result = run_cli("check", "--format", "json", far)
    assert result.returncode == 1, result.stderr  # the example's 错误, not a crash (134) or unreadable (2)
    after = json.loads(result.stdout)["files"][0]
    assert after["findings"] == before["findings"] and after["forms"] == before["forms"]


def test_unsupported_file_type(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    result = run_cli("check", tmp_path / "a.txt")
    assert result.returncode == 2 and "不支持的文件类型" in result.stdout


@pytest.fixture
def annotated(tmp_path, example_book):
    book = tmp_path / "in.xlsx"
    shutil.copy(example_book, book)
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    out = tmp_path / "标注.xlsx"
    result = run_cli("check", book, "--annotate", out)
    assert result.returncode == 1 and f"已另存标注结果：{out}" in result.stdout
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before  # the input is never touched
    return out


def test_annotate_writes_results_links_and_colours(annotated, example_book):
    from jixiao.checking import check_path

    findings = check_path(example_book).findings
    wb = openpyxl.load_workbook(annotated)
    assert wb.sheetnames[-1] == "校验结果" and wb.active.title == "校验结果"  # opens on the results
    assert sum(bool(ws.sheet_view.tabSelected) for ws in wb.worksheets) == 1  # no grouped sheets
    ws = wb["校验结果"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(findings)
    for row, cell, f in zip(rows, ws.iter_rows(min_row=2, min_col=4, max_col=4), findings):
        assert row[:3] == (f.severity.value, f.rule, f.form) and row[4] == f.message
        link = cell[0].hyperlink
        assert link is not None and link.location.endswith(f"!{f.cell}")
    a2 = wb["附件2"]
    worst: dict[str, str] = {}  # cell → the worst severity found there
    for f in findings:
        if f.sheet == "附件2":
            worst[f.cell] = min(worst.get(f.cell, "提示"), f.severity.value, key=["错误", "警告", "提示"].index)
    assert {"错误", "警告", "提示"} <= set(worst.values())
    for cell, severity in worst.items():
        fill = a2[cell].fill
        if severity == "提示":
            assert fill.fill_type is None, cell  # 提示 is not coloured
        else:  # red for 错误, and red wins over yellow on a cell with both (I5: F02 and F06)
            assert fill.start_color.rgb.endswith("FFC7CE" if severity == "错误" else "FFEB9C"), cell
    assert worst["I5"] == "错误" and {f.rule for f in findings if f.cell == "I5" and f.sheet == "附件2"} == {"F02", "F06"}
    assert ws.cell(2 + [f.rule for f in findings].index("F06"), 5).data_type == "s"
    source = openpyxl.load_workbook(example_book)["附件2"]["I5"]
    # only the fill changed: the border and the number format (a score's 0.00) are the source's
    assert a2["I5"].border.left.style == "thin" and a2["I5"].number_format == source.number_format == "0.00"


def test_annotated_copy_keeps_cached_values(annotated, example_book):
    from ..workbook.helpers import formula_cells

    original = formula_cells(example_book)
    copy = formula_cells(annotated)
    assert original and all(copy[k] == v for k, v in original.items())


@pytest.mark.libreoffice
def test_libreoffice_opens_the_annotated_copy(annotated, tmp_path):
    from jixiao.workbook.libreoffice import convert

    out = convert(annotated, "xlsx", tmp_path / "lo")
    with Workbook(out) as book:
        assert book.sheet_names()[-1] == "校验结果"
        from jixiao.checking import check_path

        assert book.sheet("校验结果").value(1, 1) == check_path(annotated).findings[0].rule


def test_annotating_twice_replaces_the_results(annotated, tmp_path, example_book):
    from jixiao.checking import check_path
    from jixiao.report.annotate import annotate

    again = annotate(annotated, tmp_path / "again.xlsx", check_path(annotated).findings)
    wb = openpyxl.load_workbook(again)
    assert wb.sheetnames.count("校验结果") == 1
    assert wb["校验结果"].max_row == len(check_path(example_book).findings) + 1


def test_annotate_needs_one_workbook(tmp_path):
    result = run_cli("check", EXAMPLE, "--annotate", tmp_path / "x.xlsx")
    assert result.returncode == 2 and "只能用于检查单个工作簿" in result.stderr


def test_the_results_filter_has_the_name_excel_writes_with_it(annotated, tmp_path):
    """An autoFilter comes with a hidden _xlnm._FilterDatabase name scoped to its sheet (once,
    however often the workbook is annotated)."""
    import re
    import zipfile

    from openpyxl.utils.cell import absolute_coordinate

    from jixiao.checking import check_path
    from jixiao.report.annotate import annotate

    again = annotate(annotated, tmp_path / "again.xlsx", check_path(annotated).findings)
    for path in (annotated, again):
        wb = openpyxl.load_workbook(path)
        ws = wb["校验结果"]
        with zipfile.ZipFile(path) as z:
            names = re.findall(r'<definedName name="_xlnm._FilterDatabase" localSheetId="(\d+)" hidden="1">([^<]*)<',
                               z.read("xl/workbook.xml").decode())
        position = wb.sheetnames.index("校验结果")
        assert names == [(str(position), f"'校验结果'!{absolute_coordinate(ws.auto_filter.ref)}")]
        with Workbook(path) as book:
            assert book.name("_xlnm._FilterDatabase", "校验结果").sheet == "校验结果"


GOLDEN_TEXT = Path(__file__).parent / "golden" / "check_example.txt"


def test_the_examples_text_output_is_the_reviewed_golden_file(example_book):
    """`jixiao check` of the filed example, every line as it was read and judged by a person who
    must act on it (issue 16). A change here is a change in what staff are told: read the diff,
    then regenerate with `jixiao check <filled example> > tests/cli/golden/check_example.txt`."""
    result = run_cli("check", example_book)
    assert result.returncode == 1
    assert result.stdout.splitlines() == GOLDEN_TEXT.read_text(encoding="utf-8").splitlines()
