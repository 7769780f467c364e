"""The 校验 and 重算 buttons on 20- and 200-project workbooks: calls to Excel, actions, time.

Usage: .venv/bin/python benchmarks/buttons_bench.py
Runs the button functions through xlwings' remote implementation (``Book(json=...)``, the
payload the VBA client sends) and counts the range value reads the functions make, the actions
they emit (by kind), and the Python time (median of 5). Goals: reads ≤ sheets + 2; actions
O(sheets + findings), never O(cells); under 1 s for 20 projects.

Then it counts every call the 校验 button makes on the Book and the objects it hands out (a
counting wrapper around the real xlwings objects: each attribute read, assignment, call, index
and iterated item is one call, as each is one round trip to Excel over COM on a desktop), for
the desktop path two ways: names walked one by one (VBA without the JixiaoNames helper, as
before), and names from the helper in one call. Excel cannot run here, so the helper's answer
is the payload's names (what the VBA function returns, computed inside Excel at no COM cost).
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


CALLS = Counter()
XL_OBJECTS = (xw.main.App, xw.main.Book, xw.main.Sheet, xw.main.Sheets, xw.main.Range, xw.main.Names,
              xw.main.Name, xw.main.Macro)
LOCAL = {"api", "impl"}  # a desktop Book hands these out without asking Excel


class Counted:
    """A real xlwings object, each use of it counted."""

    def __init__(self, target, label: str, answers: dict):
        object.__setattr__(self, "_t", target)
        object.__setattr__(self, "_label", label)
        object.__setattr__(self, "_answers", answers)

    def _wrap(self, value, label: str):
        if isinstance(value, XL_OBJECTS) or (callable(value) and isinstance(getattr(value, "__self__", None), XL_OBJECTS)):
            return Counted(value, label, self._answers)
        return value

    def __getattr__(self, attr):
        value = getattr(self._t, attr)
        if callable(value) and not isinstance(value, XL_OBJECTS):  # a method: counted when called
            return self._wrap(value, f"{self._label}.{attr}")
        if attr not in LOCAL:
            CALLS[f"{self._label}.{attr}"] += 1
        return self._wrap(value, type(value).__name__)

    def __setattr__(self, attr, value):
        CALLS[f"{self._label}.{attr}="] += 1
        setattr(self._t, attr, value)

    def __call__(self, *args, **kwargs):
        CALLS[f"{self._label}()"] += 1
        args = [a._t if isinstance(a, Counted) else a for a in args]
        kwargs = {k: v._t if isinstance(v, Counted) else v for k, v in kwargs.items()}
        if self._label.endswith(".macro") and args and args[0] in self._answers:
            answer = self._answers[args[0]]
            CALLS[f"{self._label}({args[0]})"] += 1
            return lambda *a: answer() if callable(answer) else answer
        return self._wrap(self._t(*args, **kwargs), "result")

    def __getitem__(self, key):
        CALLS[f"{self._label}[]"] += 1
        return self._wrap(self._t[key], "item")

    def __iter__(self):
        for item in self._t:
            CALLS[f"{self._label} item"] += 1
            yield self._wrap(item, type(item).__name__)

    def __len__(self):
        CALLS[f"{self._label} len"] += 1
        return len(self._t)


def _no_helper():
    raise RuntimeError("Cannot run the macro")  # what Application.Run says of a missing one


def desktop_calls(data: dict, with_helper: bool) -> Counter:
    """Calls the 校验 button makes on a desktop Book (see the module docstring)."""
    book = xw.Book(json=copy.deepcopy(data))
    rows = tuple((n["name"], data["sheets"][n["sheet_index"]]["name"], "$" + n["address"].replace(":", ":$"))
                 for n in data["names"])
    CALLS.clear()
    real_remote = buttons._remote
    buttons._remote = lambda b: False  # take the desktop branch
    try:
        helpers = ({buttons.NAMES_MACRO: rows, buttons.LINKS_MACRO: None} if with_helper
                   else {buttons.NAMES_MACRO: _no_helper, buttons.LINKS_MACRO: _no_helper})
        buttons.validate(Counted(book, "Book", helpers))
    finally:
        buttons._remote = real_remote
    return Counter(CALLS)


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
            for label, helper in (("without the VBA helpers", False), ("with JixiaoNames and JixiaoLinks", True)):
                calls = desktop_calls(data, helper)
                print(f"  校验 on a desktop, {label}: {sum(calls.values())} calls to Excel "
                      f"({len(data['names'])} names; top: {dict(calls.most_common(4))})")


if __name__ == "__main__":
    main()
