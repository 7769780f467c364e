"""Extract: read a filled workbook back into a `jixiao/1` Document.

Fields are found by their defined names (see ``forms.layout``), so rows inserted in Excel, which
move the cells and stretch the names, do not matter. A derived cell counts as *stated* only when
it holds a typed value rather than a formula, as the spec's round trip requires.

``read_book`` also returns what a check needs beyond the document: where each field sits (so a
finding points at a cell) and which derived cells no longer hold their formula.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from dataclasses import fields as dc_fields
from decimal import Decimal
from functools import lru_cache
from itertools import compress
from operator import attrgetter
from pathlib import Path

from ..errors import JixiaoError
from ..forms.formulas import FormulaState, Positions, cell_of, normalise
from ..forms.layout import (ANNOTATED_NAME, FORM_NAME, INFO, INFO_SHEET, NOT_APPLICABLE, TITLES, VALUES_ONLY_NAME,
                            Table, field_words)
from ..forms.sheet import a1
from ..forms.spec import FORM_SPECS, INFO_SPEC, SPECS
from ..model.document import (FORMAT, Department, Document, Indicator, Report,
                               is_placeholder, set_path)
from ..model.numbers import DASH, as_excel_shows, plain, shown_value
from ..model.schemes import load_scheme, scheme_ids
from .reader import Sheet, Workbook, grid_value

_WEIGHT_SUFFIX = re.compile(r"[（(]\s*\d+(\.\d+)?\s*分\s*[）)]\s*$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


_FORM_HEAD = re.compile(r"^(projects\[\d+\]|basic_data|overall|department)")


class CellLocations:
    """Where each field sits: ``"projects[3].indicators[2].score" in locations``, and
    ``locations[path]`` gives its A1 cell. A form's fields are kept as its named ranges (one dict
    per sheet, shared with the reader); rows of tables per row, not per cell."""

    def __init__(self):
        self.sheets: dict[str, str] = {}  # "basic_data" / "overall" / "projects[3]" / "department" → sheet
        self.fields: dict[str, tuple[int, int]] = {}  # full path → cell (基本信息)
        self.forms: dict[str, dict[str, tuple[int, int, int, int]]] = {}  # prefix → path → range
        self.tables: dict[str, tuple[list[int], dict[str, int], int]] = {}  # path → (rows, offsets, first col)

    def _find(self, path: str) -> tuple[int, int] | None:
        found = self.fields.get(path)
        if found is not None:
            return found
        head, _, rest = path.partition(".")  # "projects[3]", "funds.total.executed"
        ranges = self.forms.get(head)
        if ranges is not None:
            bounds = ranges.get(rest)
            if bounds is not None:
                return bounds[0], bounds[1]
        table_path, _, rest = path.rpartition("[")  # a row of a table: …indicators[2].score
        table = self.tables.get(table_path)
        if table is None:
            return None
        index, bracket, attr = rest.partition("]")
        if not (bracket and index.isdecimal() and index.isascii()):
            return None
        rows, offsets, c1 = table
        if int(index) >= len(rows):
            return None
        if not attr:
            return rows[int(index)], c1
        if attr[0] == "." and attr[1:] in offsets:
            return rows[int(index)], c1 + offsets[attr[1:]]
        return None

    def __contains__(self, path: str) -> bool:
        return self._find(path) is not None

    def get(self, path: str, default: str | None = None) -> str | None:
        found = self._find(path)
        return default if found is None else a1(*found)

    def __getitem__(self, path: str) -> str:
        found = self._find(path)
        if found is None:
            raise KeyError(path)
        return a1(*found)

    def sheet_of(self, path: str) -> str:
        """The sheet of the form ``path`` belongs to ("" for none)."""
        m = _FORM_HEAD.match(path)
        return self.sheets.get(m.group(1) if m else "", "")


@dataclass
class BookContents:
    """A workbook as the checks see it."""

    doc: Document
    locations: CellLocations = field(default_factory=CellLocations)  # data path → its cell
    formula_states: list[FormulaState] = field(default_factory=list)
    forms: list["FormPlace"] = field(default_factory=list)  # where each form's fields are
    values_only: bool = False  # jixiao's sign-off copy: its formulas were frozen to values on purpose
    annotated: bool = False  # jixiao's annotated copy of a workbook
    by_labels: bool = False  # read by its printed labels (a filed document, another office's workbook)
    unplaced: list[str] = field(default_factory=list)  # what reading by labels could not place
    info: Sheet | None = None  # the 基本信息 sheet's cells as read

    @property
    def sheets(self) -> dict[str, str]:
        return self.locations.sheets

    def sheet_of(self, path: str) -> str:
        return self.locations.sheet_of(path)


def _clean(value: object, kind: str) -> object:
    """A cell value as the data model holds it for a field of ``kind``."""
    cls = value.__class__  # tested by identity, commonest first: every cell read passes here
    if cls is str:
        if kind == "text":
            return value if value.strip() else None
        text = value.strip()
        if not text or text in (NOT_APPLICABLE, DASH):
            return None  # the forms' marks for "not applicable" / "cannot be computed"
        return text
    if cls is Decimal:
        return plain(value) if kind == "text" else value
    if value is None:
        return None
    return as_excel_shows(value)  # TRUE/FALSE: not a number, so F02 reports it


def _carry_down(level1: list, level2: list) -> None:
    """一级/二级 cells are merged over their rows: each row takes the category above it. A new
    一级 starts its 二级 afresh; "产出指标（30分）" is read as "产出指标"."""
    current1 = current2 = None
    for k, (v1, v2) in enumerate(zip(level1, level2)):
        if v1 is not None:
            v1 = _WEIGHT_SUFFIX.sub("", v1.strip())
            if v1 != current1:
                current2 = None
            current1 = v1
        if v2 is not None:
            current2 = v2.strip()
        level1[k], level2[k] = current1, current2


@lru_cache(maxsize=None)
def _field_order(cls: type) -> tuple[str, ...]:
    """A row class's fields in order (rows are built positionally when the columns match it)."""
    return tuple(f.name for f in dc_fields(cls))


def _clean_column(values: list, kind: str) -> list:
    """``_clean`` over a column, with the common cases (text in a text column, a number in a
    number column, a blank) decided inline."""
    if kind == "text":
        return [v if v.__class__ is str and v.strip() else None if v is None or v.__class__ is str else _clean(v, kind)
                for v in values]
    return [v if v.__class__ is Decimal else None if v is None else _clean(v, kind) for v in values]


def _clean_raw_column(values: list, kind: str) -> list:
    """``_clean_column`` of ``grid_value`` of each of python-calamine's raw values (see
    ``GridSheet.raw_columns``), text and numbers decided inline."""
    if kind == "text":
        return [v if v.__class__ is str and v.strip() else None if v is None or v.__class__ is str
                else _clean(grid_value(v), kind) for v in values]
    return [grid_value(v) if v.__class__ is float else None if v is None or v == ""
            else _clean(grid_value(v), kind) for v in values]


@dataclass
class FormPlace:
    """One form sheet: which form, its data prefix, field positions and its tables' rows."""

    sheet: str
    form: str
    prefix: str
    positions: Positions
    table_rows: dict[str, dict[int, int]]  # table → sheet row → index in the data list
    content: Sheet  # the sheet's cells as read


_REPORT = attrgetter("report")


@lru_cache(maxsize=None)
def _field_plan(form: str) -> tuple[tuple, ...]:
    """A form's fields as reading needs them, worked out once: (name, path, in data, derived,
    kind, getter of the parent block or None, attribute). Every field path is attributes only."""
    plan = []
    for f in SPECS[form].fields:
        *parents, attr = f.path.split(".")
        parent = (_REPORT if parents == ["report"] else attrgetter(".".join(parents))) if parents else None
        plan.append((f.name, f.path, f.in_data, f.derived, f.kind, parent, attr))
    return tuple(plan)


class _FormReader:
    """Reads one form sheet into its block, recording where each field was found."""

    def __init__(self, book: Workbook, sheet: Sheet, form: str, prefix: str, contents: BookContents):
        self.book, self.sheet, self.form, self.prefix, self.contents = book, sheet, form, prefix, contents
        self.ranges: dict[str, tuple[int, int, int, int]] = {}
        self.table_rows: dict[str, dict[int, int]] = {}  # table → sheet row → index in the data list
        contents.locations.forms[prefix] = self.ranges
        self.local = book.local_ranges(sheet.name)

    def _range(self, name: str) -> tuple[int, int, int, int] | None:
        found = self.local.get(name)
        if found is not None:
            return found
        target = self.book.name(name, self.sheet.name)
        if target is None or target.range is None or target.sheet != self.sheet.name:
            return None
        return target.range

    def _place(self, name: str, path: str, missing: list[str]) -> tuple[int, int, int, int] | None:
        """Where the field or table ``path`` is (recorded), or None (``path`` noted as missing)."""
        found = self._range(name)
        if found is None:
            missing.append(path)
        else:
            self.ranges[path] = found
        return found

    def read(self, block) -> None:
        tables = SPECS[self.form].tables
        missing: list[str] = []
        value_at, formula_at = self.sheet.value, self.sheet.formula
        for name, path, in_data, derived, kind, parent, attr in _field_plan(self.form):
            found = self._place(name, path, missing)
            if found is None or not in_data:
                continue
            r, c = found[0], found[1]
            if derived and formula_at(r, c) is not None:
                continue  # a live formula states nothing
            value = _clean(value_at(r, c), kind)
            if value is not None:
                if parent is _REPORT and block.report is None:
                    block.report = Report()
                setattr(block if parent is None else parent(block), attr, value)
        for table in tables:
            found = self._place(table.name, table.path, missing)
            if found is not None:
                set_path(block, table.path, self._read_table(table, found))
        if missing:
            raise JixiaoError(self._missing_message(missing))

    def _missing_message(self, missing: list[str]) -> str:
        """Which fields lost their names, in the form's words, and the likeliest cause: names that
        still point at the sheet's old name (renamed by a tool that does not update names)."""
        words = list(dict.fromkeys(w for w in map(field_words, missing) if w))
        shown = "、".join(words[:8]) + ("等" if len(words) > 8 else "")
        sheet = self.sheet.name
        elsewhere = {t.sheet for name in (f.name for f in SPECS[self.form].fields)
                     if (t := self.book.name(name, sheet)) is not None and t.sheet not in (None, sheet)}
        gone = sorted(s for s in elsewhere if s not in self.book.sheet_names())
        if gone:
            cause = f"这张表的名称仍指向工作表“{gone[0]}”，它可能被改了名：请把这张表改回“{gone[0]}”后再试"
        else:
            cause = "名称可能被删除，或这张表是从别的工作簿复制来的：请从备份恢复，或用 jixiao fill 重新生成"
        return f"工作表“{sheet}”有 {len(missing)} 个栏目找不到 jixiao 的字段名称（{shown}），无法可靠读取。{cause}"

    def _read_table(self, table: Table, found: tuple[int, int, int, int]) -> list:
        r1, c1, r2, c2 = found
        last = max(self.sheet.last_row(), r1)
        if r2 > last:
            # Rows below the sheet's last with content are blank: they make no items and hold no
            # formulas, so the table is taken to end there (a name stretched to row 1048576 would
            # otherwise cost a million rows here and in the formulas expected of them).
            r2 = last
            self.ranges[table.path] = (r1, c1, r2, c2)
        paths = [col.path for col in table.columns]
        # Read a column at a time (each is one kind); from calamine's raw values when the sheet
        # has them, converted and cleaned in one pass.
        raw_columns = getattr(self.sheet, "raw_columns", None)
        if raw_columns is not None:
            read, clean = raw_columns(r1, r2, [c1 + col.offset for col in table.columns]), _clean_raw_column
        else:
            read, clean = [self.sheet.column(r1, r2, c1 + col.offset) for col in table.columns], _clean_column
        columns = []
        for col, (values, formulas) in zip(table.columns, read):
            if col.derived and formulas is not None:  # a live formula states nothing
                values = [None if f is not None else v for v, f in zip(values, formulas)]
            columns.append(clean(values, col.kind))
        indicators = table.item is Indicator
        if indicators:
            _carry_down(columns[paths.index("level1")], columns[paths.index("level2")])
        if tuple(paths) == _field_order(table.item):  # the columns in the item's field order
            make = table.item
        else:
            def make(*cleaned):
                return table.item(**dict(zip(paths, cleaned)))
        if indicators:  # every row made, placeholders left out
            built = list(map(make, *columns))
            wanted = [not is_placeholder(item) for item in built]
        else:  # rows with anything in them
            wanted = [any(v is not None for v in cleaned) for cleaned in zip(*columns)]
            built = [make(*cleaned) if want else None for cleaned, want in zip(zip(*columns), wanted)]
        kept = list(compress(range(r1, r2 + 1), wanted))
        items = list(compress(built, wanted))
        rows = dict(zip(kept, range(len(kept))))
        self.table_rows[table.path] = rows
        offsets = {col.path: col.offset for col in table.columns}
        self.contents.locations.tables[f"{self.prefix}.{table.path}"] = (kept, offsets, c1)
        return items

    def formula_states(self) -> list[FormulaState]:
        """The derived cells that do not hold the formula they should."""
        states = []
        formula_at = self.sheet.formula
        for path, (r, c), expected, written, wanted in _expected_formulas(self.form, tuple(self.ranges.items())):
            formula = formula_at(r, c)
            if formula == written or formula == "":
                continue  # as written (the common case), or a shared-formula follower
            if formula is not None and normalise(formula) == wanted:
                continue
            m = re.match(r"^(\w+)\[(\d+)\]\.(\w+)$", path)
            if m:  # a table row: name it by its place in the data, skip rows the data leaves out
                index = self.table_rows.get(m.group(1), {}).get(r)
                if index is None:
                    continue
                path = f"{m.group(1)}[{index}].{m.group(3)}"
            states.append(FormulaState(f"{self.prefix}.{path}", expected, formula, as_excel_shows(self.sheet.value(r, c))))
        return states


@lru_cache(maxsize=4096)
def _expected_formulas(form: str, layout: tuple[tuple[str, tuple[int, int, int, int]], ...]) -> list:
    """(path, cell, formula, the formula as a file stores it, its normal form) of every derived
    cell of a form laid out as ``layout`` (its ranges' items). A department's project sheets
    mostly share a layout, so each is built once."""
    pos = Positions(dict(layout))
    return [(path, cell_of(pos, path), expected, expected.removeprefix("="), normalise(expected))
            for path, expected in SPECS[form].formulas(pos).items()]


def _info_value(book: Workbook, name: str) -> tuple[object, tuple[int, int] | None]:
    target = book.name(name)
    if target is None or target.range is None or target.sheet is None:
        return None, None
    r, c = target.range[:2]
    return book.sheet(target.sheet).value(r, c), (r, c)


TITLE_ROWS = 3  # a form's title is in its first rows


def _form_title(book, sheet: str) -> str | None:
    """The form title a sheet shows in its first rows ("项目支出绩效自评表"), if any."""
    grid = book.sheet(sheet)
    for r in range(TITLE_ROWS):
        for c in range(12):
            value = grid.value(r, c)
            if isinstance(value, str):
                for title in TITLES.values():
                    if value.rstrip().endswith(title):
                        return title[2:]  # without 年度
    return None


def form_of_sheet(book, sheet: str) -> str | None:
    """Which form a sheet holds: its jx_form constant, or else the names only that form has."""
    target = book.name(FORM_NAME, sheet)
    if target is not None and target.constant in SPECS:
        return target.constant
    for spec in FORM_SPECS:
        found = book.name(spec.marker, sheet)
        if found is not None and found.sheet == sheet:
            return spec.key
    return None


def read_book(path: str | Path) -> BookContents:
    """The Document a jixiao workbook holds, with field locations and formula states."""
    with Workbook(path) as book:
        return read_contents(book, str(path))


# 年度 as people write it where a number belongs: "２０２４", "2024年", "二〇二四"
_CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_YEAR_TEXT = re.compile(r"(\d{4})\s*(?:年度?)?")


def _year(book, source) -> int:
    """The workbook's 年度 from 基本信息, or a message saying where it is and what it holds."""
    field = INFO["year"]
    target = book.name(field.name)
    if target.sheet is None or target.range is None:
        raise JixiaoError(f"“{INFO_SHEET}”的{field.label}单元格已失效（名称 {field.name} 不再指向任何单元格，"
                          f"可能所在的行被删除）：请从备份恢复，或用 jixiao fill 重新生成：{source}")
    value, (r, c) = _info_value(book, field.name)
    value = as_excel_shows(value)
    if isinstance(value, str):
        found = _YEAR_TEXT.fullmatch(unicodedata.normalize("NFKC", value).strip().translate(_CHINESE_DIGITS))
        value = Decimal(found[1]) if found else value
    if not isinstance(value, Decimal) or value != value.to_integral_value() or not 1900 <= value <= 2999:
        raise JixiaoError(f"“{target.sheet}”{a1(r, c)} 的{field.label}应为四位数字（如 2024），现为{shown_value(value)}：{source}")
    return int(value)


def read_contents(book, source: str = "工作簿") -> BookContents:
    """The same from any book-like source: a workbook file, or the values and names an Excel
    button sends (``workbook.grid``). It needs ``name()``, ``sheets`` and ``sheet()``."""
    if book.name(INFO_SPEC.marker) is None:
        raise JixiaoError(f"这个工作簿没有 jixiao 的字段名称（不是由 jixiao 生成的模板或工作簿），暂时无法读取：{source}")
    year = _year(book, source)
    scheme = _clean(_info_value(book, INFO["scheme"].name)[0], "text")
    if scheme is None:
        raise JixiaoError(f"“{INFO_SHEET}”中的{INFO['scheme'].label}未填写：请从下拉列表中选择（{'、'.join(scheme_ids())}）：{source}")
    load_scheme(str(scheme))  # an unknown scheme is reported here, with the known ones
    contents = BookContents(Document(year=year, scheme=str(scheme), format=FORMAT, department=Department()),
                            values_only=book.name(VALUES_ONLY_NAME) is not None,
                            annotated=book.name(ANNOTATED_NAME) is not None)
    doc = contents.doc
    for info in INFO_SPEC.fields:
        if not info.path.startswith("department."):
            continue  # format, year and scheme: read above, before anything depends on them
        value, cell = _info_value(book, info.name)
        if info.kind == "date" and isinstance(value, Decimal):  # Excel made the typed text a date
            value = (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
        set_path(doc, info.path, _clean(value, "text"))
        if cell:
            contents.locations.fields[info.path] = cell
            contents.sheets["department"] = book.name(info.name).sheet
    info_sheet = book.name(INFO_SPEC.marker).sheet
    contents.info = book.sheet(info_sheet) if info_sheet else None
    forms = [(entry, form_of_sheet(book, entry.name)) for entry in book.sheets]
    for entry, form in forms:
        if form is None and (title := _form_title(book, entry.name)):
            # A form whose names are gone would be passed over, and the rest checked as if it were
            # all: no result is better than a false all-clear.
            raise JixiaoError(f"工作表“{entry.name}”是一张{title}，但它的 jixiao 字段名称已缺失（可能被删除或未随表格发送），"
                              f"无法校验。请从备份恢复，或用 jixiao fill 重新生成：{source}")
    forms = [(entry, form) for entry, form in forms if form is not None]
    for entry, _ in forms:  # all sheets read first, then all extracted: each loop stays warm
        book.sheet(entry.name)
    for entry, form in forms:
        block = SPECS[form].block()
        prefix = SPECS[form].attach(doc, block)
        contents.sheets[prefix] = entry.name
        reader = _FormReader(book, book.sheet(entry.name), form, prefix, contents)
        reader.read(block)
        contents.formula_states.extend(reader.formula_states())
        contents.forms.append(FormPlace(entry.name, form, prefix, Positions(reader.ranges), reader.table_rows,
                                        reader.sheet))
    return contents


def extract(path: str | Path) -> Document:
    """The Document a jixiao workbook holds (see the module docstring)."""
    return read_book(path).doc
