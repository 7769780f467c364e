"""`check` on a 500-project workbook against python-calamine merely loading every sheet.

Usage: .venv/bin/python benchmarks/check_bench.py [PROJECTS] [RUNS]
Generates a department (projects with 6 to 20 indicators), fills it, then times, in one run,
RUNS rounds of: python-calamine loading every sheet's values, then jixiao's full check (read
names, formulas and values, run every rule), and prints the median of each. The two alternate
so that a machine whose speed drifts (a shared VM) slows both alike. Goal: check within 3×
the bare load.
"""

from __future__ import annotations

import copy
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import python_calamine

from jixiao.checking import check_path
from jixiao.model.dataformat import load
from jixiao.model.document import Indicator
from jixiao.workbook.fill import fill

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "zhuzhou-gxj-2024.yaml"


def department(projects: int, seed: int = 7):
    """The example department grown to ``projects`` projects with varied indicator counts."""
    rng = random.Random(seed)
    doc = load(EXAMPLE)
    base = doc.projects
    doc.projects = []
    for i in range(projects):
        p = copy.deepcopy(base[i % len(base)])
        p.id, p.name = f"p{i}", f"{p.name}（{i + 1}）"
        extra = rng.randint(0, 11)
        p.indicators = p.indicators + [
            Indicator("产出指标", "数量指标", f"附加指标{k}", f"≥{k + 1}个", f"{k + rng.randint(0, 3)}个", Decimal(0), Decimal(0))
            for k in range(extra)]
        doc.projects.append(p)
    return doc


def alternating_times(fns: list, runs: int) -> list[list[float]]:
    """The times of each of ``fns``, run in turn ``runs`` times (after one warm-up each)."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, mine in zip(fns, times):
            t0 = time.perf_counter()
            fn()
            mine.append(time.perf_counter() - t0)
    return times


def calamine_load(path: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def main() -> None:
    projects = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    doc = department(projects)
    with tempfile.TemporaryDirectory() as tmp:
        book = fill(doc, Path(tmp) / "big.xlsx")
        size = book.stat().st_size
        bare, checked = alternating_times([lambda: calamine_load(book), lambda: check_path(book)], runs)
        findings = len(check_path(book).findings)
    ratios = [c / b for b, c in zip(bare, checked)]  # each check against the load just before it
    print(f"workbook: {projects} projects, {size / 1024 / 1024:.1f} MB, {findings} findings")
    print(f"python-calamine load: {statistics.median(bare) * 1000:.0f} ms (median of {runs})")
    print(f"jixiao check:         {statistics.median(checked) * 1000:.0f} ms (median of {runs})")
    print(f"ratio: {statistics.median(checked) / statistics.median(bare):.2f}× of the medians; "
          f"{statistics.median(ratios):.2f}× the median of {runs} paired runs "
          f"(from {min(ratios):.2f}× to {max(ratios):.2f}×) (goal ≤ 3×)")


if __name__ == "__main__":
    main()
