"""The requirements of the wheels in a folder that hold on Windows x64 and have no wheel there yet.

`pip download --platform win_amd64` picks Windows wheels but judges environment markers by the
machine it runs on, so on Linux it leaves out pywin32 (xlwings) and the like.
Usage: python scripts/platform_requirements.py WHEELS_DIR PYTHON_VERSION  (prints one per line)
"""

from __future__ import annotations

import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename


def windows(python: str) -> dict[str, str]:
    env = default_environment()
    env.update(sys_platform="win32", platform_system="Windows", os_name="nt", platform_machine="AMD64",
               python_version=python, python_full_version=f"{python}.0", implementation_name="cpython",
               platform_python_implementation="CPython")
    return env


def missing(folder: Path, python: str) -> list[str]:
    tag = "cp" + python.replace(".", "")
    present, wanted = set(), []
    for wheel in folder.glob("*.whl"):
        name, _, _, tags = parse_wheel_filename(wheel.name)
        if not any(t.interpreter in (tag, "py3", "py2.py3") or t.interpreter.startswith("py") for t in tags):
            continue
        present.add(canonicalize_name(name))
        with zipfile.ZipFile(wheel) as z:
            meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            headers = Parser().parsestr(z.read(meta).decode("utf-8"))
        for line in headers.get_all("Requires-Dist") or []:
            req = Requirement(line)
            if req.marker is not None and req.marker.evaluate({**windows(python), "extra": ""}):
                wanted.append(req)
    return sorted({str(r).split(";")[0].strip() for r in wanted if canonicalize_name(r.name) not in present})


if __name__ == "__main__":
    print("\n".join(missing(Path(sys.argv[1]), sys.argv[2])))
