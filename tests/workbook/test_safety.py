"""Untrusted or broken workbooks are refused with the reason, before any parser runs on them."""

from __future__ import annotations

import io
import zipfile

import msoffcrypto.format.ooxml
import pytest

from jixiao.errors import JixiaoError
from jixiao.workbook import safety
from jixiao.workbook.extract import extract
from jixiao.workbook.extract import read_book
from jixiao.workbook.reader import Workbook


def encrypted_copy(src, dst):
    """A real password-protected workbook (Agile encryption, as Excel writes it)."""
    out = io.BytesIO()
    with open(src, "rb") as fh:
        msoffcrypto.format.ooxml.OOXMLFile(fh).encrypt("密码123", out)
    dst.write_bytes(out.getvalue())
    return dst


def bad_files(tmp_path, good):
    text = tmp_path / "notes.xlsx"
    text.write_text("这不是工作簿", encoding="utf-8")
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    docx = tmp_path / "report.xlsx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    xls = tmp_path / "old.xlsx"
    xls.write_bytes(safety.OLE_MAGIC + b"\0" * 1024)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    return {
        "text": (text, "不是 Excel 工作簿"),
        "corrupt": (corrupt, "已损坏"),
        "docx": (docx, "Word 文档"),
        "xls": (xls, "旧版 Excel 97-2003"),
        "empty": (empty, "空的"),
        "encrypted": (encrypted_copy(good, tmp_path / "locked.xlsx"), "设置了打开密码"),
        "missing": (tmp_path / "nope.xlsx", "找不到文件"),
        "folder": (tmp_path, "文件夹"),
    }


@pytest.mark.parametrize("case", ["text", "corrupt", "docx", "xls", "empty", "encrypted", "missing", "folder"])
def test_bad_workbooks_are_refused_with_the_reason(tmp_path, example_book, case):
    path, reason = bad_files(tmp_path, example_book)[case]
    with pytest.raises(JixiaoError) as err:
        extract(path)
    assert reason in str(err.value)


def test_huge_inflation_is_refused(tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (8 * 1024 * 1024))
    monkeypatch.setattr(safety, "MAX_UNPACKED_BYTES", 4 * 1024 * 1024)
    with pytest.raises(JixiaoError, match="压缩炸弹"):
        Workbook(bomb)


def test_oversized_file_is_refused(tmp_path, example_book, monkeypatch):
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 1024)
    with pytest.raises(JixiaoError, match="文件过大"):
        Workbook(example_book)


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
                                  "xl/styles.xml", "xl/worksheets/sheet2.xml"])
def test_xml_entities_are_refused_before_any_parser(tmp_path, example_book, part):
    """A billion-laughs DTD in any part a reader parses (ours or python-calamine) is refused with
    the reason, not expanded."""
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(example_book) as src, zipfile.ZipFile(evil, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == part:
                dtd = ('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                       '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
                data = data.replace(b"?>", b"?>" + dtd.encode(), 1).replace(b'name="', b'name="&c;', 1)
            dst.writestr(item, data)
    with pytest.raises(JixiaoError, match="DTD/实体声明"):
        read_book(evil)


def test_openpyxl_uses_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def _patch_central_entry(path, member: str, offset: int, value: int) -> None:
    """Overwrite a 4-byte field of ``member``'s central directory entry (24: its stated size,
    16: its CRC), as a damaged or crafted file would have it."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + name_length] == member.encode():
            data[at + offset:at + offset + 4] = value.to_bytes(4, "little")
            path.write_bytes(bytes(data))
            return
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(member)


def test_members_read_as_zipfile_reads_them(tmp_path, example_book):
    """Deflated members are inflated in one call, stored ones read by zipfile: either way the
    bytes are zipfile's."""
    mixed = tmp_path / "mixed.xlsx"
    with zipfile.ZipFile(example_book) as src, zipfile.ZipFile(mixed, "w") as dst:
        for k, item in enumerate(src.infolist()):
            dst.writestr(item.filename, src.read(item),
                         compress_type=zipfile.ZIP_STORED if k % 3 == 0 else zipfile.ZIP_DEFLATED)
    archive = safety.open_workbook_zip(mixed)
    with zipfile.ZipFile(mixed) as plain:
        kinds = {i.compress_type for i in plain.infolist()}
        assert kinds == {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
        for info in plain.infolist():
            assert safety.read_member(archive, info.filename) == plain.read(info), info.filename
    archive.close()


@pytest.mark.parametrize("field, value", [(16, 0x12345678), (24, 100)], ids=["crc", "stated size"])
def test_a_member_that_does_not_match_its_directory_entry_is_refused(tmp_path, example_book, field, value):
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(example_book.read_bytes())
    _patch_central_entry(damaged, "xl/worksheets/sheet2.xml", field, value)
    with pytest.raises(JixiaoError, match="已损坏：部件 xl/worksheets/sheet2.xml 无法解压"):
        read_book(damaged)


def test_a_member_inflating_past_its_stated_size_stops_there(tmp_path):
    """A crafted entry that states 1 KB but holds 8 MB is refused (inflating stops at 1 KB + 1)."""
    crafted = tmp_path / "crafted.xlsx"
    with zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (8 * 1024 * 1024))
    _patch_central_entry(crafted, "xl/worksheets/sheet1.xml", 24, 1024)
    archive = safety.open_workbook_zip(crafted)
    with pytest.raises(JixiaoError, match="已损坏"):
        safety.read_member(archive, "xl/worksheets/sheet1.xml")
    archive.close()


def test_a_part_whose_root_element_does_not_start_near_its_beginning_is_refused(tmp_path, example_book):
    """Only a part's prolog is looked at for a DTD (large parts are not inflated whole for it): a
    prolog longer than any real one is refused rather than passed unlooked at."""
    odd = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(example_book) as src, zipfile.ZipFile(odd, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/sharedStrings.xml":
                data = data.replace(b"?>", b"?><!--" + b" " * (70 * 1024) + b"-->", 1)
            dst.writestr(item, data)
    with pytest.raises(JixiaoError, match="sharedStrings.xml 的开头异常"):
        read_book(odd)


def test_a_member_whose_compressed_bytes_are_damaged_is_refused(tmp_path, example_book):
    """Garbage in a deflate stream is reported as a damaged workbook, whichever inflater reads it."""
    damaged = tmp_path / "damaged.xlsx"
    data = bytearray(example_book.read_bytes())
    with zipfile.ZipFile(example_book) as z:
        info = z.getinfo("xl/worksheets/sheet2.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start:start + 64] = bytes(range(7, 71))  # not a valid deflate block
    damaged.write_bytes(bytes(data))
    with pytest.raises(JixiaoError, match="已损坏：部件 xl/worksheets/sheet2.xml 无法解压"):
        read_book(damaged)
