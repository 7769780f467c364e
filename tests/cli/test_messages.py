"""Every refusal is said in Chinese a 科员 can act on: no Python repr (None, True, Decimal('…'), 'abc'),
no parser English (PyYAML's, json's, argparse's). Table-driven: each case is an input a person could
really produce, and the words the message must (and must not) hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jixiao.errors import JixiaoError
from jixiao.model.dataformat import from_plain, read_raw

from ..conftest import EXAMPLE

# Words that mean a message leaked from Python or a parser rather than being written for a person
LEAKS = re.compile(r"None|True|False|Decimal\(|Traceback|Errno|\bnan\b|"
                   r"\b(is|not|the|of|an?|found|expected|Expecting|Did you mean|integer|range|value|"
                   r"allowed|character|token|mapping|content|delimiter)\b")


def _example_with(pattern: str, replacement: str) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1, flags=re.M)
    assert changed != text, pattern
    return changed


DATA_FILES = [  # (id, file name, its text, words the message must hold)
    ("year blank", "a.yaml", lambda: _example_with(r"^year: .*$", "year: null"), "year：应为四位整数年份，实际为空（未填写）"),
    ("year as words", "a.yaml", lambda: _example_with(r"^year: .*$", "year: 二〇二四"), "实际为“二〇二四”"),
    ("year with a fraction", "a.yaml", lambda: _example_with(r"^year: .*$", "year: 2024.5"), "实际为数字 2024.5"),
    ("year as yes", "a.yaml", lambda: _example_with(r"^year: .*$", "year: true"), "实际为是/否值 true"),
    ("scheme blank", "a.yaml", lambda: _example_with(r"^scheme: .*$", "scheme:"), "scheme：应为指标体系名称"),
    ("format left out", "a.yaml", lambda: _example_with(r"^format: .*\n", ""), "format：应为 “jixiao/1”，实际为空（未填写）"),
    ("an amount as yes", "a.yaml", lambda: _example_with(r"(initial|final|executed|budget): [0-9.]+", r"\1: yes"),
     "应为数字，实际为是/否值 true"),
    ("a list, not a document", "a.yaml", lambda: "- 1\n- 2\n", "顶层应是一个映射（键: 值），而不是列表"),
    ("a line of text", "a.yaml", lambda: "你好\n", "而不是“你好”"),
    ("a bracket left open", "a.yaml", lambda: "year: [1,\n", "第 2 行第 1 列"),
    ("an unquoted colon", "a.yaml", lambda: "department:\n  name: 甲: 乙\n", "文字中含有“: ”却没有加引号"),
    ("tab indentation", "a.yaml", lambda: "department:\n\tname: 甲\n", "Tab"),
    ("a bad escape", "a.yaml", lambda: 'department:\n  name: "C:\\dept"\n', "无效的转义符"),
    ("a quote left open", "a.yaml", lambda: 'department:\n  name: "甲\n', "引号"),
    ("a control character", "a.yaml", lambda: "year: 2024\x01\n", "控制字符"),
    ("a tag that runs code", "a.yaml", lambda: "year: !!python/object:os.system x\n", "不认识的标签"),
    ("a date for a year", "a.yaml", lambda: _example_with(r"^year: .*$", "year: 2024-01-01"), "实际为日期 2024-01-01"),
    ("two documents", "a.yaml", lambda: "year: 2024\n---\nyear: 2025\n", "多份文档"),
    ("JSON cut short", "a.json", lambda: '{"year": ', "JSON 格式错误（第 1 行第 10 列）：此处缺少值"),
    ("JSON single quotes", "a.json", lambda: "{'year': 2024}", "键名应放在双引号内"),
    ("JSON two objects", "a.json", lambda: '{"year": 2024} {"year": 2025}', "数据结束后还有多余的内容"),
    ("JSON missing comma", "a.json", lambda: '{"year": 2024 "scheme": "x"}', "缺少逗号"),
]


@pytest.mark.parametrize("name, text, words", [pytest.param(n, t, w, id=i) for i, n, t, w in DATA_FILES])
def test_a_data_file_that_cannot_be_used_is_refused_in_words_a_person_can_act_on(tmp_path, name, text, words):
    path = tmp_path / name
    path.write_text(text(), encoding="utf-8")
    with pytest.raises(JixiaoError) as caught:
        from_plain(read_raw(path), str(path))
    message = str(caught.value)
    assert words in message
    assert not LEAKS.search(message.replace(str(path), "")), message


USAGE = [  # (id, arguments, words the message must hold)
    ("a year in words", ["new", "--year", "abc", "-o", "x.xlsx"], "“abc”不是有效的整数"),
    ("a year out of range", ["new", "--year", "1999", "-o", "x.xlsx"], "1999 不在范围"),
    ("an option misspelt", ["signoff", "x.xlsx", "--smtp", "h"], "是否想用其中之一"),
    ("an option nearly right", ["check", "--formt", "json", "x"], "是否想用 --format？"),
    ("a format not offered", ["check", "--format", "xml", "x"], "不是以下之一"),
    ("no such command", ["chek"], "没有这个命令"),
    ("an option without its value", ["new", "--year"], "需要一个值"),
    ("a file that is not there", ["check", "/nonexistent/自评表.xlsx"], "自评表.xlsx"),
    ("a folder for the output", ["new", "--year", "2024", "-o", "/tmp"], "文件“/tmp”是一个文件夹"),
    ("a count below zero", ["new", "--year", "2024", "--projects", "-1", "-o", "x.xlsx"], "不在范围"),
]


def _run(args: list[str], capsys) -> tuple[int, str]:
    """The command line run in this process, as `jixiao` runs it: its exit code and all it printed."""
    from jixiao.cli.main import run

    code = run(args)
    printed = capsys.readouterr()
    return code, printed.out + printed.err


@pytest.mark.parametrize("args, words", [pytest.param(a, w, id=i) for i, a, w in USAGE])
def test_a_command_typed_wrong_is_answered_in_chinese(tmp_path, capsys, args, words):
    code, output = _run(args, capsys)
    assert code == 2
    assert words in output
    if "/nonexistent/自评表.xlsx" not in args:  # a usage error, not a file: it says where the help is
        assert "可运行“jixiao " in output and "--help”查看帮助" in output
    assert not LEAKS.search(output.replace("/nonexistent/自评表.xlsx", "")), output


@pytest.mark.parametrize("command", ["new", "check", "signoff", "import-budget", "recompute", "addin-config", "demo"])
def test_the_help_of_each_command_is_chinese_throughout(capsys, command):
    code, output = _run([command, "--help"], capsys)
    assert code == 0 and output.startswith(f"用法：jixiao {command}")
    english = re.findall(r"\b(?:usage|options|arguments|show|help message|default|required|INTEGER|TEXT|PATH)\b", output)
    assert not english, english


def test_option_types_and_limits_are_named_in_chinese_in_the_help(capsys):
    _, output = _run(["new", "--help"], capsys)
    assert "--year 整数" in output and "[2000–2999；必填]" in output


def test_the_top_help_lists_every_command_with_its_summary(capsys):
    from jixiao.cli.parsing import COMMANDS

    code, output = _run(["--help"], capsys)
    assert code == 0
    for name, declared in COMMANDS.items():
        assert f"  {name}" in output and declared.summary in output
    assert _run(["-V"], capsys)[1].startswith("jixiao ")


def _with_member(tmp_path, source, name: str, member: str, data: bytes):
    import zipfile

    out = tmp_path / name
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, data if item.filename == member else src.read(item))
    return out


def _broken_files(tmp_path, good):
    from ..workbook.test_safety import bad_files

    cases = dict(bad_files(tmp_path, good))
    cases["a sheet's XML cut short"] = (_with_member(tmp_path, good, "sheet.xlsx", "xl/worksheets/sheet2.xml",
                                                     b"<worksheet><sheetData><row r='1'>"), "已损坏")
    cases["workbook.xml not XML"] = (_with_member(tmp_path, good, "book.xlsx", "xl/workbook.xml", b"<workbook <<"),
                                     "已损坏")
    docx = tmp_path / "自评表.docx"
    import zipfile

    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", "<w:document><w:body>")
    cases["a Word body cut short"] = (docx, "已损坏")
    return cases


BROKEN = ["text", "corrupt", "docx", "xls", "empty", "encrypted", "missing",
          "a sheet's XML cut short", "workbook.xml not XML", "a Word body cut short"]


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_file_is_refused_in_chinese_without_the_parsers_words(tmp_path, capsys, example_book, case):
    path, reason = _broken_files(tmp_path, example_book)[case]
    code, output = _run(["check", str(path)], capsys)
    assert code == 2 and reason in output, output
    assert not LEAKS.search(output.replace(str(path), "")), output


@pytest.mark.parametrize("text, words", [
    ("项目名称 = 名称\n", "第 1 行"),  # a column name without its quotes
    ('[columns\n', "TOML"),
])
def test_a_column_mapping_that_is_not_toml_says_how_to_write_it(tmp_path, text, words):
    from jixiao.importing import _load_mapping

    path = tmp_path / "映射.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(JixiaoError) as caught:
        _load_mapping(path)
    message = str(caught.value)
    assert words in message and "加英文双引号" in message
    assert not LEAKS.search(message.replace(str(path), "")), message


# --- a workbook whose cells say something odd -------------------------------------------------

def _edited(tmp_path, example_book, edit) -> Path:
    import openpyxl

    wb = openpyxl.load_workbook(example_book)
    edit(wb)
    out = tmp_path / "edited.xlsx"
    wb.save(out)
    return out


def _set_named(name: str, value, sheet: str | None = None):
    def edit(wb):
        names = wb[sheet].defined_names if sheet else wb.defined_names
        target_sheet, ref = next(names[name].destinations)
        wb[target_sheet][ref.replace("$", "")] = value
    return edit


def _break_name(name: str):
    def edit(wb):
        wb.defined_names[name].attr_text = "#REF!"
    return edit


WORKBOOKS = [  # (id, the edit, words the refusal must hold)
    ("a year of 2024.5", _set_named("jx_year", 2024.5), "“基本信息”B4 的年度应为四位数字（如 2024），现为数字 2024.5"),
    ("a year left blank", _set_named("jx_year", None), "现为空（未填写）"),
    ("a year that is TRUE", _set_named("jx_year", True), "现为“TRUE”"),
    ("a year in words", _set_named("jx_year", "明年"), "现为“明年”"),
    ("the year's name broken", _break_name("jx_year"), "名称 jx_year 不再指向任何单元格"),
    ("no 指标体系", _set_named("jx_scheme", None), "指标体系未填写：请从下拉列表中选择（hunan-2024、national-2020）"),
    ("附件2 renamed by a tool that leaves its names", lambda wb: setattr(wb["附件2"], "title", "Sheet2"),
     "这张表的名称仍指向工作表“附件2”，它可能被改了名：请把这张表改回“附件2”后再试"),
]


@pytest.mark.parametrize("edit, words", [pytest.param(e, w, id=i) for i, e, w in WORKBOOKS])
def test_a_workbook_that_cannot_be_checked_says_which_cell_and_what_it_holds(tmp_path, example_book, edit, words):
    from jixiao.checking import check_path

    path = _edited(tmp_path, example_book, edit)
    result = check_path(path)
    assert not result.readable and words in result.error, result.error
    assert not LEAKS.search(result.error.replace(str(path), "")), result.error


@pytest.mark.parametrize("year, read", [("２０２４", 2024), ("2024年", 2024), ("二〇二四", 2024), ("2024 年度", 2024)])
def test_a_year_written_as_people_write_it_is_read(tmp_path, example_book, year, read):
    from jixiao.checking import check_path

    assert check_path(_edited(tmp_path, example_book, _set_named("jx_year", year))).doc.year == read


def test_a_boolean_typed_over_a_formula_is_shown_as_excel_shows_it(tmp_path, example_book):
    from jixiao.checking import check_path

    path = _edited(tmp_path, example_book, _set_named("jx_execution_score", False, "附件2"))
    [f06] = [f for f in check_path(path).findings if f.rule == "F06" and f.path == "overall.execution.score"]
    assert "手填的 FALSE" in f06.message and "False" not in f06.message


def test_a_project_without_a_name_is_not_matched_as_one_called_none(tmp_path, example_book):
    from jixiao.checking import check_path

    path = _edited(tmp_path, example_book, _set_named("jx_name", None, "行政运行（其他）经费"))
    findings = check_path(path).findings
    assert any(f.rule == "F01" and f.path == "projects[0].name" for f in findings)
    assert not [f.message for f in findings if "None" in f.message]


@pytest.mark.parametrize("content, words", [
    (lambda good: good.read_bytes(), "它其实是 .xlsx 格式的工作簿：请把扩展名改为 .xlsx"),
    (lambda good: "这不是表格".encode(), "它不是 Excel 工作簿"),
], ids=["an .xlsx named .xls", "text named .xls"])
def test_an_xls_that_cannot_be_read_says_what_it_is(tmp_path, example_book, content, words):
    from jixiao.checking import check_path

    path = tmp_path / "自评表.xls"
    path.write_bytes(content(example_book))
    result = check_path(path)
    assert not result.readable and words in result.error, result.error
    assert "Calamine" not in result.error


@pytest.mark.parametrize("written", ["1E+308", "1E308", "1" + "0" * 308, "-1e400", "100000000000000000000"])
def test_a_number_past_any_amount_is_reported_at_its_cell_and_nothing_fails_on_it(tmp_path, example_book, written):
    """However a writer spells it, a cell's number no amount comes near is kept as the text it is:
    F02 names it at its cell, and check, recompute and report go on (they exited 70 on 1E+308)."""
    import zipfile

    from jixiao.checking import check_path

    from ..conftest import run_cli

    base = _edited(tmp_path, example_book, _set_named("jx_funds_initial", 12345, "附件2"))
    book = tmp_path / "大数.xlsx"
    with zipfile.ZipFile(base) as z, zipfile.ZipFile(book, "w") as out:
        for item in z.infolist():
            data = z.read(item)
            out.writestr(item, data.replace(b"<v>12345</v>", f"<v>{written}</v>".encode()))
    [f02] = [f for f in check_path(book).findings if f.rule == "F02" and f.path == "overall.funds.initial"]
    assert "超出任何金额、数量或分值可能的范围" in f02.message and f02.cell == "D5"
    for args in (["recompute", book, "-o", tmp_path / "r.xlsx"], ["report", book, "-o", tmp_path / "r.docx"]):
        result = run_cli(*args)
        assert result.returncode in (0, 1), result.stderr
        assert "内部错误" not in result.stderr
