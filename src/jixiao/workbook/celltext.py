"""Text in a cell stays text: Excel's limit on a cell's text, and how a string is written so that
nothing reads it as a formula, a number or a date.

Every writer of jixiao's workbooks goes through here: XlsxWriter with its strings_to_* options off
(``XLSXWRITER_OPTIONS``), the package editor with ``sheet_text`` (an inline string, never ``<f>``),
and the Excel buttons with ``typed_as_text`` (Excel parses what is typed into a cell).
"""

from __future__ import annotations

import re

CELL_TEXT_MAX = 32767  # characters Excel keeps in one cell; XlsxWriter cuts silently beyond it

# XlsxWriter would otherwise turn "=…" into a formula, "http…" into a link and "001" into 1.
XLSXWRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

# XML 1.0 cannot carry C0 controls (tab and line feed aside) and turns a CR into a line feed;
# Excel stores them as _xHHHH_, and a literal "_xHHHH_" typed by a user as _x005F_xHHHH_.
_NEEDS_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def _excel_escape(m: re.Match) -> str:
    return f"_x{ord(m.group(0)):04X}_"


def xml_safe(text: str) -> str:
    """``text`` with what XML cannot carry written as Excel's ``_xHHHH_`` (no XML escaping:
    for a writer that escapes, such as XlsxWriter for a formula's cached text)."""
    return _NEEDS_ESCAPE.sub(_excel_escape, text)


def xml_escape(text: str) -> str:
    """``&``, ``<`` and ``>`` escaped for an element's text (xml.sax.saxutils would import
    urllib.request and http.client, 18 ms of every check's start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sheet_text(text: str) -> str:
    """``text`` as the body of a sheet's ``<t>`` element: XML escapes and Excel's ``_xHHHH_``."""
    return xml_escape(_NEEDS_ESCAPE.sub(_excel_escape, text))


def typed_as_text(value: object) -> object:
    """What to send to an Excel cell so a string arrives as that string: Excel reads "=…" as a
    formula, "001" as 1 and "2024-01-01" as a date, but never text after a leading apostrophe
    (the apostrophe itself is not part of the value)."""
    return "'" + value if isinstance(value, str) and value else value


def too_long(text: object) -> bool:
    return isinstance(text, str) and len(text) > CELL_TEXT_MAX


def cut_with_note(text: str) -> str:
    """``text`` shortened to a cell's limit, saying so at its end (for tables that list, not keep)."""
    note = f"……（原文 {len(text)} 字，超过单元格上限 {CELL_TEXT_MAX} 字，以下从略）"
    return text[:CELL_TEXT_MAX - len(note)] + note


def fit(value: object) -> object:
    """A value for a listing cell (results, summary): a text past the limit cut with a note."""
    return cut_with_note(value) if too_long(value) else value


def long_texts(tree: object, path: str = "") -> list[tuple[str, int]]:
    """The (path, length) of every string in a plain tree (dicts, lists) beyond a cell's limit."""
    found: list[tuple[str, int]] = []
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += long_texts(value, f"{path}.{key}" if path else str(key))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            found += long_texts(value, f"{path}[{i}]")
    elif too_long(tree):
        found.append((path, len(tree)))
    return found
