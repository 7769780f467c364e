"""The sign-off folder: claimed for one run, left as found when a run fails."""

from __future__ import annotations

import pytest


def test_two_sign_offs_into_one_folder_give_one_package(tmp_path, example_book):
    """The folder is claimed atomically: of two runs started together, one builds the package and
    the other refuses; the folder holds one package, described whole by its manifest."""
    import json
    import subprocess
    import sys

    folder = tmp_path / "pkg"
    runs = [subprocess.Popen([sys.executable, "-m", "jixiao", "signoff", str(example_book), "-o", str(folder), "--force"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(120), p.stderr.read()) for p in runs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    refused = next(err for code, err in results if code == 2)
    assert "另一次签批正在写入" in refused or "已存在且不为空" in refused
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["name"] for f in manifest["files"]} | {"manifest.json"}
    assert {p.name for p in folder.iterdir()} - listed <= {p.name for p in folder.glob("*.eml")}
    assert not list(tmp_path.glob(".signoff-*")) and not (folder / ".jixiao-签批进行中").exists()


def test_a_failed_sign_off_leaves_no_folder_behind(tmp_path, example_book):
    from jixiao.errors import JixiaoError
    from jixiao.signoff.package import signoff

    with pytest.raises(JixiaoError):
        signoff(example_book, tmp_path / "pkg")  # errors in the example, not forced
    assert not (tmp_path / "pkg").exists()
