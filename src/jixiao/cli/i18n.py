"""Chinese for argparse's own words (usage, headings, its error messages).

argparse looks its messages up through the module-level ``_`` and ``ngettext`` it takes from
``gettext``; pointing those at this table makes ``--help`` and usage errors Chinese without
changing any behaviour. A message missing here (a newer Python's rewording) stays English,
which is harmless; `tests/cli/test_messages.py` fails on the ones people meet.
"""

from __future__ import annotations

import argparse

MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出。",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必填的参数：%s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ignored explicit argument %r": "不接受值（给了“%s”）",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的值",
    "invalid choice: %(value)r (choose from %(choices)s)": "“%(value)s”不是以下之一：%(choices)s",
    "unrecognized arguments: %s": "多余的参数：%s",
    "not allowed with argument %s": "不能与 %s 同时使用",
    "one of the arguments %s is required": "%s 必须给出其一",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
}


def translate(message: str) -> str:
    return MESSAGES.get(message, message)


def ntranslate(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


def install() -> None:
    """Point argparse's ``_``/``ngettext`` at the table above (before any parser is made: some
    of its words, such as the help option's, are looked up when a parser is created)."""
    argparse._ = translate
    argparse.ngettext = ntranslate
