"""Where the buttons find Python on this PC: xlwings' settings, per user or per workbook.

xlwings' VBA looks a setting up in the workbook's ``xlwings.conf`` sheet first, then in a
``xlwings.conf`` beside the workbook, then in the user's file (``%USERPROFILE%\\.xlwings\\
xlwings.conf``; on a Mac inside Excel's sandbox). A key on the sheet wins even when empty, so a
workbook jixiao writes carries none: every PC answers for itself, set up once with
``jixiao addin-config --user``. ``jixiao addin-config 工作簿`` writes the keys onto the sheet,
for the one workbook that must use another Python.
"""

from __future__ import annotations

import locale
import os
import re
import sys
from pathlib import Path

from ..errors import JixiaoError
from ..files import atomic_output


def interpreter_settings(platform: str = sys.platform) -> dict[str, str]:
    """The settings that point xlwings at the Python running now.

    On Windows the UDF server keeps that Python running between clicks (one start per Excel
    session instead of one per click, and no ``cmd.exe`` child per click)."""
    python = sys.executable
    profile = os.environ.get("USERPROFILE", "")
    if platform == "win32" and profile and python.lower().startswith(profile.lower() + "\\"):
        # xlwings expands variables in a value: the file stays ASCII under a Chinese user name
        python = "%USERPROFILE%" + python[len(profile):]
    if platform == "darwin":
        return {"INTERPRETER_MAC": python}
    if platform == "win32":
        return {"INTERPRETER_WIN": python, "USE UDF SERVER": "True"}
    return {"INTERPRETER_WIN": python, "INTERPRETER_MAC": python}  # no Excel here: both, for the record


def user_config_path(platform: str = sys.platform) -> Path:
    """The user's xlwings.conf, where xlwings' VBA (GetConfigFilePath) and Python look for it."""
    home = Path(os.path.expanduser("~"))
    if platform == "darwin":
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return home / ".xlwings" / "xlwings.conf"


_LINE = re.compile(r'^\s*"([^"]*)"\s*,\s*"([^"]*)"\s*$')


def _encoding(platform: str = sys.platform) -> str:
    """VBA's ``Input #`` and xlwings' ``open()`` both read the file in the ANSI code page on
    Windows (cp936 on a Chinese system)."""
    return locale.getencoding() if platform == "win32" else "utf-8"


def read_user_config(path: Path) -> dict[str, str]:
    """The file's settings, keys as written (xlwings matches them ignoring case)."""
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding=_encoding(), errors="replace").splitlines():
        m = _LINE.match(line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def write_user_config(settings: dict[str, str], path: Path | None = None) -> Path:
    """Merge ``settings`` into the user's xlwings.conf (other keys kept), one ``"KEY","VALUE"``
    line each as VBA's ``Input #`` reads them."""
    path = path or user_config_path()
    kept = {k: v for k, v in read_user_config(path).items() if k.upper() not in {s.upper() for s in settings}}
    lines = [f'"{k}","{v}"' for k, v in {**kept, **settings}.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        text = ("\n".join(lines) + "\n").encode(_encoding())
    except UnicodeEncodeError:
        raise JixiaoError(f"Python 的路径含有本机代码页写不出的字符，请把 Python 装到只含英文字母的文件夹：{sys.executable}") from None
    with atomic_output(path) as tmp:
        tmp.write_bytes(text)
    return path
