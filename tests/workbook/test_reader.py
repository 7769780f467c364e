"""The reader: the quick scan, and python-calamine's values plus our formula scan, agree with a full
XML reading; what the quick scan does not take goes to calamine; and the dialects and traps calamine
must not see (far-apart cells, prefixes, unplaced cells) are read sparsely instead."""

from __future__ import annotations

import zipfile
from decimal import Decimal

import openpyxl
import pytest

from jixiao.workbook import reader
from jixiao.workbook.reader import Cell, GridSheet, Workbook, grid_value, parse_sheet_xml, resolve_name

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
ROOT_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
             'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (f'<?xml version="1.0"?><workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="表" sheetId="1" r:id="rId1"/></sheets>'
            '<definedNames><definedName name="jx_a" localSheetId="0">\'表\'!$B$2</definedName>'
            '<definedName hidden="1" name="jx_odd">表!$C$3:$D$4</definedName></definedNames></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                 'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
                 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
STYLES = (f'<?xml version="1.0"?><styleSheet {NS}><cellXfs count="2"><xf numFmtId="0"/>'
          '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')


def book_with(tmp_path, sheet_data: str, root: str = "worksheet", extra: str = "", bom: bool = False,
              workbook: str = WORKBOOK, strings: list[str] | None = None) -> Workbook:
    """A one-sheet workbook whose sheet holds ``sheet_data`` (its XML after a byte-order mark),
    with ``strings`` as its shared strings (each a <si>'s inner XML) if given."""
    path = tmp_path / "book.xlsx"
    prefix = root.partition(":")[0] + ":" if ":" in root else ""
    ns = NS.replace("xmlns=", f"xmlns:{prefix[:-1]}=") if prefix else NS
    sheet = f'<?xml version="1.0"?><{root} {ns}><{prefix}sheetData>{sheet_data}</{prefix}sheetData>{extra}</{root.split()[0]}>'
    sheet = ("\ufeff" if bom else "") + sheet
    parts = [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS), ("xl/workbook.xml", workbook),
             ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), ("xl/styles.xml", STYLES), ("xl/worksheets/sheet1.xml", sheet)]
    if strings is not None:
        sst = "".join(f"<si>{si}</si>" for si in strings)
        parts.append(("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst {NS} count="{len(strings)}">{sst}</sst>'))
        parts[3] = (parts[3][0], WORKBOOK_RELS.replace("</Relationships>", (
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'sharedStrings" Target="sharedStrings.xml"/></Relationships>')))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            z.writestr(name, text)
    return Workbook(path)


READINGS = ["quick scan", "calamine", "general scan"]


def read_as(book: Workbook, reading: str, monkeypatch, name: str = "表") -> reader.Sheet:
    """Sheet ``name`` as ``reading`` reads it, checking that this reading (and no other) read it."""
    if reading == "general scan":
        entry = next(e for e in book.sheets if e.name == name)
        return parse_sheet_xml(name, book._zip.read(entry.part), book.strings)
    with monkeypatch.context() as patched:
        if reading == "calamine":
            patched.setattr(reader, "quick_scan", lambda *args: None)
        patched.setattr(reader, "parse_sheet_xml", _not_the_general_scan)
        sheet = book.sheet(name)
    assert isinstance(sheet, GridSheet if reading == "calamine" else reader.ScannedSheet)
    return sheet


def quick_scan_of(book: Workbook) -> reader.Sheet | None:
    """What the quick scan makes of the book's one sheet (None: it declines the sheet)."""
    raw = book._zip.read(book.sheets[0].part)
    return reader.quick_scan("表", raw, raw.find(b"<sheetData"), raw.rfind(b"</sheetData>"), book.strings)


def _not_the_general_scan(name, *args):
    raise AssertionError(f"sheet {name!r} was read by the general scan")


@pytest.mark.parametrize("reading", ["quick scan", "calamine"])
def test_every_sheet_of_the_example_reads_as_a_full_xml_reading_does(example_book, reading, monkeypatch):
    """The quick scan, and calamine's values + the formula scan, == the general scan's values and
    formulas, cell for cell."""
    with Workbook(example_book) as book:
        for entry in book.sheets:
            fast = read_as(book, reading, monkeypatch, entry.name)
            full = parse_sheet_xml(entry.name, book._zip.read(entry.part), book.strings)
            assert fast.cells == full.cells, entry.name
            assert fast.merged_refs == full.merged_refs and fast.merged_refs
            assert all(fast.cell(r, c) == cell for (r, c), cell in full.cells.items())


def test_the_example_reads_to_the_same_document_without_calamine(example_book, monkeypatch):
    """The quick scan reads every sheet of a workbook jixiao wrote, so calamine is never opened, and
    the document and formula states are the ones calamine's reading gives."""
    from jixiao.model.derive import canonical
    from jixiao.workbook.extract import read_book

    monkeypatch.setattr(Workbook, "_open_calamine", lambda self: pytest.fail("calamine was opened"))
    quick = read_book(example_book)
    monkeypatch.undo()
    monkeypatch.setattr(reader, "quick_scan", lambda *args: None)
    grid = read_book(example_book)
    assert canonical(quick.doc) == canonical(grid.doc)
    assert quick.formula_states == grid.formula_states
    assert [f.content.cells for f in quick.forms] == [f.content.cells for f in grid.forms]


CASES = [
    # (sheet data, cell, expected Cell)
    ('<row r="2"><c r="B2"><v>80.96</v></c></row>', (1, 1), Cell(Decimal("80.96"), None)),
    ('<row r="2"><c r="B2"><v>10</v></c></row>', (1, 1), Cell(Decimal("10"), None)),
    ('<row r="2"><c r="B2"><v>0.30000000000000004</v></c></row>', (1, 1), Cell(Decimal("0.3"), None)),
    ('<row r="2"><c r="B2"><v>2922.6999999999998</v></c></row>', (1, 1), Cell(Decimal("2922.7"), None)),
    ('<row r="2"><c r="B2" t="inlineStr"><is><t>内联文字</t></is></c></row>', (1, 1), Cell("内联文字", None)),
    ('<row r="2"><c r="B2" t="b"><v>1</v></c></row>', (1, 1), Cell(True, None)),
    ('<row r="2"><c r="B2" s="1"><v>45793</v></c></row>', (1, 1), Cell(Decimal(45793), None)),  # a date: its serial
    ('<row r="2"><c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>', (1, 1), Cell("#DIV/0!", "1/0")),
    ('<row r="2"><c r="B2" t="e"><v>#N/A</v></c></row>', (1, 1), Cell("#N/A", None)),
    ('<row r="2"><c r="B2"><f>1+1</f><v>2</v></c></row>', (1, 1), Cell(Decimal(2), "1+1")),
    ('<row r="2"><c r="B2" t="str"><f>A1&amp;"年"</f><v>2024年</v></c></row>', (1, 1), Cell("2024年", 'A1&"年"')),
    ('<row r="2"><c r="B2"><f t="shared" ref="B2:B3" si="0">A2*2</f><v>4</v></c></row>'
     '<row r="3"><c r="B3"><f t="shared" si="0"/><v>6</v></c></row>', (2, 1), Cell(Decimal(6), "")),
    ('<row r="2"><c r="B2" t="str"><f>""</f><v></v></c></row>', (1, 1), Cell(None, '""')),
    ('<row r="2"><c r="B2" s="3" t="inlineStr"><is><t xml:space="preserve"> 前后有空格 </t></is></c></row>', (1, 1),
     Cell(" 前后有空格 ", None)),
    # Excel's escapes for what XML cannot carry: a pasted carriage return, and "_" itself
    ('<row r="2"><c r="B2" t="inlineStr"><is><t>甲_x000D_\n乙</t></is></c></row>', (1, 1), Cell("甲\r\n乙", None)),
    ('<row r="2"><c r="B2" t="inlineStr"><is><t>_x005F_x000D_ &amp; _x0041_</t></is></c></row>', (1, 1),
     Cell("_x000D_ & A", None)),
    ('<row r="2"><c r="B2" t="b"><f>1&gt;0</f><v>1</v></c></row>', (1, 1), Cell(True, "1>0")),
    # XML's entities and character references, as every reading (calamine's too) reads them
    ('<row r="2"><c r="B2" t="inlineStr"><is><t>&lt;甲&gt; &#20013;&#x6587; &quot;&apos; &amp;amp;</t></is></c></row>',
     (1, 1), Cell('<甲> 中文 "\' &amp;', None)),
    ('<row r="2"><c r="B2" s="2"><f>1+1</f></c></row>', (1, 1), Cell(None, "1+1")),  # not yet calculated
    # far from A1: the quick scan keeps only the cell, calamine's grid is still small enough
    ('<row r="9000"><c r="Y9000"><v>1</v></c></row>', (8999, 24), Cell(Decimal(1), None)),
]


@pytest.mark.parametrize("reading", READINGS)
@pytest.mark.parametrize("data, at, expected", CASES)
def test_values_and_formulas(tmp_path, data, at, expected, reading, monkeypatch):
    with book_with(tmp_path, data) as book:
        sheet = read_as(book, reading, monkeypatch)
        assert sheet.cell(*at) == expected
        assert sheet.value(*at) == expected.value


@pytest.mark.parametrize("reading", ["quick scan", "general scan"])
def test_shared_text_that_is_not_there_is_a_blank(tmp_path, reading, monkeypatch):
    """A shared-string index past the end, or below nought, is a blank, not another string
    (calamine refuses such a sheet: the general scan reads it)."""
    data = '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="s"><v>-1</v></c></row>'
    with book_with(tmp_path, data, strings=["<t>唯一</t>"]) as book:
        sheet = read_as(book, reading, monkeypatch)
        assert [sheet.value(1, c) for c in range(3)] == [Decimal(1), None, None]
        assert book.sheet("表").cells == sheet.cells


SHARED = ["<t>甲</t>", '<t xml:space="preserve"> 乙 </t>', "<t>A&amp;B_x000D_</t>", "<t/>",
          "<r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r>", "<t>汉字</t><rPh sb=\"0\" eb=\"2\"><t>かんじ</t></rPh>"]
SHARED_TEXTS = ["甲", " 乙 ", "A&B\r", None, "富文本", "汉字"]


@pytest.mark.parametrize("reading", READINGS)
@pytest.mark.parametrize("plain", [True, False], ids=["plain shared strings", "rich shared strings too"])
def test_shared_strings(tmp_path, reading, plain, monkeypatch):
    """Shared text reads alike in every reading, whether every string is plain (the quick pattern
    reads them) or some are rich text or carry phonetic guides (the general pattern reads them all)."""
    strings = SHARED[:4] if plain else SHARED
    cells = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(len(strings)))
    with book_with(tmp_path, f'<row r="1">{cells}</row>', strings=strings) as book:
        sheet = read_as(book, reading, monkeypatch)
        assert [sheet.value(0, i) for i in range(len(strings))] == SHARED_TEXTS[:len(strings)]


DECLINED = [
    # (why the quick scan leaves the sheet to calamine, sheet data, cell, expected Cell)
    ("rich inline text", '<row r="2"><c r="B2" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r></is></c></row>',
     (1, 1), Cell("富文本", None)),
    ("an empty value element", '<row r="2"><c r="B2"><f>A1</f><v/></c></row>', (1, 1), Cell(None, "A1")),
    ("an ISO date", '<row r="2"><c r="B2" t="d"><v>2024-05-01T00:00:00</v></c></row>', (1, 1),
     Cell(Decimal(45413), None)),
]


@pytest.mark.parametrize("why, data, at, expected", DECLINED, ids=[case[0] for case in DECLINED])
def test_what_the_quick_scan_declines_calamine_reads(tmp_path, why, data, at, expected, monkeypatch):
    with book_with(tmp_path, data) as book:
        assert quick_scan_of(book) is None
        sheet = book.sheet("表")
        assert isinstance(sheet, GridSheet) and sheet.cell(*at) == expected


# What XML says is no element, or is text: (construct, sheet data, shared strings, B2 C2 D2 as shown)
MARKUP = [
    ("a comment", '<row r="2"><!-- <c r="B2"><v>9</v></c> --><c r="C2" t="s"><v>0</v></c>'
                  '<!----><c r="D2" t="s"><v>1</v></c></row>',
     ["<t>甲</t><!-- </si><si><t>藏</t> -->", "<t>乙</t>"], [None, "甲", "乙"]),
    ("a processing instruction", '<row r="2"><?pi <c r="B2"><v>999999</v></c> ?><c r="C2" t="s"><v>0</v></c>'
                                 '<c r="D2"><v>1</v></c></row><?pi <row r="3"><c r="B3"><v>7</v></c></row>?>',
     ["<t>甲</t><?pi </si><si><t>藏</t>?>"], [None, "甲", Decimal(1)]),
    ("CDATA text", '<row r="2"><c r="B2" t="inlineStr"><is><t><![CDATA[a<b & </t> c]]></t></is></c>'
                   '<c r="C2" t="s"><v>0</v></c></row>',
     ["<t><![CDATA[<si>不是新条目</si>]]></t>"], ["a<b & </t> c", "<si>不是新条目</si>", None]),
]


@pytest.mark.parametrize("construct, data, strings, shown", MARKUP, ids=[m[0] for m in MARKUP])
def test_what_xml_says_is_no_element_is_not_read(tmp_path, construct, data, strings, shown):
    """Whichever reading the reader picks, the cells are what XML defines (the LibreOffice test
    below holds the same files to what LibreOffice shows)."""
    with book_with(tmp_path, data, strings=strings) as book:
        sheet = book.sheet("表")
        assert [sheet.value(1, c) for c in (1, 2, 3)] == shown
        assert sheet.value(2, 1) is None  # nothing read from inside a construct


@pytest.mark.libreoffice
@pytest.mark.parametrize("construct, data, strings, shown", MARKUP, ids=[m[0] for m in MARKUP])
def test_libreoffice_shows_what_jixiao_reads(tmp_path, construct, data, strings, shown):
    from jixiao.workbook.libreoffice import convert

    with book_with(tmp_path, data, strings=strings) as book:
        ours = [book.sheet("表").value(r, c) for r in (1, 2) for c in (1, 2, 3)]
    theirs = openpyxl.load_workbook(convert(tmp_path / "book.xlsx", "xlsx", tmp_path / "lo"), data_only=True).active
    seen = [theirs.cell(r + 1, c + 1).value for r in (1, 2) for c in (1, 2, 3)]
    assert [None if v in (None, "") else (Decimal(str(v)) if isinstance(v, (int, float)) else v) for v in seen] == ours


def test_prefixed_cells_in_a_plain_sheet_are_not_passed_over(tmp_path):
    """Cells written with a prefix inside a plain <sheetData> end in </x:c>, which the quick scan's
    count would not see and calamine passes over: such a sheet goes to the general scan."""
    data = '<x:row r="2"><x:c r="B2"><x:v>3</x:v></x:c></x:row>'
    extra_ns = ' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    with book_with(tmp_path, data, root="worksheet" + extra_ns) as book:
        sheet = book.sheet("表")
        assert not isinstance(sheet, GridSheet) and sheet.cells == {(1, 1): Cell(Decimal(3), None)}


SPARSE = [
    # far apart: calamine would allocate every cell between A1 and XFD1048576 (and abort)
    ('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>',
     "worksheet", {(0, 0): Cell(Decimal(1), None), (1048575, 16383): Cell(Decimal(2), None)}),
    # cells placed by their order in the last row: 26 of them would make a 1048576 × 26 grid
    ('<row r="1048576">' + "".join(f"<c><v>{i}</v></c>" for i in range(26)) + "</row>", "worksheet",
     {(1048575, i): Cell(Decimal(i), None) for i in range(26)}),
    # cells that do not name their place take it from their order (a row without r follows the last)
    ('<row r="3"><c><v>5</v></c><c t="inlineStr"><is><t>五</t></is></c><c><f>A3*2</f><v>10</v></c></row>'
     '<row><c s="1"><v>7</v></c><c r="C4"><v>1</v></c></row>',
     "worksheet", {(2, 0): Cell(Decimal(5), None), (2, 1): Cell("五", None), (2, 2): Cell(Decimal(10), "A3*2"),
                   (3, 0): Cell(Decimal(7), None), (3, 2): Cell(Decimal(1), None)}),
    # a cell that names its place after another attribute (no writer we know does): read as written
    ('<row r="2"><c s="1" r="B2"><v>4</v></c><c r="C2" s="1"><v>5</v></c></row>', "worksheet",
     {(1, 1): Cell(Decimal(4), None), (1, 2): Cell(Decimal(5), None)}),
    # elements with a namespace prefix
    ('<x:row r="2"><x:c r="B2"><x:f>1+2</x:f><x:v>3</x:v></x:c></x:row>', "x:worksheet",
     {(1, 1): Cell(Decimal(3), "1+2")}),
]


@pytest.mark.parametrize("data, root, expected", SPARSE)
def test_unusual_sheets_are_read_sparsely(tmp_path, data, root, expected):
    with book_with(tmp_path, data, root) as book:
        sheet = book.sheet("表")
        assert not isinstance(sheet, GridSheet)
        assert sheet.cells == expected


@pytest.mark.parametrize("ref, at", [("AB2", (1, 27)), ("A10000", (9999, 0)), ("XFD3", (2, 16383)),
                                     ("C123456", (123455, 2))])
def test_a_sheet_within_reach_beyond_z9999_is_still_read_by_calamine(tmp_path, ref, at, monkeypatch):
    """Beyond Z9999 a cell is far only by the quick test; the sheet's real extent is small enough,
    so the grid is used."""
    with book_with(tmp_path, f'<row r="{at[0] + 1}"><c r="{ref}"><f>1+1</f><v>2</v></c></row>') as book:
        assert read_as(book, "calamine", monkeypatch).cell(*at) == Cell(Decimal(2), "1+1")


@pytest.mark.parametrize("reading", ["quick scan", "calamine"])
def test_a_byte_order_mark_does_not_change_the_reading(tmp_path, reading, monkeypatch):
    with book_with(tmp_path, '<row r="2"><c r="B2"><f>1+1</f><v>2</v></c></row>', bom=True) as book:
        assert read_as(book, reading, monkeypatch).cell(1, 1) == Cell(Decimal(2), "1+1")


def test_defined_names_in_any_attribute_order(tmp_path):
    with book_with(tmp_path, "") as book:
        assert book.name("jx_a", "表").range == (1, 1, 1, 1)
        assert book.name("jx_odd").range == (2, 2, 3, 3) and book.name("jx_odd").sheet == "表"


LOCAL_NAMES = [
    # (the name's text, its bounds among the sheet's local ranges or None)
    ("'表'!$B$2", (1, 1, 1, 1)),
    ("'表'!$B$4:$I$20", (3, 1, 19, 8)),
    ("表!$C$3", (2, 2, 2, 2)),  # unquoted
    ("='表'!$D$4", (3, 3, 3, 3)),
    ("'表'!B2", (1, 1, 1, 1)),  # without $: taken as written
    ('"项目"', None),  # a constant
    ("'其他'!$A$1", None),  # another sheet's cell
    ("'表'!$A$1,'表'!$B$1", None),  # a union
    ("'表'!B2:C", None),  # not a ref
]


@pytest.mark.parametrize("general", [False, True], ids=["usual attribute order", "any attribute order"])
def test_a_sheets_local_ranges(tmp_path, general):
    """Names scoped to a sheet resolve to their bounds whatever their spelling, however the
    names are written (the general reading is used when one name's attributes are in another order)."""
    names = "".join(f'<definedName name="jx_{k}" localSheetId="0">{text}</definedName>'
                    for k, (text, _) in enumerate(LOCAL_NAMES))
    odd = '<definedName hidden="1" name="jx_odd">表!$C$3</definedName>' if general else ""
    workbook = WORKBOOK.split("<definedNames>")[0] + f"<definedNames>{names}{odd}</definedNames></workbook>"
    with book_with(tmp_path, "", workbook=workbook) as book:
        expected = {f"jx_{k}": bounds for k, (_, bounds) in enumerate(LOCAL_NAMES) if bounds is not None}
        assert book.local_ranges("表") == expected
        assert book.name("jx_5", "表").constant == "项目"
        # Every name, however it was resolved, is listed once with what its text says.
        listed = {(scope, name): target for scope, name, target in book.defined_names()}
        texts = {("表", f"jx_{k}"): text for k, (text, _) in enumerate(LOCAL_NAMES)}
        if general:
            texts[(None, "jx_odd")] = "表!$C$3"
        assert listed == {key: resolve_name(text) for key, text in texts.items()}
        assert all(book.name(name, scope) == listed[(scope, name)] for scope, name in texts)


def test_merged_ranges_after_the_cells(tmp_path):
    merge = '<mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells>'
    with book_with(tmp_path, '<row r="1"><c r="A1" t="inlineStr"><is><t>标题</t></is></c></row>', extra=merge) as book:
        sheet = book.sheet("表")
        assert sheet.merged == [(0, 0, 0, 2)] and sheet.value(0, 0) == "标题"


def test_a_file_calamine_refuses_is_read_by_the_sparse_scan(example_book, monkeypatch):
    """If python-calamine cannot open a workbook our checks accepted (and the quick scan has left
    its sheets to it), nothing is lost: every sheet is read by our own general scan, to the same
    document and the same formula states."""
    import python_calamine

    from jixiao.model.derive import canonical
    from jixiao.workbook.extract import read_book

    normal = read_book(example_book)

    def refuse(path):
        raise python_calamine.CalamineError("unsupported")

    monkeypatch.setattr(reader, "quick_scan", lambda *args: None)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", staticmethod(refuse))
    with Workbook(example_book) as book:
        assert not any(isinstance(book.sheet(name), GridSheet) for name in book.sheet_names())
    fallback = read_book(example_book)
    assert canonical(fallback.doc) == canonical(normal.doc)
    assert fallback.formula_states == normal.formula_states


@pytest.mark.parametrize("reading", ["quick scan", "calamine"])
def test_columns_read_as_the_general_scan_reads_them(example_book, reading, monkeypatch):
    """Tables read a column at a time (values, and formulas where any): the quick scan's columns,
    and the grid's, several at once, equal the general reading's, row range for row range."""
    with Workbook(example_book) as book:
        for entry in book.sheets:
            fast = read_as(book, reading, monkeypatch, entry.name)
            full = parse_sheet_xml(entry.name, book._zip.read(entry.part), book.strings)
            last_row = max(r for r, _ in full.cells) + 2  # a little below the grid too
            cols = list(range(max(c for _, c in full.cells) + 2))
            for r1, r2 in ((0, last_row), (3, 9), (last_row - 1, last_row + 3)):
                assert [fast.column(r1, r2, c) for c in cols] == [full.column(r1, r2, c) for c in cols]
                if reading == "quick scan":
                    continue
                converted = [([grid_value(v) for v in values], formulas)
                             for values, formulas in fast.raw_columns(r1, r2, cols)]
                assert converted == [full.column(r1, r2, c) for c in cols], entry.name


@pytest.mark.parametrize("reading", READINGS)
def test_error_values_and_formulas_in_a_column(tmp_path, reading, monkeypatch):
    data = ('<row r="1"><c r="A1"><v>1</v></c></row>'
            '<row r="2"><c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
            '<row r="3"><c r="A3"><f>A1*2</f><v>2</v></c></row>'
            '<row r="4"><c r="A4" t="e"><v>#N/A</v></c></row>')
    with book_with(tmp_path, data) as book:
        sheet = read_as(book, reading, monkeypatch)
        assert sheet.column(0, 4, 0) == ([Decimal(1), "#DIV/0!", Decimal(2), "#N/A", None],
                                         [None, "1/0", "A1*2", None, None])
        assert sheet.column(3, 3, 0) == (["#N/A"], None)
        if reading == "calamine":
            assert sheet.raw_columns(0, 1, [0, 5]) == [([1.0, "#DIV/0!"], [None, "1/0"]), ([None, None], None)]


@pytest.mark.parametrize("reading", READINGS)
@pytest.mark.parametrize("data, last", [
    ("", -1),
    ('<row r="3"><c r="B3"><v>1</v></c><c r="C3" s="1"/></row><row r="9"><c r="A9" s="1"/></row>', 2),
    ('<row r="3"><c r="B3"><v>1</v></c></row><row r="5"><c r="B5"><f>B3*2</f></c></row>', 4),  # a formula not yet calculated
    ('<row r="3"><c r="B3"><v>1</v></c></row><row r="6"><c r="A6" t="e"><v>#N/A</v></c></row>', 5),
], ids=["empty", "styled blanks below", "formula without a value", "error value"])
def test_the_last_row_with_content(tmp_path, reading, data, last, monkeypatch):
    """Every row below a sheet's last row is blank, in every reading (styled blank cells are no content)."""
    with book_with(tmp_path, data) as book:
        assert read_as(book, reading, monkeypatch).last_row() == last


# --- one protocol: the general scan is the reference, the quick scan and calamine accelerate it ---

def _fixture_books(kind, tmp_path, example_book, recalculated_book):
    """Every kind of workbook jixiao meets, as its writer left it."""
    from pathlib import Path

    from jixiao.report.annotate import annotate
    from jixiao.workbook.values_copy import values_only

    templates = Path(__file__).resolve().parents[2] / "workbook_templates"
    if kind == "jixiao's fill":
        return example_book
    if kind == "a template":
        return templates / "hunan-2024.xlsx"
    if kind == "the other template":
        return templates / "national-2020.xlsx"
    if kind == "saved by LibreOffice":
        return recalculated_book
    if kind == "saved by openpyxl":
        wb = openpyxl.load_workbook(example_book)
        wb.save(tmp_path / "openpyxl.xlsx")
        return tmp_path / "openpyxl.xlsx"
    if kind == "the values-only copy":
        return values_only(example_book, tmp_path / "values.xlsx")
    if kind == "annotated":
        from jixiao.checking import check_path

        return annotate(example_book, tmp_path / "annotated.xlsx", check_path(example_book).findings)
    raise AssertionError(kind)


FIXTURE_BOOKS = ["jixiao's fill", "a template", "the other template", "saved by LibreOffice", "saved by openpyxl",
                 "the values-only copy", "annotated"]


@pytest.mark.parametrize("kind", FIXTURE_BOOKS)
def test_every_reading_of_every_fixture_gives_the_general_scans_cells(tmp_path, example_book, recalculated_book,
                                                                      kind, monkeypatch):
    """Whichever reading a sheet gets (the quick scan, calamine with the formula scan), it holds the
    cells, merges and columns the general scan reads from the same XML; a reading may decline a
    sheet (then the next is used), never read it differently."""
    path = _fixture_books(kind, tmp_path, example_book, recalculated_book)
    readings = set()
    with Workbook(path) as book:
        for entry in book.sheets:
            full = parse_sheet_xml(entry.name, book._zip.read(entry.part), book.strings)
            used = book.sheet(entry.name)
            readings.add(type(used).__name__)
            assert used.cells == full.cells, (kind, entry.name)
            assert used.merged_refs == full.merged_refs, (kind, entry.name)
            if full.cells:
                last = max(r for r, _ in full.cells) + 1
                cols = range(max(c for _, c in full.cells) + 2)
                assert [used.column(0, last, c) for c in cols] == [full.column(0, last, c) for c in cols]
            with monkeypatch.context() as patched:  # and calamine's reading, where the quick scan took it
                patched.setattr(reader, "quick_scan", lambda *args: None)
                book._sheets.pop(entry.name, None)
                grid = book.sheet(entry.name)
                readings.add(type(grid).__name__)
                assert grid.cells == full.cells, (kind, entry.name, "calamine")
    assert readings & {"ScannedSheet", "GridSheet"}, f"{kind}: no accelerated reading was tested"


@pytest.mark.parametrize("tail", [b"", b"\r\n", b" " * 10000, b"<!-- " + b"x" * 6000 + b" -->\n"],
                         ids=["nothing", "a line end", "10,000 spaces", "a long comment"])
def test_a_workbook_part_with_anything_legal_after_its_root_is_read_and_one_cut_short_is_not(tmp_path, example_book,
                                                                                             tail):
    from jixiao.errors import JixiaoError

    def with_index(data: bytes, name: str):
        out = tmp_path / name
        with zipfile.ZipFile(example_book) as z, zipfile.ZipFile(out, "w") as d:
            for item in z.infolist():
                d.writestr(item, data if item.filename == "xl/workbook.xml" else z.read(item))
        return out

    index = zipfile.ZipFile(example_book).read("xl/workbook.xml")
    with Workbook(with_index(index + tail, "whole.xlsx")) as book:
        assert len(book.sheets) > 3
    with pytest.raises(JixiaoError, match="已损坏或不完整"):
        Workbook(with_index(index[: index.rfind(b"</")] + tail, "cut.xlsx"))
