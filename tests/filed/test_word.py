"""A filed Word document's body as paragraphs and tables with their merges; bad documents refused
with one Chinese message (exit 2, nothing written)."""

from __future__ import annotations

import zipfile

import docx
import pytest

from jixiao.errors import JixiaoError
from jixiao.filed.grid import Grid, Paragraph
from jixiao.filed.word import read_word

from ..conftest import run_cli
from .filed_forms import build_docx, layout, seed_blocks


def test_merges_become_one_cell(tmp_path):
    """Word's horizontal (gridSpan) and vertical (vMerge) merges, as python-docx makes them."""
    document = docx.Document()
    document.add_paragraph("2024年度项目支出绩效自评表")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(2, 0)).text = "绩效指标"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "项目支\n出名称"
    table.cell(1, 1).text, table.cell(1, 2).text = "a", "b"
    path = tmp_path / "merged.docx"
    document.save(path)
    blocks = read_word(path)
    assert isinstance(blocks[0], Paragraph) and blocks[0].text == "2024年度项目支出绩效自评表"
    grid = blocks[1]
    assert isinstance(grid, Grid) and grid.name == "表1"
    tall = grid.at(0, 0)
    assert tall.value == "绩效指标" and (tall.rows, tall.cols) == (3, 1)
    assert grid.at(1, 0) is tall and grid.at(2, 0) is tall
    wide = grid.at(0, 1)
    assert wide is grid.at(0, 2) and wide.cols == 2 and wide.key == "项目支出名称"
    assert grid.right_of(tall).value == "项目支出名称"


def test_the_seed_tables_keep_their_merges(tmp_path):
    path = build_docx(tmp_path / "seed.docx")
    grids = [b for b in read_word(path) if isinstance(b, Grid)]
    tables = [rows for kind, rows in seed_blocks() if kind == "table"]
    assert len(grids) == len(tables) == 21
    project = grids[2]
    level1 = project.find("产出指标")  # 产出指标（40分）, merged over its three indicators
    assert level1 is not None and level1.rows == 3
    width, placed = layout(tables[2])
    assert project.n_cols == width and project.n_rows == len(placed)


def _ole(tmp_path, name, body: bytes):
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + body)
    return path


def _no_form(tmp_path):
    document = docx.Document()
    document.add_paragraph("关于报送2024年度绩效自评材料的函")
    document.add_table(rows=1, cols=2).cell(0, 0).text = "联系人"
    path = tmp_path / "函.docx"
    document.save(path)
    return path


def _unplaceable(tmp_path):
    """A project form whose indicator table has no header row: its indicators cannot be placed."""
    blocks = seed_blocks()
    for kind, rows in blocks:
        if kind == "table":
            for row in rows:
                for i, cell in enumerate(row):
                    if cell.strip() == "一级指标":
                        row[i] = "指标类别"
    return build_docx(tmp_path / "无表头.docx", blocks=blocks)


def _workbook_named_docx(tmp_path):
    path = tmp_path / "其实是工作簿.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    return path


BAD = [
    ("a binary Word 97-2003 file", lambda tmp: _ole(tmp, "自评.doc", b"\0" * 512), "旧版 Word 97-2003 格式（.doc）"),
    ("an encrypted document", lambda tmp: _ole(tmp, "自评.docx", "EncryptedPackage".encode("utf-16-le")),
     "Word 文档设置了打开密码"),
    ("a document with no form", _no_form, "没有找到绩效自评表"),
    ("a form whose indicators cannot be placed", _unplaceable, "没有找到“一级指标”表头"),
    ("a workbook named .docx", _workbook_named_docx, "这像是一个 Excel 工作簿"),
    ("a text file named .docx", lambda tmp: (tmp / "a.docx").write_text("hello") and tmp / "a.docx",
     "不是 Word 文档（.docx），可能是改了扩展名"),
]


@pytest.mark.parametrize(("make", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_documents_are_refused_with_the_reason(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(JixiaoError, match=message.replace("(", r"\(").replace(")", r"\)")):
        from jixiao.sources import read_source

        read_source(path)


@pytest.mark.parametrize(("make", "message"), [b[1:] for b in BAD[:4]], ids=[b[0] for b in BAD[:4]])
def test_the_command_says_why_and_writes_nothing(tmp_path, make, message):
    path = make(tmp_path)
    out = tmp_path / "数据.yaml"
    result = run_cli("extract", path, "-o", out)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
    checked = run_cli("check", path)
    assert checked.returncode == 2 and message in checked.stdout + checked.stderr


def test_a_span_past_words_limit_is_bounded(tmp_path):
    """A cell claiming a billion columns is read as Word's widest (63), at once."""
    document = docx.Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "项目支出名称"
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    span = OxmlElement("w:gridSpan")
    span.set(qn("w:val"), str(10**9))
    cell._tc.get_or_add_tcPr().append(span)
    path = tmp_path / "wide.docx"
    document.save(path)
    grid = read_word(path)[0]
    assert grid.at(0, 0).cols == 63 and grid.n_cols == 63


def test_merges_covering_millions_of_cells_are_refused(tmp_path):
    import openpyxl

    from jixiao.sources import read_source

    book = openpyxl.Workbook()
    book.active["A1"] = "项目支出名称"
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    # each merge under the per-merge bound (99,000 cells), together far past any form
    merges = "".join(f'<mergeCell ref="A{2 + i * 1000}:CL{1 + (i + 1) * 1000}"/>' for i in range(40))
    path = tmp_path / "merged.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", f'</sheetData><mergeCells count="40">{merges}</mergeCells>'.encode())
            dst.writestr(item, data)
    with pytest.raises(JixiaoError, match="合并单元格过多"):
        read_source(path)
