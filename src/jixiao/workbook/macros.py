"""The macro-enabled workbook: the 操作 sheet with its buttons, the xlwings.conf sheet, the VBA.

The VBA project is built here from sources (``workbook.vbaproject``): the jixiao button module
(one macro per entry of ``BUTTONS``, then the helpers of ``data/macros/helpers.bas``; ASCII),
xlwings' standalone modules exactly as the installed xlwings ships them (xlwings.bas,
Dictionary.cls), and one empty document module per sheet. ``macros/JixiaoButtons.bas`` is the
same module for people who import it by hand (``jixiao templates`` writes it).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..files import write_bytes
from .vbaproject import Module, document_module, from_export, module_name, read_project, vba_project

OPERATIONS_SHEET = "操作"
CONF_SHEET = "xlwings.conf"
# All the conf sheet holds until asked to hold more: a note under a key xlwings never reads.
CONF_NOTE = ("说明", "本表没有设置时，按钮使用本机用户设置（jixiao addin-config --user 写入）；"
                     "jixiao addin-config 工作簿 把本机的 Python 写在这里，只对这个工作簿有效。")

BUTTON_MODULE = "JixiaoButtons"
BUTTON_FUNCTIONS = "jixiao.excel.buttons"  # a face: named here, imported only by the macro


@dataclass(frozen=True)
class Button:
    """One button of the 操作 sheet: its VBA macro (ASCII), caption and help (Chinese), and the
    function of ``BUTTON_FUNCTIONS`` the macro runs through xlwings."""

    macro: str
    caption: str
    function: str
    help: str
    passes: tuple[str, str] | None = None  # (keyword, VBA constant): the constant's value handed over

    def vba(self) -> str:
        if self.passes:
            keyword, constant = self.passes
            call = f"""b.{self.function}({keyword}='" & {constant} & "')"""
        else:
            call = f"b.{self.function}()"
        return f'Sub {self.macro}()\n    RunPython "import {BUTTON_FUNCTIONS} as b; {call}"\nEnd Sub\n'


# Every button, in the order of the 操作 sheet; the module's macros and the sheet come from here.
BUTTONS = (
    Button("JixiaoValidate", "校验", "validate",
           "运行全部审核规则，在“校验结果”表列出问题（可点击跳转），并把问题单元格标红（错误）或标黄（警告）。"),
    Button("JixiaoRecompute", "重算", "recompute",
           "把合计、控制率、执行率、得分、总分等计算单元格恢复为正确的公式，并列出数值有变化的单元格。"),
    Button("JixiaoClearMarks", "清除标记", "clear_marks", "去掉上次校验的颜色标记，删除“校验结果”表。"),
    Button("JixiaoAddProjectSheet", "新增项目表", "add_project_sheet",
           "按本工作簿的指标体系新增一张空白的项目支出绩效自评表。"),
    Button("JixiaoSignoff", "生成签批包", "signoff",
           "没有错误时，在工作簿旁生成签批包：只含数值的工作簿、PDF、自评报告和待发送的邮件。请先保存。"),
    Button("JixiaoSelfCheck", "环境自检", "self_check",
           "显示按钮所用的 Python、jixiao 和 xlwings 的版本及解释器路径；工作簿内嵌的 xlwings 模块与本机版本不同时提示。",
           passes=("embedded_xlwings", "XLWINGS_VERSION")),
)

_MODULE_HEAD = f"""Attribute VB_Name = "{BUTTON_MODULE}"
' jixiao: the buttons on the first sheet call these macros. Each runs Python through xlwings
' (RunPython). xlwings finds Python in this PC's own settings, written once by
' `jixiao addin-config --user`; the xlwings.conf sheet overrides them only when asked.
' This module is ASCII only: the captions, in Chinese, live in the workbook.
' Made by jixiao from its list of buttons (workbook/macros.py BUTTONS): edit that, not this.
Option Explicit

"""


def macro_source() -> str:
    """The button module: one macro per button, then the helpers the buttons call."""
    helpers = resources.files("jixiao").joinpath("data", "macros", "helpers.bas").read_text(encoding="ascii")
    return _MODULE_HEAD + "\n".join(b.vba() for b in BUTTONS) + "\n" + helpers


def write_macro_module(folder: str | Path) -> Path:
    """``folder``/JixiaoButtons.bas, for importing by hand (CRLF, as the VBA editor exports)."""
    path = Path(folder) / f"{BUTTON_MODULE}.bas"
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_bytes(path, macro_source().replace("\n", "\r\n").encode("ascii"))


def xlwings_sources() -> list[tuple[str, str, str]]:
    """(module name, source, kind) of xlwings' standalone VBA, from the installed xlwings."""
    import xlwings

    base = Path(xlwings.__file__).parent
    return [("xlwings", (base / "xlwings.bas").read_text(encoding="ascii"), "standard"),
            ("Dictionary", (base / "addin" / "Dictionary.cls").read_text(encoding="ascii"), "class")]


def add_operations_sheet(book) -> None:
    """The first sheet: one button per macro, with what it does beside it."""
    ws = book.workbook.add_worksheet(OPERATIONS_SHEET)
    st = book.styles
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 90)
    # the title and the note span both columns: in column A alone they were cut off
    ws.merge_range(0, 0, 0, 1, "预算绩效自评 · 操作", st.title())
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, 1, "点击按钮运行。按钮需要 Python 和 jixiao（见说明书“Excel 按钮”一节）；"
                               "WPS 不支持，请用命令行 jixiao check。", st.plain(size=9, color="#7F7F7F"))
    ws.set_row(1, 18)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    for i, button in enumerate(BUTTONS):
        row = 3 + i * 3
        ws.set_row(row, 30)
        ws.insert_button(row, 0, {"macro": button.macro, "caption": button.caption, "width": 120, "height": 36})
        ws.write(row, 1, button.help, st.plain())


def add_conf_sheet(book) -> None:
    """xlwings' settings sheet, holding none: a key here overrides the PC's own settings even
    when empty, and the workbook must not carry this machine's interpreter path."""
    ws = book.workbook.add_worksheet(CONF_SHEET)
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 70)
    ws.write_string(0, 0, CONF_NOTE[0])
    ws.write_string(0, 1, CONF_NOTE[1])
    ws.hide()


def add_vba(book) -> None:
    """Name the workbook's and sheets' code modules and attach the VBA project."""
    wb = book.workbook
    wb.set_vba_name("ThisWorkbook")
    modules = [document_module("ThisWorkbook", "workbook")]
    for i, ws in enumerate(wb.worksheets(), start=1):
        ws.set_vba_name(f"Sheet{i}")
        modules.append(document_module(f"Sheet{i}", "sheet"))
    wb.add_vba_project(io.BytesIO(vba_project(modules + current_modules())), is_stream=True)


# --- the VBA of a workbook already written ---------------------------------------------------

OURS = ("xlwings", "Dictionary", BUTTON_MODULE)  # the modules jixiao writes; the rest are kept as found


def current_modules() -> list[Module]:
    """xlwings' modules from the installed xlwings and the button module, as jixiao embeds them."""
    modules = [from_export(name, text, kind) for name, text, kind in xlwings_sources()]
    text = macro_source()
    return modules + [from_export(module_name(text), text, "standard")]


def embedded_xlwings_version(modules: list[Module]) -> str | None:
    """The xlwings version a project's xlwings module was taken from (its XLWINGS_VERSION)."""
    for m in modules:
        if m.name == "xlwings":
            found = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', m.source)
            return found.group(1) if found else None
    return None


def refreshed_project(blob: bytes) -> bytes:
    """``blob`` with xlwings' modules and the buttons brought to the installed versions; every
    other module (the sheets', anything a user added) kept with its source."""
    found = read_project(blob)
    if any(m.kind not in ("standard", "class", "document") for m in found):
        raise ValueError("the project holds a user form, which jixiao cannot rewrite")
    fresh = {m.name: m for m in current_modules()}
    modules = [fresh.pop(m.name, m) if m.name in OURS else m for m in found]
    return vba_project(modules + list(fresh.values()))
