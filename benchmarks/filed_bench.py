"""Reading the seed department's filed Word document (附件1, 附件2 and 19 project forms) by its
labels, against what python-docx takes merely to open the same document and walk every cell of
its tables. Issue 19 asks for under 3×.

Usage: .venv/bin/python benchmarks/filed_bench.py [RUNS]
(the document is built from tests/data/seeds with tests/filed/filed_forms.py, as the tests do)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import docx  # noqa: E402

from jixiao.filed.forms import read_filed  # noqa: E402
from jixiao.filed.word import read_word  # noqa: E402
from tests.filed.filed_forms import build_docx  # noqa: E402


def python_docx_walk(path: Path) -> int:
    document = docx.Document(str(path))
    cells = 0
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                cells += len(cell.text) >= 0
    return cells


def python_docx_open(path: Path) -> int:
    return len(docx.Document(str(path)).tables)


def jixiao_read(path: Path) -> int:
    return len(read_filed(read_word(path), str(path)).doc.projects)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    with tempfile.TemporaryDirectory() as tmp:
        path = build_docx(Path(tmp) / "seed.docx")
        python_docx_walk(path), jixiao_read(path)  # warm imports and caches alike

        def timed(fn) -> float:
            start = time.perf_counter()
            fn(path)
            return time.perf_counter() - start

        walk = statistics.median(timed(python_docx_walk) for _ in range(runs))
        opened = statistics.median(timed(python_docx_open) for _ in range(runs))
        read = statistics.median(timed(jixiao_read) for _ in range(runs))
    print(f"python-docx open + walk every cell: {walk * 1000:.1f} ms (open alone {opened * 1000:.1f} ms); "
          f"jixiao read by labels: {read * 1000:.1f} ms ({read / walk:.2f}× the walk, {read / opened:.2f}× opening; "
          f"median of {runs})")


if __name__ == "__main__":
    main()
