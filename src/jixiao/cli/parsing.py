"""The command line's grammar: each command declared once (its name, its arguments, its function),
parsed with argparse in Chinese.

Only the parser of the command being run is built, so a `jixiao check` pays for its own
options and nothing else. A usage error becomes `UsageError`, which the face prints with the
command's usage line and a hint to its help, and exits 2 — never argparse's English.
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

    def __init__(self, message: str, parser: argparse.ArgumentParser):
        super().__init__(message)
        self.parser = parser

    def shown(self) -> str:
        """What the person sees: the usage line, where help is, then the error."""
        usage = self.parser.format_usage().rstrip()
        return f"{usage}\n可运行“{self.parser.prog} --help”查看帮助。\n\n错误：{self}"


class _Parser(argparse.ArgumentParser):
    def __init__(self, **options):
        i18n.install()  # before argparse looks up its first words (the help option's)
        super().__init__(formatter_class=_formatter, allow_abbrev=False, **options)

    def error(self, message: str):  # argparse would print English and exit; the face decides
        required = i18n.translate("the following arguments are required: %s").split("%s")[0]
        if message.startswith(required):  # the missing ones, listed as Chinese lists them
            message = required + message[len(required):].replace(", ", "、")
        raise UsageError(message if message.endswith("。") else message + "。", self)


def _formatter(prog: str) -> argparse.HelpFormatter:
    # Each option's help on the line below it: argparse lines up columns by characters, and a
    # Chinese character is two columns wide. Descriptions keep the line breaks they are written
    # with (the workflow table in the top help); wrapped at HELP_WIDTH characters, which is about
    # 120 columns of Chinese text, the width of a Windows console.
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=6, width=HELP_WIDTH)


# --- argument types: each reads one word and names what it wanted in Chinese -----------------

def _shown(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _in_range(convert: Callable[[str], float], kind: str, low: float, high: float) -> Callable[[str], float]:
    limits = f"{_shown(low)}–{_shown(high)}"

    def read(text: str) -> float:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"“{text}”不是有效的{kind}") from None
        if not low <= value <= high:  # NaN is in no range
            raise argparse.ArgumentTypeError(f"{text} 不在范围 {limits} 内")
        return value

    read.metavar, read.limits = kind, limits
    return read


def whole_number(low: int, high: int) -> Callable[[str], int]:
    return _in_range(int, "整数", low, high)


def number(low: float, high: float) -> Callable[[str], float]:
    return _in_range(float, "数字", low, high)


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
    completed by what the person must know: the allowed range, 必填, the default."""

    __slots__ = ("flags", "options")

    def __init__(self, *flags: str, **options):
        kind = options.get("type")
        if kind is not None and "metavar" not in options:
            options["metavar"] = getattr(kind, "metavar", None)
        notes = [kind.limits] if getattr(kind, "limits", None) else []
        if options.get("required"):
            notes.append("必填")
        default = options.get("default")
        if default not in (None, [], True, False):  # a flag's or a list's default says nothing
            notes.append(f"默认：{_shown(default)}")
        if notes and options.get("help"):
            options["help"] += f"  [{'；'.join(notes)}]"
        self.flags, self.options = flags, options


arg = Argument  # the short name the declarations read by


class Command:
    """A command: its ``name``, the function that ``run``s it, its ``arguments``, and whether the
    garbage collector is paused while it runs (a command that only reads: `jixiao.collector`)."""

    __slots__ = ("name", "run", "arguments", "pause_collector")

    def __init__(self, name: str, run: Callable[..., None], arguments: tuple[Argument, ...], pause_collector: bool):
        self.name, self.run, self.arguments, self.pause_collector = name, run, arguments, pause_collector

    @property
    def summary(self) -> str:
        return (self.run.__doc__ or "").strip().splitlines()[0]

    def parser(self) -> _Parser:
        import inspect

        parser = _Parser(prog=f"{PROG} {self.name}", description=inspect.cleandoc(self.run.__doc__ or ""))
        for argument in self.arguments:
            parser.add_argument(*argument.flags, **argument.options)
        # parse_intermixed_args keeps the usage line by cutting len("usage: ") characters off the
        # formatted one, which would cut into a translated prefix: it is given whole instead.
        parser.usage = parser.format_usage()[len(i18n.translate("usage: ")):].rstrip("\n")
        return parser


COMMANDS: dict[str, Command] = {}


def command(name: str, *arguments: Argument, pause_collector: bool = False):
    """Register the decorated function as the command ``name``; its docstring is its help, its
    first line the summary in `jixiao --help`."""

    def register(run: Callable[..., None]) -> Callable[..., None]:
        COMMANDS[name] = Command(name, run, arguments, pause_collector)
        return run

    return register


# --- parsing -------------------------------------------------------------------------------------

def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def _takes_value(parser: argparse.ArgumentParser) -> dict[str, bool]:
    """Every option string of ``parser`` → whether a value follows it, as argparse itself knows
    (its list of actions is the one place the options are described once built)."""
    return {flag: action.nargs != 0 for action in parser._actions for flag in action.option_strings}


def _checked_words(words: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """``words`` as argparse should see them. An option the command does not have is named first,
    with the ones it may have meant — before argparse would complain of a missing required option
    instead. A value that begins with "-" ("-新表.xlsx", "-5") is joined to its option
    ("--output=-新表.xlsx"), where argparse would take it for an option and say the value is missing."""
    known = _takes_value(parser)
    out: list[str] = []
    words = iter(words)
    for word in words:
        if word == "--":
            return out + [word, *words]
        if not word.startswith("-") or word == "-" or _is_number(word):
            out.append(word)
            continue
        name = word.split("=", 1)[0]
        if name not in known and not word.startswith("--") and word[:2] in known:
            out.append(word)  # -ofile: a short option with its value
            continue
        if name not in known:
            import difflib

            near = difflib.get_close_matches(name, [k for k in known if k.startswith("--")])
            hint = f"是否想用 {near[0]}？" if len(near) == 1 else f"是否想用其中之一：{'、'.join(near)}？" if near else ""
            raise UsageError(f"没有这个选项：{name}。{hint}", parser)
        value = next(words, None) if known[name] and "=" not in word else None
        if value is None:
            out.append(word)
        elif value.startswith("-"):
            out.append(f"{word}={value}" if word.startswith("--") else word + value)
        else:
            out += [word, value]
    return out


def _top_parser() -> _Parser:
    from .. import __version__

    lines = [f"  {name:<15}{c.summary}" for name, c in sorted(COMMANDS.items())]
    parser = _Parser(prog=PROG, usage=f"{PROG} [选项] 命令 [参数]…", description=TOP_HELP,
                     epilog="命令:\n" + "\n".join(lines))
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


def parse(words: list[str]) -> tuple[Command, dict]:
    """The command to run and its keyword arguments. Help and the version print and leave by
    ``SystemExit(0)``, as argparse does; a usage error raises `UsageError`."""
    if words[:1] == ["--"]:
        words = words[1:]
    at = next((i for i, w in enumerate(words) if not w.startswith("-")), len(words))
    leading, name, rest = words[:at], words[at] if at < len(words) else None, words[at + 1:]
    if leading or name is None:
        top = _top_parser()
        top.parse_args(_checked_words(leading, top))  # -h / -V print and leave
        top.print_help(sys.stderr)  # nothing asked: what can be asked, as a usage error
        raise SystemExit(2)
    if name not in COMMANDS:
        import difflib

        near = difflib.get_close_matches(name, COMMANDS)
        hint = f"是否想用 {near[0]}？" if near else ""
        raise UsageError(f"没有这个命令：“{name}”。{hint}", _top_parser())
    chosen = COMMANDS[name]
    parser = chosen.parser()
    words = _checked_words(rest, parser)
    # Intermixed: files may stand on both sides of an option (check a.xlsx --format json b.xlsx).
    # After a "--" (files named like options) argparse's intermixed reading loses them: plain then.
    read = parser.parse_args if "--" in words else parser.parse_intermixed_args
    return chosen, vars(read(words))
