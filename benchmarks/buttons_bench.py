"""The 校验 and 重算 buttons on 20- and 200-project workbooks: reads, actions, Python time.

Usage: .venv/bin/python benchmarks/buttons_bench.py
Runs the button functions through xlwings' remote implementation (``Book(json=...)``, the
payload the VBA client sends) and counts the range value reads the functions make, the actions
they emit (by kind), and the Python time (median of 5). Goals: reads ≤ sheets + 2; actions
O(sheets + findings), never O(cells); under 1 s for 20 projects.
"""

from __future__ import annotations

import copy
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import xlwings as xw  # noqa: E402

from benchmarks.check_bench import department  # noqa: E402
from jixiao.excel import buttons  # noqa: E402
from jixiao.recompute import plan  # noqa: E402
from jixiao.rules import run_rules  # noqa: E402
from jixiao.workbook.extract import read_book  # noqa: E402
from jixiao.workbook.fill import fill  # noqa: E402
from tests.excel.remote import payload  # noqa: E402

READS = Counter()
_value = xw.main.Range.value


def _counted(self):
    READS["range.value"] += 1
    return _value.fget(self)


xw.main.Range.value = property(_counted, _value.fset)


def measure(function, data: dict) -> tuple[float, int, Counter]:
    times, actions = [], None
    for _ in range(5):
        READS.clear()
        book = xw.Book(json=copy.deepcopy(data))  # xlwings changes the payload it is given
        t0 = time.perf_counter()
        function(book)
        times.append(time.perf_counter() - t0)
        actions = Counter(a["func"] for a in book.json()["actions"])
    return statistics.median(times), READS["range.value"], actions


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for projects in (20, 200):
            path = fill(department(projects), Path(tmp) / f"d{projects}.xlsx")
            data = payload(path)
            contents = read_book(path)
            sheets = len(data["sheets"])
            findings = len(run_rules(contents.doc, locations=contents.locations))
            derived = len(plan(contents))
            print(f"{projects} projects: {sheets} sheets, {findings} findings, {derived} derived cells")
            for name, function in (("校验 validate", buttons.validate), ("重算 recompute", buttons.recompute)):
                seconds, reads, actions = measure(function, data)
                total = sum(actions.values())
                print(f"  {name}: {seconds * 1000:.0f} ms, reads {reads} (sheets + 2 = {sheets + 2}), "
                      f"actions {total} {dict(actions)}")


if __name__ == "__main__":
    main()
