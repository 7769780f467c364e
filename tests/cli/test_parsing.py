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
    (["signoff", "b.xlsx", "-o", "out", "--from=-x@y.cn"], "mail_from", "-x@y.cn"),  # a value, not an option
    (["addin-config", "--user"], "book", None),
]


@pytest.mark.parametrize("words, option, value", READ)
def test_options_read_as_written(words, option, value):
    function, options = parse(words)
    assert function is COMMANDS[words[0]].run
    assert options[option] == value


REFUSED = [  # (words, what the message must hold)
    (["check", "--formt", "json", "a"], "没有这个选项：--formt。是否想用 --format？"),
    (["check", "--formt=json", "a"], "没有这个选项：--formt。"),
    (["fill", "-x", "a.yaml", "-o", "b.xlsx"], "没有这个选项：-x。"),
    (["--debug", "check", "a"], "没有这个选项：--debug。"),
    (["chek", "a"], "没有这个命令：“chek”。是否想用 check？"),
    (["new", "--projects", "-1", "--year", "2024", "-o", "x.xlsx"], "-1 不在范围 0–500 内"),
    (["new", "--year", "2024"], "缺少必填的参数：-o/--output"),
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
