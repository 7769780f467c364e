"""A bureau's batch: 200 department workbooks of 20 projects, --jobs 1 vs --jobs 2 vs a bare load.

Usage: .venv/bin/python benchmarks/batch_bench.py [WORKBOOKS] [ROUNDS]
Fills 10 distinct departments and copies them to WORKBOOKS files, then times in one run, after a
warm-up round, ROUNDS rounds of, in turn: python-calamine merely loading every sheet of every
file in one process, the same split over two processes, and the batch check with 1 and with 2
worker processes. A shared machine's speed drifts by the minute, so each ratio is taken within a
round (the batch against the bare load just before it) and the median over the rounds is the
figure; the median and the best time of each are printed too. Goals: the batch within 3× the
bare load per core; --jobs 2 at least 1.6× faster than --jobs 1. The bare load in two processes
shows how far two processes speed up on the machine at all.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.check_bench import alternating_times, calamine_load, department  # noqa: E402
from jixiao.batch import run_batch  # noqa: E402
from jixiao.workbook.fill import fill  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as tmp:
        seeds = []
        for i in range(10):
            doc = department(20, seed=i)
            doc.department.name = f"部门{i}"
            seeds.append(fill(doc, Path(tmp) / f"seed{i}.xlsx"))
        files = []
        for i in range(count):
            path = Path(tmp) / f"d{i:03d}.xlsx"
            shutil.copy(seeds[i % 10], path)
            files.append(path)
        def batch(jobs: int) -> None:
            records = run_batch(files, jobs)
            assert len(records) == count and all(r.department["状态"] == "已检查" for r in records)

        # The bare load split over two processes, for scale: one pool, started before the timing.
        with ProcessPoolExecutor(2) as pool:
            bare, bare2, jobs1, jobs2 = alternating_times([
                lambda: _load_all(files),
                lambda: list(pool.map(_load_all, [files[::2], files[1::2]])),
                lambda: batch(1),
                lambda: batch(2),
            ], rounds)

    def median_ratio(a: list[float], b: list[float], scale: float = 1) -> str:
        ratios = [x * scale / y for x, y in zip(a, b)]
        return f"{statistics.median(ratios):.2f}× (rounds: {', '.join(f'{r:.2f}' for r in ratios)})"

    def seconds(values: list[float]) -> str:
        return f"median {statistics.median(values):.2f} s, best {min(values):.2f} s"

    print(f"{count} workbooks of 20 projects, {os.cpu_count()} cores, {rounds} rounds")
    print(f"python-calamine load (1 process): {seconds(bare)}")
    print(f"batch --jobs 1: {seconds(jobs1)}; against the bare load {median_ratio(jobs1, bare)} (goal ≤ 3×); "
          f"best against best {min(jobs1) / min(bare):.2f}×")
    print(f"batch --jobs 2: {seconds(jobs2)}; per core against the bare load {median_ratio(jobs2, bare, 2)} "
          f"(goal ≤ 3×); best against best {min(jobs2) * 2 / min(bare):.2f}×")
    print(f"speed-up --jobs 2 vs --jobs 1: {median_ratio(jobs1, jobs2)} (goal ≥ 1.6×)")
    # How far two processes scale on this machine at all: the bare load split the same way.
    print(f"python-calamine load in 2 processes: {seconds(bare2)}; speed-up {median_ratio(bare, bare2)}; "
          f"batch --jobs 2 against it {median_ratio(jobs2, bare2)}")


def _load_all(paths: list[Path]) -> None:
    for path in paths:
        calamine_load(path)


if __name__ == "__main__":
    main()
