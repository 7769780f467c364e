"""Extract: read a filled workbook back into a `jixiao/1` Document.

Fields are found by their defined names (see ``forms.layout``), so rows inserted in Excel, which
move the cells and stretch the names, do not matter. A derived cell counts as *stated* only when
it holds a typed value rather than a formula, as the spec's round trip requires.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from ..errors import JixiaoError
from ..forms.layout import NOT_APPLICABLE, FORM_A1, FORM_A2, FORM_NAME, FORM_PROJECT, FORMS, INFO_FIELDS, Table
from ..model.document import FORMAT, BasicData, is_placeholder, Department, Document, Indicator, Overall, Project, Report
from ..model.numbers import plain
from ..model.schemes import load_scheme
from .reader import Cell, Sheet, Workbook

_WEIGHT_SUFFIX = re.compile(r"[（(]\s*\d+(\.\d+)?\s*分\s*[）)]\s*$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def _clean(value: object, kind: str) -> object:
    """A cell value as the data model holds it for a field of ``kind``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel shows it; not a number, so F02 reports it
    if isinstance(value, str):
        text = value if kind == "text" else value.strip()
        if kind == "amount" and text == NOT_APPLICABLE:
            return None
        return text if text.strip() else None
    if isinstance(value, Decimal):
        return plain(value) if kind == "text" else value
    return value


def _field_value(cell: Cell, kind: str, derived: bool) -> object:
    if derived and cell.formula is not None:
        return None  # a live formula states nothing
    return _clean(cell.value, kind)


def _set_path(obj, path: str, value) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        obj = getattr(obj, part)
    setattr(obj, parts[-1], value)


def _cell_of(book: Workbook, sheet: Sheet, name: str) -> Cell | None:
    target = book.name(name, sheet.name)
    if target is None or target.range is None or target.sheet != sheet.name:
        return None
    r1, c1, _, _ = target.range
    return sheet.cell(r1, c1)


def _read_fields(book: Workbook, sheet: Sheet, block, fields) -> list[str]:
    missing = []
    for f in fields:
        cell = _cell_of(book, sheet, f.name)
        if cell is None:
            missing.append(f.path)
            continue
        value = _field_value(cell, f.kind, f.derived)
        if value is not None:
            if f.path.startswith("report.") and block.report is None:
                block.report = Report()
            _set_path(block, f.path, value)
    return missing


def _read_table(book: Workbook, sheet: Sheet, table: Table) -> list | None:
    target = book.name(table.name, sheet.name)
    if target is None or target.range is None:
        return None
    r1, c1, r2, _ = target.range
    items = []
    level1 = level2 = None
    item_cls = table.item
    for r in range(r1, r2 + 1):
        item = item_cls()
        for col in table.columns:
            value = _field_value(sheet.cell(r, c1 + col.offset), col.kind, col.derived)
            setattr(item, col.path, value)
        if item_cls is Indicator:
            # 一级/二级 cells are merged over their rows: carry them down.
            if item.level1 is not None:
                item.level1 = _WEIGHT_SUFFIX.sub("", item.level1.strip())
                if item.level1 != level1:
                    level2 = None
                level1 = item.level1
            item.level1 = level1
            if item.level2 is not None:
                level2 = item.level2.strip()
            item.level2 = level2
            if is_placeholder(item):
                continue
        elif all(getattr(item, col.path) is None for col in table.columns):
            continue
        items.append(item)
    return items


def _read_form(book: Workbook, sheet: Sheet, form: str, block) -> None:
    fields, tables = FORMS[form]
    missing = _read_fields(book, sheet, block, fields)
    for table in tables:
        items = _read_table(book, sheet, table)
        if items is None:
            missing.append(table.path)
        else:
            _set_path(block, table.path, items)
    if missing:
        raise JixiaoError(
            f"工作表“{sheet.name}”缺少 {len(missing)} 个字段的名称（可能被删除或改名），无法可靠读取：" + "、".join(missing[:8])
            + ("……" if len(missing) > 8 else ""))


def _info_value(book: Workbook, name: str) -> object:
    target = book.name(name)
    if target is None or target.range is None or target.sheet is None:
        return None
    return book.sheet(target.sheet).value(*target.range[:2])


def extract(path: str | Path) -> Document:
    """The Document a jixiao workbook holds (see the module docstring)."""
    with Workbook(path) as book:
        if book.name("jx_year") is None:
            raise JixiaoError(f"这个工作簿没有 jixiao 的字段名称（不是由 jixiao 生成的模板或工作簿），暂时无法读取：{path}")
        year = _info_value(book, "jx_year")
        if not isinstance(year, Decimal) or year != year.to_integral_value():
            raise JixiaoError(f"“基本信息”中的年度应为四位数字，实际为：{year!r}")
        scheme = _clean(_info_value(book, "jx_scheme"), "text")
        load_scheme(str(scheme))  # an unknown scheme is reported here, with the known ones
        department = Department()
        for path_, (name, _label) in INFO_FIELDS.items():
            if path_.startswith("department."):
                value = _info_value(book, name)
                if path_ == "department.filled_on" and isinstance(value, Decimal):
                    value = (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
                setattr(department, path_.split(".")[1], _clean(value, "text"))
        doc = Document(year=int(year), scheme=str(scheme), format=FORMAT, department=department)
        for entry in book.sheets:
            target = book.name(FORM_NAME, entry.name)
            form = target.constant if target is not None else None
            if form not in (FORM_A1, FORM_A2, FORM_PROJECT):
                continue
            sheet = book.sheet(entry.name)
            if form == FORM_A1:
                doc.basic_data = BasicData()
                _read_form(book, sheet, form, doc.basic_data)
            elif form == FORM_A2:
                doc.overall = Overall()
                _read_form(book, sheet, form, doc.overall)
            else:
                project = Project()
                _read_form(book, sheet, form, project)
                doc.projects.append(project)
        return doc
