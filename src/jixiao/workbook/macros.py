"""The macro-enabled workbook: the 操作 sheet with its buttons, the xlwings.conf sheet, the VBA.

The VBA project is built here from sources (``workbook.vbaproject``): the jixiao button module
(``data/macros/JixiaoButtons.bas``, ASCII), xlwings' standalone modules exactly as the installed
xlwings ships them (xlwings.bas, Dictionary.cls), and one empty document module per sheet.
"""

from __future__ import annotations

import io
import os
import sys
from importlib import resources
from pathlib import Path

from .vbaproject import document_module, from_export, module_name, vba_project

OPERATIONS_SHEET = "操作"
CONF_SHEET = "xlwings.conf"

# (macro, caption, what it does) — captions and help are Chinese; macro names are ASCII.
BUTTONS = (
    ("JixiaoValidate", "校验", "运行全部审核规则，在“校验结果”表列出问题（可点击跳转），并把问题单元格标红（错误）或标黄（警告）。"),
    ("JixiaoRecompute", "重算", "把合计、控制率、执行率、得分、总分等计算单元格恢复为正确的公式，并列出数值有变化的单元格。"),
    ("JixiaoClearMarks", "清除标记", "去掉上次校验的颜色标记，删除“校验结果”表。"),
    ("JixiaoAddProjectSheet", "新增项目表", "按本工作簿的指标体系新增一张空白的项目支出绩效自评表。"),
    ("JixiaoSignoff", "生成签批包", "没有错误时，在工作簿旁生成签批包：只含数值的工作簿、PDF、自评报告和待发送的邮件。请先保存。"),
    ("JixiaoSelfCheck", "环境自检", "显示按钮所用的 Python、jixiao 和 xlwings 的版本及解释器路径。"),
)


def macro_source() -> str:
    return resources.files("jixiao").joinpath("data", "macros", "JixiaoButtons.bas").read_text(encoding="ascii")


def xlwings_sources() -> list[tuple[str, str, str]]:
    """(module name, source, kind) of xlwings' standalone VBA, from the installed xlwings."""
    import xlwings

    base = Path(xlwings.__file__).parent
    return [("xlwings", (base / "xlwings.bas").read_text(encoding="ascii"), "standard"),
            ("Dictionary", (base / "addin" / "Dictionary.cls").read_text(encoding="ascii"), "class")]


def interpreter_settings() -> dict[str, str]:
    """xlwings.conf values for the Python running now (what `jixiao addin-config` writes)."""
    python = sys.executable
    # This platform's key; on other systems (no Excel there) both, to be rewritten where Excel runs.
    win = "" if sys.platform == "darwin" else python
    mac = "" if os.name == "nt" else python
    return {"Interpreter_Win": win, "Interpreter_Mac": mac, "PYTHONPATH": "", "Conda Path": "", "Conda Env": "",
            "UDF Modules": "", "Debug UDFs": "False", "Use UDF Server": "False", "Show Console": "False"}


def add_operations_sheet(book) -> None:
    """The first sheet: one button per macro, with what it does beside it."""
    ws = book.workbook.add_worksheet(OPERATIONS_SHEET)
    st = book.styles
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 90)
    ws.write(0, 0, "预算绩效自评 · 操作", st.title())
    ws.set_row(0, 30)
    ws.write(1, 0, "点击按钮运行。按钮需要 Python 和 jixiao（见说明书“Excel 按钮”一节）；WPS 不支持，请用命令行 jixiao check。",
             st.plain(size=9, color="#7F7F7F"))
    for i, (macro, caption, help_text) in enumerate(BUTTONS):
        row = 3 + i * 3
        ws.set_row(row, 30)
        ws.insert_button(row, 0, {"macro": macro, "caption": caption, "width": 120, "height": 36})
        ws.write(row, 1, help_text, st.plain())


def add_conf_sheet(book) -> None:
    """xlwings reads its settings (the Python interpreter) from this sheet."""
    ws = book.workbook.add_worksheet(CONF_SHEET)
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 70)
    for r, (key, value) in enumerate(interpreter_settings().items()):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)
    ws.hide()


def add_vba(book) -> None:
    """Name the workbook's and sheets' code modules and attach the VBA project."""
    wb = book.workbook
    wb.set_vba_name("ThisWorkbook")
    modules = [document_module("ThisWorkbook", "workbook")]
    for i, ws in enumerate(wb.worksheets(), start=1):
        ws.set_vba_name(f"Sheet{i}")
        modules.append(document_module(f"Sheet{i}", "sheet"))
    for name, text, kind in xlwings_sources():
        modules.append(from_export(name, text, kind))
    text = macro_source()
    modules.append(from_export(module_name(text), text, "standard"))
    wb.add_vba_project(io.BytesIO(vba_project(modules)), is_stream=True)
