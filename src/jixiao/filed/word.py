"""A filed Word document (.docx) as the paragraphs and tables of its body, in order.

Only ``word/document.xml`` is read, as XML, after the package passes the same checks a workbook
does (size, zip bombs, encryption, the old binary .doc). A table keeps its merges: a cell spanning
columns (``w:gridSpan``) and a cell merged down (``w:vMerge``) become one ``Cell`` covering them,
as the paper form shows it. Content controls (``w:sdt``) are looked into; nested tables are not
forms and are read as their cell's text.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..errors import JixiaoError, where_in_text
from ..workbook.safety import WORD_DOCUMENT, open_package, read_member, refuse_declarations
from .grid import Cell, Grid, Paragraph

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (f"{W}p", f"{W}tbl", f"{W}tr", f"{W}tc", f"{W}sdt", f"{W}sdtContent")
_TEXT, _TAB, _BREAKS = f"{W}t", f"{W}tab", (f"{W}br", f"{W}cr")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True, remove_pis=True)
MAIN_PART = "word/document.xml"


def read_word(path: str | Path) -> list[Paragraph | Grid]:
    """The body of a .docx: its paragraphs and tables (named 表1, 表2 … in order)."""
    with open_package(path, WORD_DOCUMENT) as archive:
        data = read_member(archive, MAIN_PART)
    refuse_declarations(data, MAIN_PART)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        raise JixiaoError(f"Word 文档的正文（{MAIN_PART}）已损坏，不是有效的 XML{where_in_text(e)}：{path}") from None
    body = root.find(f"{W}body")
    if body is None:
        raise JixiaoError(f"Word 文档没有正文：{path}")
    blocks: list[Paragraph | Grid] = []
    for element in _children(body):
        if element.tag == _P:
            blocks.append(Paragraph(_paragraph_text(element)))
        elif element.tag == _TBL:
            blocks.append(_grid(element, f"表{sum(isinstance(b, Grid) for b in blocks) + 1}"))
    return blocks


def _children(parent):
    """Block-level children, looking through content controls."""
    for child in parent:
        if child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _children(content)
        else:
            yield child


def _paragraph_text(p) -> str:
    """The words of a paragraph (a tracked deletion is ``w:delText``, so it is not read)."""
    parts = []
    for node in p.iter(_TEXT, _TAB, *_BREAKS):
        if node.tag == _TEXT:
            parts.append(node.text or "")
        else:
            parts.append("\t" if node.tag == _TAB else "\n")
    return "".join(parts)


def _cell_text(tc) -> str:
    lines = []
    for p in tc.iter(_P):  # paragraphs of nested tables too: their words belong to the cell
        lines.append(_paragraph_text(p))
    return "\n".join(lines)


MAX_COLUMNS = 63  # Word's own limit on a table's columns


def _int(value: str | None, default: int) -> int:
    try:
        return min(max(1, int(value)), MAX_COLUMNS) if value is not None else default
    except ValueError:
        return default


def _grid(tbl, name: str) -> Grid:
    cells: list[Cell] = []
    open_above: dict[int, Cell] = {}  # a column → the cell that a vMerge continuation extends
    for r, tr in enumerate(el for el in _children(tbl) if el.tag == _TR):
        c = 0
        props = tr.find(f"{W}trPr")
        if props is not None and (before := props.find(f"{W}gridBefore")) is not None:
            c = _int(before.get(f"{W}val"), 0)
        for tc in (el for el in _children(tr) if el.tag == _TC):
            span, merge = 1, None
            tc_pr = tc.find(f"{W}tcPr")
            if tc_pr is not None:
                if (grid_span := tc_pr.find(f"{W}gridSpan")) is not None:
                    span = _int(grid_span.get(f"{W}val"), 1)
                if (v_merge := tc_pr.find(f"{W}vMerge")) is not None:
                    merge = v_merge.get(f"{W}val", "continue")
            above = open_above.get(c)
            if merge == "continue" and above is not None and above.cols == span and above.last_row == r - 1:
                above.rows += 1
            else:
                cell = Cell(_cell_text(tc), r, c, 1, span)
                cells.append(cell)
                open_above[c] = cell
            c += span
    return Grid(name, cells)
