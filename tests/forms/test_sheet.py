"""Cell addresses: our own A1 text agrees with XlsxWriter's (reading does not import the writer)."""

from __future__ import annotations

import pytest
from xlsxwriter.utility import xl_rowcol_to_cell

from jixiao.forms.sheet import a1


@pytest.mark.parametrize("row, col", [(0, 0), (4, 3), (9, 25), (9, 26), (0, 51), (0, 52), (0, 701), (0, 702),
                                      (1048575, 16383)])
@pytest.mark.parametrize("absolute", [False, True])
def test_a1_matches_xlsxwriter(row, col, absolute):
    assert a1(row, col, absolute) == xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)


def test_checking_a_workbook_does_not_load_the_writers(example_book):
    """A batch worker starts with these imports: the writers and pandas stay out of it (the
    schemes are YAML data, so PyYAML is in)."""
    import subprocess
    import sys

    code = (f"import sys; from jixiao.checking import check_path; r = check_path({str(example_book)!r})\n"
            "assert r.readable, r.error\n"
            "print(sorted(m for m in ('pandas', 'openpyxl', 'xlsxwriter') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip().endswith("[]"), out.stderr
