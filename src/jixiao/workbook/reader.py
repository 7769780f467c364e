"""Read a workbook in bulk: every cell's shown value *and* whether it holds a formula.

openpyxl gives either formulas or cached values per load, and is slow; the checks need both,
fast. So reading is split by cost:

* the index (workbook.xml: sheets and the many defined names; the relationships) is read here;
* a sheet written the way Excel, WPS, LibreOffice and openpyxl write one (every cell naming its
  place first, values in ``<v>`` or a plain inline string, no namespace prefixes) is read by the
  *quick scan*: one pass of one pattern over the sheet's XML picks out every cell with content,
  value and formula alike, and a count proves that no cell was missed;
* any other sheet's values come from python-calamine, which parses the XML in Rust but reports
  neither formulas nor error values: those are picked out of the same XML by a scan that looks
  only at ``<f>`` elements;
* what neither may read (far-apart cells, prefixes, unplaced cells) goes to the general scan.

Untrusted files stay safe: ``safety`` has refused encrypted, corrupt and bomb-like archives
before this module runs; any part that declares a DTD or entities is refused before a parser
sees it, so nothing can expand; and a sheet whose cells lie far apart (calamine would allocate
the whole rectangle between them) or that is written in an unusual dialect (namespace prefixes,
cells that do not name their place) is read by this module's own sparse scans instead.
Numbers come out as exact ``Decimal``; text as ``str``; booleans as ``bool``; errors as their code.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections import namedtuple
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path

from defusedxml.ElementTree import fromstring

from ..errors import JixiaoError, where_in_text
from ..model.numbers import from_cell_text
from .safety import PROLOG_LIMIT, open_workbook_zip, read_member, read_member_head, refuse_declarations, xml_text

PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MAX_GRID_CELLS = 4_000_000  # a dense grid larger than this is read sparsely (no department's is)


class Cell(namedtuple("Cell", "value formula")):
    """A cell as read: its ``value`` (Decimal, str, bool or None) and its ``formula`` (the text;
    "" for a shared-formula follower; None where the value was typed)."""

    __slots__ = ()


EMPTY = Cell(None, None)


@lru_cache(maxsize=65536)
def parse_ref(ref: str) -> tuple[int, int]:
    """ "AB12" → (11, 27), zero-based (row, col)."""
    col = 0
    i = 0
    ref = ref.replace("$", "")
    while i < len(ref) and ref[i].isalpha():
        col = col * 26 + (ord(ref[i].upper()) - 64)
        i += 1
    return int(ref[i:]) - 1, col - 1


def parse_range(ref: str) -> tuple[int, int, int, int]:
    first, _, last = ref.partition(":")
    r1, c1 = parse_ref(first)
    r2, c2 = parse_ref(last) if last else (r1, c1)
    return r1, c1, r2, c2


class Sheet:
    """One sheet's cells, sparse: (row, col) → Cell, zero-based. Also what the Excel buttons'
    values become (``workbook.grid``)."""

    def __init__(self, name: str, cells: dict[tuple[int, int], Cell] | None = None,
                 merged_refs: list[str] | None = None):
        self.name = name
        self.cells = {} if cells is None else cells
        self.merged_refs = merged_refs or []

    @property
    def merged(self) -> list[tuple[int, int, int, int]]:
        """Merged ranges, zero-based (parsed on demand: reading fields never needs them)."""
        return [parse_range(ref) for ref in self.merged_refs]

    def value(self, row: int, col: int) -> object:
        c = self.cells.get((row, col))
        return None if c is None else c.value

    def cell(self, row: int, col: int) -> Cell:
        return self.cells.get((row, col)) or EMPTY

    def formula(self, row: int, col: int) -> str | None:
        return self.cell(row, col).formula

    def last_row(self) -> int:
        """The last row with a value or formula (-1 for an empty sheet): every row below is blank."""
        return max((r for r, _ in self.cells), default=-1)

    def column(self, r1: int, r2: int, col: int) -> tuple[list[object], list[str | None] | None]:
        """The values of rows ``r1``..``r2`` of ``col``, and their formulas (None: there are none)."""
        found = [self.cells.get((r, col)) or EMPTY for r in range(r1, r2 + 1)]
        formulas = [c.formula for c in found]
        return [c.value for c in found], formulas if any(f is not None for f in formulas) else None


class _Memo(dict):
    """``memo[key]``: what ``make(key)`` gives, made once. The readers' hot loops look up the same
    few hundred places, formulas and numbers on every sheet; emptied when it grows past ``limit``
    (a hostile file cannot make it grow without bound)."""

    def __init__(self, make, limit: int = 65536):
        super().__init__()
        self.make, self.limit = make, limit

    def __missing__(self, key):
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.make(key)
        return value


def _seconds_value(seconds: float) -> Decimal:
    return from_cell_text(repr(seconds / 86400))


def _float_value(value: float) -> Decimal:
    if value.is_integer() and -1e15 < value < 1e15:
        return Decimal(int(value))
    return from_cell_text(repr(value))


_NUMBERS = _Memo(_float_value)  # the same amounts, weights and scores recur on every sheet


def grid_value(value: object) -> object:
    """A value as python-calamine gives it, in the terms the old-fashioned XML reading gives:
    a number as the Decimal Excel shows (15 digits), a date or time as its serial number."""
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        return _NUMBERS[value]
    if kind is bool:
        return value
    if kind is int:
        return Decimal(value)
    if isinstance(value, dt.datetime):
        return _seconds_value((value - EXCEL_EPOCH).total_seconds())
    if isinstance(value, dt.date):
        return Decimal((value - EXCEL_EPOCH.date()).days)
    if isinstance(value, dt.time):
        return _seconds_value(value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6)
    if isinstance(value, dt.timedelta):
        return _seconds_value(value.total_seconds())
    return None if value is None else str(value)


class BulkSheet(Sheet):
    """A sheet read in bulk (by the quick scan or by calamine): its values and its formulas kept
    apart as the reading found them, a ``Cell`` made only when one is asked for, and the merged
    ranges read from the XML after the cells only when they are."""

    def __init__(self, name: str, formulas: dict[tuple[int, int], str], merge_part: bytes):
        self.name = name
        self._formulas = formulas
        self._merge_part = merge_part

    def formula(self, row: int, col: int) -> str | None:
        return self._formulas.get((row, col))

    def cell(self, row: int, col: int) -> Cell:
        value, formula = self.value(row, col), self._formulas.get((row, col))
        return EMPTY if value is None and formula is None else Cell(value, formula)

    @cached_property
    def merged_refs(self) -> list[str]:
        return merged_refs_in(self._merge_part)


class GridSheet(BulkSheet):
    """A sheet read by python-calamine: a dense grid of values from A1, plus the formulas and
    error values the scan found. Values are converted when asked for, so the labels and numbers a
    check never looks at cost nothing."""

    def __init__(self, name: str, rows: list[list[object]], formulas: dict[tuple[int, int], str],
                 errors: dict[tuple[int, int], str], merge_part: bytes):
        super().__init__(name, formulas, merge_part)
        self._rows = rows
        self._errors = errors

    def value(self, row: int, col: int) -> object:
        if self._errors and (row, col) in self._errors:
            return self._errors[(row, col)]
        try:
            raw = self._rows[row][col]
        except IndexError:
            return None
        return grid_value(raw)

    def last_row(self) -> int:
        return max([len(self._rows) - 1, *(r for r, _ in self._formulas), *(r for r, _ in self._errors)])

    def column(self, r1: int, r2: int, col: int) -> tuple[list[object], list[str | None] | None]:
        values, formulas = self.raw_columns(r1, r2, [col])[0]
        return [grid_value(v) for v in values], formulas

    def raw_columns(self, r1: int, r2: int, cols: list[int]) -> list[tuple[list[object], list[str | None] | None]]:
        """``column`` of each of ``cols`` before conversion, from one C-level transpose of rows
        ``r1``..``r2``: values as python-calamine gives them ("" for a blank, floats, datetimes),
        error codes as text, None below the grid. Tables convert and clean these in one pass
        (``grid_value`` tells how)."""
        block = self._rows[r1:r2 + 1]
        columns = list(zip(*block))  # calamine's grid is rectangular
        n = r2 + 1 - r1
        out = []
        for col in cols:
            values = list(columns[col]) if col < len(columns) else []
            if len(values) < n:
                values += [None] * (n - len(values))
            out.append(self._with_formulas(values, r1, r2, col))
        return out

    @cached_property
    def _special_rows(self) -> dict[int, list[int]]:
        """Column → the rows where it has a formula or an error value."""
        found: dict[int, list[int]] = {}
        for r, c in self._formulas.keys() | self._errors.keys() if self._errors else self._formulas:
            found.setdefault(c, []).append(r)
        return found

    def _with_formulas(self, values: list[object], r1: int, r2: int, col: int):
        """``values`` of rows ``r1``..``r2`` of ``col`` with their error codes, and their formulas
        (None: there are none)."""
        special = self._special_rows.get(col)
        if special is None:
            return values, None
        special = [r for r in special if r1 <= r <= r2]
        if not special:
            return values, None
        formulas: list[str | None] = [None] * len(values)
        for r in special:
            formulas[r - r1] = self._formulas.get((r, col))
            code = self._errors.get((r, col))
            if code is not None:
                values[r - r1] = code
        return values, formulas if any(f is not None for f in formulas) else None

    @cached_property
    def cells(self) -> dict[tuple[int, int], Cell]:
        """Every cell with a value or formula (built on first use; the checks do not need it)."""
        found = {(r, c): self.cell(r, c) for r, values in enumerate(self._rows)
                 for c, raw in enumerate(values) if raw != ""}
        for key in self._formulas.keys() | self._errors.keys():
            found[key] = self.cell(*key)
        return found


@dataclass
class SheetEntry:
    name: str
    part: str
    state: str


_ABS_RANGE = re.compile(r"^\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?$")
_PLAIN_SHEET = re.compile(r"^[^!'\s]+$")


class NameTarget(namedtuple("NameTarget", "sheet range constant", defaults=(None, None, None))):
    """What a defined name refers to: a ``sheet`` and its ``range`` (first row, first column,
    last row, last column), a text ``constant``, or nothing usable (all None)."""

    __slots__ = ()


NOTHING = NameTarget()


@lru_cache(maxsize=65536)
def _absolute_range(ref: str) -> tuple[int, int, int, int] | None:
    """ "$E$10" or "$B$4:$I$20" → zero-based bounds; the same few refs recur on every sheet."""
    return parse_range(ref) if _ABS_RANGE.match(ref) else None


@lru_cache(maxsize=4096)
def _sheet_part(text: str) -> str | None:
    if len(text) > 1 and text[0] == "'" and text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text if _PLAIN_SHEET.match(text) else None


def resolve_name(text: str) -> NameTarget:
    """A defined name's text: 'Sheet'!$E$10, Sheet!$B$4:$I$20, a "constant", or anything else."""
    text = text.strip().lstrip("=")
    if text.startswith('"') and text.endswith('"') and len(text) > 1:
        return NameTarget(constant=text[1:-1].replace('""', '"'))
    sheet, bang, ref = text.rpartition("!")
    if not bang:
        return NOTHING
    sheet, bounds = _sheet_part(sheet), _absolute_range(ref)
    if sheet is None or bounds is None:
        return NOTHING
    return NameTarget(sheet, bounds)


# --- the scans ----------------------------------------------------------------------------------

_ATTR = re.compile(r'(?<![\w:.-])([\w:.-]+)\s*=\s*"([^"]*)"')  # a name is tried once, from its start
_SHEET_EL = re.compile(r"<(?:\w+:)?sheet\b([^<>]*?)/?>")
# Every writer we know puts name first, then localSheetId, then hidden; anything else (another
# order, more attributes, a prefix) is counted as missed and read by the general pattern.
_NAME_FAST = re.compile(r'<definedName name="([^"]*)"(?: localSheetId="([0-9]+)")?(?: hidden="1")?>([^<]*)</definedName>')
_NAME_EL = re.compile(r"<(?:\w+:)?definedName\b([^<>]*)>([^<]*)</(?:\w+:)?definedName>")

# Within <sheetData>: a formula element (its text, or none for a shared-formula follower), and the
# start of the cell it sits in.
_FORMULA = re.compile(rb"<f(?:\s[^<>]*)?(?:/>|>([^<]*)</f>)")
_CELL_REF = re.compile(rb'<c r="([A-Z]+[0-9]+)"')
_ERROR_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^<>]*?\st="e"[^<>]*>(?:<f[^<>]*?(?:/>|>[^<]*</f>))?<v>([^<]*)</v>')
# What keeps a sheet the quick scan declined from calamine's dense grid: cells that do not name
# their place (every common writer names it; calamine would place them by their order, and a long
# row of them could make its grid as wide as the row is long), or cells spread over a rectangle too
# large for a dense grid (measured only when a cell lies in column AA or beyond, or in row 10000 or
# below). Elements with a namespace prefix never reach either.
_CELL_TO_LOOK_AT = re.compile(rb'<c(?:>| (?!r="[A-Z][0-9]{1,4}"))')  # one lookahead per cell
_UNPLACED = re.compile(rb'<c(?:>| (?!r="))')
_PLAIN_ROOT = re.compile(rb'(?:\xef\xbb\xbf)?\s*(?:<\?xml[^<>]*>\s*)?<worksheet\b')  # a BOM is allowed
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^<>]*?\bref="([^"]+)"')
_MERGE_TEXT = re.compile(_MERGE.pattern.decode())

# The general scan, for the unusual dialects.
_R = re.compile(r'\br="([A-Z]+[0-9]+)"')
_TYPE = re.compile(r'\bt="(\w+)"')


@lru_cache(maxsize=None)
def _tag_patterns(tag: str) -> tuple[re.Pattern, re.Pattern]:
    # An opening tag's attributes stop at the next "<" as well as at ">": a tag never closed
    # cannot make each later search run to the end of the part.
    return (re.compile(rf"<(?:\w+:)?{tag}(?=[\s/>])([^<>]*)>"),
            re.compile(rf"</(?:\w+:)?{tag}\s*>"))


def elements(text: str, tag: str, start: int = 0, end: int | None = None):
    """(attributes, content or None when empty) of each ``<tag>`` element, in order, in time linear
    in the text: each element's end is searched once, onward from its start, and a closing tag
    that never comes ends the scan (the rest cannot be told apart from the malformed part it is).
    Elements of this tag do not nest in any part jixiao scans this way."""
    opening, closing = _tag_patterns(tag)
    end = len(text) if end is None else end
    at = start
    while True:
        m = opening.search(text, at, end)
        if m is None:
            return
        attrs = m.group(1)
        if attrs.endswith("/"):
            yield attrs[:-1], None
            at = m.end()
            continue
        close = closing.search(text, m.end(), end)
        if close is None:
            return
        yield attrs, text[m.end():close.start()]
        at = close.end()


def _first(text: str, tag: str) -> str | None:
    """The content of the first ``<tag>`` element ("" when empty, None when there is none)."""
    for _, body in elements(text, tag):
        return body or ""
    return None


def _texts(body: str) -> str:
    """The text of a string item or inline string: its <t> runs, phonetic guides (<rPh>) left out."""
    return "".join(t or "" for _, t in elements(_without(body, "rPh"), "t"))


def _without(text: str, tag: str) -> str:
    """``text`` with every ``<tag>`` element taken out (linear, as ``elements``)."""
    opening, closing = _tag_patterns(tag)
    out, at = [], 0
    while (m := opening.search(text, at)) is not None:
        out.append(text[at:m.start()])
        if m.group(1).endswith("/"):
            at = m.end()
            continue
        close = closing.search(text, m.end())
        at = len(text) if close is None else close.end()
    out.append(text[at:])
    return "".join(out)


# XML's five entities and its character references, as an XML parser reads them; anything else
# after an "&" is left as written.
_ENTITY = re.compile(r"&(?:#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6})|(lt|gt|amp|quot|apos));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _entity(m: re.Match) -> str:
    if m.group(3):
        return _NAMED[m.group(3)]
    code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    return chr(code) if code <= 0x10FFFF else m.group(0)


def _text(raw: str | None) -> str:
    if not raw:
        return ""
    return _ENTITY.sub(_entity, raw) if "&" in raw else raw


def _attrs(text: str) -> dict[str, str]:
    return {k: _text(v) for k, v in _ATTR.findall(text)}


class Workbook:
    """A parsed workbook; sheets are read on first use, each in one pass."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._zip = open_workbook_zip(self.path)
        try:
            self._load_index()
            # The parts read whole by one reader or another (the shared strings by ours, both by
            # calamine) are refused now if they declare entities, whichever reader comes to them.
            names = set(self._zip.namelist())
            for part in ("xl/sharedStrings.xml", "xl/styles.xml", "[Content_Types].xml", "_rels/.rels"):
                if part in names:  # the prolog is enough: these can be large
                    refuse_declarations(read_member_head(self._zip, part, PROLOG_LIMIT), part)
            # Every other member is inflated and its CRC checked too, once: a damaged part refuses
            # the workbook in every command alike, not only in those that copy it.
            read_whole = {s.part for s in self.sheets} | {"xl/sharedStrings.xml", "xl/workbook.xml",
                                                         "xl/_rels/workbook.xml.rels"}
            for part in names - read_whole:
                read_member(self._zip, part)
        except JixiaoError:
            self._zip.close()
            raise
        except Exception as e:  # malformed XML or structure in an untrusted file
            self._zip.close()
            raise JixiaoError(f"工作簿的结构已损坏，无法解析{where_in_text(e)}（不是 Excel 保存的完整文件）：{self.path}") from None
        self._sheets: dict[str, Sheet] = {}
        self._entries = {s.name: s for s in self.sheets}
        self._strings: list[str] | None = None
        self._calamine = None  # opened on first use; False once it has refused this file

    def close(self) -> None:
        self._zip.close()
        if self._calamine:
            self._calamine.close()

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- index: sheets and names ---------------------------------------------------------------

    def _load_index(self) -> None:
        data = read_member(self._zip, "xl/workbook.xml")
        refuse_declarations(data, "workbook.xml")
        text = xml_text(data, "workbook.xml")
        rels = read_member(self._zip, "xl/_rels/workbook.xml.rels")
        refuse_declarations(rels, "workbook.xml.rels")
        rels_root = fromstring(rels)
        targets = {}
        for rel in rels_root.iter(f"{PKG_REL_NS}Relationship"):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id")] = part
        self.sheets: list[SheetEntry] = []
        names_at = text.find("<definedNames")  # the sheets come before the (many) names
        for m in _SHEET_EL.finditer(text, 0, names_at if names_at >= 0 else len(text)):
            attrs = _attrs(m.group(1))
            rel_id = next((v for k, v in attrs.items() if k.endswith(":id")), "")
            self.sheets.append(SheetEntry(attrs.get("name", ""), targets.get(rel_id, ""), attrs.get("state", "visible")))
        # cut short: the last end tag is not the root's (whatever whitespace or comment follows it)
        if not self.sheets or _WORKBOOK_END.match(text, max(text.rfind("</"), 0)) is None:
            raise JixiaoError(f"工作簿的目录（xl/workbook.xml）已损坏或不完整（文件可能在保存或传输中中断）：{self.path}")
        names = _NAME_FAST.findall(text)
        if len(names) != text.count("definedName>"):  # some name written otherwise: read them all generally
            names = []
            for m in _NAME_EL.finditer(text):
                attrs = _attrs(m.group(1))
                names.append((attrs.get("name", ""), attrs.get("localSheetId", ""), m.group(2)))
        if "&" in text:
            names = [(_text(name), local, _text(value)) for name, local, value in names]
        # Names are resolved here, in one pass (tens of thousands in a big department). A sheet's
        # own name spelt '<this sheet>'!<absolute ref>, as writers spell them, goes straight to
        # its bounds; any other keeps its text, resolved when asked for.
        self.global_names: dict[str, str] = {}
        self.local_names: dict[str, dict[str, str]] = {}  # sheet → name → text (the other spellings)
        self._local_bounds: dict[str, dict[str, tuple[int, int, int, int]]] = {}
        places = {}  # localSheetId → (its bounds, its texts, the prefix its names start with)
        for i, s in enumerate(self.sheets):
            places[str(i)] = (self._local_bounds.setdefault(s.name, {}), self.local_names.setdefault(s.name, {}),
                              "'" + s.name.replace("'", "''") + "'!")
        for name, local, value in names:
            if not local:
                self.global_names[name] = value
                continue
            place = places.get(local)
            if place is None:
                continue  # scoped to a sheet the workbook does not have: ignored
            bounds, texts, prefix = place
            if value.startswith(prefix):
                found = _absolute_range(value[len(prefix):])
                if found is not None:
                    bounds[name] = found
                    continue
            texts[name] = value
            bounds.pop(name, None)  # a name written twice: the last one counts

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def local_ranges(self, sheet: str) -> dict[str, tuple[int, int, int, int]]:
        """The ranges of the names scoped to ``sheet`` that point into it, all at once (a form
        sheet has dozens; ``name()`` answers the rest)."""
        out = dict(self._local_bounds.get(sheet, ()))
        for name, text in self.local_names.get(sheet, {}).items():  # spelt otherwise, or not a range
            target = resolve_name(text)
            if target.sheet == sheet and target.range is not None:
                out[name] = target.range
        return out

    def defined_names(self) -> list[tuple[str | None, str, NameTarget]]:
        """Every defined name: (the sheet it is scoped to, or None for the workbook; its name;
        what it refers to)."""
        out = [(None, name, resolve_name(text)) for name, text in self.global_names.items()]
        out += [(sheet, name, NameTarget(sheet, bounds))
                for sheet, scoped in self._local_bounds.items() for name, bounds in scoped.items()]
        out += [(sheet, name, resolve_name(text))
                for sheet, scoped in self.local_names.items() for name, text in scoped.items()]
        return out

    def name(self, name: str, sheet: str | None = None) -> NameTarget | None:
        """A defined name, looked up on ``sheet`` first, then at workbook level."""
        if sheet is not None:
            bounds = self._local_bounds.get(sheet, {}).get(name)
            if bounds is not None:
                return NameTarget(sheet, bounds)
            local = self.local_names.get(sheet)
            if local is not None and name in local:
                return resolve_name(local[name])
        if name in self.global_names:
            return resolve_name(self.global_names[name])
        return None

    # --- sheets --------------------------------------------------------------------------------

    def sheet(self, name: str) -> Sheet:
        if name not in self._sheets:
            entry = self._entries.get(name)
            if entry is None:
                raise JixiaoError(f"工作簿中没有名为“{name}”的工作表：{self.path}")
            try:
                self._sheets[name] = self._read_sheet(entry)
            except JixiaoError:
                raise
            except Exception as e:
                raise JixiaoError(f"工作表“{name}”已损坏，无法解析{where_in_text(e)}：{self.path}") from None
        return self._sheets[name]

    def _read_sheet(self, entry: SheetEntry) -> Sheet:
        """The sheet by the quick scan; else its values from calamine, its formulas and error
        values from the formula scan; the general scan for a sheet neither may read."""
        data = read_member(self._zip, entry.part)
        start = max(data.find(b"<sheetData"), 0)
        end = data.rfind(b"</sheetData>")
        end = len(data) if end < start else end
        # A plain root right after the declaration also means no DTD can precede it. Prefixed cells
        # among plain elements end in </x:c>: the quick scan's count would not see them, and
        # calamine passes them over.
        if (not _PLAIN_ROOT.match(data) or not data[-64:].rstrip().endswith(b"worksheet>")
                or data.find(b":c>", start, end) >= 0 or _SPECIAL_BYTES.search(data, start, end)):
            # (comments, processing instructions and CDATA among the cells: only the general scan
            # reads them as XML does, and calamine's grid is not needed for such a sheet; a sheet
            # cut short must not be read as one whose last rows are blank: the general scan refuses it)
            return parse_sheet_xml(entry.name, data, self.strings)
        return (quick_scan(entry.name, data, start, end, self.strings) or self._grid_sheet(entry, data, start, end)
                or parse_sheet_xml(entry.name, data, self.strings))

    def _grid_sheet(self, entry: SheetEntry, data: bytes, start: int, end: int) -> GridSheet | None:
        """The sheet's values from calamine and its formulas from the formula scan, or None if
        calamine must not (cells too far apart) or cannot read it."""
        if not _fits(data, start, end) or not self._values_reader():
            return None
        try:
            rows = self._calamine.get_sheet_by_name(entry.name).to_python(skip_empty_area=False)
        except Exception:  # a sheet calamine does not read
            return None
        formulas: dict[tuple[int, int], str] = {}
        for m in _FORMULA.finditer(data, start, end):
            ref = _CELL_REF.match(data, data.rfind(b"<c", start, m.start()))
            if ref is None:  # a formula in a cell that does not name its place
                return None
            formulas[_PLACES[ref.group(1)]] = _FORMULA_TEXTS[m.group(1)]
        errors = {}
        if data.find(b't="e"', start, end) >= 0:
            errors = {_PLACES[r]: _text(v.decode("utf-8")) for r, v in _ERROR_CELL.findall(data, start, end)}
        return GridSheet(entry.name, rows, formulas, errors, data[end:])

    def _values_reader(self):
        """This workbook's python-calamine reader, opened on first use; False if it cannot be."""
        if self._calamine is None:
            self._calamine = self._open_calamine()
        return self._calamine

    def _open_calamine(self):
        import python_calamine

        try:
            return python_calamine.CalamineWorkbook.from_path(str(self.path))
        except Exception:
            return False

    @property
    def strings(self) -> list[str]:
        """The shared strings (our scans need them; calamine has its own)."""
        if self._strings is None:
            self._strings = []
            if "xl/sharedStrings.xml" in self._zip.namelist():
                self._strings = parse_shared_strings(read_member(self._zip, "xl/sharedStrings.xml"))
        return self._strings


# --- the quick scan -----------------------------------------------------------------------------


def quick_scan(name: str, data: bytes, start: int, end: int, strings: list[str]) -> Sheet | None:
    """The cells of ``data[start:end]`` (a sheet's <sheetData>) read in one pass, or None when the
    sheet is written otherwise than ``_QUICK_CELL`` expects (another reading then takes it).

    Every unprefixed cell with content ends in ``</c>``, so as many matches as there are ``</c>``
    means that no such cell was passed over (``Workbook._read_sheet`` has sent sheets with prefixed
    cells elsewhere already); comments, CDATA and processing instructions, where a match would read
    what no spreadsheet shows, are looked for first. Blank cells (``<c …/>``) are skipped by the
    pattern itself. Nothing is allocated per row or column, so cells however far apart cost no
    more than near ones."""
    if data.find(b"<!", start, end) >= 0 or data.find(b"<?", start, end) >= 0:
        return None
    found = _QUICK_CELL.findall(data, start, end)
    if len(found) != data.count(b"</c>", start, end):
        return None
    values: dict[tuple[int, int], object] = {}
    formulas: dict[tuple[int, int], str] = {}
    kinds, numbers, places, formula_texts, count = _QUICK_KINDS, _QUICK_NUMBERS, _PLACES, _FORMULA_TEXTS, len(strings)
    for ref, attrs, f, f_text, v, inline in found:
        kind = kinds[attrs]
        if kind == "s":  # shared text, the commonest
            i = int(v) if v else -1
            value = strings[i] or None if 0 <= i < count else None  # "" shows nothing, as a blank
        elif kind == "n":
            value = numbers[v] if v else None
        elif kind == "str":
            value = _string_text(v.decode("utf-8")) or None
        elif kind == "e":
            value = _text(v.decode("utf-8")) or None
        elif kind == "inlineStr":
            value = _string_text(inline.decode("utf-8")) or None
        elif kind == "b":
            value = v == b"1"
        else:  # a kind the general reading has no rule for either ("d", or unknown)
            return None
        at = places[ref]
        if value is not None:
            values[at] = value
        if f:
            formulas[at] = formula_texts[f_text]
    return ScannedSheet(name, values, formulas, data[end:])


class ScannedSheet(BulkSheet):
    """A sheet read by the quick scan: its values and its (few) formulas, each kept by place."""

    def __init__(self, name: str, values: dict[tuple[int, int], object], formulas: dict[tuple[int, int], str],
                 merge_part: bytes):
        super().__init__(name, formulas, merge_part)
        self._values = values

    def value(self, row: int, col: int) -> object:
        return self._values.get((row, col))

    def column(self, r1: int, r2: int, col: int) -> tuple[list[object], list[str | None] | None]:
        get = self._values.get
        values = [get((r, col)) for r in range(r1, r2 + 1)]
        if col not in self._formula_columns:
            return values, None
        get = self._formulas.get
        formulas = [get((r, col)) for r in range(r1, r2 + 1)]
        return values, None if formulas.count(None) == len(formulas) else formulas

    def last_row(self) -> int:
        # Places compare row first, so the largest place is in the last row.
        return max(max(self._values, default=(-1, 0)), max(self._formulas, default=(-1, 0)))[0]

    @cached_property
    def _formula_columns(self) -> set[int]:
        return {c for _, c in self._formulas}

    @cached_property
    def cells(self) -> dict[tuple[int, int], Cell]:
        """Every cell with a value or formula (built on first use; the checks do not need it)."""
        return {at: self.cell(*at) for at in self._values.keys() | self._formulas.keys()}


# A cell with content, as the common writers write it: its place first, then any attributes; a
# formula (with text, or a shared formula's follower <f …/>); then a value or a plain inline string.
_QUICK_CELL = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"([^<>]*+)>'
    rb'(<f[^<>]*+(?<!/)>([^<]*+)</f>|<f[^<>]*+(?<=/)>)?+'
    rb'(?:<v>([^<]*+)</v>|<is><t(?: xml:space="preserve")?>([^<]*+)</t></is>)?+'
    rb'</c>')


def _kind_of(attrs: bytes) -> str:
    found = _TYPE.search(attrs.decode("utf-8"))
    return found.group(1) if found else "n"


_QUICK_KINDS = _Memo(_kind_of)  # a cell's attributes after r="…" → its t="…" (a handful recur)
_QUICK_NUMBERS = _Memo(lambda text: from_cell_text(text.decode("ascii")))  # amounts and scores recur


# Shared strings as the common writers write them: plain text in one <t> each (rich text and
# phonetic guides are read by the general pattern).
_QUICK_STRING = re.compile(rb'<si><t(?: xml:space="preserve")?>([^<]*+)</t></si>')
_ESCAPED_CHAR = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _string_text(raw: str) -> str:
    """A cell's text as Excel shows it: XML escapes undone, and Excel's own ``_xHHHH_`` (a character
    XML cannot carry, such as the carriage return of a pasted line break; ``_x005F_`` is ``_``)."""
    text = _text(raw)
    return _ESCAPED_CHAR.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


# --- what the calamine path needs besides calamine (all but _fits serve the quick scan too) ----


def _fits(data: bytes, start: int, end: int) -> bool:
    """Whether a sheet's cells span a rectangle small enough for calamine's dense grid."""
    if _CELL_TO_LOOK_AT.search(data, start, end) is None:
        return True  # every cell named, within A1:Z9999
    if _UNPLACED.search(data, start, end):
        return False
    rows = cols = 0
    for ref in _CELL_REF.findall(data, start, end):
        r, c = _PLACES[ref]
        rows, cols = max(rows, r + 1), max(cols, c + 1)
    return rows * cols <= MAX_GRID_CELLS


# A formula's text from its element's content (None or empty: a shared formula's follower); a
# cell's place from its r="…". Project sheets repeat both.
_FORMULA_TEXTS = _Memo(lambda raw: "" if raw is None else _text(raw.decode("utf-8")))
_PLACES = _Memo(lambda ref: parse_ref(ref.decode("ascii")))


def merged_refs_in(data: bytes) -> list[str]:
    return [_text(m.decode("utf-8")) for m in _MERGE.findall(data)]


# --- the general scan ---------------------------------------------------------------------------


_SHEET_ROOT = re.compile(r"<(?:\w+:)?(?:worksheet|chartsheet|dialogsheet|macrosheet)(?=[\s/>])")
_WORKBOOK_END = re.compile(r"</(?:\w+:)?workbook\s*>")
_SHEET_END = re.compile(r"</(?:\w+:)?(?:worksheet|chartsheet|dialogsheet|macrosheet)\s*>"
                        r"|<(?:\w+:)?(?:worksheet|chartsheet|dialogsheet|macrosheet)\b[^<>]*/>")
_SPECIAL = re.compile(r"<!--|<\?|<!\[CDATA\[")
_SPECIAL_BYTES = re.compile(_SPECIAL.pattern.encode())
_ENDS = {"<!--": "-->", "<?": "?>", "<![CDATA[": "]]>"}


def _markup_only(data):
    """``data`` (bytes or text) as a reader of its elements must see it, as XML defines it:
    comments and processing instructions dropped (what they hold is no part of the workbook),
    CDATA sections turned into the escaped text they stand for. Each end is searched once, onward;
    one never closed runs to the end of the part."""
    text = isinstance(data, str)
    special = _SPECIAL if text else _SPECIAL_BYTES
    first = special.search(data)
    if first is None:
        return data
    out, at, m = [], 0, first
    while m is not None:
        out.append(data[at:m.start()])
        opening = m.group(0) if text else m.group(0).decode()
        closing = _ENDS[opening] if text else _ENDS[opening].encode()
        stop = data.find(closing, m.end())
        end = len(data) if stop == -1 else stop
        if opening == "<![CDATA[":
            inner = data[m.end():end]
            escaped = (inner if text else inner.decode("utf-8", "replace")).replace("&", "&amp;").replace("<", "&lt;")
            out.append(escaped if text else escaped.encode())
        at = end if stop == -1 else stop + len(closing)
        m = special.search(data, at)
    out.append(data[at:])
    return data[:0].join(out)


def parse_shared_strings(data: bytes) -> list[str]:
    refuse_declarations(data, "sharedStrings.xml")
    data = _markup_only(data)
    plain = _QUICK_STRING.findall(data)
    # Every <si> plain, and every closing tag one of theirs or the root's: no other was missed.
    if len(plain) == data.count(b"<si") and data.count(b"</") == 2 * len(plain) + 1:
        texts = [t.decode("utf-8") for t in plain]
        if b"&" in data or b"_x" in data:  # escapes somewhere: undone where they are
            texts = [_string_text(t) if "&" in t or "_x" in t else t for t in texts]
        return texts
    return [_string_text(_texts(body or "")) for _, body in elements(xml_text(data, "sharedStrings.xml"), "si")]


def _value(kind: str, body: str, strings: list[str]) -> object:
    if kind == "inlineStr":
        return _string_text(_texts(body))
    raw = _first(body, "v")
    if kind == "s" and raw:
        i = int(raw)
        return strings[i] if 0 <= i < len(strings) else ""
    if kind == "str":
        return _string_text(raw)
    if kind == "e":
        return _text(raw)
    if kind == "b":
        return raw == "1"
    return from_cell_text(raw) if raw else None


def parse_sheet_xml(name: str, data: bytes, strings: list[str]) -> Sheet:
    """One sheet's cells (value and formula), read by regular expressions alone: cells may leave
    out r="…" and take their place from their order, elements may carry namespace prefixes."""
    refuse_declarations(data, name)
    text = _markup_only(xml_text(data, name))
    if _SHEET_ROOT.search(text) is None:
        raise JixiaoError(f"工作簿已损坏：工作表“{name}”的部件不是工作表的 XML")
    if _SHEET_END.search(text) is None:  # cut short: its last rows would be read as blank
        raise JixiaoError(f"工作簿已损坏：工作表“{name}”的内容不完整（文件可能在保存或传输中中断）")
    sheet = Sheet(name, merged_refs=[_text(m) for m in _MERGE_TEXT.findall(text)])
    cells = sheet.cells
    row_index = -1
    for row_attrs, row_body in elements(text, "row"):
        attrs = dict(_ATTR.findall(row_attrs))
        row_index = int(attrs["r"]) - 1 if "r" in attrs else row_index + 1
        col_index = -1
        for head, body in elements(row_body or "", "c"):
            ref = _R.search(head)
            if not body:  # most cells are styled blanks: skip them before any other work
                if ref is None:
                    col_index += 1
                continue
            if ref:
                r, col_index = parse_ref(ref.group(1))
            else:
                r, col_index = row_index, col_index + 1
            f = _first(body, "f")
            t = _TYPE.search(head)
            value = _value(t.group(1) if t else "n", body, strings)
            if value == "":
                value = None  # an empty result ("" from a formula) shows nothing, as a blank
            formula = None if f is None else _text(f)
            if value is not None or formula is not None:
                cells[(r, col_index)] = Cell(value, formula)
    return sheet
