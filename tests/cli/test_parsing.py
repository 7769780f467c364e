"""The command line's grammar (`jixiao.cli.parsing`): what each way of writing an option reads as,
and which words are refused as options the command does not have."""

from __future__ import annotations

from pathlib import Path

import pytest

import jixiao.cli.main  # noqa: F401  (registers the commands)
from jixiao.cli.parsing import COMMANDS, UsageError, parse

READ = [  # (words, option, value it reads as)
    (["check", "--format=json", "a.xlsx"], "fmt", "json"),
    (["check", "--format", "json", "a.xlsx"], "fmt", "json"),
    (["check", "a.xlsx", "b.xlsx"], "paths", [Path("a.xlsx"), Path("b.xlsx")]),
    (["check", "--", "-a.xlsx"], "paths", [Path("-a.xlsx")]),  # after --, a file named like an option
    (["check", "--timeout", "0.5", "a.xlsx"], "timeout", 0.5),
    (["check", "a.xlsx"], "timeout", 60.0),
    (["new", "--year", "2024", "-ox.xlsx"], "output", Path("x.xlsx")),  # a short option with its value
    (["new", "--year", " 2024 ", "-o", "x.xlsx"], "year", 2024),
    (["signoff", "b.xlsx", "-o", "out", "--to", "a@x.cn", "--to", "b@x.cn"], "mail_to", ["a@x.cn", "b@x.cn"]),
    (["signoff", "b.xlsx", "-o", "out"], "starttls", True),
    (["signoff", "b.xlsx", "-o", "out", "--no-starttls"], "starttls", False),
    # a value that begins with "-" is a value, however it is written
    (["signoff", "b.xlsx", "-o", "out", "--from=-x@y.cn"], "mail_from", "-x@y.cn"),
    (["signoff", "b.xlsx", "-o", "out", "--from", "-x@y.cn"], "mail_from", "-x@y.cn"),
    (["new", "--year", "2024", "-o", "-新表.xlsx"], "output", Path("-新表.xlsx")),
    (["import-budget", "e.xlsx", "--department", "-某部门", "-o", "d.yaml"], "department", "-某部门"),
    # files on both sides of an option
    (["check", "a.xlsx", "--format", "json", "b.yaml"], "paths", [Path("a.xlsx"), Path("b.yaml")]),
    (["check", "a.xlsx", "--timeout", "5", "b.yaml", "--jobs", "1"], "paths", [Path("a.xlsx"), Path("b.yaml")]),
    (["--", "check", "a.xlsx"], "paths", [Path("a.xlsx")]),
    (["addin-config", "--user"], "book", None),
]


@pytest.mark.parametrize("words, option, value", READ)
def test_options_read_as_written(words, option, value):
    chosen, options = parse(words)
    assert chosen is COMMANDS[next(w for w in words if w != "--")]
    assert options[option] == value


REFUSED = [  # (words, what the message must hold)
    (["check", "--formt", "json", "a"], "没有这个选项：--formt。是否想用 --format？"),
    (["check", "--formt=json", "a"], "没有这个选项：--formt。"),
    (["fill", "-x", "a.yaml", "-o", "b.xlsx"], "没有这个选项：-x。"),
    (["--debug", "check", "a"], "没有这个选项：--debug。"),
    (["chek", "a"], "没有这个命令：“chek”。是否想用 check？"),
    (["new", "--projects", "-1", "--year", "2024", "-o", "x.xlsx"], "-1 不在范围 0–500 内"),
    (["new", "--year", "2024"], "缺少必填的参数：-o/--output"),
    (["new"], "缺少必填的参数：--year、-o/--output。"),
    (["check", "--timeout", "-1e5", "a"], "-1e5 不在范围 0.1–3600 内"),
    (["check"], "缺少必填的参数：文件或文件夹"),
    (["check", "--timeout", "nan", "a"], "nan 不在范围"),
    (["check", "--jobs", "two", "a"], "“two”不是有效的整数"),
    (["import-budget", "e.xlsx", "--unit", "千元", "-o", "d.yaml"], "“千元”不是以下之一：元、万元"),
    (["recompute", "a.xlsx", "--in-place=yes"], "不接受值"),
]


@pytest.mark.parametrize("words, words_shown", REFUSED)
def test_what_the_grammar_refuses_is_named(words, words_shown):
    with pytest.raises(UsageError) as refused:
        parse(words)
    assert words_shown in str(refused.value)
    assert "用法：jixiao" in refused.value.shown()


def test_every_command_has_a_summary_and_its_parser_builds():
    assert len(COMMANDS) == 12
    for declared in COMMANDS.values():
        assert declared.summary and not declared.summary.startswith(" ")
        assert declared.parser().prog == f"jixiao {declared.name}"


def test_only_the_commands_that_read_pause_the_collector():
    """Reading makes no garbage cycles; writing a workbook (XlsxWriter) does (`jixiao.collector`)."""
    paused = {name for name, declared in COMMANDS.items() if declared.pause_collector}
    assert paused == {"check", "extract", "recompute"}


def test_a_folder_check_runs_the_collector_and_leaves_it_as_it_was(tmp_path, example_book, capsys):
    import gc
    import shutil

    from jixiao.cli import main

    folder = tmp_path / "部门"
    folder.mkdir()
    shutil.copy(example_book, folder / "a.xlsx")
    seen = []
    real = main.collector_running

    def watched():
        seen.append(gc.isenabled())
        return real()

    was = gc.isenabled()
    gc.disable()
    try:
        main.collector_running = watched
        assert main.run(["check", str(folder), "--jobs", "1"]) == 1  # the example holds errors
        assert seen == [False] and not gc.isenabled()  # asked for while paused; the caller's state kept
    finally:
        main.collector_running = real
        if was:
            gc.enable()
