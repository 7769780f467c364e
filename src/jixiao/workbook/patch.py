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
from .celltext import fit, sheet_text
from .reader import Workbook
from .safety import read_member

SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
SHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _block(xml: str, tag: str) -> re.Match:
    m = re.search(rf"<{tag}\b[^>]*?(?:/>|>(.*?)</{tag}>)", xml, re.S)
    if m is None:
        raise JixiaoError(f"工作簿样式表缺少 <{tag}>，无法标注")
    return m


def _items(body: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}\b[^>]*?/>|<{tag}\b[^>]*?>.*?</{tag}>", body or "", re.S)


def _with_attr(element: str, name: str, value: str) -> str:
    """``element`` (an XML start tag or empty element) with attribute ``name`` set to ``value``."""
    if re.search(rf'\s{name}="[^"]*"', element):
        return re.sub(rf'(\s{name}=)"[^"]*"', rf'\1"{value}"', element, count=1)
    return re.sub(r"^<(\w+)", rf'<\1 {name}="{value}"', element, count=1)


class Styles:
    """The cellXfs of styles.xml, with fills and fonts appended as needed."""

    def __init__(self, xml: str):
        self.xml = xml
        self.fills = _items(_block(xml, "fills").group(1), "fill")
        self.fonts = _items(_block(xml, "fonts").group(1), "font")
        self.xfs = _items(_block(xml, "cellXfs").group(1), "xf")
        self._variants: dict[tuple, int] = {}

    def _fill(self, rgb: str) -> int:
        fill = (f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
                f'<bgColor indexed="64"/></patternFill></fill>')
        if fill not in self.fills:
            self.fills.append(fill)
        return self.fills.index(fill)

    def _font(self, bold: bool, color: str | None, underline: bool) -> int:
        font = ("<font>" + ("<b/>" if bold else "") + ("<u/>" if underline else "") + '<sz val="11"/>'
                + (f'<color rgb="FF{color}"/>' if color else "") + '<name val="宋体"/><family val="2"/><charset val="134"/></font>')
        if font not in self.fonts:
            self.fonts.append(font)
        return self.fonts.index(font)

    def variant(self, base: int, fill: str | None = None, font: tuple | None = None) -> int:
        """The index of style ``base`` with a solid ``fill`` (RGB) and/or another font."""
        key = (base, fill, font)
        if key not in self._variants:
            xf = self.xfs[base] if base < len(self.xfs) else self.xfs[0]
            if fill:
                xf = _with_attr(_with_attr(xf, "fillId", str(self._fill(fill))), "applyFill", "1")
            if font:
                xf = _with_attr(_with_attr(xf, "fontId", str(self._font(*font))), "applyFont", "1")
            self.xfs.append(xf)
            self._variants[key] = len(self.xfs) - 1
        return self._variants[key]

    def render(self) -> str:
        xml = self.xml
        for tag, items in (("fills", self.fills), ("fonts", self.fonts), ("cellXfs", self.xfs)):
            m = _block(xml, tag)
            start = re.sub(r'\scount="\d+"', "", xml[m.start():m.start() + xml[m.start():].index(">")].rstrip("/"))
            xml = xml[:m.start()] + f'{start} count="{len(items)}">' + "".join(items) + f"</{tag}>" + xml[m.end():]
        return xml


_CELL_TAG = r'<c r="{ref}"(?=[\s>/])[^>]*?/?>'


class WorkbookPatch:
    """Collects changes to one workbook and writes them to a new file in one pass."""

    def __init__(self, source: str | Path):
        self.source = Path(source)
        with Workbook(self.source) as book:
            self.sheet_parts = {s.name: s.part for s in book.sheets}
            self.sheet_order = [s.name for s in book.sheets]
        with zipfile.ZipFile(self.source) as z:
            self.parts = {name: read_member(z, name) for name in z.namelist()}
        self.styles = Styles(self.parts["xl/styles.xml"].decode("utf-8"))
        self._sheet_xml: dict[str, str] = {}
        self._new_sheets: list[tuple[str, str]] = []
        self._removed: list[str] = []
        self._header: str | None = None
        self._select: str | None = None
        self._formulas_changed = False

    def sheet_xml(self, sheet: str) -> str:
        if sheet not in self._sheet_xml:
            self._sheet_xml[sheet] = self.parts[self.sheet_parts[sheet]].decode("utf-8")
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
        self._sheet_xml[sheet] = xml[:m.start()] + cell + xml[m.end():]

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

    def set_text(self, sheet: str, ref: str, text: str) -> None:
        """Put ``text`` into cell ``ref`` (an existing cell), keeping its style."""
        body = sheet_text(text)
        self._replace_cell(sheet, ref, lambda style: f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{body}</t></is></c>')

    def _drop_calc_chain(self, parts: dict[str, bytes]) -> None:
        """Excel's calculation chain lists formula cells; after formulas change it is rebuilt."""
        if "xl/calcChain.xml" not in parts:
            return
        del parts["xl/calcChain.xml"]
        types = parts["[Content_Types].xml"].decode("utf-8")
        parts["[Content_Types].xml"] = re.sub(r'<Override PartName="/xl/calcChain.xml"[^>]*/>', "", types).encode("utf-8")
        rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
        parts["xl/_rels/workbook.xml.rels"] = re.sub(r'<Relationship\b[^>]*Target="calcChain.xml"[^>]*/>', "", rels).encode("utf-8")

    def add_sheet(self, name: str, rows: list[list[object]], widths: list[float],
                  links: dict[str, str], header_fill: str = "D9D9D9", protect: bool = False) -> None:
        """A new sheet of text rows (first row a header), shown first when the workbook opens.
        ``links`` maps a cell (D2) to an internal target ('附件2'!I5)."""
        header = self.styles.variant(0, fill=header_fill, font=(True, None, False))
        link = self.styles.variant(0, font=(False, "0563C1", True))
        out = []
        for r, row in enumerate(rows, start=1):
            cells = []
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                ref = f"{chr(65 + c)}{r}"
                style = header if r == 1 else (link if ref in links else 0)
                s = f' s="{style}"' if style else ""
                cells.append(f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{sheet_text(fit(str(value)))}</t></is></c>')
            out.append(f'<row r="{r}">{"".join(cells)}</row>')
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1))
        last = f"{chr(64 + len(widths))}{max(len(rows), 1)}"
        hyperlinks = "".join(f'<hyperlink ref="{ref}" location={quoteattr(target)} display={quoteattr(ref)}/>'
                             for ref, target in links.items())
        xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
               f'<dimension ref="A1:{last}"/><sheetViews><sheetView tabSelected="1" workbookViewId="0">'
               '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
               f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>{"".join(out)}</sheetData>'
               f'<autoFilter ref="A1:{last}"/>' + (f"<hyperlinks>{hyperlinks}</hyperlinks>" if hyperlinks else "")
               + '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
               '<pageSetup paperSize="9" orientation="landscape"/></worksheet>')
        if protect:  # sheetProtection follows sheetData in the schema's order
            xml = xml.replace("</sheetData>", '</sheetData><sheetProtection sheet="1" objects="1" scenarios="1"/>', 1)
        if name in self.sheet_parts:  # annotated before: the old results give way to the new
            self._sheet_xml[name] = xml
            self._select = name
        else:
            self._new_sheets.append((name, xml))

    def remove_sheet(self, name: str) -> None:
        """Take a sheet out (with its drawings); names scoped to later sheets are renumbered."""
        if name in self.sheet_parts:
            self._removed.append(name)

    def mark_pages(self, text: str) -> None:
        """Print ``text`` at the top of every page of every sheet."""
        self._header = text

    def _add_sheet_parts(self, parts: dict[str, bytes], name: str, xml: str) -> None:
        existing = {int(n) for n in re.findall(r"xl/worksheets/sheet(\d+)\.xml", " ".join(parts))}
        number = max(existing, default=0) + 1
        part = f"xl/worksheets/sheet{number}.xml"
        parts[part] = xml.encode("utf-8")
        types = parts["[Content_Types].xml"].decode("utf-8")
        parts["[Content_Types].xml"] = types.replace(
            "</Types>", f'<Override PartName="/{part}" ContentType="{SHEET_CONTENT}"/></Types>').encode("utf-8")
        rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
        rid = "rId" + str(max((int(x) for x in re.findall(r'Id="rId(\d+)"', rels)), default=0) + 1)
        target = posixpath.relpath(part, "xl")
        parts["xl/_rels/workbook.xml.rels"] = rels.replace(
            "</Relationships>", f'<Relationship Id="{rid}" Type="{SHEET_TYPE}" Target="{target}"/></Relationships>'
        ).encode("utf-8")
        wb = parts["xl/workbook.xml"].decode("utf-8")
        sheet_id = max((int(x) for x in re.findall(r'<sheet\b[^>]*?\ssheetId="(\d+)"', wb)), default=0) + 1
        prefix = re.search(r'<sheet\b[^>]*?\s(\w+):id="', wb)
        rattr = f"{prefix.group(1)}:id" if prefix else "r:id"
        wb = wb.replace("</sheets>", f'<sheet name={quoteattr(name)} sheetId="{sheet_id}" {rattr}="{rid}"/></sheets>')
        # Open on the new sheet: it is the last one (appending keeps localSheetId of names valid).
        index = len(re.findall(r"<sheet\b", wb)) - 1
        view = re.search(r"<workbookView\b[^>]*?/>", wb)
        if view:
            wb = wb[:view.start()] + _with_attr(_with_attr(view.group(0), "activeTab", str(index)), "firstSheet", "0") + wb[view.end():]
        else:
            wb = wb.replace("<sheets>", f'<bookViews><workbookView activeTab="{index}"/></bookViews><sheets>', 1)
        parts["xl/workbook.xml"] = wb.encode("utf-8")

    def _remove_sheet_parts(self, parts: dict[str, bytes], name: str) -> None:
        part = self.sheet_parts[name]
        rels_name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        for target in re.findall(r'Target="([^"]+)"', parts.get(rels_name, b"").decode("utf-8")):
            parts.pop(posixpath.normpath(posixpath.join(posixpath.dirname(part), target)), None)
        parts.pop(rels_name, None)
        parts.pop(part, None)
        wb = parts["xl/workbook.xml"].decode("utf-8")
        index = self.sheet_order.index(name)
        m = re.search(rf'<sheet\b[^>]*?name={quoteattr(name)}[^>]*?\s(\w+:)?id="([^"]+)"[^>]*/>', wb)
        rid = m.group(2)
        wb = wb[:m.start()] + wb[m.end():]

        def renumber(n: re.Match) -> str:
            local = int(n.group(1))
            return "" if local == index else f' localSheetId="{local - 1 if local > index else local}"'

        wb = re.sub(r'<definedName\b[^>]*?localSheetId="%d"[^>]*>.*?</definedName>' % index, "", wb, flags=re.S)
        wb = re.sub(r'\slocalSheetId="(\d+)"', renumber, wb)
        parts["xl/workbook.xml"] = re.sub(r'\sactiveTab="\d+"', ' activeTab="0"', wb).encode("utf-8")
        rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
        parts["xl/_rels/workbook.xml.rels"] = re.sub(rf'<Relationship\b[^>]*\bId="{rid}"[^>]*/>', "", rels).encode("utf-8")
        types = parts["[Content_Types].xml"].decode("utf-8")
        parts["[Content_Types].xml"] = re.sub(rf'<Override PartName="/{re.escape(part)}"[^>]*/>', "", types).encode("utf-8")
        self.sheet_order.remove(name)

    def _finish_sheet(self, xml: str) -> str:
        if self._header is not None:
            header = f"<oddHeader>&amp;C{escape(self._header)}</oddHeader>"
            if "<headerFooter" in xml:
                xml = re.sub(r"<oddHeader>.*?</oddHeader>", "", xml, flags=re.S)
                xml = re.sub(r"(<headerFooter\b[^>]*?)/>", r"\1></headerFooter>", xml)
                xml = re.sub(r"(<headerFooter\b[^>]*>)", rf"\1{header}", xml, count=1)
            else:
                anchor = re.search(r"<pageSetup\b[^>]*/>|<pageMargins\b[^>]*/>", xml)
                at = anchor.end() if anchor else xml.index("</worksheet>")
                xml = xml[:at] + f"<headerFooter>{header}</headerFooter>" + xml[at:]
        return xml

    def save(self, output: str | Path) -> Path:
        output = Path(output)
        parts = dict(self.parts)
        if self._header is not None:
            for sheet in self.sheet_order:
                if sheet not in self._removed:
                    self._sheet_xml[sheet] = self._finish_sheet(self.sheet_xml(sheet))
        if self._new_sheets or self._select:
            # Only the results sheet is selected; several selected tabs would group the sheets.
            for sheet in self.sheet_order:
                if sheet == self._select:
                    continue
                xml = self.sheet_xml(sheet)
                if 'tabSelected="1"' in xml:
                    self._sheet_xml[sheet] = xml.replace(' tabSelected="1"', "")
        if self._select:
            wb = parts["xl/workbook.xml"].decode("utf-8")
            view = re.search(r"<workbookView\b[^>]*?/>", wb)
            if view:
                index = str(self.sheet_order.index(self._select))
                wb = wb[:view.start()] + _with_attr(view.group(0), "activeTab", index) + wb[view.end():]
                parts["xl/workbook.xml"] = wb.encode("utf-8")
        for sheet, xml in self._sheet_xml.items():
            parts[self.sheet_parts[sheet]] = xml.encode("utf-8")
        parts["xl/styles.xml"] = self.styles.render().encode("utf-8")
        if self._formulas_changed:
            self._drop_calc_chain(parts)
        for name in self._removed:
            self._remove_sheet_parts(parts, name)
        for name, xml in self._new_sheets:
            self._add_sheet_parts(parts, name, self._finish_sheet(xml) if self._header is not None else xml)
        with atomic_output(output) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            order = ["[Content_Types].xml"] + [n for n in parts if n != "[Content_Types].xml"]
            for name in order:
                z.writestr(name, parts[name])
        return output
