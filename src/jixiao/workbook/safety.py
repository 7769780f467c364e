"""Refuse what must not be opened, with the reason, before any parser sees it.

A workbook from another office is untrusted input. Before parsing, this module checks that the
file exists, is not too large, is an OOXML zip (not an encrypted package, an old .xls, a
renamed text file or a corrupt archive) and does not inflate into something huge. The reader
then refuses any part that declares a DTD or entities before a parser sees it (and parses the
relationships with defusedxml); macros are never run.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import JixiaoError
from ..files import require_regular_file

try:  # ISA-L inflates about twice as fast as zlib; zlib where no isal wheel is built for the machine
    from isal import isal_zlib as _deflate
except ImportError:  # pragma: no cover
    _deflate = zlib
_INFLATE_ERRORS = (zlib.error, _deflate.error)

# What reading one workbook may cost is bounded by these: every member is inflated whole, so
# memory follows the largest member a file may hold, not what a file claims.
MAX_FILE_BYTES = 100 * 1024 * 1024  # a department's workbook is a few MB at most
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one part inflated (a 300-project sheet is under 1 MB)
MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # all parts inflated: zip bombs pass this
MAX_RATIO = 200  # and compress far better than any real sheet
SYMLINK = 0o120000  # a member's Unix mode (high 16 bits of external_attr) saying "symbolic link"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


# --- the one declaration guard, for every XML part read or passed on ----------------------------

PROLOG_LIMIT = 64 * 1024  # the root element of a part starts within this (a prolog is a line or two)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# Without a BOM, the first character "<" in the encodings XML allows (XML 1.0 appendix F)
_FIRST_BYTES = ((b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00", "utf-16-le"),
                (b"\x00<", "utf-16-be"))


def _prolog_text(data: bytes) -> str:
    """A part's beginning as text, in the encoding its BOM or first bytes announce."""
    head = bytes(data[:PROLOG_LIMIT])
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return head[len(bom):].decode(encoding, "replace")
    for first, encoding in _FIRST_BYTES:
        if head.startswith(first):
            return head.decode(encoding, "replace")
    return head.decode("utf-8", "replace")


def refuse_declarations(data: bytes, part: str) -> None:
    """A part that declares a DTD or entities is refused before any parser sees it. XML allows a
    DTD (where alone entities are declared) only in the prolog, before the root element: the
    prolog is walked token by token (the XML declaration, processing instructions, comments,
    white space), in whatever encoding the part is written, and anything else that opens with
    "<!" there is refused. ``data`` may be the part's beginning only (``read_member_head``)."""
    text, at = _prolog_text(data), 0
    while True:
        at = len(text) - len(text[at:].lstrip())  # white space
        if text.startswith("<?", at):
            close = "?>"
        elif text.startswith("<!--", at):
            close = "-->"
        elif text.startswith("<!", at):
            raise JixiaoError(f"工作簿部件 {part} 含有 DTD/实体声明，出于安全考虑拒绝读取")
        else:
            break
        stop = text.find(close, at + 2)
        if stop == -1:  # the prolog runs past what was looked at (or never ends)
            at = len(text)
            break
        at = stop + len(close)
    if at >= len(text) and len(data) >= PROLOG_LIMIT:
        raise JixiaoError(f"工作簿部件 {part} 的开头异常（{PROLOG_LIMIT // 1024} KB 内没有根元素），拒绝读取")


def is_xml_part(name: str) -> bool:
    return name.endswith((".xml", ".rels", ".vml")) or name == "[Content_Types].xml"


_DECLARED_ENCODING = re.compile(r'^(<\?xml[^<>]*?\sencoding\s*=\s*["\'])([^"\']+)(["\'])')


def xml_text(data: bytes, part: str) -> str:
    """A part's text, in the encoding its BOM or first bytes announce (UTF-8 or UTF-16, as XML
    allows), its declaration saying UTF-8 from then on (what jixiao writes back is UTF-8)."""
    encoding, skip = "utf-8", 0
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, skip = name, len(bom)
            break
    else:
        for first, name in _FIRST_BYTES:
            if data.startswith(first):
                encoding = name
                break
    try:
        text = bytes(data[skip:]).decode(encoding)
    except UnicodeDecodeError:
        raise JixiaoError(f"工作簿部件 {part} 的文字编码有误（不是有效的 {encoding.upper()}），无法读取") from None
    return _DECLARED_ENCODING.sub(r"\1UTF-8\3", text, count=1) if encoding != "utf-8" else text


@dataclass(frozen=True)
class PackageKind:
    """What an OOXML package must hold, and how a refusal names it."""

    main_part: str  # the part every package of this kind has
    noun: str  # "工作簿" / "Word 文档"
    what: str  # "Excel 工作簿（.xlsx/.xlsm）"
    old_format: str  # the message for the binary format of the same program
    encrypted: str  # how to remove the password, in that program
    other_hint: tuple[str, str]  # (the other kind's main part, "（这像是一个 Word 文档）")


WORKBOOK = PackageKind(
    "xl/workbook.xml", "工作簿", "Excel 工作簿（.xlsx/.xlsm）",
    "这是旧版 Excel 97-2003 格式（.xls），请在 Excel 中另存为 .xlsx 后再试",
    "工作簿设置了打开密码（已加密），无法读取。请在 Excel 中“文件 → 信息 → 保护工作簿 → 用密码进行加密”清除密码后再试",
    ("word/document.xml", "（这像是一个 Word 文档）"))
WORD_DOCUMENT = PackageKind(
    "word/document.xml", "Word 文档", "Word 文档（.docx）",
    "这是旧版 Word 97-2003 格式（.doc），请在 Word 中另存为 .docx 后再试",
    "Word 文档设置了打开密码（已加密），无法读取。请在 Word 中“文件 → 信息 → 保护文档 → 用密码进行加密”清除密码后再试",
    ("xl/workbook.xml", "（这像是一个 Excel 工作簿）"))


def xls_problem(path: str | Path) -> str:
    """Why an .xls that python-calamine refused cannot be read, from what its first bytes are."""
    with open(path, "rb") as fh:
        head = fh.read(len(OLE_MAGIC))
    if head.startswith(b"PK"):
        return "它其实是 .xlsx 格式的工作簿：请把扩展名改为 .xlsx 后再试"
    if head != OLE_MAGIC:
        return "它不是 Excel 工作簿（文件内容不像 .xls）"
    return "它可能已损坏或设置了打开密码：请在 Excel 中打开，另存为 .xlsx 后再试"


def open_workbook_zip(path: str | Path) -> zipfile.ZipFile:
    """The workbook's zip archive, or a JixiaoError that says plainly why it is refused."""
    return open_package(path, WORKBOOK)


def open_package(path: str | Path, kind: PackageKind) -> zipfile.ZipFile:
    """The package's zip archive (a workbook or a Word document), or a JixiaoError that says
    plainly why it is refused."""
    path = Path(path)
    require_regular_file(path)
    if not path.exists():
        raise JixiaoError(f"找不到文件：{path}")
    if path.is_dir():
        raise JixiaoError(f"这是一个文件夹，不是{kind.noun}：{path}")
    size = path.stat().st_size
    if size == 0:
        raise JixiaoError(f"文件是空的（0 字节）：{path}")
    if size > MAX_FILE_BYTES:
        raise JixiaoError(f"文件过大（{size / 1024 / 1024:.0f} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB），拒绝读取：{path}")
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head == OLE_MAGIC:
            body = fh.read(4 * 1024 * 1024)
            if ENCRYPTED_STREAM in body:
                raise JixiaoError(f"{kind.encrypted}：{path}")
            raise JixiaoError(f"{kind.old_format}：{path}")
    if head[:4] != ZIP_MAGIC:
        raise JixiaoError(f"不是 {kind.what}，可能是改了扩展名的其他文件：{path}")
    try:
        archive = WorkbookArchive(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        # zipfile's own words ("File is not a zip file") mean nothing to a 科员: say what happened
        raise JixiaoError(f"{kind.noun}已损坏，无法解压（文件不完整，可能下载或复制时中断，或被其他程序改写过）：{path}") from None
    names = {i.filename for i in infos}
    if kind.main_part not in names:
        archive.close()
        other, hint = kind.other_hint
        raise JixiaoError(f"不是 {kind.what.split('（')[0]}{hint if other in names else ''}：{path}")
    for info in infos:  # every member, whether or not this command reads it
        refusal = _member_refusal(info)
        if refusal:
            archive.close()
            raise JixiaoError(f"{kind.noun}部件 {info.filename} {refusal}，拒绝读取：{path}")
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > 50 * 1024 * 1024 and unpacked / packed > MAX_RATIO):
        archive.close()
        raise JixiaoError(f"{kind.noun}解压后过大（{unpacked / 1024 / 1024:.0f} MB），疑似压缩炸弹，拒绝读取：{path}")
    return archive


def _member_refusal(info: zipfile.ZipInfo) -> str | None:
    """Why a member is refused, or None."""
    if info.flag_bits & 0x1:
        return "已加密"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"使用了 Excel 不用的压缩方式（{info.compress_type}）"
    if (info.external_attr >> 16) & 0o170000 == SYMLINK:
        return "是一个符号链接"
    if info.file_size > MAX_MEMBER_BYTES:
        return f"解压后过大（{info.file_size / 1024 / 1024:.0f} MB，上限 {MAX_MEMBER_BYTES // 1024 // 1024} MB）"
    return None


class WorkbookArchive(zipfile.ZipFile):
    """A workbook's zip, held in memory (a few MB): a deflated member inflates in one call, not
    through zipfile's stream of small reads (which took about half as long again)."""

    def __init__(self, path: Path):
        with open(path, "rb") as fh:
            self._blob = memoryview(fh.read())
        super().__init__(io.BytesIO(self._blob))
        self.filename = str(path)

    def deflated(self, info: zipfile.ZipInfo) -> memoryview | None:
        """The compressed bytes of a deflated, unencrypted member; None for any other kind."""
        if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
            return None
        at = info.header_offset
        header = self._blob[at:at + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("bad local file header")
        name_length, extra_length = struct.unpack_from("<HH", header, 26)
        start = at + 30 + name_length + extra_length
        if start + info.compress_size > len(self._blob):
            raise zipfile.BadZipFile("truncated member")
        return self._blob[start:start + info.compress_size]


def _inflate(raw: memoryview, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, inflated no further than its stated size and checked against its CRC."""
    inflater = _deflate.decompressobj(-15)
    data = inflater.decompress(raw, info.file_size + 1)
    if len(data) != info.file_size or not inflater.eof:
        raise zipfile.BadZipFile("size differs from the one stated")
    if _deflate.crc32(data) != info.CRC:
        raise zipfile.BadZipFile("CRC check failed")
    return data


@contextmanager
def _member_errors(archive: zipfile.ZipFile, name: str):
    """A missing or damaged member, reported as an incomplete or damaged workbook."""
    try:
        yield
    except KeyError:
        raise JixiaoError(f"工作簿缺少部件 {name}，文件不完整：{archive.filename}") from None
    except (zipfile.BadZipFile, *_INFLATE_ERRORS, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        raise JixiaoError(f"工作簿已损坏：部件 {name} 无法解压（文件可能不完整，或在传输中损坏）：{archive.filename}") from None


def read_member_head(archive: zipfile.ZipFile, name: str, size: int) -> bytes:
    """The first ``size`` bytes of a member (all of it if shorter), inflating no more than that."""
    with _member_errors(archive, name):
        info = archive.getinfo(name)
        raw = archive.deflated(info) if isinstance(archive, WorkbookArchive) else None
        if raw is None:
            with archive.open(info) as member:
                return member.read(size)
        return _deflate.decompressobj(-15).decompress(raw, size)


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """One member's bytes; a damaged member is reported as a damaged workbook."""
    with _member_errors(archive, name):
        info = archive.getinfo(name)
        raw = archive.deflated(info) if isinstance(archive, WorkbookArchive) else None
        return archive.read(info) if raw is None else _inflate(raw, info)
