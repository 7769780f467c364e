"""Fill: write a Document as a workbook (附件1, 附件2, one sheet per project), or a blank one.

Workbooks are written with XlsxWriter, which stores each formula together with its cached
value, so pandas, python-calamine or a phone's preview show the right numbers without
recalculating. The blank templates in ``workbook_templates/`` are this same code run on an
empty document, so a filled workbook and a template never drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from .. import __version__
from ..errors import JixiaoError
from ..files import atomic_output
from ..forms.layout import FORM_A1, FORM_A2, INFO_SHEET, SHEET_NAME_FORBIDDEN, SHEET_NAME_MAX
from ..forms.spec import FORM_SPECS, INFO_SPEC
from ..forms.styles import Styles
from ..model.document import BasicData, Document, Overall, Project
from ..model.schemes import load_scheme
from . import macros
from .celltext import CELL_TEXT_MAX, XLSXWRITER_OPTIONS, long_texts

RESERVED_SHEETS = {INFO_SHEET, FORM_A1, FORM_A2, "校验结果", "操作", "xlwings.conf", "History"}
# Excel allows "!" in a sheet name, but XlsxWriter cannot then scope the sheet's defined names to it.
NAME_SCOPE_BREAKERS = set("!")
# Templates carry a fixed timestamp so that rebuilding them gives identical bytes.
TEMPLATE_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)


@dataclass
class Book:
    workbook: object
    styles: Styles


def sheet_names(project_names: list[str | None]) -> list[str]:
    """Excel-safe, unique sheet names for the projects, in order.

    Excel allows 31 characters, none of []:*?/\\ or control characters, no leading or trailing
    apostrophe, and compares names without case.
    """
    taken = {n.lower() for n in RESERVED_SHEETS}
    out = []
    for i, raw in enumerate(project_names, start=1):
        name = "".join("_" if ch in SHEET_NAME_FORBIDDEN or ch in NAME_SCOPE_BREAKERS else ch for ch in (raw or "").strip()
                       if ch.isspace() or ch.isprintable())  # a control character cannot name a sheet
        name = " ".join(name.split()).strip("'") or f"项目{i}"
        # XlsxWriter escapes "_x0041_" in the names' references but not in the sheet's own name,
        # so the two would no longer match: such a run is no sheet name anyone means.
        name = re.sub(r"_(?=x[0-9A-Fa-f]{4}_)", "-", name)
        base = name[:SHEET_NAME_MAX]
        candidate, n = base, 2
        while candidate.lower() in taken:
            suffix = f"({n})"
            candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
            n += 1
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def write_workbook(doc: Document, path: str | Path, *, blank: bool = False, fixed_time: bool = False) -> Path:
    """Write ``doc`` to ``path`` atomically; ``blank`` lays out empty forms (templates, `new`).
    A path ending in .xlsm gives the macro-enabled workbook with the 操作 sheet and its buttons."""
    path = Path(path)
    xlsm = path.suffix.lower() == ".xlsm"
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise JixiaoError(f"输出文件应以 .xlsx（或带按钮的 .xlsm）结尾：{path}")
    _refuse_long_texts(doc)
    scheme = load_scheme(doc.scheme)
    with atomic_output(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), dict(XLSXWRITER_OPTIONS))
        wb.set_properties({
            "title": f"{doc.year}年度预算绩效自评",
            "subject": doc.department.name or "",
            "author": doc.department.filled_by or "",
            "comments": f"jixiao {__version__}; format {doc.format}; scheme {doc.scheme}",
            "created": TEMPLATE_TIME if fixed_time else dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
        })
        wb.set_custom_property("jixiao_format", doc.format)
        book = Book(wb, Styles(wb))
        if xlsm:
            macros.add_operations_sheet(book)
        INFO_SPEC.build(book, doc)
        for spec in FORM_SPECS:
            blocks = [block for _, block in spec.blocks(doc)]
            # A project's sheet is named after it; 附件1 and 附件2 by their key.
            names = sheet_names([b.name for b in blocks]) if spec.many else [spec.key] * len(blocks)
            for name, block in zip(names, blocks):
                spec.build(book, name, block, doc, scheme, blank)
        if xlsm:
            macros.add_conf_sheet(book)
            macros.add_vba(book)
        first_form = 2 if xlsm else 1  # open on 附件1 (after 基本信息, and the 操作 sheet)
        wb.worksheets()[min(first_form, len(wb.worksheets()) - 1)].activate()
        wb.close()
    return path


def _refuse_long_texts(doc: Document) -> None:
    """A text longer than a cell holds would be cut by XlsxWriter without a word: refuse it first."""
    from ..model.dataformat import to_plain

    found = long_texts(to_plain(doc))
    if found:
        raise JixiaoError(f"以下文字超过 Excel 单元格上限 {CELL_TEXT_MAX} 字，填入表格会被截断，请缩短后再试：",
                          [f"{path}：{length} 字" for path, length in found])


def blank_document(year: int, scheme: str, projects: int = 1, department: str | None = None) -> Document:
    """An empty document: 附件1, 附件2 and ``projects`` blank project forms."""
    doc = Document(year=year, scheme=scheme, basic_data=BasicData(), overall=Overall(),
                   projects=[Project() for _ in range(projects)])
    doc.department.name = department
    return doc


def fill(doc: Document, path: str | Path) -> Path:
    return write_workbook(doc, path)


def new(year: int, scheme: str, projects: int, path: str | Path) -> Path:
    return write_workbook(blank_document(year, scheme, projects), path, blank=True)
