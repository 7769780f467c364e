"""recompute restores every derived cell's formula and value, and never touches an input cell."""

from __future__ import annotations

import re
import shutil
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from jixiao.checking import check_path
from jixiao.recompute import plan, recompute_file
from jixiao.workbook.extract import read_book
from jixiao.workbook.reader import Workbook, parse_ref

from ..conftest import SHEET, TYPED_PATHS, run_cli
from ..workbook.helpers import formula_cells

def cells_xml(path, sheet):
    """{ref: the cell's XML} of one sheet."""
    with Workbook(path) as book:
        part = next(s.part for s in book.sheets if s.name == sheet)
    with zipfile.ZipFile(path) as z:
        text = z.read(part).decode()
    return {m.group(1): m.group(0) for m in re.finditer(r'(?s)<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', text)}


def test_recompute_restores_exactly_the_three_typed_cells(tmp_path, tampered, clean_book, TYPED, refs, total_formula):
    out = tmp_path / "fixed.xlsx"
    changed = recompute_file(tampered, out)
    assert {(c.sheet, c.ref) for c in changed} == {(SHEET, ref) for ref in TYPED}
    by_path = {path: next(c for c in changed if c.ref == refs[path]) for path in TYPED_PATHS}
    assert by_path["funds.total.full_year"].old_value == 999
    assert by_path["funds.total.full_year"].value == Decimal("418.85")
    assert by_path["execution.score"].value == Decimal(10) and by_path["total_score"].value == Decimal(100)
    # The formulas are back, with their cached values.
    wb = openpyxl.load_workbook(out)
    assert wb[SHEET][refs["funds.total.full_year"]].value == total_formula
    with Workbook(out) as book:
        for ref in TYPED:
            cell = book.sheet(SHEET).cell(*parse_ref(ref))
            assert cell.formula and cell.value is not None
    # Every other cell of every sheet is byte-identical to the original.
    for sheet in ("附件1", "附件2", SHEET):
        before, after = cells_xml(tampered, sheet), cells_xml(out, sheet)
        differing = {ref for ref in before.keys() | after.keys() if before.get(ref) != after.get(ref)}
        assert differing == (set(TYPED) if sheet == SHEET else set()), (sheet, differing)
    assert cells_xml(out, SHEET) == {**cells_xml(clean_book, SHEET), **{r: cells_xml(out, SHEET)[r] for r in TYPED}}


def test_after_recompute_the_arithmetic_rules_are_silent(tmp_path, tampered):
    before = {f.rule for f in check_path(tampered).findings if f.form == SHEET}
    assert {"M01", "S04", "S05", "F06"} <= before
    out = tmp_path / "fixed.xlsx"
    recompute_file(tampered, out)
    after = {f.rule for f in check_path(out).findings if f.form == SHEET}
    assert not after & {"M01", "S04", "S05", "R05", "F06"}


def test_recompute_of_the_example_restores_the_filed_overrides(tmp_path, example_book):
    changed = recompute_file(example_book, tmp_path / "r.xlsx")
    # Two values typed as filed, and 项目支出 (B12), which adds up the 专项 total (B15). 附件2's
    # 总分 gets its formula back too, but it shows the same 95.2 (85.2 + the restored 10).
    assert {(c.sheet, c.ref) for c in changed} == {("附件1", "B15"), ("附件1", "B12"), ("附件2", "I5")}
    assert not read_book(tmp_path / "r.xlsx").formula_states


def test_recompute_plan_covers_every_derived_cell(example_book):
    cells = plan(read_book(example_book))
    per_sheet = {}
    for c in cells:
        per_sheet[c.sheet] = per_sheet.get(c.sheet, 0) + 1
    assert per_sheet[SHEET] == 3 + 2 + 2 + 2  # totals, rate + score, 调整额 + 调整率, 分值合计 + 总分
    assert per_sheet["附件1"] == 1 + 4 * 3 + 2  # 控制率, four sums × three columns, one building's two rates


def test_cli_recompute_in_place_keeps_a_backup(tmp_path, tampered, refs):
    book = tmp_path / "book.xlsx"
    shutil.copy(tampered, book)
    original = book.read_bytes()
    result = run_cli("recompute", book, "--in-place")
    assert result.returncode == 0, result.stderr
    total = refs["funds.total.full_year"]
    assert f"{SHEET}!{total}：999 → 418.85" in result.stdout and "显示值有变化的单元格 3 个" in result.stdout
    assert (tmp_path / "book.重算前.xlsx").read_bytes() == original
    assert book.read_bytes() != original
    once = book.read_bytes()
    again = run_cli("recompute", book, "--in-place")  # a second run must not overwrite the first backup
    assert again.returncode == 0 and "book.重算前(2).xlsx" in again.stdout
    assert (tmp_path / "book.重算前.xlsx").read_bytes() == original
    assert (tmp_path / "book.重算前(2).xlsx").read_bytes() == once


def test_cli_recompute_needs_an_output_or_in_place(tmp_path, tampered):
    result = run_cli("recompute", tampered)
    assert result.returncode == 2 and "二选一" in result.stderr
    before = tampered.read_bytes()
    result = run_cli("recompute", tampered, "-o", tmp_path / "o.xlsx")
    assert result.returncode == 0 and tampered.read_bytes() == before  # the input is untouched


@pytest.mark.libreoffice
def test_libreoffice_agrees_with_recomputed_values(tmp_path, tampered):
    from jixiao.workbook.libreoffice import convert

    out = recompute_file(tampered, tmp_path / "fixed.xlsx") and tmp_path / "fixed.xlsx"
    ours = formula_cells(out)
    theirs = formula_cells(convert(out, "xlsx", tmp_path / "lo"))
    bad = [(k, v, theirs.get(k)) for k, v in ours.items()
           if not (v == theirs.get(k) or (isinstance(v, Decimal) and abs(v - theirs[k]) < Decimal("1e-9")))]
    assert not bad, bad[:5]


# --- Excel's shared formulas ---------------------------------------------------------------------


def _shared_down(clean_book, tmp_path, at):
    """The corrected example as Excel might save it after a formula was filled right: the master
    of a shared formula on a derived cell (its formula off, so recompute rewrites it), the one
    follower on the input cell to its right (the score's weight beside the total executed)."""
    from jixiao.forms.sheet import a1

    master = at("funds.total.executed")
    row, col = parse_ref(master)
    follower = a1(row, col + 1)
    assert follower not in {c.ref for c in plan(read_book(clean_book)) if c.sheet == SHEET}  # an input cell
    with Workbook(clean_book) as book:
        part = next(s.part for s in book.sheets if s.name == SHEET)
    path = tmp_path / "shared.xlsx"
    with zipfile.ZipFile(clean_book) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == part:
                text = data.decode()
                text, n = re.subn(rf'(<c r="{master}"[^>]*>)<f>(.*?)</f>',
                                  rf'\1<f t="shared" ref="{master}:{follower}" si="0">\2+0</f>', text)
                assert n == 1
                text, n = re.subn(rf'(<c r="{follower}"[^>]*?)( t="\w+")?>(?:<f>.*?</f>)?<v>', r'\1><f t="shared" si="0"/><v>', text)
                assert n == 1
                data = text.encode()
            dst.writestr(item, data)
    return path, master, follower


def orphans(path, sheet) -> list[str]:
    cells = cells_xml(path, sheet)
    masters = {m for xml in cells.values() for m in re.findall(r'<f t="shared" ref="[^"]+" si="(\d+)"', xml)}
    return [ref for ref, xml in cells.items()
            if (m := re.search(r'<f t="shared" si="(\d+)"\s*/?>', xml)) and m.group(1) not in masters]


def test_a_shared_formula_whose_master_is_rewritten_leaves_no_orphan(tmp_path, clean_book, at):
    path, master, follower = _shared_down(clean_book, tmp_path, at)
    out = tmp_path / "fixed.xlsx"
    recompute_file(path, out)
    assert orphans(out, SHEET) == []
    written = cells_xml(out, SHEET)[follower]
    expected = openpyxl.formula.translate.Translator(
        "=" + re.search(r'si="0">(.*?)</f>', cells_xml(path, SHEET)[master]).group(1), origin=master
    ).translate_formula(follower)[1:]
    assert f"<f>{expected}</f>" in written  # the master's formula moved to the follower, as Excel reads it
    assert "<f>" in cells_xml(out, SHEET)[master] and "+0" not in cells_xml(out, SHEET)[master]


def test_without_the_fix_the_follower_would_be_orphaned(tmp_path, clean_book, at):
    """The scenario is real: replacing the master cell alone orphans the follower."""
    path, master, follower = _shared_down(clean_book, tmp_path, at)
    text = cells_xml(path, SHEET)
    assert orphans(path, SHEET) == []
    assert re.search(r'<f t="shared" si="0"\s*/>', text[follower])


@pytest.mark.libreoffice
def test_libreoffice_computes_the_follower_the_same_before_and_after(tmp_path, clean_book, at):
    from jixiao.workbook.libreoffice import convert

    path, master, follower = _shared_down(clean_book, tmp_path, at)
    out = tmp_path / "fixed.xlsx"
    recompute_file(path, out)
    before = openpyxl.load_workbook(convert(path, "xlsx", tmp_path / "lo1"), data_only=True)[SHEET][follower].value
    after = openpyxl.load_workbook(convert(out, "xlsx", tmp_path / "lo2"), data_only=True)[SHEET][follower].value
    assert before == after and before is not None
