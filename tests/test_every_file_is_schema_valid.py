"""Every part of every file jixiao writes validates against the ECMA-376 transitional schemas.

Excel is stricter than LibreOffice and openpyxl (child order in a worksheet, for one); the schemas
encode what it expects. See tests/schemas.py for how a part is validated.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from .conftest import EXAMPLE, ROOT, run_cli
from .schemas import invalid_parts, validate_xml


def _fill_xlsm(tmp: Path, example_book: Path) -> Path:
    assert run_cli("fill", EXAMPLE, "--xlsm", "-o", tmp / "b.xlsm").returncode == 0
    return tmp / "b.xlsm"


def _addin_config(tmp: Path, example_book: Path) -> Path:
    """The workbook's own settings written and its VBA brought up to date."""
    book = _fill_xlsm(tmp, example_book)
    assert run_cli("addin-config", book).returncode == 0
    assert run_cli("addin-config", book, "--update-vba").returncode == 0
    return book


def _new(tmp: Path, example_book: Path) -> Path:
    assert run_cli("new", "--year", "2025", "--projects", "2", "-o", tmp / "n.xlsx").returncode == 0
    return tmp / "n.xlsx"


def _annotate(tmp: Path, example_book: Path) -> Path:
    run_cli("check", example_book, "--annotate", tmp / "a.xlsx")
    return tmp / "a.xlsx"


def _marked(tmp: Path, example_book: Path) -> Path:
    """A results sheet, a 签批 sheet and the forced mark on every page (the sign-off's first step)."""
    from jixiao.checking import check_path
    from jixiao.report.annotate import mark
    from jixiao.workbook.patch import WorkbookPatch

    patch = WorkbookPatch(example_book)
    mark(patch, check_path(example_book).findings, protect=True)
    patch.add_sheet("签批", [["签批", ""], ["单位负责人签字", ""]], [18, 50], {}, protect=True)
    patch.mark_pages("含未通过校验项")
    return patch.save(tmp / "m.xlsx")


def _recompute(tmp: Path, example_book: Path) -> Path:
    assert run_cli("recompute", example_book, "-o", tmp / "r.xlsx").returncode == 0
    return tmp / "r.xlsx"


def _summary(tmp: Path, example_book: Path) -> Path:
    folder = tmp / "batch"
    folder.mkdir()
    shutil.copy(example_book, folder / "a.xlsx")
    shutil.copy(EXAMPLE, folder / "b.yaml")
    run_cli("check", folder, "--summary", tmp / "s.xlsx", "--jobs", "1")
    return tmp / "s.xlsx"


def _signoff(kind: str):
    def make(tmp: Path, example_book: Path) -> Path:
        from jixiao.signoff.package import signoff

        return signoff(example_book, tmp / "pkg", force=True).files[kind]
    return make


def _report(tmp: Path, example_book: Path) -> Path:
    assert run_cli("report", EXAMPLE, "-o", tmp / "r.docx").returncode == 0
    return tmp / "r.docx"


MAKERS = {
    "fill .xlsx": lambda tmp, book: book,
    "fill .xlsm": _fill_xlsm,
    "addin-config": _addin_config,
    "new": _new,
    "template hunan-2024": lambda tmp, book: ROOT / "workbook_templates" / "hunan-2024.xlsx",
    "template national-2020": lambda tmp, book: ROOT / "workbook_templates" / "national-2020.xlsx",
    "report template": lambda tmp, book: ROOT / "workbook_templates" / "自评报告模板.docx",
    "check --annotate": _annotate,
    "results, 签批 and the forced mark": _marked,
    "recompute": _recompute,
    "check --summary": _summary,
    "signoff values copy": _signoff("xlsx"),
    "signoff report": _signoff("docx"),
    "report": _report,
}


@pytest.mark.parametrize("kind", MAKERS)
def test_every_part_validates(kind, tmp_path, example_book):
    path = MAKERS[kind](tmp_path, example_book)
    with zipfile.ZipFile(path) as z:
        assert sum(n.endswith((".xml", ".rels")) for n in z.namelist()) >= 6
    assert invalid_parts(path) == {}


def test_the_validator_rejects_a_sheet_with_two_children_swapped(example_book):
    with zipfile.ZipFile(example_book) as z:
        sheet = etree.fromstring(z.read("xl/worksheets/sheet2.xml"))
    assert validate_xml(etree.tostring(sheet)) is None
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    margins, setup = sheet.find(f"{main}pageMargins"), sheet.find(f"{main}pageSetup")
    setup.addnext(margins)  # pageSetup before pageMargins: the order Excel refuses
    assert "pageMargins" in (validate_xml(etree.tostring(sheet)) or "")
