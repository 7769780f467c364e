"""Excel's shared formulas, taken apart where jixiao rewrites their master cell.

Excel stores a formula filled across cells once, on the first cell (the master:
``<f t="shared" ref="E5:F5" si="0">E3+E4</f>``), and each other cell names only the group
(``<f t="shared" si="0"/>``) and means the master's formula moved by its own offset. When
recompute replaces the master with a formula of its own, the other cells must not be left
pointing at a master that is gone (ECMA-376 §18.3.1.40): each gets the master's formula moved
to its place, written out in full.
"""

from __future__ import annotations

import re

from ..forms.sheet import col_name
from .reader import parse_ref

# A cell reference outside quotes: optional $, 1-3 letters, optional $, a row number; not part of
# a longer name (before: letters, digits, "_", "." or "$"), not a function name (after: "(").
_REF = re.compile(r"(?<![A-Za-z0-9_.$])(\$?)([A-Za-z]{1,3})(\$?)([1-9]\d{0,6})(?![A-Za-z0-9_(])")
# The parts of a formula that are not expressions: "strings" and 'sheet names' (quotes doubled).
_QUOTED = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'')
MAX_ROW, MAX_COL = 1_048_576, 16_384


def shift(formula: str, rows: int, cols: int) -> str:
    """``formula`` as it reads ``rows`` down and ``cols`` right of where it was written:
    relative references move, $-anchored parts stay, quoted text and sheet names are untouched."""

    def move(m: re.Match) -> str:
        col_abs, letters, row_abs, digits = m.groups()
        _, col = parse_ref(f"{letters}1")
        col += 0 if col_abs else cols
        row = int(digits) + (0 if row_abs else rows)
        if not (0 <= col < MAX_COL and 1 <= row <= MAX_ROW):
            return "#REF!"
        return f"{col_abs}{col_name(col)}{row_abs}{row}"

    out, at = [], 0
    for quoted in _QUOTED.finditer(formula):
        out.append(_REF.sub(move, formula[at:quoted.start()]))
        out.append(quoted.group(0))
        at = quoted.end()
    out.append(_REF.sub(move, formula[at:]))
    return "".join(out)


_MASTER = re.compile(r'<f\b(?=[^>]*\bt="shared")(?=[^>]*\bref=")[^>]*\bsi="(\d+)"[^>]*>(.*?)</f>', re.S)


def unshare(xml: str, cell_xml: str, ref: str) -> str:
    """``xml`` (a sheet) with the group whose master is ``cell_xml`` (at ``ref``) written out:
    every other cell of the group gets the master's formula moved to its place."""
    master = _MASTER.search(cell_xml)
    if master is None:
        return xml
    si, text = master.group(1), master.group(2)
    from xml.sax.saxutils import escape, unescape

    formula = unescape(text, {"&quot;": '"', "&apos;": "'"})
    row0, col0 = parse_ref(ref)
    follower = re.compile(rf'(<c r="([A-Z]+\d+)"[^>]*>)\s*<f\b(?=[^>]*\bt="shared")(?![^>]*\bref=)[^>]*\bsi="{si}"[^>]*?(?:/>|>\s*</f>)')

    def write_out(m: re.Match) -> str:
        row, col = parse_ref(m.group(2))
        return f"{m.group(1)}<f>{escape(shift(formula, row - row0, col - col0))}</f>"

    return follower.sub(write_out, xml)
