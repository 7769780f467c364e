"""Everywhere a workbook is accepted, a filed form is accepted: check, extract, new --from, report
and batch folders, with the seed department's Word document and another office's workbook."""

from __future__ import annotations

import json
import shutil

import pytest

from jixiao.model.dataformat import load, to_plain

from ..conftest import EXAMPLE, run_cli
from ..examples.test_example_findings import ERRORS
from ..filed.filed_forms import build_docx, build_xlsx
from ..filed.test_forms import added_at_transcription, differences


@pytest.fixture(scope="module")
def filed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("filed")
    return build_docx(folder / "2024自评.docx"), build_xlsx(folder / "财政局模板.xlsx")


def test_check_a_filed_word_document(filed):
    docx, _ = filed
    result = run_cli("check", docx)
    assert result.returncode == 1  # the filed forms keep their errors
    assert f"错误 {ERRORS}，" in result.stdout.splitlines()[-1]
    # findings point at the table, the row and the column of the document
    assert "  错误 F02 表2 第3行 得分  " in result.stdout


def test_check_json_says_it_was_a_document(filed):
    docx, xlsx = filed
    data = json.loads(run_cli("check", docx, xlsx, "--format", "json").stdout)
    assert [f["source"] for f in data["files"]] == ["document", "workbook"]
    assert all(f["unplaced"] == [] and f["readable"] for f in data["files"])
    # in another office's workbook, a finding names its sheet and cell
    sheets = {f["sheet"] for f in data["files"][1]["findings"]}
    assert sheets and None not in sheets and "2024项目支出绩效自评" in sheets
    assert all(f["cell"][0].isalpha() and f["cell"][-1].isdigit() for f in data["files"][1]["findings"])
    assert all(f["sheet"] is None and f["cell"].startswith("表") for f in data["files"][0]["findings"])


def test_extract_a_filed_document_and_a_foreign_workbook(tmp_path, filed):
    example = to_plain(load(EXAMPLE))
    for source in filed:
        out = tmp_path / f"{source.stem}.yaml"
        result = run_cli("extract", source, "-o", out)
        assert result.returncode == 0, result.stderr
        left = [d for d in differences(to_plain(load(out)), example)
                if not added_at_transcription(d[0]) and not d[0].endswith(".report")]
        assert left == []


def test_next_year_from_the_filed_document(tmp_path, filed):
    docx, _ = filed
    out = tmp_path / "2025.xlsx"
    result = run_cli("new", "--from", docx, "--year", "2025", "-o", out)
    assert result.returncode == 0, result.stderr
    from jixiao.workbook.extract import extract

    doc = extract(out)
    assert doc.year == 2025 and len(doc.projects) == 19
    assert doc.projects[0].name == "行政运行（其他）经费"
    assert doc.projects[0].indicators[0].target == "≥4个" and doc.projects[0].indicators[0].actual is None


def test_a_batch_folder_with_documents_among_workbooks(tmp_path, filed, example_book):
    folder = tmp_path / "收件"
    folder.mkdir()
    shutil.copy(filed[0], folder / "甲部门.docx")
    shutil.copy(example_book, folder / "乙部门.xlsx")
    (folder / "丙部门.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    result = run_cli("check", folder, "--jobs", "1")
    assert result.returncode == 2  # the .doc cannot be read; the rest are checked
    # the document and the workbook are one department: counted once, the other named
    assert "株洲市工业和信息化局" in result.stdout and "甲部门.docx" in result.stdout
    assert f"按部门计 2 个：无法读取 1 个，错误合计 {ERRORS}" in result.stdout
    assert "丙部门.doc：无法读取：这是旧版 Word 97-2003 格式（.doc）" in result.stdout
