"""Read a workbook in bulk: every cell's shown value *and* whether it holds a formula.

openpyxl gives either formulas or cached values per load, and is slow; the checks need both,
fast. This reader parses each sheet's XML once (defusedxml: no entities, no external
references) into a dict of cells, plus merged ranges, sheet order and defined names. Numbers
come out as exact ``Decimal``; text as ``str``; booleans as ``bool``; errors as their code.
"""

from __future__ import annotations

import io
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from defusedxml.ElementTree import fromstring, iterparse

from ..errors import JixiaoError
from ..model.numbers import from_cell_text
from .safety import open_workbook_zip, read_member

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class Cell(NamedTuple):
    value: object  # Decimal | str | bool | None
    formula: str | None  # the formula text ("" for a shared-formula follower), None if typed


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
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

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


@dataclass
class NameTarget:
    """What a defined name refers to: a sheet range, a text constant, or nothing usable."""

    sheet: str | None = None
    range: tuple[int, int, int, int] | None = None
    constant: str | None = None


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
            sroot = fromstring(read_member(self._zip, "xl/sharedStrings.xml"))
            for si in sroot.iter(f"{NS}si"):
                # Rich text runs concatenate; phonetic guides (rPh) are not part of the text.
                parts = [t.text or "" for t in si.iter(f"{NS}t")]
                ph = [t.text or "" for rph in si.iter(f"{NS}rPh") for t in rph.iter(f"{NS}t")]
                text = "".join(parts)
                if ph:
                    text = "".join(p for p in parts if p not in ph)
                self._strings.append(text)

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
            entry = next((s for s in self.sheets if s.name == name), None)
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
        sheet = Sheet(entry.name)
        data = read_member(self._zip, entry.part)
        strings = self._strings
        c_tag, v_tag, f_tag, is_tag, t_tag = (f"{NS}c", f"{NS}v", f"{NS}f", f"{NS}is", f"{NS}t")
        merge_tag = f"{NS}mergeCell"
        cells = sheet.cells
        for _, el in iterparse(io.BytesIO(data), events=("end",)):
            tag = el.tag
            if tag == c_tag:
                ref = el.get("r")
                kind = el.get("t", "n")
                f_el = el.find(f_tag)
                v_el = el.find(v_tag)
                raw = v_el.text if v_el is not None else None
                if kind == "s" and raw is not None:
                    value = strings[int(raw)] if int(raw) < len(strings) else ""
                elif kind == "inlineStr":
                    is_el = el.find(is_tag)
                    value = "".join(t.text or "" for t in is_el.iter(t_tag)) if is_el is not None else ""
                elif kind in ("str", "e"):
                    value = raw or ""
                elif kind == "b":
                    value = raw == "1"
                elif raw is None or raw == "":
                    value = None
                else:
                    value = from_cell_text(raw)
                formula = None if f_el is None else (f_el.text or "")
                if ref is not None and (value not in (None, "") or formula is not None):
                    cells[parse_ref(ref)] = Cell(value, formula)
                el.clear()
            elif tag == merge_tag:
                sheet.merged.append(parse_range(el.get("ref", "A1")))
            elif tag == f"{NS}row":
                el.clear()
        return sheet

