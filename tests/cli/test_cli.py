"""The `jixiao` command as a user runs it: Chinese help, clear errors, exit codes, no partial files."""

from __future__ import annotations

import pytest

from jixiao.workbook.extract import extract

from ..conftest import EXAMPLE, run_cli
from ..workbook.test_safety import bad_files
from ..examples.test_example_findings import ERRORS


def test_help_is_chinese():
    result = run_cli("--help")
    assert result.returncode == 0
    assert "用法：" in result.stdout and "选项" in result.stdout and "显示本帮助并退出" in result.stdout
    assert "Show this message" not in result.stdout
    for command in ("new", "fill", "extract", "templates", "demo"):
        assert command in result.stdout


def test_usage_errors_are_chinese():
    result = run_cli("fill", "--bogus")
    assert result.returncode == 2 and "没有这个选项" in result.stderr


def test_help_does_not_load_pandas_or_openpyxl():
    import subprocess
    import sys

    code = ("import sys; from jixiao.cli.main import run\n"
            "run(['--help'])\n"
            "print(sorted(m for m in ('pandas', 'openpyxl', 'xlsxwriter', 'yaml') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip().endswith("[]")


def test_fill_then_extract(tmp_path):
    book = tmp_path / "自评表.xlsx"
    result = run_cli("fill", EXAMPLE, "-o", book)
    assert result.returncode == 0, result.stderr
    assert "项目表 19 张" in result.stdout
    out = tmp_path / "back.yaml"
    result = run_cli("extract", book, "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("format: jixiao/1")


def test_new_writes_a_blank_workbook(tmp_path):
    book = tmp_path / "blank.xlsx"
    result = run_cli("new", "--year", "2024", "--scheme", "national-2020", "--projects", "3", "-o", book)
    assert result.returncode == 0, result.stderr
    doc = extract(book)
    assert doc.year == 2024 and doc.scheme == "national-2020" and len(doc.projects) == 3


@pytest.mark.parametrize("text, reason", [
    ("format: jixiao/1\nyear: 2024\nscheme: hunan-2024\nprojects: [\n", "YAML 格式错误"),
    ("format: jixiao/1\nyear: 2024\nscheme: hunan-2024\nprojects:\n- {nmae: x}\n", "projects[0].nmae：未知的键"),
    ("format: jixiao/1\nyear: 2024\nscheme: hunan-2024\nprojects:\n- funds: {current: {initial: [1]}}\n",
     "projects[0].funds.current.initial：应为数字"),
])
def test_bad_data_files_exit_2_with_one_message_and_no_output(tmp_path, text, reason):
    data = tmp_path / "data.yaml"
    data.write_text(text, encoding="utf-8")
    book = tmp_path / "out.xlsx"
    result = run_cli("fill", data, "-o", book)
    assert result.returncode == 2
    assert reason in result.stderr and "Traceback" not in result.stderr
    assert not book.exists() and not list(tmp_path.glob(".out.xlsx*"))


@pytest.mark.parametrize("case", ["text", "corrupt", "encrypted", "missing", "docx"])
def test_bad_workbooks_exit_2_with_one_message_and_no_output(tmp_path, example_book, case):
    path, reason = bad_files(tmp_path, example_book)[case]
    out = tmp_path / "out.yaml"
    result = run_cli("extract", path, "-o", out)
    assert result.returncode == 2
    assert reason in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_extract_refuses_a_workbook_jixiao_did_not_make(tmp_path):
    import openpyxl

    path = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(path)
    result = run_cli("extract", path, "-o", tmp_path / "x.yaml")
    assert result.returncode == 2 and "不是 jixiao 生成的" in result.stderr and "没有找到绩效自评表" in result.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_input_file_is_never_modified(tmp_path, example_book):
    import hashlib
    import shutil

    book = tmp_path / "in.xlsx"
    shutil.copy(example_book, book)
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    assert run_cli("extract", book, "-o", tmp_path / "d.yaml").returncode == 0
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before


def test_demo_runs_on_the_bundled_example(tmp_path):
    result = run_cli("demo", "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "与原数据一致" in result.stdout
    assert (tmp_path / "out" / "zhuzhou-gxj-2024.xlsx").exists()
    assert (tmp_path / "out" / "zhuzhou-gxj-2024.extracted.yaml").exists()
    assert (tmp_path / "out" / "zhuzhou-gxj-2024.校验结果.xlsx").exists()
    assert "3. 校验：错误 " in result.stdout
    package = tmp_path / "out" / "zhuzhou-gxj-2024.签批包"
    assert (package / "manifest.json").exists() and list(package.glob("*.eml"))


@pytest.mark.parametrize("encoding", ["gbk", "cp936", "gb18030", "big5"])
def test_output_to_a_console_in_another_encoding_never_stops_the_command(tmp_path, example_book, encoding):
    """A Chinese Windows console (GBK), or a file it is redirected to: ✓ and ✗ are not in GBK."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes(example_book.read_bytes())
    done = subprocess.run([sys.executable, "-m", "jixiao", "check", folder, "--jobs", "1"], capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": encoding})
    assert done.returncode == 1, done.stderr.decode(encoding, "replace")
    text = done.stdout.decode(encoding)  # what the console shows, decodable as its encoding
    assert "a.xlsx" in text and "Traceback" not in done.stderr.decode(encoding, "replace")
    if encoding != "big5":  # Big5 has no simplified characters: they show as "?", the command goes on
        assert ("× " in text or "✗ " in text) and f"错误 {ERRORS}" in text


# --- data that stays put: no output over an input, next year only forward, the umask honoured ------

def _digest(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


OVERWRITES = [
    # (command line with BOOK as input and output, message)
    (["new", "--from", "BOOK", "--year", "2025", "-o", "BOOK"], "输出文件就是输入文件"),
    (["recompute", "BOOK", "-o", "BOOK"], "输出文件就是输入文件"),
    (["report", "BOOK", "-o", "REPORT"], "输出文件就是输入文件"),  # the report's template as its output
    (["check", "BOOK", "--annotate", "BOOK"], "输出文件就是输入文件"),
    (["new", "--from", "BOOK", "--year", "2024", "-o", "OUT"], "--year 2024 不晚于"),
    (["new", "--from", "BOOK", "--year", "2023", "-o", "OUT"], "--year 2023 不晚于"),
    (["new", "--from", "BOOK", "--year", "2025", "--scheme", "national-2020", "-o", "OUT"], "指标体系是 hunan-2024"),
]


@pytest.mark.parametrize(("args", "message"), OVERWRITES, ids=[" ".join(a) for a, _ in OVERWRITES])
def test_inputs_are_never_overwritten_and_options_are_honoured(tmp_path, example_book, args, message):
    import shutil

    book = tmp_path / "自评表.xlsx"
    shutil.copy(example_book, book)
    report = tmp_path / "报告.docx"
    report.write_bytes(b"template")
    if args[0] == "report":
        args = ["report", "BOOK", "--template", "REPORT", "-o", "REPORT"]
    before = _digest(book), _digest(report)
    names = {"BOOK": book, "REPORT": report, "OUT": tmp_path / "2025.xlsx"}
    result = run_cli(*[names.get(a, a) for a in args])
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert (_digest(book), _digest(report)) == before
    assert not (tmp_path / "2025.xlsx").exists()


def test_a_link_to_the_input_is_the_input(tmp_path, example_book):
    import shutil

    book = tmp_path / "自评表.xlsx"
    shutil.copy(example_book, book)
    (tmp_path / "链接.xlsx").symlink_to(book)
    result = run_cli("recompute", book, "-o", tmp_path / "链接.xlsx")
    assert result.returncode == 2 and "输出文件就是输入文件" in result.stderr


def test_new_from_adds_the_blank_project_forms_asked_for(tmp_path, example_book):
    out = tmp_path / "2025.xlsx"
    result = run_cli("new", "--from", example_book, "--year", "2025", "--projects", "2", "-o", out)
    assert result.returncode == 0, result.stderr
    doc = extract(out)
    assert len(doc.projects) == 21 and doc.projects[-1].name is None and doc.projects[-2].name is None
    assert len({p.id for p in doc.projects}) == 21


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_follow_the_umask(tmp_path, umask, mode):
    import os
    import subprocess
    import sys

    out = tmp_path / "空白.xlsx"
    subprocess.run([sys.executable, "-m", "jixiao", "new", "--year", "2025", "-o", str(out)], check=True,
                   capture_output=True, preexec_fn=lambda: os.umask(umask))
    assert out.stat().st_mode & 0o777 == mode


def test_a_replaced_output_keeps_its_mode(tmp_path):
    out = tmp_path / "空白.xlsx"
    out.write_bytes(b"old")
    out.chmod(0o640)
    assert run_cli("new", "--year", "2025", "-o", out).returncode == 0
    assert out.stat().st_mode & 0o777 == 0o640 and out.read_bytes() != b"old"


@pytest.mark.parametrize("name, content", [
    ("cut.xlsx", None),  # a workbook cut short, as an interrupted download leaves it
    ("cut.docx", None),
    ("header-only.xlsx", b"PK\x03\x04garbage"),
])
def test_a_damaged_file_is_told_in_chinese_without_python_words(tmp_path, example_book, name, content):
    path = tmp_path / name
    path.write_bytes(content if content is not None else example_book.read_bytes()[:5000])
    for command in (["check", path], ["extract", path, "-o", tmp_path / "x.yaml"]):
        result = run_cli(*command)
        assert result.returncode == 2 and "无法解压" in result.stderr + result.stdout, result
        message = result.stderr + result.stdout
        assert "zip file" not in message and "Traceback" not in message and "None" not in message


@pytest.mark.parametrize("closed", [">&-", "2>&-"])
def test_a_command_started_without_stdout_or_stderr_still_exits_cleanly(closed):
    """A scheduled task or pythonw gives no console: the command's exit code is its own, no traceback."""
    import shlex
    import subprocess
    import sys

    command = f"{shlex.quote(sys.executable)} -m jixiao schemes {closed}"
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert result.returncode == 0 and "Traceback" not in result.stderr + result.stdout
