"""Small editors for the package parts a workbook edit touches, each on a real XML tree:
content types, relationships, the workbook part and the style sheet.

Each editor is made from a part's bytes, changes only what it is asked to, and gives the part's
bytes back. Sheet cells are edited elsewhere (``patch``), as text, where speed matters.
"""

from __future__ import annotations

import copy

from lxml import etree

from ..errors import JixiaoError, where_in_text
from .safety import refuse_declarations

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"

_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_PARSER = etree.XMLParser(**_OPTIONS)
_PARSER_WITHOUT_COMMENTS = etree.XMLParser(**_OPTIONS, remove_comments=True, remove_pis=True)


def parse_part(data: bytes, name: str, drop_comments: bool = False) -> etree._Element:
    """A part's XML tree, safely: a DTD or entity is refused, broken XML is a clear message."""
    refuse_declarations(data, name)
    try:
        return etree.fromstring(data, _PARSER_WITHOUT_COMMENTS if drop_comments else _PARSER)
    except etree.XMLSyntaxError as e:
        raise JixiaoError(f"工作簿部件 {name} 已损坏，不是有效的 XML{where_in_text(e)}") from None


def part_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)




def _m(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


class ContentTypes:
    """[Content_Types].xml: the content type of each part."""

    def __init__(self, data: bytes):
        self.root = parse_part(data, "[Content_Types].xml")

    def add(self, part: str, content_type: str) -> None:
        etree.SubElement(self.root, f"{{{TYPES}}}Override", PartName="/" + part, ContentType=content_type)

    def remove(self, part: str) -> None:
        for el in self.root.findall(f"{{{TYPES}}}Override"):
            if el.get("PartName") == "/" + part:
                self.root.remove(el)

    def bytes(self) -> bytes:
        return part_bytes(self.root)


class Relationships:
    """A .rels part: the relationships of one part to others."""

    def __init__(self, data: bytes, name: str = "rels"):
        self.root = parse_part(data, name)

    def _items(self) -> list[etree._Element]:
        return self.root.findall(f"{{{PKG_RELS}}}Relationship")

    def targets(self) -> list[tuple[str, str]]:
        """(Id, Target) of every relationship."""
        return [(r.get("Id"), r.get("Target", "")) for r in self._items()]

    def add(self, kind: str, target: str) -> str:
        """A new relationship; returns its Id (rIdN, one past the highest)."""
        numbers = [int(r.get("Id")[3:]) for r in self._items() if (r.get("Id") or "").startswith("rId")
                   and r.get("Id")[3:].isdigit()]
        rid = f"rId{max(numbers, default=0) + 1}"
        etree.SubElement(self.root, f"{{{PKG_RELS}}}Relationship", Id=rid, Type=kind, Target=target)
        return rid

    def remove(self, rid: str | None = None, target: str | None = None) -> None:
        for r in self._items():
            if (rid is not None and r.get("Id") == rid) or (target is not None and r.get("Target") == target):
                self.root.remove(r)

    def bytes(self) -> bytes:
        return part_bytes(self.root)


class WorkbookPart:
    """xl/workbook.xml: the sheets in order, the defined names, the view that opens."""

    def __init__(self, data: bytes):
        self.root = parse_part(data, "xl/workbook.xml")
        self.sheets = self.root.find(_m("sheets"))
        if self.sheets is None:
            raise JixiaoError("工作簿没有 <sheets>，无法修改")

    def _sheet_list(self) -> list[etree._Element]:
        return self.sheets.findall(_m("sheet"))

    def add_sheet(self, name: str, rid: str) -> int:
        """Append a sheet; returns its position. Appending keeps every localSheetId valid."""
        ids = [int(s.get("sheetId")) for s in self._sheet_list() if (s.get("sheetId") or "").isdigit()]
        etree.SubElement(self.sheets, _m("sheet"), name=name, sheetId=str(max(ids, default=0) + 1),
                         attrib={f"{{{R}}}id": rid})
        return len(self._sheet_list()) - 1

    def remove_sheet(self, name: str) -> str:
        """Take a sheet out; the names scoped to it go, later sheets' scopes move up. Returns its r:id."""
        sheets = self._sheet_list()
        index = next(i for i, s in enumerate(sheets) if s.get("name") == name)
        rid = sheets[index].get(f"{{{R}}}id")
        self.sheets.remove(sheets[index])
        names = self.root.find(_m("definedNames"))
        for dn in list(names) if names is not None else ():
            local = dn.get("localSheetId")
            if local is None or not local.isdigit():
                continue
            if int(local) == index:
                names.remove(dn)
            elif int(local) > index:
                dn.set("localSheetId", str(int(local) - 1))
        return rid

    def set_name(self, name: str, local: int | None, text: str, hidden: bool = False) -> None:
        """Define ``name`` as ``text``, scoped to the sheet at position ``local`` (None: the whole
        book), replacing one there was."""
        names = self.root.find(_m("definedNames"))
        if names is None:
            names = etree.Element(_m("definedNames"))
            after = self.root.find(_m("calcPr"))
            if after is not None:
                after.addprevious(names)
            else:  # after <sheets> and anything else CT_Workbook puts before definedNames
                self.sheets.addnext(names)
                for tag in ("functionGroups", "externalReferences"):
                    found = self.root.find(_m(tag))
                    if found is not None:
                        found.addnext(names)
        scope = None if local is None else str(local)
        for dn in names.findall(_m("definedName")):
            if dn.get("name") == name and dn.get("localSheetId") == scope:
                names.remove(dn)
        dn = etree.SubElement(names, _m("definedName"), name=name)
        if scope is not None:
            dn.set("localSheetId", scope)
        if hidden:
            dn.set("hidden", "1")
        dn.text = text

    def sheet_position(self, name: str) -> int:
        return next(i for i, s in enumerate(self._sheet_list()) if s.get("name") == name)

    def open_on(self, index: int, first: bool = False) -> None:
        """Open the workbook on sheet ``index`` (and, with ``first``, scroll the tabs to the start)."""
        view = self.root.find(f"{_m('bookViews')}/{_m('workbookView')}")
        if view is None:
            views = etree.Element(_m("bookViews"))
            self.sheets.addprevious(views)
            view = etree.SubElement(views, _m("workbookView"))
        view.set("activeTab", str(index))
        if first:
            view.set("firstSheet", "0")

    def bytes(self) -> bytes:
        return part_bytes(self.root)


class StyleSheet:
    """xl/styles.xml: cell formats, with solid fills and fonts added as variants of existing ones."""

    def __init__(self, data: bytes):
        self.root = parse_part(data, "xl/styles.xml")
        self.fills, self.fonts, self.xfs = (self._list(tag) for tag in ("fills", "fonts", "cellXfs"))
        self._keys = {tag: [etree.tostring(el) for el in lst] for tag, lst in
                      (("fill", self.fills), ("font", self.fonts))}
        self._variants: dict[tuple, int] = {}

    def _list(self, tag: str) -> etree._Element:
        found = self.root.find(_m(tag))
        if found is None:
            raise JixiaoError(f"工作簿样式表缺少 <{tag}>，无法标注")
        return found

    def _index_of(self, tag: str, parent: etree._Element, element: etree._Element) -> int:
        key = etree.tostring(element)
        keys = self._keys[tag]
        if key not in keys:
            parent.append(element)
            keys.append(key)
            parent.set("count", str(len(parent)))
        return keys.index(key)

    def _fill(self, rgb: str) -> int:
        fill = etree.Element(_m("fill"), nsmap={None: MAIN})
        pattern = etree.SubElement(fill, _m("patternFill"), patternType="solid")
        etree.SubElement(pattern, _m("fgColor"), rgb=f"FF{rgb}")
        etree.SubElement(pattern, _m("bgColor"), indexed="64")
        return self._index_of("fill", self.fills, fill)

    def _font(self, bold: bool, color: str | None, underline: bool) -> int:
        font = etree.Element(_m("font"), nsmap={None: MAIN})
        if bold:
            etree.SubElement(font, _m("b"))
        if underline:
            etree.SubElement(font, _m("u"))
        etree.SubElement(font, _m("sz"), val="11")
        if color:
            etree.SubElement(font, _m("color"), rgb=f"FF{color}")
        etree.SubElement(font, _m("name"), val="宋体")
        etree.SubElement(font, _m("family"), val="2")
        etree.SubElement(font, _m("charset"), val="134")
        return self._index_of("font", self.fonts, font)

    def _bottom_border(self) -> int:
        """A thin line under the cell: where a person signs."""
        if "border" not in self._keys:
            self.borders = self._list("borders")
            self._keys["border"] = [etree.tostring(el) for el in self.borders]
        border = etree.Element(_m("border"), nsmap={None: MAIN})
        for side in ("left", "right", "top"):
            etree.SubElement(border, _m(side))
        bottom = etree.SubElement(border, _m("bottom"), style="thin")
        etree.SubElement(bottom, _m("color"), auto="1")
        etree.SubElement(border, _m("diagonal"))
        return self._index_of("border", self.borders, border)

    def variant(self, base: int, fill: str | None = None, font: tuple | None = None, wrap: bool = False,
                signature_line: bool = False, unlocked: bool = False) -> int:
        """The index of cell format ``base`` with a solid ``fill`` (RGB), another font, text
        wrapped at the column's width (top-aligned), a line to sign on, and/or unlocked (a person
        may type in it on a protected sheet)."""
        key = (base, fill, font, wrap, signature_line, unlocked)
        if key not in self._variants:
            xfs = self.xfs.findall(_m("xf"))
            xf = copy.deepcopy(xfs[base] if base < len(xfs) else xfs[0])
            if fill:
                xf.set("fillId", str(self._fill(fill)))
                xf.set("applyFill", "1")
            if font:
                xf.set("fontId", str(self._font(*font)))
                xf.set("applyFont", "1")
            if signature_line:
                xf.set("borderId", str(self._bottom_border()))
                xf.set("applyBorder", "1")
            if wrap or unlocked:  # <alignment> then <protection>, the schema's order
                for child in xf.findall(_m("alignment")) + xf.findall(_m("protection")):
                    xf.remove(child)
                at = 0
                if wrap:
                    xf.insert(0, etree.Element(_m("alignment"), wrapText="1", vertical="top"))
                    xf.set("applyAlignment", "1")
                    at = 1
                if unlocked:
                    xf.insert(at, etree.Element(_m("protection"), locked="0"))
                    xf.set("applyProtection", "1")
            self.xfs.append(xf)
            self.xfs.set("count", str(len(self.xfs.findall(_m("xf")))))
            self._variants[key] = len(self.xfs.findall(_m("xf"))) - 1
        return self._variants[key]

    def bytes(self) -> bytes:
        return part_bytes(self.root)
