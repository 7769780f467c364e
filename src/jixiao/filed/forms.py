"""Forms read by the labels printed on them, from any table: a filed Word document's, or a sheet
of a workbook jixiao did not write.

Each table is known for a form by a label only that form prints (项目支出名称, 年度预算申请,
经费控制情况); each field is read from the cell its label governs — right of it (项目支出名称 →
the name), below it (预期目标 → the goal) or at the crossing of a row label and a column header
(年度资金总额 × 全年预算数) — with the labels the form registry declares (``forms.layout``). Rows of a
form table that no label accounts for are reported by position and first words, never guessed.
The narrative paragraphs before a project's table are its 绩效自评报告; the footer paragraph gives
the department's 填表人, 填报日期 and 联系电话; the 一级 labels and their weights name the scheme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..errors import JixiaoError
from ..forms.layout import (A1_AMOUNTS_LABEL, A1_AUSTERITY_LABEL, A1_LINK_LABEL, A1_BUILDINGS_LABEL, A1_ROWS_AFTER_SPECIAL,
                            A1_ROWS_BEFORE_SPECIAL, A1_STAFF_LABEL, A2_DEPARTMENT_LABEL, A2_FUNDS_LABEL,
                            AMOUNT_COLUMNS, BUILDING_HEADERS, BY_NATURE_LABEL, BY_SOURCE_LABEL, EXECUTION_HEADERS,
                            FORM_A1, FORM_A2, FORM_PROJECT, FUND_HEADERS, FUND_LABELS, GOALS_LABEL, INDICATOR_COLUMNS,
                            FOOTER_FIELDS, INDICATOR_HEADERS, INFO_FIELDS, LABELS, PROJECT_FUNDS_LABEL, PROJECT_HEAD_FIELDS,
                            REPORT_LABELS, SIDE_LABELS, STAFF_HEADERS, TITLES)
from ..model.document import (FORMAT, AmountRow, BasicData, Building, Department, Document, Execution, FundRow, Goals,
                              Indicator, Overall, Project, ProjectFunds, Report, SpecialFund)
from ..model.numbers import parse_plain
from ..model.schemes import load_scheme, scheme_ids
from .grid import ERROR_VALUES, PLACEHOLDERS, Cell, Grid, Paragraph, cell_text, label_key, weight_of

# The label only each form prints, by which its table is known (checked in this order).
SIGNATURES = ((FORM_PROJECT, (label_key(LABELS["name"]), label_key(PROJECT_FUNDS_LABEL))),
              (FORM_A2, (label_key(A2_FUNDS_LABEL), label_key(A2_DEPARTMENT_LABEL))),
              (FORM_A1, (label_key(A1_AMOUNTS_LABEL), label_key(A1_STAFF_LABEL))))
_YEAR_IN_TITLE = re.compile(r"(\d{4})\s*年度?")
_NOT_APPLICABLE = frozenset({"", "——", "—", "-", "－"})
# The report's sections by their numeral ("一、预算收支出情况" → budget); 二 holds two fields
_SECTIONS: dict[str, list[str]] = {}
for _key, _label in REPORT_LABELS.items():
    _SECTIONS.setdefault(_label[:2], []).append(_key)
SPENDING_TURN = "项目实施及绩效情况如下："  # where a report turns from what was spent to what it achieved
_FOOTER_LABELS = {f.path: f.label for f in FOOTER_FIELDS}


@dataclass
class FiledLocations:
    """Where each field was read, as a person finds it again: "表3 第7行 年度指标值" in a
    document; in a workbook its cell ("E7") on its form's sheet. Used as ``BookContents.locations``."""

    places: dict[str, str] = field(default_factory=dict)
    sheets: dict[str, str] = field(default_factory=dict)

    def get(self, path: str, default: str | None = None) -> str | None:
        return self.places.get(path, default)

    def __contains__(self, path: str) -> bool:
        return path in self.places

    def __getitem__(self, path: str) -> str:
        return self.places[path]

    def sheet_of(self, path: str) -> str:
        """The sheet of the form ``path`` belongs to ("" in a document: the place names the table)."""
        return self.sheets.get(path.partition(".")[0], "")


def _a1(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


class _Form:
    """One form table being read: what was read where, and which rows were accounted for."""

    def __init__(self, grid: Grid, prefix: str, locations: FiledLocations, in_workbook: bool):
        self.grid, self.prefix, self.locations, self.in_workbook = grid, prefix, locations, in_workbook
        self.used_rows: set[int] = set()
        self.missing: list[str] = []  # the form's labels this table does not print
        if in_workbook:
            locations.sheets[prefix] = grid.name
            locations.places.setdefault(prefix, "A1")
        else:
            locations.places.setdefault(prefix, grid.name)

    def place(self, cell: Cell, what: str) -> str:
        if self.in_workbook:
            return _a1(cell.row, cell.col)
        return f"{self.grid.name} 第{cell.row + 1}行 {what}".rstrip()

    def label(self, text: str, after: int = -1, required: bool = True) -> Cell | None:
        """The cell printing ``text`` (below row ``after``); a form label not found is noted."""
        cell = self.grid.find(label_key(text), after)
        if cell is not None:
            self.used_rows.add(cell.row)
        elif required and text not in self.missing:
            self.missing.append(text)
        return cell

    def read(self, cell: Cell | None, path: str, kind: str, what: str):
        """The value of ``cell`` for a field of ``kind``, its place noted under ``path``."""
        if cell is None:
            return None
        self.used_rows.update(range(cell.row, cell.last_row + 1))
        self.locations.places[f"{self.prefix}.{path}"] = self.place(cell, what)
        return value_of(cell.value, kind)

    def unplaced(self, upto: int | None = None) -> list[str]:
        """Labels the form prints that this table lacks, and rows with words no label accounted for."""
        notes = [f"{self.grid.name}：没有找到“{cell_text(text)}”，这一项未读取（留空）" for text in self.missing]
        for r in range(self.grid.n_rows if upto is None else upto):
            if r in self.used_rows:
                continue
            words = [c.value for c in self.grid.row(r)
                     if c.row == r and c.value not in PLACEHOLDERS and c.value not in ERROR_VALUES]
            if words:
                where = f"{self.grid.name}!{_a1(r, 0)}" if self.in_workbook else f"{self.grid.name} 第{r + 1}行"
                notes.append(f"{where}“{words[0][:20]}”：不是这张表已知的栏目，未读取")
        return notes


def value_of(text: str, kind: str):
    """A cell's words as the data model holds them: text as written, a plain number as a Decimal,
    anything else (units, %, words) as its text; the forms' "not applicable" dash as blank."""
    if kind == "text":
        return text or None
    if text in _NOT_APPLICABLE:
        return None
    number = parse_plain(text)
    return number if number is not None else text


# --- the forms ----------------------------------------------------------------------------------


def _funds(form: _Form, rows: dict[str, str], path_of) -> dict[str, FundRow]:
    """The funds table: each labelled row crossed with the 年初/全年/执行 headers."""
    headers = {col: form.label(text) for col, text in FUND_HEADERS.items()}
    out: dict[str, FundRow] = {}
    for key, label in rows.items():
        row_cell = form.label(label)
        if row_cell is None:
            continue
        values = {}
        for col, header in headers.items():
            cell = form.grid.under(header, row_cell.row) if header is not None else None
            values[col] = form.read(cell, path_of(key, col), "amount", FUND_HEADERS[col])
        out[key] = FundRow(**values)
    return out


def _execution(form: _Form, total_label: str) -> Execution:
    total = form.label(total_label)
    values = {}
    for key, text in EXECUTION_HEADERS.items():
        header = form.label(text)
        cell = form.grid.under(header, total.row) if header is not None and total is not None else None
        values[key] = form.read(cell, f"execution.{key}", "score" if key != "rate" else "rate", text)
    return Execution(**values)


def _goals(form: _Form) -> Goals:
    form.label(GOALS_LABEL)
    values = {}
    for key in ("target", "actual"):
        header = form.label(LABELS[f"goals.{key}"])
        values[key] = form.read(form.grid.below(header) if header else None, f"goals.{key}", "text", LABELS[f"goals.{key}"])
    return Goals(**values)


def _indicators(form: _Form, weights: dict[str, set[str]]) -> tuple[list[Indicator], object]:
    """The indicator rows between the header row and 总分, and the 总分 stated."""
    first = form.label(INDICATOR_HEADERS[0])
    if first is None:
        raise JixiaoError(f"“{form.grid.name}”中没有找到“{INDICATOR_HEADERS[0]}”表头，无法读取绩效指标")
    headers = [form.label(text, first.row - 1) for text in INDICATOR_HEADERS]
    total = form.label(LABELS["total_score"], first.row)
    end = total.row if total is not None else form.grid.n_rows
    out: list[Indicator] = []
    level1 = level2 = None
    for r in range(first.last_row + 1, end):
        cells = [form.grid.under(h, r) if h is not None else None for h in headers]
        texts = [c.value if c is not None else "" for c in cells]
        l1, weight = weight_of(cells[0].text) if cells[0] is not None else ("", None)
        if l1:
            level1 = l1
            if weight is not None:
                weights.setdefault(l1, set()).add(weight)
        if texts[1]:
            level2 = texts[1]
        form.used_rows.add(r)
        if all(t in PLACEHOLDERS for t in texts[2:]):
            continue  # a category with no indicator ("/" or "……" across the row)
        i = len(out)
        values = {}
        for column, cell, text in zip(INDICATOR_COLUMNS[2:], cells[2:], INDICATOR_HEADERS[2:]):
            values[column.path] = form.read(cell, f"indicators[{i}].{column.path}", column.kind, text)
        form.locations.places[f"{form.prefix}.indicators[{i}]"] = form.place(cells[2] or first, "")
        out.append(Indicator(level1=level1, level2=level2, **values))
    score = None
    if total is not None:
        score_header = headers[INDICATOR_HEADERS.index(EXECUTION_HEADERS["score"])]
        cell = form.grid.under(score_header, total.row) if score_header is not None else None
        score = form.read(cell, "total_score", "score", LABELS["total_score"])
    return out, score


def _right(form: _Form, label: str, path: str, kind: str = "text", required: bool = True):
    cell = form.label(label, required=required)
    return form.read(form.grid.right_of(cell) if cell else None, path, kind, label_key(label))


def read_project(form: _Form, narrative: list[str], weights: dict) -> Project:
    # A field the form declares optional may be missing from forms filed before it was added: not noted
    p = Project(**{f.path: _right(form, f.label, f.path, f.kind, f.required) for f in PROJECT_HEAD_FIELDS})
    for key, label in SIDE_LABELS.items():  # jixiao's own sheets print them beside the form
        if form.grid.find(label_key(label)) is not None:
            setattr(p, key, _right(form, label, key))
    form.label(PROJECT_FUNDS_LABEL)
    funds = _funds(form, FUND_LABELS, lambda key, col: f"funds.{key}.{col}")
    p.funds = ProjectFunds(**{k: funds.get(k, FundRow()) for k in FUND_LABELS})
    p.execution = _execution(form, FUND_LABELS["total"])
    p.adjustment_note = _adjustment_note(form)
    p.goals = _goals(form)
    p.indicators, p.total_score = _indicators(form, weights)
    p.report = _report_in_sheet(form)
    if p.report is None:
        p.report = read_report(narrative)
        if p.report is not None and not form.in_workbook:
            form.locations.places[f"{form.prefix}.report"] = f"{form.grid.name}之前的绩效自评报告"
    return p


def _adjustment_note(form: _Form):
    """预算调整说明: right of its label, or — where the label spans two rows, the first holding
    调整额 and 调整率 — the cell beside its last row."""
    label = form.label(LABELS["adjustment_note"], required=False)  # the spec's row, not the paper form's
    if label is None:
        return None
    cell = form.grid.at(label.last_row, label.last_col + 1)
    return form.read(cell, "adjustment_note", "text", label_key(LABELS["adjustment_note"]))


def _report_in_sheet(form: _Form) -> Report | None:
    """The report's sections kept on the form's sheet, each right of its printed label (jixiao's
    own sheets); None when the sheet has none."""
    labels = {cell_text(label): key for key, label in REPORT_LABELS.items()}
    found = [(cell, labels[cell.value]) for cell in form.grid.cells if cell.value in labels]
    if not found:
        return None
    report = Report()
    for cell, key in found:
        form.used_rows.add(cell.row)
        text_cell = form.grid.right_of(cell)
        form.read(text_cell, f"report.{key}", "text", cell.value)  # noted where it is
        lines = [cell_text(line) for line in text_cell.text.splitlines()] if text_cell is not None else []
        setattr(report, key, "\n".join(line for line in lines if line) or None)  # its paragraphs kept
    for cell in form.grid.cells:  # the heading over them
        if cell.row == found[0][0].row - 1:
            form.used_rows.add(cell.row)
    return report


def _labelled_amount(form: _Form, label: str, path: str):
    """An amount beside its label: in the label's own cell ("其中：一般公共预算：2917.75") or,
    when that holds only the label, in the next cell if it is a number."""
    key = label_key(label)
    cell = next((c for c in form.grid.cells if c.key.startswith(key)), None)
    if cell is None:
        return None
    form.used_rows.add(cell.row)
    words = cell.value
    inline = re.split(r"[:：]", words)[-1] if re.search(r"[:：]", words) else ""
    if inline.strip() and label_key(inline) != key:
        form.locations.places[f"{form.prefix}.{path}"] = form.place(cell, label_key(label))
        return value_of(inline.strip(), "amount")
    right = form.grid.right_of(cell)
    if right is not None and parse_plain(right.value) is not None:
        return form.read(right, path, "amount", label_key(label))
    return None


def read_overall(form: _Form, weights: dict) -> tuple[Overall, str | None]:
    o = Overall()
    department = _right(form, A2_DEPARTMENT_LABEL, "department")
    form.locations.places.pop(f"{form.prefix}.department", None)
    form.label(A2_FUNDS_LABEL)
    funds = _funds(form, {"total": FUND_LABELS["total"]}, lambda key, col: f"funds.{col}")
    o.funds = funds.get("total", FundRow())
    o.execution = _execution(form, FUND_LABELS["total"])
    o.adjustment_note = _adjustment_note(form)
    form.label(BY_SOURCE_LABEL)
    form.label(BY_NATURE_LABEL)
    for key in ("general_budget", "government_fund", "special_account", "other"):
        setattr(o.by_source, key, _labelled_amount(form, LABELS[f"by_source.{key}"], f"by_source.{key}"))
    for key in ("basic", "project"):
        setattr(o.by_nature, key, _labelled_amount(form, LABELS[f"by_nature.{key}"], f"by_nature.{key}"))
    o.goals = _goals(form)
    o.indicators, o.total_score = _indicators(form, weights)
    return o, department


def read_basic(form: _Form) -> BasicData:
    b = BasicData()
    staff = form.label(A1_STAFF_LABEL)
    # The headers right of 财政供养人员情况, in the form's order (found by place: a header may have
    # lost its words, as a jixiao sheet's year formulas do when its names are gone)
    heads = _cells_right_of(form, staff, len(STAFF_HEADERS))
    for (path, text), header in zip(STAFF_HEADERS.items(), heads):
        setattr(b.staff, path.split(".")[1], form.read(form.grid.below(header), path,
                                                        "count" if path != "staff.rate" else "rate", text))
    amounts = form.label(A1_AMOUNTS_LABEL)
    headers = _cells_right_of(form, amounts, len(AMOUNT_COLUMNS))

    def amount_row(label_cell: Cell, path: str) -> AmountRow:
        values = {}
        for col, header in zip(AMOUNT_COLUMNS, headers):
            values[col] = form.read(form.grid.under(header, label_cell.row), f"{path}.{col}", "amount", header.value)
        return AmountRow(**values)

    after = amounts.row if amounts is not None else -1
    special_row = None
    for spec in A1_ROWS_BEFORE_SPECIAL + A1_ROWS_AFTER_SPECIAL:
        cell = form.label(spec.label, after)
        if cell is None:
            continue
        if spec.path == "project_spending.special_total":
            special_row = cell
        block, _, name = spec.path.rpartition(".")
        target = getattr(b, block) if block else b
        setattr(target, name, amount_row(cell, spec.path))
    public = form.label(A1_ROWS_AFTER_SPECIAL[0].label, after)
    link = form.label(A1_LINK_LABEL, required=False)  # jixiao's own 附件1: the project each 专项 belongs to
    if special_row is not None and public is not None:
        for r in range(special_row.last_row + 1, public.row):
            name_cell = form.grid.at(r, special_row.col)
            if name_cell is None or name_cell.row != r or name_cell.value in PLACEHOLDERS:
                continue
            i = len(b.project_spending.special_funds)
            path = f"project_spending.special_funds[{i}]"
            fund = SpecialFund(name=form.read(name_cell, f"{path}.name", "text", "专项名称"))
            for col, header in zip(AMOUNT_COLUMNS, headers):
                setattr(fund, col, form.read(form.grid.under(header, r), f"{path}.{col}", "amount", header.value))
            if link is not None:
                fund.project = form.read(form.grid.under(link, r), f"{path}.project", "text", link.value)
            form.locations.places[path] = form.place(name_cell, "")
            b.project_spending.special_funds.append(fund)
    austerity = form.label(A1_AUSTERITY_LABEL)
    label = form.grid.find_prefix(label_key(A1_BUILDINGS_LABEL))
    heads = _cells_right_of(form, label, len(BUILDING_HEADERS))
    if label is None and (first_head := form.label(next(iter(BUILDING_HEADERS.values())), required=False)) is not None:
        # its label lost its words (a year formula whose name is gone): the headers still say
        heads = [first_head, *_cells_right_of(form, first_head, len(BUILDING_HEADERS) - 1)]
    if heads:
        head_row, name_col = heads[0].row, heads[0].col - 1
        form.used_rows.add(head_row)
        end = austerity.row if austerity is not None else head_row + 2
        for r in range(heads[0].last_row + 1, end):
            first = form.grid.at(r, name_col)
            if first is not None and first.row < r:
                first = None  # the section label merged down: the row has no name of its own
            cells = [form.grid.under(h, r) for h in heads]
            if all(c is None or c.value in PLACEHOLDERS for c in [first, *cells]):
                continue
            i = len(b.buildings)
            path = f"buildings[{i}]"
            building = Building(name=form.read(first, f"{path}.name", "text", "项目名称"))
            for key, cell in zip(BUILDING_HEADERS, cells):
                kind = "rate" if key.endswith("_rate") else ("amount" if "investment" in key else "area")
                setattr(building, key, form.read(cell, f"{path}.{key}", kind, BUILDING_HEADERS[key]))
            form.locations.places[path] = form.place(first or cells[0] or heads[0], "")
            b.buildings.append(building)
    if austerity is not None:
        b.austerity = form.read(form.grid.right_of(austerity), "austerity", "text", A1_AUSTERITY_LABEL)
    return b


def _cells_right_of(form: _Form, label: Cell | None, count: int) -> list[Cell]:
    """Up to ``count`` cells right of ``label`` on its row, in order."""
    cells = []
    cell = label
    while cell is not None and len(cells) < count and (cell := form.grid.right_of(cell)) is not None:
        cells.append(cell)
    return cells


def read_report(paragraphs: list[str]) -> Report | None:
    """A project's 绩效自评报告 from its paragraphs: sections by their numeral (一、二、三、四、);
    under 二, the paragraph saying what the money was used for (主要用于) is 资金主要用途, the
    rest is 实施及绩效情况."""
    sections: dict[str, list[str]] = {}
    current = None
    for raw in paragraphs:
        text = cell_text(raw)
        if text[:2] in _SECTIONS:
            current = text[:2]
            sections[current] = []
        elif current and text:
            sections[current].append(text)
    if not sections:
        return None
    report = Report()
    for numeral, keys in _SECTIONS.items():
        lines = sections.get(numeral, [])
        if len(keys) == 1:
            setattr(report, keys[0], "\n".join(lines) or None)
            continue
        spending_key, performance_key = keys
        spending = lines[0] if lines and "主要用于" in lines[0] else None
        performance = lines[1:] if spending else lines
        if spending and SPENDING_TURN in spending and not spending.endswith(SPENDING_TURN):
            spending, rest = spending.split(SPENDING_TURN, 1)
            spending += SPENDING_TURN
            performance = [rest, *performance]
        setattr(report, spending_key, spending)
        setattr(report, performance_key, "\n".join(performance) or None)
    return report


def _info(grid: Grid, department: Department, info: dict) -> bool:
    """A 基本信息 sheet (jixiao's, its names gone): each value right of its label. True if it is one."""
    labels = {f.path: label_key(f.label) for f in INFO_FIELDS}
    if grid.find(labels["year"]) is None or grid.find(labels["scheme"]) is None:
        return False
    for path, key in labels.items():
        cell = grid.find(key)
        value = grid.right_of(cell) if cell is not None else None
        if value is None or not value.value:
            continue
        if path.startswith("department."):
            setattr(department, path.split(".")[1], value.value)
        else:
            info[path] = value_of(value.value, "count")
    return True


def _footer(text: str, department: Department) -> bool:
    """The 填表人 … 联系电话 line under 附件1/附件2; True when ``text`` is one."""
    words = cell_text(text)
    labels = list(_FOOTER_LABELS.items())
    if not words.startswith(labels[0][1]):
        return False
    for i, (path, label) in enumerate(labels):
        start = words.find(label)
        if start < 0:
            continue
        start += len(label)
        ends = [words.find(other, start) for _, other in labels[i + 1:]]
        end = min((e for e in ends if e >= 0), default=len(words))
        value = words[start:end].lstrip("：:").strip() or None
        if path == "department.filled_on" and value:
            m = re.fullmatch(r"(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?", value)
            if m:
                value = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        attr = path.split(".")[1]
        if value and getattr(department, attr) is None:
            setattr(department, attr, value)
    return True


# --- the document -------------------------------------------------------------------------------


@dataclass
class FiledReading:
    doc: Document
    locations: FiledLocations
    unplaced: list[str]


def form_of_grid(grid: Grid) -> str | None:
    for form, keys in SIGNATURES:
        if any(grid.find(k) is not None for k in keys):
            return form
    return None


def read_filed(blocks: list[Paragraph | Grid], source: str, in_workbook: bool = False) -> FiledReading:
    """The Document that the forms among ``blocks`` hold (see the module docstring)."""
    locations = FiledLocations()
    unplaced: list[str] = []
    department = Department()
    years: list[int] = []
    weights: dict[str, set[str]] = {}
    basic = overall = None
    projects: list[Project] = []
    since_table: list[str] = []
    info: dict[str, object] = {}  # 年度 and 指标体系 from a 基本信息 sheet
    found_any = False
    for block in blocks:
        if isinstance(block, Paragraph):
            if _footer(block.text, department):
                continue
            words = cell_text(block.text)
            if any(words.endswith(t) for t in TITLES.values()):
                if m := _YEAR_IN_TITLE.search(words):
                    years.append(int(m.group(1)))
                continue
            since_table.append(block.text)
            continue
        form = form_of_grid(block)
        if form is None and _info(block, department, info):
            continue
        if form is None:
            if any(c.value not in PLACEHOLDERS for c in block.cells):
                unplaced.append(f"{block.name}：不是绩效自评表（附件1、附件2 或项目支出绩效自评表），未读取")
            since_table = []
            continue
        found_any = True
        for cell in block.cells[:3]:  # a workbook's title row sits in the table
            if any(cell.value.endswith(t) for t in TITLES.values()) and (m := _YEAR_IN_TITLE.search(cell.value)):
                years.append(int(m.group(1)))
        if form == FORM_PROJECT:
            reader = _Form(block, f"projects[{len(projects)}]", locations, in_workbook)
            projects.append(read_project(reader, since_table, weights))
        elif form == FORM_A2:
            reader = _Form(block, "overall", locations, in_workbook)
            overall, name = read_overall(reader, weights)
            if name and department.name is None:
                department.name = name
        else:
            reader = _Form(block, "basic_data", locations, in_workbook)
            basic = read_basic(reader)
        for cell in block.cells:  # titles and the footer, when a workbook keeps them in the table
            if cell.row not in reader.used_rows and (_footer(cell.text, department) or any(
                    cell.value.endswith(t) for t in TITLES.values()) or cell.value.startswith(("附件", "说明"))):
                reader.used_rows.add(cell.row)
        unplaced += reader.unplaced()
        since_table = []
    if not found_any:
        what = "这个工作簿不是 jixiao 生成的（没有 jixiao 的字段名称），也" if in_workbook else ""
        raise JixiaoError(f"{what}没有找到绩效自评表（附件1、附件2 或项目支出绩效自评表的栏目）：{source}")
    if isinstance(info.get("year"), Decimal):
        years.insert(0, int(info["year"]))
    if not years:
        raise JixiaoError(f"表题中没有年度（如“2024年度项目支出绩效自评表”），无法确定是哪一年的自评表：{source}")
    scheme = info.get("scheme") if info.get("scheme") in scheme_ids() else recognise_scheme(weights, source)
    doc = Document(year=years[0], scheme=scheme, format=FORMAT, department=department,
                   basic_data=basic, overall=overall, projects=projects)
    return FiledReading(doc, locations, unplaced)


def recognise_scheme(weights: dict[str, set[str]], source: str) -> str:
    """The scheme whose 一级 indicators and weights the forms print."""
    best, best_score = None, -1
    for scheme_id in scheme_ids():
        scheme = load_scheme(scheme_id)
        known = {l1.name: l1.weight for l1 in scheme.level1}
        if any(name not in known for name in weights):
            continue
        score = sum(1 for name, ws in weights.items() if ws == {_plain_weight(known[name])})
        if score > best_score:
            best, best_score = scheme_id, score
    if best is None:
        names = "、".join(weights) or "（无）"
        raise JixiaoError(f"表中的一级指标（{names}）与已知的指标体系（{'、'.join(scheme_ids())}）都不一致，"
                          f"无法确定指标体系：{source}")
    return best


def _plain_weight(weight) -> str:
    value = Decimal(str(weight))
    return str(value.to_integral_value()) if value == value.to_integral_value() else str(value)
