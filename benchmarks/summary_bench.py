"""Writing the summary workbook for a bureau of 200 departments of 20 projects.

Usage: .venv/bin/python benchmarks/summary_bench.py [WORKBOOKS] [ROUNDS]
Checks WORKBOOKS department files once (10 distinct ones, copied), then times ROUNDS writes of the
summary (概览 with its charts, 部门, 项目, 发现 with their colours and row heights) against the
batch check itself. Goal: under 5 s for 200 departments (about 70 000 findings), which is
XlsxWriter's own pace for the half-million cells; the pandas ``to_excel`` writer it replaced took
6.2 s on this machine for the same records, without the overview, colours or row heights.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.check_bench import department  # noqa: E402
from jixiao.batch import run_batch, write_summary  # noqa: E402
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
            files.append(Path(tmp) / f"d{i:03d}.xlsx")
            shutil.copyfile(seeds[i % 10], files[-1])
        start = time.perf_counter()
        records = run_batch(files, jobs=2)
        check = time.perf_counter() - start
        findings = sum(len(r.findings) for r in records)
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            write_summary(records, Path(tmp) / "汇总.xlsx")
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        print(f"{count} 个部门、{findings} 条发现：检查（--jobs 2）{check:.2f} s；"
              f"写汇总 中位 {median:.2f} s，最快 {min(times):.2f} s（目标 < 5 s）")


if __name__ == "__main__":
    main()
