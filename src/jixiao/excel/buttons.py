"""The Excel buttons: 校验, 重算, 清除标记, 新增项目表, 环境自检.

Each function takes an optional ``xlwings.Book`` (else the calling workbook) and is a thin face
over the core: it reads every sheet with one bulk ``.value`` and the range names once, builds the
document with ``workbook.grid`` + ``read_contents``, and writes back in bulk. Only actions the
xlwings VBA remote client applies are used (setValues, setRangeColor, addHyperlink, addSheet,
sheetClear, sheetDelete, activateSheet, runMacro, alert), so the same code serves ``RunPython``
on a desktop and ``RunRemotePython`` against a server.

The client sends values, not formulas, so a derived cell is judged by the value it shows; the
command-line ``jixiao check`` also reports formulas typed over (F06).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import xlwings as xw

from .. import __version__
from ..errors import JixiaoError
from ..forms.formulas import cell_of
from ..forms.layout import FORM_PROJECT, SCHEME_COLUMNS
from ..forms.spec import SPECS
from ..forms.sheet import a1
from ..checking import check_contents
from ..recompute import describe, plan
from ..report.findings import HEADERS, MARK_COLOURS, PLACE_COLUMN, RESULT_SHEET, cell_marks, reference, result_rows
from ..rules import ERROR, INFO, WARNING
from ..workbook.celltext import fit, typed_as_text
from ..workbook.grid import GridBook
from ..workbook.extract import BookContents, read_contents

FORM_COLOURS = {"derived": "#F2F2F2", "input": "#FFFFFF"}  # what a mark gives way to
COPY_MACRO = "JixiaoCopyProjectSheet"  # in macros/JixiaoButtons.bas
TITLE = "jixiao"


def _book(book: xw.Book | None) -> xw.Book:
    return book if book is not None else xw.Book.caller()


def _remote(book: xw.Book) -> bool:
    return isinstance(book.api, dict)  # the JSON payload of the VBA/Office.js client


# The VBA helpers (helpers.bas) that do in one call on a desktop what would take a call to Excel
# per name or per finding; the remote client applies its actions inside Excel anyway.
NAMES_MACRO = "JixiaoNames"
LINKS_MACRO = "JixiaoLinks"
LINK_TIP = "跳转到该单元格"
RANGE_TEXT_MAX = 255  # Excel's Range("A1,B2,…") takes an address of at most 255 characters


def _names(book: xw.Book) -> list[tuple[str, str, str]]:
    """(name as Excel shows it, sheet, address) of every name that refers to cells.

    On a desktop one call to the VBA helper; the remote client sent the names with the values.
    A workbook whose VBA predates the helper is walked name by name."""
    if not _remote(book):
        try:
            return names_from_rows(book.macro(NAMES_MACRO)())
        except Exception:  # no such macro (older VBA): the slow way below
            pass
    names = []
    for name in book.names:
        try:
            target = name.refers_to_range
        except Exception:  # a constant or a broken reference: not a field
            continue
        names.append((name.name, target.sheet.name, target.address))
    return names


def names_from_rows(rows) -> list[tuple[str, str, str]]:
    """The helper's array as COM hands it over (a tuple of rows; unused rows empty, no names
    at all an empty value) as (name, sheet, address) triples."""
    if not rows:
        return []
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows if r and r[0] not in (None, "")]


@dataclass
class Snapshot:
    """Every sheet's values (one bulk read each) and the range names of a book."""

    book: xw.Book
    grids: dict[str, list[list[object]]]
    names: list[tuple[str, str, str]]

    @classmethod
    def read(cls, book: xw.Book) -> "Snapshot":
        grids = {}
        for sheet in book.sheets:
            last = sheet.used_range.last_cell
            grids[sheet.name] = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
        return cls(book, grids, _names(book))

    def contents(self) -> BookContents:
        return read_contents(GridBook(self.grids, self.names), self.book.name)

    def sheet_index(self, name: str) -> int:
        return list(self.grids).index(name)


def _alert(book: xw.Book, text: str) -> None:
    book.app.alert(text, title=TITLE)


def _derived_cells(contents: BookContents) -> set[tuple[str, str]]:
    cells = set()
    for place in contents.forms:
        for path in SPECS[place.form].formulas(place.positions):
            cells.add((place.sheet, a1(*cell_of(place.positions, path))))
    return cells


MARKED = {s.value for s in MARK_COLOURS}


def _old_marks(snap: Snapshot) -> list[tuple[str, str]]:
    """The cells a previous 校验 coloured, as its results sheet lists them ("附件2!I5")."""
    rows = snap.grids.get(RESULT_SHEET) or []
    marks = []
    for row in rows[1:]:
        place = row[PLACE_COLUMN] if row and len(row) > PLACE_COLUMN else None
        if row[0] in MARKED and isinstance(place, str) and "!" in place:
            sheet, cell = place.rsplit("!", 1)
            if sheet in snap.grids:
                marks.append((sheet, cell))
    return marks


def _colour(book: xw.Book, colours: dict[tuple[str, str], str]) -> None:
    """Give each (sheet, cell) its colour. On a desktop one call per sheet and colour (a
    multi-area range, split where its address would pass 255 characters); the remote client
    takes rectangles only, so there one action per cell."""
    if _remote(book):
        for (sheet, cell), colour in colours.items():
            book.sheets[sheet].range(cell).color = colour
        return
    groups: dict[tuple[str, str], list[str]] = {}
    for (sheet, cell), colour in colours.items():
        groups.setdefault((sheet, colour), []).append(cell)
    for (sheet, colour), cells in groups.items():
        target = book.sheets[sheet]
        for address in multi_area(cells):
            target.range(address).color = colour


def multi_area(cells: list[str]) -> list[str]:
    """``cells`` as few comma-joined addresses as Excel's 255-character limit allows, in order."""
    out, address = [], ""
    for cell in cells:
        if address and len(address) + 1 + len(cell) > RANGE_TEXT_MAX:
            out.append(address)
            address = ""
        address = f"{address},{cell}" if address else cell
    return out + ([address] if address else [])


def _links(book: xw.Book, results: xw.Sheet, view: list) -> None:
    """A link on each result row's place cell to that place. On a desktop one call to the VBA
    helper (a workbook whose VBA predates it gets one call per row)."""
    rows = [(n, row) for n, row in enumerate(view, start=2) if row.target]
    if not _remote(book):
        targets = "\n".join(reference(*row.target) if row.target else "" for row in view)
        try:
            book.macro(LINKS_MACRO)(results.name, PLACE_COLUMN + 1, 2, targets, LINK_TIP)
            return
        except Exception:  # no such macro (older VBA): one call per row below
            pass
    for n, row in rows:
        results.range((n, PLACE_COLUMN + 1)).add_hyperlink("#" + reference(*row.target), row.values[PLACE_COLUMN],
                                                           LINK_TIP)


def _unmark(book: xw.Book, snap: Snapshot, contents: BookContents | None) -> int:
    derived = _derived_cells(contents) if contents else set()
    marks = list(dict.fromkeys(_old_marks(snap)))
    _colour(book, {(sheet, cell): FORM_COLOURS["derived" if (sheet, cell) in derived else "input"]
                   for sheet, cell in marks})
    return len(marks)


def _read(book: xw.Book) -> tuple[Snapshot, BookContents | None]:
    snap = Snapshot.read(book)
    try:
        return snap, snap.contents()
    except JixiaoError as e:
        _alert(book, f"无法读取本工作簿：{e}")
        return snap, None


def validate(book: xw.Book | None = None) -> None:
    """校验: run every rule, list the findings on a 校验结果 sheet with links, colour their cells."""
    book = _book(book)
    snap, contents = _read(book)
    if contents is None:
        return
    findings, _ = check_contents(contents, formulas_read=False)  # the client sends values, not formulas
    _unmark(book, snap, contents)
    view = result_rows(findings)
    rows = [list(HEADERS)] + [list(row.values) for row in view]
    if RESULT_SHEET in snap.grids:
        results = book.sheets[RESULT_SHEET]
        results.clear()
    else:
        results = book.sheets.add(name=RESULT_SHEET, after=book.sheets[len(book.sheets) - 1])
    # Excel parses what is put into a cell ("=…" a formula, "001" a number): texts go in as texts.
    results.range("A1").value = [[typed_as_text(fit(v)) for v in row] for row in rows]
    _links(book, results, view)
    _colour(book, {place: "#" + rgb for place, rgb in cell_marks(findings).items()})
    results.activate()
    counts = {s: sum(f.severity is s for f in findings) for s in (ERROR, WARNING, INFO)}
    verdict = "有错误须改正后才能签批" if counts[ERROR] else "没有错误"
    _alert(book, f"校验完成：错误 {counts[ERROR]}，警告 {counts[WARNING]}，提示 {counts[INFO]}；{verdict}。"
                 f"明细见“{RESULT_SHEET}”表。")


def recompute(book: xw.Book | None = None) -> None:
    """重算: write the right formula into every derived cell; report the values that changed."""
    book = _book(book)
    snap, contents = _read(book)
    if contents is None:
        return
    cells = plan(contents)
    # One write per run of adjacent derived cells in a row (never an input cell).
    runs: list[list] = []
    for cell in sorted(cells, key=lambda c: (snap.sheet_index(c.sheet), c.row, c.col)):
        last = runs[-1][-1] if runs else None
        if last is not None and last.sheet == cell.sheet and last.row == cell.row and last.col == cell.col - 1:
            runs[-1].append(cell)
        else:
            runs.append([cell])
    for run in runs:
        first = run[0]
        book.sheets[first.sheet].range((first.row + 1, first.col + 1)).value = [[c.formula for c in run]]
    changed = [c for c in cells if c.value_changed]
    lines = [f"{c.sheet}!{c.ref}：{describe(c.old_value)} → {describe(c.value)}" for c in changed[:15]]
    more = f"\n……另有 {len(changed) - 15} 个" if len(changed) > 15 else ""
    head = f"重算完成：恢复公式 {len(cells)} 个，显示值有变化的 {len(changed)} 个。"
    _alert(book, head + ("\n" + "\n".join(lines) + more if lines else ""))


def clear_marks(book: xw.Book | None = None) -> None:
    """清除标记: take the colours of the last 校验 off and remove the 校验结果 sheet."""
    book = _book(book)
    snap = Snapshot.read(book)
    try:
        contents = snap.contents()
    except JixiaoError:
        contents = None
    count = _unmark(book, snap, contents)
    if RESULT_SHEET in snap.grids:
        book.sheets[RESULT_SHEET].delete()
    _alert(book, f"已清除 {count} 处标记" + ("和“校验结果”表。" if RESULT_SHEET in snap.grids else "。"))


def add_project_sheet(book: xw.Book | None = None) -> None:
    """新增项目表: a blank 项目支出绩效自评表 for the workbook's scheme, a copy of an existing project
    sheet (formats, formulas, names) with every input cleared."""
    book = _book(book)
    snap, contents = _read(book)
    if contents is None:
        return
    template = next((p for p in contents.forms if p.form == FORM_PROJECT), None)
    if template is None:
        _alert(book, "本工作簿没有项目支出绩效自评表可作样板；请用 jixiao new 生成含项目表的工作簿。")
        return
    taken = {name.lower() for name in snap.grids}
    number = len([p for p in contents.forms if p.form == FORM_PROJECT]) + 1
    while f"项目{number}".lower() in taken:
        number += 1
    new_name = f"项目{number}"
    inputs = input_ranges(template)
    args = (template.sheet, new_name, ",".join(inputs))
    if _remote(book):
        book.macro(COPY_MACRO)(*args)
    else:
        book.macro(COPY_MACRO)(book.api, *args)
    _alert(book, f"已新增项目表“{new_name}”（指标体系 {contents.doc.scheme}），请填写项目名称和各栏内容。")


def input_ranges(place) -> list[str]:
    """The input cells of a project sheet as A1 ranges (what a blank copy clears)."""
    spec = SPECS[place.form]
    fields, tables = spec.fields, spec.tables
    out = []
    for f in fields:
        if f.in_data and not f.derived and f.path in place.positions:
            out.append(place.positions.at(f.path))
    for table in tables:
        r1, c1, r2, _ = place.positions.ranges[table.path]
        # Every input column of every row; 一级/二级 keep the scheme's categories.
        offsets = [c.offset for c in table.columns if not c.derived and c.path not in SCHEME_COLUMNS]
        out.append(f"{a1(r1, c1 + min(offsets))}:{a1(r2, c1 + max(offsets))}")
    return out


def signoff(book: xw.Book | None = None) -> None:
    """生成签批包: the sign-off package of the saved workbook, in a folder beside it."""
    from pathlib import Path

    from ..signoff.package import signoff as build

    book = _book(book)
    if _remote(book):
        _alert(book, "生成签批包需要访问工作簿文件，请在装有 jixiao 的电脑上用桌面 Excel 点击，或运行 jixiao signoff。")
        return
    if not book.api.Saved:
        _alert(book, "请先保存工作簿，再生成签批包（签批包取自已保存的文件）。")
        return
    source = Path(book.fullname)
    folder = source.with_name(f"{source.stem}.签批包")
    n = 2
    while folder.exists():
        folder = source.with_name(f"{source.stem}.签批包({n})")
        n += 1
    try:
        result = build(source, folder)
    except JixiaoError as e:
        _alert(book, f"未生成签批包：{e}")
        return
    note = "".join(f"\n注意：{n}" for n in (result.pdf_note, result.name_note) if n)
    _alert(book, f"已生成签批包：{folder}{note}")


def self_check(book: xw.Book | None = None, embedded_xlwings: str | None = None) -> None:
    """环境自检: which Python, jixiao and xlwings the buttons run on, and whether the workbook's
    embedded xlwings module (its version handed over by the macro) matches the installed one."""
    book = _book(book)
    lines = ["环境自检：",
             f"Python 版本：{sys.version.split()[0]}",
             f"Python 解释器：{sys.executable}",
             f"jixiao 版本：{__version__}",
             f"xlwings 版本：{xw.__version__}"]
    if embedded_xlwings and embedded_xlwings != xw.__version__:
        lines += [f"注意：工作簿内嵌的 xlwings 模块是 {embedded_xlwings} 版，与本机的 {xw.__version__} 版不同，"
                  "部分按钮可能出错。请关闭工作簿，在命令行运行：",
                  "    jixiao addin-config 工作簿.xlsm --update-vba",
                  "把工作簿的 xlwings 模块换成本机的版本。"]
    else:
        lines.append("以上都正常显示，说明按钮已能调用 Python。")
    _alert(book, "\n".join(lines))
