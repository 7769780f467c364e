"""The VBA project held to MS-OVBA and to projects Excel wrote.

Oracles: the worked examples of MS-OVBA 3.2 (compression) and 2.4.3 (encryption); two
decompressors written by others (oletools, ms-ovba-compression) and one decryptor
(ms-ovba-crypto); the Excel-authored projects in tests/data/excel-vba (see SOURCE.md there) and
the Excel-authored quickstart workbook inside the installed xlwings.
"""

from __future__ import annotations

import copy
import re
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
import xlwings
from ms_ovba_compression.ms_ovba import MsOvba
from ms_ovba_crypto import MsOvbaCrypto
from oletools.olevba import decompress_stream

from jixiao.workbook.fill import fill
from jixiao.workbook.macros import xlwings_sources
from jixiao.workbook.vbaproject import CHUNK, PROJECT_ID, compress, encrypt, from_export

EXCEL_VBA = Path(__file__).parents[1] / "data" / "excel-vba"
EXCEL_PROJECTS = sorted(EXCEL_VBA.glob("vbaProject*.bin"))
QUICKSTART = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"

# MS-OVBA 3.2.1, 3.2.2 and 3.2.3: (uncompressed, compressed as the specification prints it)
SPEC_EXAMPLES = [
    (b"abcdefghijklmnopqrstuv.",
     "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"),
    (b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
     "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20 6D 6E 6F "
     "70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C"),
    (b"a" * 73, "01 03 B0 02 61 45 00"),
]


# --- reading a project, independently of the writer -------------------------------------------


def chunks(container: bytes) -> list[tuple[bool, bytes]]:
    """(compressed?, chunk bytes with header) of a CompressedContainer, by its headers (2.4.1.3.5)."""
    assert container[0] == 1, "the signature byte"
    out, at = [], 1
    while at < len(container):
        header = struct.unpack_from("<H", container, at)[0]
        assert header >> 12 & 0b0111 == 0b011, "a chunk's signature bits"
        size = (header & 0x0FFF) + 3
        out.append((bool(header & 0x8000), container[at:at + size]))
        at += size
    return out


def by_ms_ovba(container: bytes) -> bytes:
    """ms-ovba-compression's decompressor, fed one chunk at a time: its container loop skips two
    bytes too many after each chunk (it fails on Excel's own multi-chunk streams), and it reads
    raw chunks as compressed ones. A raw chunk is its 4096 bytes as they are (2.4.1.3.3)."""
    return b"".join(MsOvba().decompress(b"\x01" + chunk) if compressed else chunk[2:]
                    for compressed, chunk in chunks(container))


def dir_records(data: bytes) -> list[tuple[int, bytes]]:
    records, at = [], 0
    while at < len(data):
        rid, size = struct.unpack_from("<HI", data, at)
        size = 6 if rid == 0x0009 else size  # PROJECTVERSION's size field is always 4 but 6 follow
        records.append((rid, data[at + 6:at + 6 + size]))
        at += 6 + size
    return records


def project_of(path: Path) -> olefile.OleFileIO:
    if path.suffix == ".bin":
        return olefile.OleFileIO(str(path))
    return olefile.OleFileIO(zipfile.ZipFile(path).read("xl/vbaProject.bin"))


def module_streams(ole: olefile.OleFileIO) -> dict[str, tuple[bytes, int]]:
    """Each module's stream bytes and source offset, from the dir stream."""
    records = dir_records(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    out, name = {}, None
    for rid, data in records:
        if rid == 0x001A:
            name = data.decode("cp1252")
        if rid == 0x0031:
            out[name] = (ole.openstream(f"VBA/{name}").read(), struct.unpack("<I", data)[0])
    return out


def project_text(ole: olefile.OleFileIO) -> str:
    return ole.openstream("PROJECT").read().decode("cp1252")


# --- compression --------------------------------------------------------------------------------


@pytest.mark.parametrize("plain, printed", SPEC_EXAMPLES, ids=["3.2.1 none", "3.2.2 normal", "3.2.3 maximum"])
def test_the_specification_examples_compress_byte_for_byte(plain, printed):
    assert compress(plain) == bytes.fromhex(printed)


@pytest.mark.parametrize("size", [0, 1, 8, 9, 4095, 4096, 4097, 8192, 20000])
@pytest.mark.parametrize("kind", ["text", "noise"])
def test_compression_round_trips_through_two_other_decompressors(size, kind):
    import random

    rng = random.Random(size)
    if kind == "text":
        words = [b"Dim ", b"As String", b"End Sub\r\n", b"  If x Then", b"' comment", b"RunPython "]
        data = b"".join(rng.choice(words) for _ in range(size))[:size]
    else:
        data = rng.randbytes(size)
    packed = compress(data)
    # A raw chunk always holds 4096 bytes (MS-OVBA 2.4.1.3.3): a short incompressible tail is
    # padded with zeros; text never takes that path.
    raw_tail = bool(data) and not chunks(packed)[-1][0]
    assert not (raw_tail and kind == "text")
    padded = data + bytes(-len(data) % CHUNK) if raw_tail else data
    assert decompress_stream(bytearray(packed)) == padded
    assert by_ms_ovba(packed) == padded


def test_every_chunk_but_the_last_holds_4096_bytes():
    data = (Path(xlwings.__file__).parent / "xlwings.bas").read_bytes()
    assert len(data) > 3 * CHUNK
    pieces = chunks(compress(data))
    sizes = [len(MsOvba().decompress(b"\x01" + chunk)) for _, chunk in pieces]
    assert sizes[:-1] == [CHUNK] * (len(sizes) - 1) and 0 < sizes[-1] <= CHUNK
    assert all(compressed for compressed, _ in pieces)  # source code compresses


def test_incompressible_data_is_stored_in_raw_chunks():
    import random

    noise = random.Random(1).randbytes(2 * CHUNK + 10)
    pieces = chunks(compress(noise))
    assert [compressed for compressed, _ in pieces][:2] == [False, False]
    assert all(len(chunk) == 2 + CHUNK for compressed, chunk in pieces if not compressed)


def test_source_code_compresses_about_as_well_as_excel_does():
    """Excel stores xlwings.bas in the quickstart workbook; ours must not be much bigger."""
    excel = module_streams(project_of(QUICKSTART))
    source, _ = excel["xlwings"]
    ours = compress(decompress_stream(bytearray(source[excel["xlwings"][1]:])))
    assert len(ours) <= 1.1 * (len(source) - excel["xlwings"][1])


# --- the PROJECT stream's protection fields (2.3.1.15–17, 2.4.3) -------------------------------


def test_excel_projects_are_there():
    assert len(EXCEL_PROJECTS) == 5


@pytest.mark.parametrize("path", EXCEL_PROJECTS, ids=lambda p: p.name)
def test_encryption_reproduces_what_excel_wrote(path):
    """With Excel's seed and ignored bytes (recovered by decrypting), the same hex comes out."""
    text = project_text(project_of(path))
    project_id = re.search(r'^ID="(\{[0-9A-F-]+\})"', text, re.M).group(1)
    for key in ("CMG", "DPB", "GC"):
        excel = re.search(rf'^{key}="([0-9A-F]+)"', text, re.M).group(1)
        raw = bytes.fromhex(excel)
        seed, count = raw[0], (raw[0] & 6) // 2
        plain_last, enc_before, ignored = sum(project_id.encode()) & 0xFF, raw[1], bytearray()
        enc_last = raw[2]
        for byte_enc in raw[3:3 + count]:
            byte = byte_enc ^ ((enc_before + plain_last) & 0xFF)
            ignored.append(byte)
            enc_before, enc_last, plain_last = enc_last, byte_enc, byte
        data = MsOvbaCrypto.decrypt(raw)
        assert encrypt(project_id, data, seed, bytes(ignored)) == excel, key


def test_our_protection_fields_decrypt_to_an_unprotected_visible_project(tmp_path, example_doc):
    book = fill(example_doc, tmp_path / "b.xlsm")
    text = project_text(project_of(book))
    assert f'ID="{PROJECT_ID}"' in text
    fields = {key: MsOvbaCrypto.decrypt(bytes.fromhex(re.search(rf'^{key}="([0-9A-F]+)"', text, re.M).group(1)))
              for key in ("CMG", "DPB", "GC")}
    assert fields == {"CMG": bytes(4), "DPB": b"\x00", "GC": b"\xff"}
    # and so do Excel's own
    for path in EXCEL_PROJECTS:
        excel = project_text(project_of(path))
        assert MsOvbaCrypto.decrypt(bytes.fromhex(re.search(r'^GC="([0-9A-F]+)"', excel, re.M).group(1))) == b"\xff"


def test_the_fields_fit_the_abnf_of_the_project_stream():
    for seed in range(256):  # GC = 16*22HEXDIG, DPB = 16*HEXDIG, CMG = 22*28HEXDIG
        assert 16 <= len(encrypt(PROJECT_ID, b"\xff", seed)) <= 22
        assert 16 <= len(encrypt(PROJECT_ID, b"\x00", seed))
        assert 22 <= len(encrypt(PROJECT_ID, bytes(4), seed)) <= 28


# --- module attributes as Excel stores them -----------------------------------------------------


def attribute_block(source: str) -> list[str]:
    lines = source.replace("\r\n", "\n").split("\n")
    return [line for line in lines[:20] if line.startswith("Attribute ")]


def test_a_class_module_carries_the_attributes_excel_gives_it():
    ours = {name: from_export(name, text, kind) for name, text, kind in xlwings_sources()}
    excel_streams = module_streams(project_of(QUICKSTART))
    stream, offset = excel_streams["Dictionary"]
    excel = decompress_stream(bytearray(stream[offset:])).decode("cp1252")
    assert attribute_block(ours["Dictionary"].source) == attribute_block(excel)
    assert 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"' in ours["Dictionary"].source


def test_attributes_a_class_already_has_are_kept():
    text = 'VERSION 1.0 CLASS\nBEGIN\n  MultiUse = -1\nEND\nAttribute VB_Name = "C"\nAttribute VB_Exposed = True\n' \
           'Attribute VB_Description = "d"\nOption Explicit\n'
    block = attribute_block(from_export("C", text, "class").source)
    assert block[0] == 'Attribute VB_Name = "C"' and block[1].startswith("Attribute VB_Base")
    assert "Attribute VB_Exposed = True" in block and block[-1] == 'Attribute VB_Description = "d"'
    assert attribute_block(from_export("M", 'Attribute VB_Name = "M"\n', "standard").source) == ['Attribute VB_Name = "M"']


# --- a 40-project workbook, stream by stream ----------------------------------------------------


@pytest.fixture(scope="module")
def big_xlsm(tmp_path_factory, example_doc):
    doc = copy.deepcopy(example_doc)
    base = doc.projects
    doc.projects = []
    for i in range(40):
        p = copy.deepcopy(base[i % len(base)])
        p.id, p.name = f"p{i}", f"{p.name}（{i + 1}）"
        doc.projects.append(p)
    return fill(doc, tmp_path_factory.mktemp("vba") / "big.xlsm")


def test_every_stream_of_a_40_project_workbook_decompresses_to_its_source(big_xlsm):
    from jixiao.workbook.macros import macro_source

    ole = project_of(big_xlsm)
    expected = {name: from_export(name, text, kind).source for name, text, kind in xlwings_sources()}
    expected["JixiaoButtons"] = from_export("JixiaoButtons", macro_source(), "standard").source
    streams = module_streams(ole)
    assert len(streams) > 40 + 3
    for name, (stream, offset) in streams.items():
        assert offset == 0  # no performance cache: Excel compiles from source (2.3.4.3)
        by_oletools = decompress_stream(bytearray(stream))
        assert by_ms_ovba(stream) == by_oletools, name
        if name in expected:
            assert by_oletools.decode("cp1252") == expected[name], name
        else:
            assert by_oletools.startswith(f'Attribute VB_Name = "{name}"'.encode()), name
        for compressed, chunk in chunks(stream)[:-1]:
            assert len(MsOvba().decompress(b"\x01" + chunk)) == CHUNK, name
    dir_stream = ole.openstream("VBA/dir").read()
    assert len(chunks(dir_stream)) > 1  # the dir stream spans chunks at this size
    assert by_ms_ovba(dir_stream) == decompress_stream(bytearray(dir_stream))


def test_the_structure_matches_excels_stream_by_stream(big_xlsm):
    """The records Excel writes, in Excel's order; where ours differ the spec says why (see the
    comments in vbaproject.py): cookies 0xFFFF and no performance cache on write."""
    ours = dir_records(decompress_stream(bytearray(project_of(big_xlsm).openstream("VBA/dir").read())))
    for path in EXCEL_PROJECTS + [QUICKSTART]:
        excel = dir_records(decompress_stream(bytearray(project_of(path).openstream("VBA/dir").read())))
        head = [rid for rid, _ in excel[:excel.index(next(r for r in excel if r[0] == 0x0016))]]
        assert [rid for rid, _ in ours[:len(head)]] == head, path.name
        module = [rid for rid, _ in excel[excel.index(next(r for r in excel if r[0] == 0x0019)):]][:9]  # up to MODULECOOKIE; the type varies
        start = ours.index(next(r for r in ours if r[0] == 0x0019))
        assert [rid for rid, _ in ours[start:start + len(module)]] == module, path.name
    ole = project_of(big_xlsm)
    vba_project = ole.openstream("VBA/_VBA_PROJECT").read()
    assert vba_project == bytes.fromhex("CC61FFFF000100")  # MS-OVBA 3.1.1, byte for byte
    for path in EXCEL_PROJECTS:
        assert project_of(path).openstream("VBA/_VBA_PROJECT").read()[:2] == vba_project[:2]
