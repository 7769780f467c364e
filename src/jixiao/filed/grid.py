"""A table as a person sees it: cells with their merges, and the labels written in them.

Both sources of filed forms — a Word table and a sheet of someone else's workbook — become a
``Grid``: every position of the table maps to the one ``Cell`` covering it, so a cell merged over
many rows (an 一级指标 beside its indicators) is found from each of those rows. ``label_key`` turns
what a label looks like in a filed document ("项目支\\n出名称", "年初\\n预算数", "产出指标\\n(50分)",
"其中：　当年财政拨款", "[bookmark: _GoBack]") into the key it is compared by; ``cell_text`` does
the same for a value without changing its words. Nothing here knows a form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..errors import JixiaoError

# Word debris a text extraction or a converter leaves in a paragraph ("[bookmark: _GoBack]")
_DEBRIS = re.compile(r"\[bookmark: [^\]]*\]")
_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_WEIGHT = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")  # "（万元）", "（人）", "（2023年完工项目）", after NFKC
_ENUMERATOR = re.compile(r"^(?:\(?[0-9一二三四五六七八九十]{1,3}[)、.]|\([0-9一二三四五六七八九十]{1,3}\))")
_YEAR = re.compile(r"^\d{4}年度?")
MAX_POSITIONS = 1_000_000  # the cells and merged positions one table may cover
# What a filed form writes where a row has nothing: a placeholder, not content
PLACEHOLDERS = frozenset({"", "/", "\\", "／", "＼", "…", "……", "...", "——", "—", "-", "无"})
# A spreadsheet's error values: what a formula shows when it broke (a title whose name is gone), not words
ERROR_VALUES = frozenset({"#NAME?", "#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"})


def cell_text(text: str | None) -> str:
    """A cell's words as written, without Word's layout: each line stripped of its padding
    (spaces, U+3000) and the lines joined (a line break in a cell is where the column was narrow,
    not a word boundary), debris removed."""
    if not text:
        return ""
    text = _DEBRIS.sub("", text)
    return "".join(part.strip(" \u3000\t\u00a0") for part in text.splitlines()).strip(" \u3000\u00a0")


def label_key(text: str | None) -> str:
    """What a label is compared by: full-width forms folded (NFKC), all spaces and line breaks
    gone, a trailing colon, a trailing note in brackets and the 一级 weight dropped, a leading
    "其中：", list number ("1、", "（2）") or year ("2024年") dropped."""
    if not text:
        return ""
    key = _SPACES.sub("", unicodedata.normalize("NFKC", _DEBRIS.sub("", text)))
    key = key.rstrip(":")
    while True:
        shorter = _TRAILING_NOTE.sub("", key).rstrip(":")
        if shorter == key or not shorter:
            break
        key = shorter
    key = key.removeprefix("其中:")
    key = _ENUMERATOR.sub("", key)
    return _YEAR.sub("", key) or key


def weight_of(text: str | None) -> tuple[str, str | None]:
    """ "产出指标\\n（40分）" → ("产出指标", "40"): a 一级 label and the weight printed in it."""
    words = cell_text(text)
    m = _WEIGHT.search(words)
    if m is None:
        return words, None
    return words[:m.start()].strip(" \u3000"), m.group(1)


@dataclass(eq=False, slots=True)
class Cell:
    """One cell: its words, where it starts and how many rows and columns it covers."""

    text: str
    row: int
    col: int
    rows: int = 1
    cols: int = 1
    key: str = field(init=False)

    def __post_init__(self):
        self.key = label_key(self.text)

    @property
    def last_row(self) -> int:
        return self.row + self.rows - 1

    @property
    def last_col(self) -> int:
        return self.col + self.cols - 1

    @property
    def value(self) -> str:
        return cell_text(self.text)


class Grid:
    """A table: ``at(r, c)`` is the cell covering row ``r``, column ``c`` (0-based), merged or not.
    ``name`` says where it is for a person ("表3" in a document, the sheet's name in a workbook)."""

    def __init__(self, name: str, cells: list[Cell]):
        self.name = name
        self.cells = cells
        area = sum(cell.rows * cell.cols for cell in cells)
        if area > MAX_POSITIONS:
            # a form is a few thousand positions; merges claiming millions would only cost memory
            raise JixiaoError(f"“{name}”的表格过大（合并单元格共覆盖 {area} 个位置），不像绩效自评表，拒绝读取")
        self._at: dict[tuple[int, int], Cell] = {}
        for cell in cells:
            for r in range(cell.row, cell.row + cell.rows):
                for c in range(cell.col, cell.col + cell.cols):
                    self._at.setdefault((r, c), cell)
        self.n_rows = max((c.last_row + 1 for c in cells), default=0)
        self.n_cols = max((c.last_col + 1 for c in cells), default=0)
        self._by_key: dict[str, list[Cell]] = {}
        for cell in cells:
            self._by_key.setdefault(cell.key, []).append(cell)

    def at(self, r: int, c: int) -> Cell | None:
        return self._at.get((r, c))

    def row(self, r: int) -> list[Cell]:
        """The distinct cells covering row ``r``, left to right (cells merged from above included)."""
        seen: list[Cell] = []
        for c in range(self.n_cols):
            cell = self._at.get((r, c))
            if cell is not None and (not seen or seen[-1] is not cell):
                seen.append(cell)
        return seen

    def find(self, key: str, after: int = -1, col_max: int | None = None) -> Cell | None:
        """The first cell (top to bottom, left to right) whose label key is ``key``, starting
        below row ``after``."""
        for cell in self._by_key.get(key, ()):
            if cell.row > after and (col_max is None or cell.col <= col_max):
                return cell
        return None

    def find_prefix(self, key: str) -> Cell | None:
        return next((cell for cell in self.cells if cell.key.startswith(key)), None)

    def right_of(self, cell: Cell) -> Cell | None:
        """The cell a label governs on its right: the next cell of its first row."""
        return self._at.get((cell.row, cell.last_col + 1))

    def below(self, cell: Cell) -> Cell | None:
        """The cell a column header governs: the one under its first column."""
        return self._at.get((cell.last_row + 1, cell.col))

    def under(self, header: Cell, r: int) -> Cell | None:
        """The cell of row ``r`` in ``header``'s column; None when it is the header itself
        (a label merged down over the rows)."""
        cell = self._at.get((r, header.col))
        return None if cell is None or cell is header else cell


@dataclass
class Paragraph:
    """Text between tables in a document (titles, the narrative, the footer)."""

    text: str
