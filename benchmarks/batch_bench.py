"""A bureau's batch: 200 department workbooks of 20 projects, --jobs 1 vs --jobs 2 vs a bare load.

Usage: .venv/bin/python benchmarks/batch_bench.py [WORKBOOKS] [ROUNDS]
Fills 10 distinct departments and copies them to WORKBOOKS files, then times in one run, ROUNDS
times in turn (the best of each is kept: a shared machine's speed drifts): python-calamine
merely loading every sheet of every file in one process, and the batch check with 1 and with 2
worker processes. Goals: the batch within 3× the bare load per core; --jobs 2 at least 1.6×
faster than --jobs 1. For scale it also prints the bare load split over two processes: how far
two processes speed up on the machine at all.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.check_bench import calamine_load, department  # noqa: E402
from jixiao.batch import run_batch  # noqa: E402
from jixiao.workbook.fill import fill  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
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
        best: dict[str, float] = {}
        for _ in range(rounds):
            t0 = time.perf_counter()
            for path in files:
                calamine_load(path)
            best["bare"] = min(best.get("bare", 1e9), time.perf_counter() - t0)
            with ProcessPoolExecutor(2) as pool:  # the same load split over two processes, for scale
                list(pool.map(_load_all, [files[:1], files[1:2]]))  # started and warm
                t0 = time.perf_counter()
                list(pool.map(_load_all, [files[::2], files[1::2]]))
                best["bare2"] = min(best.get("bare2", 1e9), time.perf_counter() - t0)
            for jobs in (1, 2):
                t0 = time.perf_counter()
                records = run_batch(files, jobs)
                best[jobs] = min(best.get(jobs, 1e9), time.perf_counter() - t0)
                assert len(records) == count and all(r.department["状态"] == "已检查" for r in records)
        bare, times = best["bare"], best
    print(f"{count} workbooks of 20 projects, {os.cpu_count()} cores")
    print(f"python-calamine load (1 process): {bare:.2f} s  (best of {rounds} rounds, as below)")
    print(f"batch --jobs 1: {times[1]:.2f} s  ({times[1] / bare:.2f}× the bare load)")
    print(f"batch --jobs 2: {times[2]:.2f} s  ({times[2] * 2 / bare:.2f}× the bare load per core)")
    print(f"speed-up --jobs 2 vs --jobs 1: {times[1] / times[2]:.2f}× (goal ≥ 1.6×)")
    # How far two processes scale on this machine at all: the bare load split the same way.
    print(f"python-calamine load in 2 processes: {best['bare2']:.2f} s (speed-up {bare / best['bare2']:.2f}×); "
          f"batch --jobs 2 against it: {times[2] / best['bare2']:.2f}×")


def _load_all(paths: list[Path]) -> None:
    for path in paths:
        calamine_load(path)


if __name__ == "__main__":
    main()
