"""Build a VBA project (``vbaProject.bin``) from .bas/.cls sources, on any OS.

A VBA project is a Compound File (MS-CFB) holding, per MS-OVBA:

    PROJECT          text: the project's modules and properties
    PROJECTwm        module names in MBCS and UTF-16
    VBA/_VBA_PROJECT version-independent header (no compiled code: Excel compiles on open)
    VBA/dir          compressed: project information, references, one record set per module
    VBA/<module>     compressed source of each module

Compression uses chunks made only of literal tokens: every decompressor accepts them (a chunk
may decompress to fewer than 4096 bytes), and they avoid the copy-token encoding where other
writers go wrong. The compound file is written with 512-byte sectors; streams under 4096 bytes
live in the mini stream, as the format requires.
"""

from __future__ import annotations

import re
import struct
import uuid
from dataclasses import dataclass, field

# --- MS-OVBA compression (2.4.1) -------------------------------------------------------------

LITERAL_CHUNK = 3640  # n + ceil(n / 8) + 2 header bytes stays within a chunk's 4098 bytes


def compress(data: bytes) -> bytes:
    """A CompressedContainer of literal-only chunks."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), LITERAL_CHUNK):
        piece = data[start:start + LITERAL_CHUNK]
        body = bytearray()
        for i in range(0, len(piece), 8):
            body += b"\x00" + piece[i:i + 8]  # a flag byte of 0: the next 8 tokens are literals
        size = len(body) + 2
        out += struct.pack("<H", 0x8000 | 0x3000 | (size - 3)) + body
    return bytes(out)


# --- the dir stream (2.3.4.2) ----------------------------------------------------------------

CODEPAGE = 1252  # module sources are ASCII (captions in Chinese live in the workbook)


def _rec(record_id: int, data: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(data)) + data


def _text(record_id: int, text: str, unicode_id: int | None = None) -> bytes:
    out = _rec(record_id, text.encode("cp1252"))
    if unicode_id is not None:
        out += _rec(unicode_id, text.encode("utf-16-le"))
    return out


@dataclass
class Module:
    name: str
    source: str  # as VBA stores it: Attribute lines first, CRLF line ends
    kind: str  # "standard" | "class" | "document"

    @property
    def project_line(self) -> str:
        if self.kind == "standard":
            return f"Module={self.name}"
        if self.kind == "class":
            return f"Class={self.name}"
        return f"Document={self.name}/&H00000000"


STDOLE = "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation"
DOCUMENT_BASES = {"workbook": "0{00020819-0000-0000-C000-000000000046}", "sheet": "0{00020820-0000-0000-C000-000000000046}"}


def _dir_stream(modules: list[Module], project: str) -> bytes:
    out = bytearray()
    out += _rec(0x0001, struct.pack("<I", 1))  # PROJECTSYSKIND: Win32
    out += _rec(0x0002, struct.pack("<I", 0x409))  # PROJECTLCID
    out += _rec(0x0014, struct.pack("<I", 0x409))  # PROJECTLCIDINVOKE
    out += _rec(0x0003, struct.pack("<H", CODEPAGE))  # PROJECTCODEPAGE
    out += _text(0x0004, project)  # PROJECTNAME
    out += _text(0x0005, "", 0x0040)  # PROJECTDOCSTRING
    out += _text(0x0006, "", 0x003D)  # PROJECTHELPFILEPATH (two paths, both empty)
    out += _rec(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _rec(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION (its size field is always 4)
    out += _text(0x000C, "", 0x003C)  # PROJECTCONSTANTS
    # References: OLE Automation (stdole).
    out += _text(0x0016, "stdole", 0x003E)
    libid = STDOLE.encode("cp1252")
    out += _rec(0x000D, struct.pack("<I", len(libid)) + libid + struct.pack("<IH", 0, 0))
    out += _rec(0x000F, struct.pack("<H", len(modules)))  # PROJECTMODULES
    out += _rec(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for m in modules:
        out += _text(0x0019, m.name)  # MODULENAME
        out += _rec(0x0047, m.name.encode("utf-16-le"))  # MODULENAMEUNICODE
        out += _text(0x001A, m.name, 0x0032)  # MODULESTREAMNAME
        out += _text(0x001C, "", 0x0048)  # MODULEDOCSTRING
        out += _rec(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: the source starts the stream
        out += _rec(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _rec(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += _rec(0x0021 if m.kind == "standard" else 0x0022, b"")  # MODULETYPE
        out += _rec(0x002B, b"")  # terminator
    out += _rec(0x0010, b"")  # dir terminator
    return bytes(out)


def _project_stream(modules: list[Module], project: str) -> bytes:
    lines = [f'ID="{{{str(uuid.UUID(int=0x4A58_0000_0000_0000_0000_0000_0000_0001)).upper()}}}"']
    lines += [m.project_line for m in modules]
    lines += [f'Name="{project}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              'CMG="0000"', 'DPB="0000"', 'GC="0000"', "", "[Host Extender Info]",
              "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000", "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _projectwm_stream(modules: list[Module]) -> bytes:
    out = bytearray()
    for m in modules:
        out += m.name.encode("cp1252") + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


# --- sources ---------------------------------------------------------------------------------


def from_export(name: str, text: str, kind: str) -> Module:
    """A module from an exported .bas/.cls file: the VERSION/BEGIN…END header of a class export
    is not part of the stored source; line ends become CRLF."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION "):
        end = next(i for i, line in enumerate(lines) if line.strip() == "END")
        lines = lines[end + 1:]
    source = "\r\n".join(lines).rstrip("\r\n") + "\r\n"
    if not source.isascii():
        raise ValueError(f"VBA module {name} must be ASCII")
    return Module(name, source, kind)


def document_module(name: str, base: str) -> Module:
    """ThisWorkbook or a worksheet's code module (empty)."""
    attributes = [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{DOCUMENT_BASES[base]}"',
                  "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
                  "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
                  "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"]
    return Module(name, "\r\n".join(attributes) + "\r\n", "document")


def module_name(text: str) -> str:
    m = re.search(r'Attribute VB_Name = "([^"]+)"', text)
    if m is None:
        raise ValueError("a VBA module needs an Attribute VB_Name line")
    return m.group(1)


# --- the compound file (MS-CFB, version 3) ---------------------------------------------------

SECTOR, MINI_SECTOR, CUTOFF = 512, 64, 4096
FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF


@dataclass
class Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list["Entry"] = field(default_factory=list)
    index: int = 0
    start: int = END
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM


def _order_key(entry: Entry) -> tuple:
    return (len(entry.name), entry.name.upper())


def _tree(children: list[Entry]) -> int:
    """Link ``children`` as a balanced binary search tree (all black); returns the root's index."""
    if not children:
        return NOSTREAM
    children = sorted(children, key=_order_key)
    mid = len(children) // 2
    root = children[mid]
    root.left = _tree(children[:mid])
    root.right = _tree(children[mid + 1:])
    return root.index


def compound_file(root_children: list[Entry]) -> bytes:
    root = Entry("Root Entry", 5, children=root_children)
    entries: list[Entry] = []

    def number(e: Entry) -> None:
        e.index = len(entries)
        entries.append(e)
        for c in e.children:
            number(c)

    number(root)
    for e in entries:
        if e.kind in (1, 5):
            e.child = _tree(e.children)

    # Small streams go to the mini stream (64-byte mini sectors), the rest to regular sectors.
    mini = bytearray()
    minifat: list[int] = []
    for e in entries:
        if e.kind == 2 and 0 < len(e.data) < CUTOFF:
            e.start = len(mini) // MINI_SECTOR
            n = -(-len(e.data) // MINI_SECTOR)
            minifat += [e.start + i + 1 for i in range(n - 1)] + [END]
            mini += e.data + b"\x00" * (n * MINI_SECTOR - len(e.data))
        elif e.kind == 2 and not e.data:
            e.start = END
    big = [e for e in entries if e.kind == 2 and len(e.data) >= CUTOFF]

    def sectors(size: int) -> int:
        return -(-size // SECTOR)

    dir_sectors = sectors(len(entries) * 128)
    minifat_sectors = sectors(len(minifat) * 4)
    mini_sectors = sectors(len(mini))
    data_sectors = dir_sectors + minifat_sectors + mini_sectors + sum(sectors(len(e.data)) for e in big)
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < data_sectors + fat_sectors:
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("VBA project too large for a single-header compound file")

    fat: list[int] = [FATSECT] * fat_sectors
    body = bytearray()

    def place(data: bytes) -> int:
        start = len(fat)
        n = sectors(len(data))
        fat.extend([start + i + 1 for i in range(n - 1)] + [END])
        body.extend(data + b"\x00" * (n * SECTOR - len(data)))
        return start

    dir_start = len(fat)
    dir_bytes = bytearray(dir_sectors * SECTOR)
    fat.extend([dir_start + i + 1 for i in range(dir_sectors - 1)] + [END])
    body.extend(dir_bytes)
    minifat_start = place(struct.pack(f"<{len(minifat)}I", *minifat)) if minifat else END
    root.start = place(bytes(mini)) if mini else END
    root.data = bytes(mini)
    for e in big:
        e.start = place(e.data)

    # Directory entries, written into the space kept for them.
    out_dir = bytearray()
    for e in entries:
        name = e.name.encode("utf-16-le") + b"\x00\x00"
        size = len(e.data) if e.kind != 1 else 0
        start = e.start if e.kind != 1 else 0
        out_dir += struct.pack("<64sHBB3I16sI8s8sIII", name, len(name), e.kind, 1, e.left, e.right, e.child,
                               b"\x00" * 16, 0, b"\x00" * 8, b"\x00" * 8, start, size, 0)
    out_dir += b"".join(struct.pack("<64sHBB3I16sI8s8sIII", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                                    b"\x00" * 16, 0, b"\x00" * 8, b"\x00" * 8, 0, 0, 0)
                        for _ in range((dir_sectors * SECTOR - len(out_dir)) // 128))
    offset = (dir_start - fat_sectors) * SECTOR
    body[offset:offset + len(out_dir)] = out_dir

    fat += [FREE] * (fat_sectors * (SECTOR // 4) - len(fat))
    difat = list(range(fat_sectors)) + [FREE] * (109 - fat_sectors)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00" * 16, 0x3E, 3,
                         0xFFFE, 9, 6, b"\x00" * 6, 0, fat_sectors, dir_start, 0, CUTOFF, minifat_start,
                         minifat_sectors, END, 0) + struct.pack("<109I", *difat)
    return header + struct.pack(f"<{len(fat)}I", *fat) + bytes(body)


# --- the project ------------------------------------------------------------------------------


def vba_project(modules: list[Module], project: str = "VBAProject") -> bytes:
    """``vbaProject.bin`` holding ``modules`` (document modules included by the caller)."""
    vba = Entry("VBA", 1, children=[
        Entry("_VBA_PROJECT", 2, struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 0)[:7]),
        Entry("dir", 2, compress(_dir_stream(modules, project))),
        *(Entry(m.name, 2, compress(m.source.encode("cp1252"))) for m in modules),
    ])
    return compound_file([
        Entry("PROJECT", 2, _project_stream(modules, project)),
        Entry("PROJECTwm", 2, _projectwm_stream(modules)),
        vba,
    ])
