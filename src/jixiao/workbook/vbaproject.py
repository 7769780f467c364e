"""Build a VBA project (``vbaProject.bin``) from .bas/.cls sources, on any OS.

A VBA project is a Compound File (MS-CFB) holding, per MS-OVBA:

    PROJECT          text: the project's modules and properties
    PROJECTwm        module names in MBCS and UTF-16
    VBA/_VBA_PROJECT version-independent header (no compiled code: Excel compiles on open)
    VBA/dir          compressed: project information, references, one record set per module
    VBA/<module>     compressed source of each module

Compression follows MS-OVBA 2.4.1 as Office writes it: 4096-byte chunks, copy tokens for repeats
(tests hold it to the worked examples of MS-OVBA 3.2 byte for byte). The compound file is written with 512-byte sectors; streams under 4096 bytes
live in the mini stream, as the format requires.
"""

from __future__ import annotations

import re
import struct
import uuid
from dataclasses import dataclass, field

# --- MS-OVBA compression (2.4.1) -------------------------------------------------------------

CHUNK = 4096  # every chunk but the last decompresses to exactly this many bytes (2.4.1.1.4)
RAW_CHUNK_HEADER = 0x3FFF  # CompressedChunkSize 4098, CompressedChunkFlag 0 (2.4.1.3.5)
MIN_MATCH = 3  # a CopyToken's shortest copy (2.4.1.3.19.3)


def _copy_token_bits(position: int) -> tuple[int, int]:
    """Bit count of a CopyToken's offset and the longest copy it allows at ``position`` bytes into
    the chunk (2.4.1.3.19.1: the offset field widens as the chunk's history grows)."""
    bits = max((position - 1).bit_length(), 4)
    return bits, (0xFFFF >> bits) + MIN_MATCH


def _compress_chunk(chunk: bytes) -> bytes:
    """One CompressedChunk (2.4.1.3.7): the longest match within the chunk, the nearest among
    equally long ones; a raw chunk where compression would not fit (2.4.1.3.10)."""
    body = bytearray()
    heads: dict[bytes, list[int]] = {}  # where each 3-byte run was seen, nearest last
    position, size = 0, len(chunk)
    while position < size:
        flag_at = len(body)
        body.append(0)
        for bit in range(8):
            if position >= size:
                break
            bits, longest = _copy_token_bits(position)
            best_length = best_offset = 0
            key = chunk[position:position + MIN_MATCH]
            if len(key) == MIN_MATCH:
                limit = min(longest, size - position)
                for start in reversed(heads.get(key, ())):
                    length = MIN_MATCH
                    while length < limit and chunk[start + length] == chunk[position + length]:
                        length += 1
                    if length > best_length:
                        best_length, best_offset = length, position - start
                        if length == limit:
                            break
            step = best_length if best_length >= MIN_MATCH else 1
            if step == 1:
                body.append(chunk[position])
            else:
                body += (((best_offset - 1) << (16 - bits)) | (best_length - MIN_MATCH)).to_bytes(2, "little")
                body[flag_at] |= 1 << bit
            for seen in range(position, position + step):
                if seen + MIN_MATCH <= size:
                    heads.setdefault(chunk[seen:seen + MIN_MATCH], []).append(seen)
            position += step
    if len(body) > CHUNK:
        # Incompressible: stored raw, always 4096 bytes (2.4.1.3.3), so a short last chunk is padded
        # with zeros as 2.4.1.3.10 does. Module sources and the dir stream always compress.
        return RAW_CHUNK_HEADER.to_bytes(2, "little") + chunk.ljust(CHUNK, b"\x00")
    return (0xB000 | (len(body) + 2 - 3)).to_bytes(2, "little") + bytes(body)


def compress(data: bytes) -> bytes:
    """A CompressedContainer (2.4.1.1.1): signature byte 1, then one chunk per 4096 bytes."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data[start:start + CHUNK])
    return bytes(out)


# --- MS-OVBA data encryption (2.4.3), for the PROJECT stream's CMG, DPB and GC -----------------

ENCRYPTION_VERSION = 2


def encrypt(project_id: str, data: bytes, seed: int, ignored: bytes | None = None) -> str:
    """``data`` obfuscated per 2.4.3.2, as the PROJECT stream writes it (upper-case hex).

    Office draws ``seed`` and the ``(seed & 6) / 2`` ignored bytes at random; any values are
    valid, and fixed ones (zeros unless given) keep the file the same for the same sources."""
    project_key = sum(project_id.encode("cp1252")) & 0xFF
    version_enc = seed ^ ENCRYPTION_VERSION
    out = bytearray([seed, version_enc, seed ^ project_key])
    plain_last, enc_last, enc_before = project_key, seed ^ project_key, version_enc
    if ignored is None:
        ignored = bytes((seed & 6) // 2)
    if len(ignored) != (seed & 6) // 2:
        raise ValueError("the seed fixes how many ignored bytes there are")
    for byte in ignored + len(data).to_bytes(4, "little") + data:
        byte_enc = byte ^ ((enc_before + plain_last) & 0xFF)
        out.append(byte_enc)
        enc_before, enc_last, plain_last = enc_last, byte_enc, byte
    return out.hex().upper()


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
    """The records in the order Excel writes them. Where ours differ from Excel's projects, the
    spec says so: cookies are 0xFFFF on write (2.3.4.2.1.12, 2.3.4.2.3.2.8); MODULEOFFSET is 0
    because a module stream written by anyone but that Office build has no performance cache
    (2.3.4.3); the project version is ours to choose (2.3.4.2.1.11); the only reference is OLE
    Automation (Excel also lists the Office library, which no jixiao macro uses)."""
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


PROJECT_ID = "{" + str(uuid.UUID(int=0x4A58_0000_0000_0000_0000_0000_0000_0001)).upper() + "}"
# An unprotected, visible project without a password (2.3.1.15–17): protection state 0 as four
# bytes, a password of one 0x00 byte, visibility 0xFF. The seeds are fixed so builds repeat.
PROTECTION = {"CMG": (bytes(4), 0x1D), "DPB": (b"\x00", 0xB4), "GC": (b"\xFF", 0x8B)}


def _project_stream(modules: list[Module], project: str) -> bytes:
    lines = [f'ID="{PROJECT_ID}"']
    lines += [m.project_line for m in modules]
    lines += [f'Name="{project}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"']
    lines += [f'{key}="{encrypt(PROJECT_ID, data, seed)}"' for key, (data, seed) in PROTECTION.items()]
    lines += ["", "[Host Extender Info]",
              "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000", "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _projectwm_stream(modules: list[Module]) -> bytes:
    out = bytearray()
    for m in modules:
        out += m.name.encode("cp1252") + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


# --- sources ---------------------------------------------------------------------------------


CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"  # what Excel gives every imported class
# The attribute block of a class module as Excel stores it after an import; the export carries
# only some of these (no VB_Base), and Excel fills in the rest with these values.
CLASS_ATTRIBUTES = (("VB_Name", None), ("VB_Base", f'"{CLASS_BASE}"'), ("VB_GlobalNameSpace", "False"),
                    ("VB_Creatable", "False"), ("VB_PredeclaredId", "False"), ("VB_Exposed", "False"),
                    ("VB_TemplateDerived", "False"), ("VB_Customizable", "False"))
ATTRIBUTE = re.compile(r"Attribute (\w+) = (.*)")


def _class_attributes(lines: list[str]) -> list[str]:
    """The leading Attribute lines of a class in Excel's order, the missing ones added."""
    given: dict[str, str] = {}
    while lines and (m := ATTRIBUTE.fullmatch(lines[0])):
        given[m.group(1)] = m.group(2)
        lines = lines[1:]
    block = [f"Attribute {key} = {given.pop(key, default)}" for key, default in CLASS_ATTRIBUTES
             if key in given or default is not None]
    return block + [f"Attribute {key} = {value}" for key, value in given.items()] + lines


def from_export(name: str, text: str, kind: str) -> Module:
    """A module from an exported .bas/.cls file, stored as Excel stores it after an import: the
    VERSION/BEGIN…END header of a class export is not part of the source, a class gets the
    attributes Excel adds (VB_Base among them), line ends become CRLF."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION "):
        end = next(i for i, line in enumerate(lines) if line.strip() == "END")
        lines = lines[end + 1:]
    if kind == "class":
        lines = _class_attributes(lines)
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
        # Version 0xFFFF: Office ignores any cache and compiles the sources (2.3.4.1, example 3.1.1)
        Entry("_VBA_PROJECT", 2, struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 1)),
        Entry("dir", 2, compress(_dir_stream(modules, project))),
        *(Entry(m.name, 2, compress(m.source.encode("cp1252"))) for m in modules),
    ])
    return compound_file([
        Entry("PROJECT", 2, _project_stream(modules, project)),
        Entry("PROJECTwm", 2, _projectwm_stream(modules)),
        vba,
    ])


# --- reading a project back (which xlwings a workbook embeds; bringing it up to date) -------------


class ProjectError(ValueError):
    """A VBA project that cannot be read as MS-CFB + MS-OVBA describe it."""


def decompress(container: bytes, limit: int = 16 << 20) -> bytes:
    """The bytes of a CompressedContainer (2.4.1.3.1); refuses damage and output over ``limit``."""
    if not container or container[0] != 1:
        raise ProjectError("not a compressed container")
    out, at = bytearray(), 1
    while at < len(container):
        if at + 2 > len(container):
            raise ProjectError("a chunk header is cut off")
        header = int.from_bytes(container[at:at + 2], "little")
        if header >> 12 & 0b0111 != 0b011:
            raise ProjectError("a chunk's signature is wrong")
        body, at, start = container[at + 2:at + (header & 0x0FFF) + 3], at + (header & 0x0FFF) + 3, len(out)
        if not header & 0x8000:
            out += body[:CHUNK]
        i = 0
        while header & 0x8000 and i < len(body):
            flags, i = body[i], i + 1
            for bit in range(8):
                if i >= len(body):
                    break
                if not flags >> bit & 1:
                    out.append(body[i])
                    i += 1
                    continue
                if i + 2 > len(body):
                    raise ProjectError("a copy token is cut off")
                token, i = int.from_bytes(body[i:i + 2], "little"), i + 2
                bits, _ = _copy_token_bits(len(out) - start)
                offset, length = (token >> (16 - bits)) + 1, (token & (0xFFFF >> bits)) + MIN_MATCH
                if offset > len(out) - start:
                    raise ProjectError("a copy token points before its chunk")
                for _ in range(length):  # byte by byte: a copy may overlap what it writes
                    out.append(out[-offset])
        if len(out) > limit:
            raise ProjectError("the stream decompresses to too much")
    return bytes(out)


def read_streams(blob: bytes) -> dict[str, bytes]:
    """Every stream of a compound file (MS-CFB) by its path ("VBA/dir"), each chain bounded."""
    if blob[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or len(blob) < SECTOR:
        raise ProjectError("not a compound file")
    shift, mini_shift = struct.unpack_from("<HH", blob, 0x1E)
    if shift not in (9, 12) or mini_shift != 6:
        raise ProjectError("unusual sector sizes")
    size = 1 << shift
    fat_count, dir_start, _, cutoff, minifat_start, _, difat_start, difat_count = struct.unpack_from("<8I", blob, 0x2C)
    sectors = (len(blob) - 1) // size  # whole sectors after the header

    def sector(i: int) -> bytes:
        if not 0 <= i < sectors:
            raise ProjectError("a sector number points outside the file")
        return blob[(i + 1) * size:(i + 2) * size]

    difat = list(struct.unpack_from("<109I", blob, 0x4C))
    for _ in range(min(difat_count, sectors)):
        if difat_start >= sectors:
            break
        more = struct.unpack(f"<{size // 4}I", sector(difat_start))
        difat += more[:-1]
        difat_start = more[-1]
    if fat_count > sectors:
        raise ProjectError("more FAT sectors than the file holds")
    fat = [n for i in difat[:fat_count] for n in struct.unpack(f"<{size // 4}I", sector(i))]

    def chain(start: int, table: list[int], read) -> bytes:
        out, seen = bytearray(), set()
        while start not in (END, FREE):
            if start in seen or start >= len(table):
                raise ProjectError("a sector chain loops or breaks")
            seen.add(start)
            out += read(start)
            start = table[start]
        return bytes(out)

    directory = chain(dir_start, fat, sector)
    entries = [struct.unpack_from("<64sHBB3I16sI8s8sIII", directory, at) for at in range(0, len(directory) - 127, 128)]
    if not entries or entries[0][2] != 5:
        raise ProjectError("no root entry")
    mini = chain(entries[0][11], fat, sector)[:entries[0][12]]
    minifat_bytes = chain(minifat_start, fat, sector) if minifat_start not in (END, FREE) else b""
    minifat = list(struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes))
    streams: dict[str, bytes] = {}
    seen: set[int] = set()

    def walk(index: int, folder: str) -> None:
        if index == NOSTREAM:
            return
        if index in seen or index >= len(entries):
            raise ProjectError("the directory tree loops or breaks")
        seen.add(index)
        raw, length, kind, _, left, right, child, *_, start, stream_size, _ = entries[index]
        name = raw[:max(length - 2, 0)].decode("utf-16-le", "replace")
        walk(left, folder)
        walk(right, folder)
        path = f"{folder}{name}"
        if kind == 1:
            walk(child, path + "/")
        elif kind == 2:
            if stream_size < cutoff:
                data = chain(start, minifat, lambda i: mini[i * MINI_SECTOR:(i + 1) * MINI_SECTOR])
            else:
                data = chain(start, fat, sector)
            streams[path] = data[:stream_size]

    walk(entries[0][6], "")
    return streams


def read_project(blob: bytes) -> list[Module]:
    """The modules of a ``vbaProject.bin`` (name, source, kind), in the order of its dir stream."""
    streams = read_streams(blob)
    try:
        text = streams["PROJECT"].decode("cp1252")
        records = _dir_records(decompress(streams["VBA/dir"]))
    except KeyError as e:
        raise ProjectError(f"no {e.args[0]} stream") from None
    kinds = {}
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key in ("Module", "Class", "Document", "BaseClass"):
            kinds[value.split("/")[0]] = {"Module": "standard", "Class": "class"}.get(key, key.lower())
    modules, name, stream = [], None, None
    for rid, data in records:
        if rid == 0x0019:
            name = data.decode("cp1252")
        elif rid == 0x001A:
            stream = data.decode("cp1252")
        elif rid == 0x0031 and name is not None:
            offset = struct.unpack("<I", data)[0]
            source = decompress(streams.get(f"VBA/{stream}", b"")[offset:]).decode("cp1252")
            modules.append(Module(name, source, kinds.get(name, "standard")))
    return modules


def _dir_records(data: bytes) -> list[tuple[int, bytes]]:
    records, at = [], 0
    while at + 6 <= len(data):
        rid, size = struct.unpack_from("<HI", data, at)
        size = 6 if rid == 0x0009 else size  # PROJECTVERSION: its size field says 4, 6 bytes follow
        records.append((rid, data[at + 6:at + 6 + size]))
        at += 6 + size
    return records
