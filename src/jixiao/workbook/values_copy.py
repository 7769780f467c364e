"""The values-only copy: a workbook rebuilt from an allow-list of parts, holding values and
formatting and nothing that can run, refresh or call out when it is opened.

Kept: the workbook, its worksheets, styles, shared strings, theme and the document properties.
Everything else is left behind — VBA under any part name, Excel 4.0 macro sheets, external links,
connections, query tables, drawings, comments, printer settings, custom XML, ActiveX. Inside the
kept parts, each element is kept only if it is on the list for its parent: no formula (``<f>``),
no conditional format or data validation (both carry formulas), no ``extLst``, no relationship
to a part that was left behind, and only the defined names that are plain references or text.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

from ..errors import JixiaoError
from ..files import atomic_output
from ..forms.layout import VALUES_ONLY_NAME, VALUES_ONLY_TEXT
from .parts import MAIN, PKG_RELS, R, TYPES, parse_part, part_bytes
from .safety import open_workbook_zip, read_member

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"

_DOC_REL = R + "/officeDocument"
_PROPS = {  # relationship type → content type, for the package's document properties
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties":
        "application/vnd.openxmlformats-package.core-properties+xml",
    R + "/extended-properties": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    R + "/custom-properties": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
}
_WORKBOOK_PARTS = {  # relationship type from the workbook → content type of a part kept
    R + "/worksheet": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
    R + "/styles": "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
    R + "/sharedStrings": "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
    R + "/theme": "application/vnd.openxmlformats-officedocument.theme+xml",
}
WORKBOOK_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"

# Children kept, in the schema's order (CT_Workbook, CT_Worksheet); the rest is dropped.
WORKBOOK_CHILDREN = ("fileVersion", "workbookPr", "workbookProtection", "bookViews", "sheets",
                     "definedNames", "calcPr")
SHEET_CHILDREN = ("sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetProtection",
                  "protectedRanges", "autoFilter", "sortState", "mergeCells", "phoneticPr", "hyperlinks",
                  "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
                  "ignoredErrors")

# A defined name kept in the copy refers to cells, or is a text or number constant: nothing runs.
_SHEET = r"(?:'(?:[^']|'')+'|[^\s'!:,()=+\-*/&^<>\"{}\[\];]+)"
_CELLS = r"(?:\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?|\$?\d+:\$?\d+|\$?[A-Z]{1,3}:\$?[A-Z]{1,3}|#REF!)"
_REFERENCE = rf"{_SHEET}!{_CELLS}"
SAFE_NAME = re.compile(rf'^\s*(?:{_REFERENCE}(?:,{_REFERENCE})*|"(?:[^"]|"")*"|-?\d+(?:\.\d+)?|#REF!)\s*$')
# The sheet each reference of a safe name points into: a name kept must point into a sheet kept
# (not into a macro sheet left behind, nor into "[1]Sheet1", an external workbook's sheet).
_REFERENCED_SHEET = re.compile(rf"({_SHEET})!{_CELLS}")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _parse(data: bytes, name: str) -> etree._Element:
    return parse_part(data, name, drop_comments=True)  # a comment could hide what a filter looks for


def _rels_name(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def _relationships(parts: dict[str, bytes], part: str) -> list[etree._Element]:
    name = _rels_name(part) if part else "_rels/.rels"
    if name not in parts:
        return []
    return [r for r in _parse(parts[name], name) if r.tag == f"{{{PKG_RELS}}}Relationship"]


def _target(source: str, rel: etree._Element) -> str | None:
    """The part a relationship points to, or None for an external one."""
    if rel.get("TargetMode") == "External":
        return None
    target = rel.get("Target", "")
    base = "" if target.startswith("/") else posixpath.dirname(source)
    return posixpath.normpath(posixpath.join(base, target.lstrip("/")))


def _rels_xml(rels: list[tuple[str, str, str]]) -> bytes:
    root = etree.Element(f"{{{PKG_RELS}}}Relationships", nsmap={None: PKG_RELS})
    for rid, kind, target in rels:
        etree.SubElement(root, f"{{{PKG_RELS}}}Relationship", Id=rid, Type=kind, Target=target)
    return part_bytes(root)


def _local(el: etree._Element) -> str | None:
    return etree.QName(el).localname if isinstance(el.tag, str) and el.tag.startswith(f"{{{MAIN}}}") else None


def _drop_foreign_attributes(el: etree._Element) -> None:
    """Attributes outside no namespace (r:id, mc:Ignorable, x14ac:…) point at parts or extensions;
    xml:space stays (it says that a text's leading and trailing spaces are part of it)."""
    for attr in list(el.attrib):
        if attr.startswith("{") and attr != _XML_SPACE:
            del el.attrib[attr]


def _drop_extensions(root: etree._Element) -> None:
    """Every extLst, at any depth (a sheet view's, a workbook view's, as well as the part's own)."""
    for ext in list(root.iter(f"{{{MAIN}}}extLst")):
        ext.getparent().remove(ext)


def _keep_children(el: etree._Element, allowed: tuple[str, ...], order: tuple[str, ...] | None = None) -> None:
    kept = [c for c in el if _local(c) in allowed]
    for c in list(el):
        el.remove(c)
    if order:
        kept.sort(key=lambda c: order.index(_local(c)))
    el.extend(kept)


def _clean_workbook(root: etree._Element, sheet_ids: set[str]) -> etree._Element:
    """The workbook with only kept sheets and safe names."""
    _keep_children(root, WORKBOOK_CHILDREN)
    _drop_extensions(root)
    _drop_foreign_attributes(root)
    for el in root.iter():
        if el is not root and _local(el) not in ("sheet",):
            _drop_foreign_attributes(el)
    for pr in root.iter(f"{{{MAIN}}}workbookPr"):
        pr.attrib.pop("codeName", None)
    kept_positions = []
    sheets = root.find(f"{{{MAIN}}}sheets")
    if sheets is None:
        raise JixiaoError("工作簿没有工作表，无法生成只含数值的副本")
    for position, sheet in enumerate(list(sheets)):
        rid = sheet.get(f"{{{R}}}id")
        if _local(sheet) == "sheet" and rid in sheet_ids:
            for attr in list(sheet.attrib):
                if attr.startswith("{") and attr != f"{{{R}}}id":
                    del sheet.attrib[attr]
            kept_positions.append(position)
        else:
            sheets.remove(sheet)
    if not kept_positions:
        raise JixiaoError("工作簿没有可保留的工作表，无法生成只含数值的副本")
    new_index = {old: new for new, old in enumerate(kept_positions)}
    kept_names = {sheet.get("name", "").casefold() for sheet in sheets}
    names = root.find(f"{{{MAIN}}}definedNames")
    if names is not None:
        for name in list(names):
            local = name.get("localSheetId")
            if _local(name) != "definedName" or not SAFE_NAME.match(name.text or "") \
                    or (local is not None and (not local.isdigit() or int(local) not in new_index)) \
                    or not _into_kept_sheets(name.text or "", kept_names):
                names.remove(name)
            elif local is not None:
                name.set("localSheetId", str(new_index[int(local)]))
    else:  # the definedNames element follows sheets (nothing the copy keeps comes between them)
        names = etree.Element(f"{{{MAIN}}}definedNames")
        sheets.addnext(names)
    # The mark that this is a sign-off copy: its formulas were frozen to values on purpose, so a
    # check of it judges values only (no "formula typed over", F06).
    marker = etree.SubElement(names, f"{{{MAIN}}}definedName", name=VALUES_ONLY_NAME)
    marker.text = VALUES_ONLY_TEXT
    for view in root.iter(f"{{{MAIN}}}workbookView"):
        for attr in ("activeTab", "firstSheet"):
            value = view.get(attr)
            if value is not None:
                old = int(value) if value.isdigit() else 0
                view.set(attr, str(new_index.get(old, 0)))
    return root


def _into_kept_sheets(text: str, kept_names: set[str]) -> bool:
    """Whether every reference of a safe name's ``text`` points into a sheet of the copy."""
    if text.strip().startswith('"'):
        return True  # a text constant
    sheets = (s[1:-1].replace("''", "'") if s.startswith("'") else s for s in _REFERENCED_SHEET.findall(text))
    return all(s.casefold() in kept_names for s in sheets)


def _clean_sheet(root: etree._Element) -> etree._Element:
    _keep_children(root, SHEET_CHILDREN, SHEET_CHILDREN)
    _drop_extensions(root)
    _drop_foreign_attributes(root)
    for el in root.iter():
        if el is not root and _local(el) != "hyperlink":
            _drop_foreign_attributes(el)
        if _local(el) == "sheetPr":
            el.attrib.pop("codeName", None)
            for child in list(el):  # tabColor, outlinePr, pageSetUpPr only
                if _local(child) not in ("tabColor", "outlinePr", "pageSetUpPr"):
                    el.remove(child)
    data = root.find(f"{{{MAIN}}}sheetData")
    for row in (data if data is not None else ()):
        for c in list(row):
            if _local(c) != "c":
                row.remove(c)
                continue
            for attr in ("cm", "vm"):  # cell and value metadata: dynamic arrays, linked data types
                c.attrib.pop(attr, None)
            value = None
            for child in list(c):
                if _local(child) == "v":
                    value = child.text or ""
                if _local(child) not in ("v", "is"):
                    c.remove(child)
            if c.get("t") == "str":  # a formula's text result becomes plain text
                for child in list(c):
                    c.remove(child)
                c.set("t", "inlineStr")
                is_ = etree.SubElement(c, f"{{{MAIN}}}is")
                t = etree.SubElement(is_, f"{{{MAIN}}}t")
                t.text = value
                t.set(_XML_SPACE, "preserve")
    hyperlinks = root.find(f"{{{MAIN}}}hyperlinks")
    if hyperlinks is not None:
        for link in list(hyperlinks):
            rid = link.get(f"{{{R}}}id")
            if rid is not None:  # an address outside the workbook: the link goes, the text stays
                del link.attrib[f"{{{R}}}id"]
            if not link.get("location"):
                hyperlinks.remove(link)
            else:
                _drop_foreign_attributes(link)
        if not len(hyperlinks):
            root.remove(hyperlinks)
    return root


def values_only(source: str | Path, output: str | Path) -> Path:
    """Write the values-only rebuild of workbook ``source`` (whose formulas hold cached values) to
    ``output`` (.xlsx), atomically."""
    source, output = Path(source), Path(output)
    with open_workbook_zip(source) as z:
        parts = {name: read_member(z, name) for name in z.namelist()}
    root_rels = _relationships(parts, "")
    workbook = next((_target("", r) for r in root_rels if r.get("Type") == _DOC_REL), None)
    if workbook not in parts:
        raise JixiaoError(f"工作簿缺少 workbook 部件，无法生成只含数值的副本：{source}")
    out: dict[str, bytes] = {}
    types: dict[str, str] = {}
    package_rels = [("rId1", _DOC_REL, workbook)]
    for rel in root_rels:
        target = _target("", rel)
        if rel.get("Type") in _PROPS and target in parts:
            package_rels.append((f"rId{len(package_rels) + 1}", rel.get("Type"), target))
            out[target] = part_bytes(_parse(parts[target], target))
            types[target] = _PROPS[rel.get("Type")]
    workbook_rels, sheet_ids = [], set()
    for rel in _relationships(parts, workbook):
        kind, target = rel.get("Type"), _target(workbook, rel)
        if kind not in _WORKBOOK_PARTS or target not in parts:
            continue
        rid = rel.get("Id")
        root = _parse(parts[target], target)
        if kind == R + "/worksheet":
            if etree.QName(root).localname != "worksheet":
                continue  # a chart sheet or a macro sheet filed as a worksheet
            root = _clean_sheet(root)
            sheet_ids.add(rid)
        elif kind == R + "/theme" and _rels_name(target) in parts:
            continue  # a theme that pulls in other parts (images): Excel's default theme serves
        elif kind in (R + "/styles", R + "/sharedStrings"):
            _drop_extensions(root)
        out[target] = part_bytes(root)
        types[target] = _WORKBOOK_PARTS[kind]
        workbook_rels.append((rid, kind, posixpath.relpath(target, posixpath.dirname(workbook))))
    book = _clean_workbook(_parse(parts[workbook], workbook), sheet_ids)
    out[workbook] = part_bytes(book)
    types[workbook] = WORKBOOK_CONTENT
    out[_rels_name(workbook)] = _rels_xml(workbook_rels)
    out["_rels/.rels"] = _rels_xml(package_rels)
    content = etree.Element(f"{{{TYPES}}}Types", nsmap={None: TYPES})
    etree.SubElement(content, f"{{{TYPES}}}Default", Extension="rels",
                     ContentType="application/vnd.openxmlformats-package.relationships+xml")
    etree.SubElement(content, f"{{{TYPES}}}Default", Extension="xml", ContentType="application/xml")
    for part, kind in types.items():
        etree.SubElement(content, f"{{{TYPES}}}Override", PartName="/" + part, ContentType=kind)
    with atomic_output(output) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", part_bytes(content))
        for name, data in out.items():
            z.writestr(name, data)
    return output
