"""LibreOffice headless: recalculate a workbook, or render it to PDF.

LibreOffice keeps an .xlsx file's cached values by default; to make it an independent engine
that recomputes every formula, it runs with a private profile whose setting says "always
recalculate OOXML files on load". The profile lives in a temporary folder, so the user's own
LibreOffice settings are never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import JixiaoError

_RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run_as_group(cmd: list[str], env: dict, timeout: float, source: Path) -> subprocess.CompletedProcess:
    """``cmd`` in a process group of its own, the whole group ended when the command exits or at
    the deadline: ``soffice`` is a script that starts ``soffice.bin``, which a plain timeout (the
    direct child only) would leave running, for minutes, on a hostile workbook. Its output goes to
    files, not pipes, so a child left holding them cannot keep us waiting."""
    posix = os.name == "posix"
    flags = {"start_new_session": True} if posix else {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, **flags)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise JixiaoError(f"LibreOffice 处理超时（{timeout:.0f} 秒）：{source}") from None
        finally:
            _end_group(process)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(cmd, process.returncode, out.read().decode("utf-8", "replace"),
                                           err.read().decode("utf-8", "replace"))


def _end_group(process: subprocess.Popen) -> None:
    """Every process of the command's group, ended."""
    if os.name == "posix":
        import signal

        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    elif process.poll() is None:
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True)
    if process.poll() is None:
        process.kill()
    process.wait()


def convert(source: str | Path, fmt: str, outdir: str | Path, timeout: float = 300) -> Path:
    """Convert ``source`` with LibreOffice (formulas recalculated on load); returns the new file.

    ``fmt`` is a LibreOffice filter spec such as ``"xlsx"`` or ``"pdf"``.
    """
    exe = soffice()
    if exe is None:
        raise JixiaoError("未安装 LibreOffice（soffice），无法重算或生成 PDF。Debian/Ubuntu 可安装 libreoffice-calc-nogui。")
    source, outdir = Path(source).resolve(), Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        user = Path(profile, "user")
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_RECALC_PROFILE, encoding="utf-8")
        cmd = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", fmt, "--outdir", str(outdir), str(source)]
        env = dict(os.environ, HOME=profile)
        proc = _run_as_group(cmd, env, timeout, source)
    ext = fmt.split(":")[0]
    out = outdir / (source.stem + "." + ext)
    if proc.returncode != 0 or not out.exists():
        raise JixiaoError(f"LibreOffice 转换失败（退出码 {proc.returncode}）：{(proc.stderr or proc.stdout).strip()[:500]}")
    return out
