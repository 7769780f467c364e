"""Shared fixtures: the bundled example, its filled workbook, and LibreOffice when present.

Tests marked ``libreoffice`` skip on a machine without it, but under CI (CI=true) a missing
LibreOffice is a failure: CI installs it and those tests must run there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

# xlwings' remote engine (xlwings PRO, for the buttons' tests) needs a licence key before xlwings is
# first imported. Its code is under the PolyForm Noncommercial licence, which permits use by
# government institutions; the noncommercial key enables it. Desktop RunPython is plain BSD xlwings.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "zhuzhou-gxj-2024.yaml"
SEED = ROOT.parent / "shared" / "seeds" / "004_8322ac4f40ca5a9f.txt"


def pytest_collection_modifyitems(config, items):
    if shutil.which("soffice"):
        return
    if os.environ.get("CI"):
        for item in items:
            if "libreoffice" in item.keywords:
                item.add_marker(pytest.mark.usefixtures("_libreoffice_required"))
        return
    skip = pytest.mark.skip(reason="LibreOffice (soffice) is not installed here; CI installs it and runs these")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def _libreoffice_required():
    pytest.fail("CI must run the LibreOffice tests, but soffice is not installed")


@pytest.fixture(scope="session")
def example_doc():
    from jixiao.model.dataformat import load

    return load(EXAMPLE)


@pytest.fixture(scope="session")
def example_book(tmp_path_factory, example_doc) -> Path:
    """The example filled once per session (tests copy it before editing)."""
    from jixiao.workbook.fill import fill

    return fill(example_doc, tmp_path_factory.mktemp("filled") / "example.xlsx")


@pytest.fixture(scope="session")
def recalculated_book(tmp_path_factory, example_book) -> Path:
    """The example workbook after LibreOffice recalculated every formula and saved it."""
    from jixiao.workbook.libreoffice import convert

    src = tmp_path_factory.mktemp("lo-in") / "example.xlsx"
    shutil.copy(example_book, src)
    return convert(src, "xlsx", tmp_path_factory.mktemp("lo-out"))


def without_names(book: Path, out: Path) -> Path:
    """A copy of ``book`` with every defined name deleted (as someone might, or another office's
    tool would leave it): what is left to read is the printed labels."""
    import zipfile

    import openpyxl

    wb = openpyxl.load_workbook(book)
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    for sheet in wb.worksheets:
        for name in list(sheet.defined_names):
            del sheet.defined_names[name]
    wb.save(out)
    with zipfile.ZipFile(out) as z:
        assert b'name="jx_' not in z.read("xl/workbook.xml")
    return out


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real `jixiao` command in a subprocess (as a user would)."""
    return subprocess.run([sys.executable, "-m", "jixiao", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=dict(os.environ, PYTHONIOENCODING="utf-8"))


# --- a workbook with three derived cells typed over (recompute and the 重算 button) ----------

SHEET = "行政运行（其他）经费"
TYPED_PATHS = {"funds.total.full_year": 999, "execution.score": 3, "total_score": 77}  # typed over


@pytest.fixture(scope="module")
def clean_book(tmp_path_factory, example_doc):
    """The corrected example: every derived cell holds its formula."""
    from jixiao.workbook.fill import fill

    from tests.examples.corrections import corrected

    return fill(corrected(example_doc), tmp_path_factory.mktemp("clean") / "clean.xlsx")


@pytest.fixture(scope="module")
def refs(clean_book):
    """The cells of the three derived fields, found by their names."""
    from jixiao.workbook.extract import read_book

    place = next(p for p in read_book(clean_book).forms if p.sheet == SHEET)
    return {path: place.positions.at(path) for path in TYPED_PATHS}


@pytest.fixture(scope="module")
def at(clean_book):
    """The A1 cell of a field of the project sheet SHEET, by its data path (its defined name)."""
    from jixiao.workbook.extract import read_book

    place = next(p for p in read_book(clean_book).forms if p.sheet == SHEET)
    return place.positions.at


@pytest.fixture(scope="module")
def total_formula(at):
    """The formula of 年度资金总额 全年预算数: the sum of the three 其中 rows above it."""
    return f"=SUM({at('funds.current.full_year')}:{at('funds.other.full_year')})"


@pytest.fixture
def TYPED(refs):
    return {refs[path]: value for path, value in TYPED_PATHS.items()}


@pytest.fixture
def tampered(tmp_path, clean_book, TYPED):
    """The corrected example with three derived cells overwritten by typed wrong values
    (XML-level edit, so everything else stays byte for byte)."""
    path = tmp_path / "tampered.xlsx"
    from jixiao.workbook.reader import Workbook

    with Workbook(clean_book) as book:
        part = next(s.part for s in book.sheets if s.name == SHEET)
    with zipfile.ZipFile(clean_book) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == part:
                text = data.decode()
                for ref, value in TYPED.items():
                    text, n = re.subn(rf'<c r="{ref}"( s="\d+")?( t="\w+")?><f>.*?</f><v>.*?</v></c>',
                                      rf'<c r="{ref}"\1><v>{value}</v></c>', text)
                    assert n == 1, ref
                data = text.encode()
            dst.writestr(item, data)
    return path
