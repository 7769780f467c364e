"""The 年度指标值/实际完成值 reader alone: every indicator row of a 500-project department read and
compared, with the reader's cache emptied before each round (so every text is parsed), and
with the cache warm (the same texts recurring, as across a batch).

Usage: .venv/bin/python benchmarks/reader_bench.py [PROJECTS] [RUNS]
Run it against an older checkout with PYTHONPATH=that/src to compare: issue 16 asks that the
reader not slow the check by more than 10%.
"""

from __future__ import annotations

import statistics
import sys
import time

from check_bench import department

from jixiao.model import indicator_values
from jixiao.model.indicator_values import compare, read_value


def main() -> None:
    projects = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    doc = department(projects)
    rows = [ind for p in doc.projects for ind in p.indicators] + list(doc.overall.indicators)
    texts = sorted({t for ind in rows for t in (ind.target, ind.actual) if isinstance(t, str)})

    def one_round(cold: bool) -> float:
        if cold:
            indicator_values._read_text.cache_clear()
        start = time.perf_counter()
        for ind in rows:
            compare(read_value(ind.target), read_value(ind.actual))
        return time.perf_counter() - start

    cold = statistics.median(one_round(True) for _ in range(runs))
    warm = statistics.median(one_round(False) for _ in range(runs))
    print(f"{len(rows)} rows, {len(texts)} distinct texts: cold {cold * 1000:.1f} ms, warm {warm * 1000:.1f} ms "
          f"(median of {runs})")


if __name__ == "__main__":
    main()
