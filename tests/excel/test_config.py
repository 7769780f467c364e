"""Buttons that travel: no machine's Python in a workbook, the PC's own settings found the way
xlwings finds them, a workbook's embedded xlwings checked and brought up to date.

Oracles: xlwings itself (its USER_CONFIG_FILE and read_user_config read what addin-config
writes), oletools (reads the VBA project after --update-vba), LibreOffice (opens it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlwings
from oletools.olevba import VBA_Parser

from jixiao.excel import buttons
from jixiao.excel.config import interpreter_settings, read_user_config, user_config_path, write_user_config
from jixiao.workbook.fill import fill
from jixiao.workbook.macros import CONF_NOTE, CONF_SHEET, current_modules, embedded_xlwings_version
from jixiao.workbook.patch import WorkbookPatch
from jixiao.workbook.reader import Workbook
from jixiao.workbook.vbaproject import Module, read_project, vba_project

from ..conftest import run_cli
from .remote import payload


@pytest.fixture
def xlsm(tmp_path, example_doc) -> Path:
    return fill(example_doc, tmp_path / "book.xlsm")


def conf_sheet(path: Path) -> dict[str, str]:
    """The keys xlwings' GetConfigFromSheet would read: column A from A1 down to the first gap."""
    with Workbook(path) as wb:
        sheet = wb.sheet(CONF_SHEET)
        out, row = {}, 0
        while sheet.value(row, 0) not in (None, ""):
            out[str(sheet.value(row, 0)).upper()] = sheet.value(row, 1)
            row += 1
        return out


def embedded(path: Path) -> str | None:
    return embedded_xlwings_version(read_project(zipfile.ZipFile(path).read("xl/vbaProject.bin")))


def test_a_filled_workbook_carries_no_interpreter_path(xlsm):
    here = {sys.executable, sys.prefix, os.path.realpath(sys.executable), str(Path(sys.executable).parent)}
    with zipfile.ZipFile(xlsm) as z:
        for name in z.namelist():
            data = z.read(name)
            for path in here:
                for encoded in (path.encode("utf-8"), path.encode("utf-16-le")):
                    assert encoded not in data, (name, path)
    assert conf_sheet(xlsm) == {CONF_NOTE[0].upper(): CONF_NOTE[1]}  # no key xlwings would ask for


@pytest.mark.parametrize("platform, keys, udf_server", [
    ("win32", {"INTERPRETER_WIN", "USE UDF SERVER"}, "True"),  # Windows keeps one Python between clicks
    ("darwin", {"INTERPRETER_MAC"}, None),
    ("linux", {"INTERPRETER_WIN", "INTERPRETER_MAC"}, None),
])
def test_interpreter_settings_per_platform(platform, keys, udf_server):
    settings = interpreter_settings(platform)
    assert set(settings) == keys
    assert settings.get("USE UDF SERVER") == udf_server


def test_a_python_under_the_user_profile_is_written_with_the_variable(monkeypatch):
    monkeypatch.setenv("USERPROFILE", r"C:\Users\张三")
    monkeypatch.setattr(sys, "executable", r"C:\Users\张三\AppData\Local\jixiao\venv\Scripts\python.exe")
    assert interpreter_settings("win32")["INTERPRETER_WIN"] == r"%USERPROFILE%\AppData\Local\jixiao\venv\Scripts\python.exe"
    monkeypatch.setattr(sys, "executable", r"D:\Python311\python.exe")
    assert interpreter_settings("win32")["INTERPRETER_WIN"] == r"D:\Python311\python.exe"


def test_addin_config_user_writes_the_file_xlwings_reads(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "USERPROFILE": str(home)}
    (home / ".xlwings").mkdir()
    (home / ".xlwings" / "xlwings.conf").write_text('"LICENSE_KEY","noncommercial"\n"INTERPRETER_WIN","old"\n')
    done = subprocess.run([sys.executable, "-m", "jixiao", "addin-config", "--user"], env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert "已写入本机用户设置" in done.stdout
    probe = ("import json, xlwings, xlwings.utils as u; "
             "print(json.dumps([xlwings.USER_CONFIG_FILE, u.read_user_config()]))")
    import json

    path, config = json.loads(subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                                             text=True).stdout)
    assert Path(path) == home / ".xlwings" / "xlwings.conf"
    assert config["interpreter_win"] == sys.executable  # ours replaced the old value
    assert config["license_key"] == "noncommercial"  # what was there stays


def test_user_config_path_is_xlwings_own(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert user_config_path("linux") == tmp_path / ".xlwings" / "xlwings.conf"
    assert user_config_path("darwin") == tmp_path / "Library/Containers/com.microsoft.Excel/Data/xlwings.conf"
    written = write_user_config({"INTERPRETER_MAC": "/usr/bin/python3"}, tmp_path / "x.conf")
    assert read_user_config(written) == {"INTERPRETER_MAC": "/usr/bin/python3"}


def test_the_workbook_overrides_only_when_asked_and_clear_undoes_it(xlsm):
    assert run_cli("addin-config", xlsm).returncode == 0
    assert conf_sheet(xlsm)["INTERPRETER_WIN"] == sys.executable
    result = run_cli("addin-config", xlsm, "--clear")
    assert result.returncode == 0 and "已清除" in result.stdout
    assert "INTERPRETER_WIN" not in conf_sheet(xlsm)


def test_user_mode_leaves_the_workbook_untouched(xlsm, tmp_path):
    before = xlsm.read_bytes()
    env = {**os.environ, "HOME": str(tmp_path), "USERPROFILE": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "jixiao", "addin-config", "--user", str(xlsm)], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert xlsm.read_bytes() == before and "注意" not in done.stdout  # same xlwings: nothing to report


def _with_old_xlwings(path: Path, version: str = "0.30.0") -> Path:
    """``path`` as if filled with another xlwings: its module says another version; a module a
    user added is there too."""
    modules = read_project(zipfile.ZipFile(path).read("xl/vbaProject.bin"))
    aged = []
    for m in modules:
        source = m.source.replace(xlwings.__version__, version) if m.name == "xlwings" else m.source
        aged.append(Module(m.name, source, m.kind))
    aged.append(Module("UserCode", 'Attribute VB_Name = "UserCode"\r\nSub Mine()\r\nEnd Sub\r\n', "standard"))
    patch = WorkbookPatch(path)
    patch.replace_part("xl/vbaProject.bin", vba_project(aged))
    return patch.save(path)


def test_a_mismatched_xlwings_is_reported_and_updated(xlsm):
    _with_old_xlwings(xlsm)
    assert embedded(xlsm) == "0.30.0"
    told = run_cli("addin-config", xlsm)
    assert told.returncode == 0 and f"0.30.0 版，本机安装的是 {xlwings.__version__} 版" in told.stdout
    updated = run_cli("addin-config", xlsm, "--update-vba")
    assert updated.returncode == 0 and "换成" in updated.stdout
    assert embedded(xlsm) == xlwings.__version__
    sources = {name: text for _, _, name, text in VBA_Parser(str(xlsm)).extract_macros()}
    assert "Sub Mine()" in sources["UserCode.bas"]  # a user's module survives
    assert sources["JixiaoButtons.bas"].count("Sub JixiaoSelfCheck()") == 1
    current = {m.name: m.source for m in current_modules()}
    stored = {m.name: m.source for m in read_project(zipfile.ZipFile(xlsm).read("xl/vbaProject.bin"))}
    assert stored["xlwings"] == current["xlwings"] and stored["JixiaoButtons"] == current["JixiaoButtons"]
    assert conf_sheet(xlsm).get("INTERPRETER_WIN") == sys.executable  # the first call's override stays


def test_only_a_macro_enabled_workbook_or_the_user_file_can_be_configured(tmp_path):
    assert run_cli("addin-config", tmp_path / "x.xlsx").returncode == 2
    result = run_cli("addin-config")
    assert result.returncode == 2 and "--user" in result.stderr


def test_a_damaged_vba_project_gets_a_message(xlsm):
    patch = WorkbookPatch(xlsm)
    patch.replace_part("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 1000)
    patch.save(xlsm)
    result = run_cli("addin-config", xlsm)
    assert result.returncode == 2 and "无法读取工作簿的宏代码" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.libreoffice
def test_libreoffice_opens_the_updated_workbook(xlsm, tmp_path):
    from jixiao.workbook.libreoffice import convert

    _with_old_xlwings(xlsm)
    assert run_cli("addin-config", xlsm, "--update-vba").returncode == 0
    ods = convert(xlsm, "ods", tmp_path / "lo")
    with zipfile.ZipFile(ods) as z:
        modules = {Path(n).stem for n in z.namelist() if n.startswith("Basic/VBAProject/") and n.endswith(".xml")}
    assert {"JixiaoButtons", "xlwings", "Dictionary", "UserCode", "Sheet1"} <= modules


@pytest.mark.parametrize("handed, warned", [(None, False), (xlwings.__version__, False), ("0.30.0", True)])
def test_the_environment_button_tells_of_a_mismatch(example_book, handed, warned):
    book = xlwings.Book(json=payload(example_book))
    buttons.self_check(book, embedded_xlwings=handed)
    [alert] = [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"]
    assert ("注意" in alert and "0.30.0" in alert and "--update-vba" in alert) == warned
    assert ("以上都正常显示" in alert) != warned
