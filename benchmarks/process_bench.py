"""`jixiao check` as a whole process against a whole process that merely loads the workbook.

Usage: .venv/bin/python benchmarks/process_bench.py [RUNS] | --memory
Start-up counts for every fresh process (a click without the UDF server, a `jixiao check` in a
script), so this times processes, not functions: for a 20- and a 300-project workbook, the
median of RUNS runs of (a) `python -c` loading every sheet's values with python-calamine and
(b) `jixiao check BOOK` (the console script), alternating. Goals: (b) ≤ 5× (a) at 20 projects, ≤ 3× at 300.
Also prints `-X importtime`'s five most expensive imports of `jixiao check`.

``--memory``: the peak memory and CPU time of check, extract and recompute of 300 projects as the
command runs them (the garbage collector paused, `jixiao.collector`) and with the collector
left running, to show the pause costs no memory.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.check_bench import department  # noqa: E402
from jixiao.workbook.fill import fill  # noqa: E402

LOAD = ("import sys, python_calamine as c; wb = c.CalamineWorkbook.from_path(sys.argv[1]); "
        "[wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names]")


# As on a staff PC: modules load from bytecode (pip compiles it when it installs a wheel), so a
# PYTHONDONTWRITEBYTECODE set here would time the compiler, not jixiao. The first run writes it.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=ENV)
    if done.returncode not in (0, 1):  # check exits 1 when it finds errors
        raise SystemExit(done.stderr.decode())
    return time.perf_counter() - t0


# The command as a person runs it: the console script pip installs beside this Python (it imports
# jixiao.cli.main directly; ``python -m jixiao`` would add runpy's ~3 ms), else ``-m``.
_SCRIPT = Path(sys.executable).with_name("jixiao")
JIXIAO = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "jixiao"]


def memory() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        book = fill(department(300), Path(tmp) / "d300.xlsx")
        jobs = {"check": ["check", str(book)], "extract": ["extract", str(book), "-o", f"{tmp}/out.yaml"],
                "recompute": ["recompute", str(book), "-o", f"{tmp}/out.xlsx"]}
        for name, words in jobs.items():
            shown = []
            for paused in (True, False):  # as the command runs, then with the collector left running
                # VmHWM: the peak of this process's own memory (Linux; a fork's copy of this parent is not counted)
                code = ("import sys, time; from jixiao.cli.main import run; from jixiao.cli.parsing import COMMANDS; "
                        f"COMMANDS[{words[0]!r}].pause_collector = {paused}; t = time.process_time(); "
                        f"run({words!r}); t = time.process_time() - t; "
                        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]; "
                        "print(int(hwm) // 1024, round(t * 1000), file=sys.stderr)")
                for leftover in Path(tmp).glob("out.*"):
                    leftover.unlink()
                done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
                mb, ms = done.stderr.split()[-2:]
                shown.append(f"{mb} MB, {ms} ms")
            print(f"{name} 300 projects: collector paused {shown[0]}; running {shown[1]}")


def main() -> None:
    if sys.argv[1:] == ["--memory"]:
        return memory()
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as tmp:
        for projects, goal in ((20, 5), (300, 3)):
            book = fill(department(projects), Path(tmp) / f"d{projects}.xlsx")
            load, check = [], []
            timed([*JIXIAO, "check", str(book)])  # writes the bytecode (and the scheme's parse)
            for _ in range(runs):
                load.append(timed([sys.executable, "-c", LOAD, str(book)]))
                check.append(timed([*JIXIAO, "check", str(book)]))
            a, b = statistics.median(load), statistics.median(check)
            print(f"{projects} projects: load {a * 1000:.0f} ms, check {b * 1000:.0f} ms, "
                  f"{b / a:.1f}× (goal ≤ {goal}×)")
        out = subprocess.run([sys.executable, "-X", "importtime", "-m", "jixiao", "check", str(book)],
                             capture_output=True, text=True, env=ENV).stderr
        rows = [(int(m.group(1)), m.group(2)) for m in re.finditer(r"\|\s+(\d+) \| (\s*\S+)", out)]
        top = sorted((r for r in rows if r[1].startswith("  ") and not r[1].startswith("   ")), reverse=True)[:5]
        print("largest imports under jixiao:", ", ".join(f"{n.strip()} {us / 1000:.0f} ms" for us, n in top))


if __name__ == "__main__":
    main()
