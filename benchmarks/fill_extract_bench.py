"""Fill and extract time of the bundled example, and the workbook's size.

Usage: .venv/bin/python benchmarks/fill_extract_bench.py [RUNS]
Prints the median of RUNS (default 7) runs of each step.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from jixiao.model.dataformat import load
from jixiao.workbook.extract import extract
from jixiao.workbook.fill import fill

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "zhuzhou-gxj-2024.yaml"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    doc = load(EXAMPLE)
    fills, extracts = [], []
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "example.xlsx"
        for _ in range(runs):
            t0 = time.perf_counter()
            fill(doc, book)
            t1 = time.perf_counter()
            extract(book)
            t2 = time.perf_counter()
            fills.append(t1 - t0)
            extracts.append(t2 - t1)
        size = book.stat().st_size
    print(f"example: {len(doc.projects)} projects, workbook {size / 1024:.0f} KB")
    print(f"fill    median {statistics.median(fills) * 1000:.0f} ms  (min {min(fills) * 1000:.0f})")
    print(f"extract median {statistics.median(extracts) * 1000:.0f} ms  (min {min(extracts) * 1000:.0f})")


if __name__ == "__main__":
    main()
