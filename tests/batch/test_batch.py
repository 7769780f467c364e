"""Reviewing a folder: every file a row, defects at the right rows, parallel = sequential."""

from __future__ import annotations

import copy
from pathlib import Path
from decimal import Decimal

import pandas as pd
import pytest

from jixiao.workbook.fill import fill

from ..conftest import run_cli
from ..examples.corrections import corrected

DEFECTS = {  # department name → (how the copy is spoiled, the rule that must show it)
    "total": (lambda d: setattr(d.projects[0].funds.total, "full_year", Decimal(500)), "M01"),
    "score": (lambda d: setattr(d.projects[1].indicators[0], "score", Decimal(99)), "S01"),
    "text": (lambda d: setattr(d.projects[2].execution, "score", "满分"), "F02"),
    "rate": (lambda d: setattr(d.projects[3].execution, "rate", "50%"), "R05"),
    "sources": (lambda d: setattr(d.overall.by_source, "other", Decimal(100)), "M02"),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory, example_doc):
    """30 department workbooks made from the corrected example, most with one seeded defect,
    plus a corrupt workbook and a text file renamed .xlsx."""
    root = tmp_path_factory.mktemp("bureau")
    base = corrected(example_doc)
    kinds = list(DEFECTS)
    for i in range(30):
        doc = copy.deepcopy(base)
        kind = kinds[i % len(kinds)] if i < 25 else None  # the last five are clean
        doc.department.name = f"部门{i:02d}-{kind or 'clean'}"
        for p in doc.projects:
            p.authority = doc.department.name
        if kind:
            DEFECTS[kind][0](doc)
        fill(doc, root / f"d{i:02d}.xlsx")
    good = (root / "d00.xlsx").read_bytes()
    (root / "corrupt.xlsx").write_bytes(good[: len(good) // 3])
    (root / "notes.xlsx").write_text("这不是工作簿", encoding="utf-8")
    (root / "~$d00.xlsx").write_bytes(b"lock")  # Excel's lock file: not a department
    return root


@pytest.fixture(scope="module")
def summaries(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("summaries")
    results = {}
    for jobs in ("1", "2"):
        path = out / f"summary{jobs}.xlsx"
        result = run_cli("check", folder, "--summary", path, "--jobs", jobs)
        results[jobs] = (result, pd.read_excel(path, sheet_name=None, engine="calamine"))
    return results


def test_every_file_is_a_row_and_unreadable_ones_say_why(summaries):
    result, sheets = summaries["1"]
    assert result.returncode == 2 and "Traceback" not in result.stderr
    departments = sheets["部门"]
    assert len(departments) == 32  # 30 workbooks, the corrupt one, the renamed text file
    unreadable = departments[departments["状态"] == "无法读取"]
    assert len(unreadable) == 2 and unreadable.index.tolist() == [0, 1]  # worst first
    assert any("已损坏" in r for r in unreadable["原因"]) and any("改了扩展名" in r for r in unreadable["原因"])


def test_defects_are_found_at_the_right_rows(summaries):
    _, sheets = summaries["1"]
    departments, findings = sheets["部门"], sheets["发现"]
    for name in departments["部门"].dropna():
        kind = name.split("-")[1]
        mine = set(findings[findings["部门"] == name]["规则"])
        row = departments[departments["部门"] == name].iloc[0]
        if kind == "clean":
            assert row["错误"] == 0
        else:
            assert DEFECTS[kind][1] in mine, (name, mine)
            assert row["错误"] >= 1
    assert (sheets["项目"]["错误"].iloc[0] >= sheets["项目"]["错误"]).all()  # worst first


def test_parallel_and_sequential_summaries_are_identical(summaries):
    _, one = summaries["1"]
    _, two = summaries["2"]
    for level in ("部门", "项目", "发现"):
        pd.testing.assert_frame_equal(one[level], two[level])


def test_summary_workbook_has_filters_frozen_headers_and_formats(folder, tmp_path, summaries):
    import openpyxl

    run_cli("check", folder, "--summary", tmp_path / "s.xlsx", "--jobs", "1")
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert wb.sheetnames == ["概览", "部门", "项目", "发现"]
    for ws in wb.worksheets[1:]:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    headers = [c.value for c in wb["部门"][1]]
    rate = headers.index("执行率") + 1
    assert wb["部门"].column_dimensions[openpyxl.utils.get_column_letter(rate)].number_format == "0.00%"


def test_json_gives_the_same_data(folder, summaries):
    import json

    result = run_cli("check", folder, "--format", "json", "--jobs", "2")
    data = json.loads(result.stdout)
    _, sheets = summaries["1"]
    assert data["format"] == "jixiao-summary/1"
    assert [r["文件"] for r in data["部门"]] == sheets["部门"]["文件"].tolist()
    assert len(data["发现"]) == len(sheets["发现"])


def test_a_projects_counts_are_its_own(example_book):
    """Each project row counts the findings of that project, all of them and only them (the
    rows group the findings once by index; the example has 19 projects, findings spread over
    them)."""
    import re

    from jixiao.batch import check_file
    from jixiao.checking import check_path

    record = check_file(str(example_book))
    findings = check_path(example_book).findings
    for i, row in enumerate(record.projects):
        mine = [f for f in findings if re.match(rf"^projects\[{i}\](\.|$)", f.path)]
        assert (row["错误"], row["警告"], row["提示"]) == tuple(
            sum(f.severity.value == s for f in mine) for s in ("错误", "警告", "提示")), row["项目"]
    assert sum(r["错误"] + r["警告"] + r["提示"] for r in record.projects) == sum(
        f.path.startswith("projects[") for f in findings)


# --- a batch survives its workers ---------------------------------------------------------------


def _children(pid: int) -> list[int]:
    path = f"/proc/{pid}/task/{pid}/children"
    try:
        with open(path) as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def test_a_worker_killed_midway_costs_only_its_file(folder, tmp_path, example_book):
    """The kernel's OOM killer (or any crash) ends a worker: its file becomes a row 无法读取 with
    the reason; every other file is checked and the summary is written."""
    import json
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    from jixiao.checking import expand

    from ..security.test_hostile_input import big_sheet

    batch = tmp_path / "batch"
    shutil.copytree(folder, batch)
    slow = big_sheet(tmp_path, example_book, 60).rename(batch / "0-slow.xlsx")  # first, and seconds long
    files = expand([batch])
    summary = tmp_path / "s.json"
    with open(summary, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "jixiao", "check", batch, "--jobs", "2", "--format", "json"],
                                   stdout=out, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while len(_children(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(1.0)  # the slow file is being read
        for worker in _children(process.pid):
            try:
                os.kill(worker, signal.SIGKILL)
            except ProcessLookupError:  # it had just finished
                pass
        assert process.wait(60) in (1, 2), process.stderr.read()
    departments = json.loads(summary.read_text(encoding="utf-8"))["部门"]
    assert sorted(d["文件"] for d in departments) == sorted(map(str, files))  # every file is a row
    died = {d["文件"] for d in departments if "意外退出" in (d["原因"] or "")}
    assert str(slow) in died and len(died) <= 2  # the files the killed workers had
    unreadable = [d for d in departments if d["状态"] == "无法读取"]
    assert len(unreadable) == 2 + len(died)  # the folder's corrupt and renamed files, and those


def test_a_file_over_its_time_is_given_up_and_the_rest_go_on(tmp_path, example_book):
    from jixiao.batch import run_batch

    from ..security.test_hostile_input import big_sheet

    slow = big_sheet(tmp_path, example_book, 60)  # a 60 MB sheet: several seconds to read
    records = run_batch([slow, example_book, example_book], jobs=2, timeout=2)
    assert [r.department["状态"] for r in records] == ["无法读取", "已检查", "已检查"]
    assert records[0].department["原因"].startswith("超时：超过 2 秒")
    assert [r.path for r in records] == [str(slow), str(example_book), str(example_book)]  # in order


def test_every_entry_that_looks_like_an_input_gets_a_row(tmp_path, example_book):
    """Pipes, links to nothing and links in a loop are rows 无法读取 with the reason, never left out."""
    import json
    import os
    import shutil

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(example_book, folder / "good.xlsx")
    os.mkfifo(folder / "pipe.xlsx")
    (folder / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (folder / "loop.xlsx").symlink_to(folder / "loop.xlsx")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)  # a folder loop: not followed
    result = run_cli("check", folder, "--format", "json", "--jobs", "2")
    assert result.returncode == 2, result.stderr
    rows = {Path(d["文件"]).name: d for d in json.loads(result.stdout)["部门"]}
    assert set(rows) == {"good.xlsx", "pipe.xlsx", "dangling.yaml", "loop.xlsx"}
    assert rows["good.xlsx"]["状态"] == "已检查"
    assert "不是普通文件" in rows["pipe.xlsx"]["原因"]
    assert "链接失效" in rows["dangling.yaml"]["原因"] and "链接失效" in rows["loop.xlsx"]["原因"]


def test_a_department_counts_once_whatever_files_of_it_a_folder_holds(tmp_path, example_book):
    """Its workbook, the annotated copy, its sign-off package (manifest, values copy, data file)
    and a data file: one row, from the workbook, naming the others; the manifest is not an input."""
    import json
    import shutil

    from jixiao.checking import check_path
    from jixiao.report.annotate import annotate
    from jixiao.signoff.package import signoff

    folder = tmp_path / "in"
    folder.mkdir()
    book = folder / "部门.xlsx"
    shutil.copy(example_book, book)
    annotate(book, folder / "部门.校验结果.xlsx", check_path(book).findings)
    package = signoff(book, folder / "签批包", force=True)
    shutil.copy(package.files["data"], folder / "部门.yaml")
    result = run_cli("check", folder, "--format", "json", "--jobs", "2")
    assert result.returncode == 1, result.stderr  # errors, and no unreadable file (the manifest is not read)
    departments = json.loads(result.stdout)["部门"]
    assert len(departments) == 1
    [row] = departments
    assert row["文件"] == str(book) and row["来源"] == "工作簿"
    others = row["同一部门的其他文件"].split("；")
    assert sorted(Path(o).name for o in others) == sorted(
        ["部门.校验结果.xlsx", package.files["xlsx"].name, "部门.yaml"])


def test_the_sign_off_copy_stands_for_its_department_when_it_is_all_there_is(tmp_path, example_book):
    import json

    from jixiao.signoff.package import signoff

    package = signoff(example_book, tmp_path / "签批包", force=True)
    result = run_cli("check", tmp_path / "签批包", "--format", "json")
    [row] = json.loads(result.stdout)["部门"]
    assert row["来源"] == "签批副本" and row["文件"] == str(package.files["xlsx"])
    assert result.returncode == 1  # its errors; the manifest and the data file are not counted
