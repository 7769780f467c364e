"""Read a workbook in bulk: every cell's shown value *and* whether it holds a formula.

openpyxl gives either formulas or cached values per load, and is slow; the checks need both,
fast. The small index parts (workbook.xml, its relationships) are parsed with defusedxml; the
sheets and shared strings, which hold nearly all the bytes, are scanned with compiled regular
expressions in one pass each. That scan is safe for untrusted files: a part that declares a
DTD or entities is refused, and only the five predefined XML entities and character references
are decoded, so nothing can expand. Numbers come out as exact ``Decimal``; text as ``str``;
booleans as ``bool``; errors as their code.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from pathlib import Path
from typing import NamedTuple

from defusedxml.ElementTree import fromstring

from ..errors import JixiaoError
from ..model.numbers import from_cell_text
from .safety import open_workbook_zip, read_member

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class Cell(NamedTuple):
    value: object  # Decimal | str | bool | None
    formula: str | None  # the formula text ("" for a shared-formula follower), None if typed


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


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merged_refs: list[str] = field(default_factory=list)

    @property
    def merged(self) -> list[tuple[int, int, int, int]]:
        """Merged ranges, zero-based (parsed on demand: reading fields never needs them)."""
        return [parse_range(ref) for ref in self.merged_refs]

    def value(self, row: int, col: int) -> object:
        c = self.cells.get((row, col))
        return None if c is None else c.value

    def cell(self, row: int, col: int) -> Cell:
        return self.cells.get((row, col)) or Cell(None, None)


@dataclass
class SheetEntry:
    name: str
    part: str
    state: str


_NAME_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!'\s]+))!(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)$")


@dataclass(frozen=True)
class NameTarget:
    """What a defined name refers to: a sheet range, a text constant, or nothing usable."""

    sheet: str | None = None
    range: tuple[int, int, int, int] | None = None
    constant: str | None = None


@lru_cache(maxsize=65536)
def resolve_name(text: str) -> NameTarget:
    text = text.strip().lstrip("=")
    if text.startswith('"') and text.endswith('"'):
        return NameTarget(constant=text[1:-1].replace('""', '"'))
    m = _NAME_REF.match(text)
    if not m:
        return NameTarget()
    sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
    return NameTarget(sheet=sheet, range=parse_range(m.group(3)))


class Workbook:
    """A parsed workbook; sheets are parsed on first use, each in one pass."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._zip = open_workbook_zip(self.path)
        try:
            self._load_index()
        except JixiaoError:
            self._zip.close()
            raise
        except Exception as e:  # malformed XML or structure in an untrusted file
            self._zip.close()
            raise JixiaoError(f"工作簿结构无法解析（{type(e).__name__}: {e}）：{self.path}") from None
        self._sheets: dict[str, Sheet] = {}
        self._entries = {s.name: s for s in self.sheets}

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- index: sheets, names, shared strings -------------------------------------------------

    def _load_index(self) -> None:
        root = fromstring(read_member(self._zip, "xl/workbook.xml"))
        rels_root = fromstring(read_member(self._zip, "xl/_rels/workbook.xml.rels"))
        targets = {}
        for rel in rels_root.iter(f"{PKG_REL_NS}Relationship"):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id")] = part
        self.sheets: list[SheetEntry] = []
        for el in root.iter(f"{NS}sheet"):
            part = targets.get(el.get(f"{REL_NS}id"), "")
            self.sheets.append(SheetEntry(el.get("name", ""), part, el.get("state", "visible")))
        self.global_names: dict[str, str] = {}
        self.local_names: dict[str, dict[str, str]] = {}
        for el in root.iter(f"{NS}definedName"):
            name, text = el.get("name", ""), el.text or ""
            local = el.get("localSheetId")
            if local is None:
                self.global_names[name] = text
            elif local.isdigit() and int(local) < len(self.sheets):
                self.local_names.setdefault(self.sheets[int(local)].name, {})[name] = text
        self._strings: list[str] = []
        if "xl/sharedStrings.xml" in self._zip.namelist():
            self._strings = parse_shared_strings(read_member(self._zip, "xl/sharedStrings.xml"))

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def name(self, name: str, sheet: str | None = None) -> NameTarget | None:
        """A defined name, looked up on ``sheet`` first, then at workbook level."""
        if sheet is not None and name in self.local_names.get(sheet, {}):
            return resolve_name(self.local_names[sheet][name])
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
                self._sheets[name] = self._parse_sheet(entry)
            except JixiaoError:
                raise
            except Exception as e:
                raise JixiaoError(f"工作表“{name}”无法解析（{type(e).__name__}: {e}）：{self.path}") from None
        return self._sheets[name]

    def _parse_sheet(self, entry: SheetEntry) -> Sheet:
        return parse_sheet_xml(entry.name, read_member(self._zip, entry.part), self._strings)


# --- the scan of sheets and shared strings --------------------------------------------------

_ROW = re.compile(r"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL = re.compile(r"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_R = re.compile(r'\br="([A-Z]+[0-9]+)"')
# A cell with content: a start tag that does not close itself, then an optional formula
# (<f>…</f>, or <f …/> for a shared-formula follower), an optional value, up to </c>.
# Writers put r, s, t in that order; another order falls back to searching the rest. The
# possessive [^>]*+ keeps the scan from backtracking over the many self-closing blank cells.
_FAST_CELL = re.compile(
    r'(<c (?:r="([A-Z]+[0-9]+)")?(?:\s*s="[0-9]+")?(?:\s*t="(\w+)")?([^>]*+)(?<!/)>'
    r'(?:(<f(?:\s[^>]*+)?>)(.*?)</f>|(<f\s[^>]*+/>))?(?:<v>(.*?)</v>|<v\s*/>)?.*?</c>)', re.S)
_TYPE = re.compile(r'\bt="(\w+)"')
_F = re.compile(r"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_V = re.compile(r"<(?:\w+:)?v\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?v>)", re.S)
_T = re.compile(r"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", re.S)
_RPH = re.compile(r"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_SI = re.compile(r"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.S)
_MERGE = re.compile(r"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([^\"]+)\"")


def _text(raw: str | None) -> str:
    if not raw:
        return ""
    return unescape(raw) if "&" in raw else raw


def _refuse_declarations(data: str, part: str) -> None:
    if "<!DOCTYPE" in data or "<!ENTITY" in data:
        raise JixiaoError(f"工作簿部件 {part} 含有 DTD/实体声明，出于安全考虑拒绝读取")


def _col_number(letters: str) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch) - 64)
    return col - 1


def parse_shared_strings(data: bytes) -> list[str]:
    text = data.decode("utf-8")
    _refuse_declarations(text, "sharedStrings.xml")
    out = []
    for m in _SI.finditer(text):
        body = _RPH.sub("", m.group(1) or "")  # phonetic guides are not part of the text
        out.append("".join(_text(t.group(1)) for t in _T.finditer(body)))
    return out


def _value(kind: str, body: str, strings: list[str]) -> object:
    if kind == "inlineStr":
        return "".join(_text(t.group(1)) for t in _T.finditer(_RPH.sub("", body)))
    v = _V.search(body)
    raw = v.group(1) if v else None
    if kind == "s" and raw:
        i = int(raw)
        return strings[i] if i < len(strings) else ""
    if kind in ("str", "e"):
        return _text(raw)
    if kind == "b":
        return raw == "1"
    return from_cell_text(raw) if raw else None


def parse_sheet_xml(name: str, data: bytes, strings: list[str]) -> Sheet:
    """One sheet's cells (value and formula) and merged ranges."""
    text = data.decode("utf-8")
    _refuse_declarations(text, name)
    sheet = Sheet(name)
    sheet.merged_refs = _MERGE.findall(text)
    if "<c " not in text or ":c " in text:  # namespace prefixes (<x:c …>): the general path
        return _parse_rows(sheet, text, strings)
    # The common case (Excel, LibreOffice, openpyxl, XlsxWriter): unprefixed cells that name
    # their place (r="B5"). Only cells with content match; the styled blanks never reach Python.
    cells = sheet.cells
    n_strings = len(strings)
    # findall gives plain tuples ("" for a group that did not take part): cheaper than matches.
    for whole, ref, kind, rest, f_open, formula, shared, raw in _FAST_CELL.findall(text):
        if not ref:  # attributes in another order, or no r="…"
            ref_m = _R.search(rest)
            if ref_m is None:
                return _parse_rows(Sheet(sheet.name, merged_refs=sheet.merged_refs), text, strings)
            ref = ref_m.group(1)
        if not kind:
            t = _TYPE.search(rest)
            kind = t.group(1) if t else "n"
        if kind == "n":
            value = from_cell_text(raw) if raw else None
        elif kind == "s" and raw:
            i = int(raw)
            value = strings[i] if i < n_strings else ""
        else:
            value = _value(kind, whole, strings)
        if f_open:
            formula = _text(formula)
        else:
            formula = "" if shared else None  # <f …/>: a shared-formula follower
        if value is not None and value != "" or formula is not None:
            cells[parse_ref(ref)] = Cell(value, formula)
    return sheet


def _parse_rows(sheet: Sheet, text: str, strings: list[str]) -> Sheet:
    """The general case: cells may leave out r="…" and take their place from their order."""
    cells = sheet.cells
    row_index = -1
    for row in _ROW.finditer(text):
        attrs = dict(_ATTR.findall(row.group(1)))
        row_index = int(attrs["r"]) - 1 if "r" in attrs else row_index + 1
        col_index = -1
        for cell in _CELL.finditer(row.group(2) or ""):
            head, body = cell.group(1), cell.group(2)
            ref = _R.search(head)
            if not body:  # most cells are styled blanks: skip them before any other work
                if ref is None:
                    col_index += 1
                continue
            if ref:
                r, col_index = parse_ref(ref.group(1))
            else:
                r, col_index = row_index, col_index + 1
            f = _F.search(body)
            t = _TYPE.search(head)
            value = _value(t.group(1) if t else "n", body, strings)
            formula = None if f is None else _text(f.group(1))
            if value not in (None, "") or formula is not None:
                cells[(r, col_index)] = Cell(value, formula)
    return sheet
