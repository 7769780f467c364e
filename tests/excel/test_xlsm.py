"""The macro-enabled workbook: VBA built from sources, buttons bound to macros that exist."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import xlwings
from oletools.olevba import VBA_Parser

from jixiao.workbook.fill import fill
from jixiao.workbook.macros import BUTTONS, macro_source
from jixiao.workbook.vbaproject import compress, from_export

from ..conftest import ROOT, run_cli

XLWINGS = Path(xlwings.__file__).parent


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory, example_doc):
    return fill(example_doc, tmp_path_factory.mktemp("xlsm") / "book.xlsm")


def code(text: str) -> str:
    """Source as olevba shows it: no export header, no Attribute lines, LF line ends."""
    source = from_export("m", text, "standard").source if text.startswith("VERSION ") else text
    lines = source.replace("\r\n", "\n").split("\n")
    return "\n".join(line for line in lines if not line.startswith("Attribute VB_")).strip()


def test_olevba_extracts_exactly_our_sources(xlsm):
    modules = {name: text for _, _, name, text in VBA_Parser(str(xlsm)).extract_macros()}
    assert code(modules["JixiaoButtons.bas"]) == code((ROOT / "macros" / "JixiaoButtons.bas").read_text("ascii"))
    assert code(modules["xlwings.bas"]) == code((XLWINGS / "xlwings.bas").read_text("ascii"))
    assert code(modules["Dictionary.cls"]) == code((XLWINGS / "addin" / "Dictionary.cls").read_text("ascii"))
    assert f'XLWINGS_VERSION As String = "{xlwings.__version__}"' in modules["xlwings.bas"]
    sheets = len(re.findall(r"<sheet ", zipfile.ZipFile(xlsm).read("xl/workbook.xml").decode()))
    assert {f"Sheet{i}.cls" for i in range(1, sheets + 1)} | {"ThisWorkbook.cls"} <= set(modules)


def test_every_button_is_bound_to_a_macro_that_exists(xlsm):
    with zipfile.ZipFile(xlsm) as z:
        vml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".vml"))
    bound = [m.split("!")[-1] for m in re.findall(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", vml)]
    defined = set(re.findall(r"^Sub (\w+)\(\)", macro_source(), re.M))
    assert bound == [b.macro for b in BUTTONS] and set(bound) <= defined
    for b in BUTTONS:  # the captions are Chinese, in the workbook, not in the VBA
        assert b.caption in vml


def test_the_committed_button_module_is_the_one_built_from_the_list_of_buttons():
    committed = (ROOT / "macros" / "JixiaoButtons.bas").read_bytes()
    assert committed.decode("ascii").replace("\r\n", "\n") == macro_source(), "run `jixiao templates` to rebuild it"
    assert b"\r\n" in committed and b"\n" not in committed.replace(b"\r\n", b"")  # as the VBA editor exports


def test_every_button_runs_a_function_of_the_button_face():
    from jixiao.excel import buttons

    for b in BUTTONS:
        assert callable(getattr(buttons, b.function, None)), b.function
        assert f"b.{b.function}(" in macro_source()
    assert len({b.macro for b in BUTTONS}) == len({b.caption for b in BUTTONS}) == len(BUTTONS)


def test_the_readme_lists_every_button_in_order():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Excel buttons"):]
    table = re.findall(r"^\| (\S+) \| (?!what it does)", section.split("\n\n**")[0], re.M)
    assert [c for c in table if c != "---"] == [b.caption for b in BUTTONS]


def test_macro_sources_are_ascii():
    for path in (ROOT / "macros").glob("*.bas"):
        assert path.read_bytes().isascii(), path


def test_workbook_names_its_code_modules(xlsm):
    with zipfile.ZipFile(xlsm) as z:
        workbook = z.read("xl/workbook.xml").decode()
        types = z.read("[Content_Types].xml").decode()
    assert 'codeName="ThisWorkbook"' in workbook and "vbaProject" in types and "macroEnabled" in types


def test_the_xlsm_still_fills_extracts_and_checks(xlsm, example_doc):
    from jixiao.checking import check_path
    from jixiao.model.derive import canonical
    from jixiao.workbook.extract import extract

    assert canonical(extract(xlsm)) == canonical(example_doc)
    assert check_path(xlsm).readable


@pytest.mark.parametrize("size", [0, 1, 8, 9, 3639, 3640, 3641, 4096, 20000])
def test_compression_round_trips_through_oletools(size):
    from oletools.olevba import decompress_stream

    data = bytes((i * 7 + 13) % 95 + 32 for i in range(size))
    assert decompress_stream(bytearray(compress(data))) == data


def test_cli_flags(tmp_path):
    assert run_cli("new", "--year", "2024", "--xlsm", "--projects", "2", "-o", tmp_path / "n.xlsm").returncode == 0
    assert zipfile.ZipFile(tmp_path / "n.xlsm").read("xl/vbaProject.bin")[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    bad = run_cli("new", "--year", "2024", "--xlsm", "-o", tmp_path / "n.xlsx")
    assert bad.returncode == 2 and ".xlsm" in bad.stderr


@pytest.mark.libreoffice
def test_libreoffice_opens_the_xlsm_and_lists_the_modules(tmp_path, xlsm):
    from jixiao.workbook.libreoffice import convert

    ods = convert(xlsm, "ods", tmp_path / "lo")
    with zipfile.ZipFile(ods) as z:
        modules = {Path(n).stem for n in z.namelist() if n.startswith("Basic/VBAProject/") and n.endswith(".xml")}
        buttons = z.read("Basic/VBAProject/JixiaoButtons.xml").decode()
    assert {"JixiaoButtons", "xlwings", "Dictionary", "ThisWorkbook", "Sheet1"} <= modules
    assert "Sub JixiaoValidate()" in buttons
