"""The offline bundle installs jixiao with no package index, on the lowest Python it declares,
and the installed wheel runs `jixiao demo` outside the source tree."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from ..conftest import ROOT

pytestmark = pytest.mark.libreoffice  # the demo's sign-off package renders a PDF


def lowest_python() -> tuple[int, int]:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["requires-python"]
    major, minor = re.fullmatch(r">=(\d+)\.(\d+)", declared.split("#")[0].strip()).groups()
    return int(major), int(minor)


def base_python() -> str:
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "jixiao-offline"
    env = {**os.environ, "JIXIAO_PYTHON": sys.executable}
    done = subprocess.run(["bash", str(ROOT / "scripts" / "make-offline-bundle.sh"), "--this-platform", "-o", str(out)],
                          capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == 0, done.stderr
    return out


def test_the_bundle_holds_what_a_staff_pc_needs(bundle):
    wheels = sorted(p.name for p in (bundle / "wheels").glob("*.whl"))
    assert any(w.startswith("jixiao-") for w in wheels)
    for needed in ("xlwings", "pandas", "python_calamine", "xlsxwriter", "docxtpl", "python_docx"):
        assert any(w.lower().startswith(needed) for w in wheels), needed
    guide = (bundle / "安装说明.txt").read_bytes().decode("utf-8")
    assert "安装.bat" in guide and "不需要联网" in guide and "\r\n" in guide
    assert "--no-index" in (bundle / "安装.bat").read_text("utf-8")
    with zipfile.ZipFile(next((bundle / "wheels").glob("jixiao-*.whl"))) as z:
        names = z.namelist()
        metadata = z.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "jixiao/data/examples/zhuzhou-gxj-2024.yaml" in names
    assert f"Requires-Python: >={lowest_python()[0]}.{lowest_python()[1]}" in metadata
    runtime = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert runtime and not any("openpyxl" in line for line in runtime)  # tests use it; jixiao does not


def test_it_installs_with_no_index_on_the_lowest_python_and_runs_the_demo(bundle, tmp_path):
    python = base_python()
    found = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True, text=True)
    if tuple(map(int, found.stdout.split())) != lowest_python():
        pytest.skip(f"this machine's Python is {found.stdout.strip()}, not the lowest declared {lowest_python()}")
    venv = tmp_path / "venv"
    env = {**os.environ, "PYTHON": python, "PIP_NO_INDEX": "1"}
    done = subprocess.run(["bash", str(bundle / "install.sh"), str(venv)], capture_output=True, text=True,
                          env=env, timeout=900)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("jixiao ")
    work = tmp_path / "elsewhere"
    work.mkdir()
    demo = subprocess.run([str(venv / "bin" / "jixiao"), "demo", "--out", "out"], cwd=work, capture_output=True,
                          text=True, timeout=600)
    assert demo.returncode == 0, demo.stderr
    assert "与原数据一致" in demo.stdout
    assert (work / "out" / "zhuzhou-gxj-2024.xlsx").stat().st_size > 10_000
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import jixiao; print(jixiao.__file__)"],
                           capture_output=True, text=True, cwd=work)
    assert str(venv) in where.stdout and str(ROOT) not in where.stdout  # the wheel, not the checkout
