"""Edit a workbook in place of its parts: colour cells, set cells, add a sheet — nothing else moves.

Loading and saving a workbook with openpyxl is slow on forms with many merged cells and drops
every formula's cached value. The changes jixiao makes to an existing workbook are small and
precise, so they are made on the package itself: the sheet XML of the touched cells, new fill
variants of the existing cell styles, and a new sheet part with its relationship and content
type. Everything else (cached values, names, validation, VBA in an .xlsm) is copied byte for byte.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..errors import JixiaoError
from ..files import atomic_output
from ..forms.sheet import PAGE_FOOTER, text_width
from .celltext import fit, sheet_text
from .parts import ContentTypes, Relationships, StyleSheet, WorkbookPart
from .reader import Workbook
from .safety import is_xml_part, open_workbook_zip, read_member, refuse_declarations, xml_text
from .shared_formulas import unshare

TABLE_LINE_HEIGHT = 14.5  # points per wrapped line of 11 pt text

SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
SHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _with_attr(element: str, name: str, value: str) -> str:
    """``element`` (an XML start tag or empty element) with attribute ``name`` set to ``value``."""
    if re.search(rf'\s{name}="[^"]*"', element):
        return re.sub(rf'(\s{name}=)"[^"]*"', rf'\1"{value}"', element, count=1)
    return re.sub(r"^<(\w+)", rf'<\1 {name}="{value}"', element, count=1)


_CELL_TAG = r'<c r="{ref}"(?=[\s>/])[^>]*?/?>'


class WorkbookPatch:
    """Collects changes to one workbook and writes them to a new file in one pass."""

    def __init__(self, source: str | Path):
        self.source = Path(source)
        with Workbook(self.source) as book:
            self.sheet_parts = {s.name: s.part for s in book.sheets}
            self.sheet_order = [s.name for s in book.sheets]
        with open_workbook_zip(self.source) as z:
            self.parts = {name: read_member(z, name) for name in z.namelist()}
        for name, data in self.parts.items():  # every part is passed on: none may declare a DTD
            if is_xml_part(name):
                refuse_declarations(data, name)
        self.styles = StyleSheet(self.parts["xl/styles.xml"])
        self._sheet_xml: dict[str, str] = {}
        self._new_sheets: list[tuple[str, str]] = []
        self._removed: list[str] = []
        self._header: str | None = None
        self._select: str | None = None
        self._filters: dict[str, str] = {}  # sheet → its autoFilter's range
        self._print_titles: dict[str, str] = {}  # sheet → the rows repeated on each printed page
        self._book_names: dict[str, str] = {}  # book-wide constants to define
        self._formulas_changed = False

    def sheet_xml(self, sheet: str) -> str:
        if sheet not in self._sheet_xml:
            self._sheet_xml[sheet] = xml_text(self.parts[self.sheet_parts[sheet]], self.sheet_parts[sheet])
        return self._sheet_xml[sheet]

    def fill(self, sheet: str, ref: str, rgb: str) -> bool:
        """Give cell ``ref`` a solid fill, keeping its borders, font and number format."""
        if sheet not in self.sheet_parts:
            return False
        xml = self.sheet_xml(sheet)
        m = re.search(_CELL_TAG.format(ref=ref), xml)
        if m is None:
            return False  # a cell the sheet never wrote (outside the form): nothing to colour
        tag = m.group(0)
        s = re.search(r'\ss="(\d+)"', tag)
        style = self.styles.variant(int(s.group(1)) if s else 0, fill=rgb)
        self._sheet_xml[sheet] = xml[:m.start()] + _with_attr(tag, "s", str(style)) + xml[m.end():]
        return True

    def _replace_cell(self, sheet: str, ref: str, content) -> None:
        """Replace cell ``ref`` by ``content(style attribute)``, keeping its style."""
        xml = self.sheet_xml(sheet)
        m = re.search(rf'<c r="{ref}"(?=[\s>/])([^>]*?)(?:/>|>.*?</c>)', xml, re.S)
        if m is None:
            raise JixiaoError(f"工作表“{sheet}”中找不到单元格 {ref}")
        s = re.search(r'\ss="(\d+)"', m.group(1))
        cell = content(f' s="{s.group(1)}"' if s else "")
        xml = xml[:m.start()] + cell + xml[m.end():]
        # The cell was the master of a shared formula: the rest of its group must not be orphaned.
        self._sheet_xml[sheet] = unshare(xml, m.group(0), ref)

    def set_cell(self, sheet: str, ref: str, formula: str, value: object) -> None:
        """Put ``formula`` (with "=") and its cached ``value`` into cell ``ref``, keeping its style."""
        f = escape(formula.lstrip("="))
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            # The double Excel would store, in its shortest form.
            self._replace_cell(sheet, ref, lambda style: f'<c r="{ref}"{style}><f>{f}</f><v>{float(value)!r}</v></c>')
        else:
            text = escape(str(value or ""))
            self._replace_cell(sheet, ref, lambda style: f'<c r="{ref}"{style} t="str"><f>{f}</f><v>{text}</v></c>')
        self._formulas_changed = True

    def clear(self, sheet: str, ref: str) -> None:
        """Empty cell ``ref``, keeping its style (its borders and fill still print)."""
        self._replace_cell(sheet, ref, lambda style: f'<c r="{ref}"{style}/>')

    def set_text(self, sheet: str, ref: str, text: str) -> None:
        """Put ``text`` into cell ``ref`` (an existing cell), keeping its style."""
        body = sheet_text(text)
        self._replace_cell(sheet, ref, lambda style: f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{body}</t></is></c>')

    def _drop_calc_chain(self, parts: dict[str, bytes], editors: "_Editors") -> None:
        """Excel's calculation chain lists formula cells; after formulas change it is rebuilt."""
        if "xl/calcChain.xml" in parts:
            del parts["xl/calcChain.xml"]
            editors.types.remove("xl/calcChain.xml")
            editors.rels.remove(target="calcChain.xml")

    def add_sheet(self, name: str, rows: list[list[object]], widths: list[float],
                  links: dict[str, str], header_fill: str = "D9D9D9", protect: bool = False, *,
                  table: bool = True, landscape: bool = True, heights: dict[int, float] | None = None,
                  cell_styles: dict[str, dict] | None = None) -> None:
        """A new sheet of text rows, shown first when the workbook opens. ``links`` maps a cell
        (D2) to an internal target ('附件2'!I5). A ``table`` has its first row as a header
        (frozen, filtered, repeated on every printed page); its text wraps at the column widths
        and each row is as tall as its text. ``heights`` fixes rows' heights (1-based rows),
        ``cell_styles`` gives cells a StyleSheet.variant's options (a signature line,
        unlocked). Printed on A4, one page wide."""
        header = self.styles.variant(0, fill=header_fill, font=(True, None, False))
        body = self.styles.variant(0, wrap=True) if table else 0
        link = self.styles.variant(0, font=(False, "0563C1", True), wrap=table)
        heights = dict(heights or {})
        cell_styles = cell_styles or {}
        out = []
        for r, row in enumerate(rows, start=1):
            cells = []
            lines = 1
            for c, value in enumerate(row):
                ref = f"{chr(65 + c)}{r}"
                extra = cell_styles.get(ref)
                if value is None or value == "":
                    if extra:  # an empty cell with a line or unlocked for typing still needs its style
                        cells.append(f'<c r="{ref}" s="{self.styles.variant(0, **extra)}"/>')
                    continue
                text = fit(str(value))
                if table and r > 1:
                    lines = max(lines, -(-text_width(text) // max(int(widths[c]) - 1, 1)), text.count("\n") + 1)
                style = header if r == 1 else (link if ref in links else body)
                if extra:
                    style = self.styles.variant(style if style else 0, **extra)
                s = f' s="{style}"' if style else ""
                cells.append(f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{sheet_text(text)}</t></is></c>')
            if lines > 1 and r not in heights:
                heights[r] = lines * TABLE_LINE_HEIGHT + 3
            height = f' ht="{heights[r]:g}" customHeight="1"' if r in heights else ""
            out.append(f'<row r="{r}"{height}>{"".join(cells)}</row>')
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1))
        last = f"{chr(64 + len(widths))}{max(len(rows), 1)}"
        quoted = "'" + name.replace("'", "''") + "'"
        if table:
            self._filters[name] = f"$A$1:${last[0]}${last[1:]}"
            self._print_titles[name] = f"{quoted}!$1:$1"
        hyperlinks = "".join(f'<hyperlink ref="{ref}" location={quoteattr(target)} display={quoteattr(ref)}/>'
                             for ref, target in links.items())
        pane = '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' if table else ""
        orientation = "landscape" if landscape else "portrait"
        xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
               '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
               f'<dimension ref="A1:{last}"/><sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
               f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>{"".join(out)}</sheetData>'
               + (f'<autoFilter ref="A1:{last}"/>' if table else "")
               + (f"<hyperlinks>{hyperlinks}</hyperlinks>" if hyperlinks else "")
               + '<printOptions horizontalCentered="1"/>'
               '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
               f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" fitToHeight="0"/>'
               f'<headerFooter><oddFooter>{escape(PAGE_FOOTER)}</oddFooter></headerFooter></worksheet>')
        if protect:  # sheetProtection follows sheetData in the schema's order
            xml = xml.replace("</sheetData>", '</sheetData><sheetProtection sheet="1" objects="1" scenarios="1"/>', 1)
        if name in self.sheet_parts:  # annotated before: the old results give way to the new
            self._sheet_xml[name] = xml
            self._select = name
        else:
            self._new_sheets.append((name, xml))

    def set_rows(self, sheet: str, rows: list[list[str]]) -> None:
        """Replace every cell of ``sheet`` by ``rows`` of text (a settings sheet: no styles)."""
        body = "".join(
            f'<row r="{r}">' + "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t xml:space="preserve">'
                                       f'{sheet_text(fit(text))}</t></is></c>' for c, text in enumerate(row) if text)
            + "</row>" for r, row in enumerate(rows, start=1))
        xml = re.sub(r"<sheetData\s*/>|<sheetData>.*?</sheetData>", lambda _: f"<sheetData>{body}</sheetData>",
                     self.sheet_xml(sheet), count=1, flags=re.S)
        self._sheet_xml[sheet] = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:B{max(len(rows), 1)}"/>', xml, count=1)

    def define_constant(self, name: str, text: str) -> None:
        """A book-wide name holding the constant ``text`` (a quoted string, as Excel writes one)."""
        self._book_names[name] = text

    def replace_part(self, name: str, data: bytes) -> None:
        """Give an existing part (``xl/vbaProject.bin``) new bytes."""
        if name not in self.parts:
            raise JixiaoError(f"工作簿中没有 {name}")
        self.parts[name] = data

    def remove_sheet(self, name: str) -> None:
        """Take a sheet out (with its drawings); names scoped to later sheets are renumbered."""
        if name in self.sheet_parts:
            self._removed.append(name)

    def mark_pages(self, text: str) -> None:
        """Print ``text`` at the top of every page of every sheet."""
        self._header = text

    def _add_sheet_parts(self, parts: dict[str, bytes], editors: "_Editors", name: str, xml: str) -> int:
        """A new sheet part, its relationship, content type and place in the workbook; its position."""
        existing = {int(n) for n in re.findall(r"xl/worksheets/sheet(\d+)\.xml", " ".join(parts))}
        part = f"xl/worksheets/sheet{max(existing, default=0) + 1}.xml"
        parts[part] = xml.encode("utf-8")
        editors.types.add(part, SHEET_CONTENT)
        rid = editors.rels.add(SHEET_TYPE, posixpath.relpath(part, "xl"))
        self.sheet_order.append(name)
        return editors.workbook.add_sheet(name, rid)

    def _remove_sheet_parts(self, parts: dict[str, bytes], editors: "_Editors", name: str) -> None:
        part = self.sheet_parts[name]
        rels_name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        if rels_name in parts:  # its drawings, comments, printer settings go with it
            for _, target in Relationships(parts.pop(rels_name), rels_name).targets():
                parts.pop(posixpath.normpath(posixpath.join(posixpath.dirname(part), target)), None)
        parts.pop(part, None)
        editors.rels.remove(rid=editors.workbook.remove_sheet(name))
        editors.types.remove(part)
        self.sheet_order.remove(name)

    def _finish_sheet(self, xml: str) -> str:
        if self._header is not None:
            header = f"<oddHeader>&amp;C{escape(self._header)}</oddHeader>"
            if "<headerFooter" in xml:
                xml = re.sub(r"<oddHeader>.*?</oddHeader>", "", xml, flags=re.S)
                xml = re.sub(r"(<headerFooter\b[^>]*?)/>", r"\1></headerFooter>", xml)
                xml = re.sub(r"(<headerFooter\b[^>]*>)", rf"\1{header}", xml, count=1)
            else:
                # After pageSetup (or pageMargins when there is none): CT_Worksheet's order.
                anchor = re.search(r"<pageSetup\b[^>]*/>", xml) or re.search(r"<pageMargins\b[^>]*/>", xml)
                at = anchor.end() if anchor else xml.index("</worksheet>")
                xml = xml[:at] + f"<headerFooter>{header}</headerFooter>" + xml[at:]
        return xml

    def save(self, output: str | Path) -> Path:
        output = Path(output)
        parts = dict(self.parts)
        editors = _Editors(parts)
        kept = [sheet for sheet in self.sheet_order if sheet not in self._removed]
        if self._header is not None:
            for sheet in kept:
                self._sheet_xml[sheet] = self._finish_sheet(self.sheet_xml(sheet))
        new = [(name, self._finish_sheet(xml)) for name, xml in self._new_sheets]
        opened = self._select or (new[0][0] if new else None)  # the results sheet opens
        if opened is not None:
            for sheet in kept:
                xml = self.sheet_xml(sheet)
                if 'tabSelected="1"' in xml or sheet == opened:
                    self._sheet_xml[sheet] = _select_tab(xml, sheet == opened)
            new = [(name, _select_tab(xml, name == opened)) for name, xml in new]
        for sheet in kept:
            if sheet in self._sheet_xml:
                parts[self.sheet_parts[sheet]] = self._sheet_xml[sheet].encode("utf-8")
        parts["xl/styles.xml"] = self.styles.bytes()
        if self._formulas_changed:
            self._drop_calc_chain(parts, editors)
        for name in self._removed:
            self._remove_sheet_parts(parts, editors, name)
        for name, xml in new:
            self._add_sheet_parts(parts, editors, name, xml)
        for sheet, ref in self._filters.items():  # Excel writes this hidden name with every autoFilter
            quoted = "'" + sheet.replace("'", "''") + "'"
            editors.workbook.set_name("_xlnm._FilterDatabase", editors.workbook.sheet_position(sheet),
                                      f"{quoted}!{ref}", hidden=True)
        for sheet, rows in self._print_titles.items():
            editors.workbook.set_name("_xlnm.Print_Titles", editors.workbook.sheet_position(sheet), rows)
        for name, text in self._book_names.items():
            editors.workbook.set_name(name, None, text)
        if opened is not None:
            editors.workbook.open_on(self.sheet_order.index(opened), first=bool(new))
        elif self._removed:
            editors.workbook.open_on(0)
        editors.write(parts)
        with atomic_output(output) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            order = ["[Content_Types].xml"] + [n for n in parts if n != "[Content_Types].xml"]
            for name in order:
                z.writestr(name, parts[name])
        return output


def _select_tab(xml: str, selected: bool) -> str:
    """A sheet's XML with its tab selected or not."""
    xml = xml.replace(' tabSelected="1"', "")
    return re.sub(r"<sheetView\b", '<sheetView tabSelected="1"', xml, count=1) if selected else xml


class _Editors:
    """The editors of the package parts a save changes, made when first asked for; only those
    made are written back (every other part keeps its bytes)."""

    PARTS = {"types": ("[Content_Types].xml", ContentTypes),
             "rels": ("xl/_rels/workbook.xml.rels", Relationships),
             "workbook": ("xl/workbook.xml", WorkbookPart)}

    def __init__(self, parts: dict[str, bytes]):
        self._parts = parts
        self._made: dict[str, object] = {}

    def __getattr__(self, key: str):
        if key not in self.PARTS:
            raise AttributeError(key)
        if key not in self._made:
            name, editor = self.PARTS[key]
            self._made[key] = editor(self._parts[name])
        return self._made[key]

    def write(self, parts: dict[str, bytes]) -> None:
        for key, editor in self._made.items():
            parts[self.PARTS[key][0]] = editor.bytes()
