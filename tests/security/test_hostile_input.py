"""Hostile input never hangs, exhausts or crashes: each attack runs the real command in a
subprocess, bounded in time, and must end with its exit code and a Chinese sentence (never a
traceback, never 内部错误), within its time and peak memory, with its inputs untouched and no
partial output left beside the outputs.

Every attack is one row of ``ATTACKS``: how its input is built, the command, what it must say.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import yaml

from ..conftest import EXAMPLE

N = 100_000  # repetitions of an attack's worst shape
ADDRESS_SPACE = 6 * 1024 ** 3  # each command's hard limit (LibreOffice, for the PDF, reserves much)


# --- building hostile files ---------------------------------------------------------------------


def rezip(source: Path, target: Path, change: dict | None = None, add: dict | None = None,
          infos: dict | None = None) -> Path:
    """``source`` copied to ``target`` with members replaced (bytes, or a function of the old
    bytes), added, or written with other ZipInfo attributes."""
    change, add, infos = change or {}, add or {}, infos or {}
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename in change:
                new = change[item.filename]
                data = new(data) if callable(new) else new
            info = zipfile.ZipInfo(item.filename, date_time=item.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            for key, value in infos.get(item.filename, {}).items():
                setattr(info, key, value)
            dst.writestr(info, data)
        for name, data in add.items():
            dst.writestr(name, data)
    return target


def sheet_part(index: int = 2) -> str:
    """A form sheet's part (sheet 1 is 基本信息)."""
    return f"xl/worksheets/sheet{index}.xml"


def inside(tag: bytes, insert: bytes) -> Callable[[bytes], bytes]:
    """Put ``insert`` right after the first ``tag`` (as bytes)."""
    return lambda data: data.replace(tag, tag + insert, 1)


def at_end(tag: bytes, insert: bytes) -> Callable[[bytes], bytes]:
    """Put ``insert`` right before the last ``tag``: after every element it could close on."""
    return lambda data: (lambda at: data[:at] + insert + data[at:])(data.rindex(tag))


def before_root(insert: bytes) -> Callable[[bytes], bytes]:
    """Put ``insert`` between the XML declaration and the root element."""
    return lambda data: data.replace(b"?>", b"?>" + insert, 1)


def data_file(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def example_with(tmp: Path, name: str, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    return data_file(tmp, name, text.replace(old, new, 1))


def big_sheet(tmp: Path, book: Path, megabytes: int) -> Path:
    """A sheet that inflates to ``megabytes`` MB and compresses too poorly to be a bomb."""
    import random

    rng = random.Random(5)
    rows = []
    size, r = 0, 1
    while size < megabytes * 1024 * 1024:
        row = f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{rng.random():.15f}</v></c>' for c in "ABCDEFGH") + "</row>"
        rows.append(row)
        size += len(row)
        r += 1
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxml'
           'formats.org/spreadsheetml/2006/main"><sheetData>' + "".join(rows) + "</sheetData></worksheet>").encode()
    return rezip(book, tmp / "big.xlsx", {sheet_part(1): xml})


# A member's two headers in a zip: (signature, where its name starts, field offsets by name)
LOCAL = (b"PK\x03\x04", 30, {"flags": 6, "method": 8, "size": 22})
CENTRAL = (b"PK\x01\x02", 46, {"flags": 8, "method": 10, "size": 24})


def headers_of(blob: bytearray, member: str, kinds=(LOCAL, CENTRAL)):
    """(offset of the header, its field offsets) of each header naming ``member``."""
    name = member.encode()
    for signature, name_at, fields in kinds:
        at = blob.find(signature)
        while at != -1:
            if blob[at + name_at:at + name_at + len(name)] == name:
                yield at, fields
            at = blob.find(signature, at + 4)


def patched(path: Path, member: str, change: Callable[[bytearray, int, dict], None], kinds=(LOCAL, CENTRAL)) -> Path:
    """``path`` with ``change(blob, header offset, fields)`` made in each header of ``member``."""
    blob = bytearray(path.read_bytes())
    for at, fields in list(headers_of(blob, member, kinds)):
        change(blob, at, fields)
    path.write_bytes(bytes(blob))
    return path


def lying_size(tmp: Path, book: Path) -> Path:
    """A member whose stated size is far below what it inflates to."""
    path = rezip(book, tmp / "lying.xlsx", {"docProps/app.xml": b"<a>" + b"x" * (50 * 1024 * 1024) + b"</a>"})

    def state_1000(blob, at, fields):
        blob[at + fields["size"]:at + fields["size"] + 4] = (1000).to_bytes(4, "little")
    return patched(path, "docProps/app.xml", state_1000)


def symlinked(tmp: Path, book: Path) -> Path:
    path = rezip(book, tmp / "link.xlsx")
    with zipfile.ZipFile(path, "a") as z:
        info = zipfile.ZipInfo("xl/media/image1.png")
        info.external_attr = (0o120777 << 16)
        info.create_system = 3
        z.writestr(info, "/etc/passwd")
    return path


def bad_crc(tmp: Path, book: Path, member: str) -> Path:
    """``member`` stored (not deflated) with one byte changed after its CRC was taken."""
    path = rezip(book, tmp / "crc.xlsx", infos={member: {"compress_type": zipfile.ZIP_STORED}})

    def flip_a_byte(blob, at, fields):
        start = at + LOCAL[1] + len(member.encode()) + int.from_bytes(blob[at + 28:at + 30], "little")
        blob[start + 5] ^= 0x01
    return patched(path, member, flip_a_byte, kinds=(LOCAL,))


def with_method(tmp: Path, book: Path, member: str, method: int) -> Path:
    """``member`` marked with another compression method (its bytes left as they are)."""
    def mark(blob, at, fields):
        blob[at + fields["method"]:at + fields["method"] + 2] = method.to_bytes(2, "little")
    return patched(rezip(book, tmp / "method.xlsx"), member, mark)


def encrypted_flag(tmp: Path, book: Path, member: str) -> Path:
    def flag(blob, at, fields):
        blob[at + fields["flags"]] |= 0x01
    return patched(rezip(book, tmp / "flag.xlsx"), member, flag)


def utf16(data: bytes) -> bytes:
    return "\ufeff".encode("utf-16-le") + data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le")


DTD = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


# --- running a command as a person would, within bounds ----------------------------------------


@dataclass
class Run:
    code: int
    out: str
    seconds: float
    megabytes: float


def run_bounded(args: list, cwd: Path, timeout: float, file_limit: int | None = None) -> Run:
    """The CLI in a fresh process; killed after ``timeout`` s; its peak memory from wait4."""
    def limits():
        # A hard ceiling as well as the measured peak: a runaway allocation fails, not the machine
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
        if file_limit is not None:  # a full disk, as the process sees it
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    out_path = cwd / f".out-{time.monotonic_ns()}"
    with open(out_path, "w+b") as out:
        t0 = time.monotonic()
        process = subprocess.Popen([sys.executable, "-m", "jixiao", *map(str, args)], cwd=cwd, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=limits)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - t0
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    out_path.unlink()
    return Run(process.returncode, text, seconds, usage.ru_maxrss / 1024)


# --- the attacks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attack:
    id: str
    build: Callable  # (tmp, book) → the command's arguments (inputs built in tmp, outputs there too)
    says: str  # what the output must contain ("" if the command just succeeds)
    code: tuple = (2,)
    seconds: float = 15
    megabytes: float = 600
    file_limit: int | None = None
    outputs: tuple = ()  # names in tmp that must not exist afterwards (no partial output)


def _book_arg(make):
    return lambda tmp, book: ["check", make(tmp, book)]


def _annotate(make):
    return lambda tmp, book: ["check", make(tmp, book), "--annotate", tmp / "out.xlsx"]


def _signoff(make):
    return lambda tmp, book: ["signoff", make(tmp, book), "-o", tmp / "pkg", "--force"]


def _scan(name: str, part: str, where: Callable) -> Callable:
    return lambda tmp, book: rezip(book, tmp / f"{name}.xlsx", {part: where})


WRITERS = {  # every writing command, with its output in tmp
    "fill": lambda tmp, book: ["fill", EXAMPLE, "-o", tmp / "out.xlsx"],
    "fill --xlsm": lambda tmp, book: ["fill", EXAMPLE, "--xlsm", "-o", tmp / "out.xlsm"],
    "new": lambda tmp, book: ["new", "--year", "2024", "-o", tmp / "out.xlsx"],
    "extract": lambda tmp, book: ["extract", book, "-o", tmp / "out.yaml"],
    "check --annotate": lambda tmp, book: ["check", book, "--annotate", tmp / "out.xlsx"],
    "check --summary": lambda tmp, book: ["check", book, EXAMPLE, "--summary", tmp / "out.xlsx"],
    "recompute": lambda tmp, book: ["recompute", book, "-o", tmp / "out.xlsx"],
    "report": lambda tmp, book: ["report", EXAMPLE, "-o", tmp / "out.docx"],
    "signoff": lambda tmp, book: ["signoff", book, "-o", tmp / "pkg", "--force"],
}

ATTACKS = [
    # Time: shapes that made a scan grow with the square of the input
    Attack("general scan, unclosed <row>", _book_arg(_scan(
        "rows", sheet_part(), lambda d: before_root(b"<!-- c -->")(at_end(b"</sheetData>", b"<row>" * N)(d)))),
        "", code=(0, 1, 2)),
    Attack("general scan, unclosed <c> tags", _book_arg(_scan(
        "cells", sheet_part(), lambda d: before_root(b"<!-- c -->")(at_end(b"</sheetData>", b'<row><c r="A1">' + b'<c r="A1"' * N + b"</row>")(d)))),
        "", code=(0, 1, 2)),
    Attack("quick scan, <c r=…> without >", _book_arg(_scan(
        "quick", sheet_part(), at_end(b"</sheetData>", b'<c r="A1" t="s"' * N))), "", code=(0, 1, 2)),
    Attack("a long attribute name", _book_arg(_scan(
        "attr", sheet_part(), lambda d: before_root(b"<!-- c -->")(at_end(b"</sheetData>", b"<row " + b"a" * N + b"></row>")(d)))),
        "", code=(0, 1, 2)),
    Attack("unclosed comments", _book_arg(_scan(
        "comments", sheet_part(), at_end(b"</sheetData>", b"<!--" * N))), "", code=(0, 1, 2)),
    Attack("unclosed <si>", _book_arg(_scan(
        "si", "xl/sharedStrings.xml", at_end(b"</sst>", b"<si>" * N))),
        "", code=(0, 1, 2)),
    Attack("unclosed <t> in a string", _book_arg(_scan(
        "t", "xl/sharedStrings.xml", at_end(b"</sst>", b"<si><r>" + b"<t>" * N + b"</r></si>"))),
        "", code=(0, 1, 2)),
    Attack("error cells without their end", _book_arg(_scan(
        "errors", sheet_part(), at_end(b"</sheetData>", b'<c r="A1" t="e"' * N))), "", code=(0, 1, 2)),
    Attack("formulas without their end", _book_arg(_scan(
        "formulas", sheet_part(), at_end(b"</sheetData>", b"<f " * N))), "", code=(0, 1, 2)),
    Attack("merge cells without their end", _book_arg(_scan(
        "merges", sheet_part(), lambda d: d.replace(b"</sheetData>", b"</sheetData>" + b"<mergeCell " * N, 1))),
        "", code=(0, 1, 2)),
    Attack("defined names without their end", _book_arg(_scan(
        "names", "xl/workbook.xml", lambda d: d.replace(b"<definedNames>", b"<definedNames>" + b"<definedName " * N, 1))),
        "", code=(0, 1, 2)),
    Attack("styles with many <xf>", _annotate(_scan(
        "xf", "xl/styles.xml", lambda d: re.sub(rb"(<cellXfs[^>]*>)", lambda m: m.group(1) + b"<xf/>" * N, d, count=1))),
        "", code=(0, 1, 2)),
    # Memory: bounded by the limits, not by the file's honesty
    Attack("a sheet that inflates to 80 MB", _book_arg(lambda tmp, book: big_sheet(tmp, book, 80)), "解压后过大",
           seconds=30),
    Attack("a sheet that inflates to 80 MB, annotated", _annotate(lambda tmp, book: big_sheet(tmp, book, 80)),
           "解压后过大", seconds=30, outputs=("out.xlsx",)),
    Attack("a member larger than it says", _annotate(lying_size), "工作簿已损坏", outputs=("out.xlsx",)),
    Attack("YAML aliases", lambda tmp, book: ["check", data_file(tmp, "aliases.yaml", "format: jixiao/1\na: &a [x, x, x]\n"
                                                                "b: &b [*a, *a, *a]\nc: [*b, *b, *b]\n")], "YAML 别名"),
    Attack("YAML aliases, filled", lambda tmp, book: ["fill", data_file(tmp, "aliases.yaml", "a: &a [1]\nb: *a\n"), "-o",
                                                      tmp / "out.xlsx"], "YAML 别名", outputs=("out.xlsx",)),
    Attack("JSON nested 100,000 deep", lambda tmp, book: ["check", data_file(tmp, "deep.json", "[" * N + "]" * N)], "嵌套"),
    Attack("YAML nested 100 deep", lambda tmp, book: ["check", data_file(tmp, "deep.yaml", "a: " + "[" * 100 + "]" * 100)],
           "嵌套"),
    Attack("YAML nested 5,000 deep", lambda tmp, book: ["check", data_file(tmp, "deeper.yaml", "a: " + "[" * 5000 + "]" * 5000)],
           "嵌套层数过多"),
    # Numbers an amount cannot be
    Attack("an amount of 1.0e+400", lambda tmp, book: ["fill", example_with(tmp, "e400.yaml", "full_year: 418.85",
                                                                           "full_year: 1.0e+400"), "-o", tmp / "out.xlsx"],
           "超出任何金额", outputs=("out.xlsx",)),
    Attack("a 5,000-digit integer", lambda tmp, book: ["check", example_with(tmp, "digits.yaml", "full_year: 418.85",
                                                                             "full_year: " + "9" * 5000)], "位数过多"),
    Attack("an amount of .nan", lambda tmp, book: ["check", example_with(tmp, "nan.yaml", "full_year: 418.85",
                                                                         "full_year: .nan")], "", code=(1,)),
    Attack("JSON amount 1e999", lambda tmp, book: ["fill", data_file(tmp, "big.json", (lambda d: d.replace(
        '"full_year": 418.85', '"full_year": 1e999', 1))(__import__("json").dumps(
            yaml.safe_load(EXAMPLE.read_text("utf-8")), ensure_ascii=False, default=str).replace(
            '"full_year": "418.85"', '"full_year": 418.85'))), "-o", tmp / "out.xlsx"], "", code=(0, 2)),
    # Names that cannot go into a file name or a mail header
    Attack("a department name with CR/LF and NUL", lambda tmp, book: ["signoff", filled(example_with(
        tmp, "crlf.yaml", "name: 株洲市工业和信息化局", 'name: "株洲市\\r\\n工业/和信息化局\\u0000"')), "-o", tmp / "pkg",
        "--force"], "注意：部门名称中含有不能用于文件名的字符", code=(0,), seconds=60),
    Attack("a department name of 300 characters", lambda tmp, book: ["signoff", filled(example_with(
        tmp, "long.yaml", "name: 株洲市工业和信息化局", "name: " + "很长的部门名称" * 43)), "-o", tmp / "pkg", "--force"],
        "文件名中只用了前 40 个字", code=(0,), seconds=60),
    # Parts in another encoding, members in another form
    Attack("UTF-16 styles, annotated", _annotate(_scan("utf16s", "xl/styles.xml", utf16)), "", code=(0, 1)),
    Attack("UTF-16 relationships, annotated", _annotate(_scan("utf16r", "xl/_rels/workbook.xml.rels", utf16)), "",
           code=(0, 1)),
    Attack("UTF-16 sheet, checked", _book_arg(_scan("utf16sh", sheet_part(), utf16)), "", code=(0, 1)),
    Attack("UTF-16 styles, signed off", _signoff(_scan("utf16so", "xl/styles.xml", utf16)), "", code=(0,), seconds=60),
    Attack("a member compressed with bzip2", _annotate(lambda tmp, book: with_method(tmp, book, "docProps/app.xml", 12)),
           "压缩方式", outputs=("out.xlsx",)),
    Attack("a member flagged encrypted", _annotate(lambda tmp, book: encrypted_flag(tmp, book, "docProps/app.xml")),
           "已加密", outputs=("out.xlsx",)),
    # The declaration guard, whatever comes before the DOCTYPE and wherever the part is
    Attack("DTD after a comment holding <, sheet", _book_arg(_scan(
        "dtd1", sheet_part(), before_root(b"<!-- a < b -->" + DTD))), "DTD"),
    Attack("DTD after a comment holding <, shared strings", _book_arg(_scan(
        "dtd2", "xl/sharedStrings.xml", before_root(b"<!-- <x> -->" + DTD))), "DTD"),
    Attack("DTD after a comment holding <, styles", _book_arg(_scan(
        "dtd3", "xl/styles.xml", before_root(b"<!--<-->" + DTD))), "DTD"),
    Attack("DTD after a processing instruction, workbook", _book_arg(_scan(
        "dtd4", "xl/workbook.xml", before_root(b"<?pi x?>" + DTD))), "DTD"),
    Attack("DTD in docProps/core.xml, signed off", _signoff(_scan("dtd5", "docProps/core.xml", before_root(DTD))),
           "DTD", outputs=("pkg",)),
    Attack("DTD in the theme, annotated", _annotate(_scan("dtd6", "xl/theme/theme1.xml", before_root(DTD))), "DTD",
           outputs=("out.xlsx",)),
    Attack("DTD in [Content_Types].xml", _book_arg(_scan("dtd7", "[Content_Types].xml", before_root(DTD))), "DTD"),
    Attack("DTD in _rels/.rels, annotated", _annotate(_scan("dtd8", "_rels/.rels", before_root(DTD))), "DTD",
           outputs=("out.xlsx",)),
    Attack("DTD in UTF-16, sheet", _book_arg(_scan("dtd9", sheet_part(), lambda d: utf16(before_root(DTD)(d)))),
           "DTD"),
    Attack("a symlink member", _book_arg(symlinked), "符号链接"),
    Attack("a sheet part that is not XML", _book_arg(_scan("text", sheet_part(), b"just some text, no XML")),
           "工作簿已损坏"),
    Attack("a CRC mismatch in a part check does not read, checked",
           _book_arg(lambda tmp, book: bad_crc(tmp, book, "docProps/app.xml")), "已损坏"),
    Attack("a CRC mismatch in a part check does not read, annotated",
           _annotate(lambda tmp, book: bad_crc(tmp, book, "docProps/app.xml")), "已损坏", outputs=("out.xlsx",)),
    # Special files
    Attack("a FIFO named .xlsx", lambda tmp, book: ["check", fifo(tmp / "pipe.xlsx")], "不是普通文件", seconds=10),
    Attack("a FIFO named .yaml, filled", lambda tmp, book: ["fill", fifo(tmp / "pipe.yaml"), "-o", tmp / "out.xlsx"],
           "不是普通文件", seconds=10, outputs=("out.xlsx",)),
    Attack("a FIFO as a budget export", lambda tmp, book: ["import-budget", fifo(tmp / "pipe.csv"), "-o", tmp / "d.yaml"],
           "不是普通文件", seconds=10, outputs=("d.yaml",)),
    Attack("a FIFO in a batch", lambda tmp, book: ["check", fifo(tmp / "p.xlsx"), book, "--summary", tmp / "s.xlsx"],
           "不是普通文件", code=(2,), seconds=20),
]

# Every writing command against an output it cannot write: under a file, read-only, too long a
# name, a full disk (the file-size limit: writes past it fail as on a full disk).
for command, make in WRITERS.items():
    ATTACKS.append(Attack(f"{command}: output under a file", lambda tmp, book, make=make: [
        str(a).replace(str(tmp / "out"), str(tmp / "afile" / "out")).replace(str(tmp / "pkg"), str(tmp / "afile" / "pkg"))
        for a in make(tmp, book)], "无法写入", seconds=60))
    ATTACKS.append(Attack(f"{command}: disk full", make, "无法写入", file_limit=12_000, seconds=60,
                          outputs=("out.xlsx", "out.xlsm", "out.yaml", "out.docx", "pkg")))
for command in ("fill", "extract", "check --annotate"):
    ATTACKS.append(Attack(f"{command}: read-only place", lambda tmp, book, make=WRITERS[command]: [
        str(a).replace(str(tmp), "/sys") if str(a).startswith(str(tmp / "out")) else a for a in make(tmp, book)],
        "无法写入"))
    ATTACKS.append(Attack(f"{command}: a name too long", lambda tmp, book, make=WRITERS[command]: [
        str(a).replace("out.", "长" * 100 + ".") for a in make(tmp, book)], "过长"))


def filled(data: Path) -> Path:
    """The workbook of a data file (made in-process: the attack is on the command after it)."""
    from jixiao.model.dataformat import load
    from jixiao.workbook.fill import fill

    return fill(load(data), data.with_suffix(".xlsx"))


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "-"


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.id for a in ATTACKS])
def test_hostile_input(attack, tmp_path, example_book):
    book = rezip(example_book, tmp_path / "book.xlsx")
    (tmp_path / "afile").write_text("not a folder")
    args = attack.build(tmp_path, book)
    inputs = {p: digest(p) for p in map(Path, map(str, args)) if len(p.name.encode()) < 200 and p.is_file() and p.parent == tmp_path}
    run = run_bounded(args, tmp_path, timeout=max(attack.seconds * 3, 30), file_limit=attack.file_limit)
    assert "Traceback" not in run.out and "内部错误" not in run.out, run.out[-2000:]
    assert run.code in attack.code, (run.code, run.out[-1500:])
    assert attack.says in run.out, run.out[-1500:]
    assert run.seconds < attack.seconds, f"{run.seconds:.1f} s"
    assert run.megabytes < attack.megabytes, f"{run.megabytes:.0f} MB"
    assert {p: digest(p) for p in inputs} == inputs  # inputs untouched
    if run.code == 2:
        for name in attack.outputs:
            assert not (tmp_path / name).exists(), name
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".signoff-")]
    # a name the system refused is not there either
    assert not any(len(p.name.encode()) > 255 for p in tmp_path.iterdir())
    assert leftovers == []
    print(f"{attack.id}: {run.seconds:.2f} s, {run.megabytes:.0f} MB")  # shown with -s
