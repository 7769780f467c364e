"""LibreOffice, an independent engine, recalculates our formulas and renders the forms."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.errors import JixiaoError
from jixiao.workbook.libreoffice import convert

from .helpers import field_cells, formula_cells

pytestmark = pytest.mark.libreoffice


def _same(a, b) -> bool:
    """Equal text, or numbers equal to 1e-9 (LibreOffice computes in binary floating point)."""
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return abs(a - b) <= Decimal("1e-9")
    return a == b


def test_libreoffice_recalculation_agrees_with_every_cached_value(example_book, recalculated_book):
    ours = formula_cells(example_book)
    theirs = formula_cells(recalculated_book)
    assert set(ours) <= set(theirs), "LibreOffice lost formulas"
    mismatches = [(key, value, theirs[key]) for key, value in ours.items() if not _same(value, theirs[key])]
    assert not mismatches, mismatches[:10]
    # It really recalculated: the sheet shows numbers the model computed, not a copy of ours.
    assert any(isinstance(v, Decimal) and v == Decimal("0.9375") for v in theirs.values())


def test_recalculation_catches_a_wrong_cache(tmp_path, example_book):
    """The agreement test can fail: corrupt one cached value and LibreOffice puts it right."""
    import re
    import zipfile

    from jixiao.workbook.reader import Workbook

    sheet = "行政运行（其他）经费"
    with Workbook(example_book) as book:
        part = next(e.part for e in book.sheets if e.name == sheet)
        r, c = book.local_ranges(sheet)["jx_funds_total_full_year"][:2]
    ref = field_cells(example_book, sheet)("funds.total.full_year")
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(example_book) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == part:  # the cached 418.85 of 年度资金总额 全年预算数 becomes 999
                data, n = re.subn(rf'(<c r="{ref}"[^>]*><f>[^<]*</f><v>)418.85(</v>)'.encode(), rb"\g<1>999\g<2>", data)
                assert n == 1
            dst.writestr(item, data)
    fixed = convert(bad, "xlsx", tmp_path / "out")
    ours, theirs = formula_cells(bad), formula_cells(fixed)
    changed = {k for k in ours if not _same(ours[k], theirs.get(k))}
    assert changed == {(sheet, r, c)}
    assert theirs[(sheet, r, c)] == Decimal("418.85")


def test_pdf_shows_the_forms_in_chinese(tmp_path, example_book, example_doc):
    src = tmp_path / "example.xlsx"
    shutil.copy(example_book, src)
    pdf = convert(src, "pdf", tmp_path / "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    compact = "".join(text.split())
    for expected in ("2024年度部门（单位）整体支出绩效评价基础数据表", "2024年度部门（单位）整体支出绩效自评表",
                     "2024年度项目支出绩效自评表", "财政供养人员情况（人）", "三公经费", "年度资金总额",
                     "偏差原因分析及改进措施", "株洲市工业和信息化局", "填表人：丁鑫禹", "93.75%", "2922.70", "95.2"):
        assert expected in compact, expected
    for project in example_doc.projects:
        assert "".join(project.name.split())[:12] in compact
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts or "WQY" in fonts.upper(), fonts  # CJK glyphs came from a real CJK font


# --- a LibreOffice that does not end: a stand-in that forks, as soffice starts soffice.bin ------------


def _stand_in(tmp_path: Path, monkeypatch, then: str) -> Path:
    """A fake ``soffice`` first on PATH: it starts a child that would run for five minutes (its
    PID written down), then ``then`` (sleep on, or exit at once)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pid_file = tmp_path / "child.pid"
    script = bin_dir / "soffice"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pid_file}\n{then}\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return pid_file


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended: only its parent has not reaped it yet


@pytest.mark.parametrize("then, message", [("sleep 300", "超时"), ("exit 0", "转换失败")])
def test_no_process_outlives_a_conversion(tmp_path, monkeypatch, then, message):
    pid_file = _stand_in(tmp_path, monkeypatch, then)
    book = tmp_path / "b.xlsx"
    book.write_bytes(b"PK")
    t0 = time.monotonic()
    with pytest.raises(JixiaoError, match=message):
        convert(book, "pdf", tmp_path / "out", timeout=2)
    assert time.monotonic() - t0 < 10
    child = int(pid_file.read_text())
    for _ in range(50):
        if not _alive(child):
            break
        time.sleep(0.1)
    assert not _alive(child), "the stand-in's child survived"
