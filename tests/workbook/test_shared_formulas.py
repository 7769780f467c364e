"""Moving a shared formula to a follower's place, held against openpyxl's Translator."""

from __future__ import annotations

import pytest
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter

from jixiao.workbook.shared_formulas import shift

FORMULAS = [
    "E3+E4", "SUM(E5:E9)", "$E$3+E$4+$E4", "'Sheet 1'!A1+\"A1\"&B2", "LOG10(A1)", "jx_total+A1",
    'IF(A1>0,ROUND(B2/C2*100,2),"—")', "SUM('项目 1'!D7:D9)", "'It''s'!B2*2",
    'IF(AND(ISNUMBER(D9),ISNUMBER(E9)),IF(D9<>0,(E9-D9)/D9,"—"),"—")',
]
MOVES = [(1, 0), (0, 1), (3, 2), (0, 0)]


@pytest.mark.parametrize("formula", FORMULAS)
@pytest.mark.parametrize("rows, cols", MOVES)
def test_shift_agrees_with_openpyxl(formula, rows, cols):
    origin, dest = "C5", f"{get_column_letter(3 + cols)}{5 + rows}"
    assert shift(formula, rows, cols) == Translator("=" + formula, origin=origin).translate_formula(dest)[1:]


def test_a_reference_moved_off_the_sheet_becomes_ref_error():
    assert shift("A1+B2", -1, 0) == "#REF!+B1"
