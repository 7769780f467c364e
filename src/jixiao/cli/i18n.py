"""Chinese for argparse's own words (usage, headings, its error messages).

argparse looks its messages up through the module-level ``_`` and ``ngettext`` it takes from
``gettext``; pointing those at this table makes ``--help`` and usage errors Chinese without
changing any behaviour. A message missing here (a newer Python's rewording) stays English,
which is harmless; `tests/cli/test_messages.py` fails on the ones people meet. Only the
messages the commands' declarations can give are here (no choices, no exclusive groups).
"""

from __future__ import annotations

import argparse

MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出。",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必填的参数：%s",
    "expected one argument": "需要一个值",
    "ignored explicit argument %r": "不接受值（给了“%s”）",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的值",
    "unrecognized arguments: %s": "多余的参数：%s",
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
