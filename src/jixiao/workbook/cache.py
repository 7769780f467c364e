"""Put cached values back into formula cells after openpyxl saved a workbook.

openpyxl keeps formulas but writes them with an empty value (``<f>…</f><v />``), so a reader
that does not calculate would show blanks. After jixiao edits a workbook with openpyxl
(annotate, recompute), this writes each formula's value back, in place, in one pass per sheet.
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from ..files import atomic_output
from .reader import Workbook

_FORMULA_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"((?:\s+[a-zA-Z:]+="[^"]*")*)\s*>(<f(?:\s[^>]*)?>.*?</f>|<f(?:\s[^>]*)?/>)<v\s*/>\s*</c>',
                           re.S)
_T_ATTR = re.compile(r'\s+t="[^"]*"')


def _cell(ref: str, attrs: str, formula: str, value: object) -> str:
    attrs = _T_ATTR.sub("", attrs)
    if isinstance(value, bool):
        return f'<c r="{ref}"{attrs} t="b">{formula}<v>{int(value)}</v></c>'
    if isinstance(value, (Decimal, int, float)):
        return f'<c r="{ref}"{attrs}>{formula}<v>{value}</v></c>'
    if isinstance(value, str) and value.startswith("#") and value.endswith(("!", "?", "A")):
        return f'<c r="{ref}"{attrs} t="e">{formula}<v>{escape(value)}</v></c>'
    return f'<c r="{ref}"{attrs} t="str">{formula}<v>{escape(str(value or ""))}</v></c>'


def restore_cached_values(path: str | Path, values: dict[str, dict[str, object]]) -> int:
    """Write ``values`` ({sheet name: {"E9": value}}) as the cached values of the formula cells
    of the workbook at ``path``. Returns how many cells got a value."""
    path = Path(path)
    with Workbook(path) as book:
        parts = {s.part: values.get(s.name, {}) for s in book.sheets}
    written = 0
    with atomic_output(path) as tmp, zipfile.ZipFile(path) as src, \
            zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            sheet_values = parts.get(item.filename)
            if sheet_values:
                def put(m: re.Match) -> str:
                    nonlocal written
                    ref = m.group(1)
                    if ref not in sheet_values:
                        return m.group(0)
                    written += 1
                    return _cell(ref, m.group(2), m.group(3), sheet_values[ref])

                data = _FORMULA_CELL.sub(put, data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    return written


def cached_values(path: str | Path) -> dict[str, dict[str, object]]:
    """Every formula cell's cached value: {sheet: {"E9": value}}."""
    from ..forms.sheet import a1

    out: dict[str, dict[str, object]] = {}
    with Workbook(path) as book:
        for name in book.sheet_names():
            cells = {a1(r, c): cell.value for (r, c), cell in book.sheet(name).cells.items()
                     if cell.formula is not None and cell.value is not None}
            if cells:
                out[name] = cells
    return out
