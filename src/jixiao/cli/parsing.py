"""The command line's grammar: each command declared once (its name, its arguments, its function),
parsed with argparse in Chinese.

Only the parser of the command being run is built, so a `jixiao check` pays for its own
options and nothing else. A usage error becomes `UsageError`, which the face prints with the
command's usage line and a hint to its help, and exits 2 — as before, never argparse's English.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from . import i18n

PROG = "jixiao"
HELP_FLAGS = ("-h", "--help")
VERSION_FLAGS = ("-V", "--version")
HELP_WIDTH = 66


class UsageError(Exception):
    """The command line asks for something the grammar does not allow."""

    def __init__(self, message: str, parser: argparse.ArgumentParser | None = None):
        super().__init__(message)
        self.parser = parser

    def shown(self) -> str:
        """What the person sees: the usage line, where help is, then the error in one line."""
        prog = self.parser.prog if self.parser is not None else PROG
        usage = self.parser.format_usage().rstrip() + "\n" if self.parser is not None else ""
        return f"{usage}可运行“{prog} --help”查看帮助。\n\n错误：{self}"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print English and exit; the face decides
        raise UsageError(message if message.endswith("。") else message + "。", self)


def _formatter(prog: str) -> argparse.HelpFormatter:
    # Each option's help on the line below it: argparse lines up columns by characters, and a
    # Chinese character is two columns wide. Descriptions keep the line breaks they are written
    # with (the workflow table in the top help); wrapped at HELP_WIDTH characters, which is about
    # 120 columns of Chinese text, the width of a Windows console.
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=6, width=HELP_WIDTH)


# --- argument types: each reads one word and names what it wanted in Chinese -----------------

def whole_number(low: int, high: int) -> Callable[[str], int]:
    def read(text: str) -> int:
        try:
            number = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"“{text}”不是有效的整数") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{number} 不在范围 {low}–{high} 内")
        return number

    read.metavar, read.limits = "整数", f"{low}–{high}"
    return read


def number(low: float, high: float) -> Callable[[str], float]:
    def read(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"“{text}”不是有效的数字") from None
        if not low <= value <= high:  # NaN is in no range
            raise argparse.ArgumentTypeError(f"{text} 不在范围 {low:g}–{high:g} 内")
        return value

    read.metavar, read.limits = "数字", f"{low:g}–{high:g}"
    return read


def one_of(*words: str) -> Callable[[str], str]:
    def read(text: str) -> str:
        if text not in words:
            raise argparse.ArgumentTypeError(f"“{text}”不是以下之一：{'、'.join(words)}")
        return text

    read.metavar = "{" + "|".join(words) + "}"
    return read


def any_path(text: str) -> Path:
    return Path(text)


def file_path(text: str) -> Path:
    """A file to write or read: a folder given for it is refused before any work is done."""
    if Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"文件“{text}”是一个文件夹")
    return Path(text)


def folder_path(text: str) -> Path:
    if Path(text).is_file():
        raise argparse.ArgumentTypeError(f"文件夹“{text}”是一个文件")
    return Path(text)


any_path.metavar, file_path.metavar, folder_path.metavar = "路径", "文件", "文件夹"


# --- declaring commands ------------------------------------------------------------------------

class Argument:
    """One positional argument or option, as argparse's ``add_argument`` takes it, with its help
    completed by what the person must know: 必填, the allowed range, the default."""

    __slots__ = ("flags", "options")

    def __init__(self, *flags: str, default_shown: str | None = None, **options):
        kind = options.get("type")
        if kind is not None and "metavar" not in options and options.get("action") is None:
            options["metavar"] = getattr(kind, "metavar", None)
        notes = []
        if getattr(kind, "limits", None):
            notes.append(kind.limits)
        if options.get("required"):
            notes.append("必填")
        if default_shown is not None:
            notes.append(f"默认：{default_shown}")
        if notes and options.get("help"):
            options["help"] += f"  [{'；'.join(notes)}]"
        self.flags, self.options = flags, options

    @property
    def takes_value(self) -> bool:
        return self.options.get("action") not in ("store_true", "store_false", "append_const", "count")


def arg(*flags: str, **options) -> Argument:
    return Argument(*flags, **options)


class Command:
    __slots__ = ("name", "run", "arguments")

    def __init__(self, name: str, run: Callable[..., None], arguments: tuple[Argument, ...]):
        self.name, self.run, self.arguments = name, run, arguments

    @property
    def summary(self) -> str:
        return (self.run.__doc__ or "").strip().splitlines()[0]

    def parser(self) -> _Parser:
        import inspect

        parser = _Parser(prog=f"{PROG} {self.name}", description=inspect.cleandoc(self.run.__doc__ or ""),
                         formatter_class=_formatter, allow_abbrev=False)
        for argument in self.arguments:
            parser.add_argument(*argument.flags, **argument.options)
        return parser


COMMANDS: dict[str, Command] = {}


def command(name: str, *arguments: Argument):
    """Register the decorated function as the command ``name``; its docstring is its help, its
    first line the summary in `jixiao --help`."""

    def register(run: Callable[..., None]) -> Callable[..., None]:
        COMMANDS[name] = Command(name, run, arguments)
        return run

    return register


# --- parsing -------------------------------------------------------------------------------------

def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def _refuse_unknown_options(words: list[str], known: dict[str, bool], parser: argparse.ArgumentParser) -> None:
    """An option the command does not have is named first, with the ones it may have meant —
    before argparse would complain of a missing required option instead."""
    expects_value = False
    for word in words:
        if expects_value:
            expects_value = False
            continue
        if word == "--":
            return
        if not word.startswith("-") or word == "-" or _is_number(word):
            continue
        name = word.split("=", 1)[0]
        if name in known:
            expects_value = known[name] and "=" not in word
            continue
        if not word.startswith("--") and word[:2] in known:  # -ofile: a short option with its value
            continue
        import difflib

        near = difflib.get_close_matches(name, [k for k in known if k.startswith("--")])
        hint = f"是否想用 {near[0]}？" if len(near) == 1 else f"是否想用其中之一：{'、'.join(near)}？" if near else ""
        raise UsageError(f"没有这个选项：{name}。{hint}", parser)


def _top_parser() -> _Parser:
    from .. import __version__

    lines = [f"  {name:<15}{c.summary}" for name, c in sorted(COMMANDS.items())]
    parser = _Parser(prog=PROG, usage=f"{PROG} [选项] 命令 [参数]…", description=TOP_HELP,
                     epilog="命令：\n" + "\n".join(lines), formatter_class=_formatter, allow_abbrev=False)
    parser.add_argument(*VERSION_FLAGS, action="version", version=f"{PROG} {__version__}",
                        help="显示版本并退出。")  # argparse's own default is fixed in English when it loads
    return parser


TOP_HELP = """jixiao（绩效）：预算绩效自评表的填写、提取与校验。

常用流程：
  jixiao new --year 2024 --scheme hunan-2024 --projects 3 -o 自评表.xlsx   新建空白工作簿
  jixiao fill 数据.yaml -o 自评表.xlsx                                      由数据文件填表
  jixiao extract 自评表.xlsx -o 数据.yaml                                   从工作簿提取数据
  jixiao demo                                                                用自带示例演示全过程

“jixiao 命令 --help”列出该命令的参数。"""


def parse(words: list[str]) -> tuple[Callable[..., None], dict]:
    """The function to run and its keyword arguments. Help and the version print and leave by
    ``SystemExit(0)``, as argparse does; a usage error raises `UsageError`."""
    i18n.install()
    at = next((i for i, w in enumerate(words) if not w.startswith("-")), len(words))
    leading, name, rest = words[:at], words[at] if at < len(words) else None, words[at + 1:]
    if leading or name is None:
        top = _top_parser()
        _refuse_unknown_options(leading, {f: False for f in HELP_FLAGS + VERSION_FLAGS}, top)
        top.parse_args(leading)  # -h / -V print and leave
        top.print_help(sys.stdout)  # nothing asked: what can be asked, and the exit code of a usage error
        raise SystemExit(2)
    if name not in COMMANDS:
        import difflib

        near = difflib.get_close_matches(name, COMMANDS)
        hint = f"是否想用 {near[0]}？" if near else ""
        raise UsageError(f"没有这个命令：“{name}”。{hint}", _top_parser())
    chosen = COMMANDS[name]
    parser = chosen.parser()
    known = {flag: a.takes_value for a in chosen.arguments for flag in a.flags if flag.startswith("-")}
    _refuse_unknown_options(rest, known | {f: False for f in HELP_FLAGS}, parser)
    return chosen.run, vars(parser.parse_args(rest))
