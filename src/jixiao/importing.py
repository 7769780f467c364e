"""Fill the data from the budget system's exports, and start next year from last year's workbook.

``import_budget`` reads a budget-execution export (one row per project and funding source) and,
optionally, the performance targets set at budget time, with pandas. Column names differ between
provinces: common Chinese headers are recognised, and a TOML mapping names the others. Amounts
in 元 become 万元 exactly. Updating an existing data file changes only what the export provides,
reports every change, never touches text a person wrote, adds new projects and reports (never
deletes) projects the export lacks.
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .errors import JixiaoError, where_in_text
from .files import require_regular_file
from .model.derive import FUND_COLUMNS, derive_basic
from .forms.spec import FORM_SPECS
from .forms.layout import FUND_HEADERS, FUND_LABELS, INDICATOR_HEADERS, INFO_FIELDS
from .model.document import AmountRow, BasicData, Document, Indicator, Project, get_path, set_path
from .model.numbers import MAX_NUMBER, plain
from .model.schemes import load_scheme

# Field → the headers that name it (checked after removing spaces).
SYNONYMS = {
    "code": ["项目编码", "项目代码", "项目编号", "预算项目编码"],
    "name": ["项目名称", "预算项目名称", "项目"],
    "source": ["资金性质", "资金来源", "资金类型", "经费来源", "资金性质/来源"],
    "initial": ["年初预算数", "年初预算", "年初数", "年初批复数"],
    "full_year": ["全年预算数", "调整后预算数", "调整后预算", "全年预算", "预算数（调整后）"],
    "executed": ["全年执行数", "执行数", "支出数", "实际支出", "实际支出数", "累计支出"],
}
TARGET_SYNONYMS = {
    "code": SYNONYMS["code"],
    "level1": ["一级指标"], "level2": ["二级指标"], "name": ["三级指标", "指标名称"],
    "target": ["指标值", "年度指标值", "目标值"], "weight": ["分值", "权重"],
}
# A funding source → the 项目资金 row it belongs to.
SOURCE_ROWS = (("结转", "carryover"), ("其他", "other"), ("自有", "other"), ("非财政", "other"))


HEADER_SEARCH_ROWS = 10  # real exports put a title, a unit line or a date above the header row


def _read_table(path: Path, synonyms: dict):
    """The export as a table of text under its header row: the first of the sheet's first rows
    naming two or more known columns (a title or "单位：元" line above it is skipped)."""
    import pandas as pd

    if not path.exists():
        raise JixiaoError(f"找不到文件：{path}")
    require_regular_file(path)
    suffix = path.suffix.lower()
    from .workbook.safety import MAX_FILE_BYTES

    if path.stat().st_size > MAX_FILE_BYTES:
        raise JixiaoError(f"文件过大（上限 {MAX_FILE_BYTES // 1024 // 1024} MB），拒绝读取：{path}")
    try:
        if suffix == ".csv":
            raw = pd.DataFrame(_csv_rows(path), dtype=str)
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            if suffix != ".xls":  # the old binary format has no zip to check; its size is checked above
                from .workbook.safety import open_workbook_zip

                open_workbook_zip(path).close()  # refuse encrypted, corrupt or renamed files with the reason
            raw = pd.read_excel(path, dtype=str, keep_default_na=False, engine="calamine", header=None)
        else:
            raise JixiaoError(f"导出表应为 .xlsx、.xls 或 .csv：{path}")
    except JixiaoError:
        raise
    except Exception:
        from .workbook.safety import xls_problem

        why = f"，{xls_problem(path)}" if suffix == ".xls" else "。请确认它是 Excel 或 CSV 文件，能在 Excel 中正常打开"
        raise JixiaoError(f"无法读取导出表{why}：{path}") from None
    return _under_header(raw, synonyms)


def _csv_rows(path: Path) -> list[list[str]]:
    """A CSV's rows, padded to one width: a title line above the header has fewer fields."""
    import csv
    import io

    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise JixiaoError(f"无法识别 CSV 文件的编码（应为 UTF-8 或 GBK）：{path}")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _squeeze(text) -> str:
    return str(text).replace(" ", "").replace("\u3000", "").replace("\n", "").strip()


def _under_header(raw, synonyms: dict):
    """``raw`` (no header) as a table under its header row; unnamed columns named by position."""
    known = {name for names in synonyms.values() for name in names}
    header_at = 0
    for i in range(min(HEADER_SEARCH_ROWS, len(raw))):
        if sum(_squeeze(v) in known for v in raw.iloc[i]) >= 2:
            header_at = i
            break
    names, seen = [], set()
    for j, value in enumerate(raw.iloc[header_at] if len(raw) else []):
        name = _squeeze(value) or f"第{j + 1}列"
        count = 2  # a name given again is numbered: 全年执行数（2）
        while name in seen:
            name = f"{_squeeze(value) or f'第{j + 1}列'}（{count}）"
            count += 1
        seen.add(name)
        names.append(name)
    table = raw.iloc[header_at + 1:].reset_index(drop=True)
    table.columns = names
    table.attrs["first_row"] = header_at + 2  # the sheet's row number of the first data row
    return table


def _columns(frame, synonyms: dict, mapping: dict, required: tuple[str, ...], source: Path,
             section: str = "columns") -> dict[str, str]:
    """Field → the column of ``frame`` holding it."""
    found = {}
    normal = {str(c).replace(" ", "").replace("\u3000", ""): c for c in frame.columns}
    for key, names in synonyms.items():
        if key in mapping:
            if mapping[key] not in frame.columns:
                raise JixiaoError(f"映射文件指定的列“{mapping[key]}”不在 {source.name} 中；已有的列：{'、'.join(map(str, frame.columns))}")
            found[key] = mapping[key]
            continue
        for name in names:
            if name in normal:
                if f"{name}（2）" in normal:  # which of the two holds the amounts? Only the person knows
                    raise JixiaoError(f"{source.name} 的表头中“{name}”出现了不止一次：请删去或改名重复的列，"
                                      f"或在映射文件的 [{section}] 段中指明用哪一列（如 {key} = \"{name}（2）\"）")
                found[key] = normal[name]
                break
    missing = [k for k in required if k not in found]
    if missing:
        labels = "、".join(synonyms[k][0] for k in missing)
        fields = "、".join(k + ' = "列名"' for k in missing)
        how = (f"请在映射文件的 [{section}] 段中指明（{fields}）" if mapping
               else "请用 --map 映射文件指明列名（见 README）")
        raise JixiaoError(f"{source.name} 中找不到这些列：{labels}。{how}；已有的列：{'、'.join(map(str, frame.columns))}")
    return found


_DATE_TEXT = re.compile(r"(\d{4}-\d{2}-\d{2})(?: 00:00:00)?")  # how pandas writes a date cell as text


def _number(text: str, what: str, where: str) -> Decimal | None:
    """A number from an export's cell text ("1,234.50" too), or a message naming its row."""
    text = str(text).strip().replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is not None and not value.is_finite():  # "nan", "inf": words, not numbers
        value = None
    if value is not None and abs(value) >= MAX_NUMBER:
        raise JixiaoError(f"{where}：{what}“{text[:40]}”超出任何金额、数量或分值可能的范围。请在导出表中改正")
    if value is None:
        date = _DATE_TEXT.fullmatch(text)
        shown = f"“{date[1]}”是日期，" if date else f"“{text[:40]}”"
        raise JixiaoError(f"{where}：{what}{shown}不是数字。请在导出表中改正")
    return value


def _amount(text: str, unit: str, where: str) -> Decimal | None:
    value = _number(text, "金额", where)
    if value is None:
        return None
    return value / Decimal(10000) if unit == "元" else value


def _row_of(source: str) -> str:
    for word, row in SOURCE_ROWS:
        if word in source:
            return row
    return "current"


@dataclass
class ImportReport:
    changes: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # in the file, not in the export
    skipped: list[str] = field(default_factory=list)  # rows of the export not imported, and why


# What a --map file may say: its sections, the fields each names, and the 项目资金 rows a source goes to
MAPPING_SECTIONS = {"columns": SYNONYMS, "targets": TARGET_SYNONYMS}
FUND_ROWS = ("current", "carryover", "other")


def _load_mapping(path: Path | None) -> dict:
    if path is None:
        return {}
    require_regular_file(path)
    try:
        raw = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise JixiaoError(f"找不到映射文件：{path}") from None
    except UnicodeDecodeError:
        raise JixiaoError(f"映射文件不是 UTF-8 编码的文本：请用记事本“另存为”，编码选 UTF-8；文件：{path}") from None
    except tomllib.TOMLDecodeError as e:
        raise JixiaoError(f"映射文件不是有效的 TOML{where_in_text(e)}：每行应写成 字段 = \"表中的列名\"，"
                          f"列名加英文双引号；文件：{path}") from None
    problems = []
    for section, entries in raw.items():
        known = MAPPING_SECTIONS.get(section)
        if section == "sources":
            known = None
        elif known is None:
            problems.append(f"“[{section}]”不是映射文件的段（可用：[columns]、[targets]、[sources]）")
            continue
        if not isinstance(entries, dict):
            problems.append(f"“{section}”应写成一段 [{section}]，其下每行 字段 = \"列名\"")
            continue
        for key, value in entries.items():
            if known is not None and key not in known:
                problems.append(f"[{section}] 中的“{key}”不是可用的字段（可用：{'、'.join(known)}）")
            elif not isinstance(value, str):
                problems.append(f"[{section}] 中的 {key} 应写成加英文双引号的文字（如 {key} = \"列名\"）")
            elif known is None and value not in FUND_ROWS:
                problems.append(f"[sources] 中“{key}”的值“{value}”无效：只能是 current（当年资金）、"
                                f"carryover（上年结转）或 other（其他资金）")
    if problems:
        raise JixiaoError(f"映射文件有 {len(problems)} 处写法不对：{path}", problems)
    return raw


def read_export(path: Path, unit: str, mapping: dict, skipped: list[str] | None = None) -> list[Project]:
    """The projects of a budget export, their funds summed per 项目资金 row; a row with amounts
    but no project name is noted in ``skipped``."""
    frame = _read_table(path, SYNONYMS)
    cols = _columns(frame, SYNONYMS, mapping.get("columns", {}), ("name", "initial", "full_year", "executed"), path)
    sources = mapping.get("sources", {})
    projects: dict[str, Project] = {}
    for i, row in frame.iterrows():
        name = str(row[cols["name"]]).strip()
        if not name:
            if skipped is not None and any(str(row[cols[c]]).strip() for c in FUND_COLUMNS):
                skipped.append(f"{path.name} 第 {i + frame.attrs['first_row']} 行有金额但没有项目名称，未导入")
            continue
        code = str(row[cols["code"]]).strip() if "code" in cols else ""
        key = code or name
        project = projects.setdefault(key, Project(code=code or None, name=name))
        source = str(row[cols["source"]]).strip() if "source" in cols else ""
        fund_key = sources.get(source) or _row_of(source)
        fund = getattr(project.funds, fund_key)
        for col in FUND_COLUMNS:
            value = _amount(row[cols[col]], unit, f"{path.name} 第 {i + frame.attrs['first_row']} 行")
            if value is not None:
                old = getattr(fund, col)
                setattr(fund, col, value if old is None else old + value)
    return list(projects.values())


def read_targets(path: Path, mapping: dict) -> dict[str, list[Indicator]]:
    """项目编码 → the indicators set at budget time."""
    frame = _read_table(path, TARGET_SYNONYMS)
    cols = _columns(frame, TARGET_SYNONYMS, mapping.get("targets", {}), ("code", "level1", "level2", "name"), path,
                    "targets")
    out: dict[str, list[Indicator]] = {}
    for i, row in frame.iterrows():
        code = str(row[cols["code"]]).strip()
        weight = _number(row[cols["weight"]], "分值", f"{path.name} 第 {i + frame.attrs['first_row']} 行") \
            if "weight" in cols else None
        out.setdefault(code, []).append(Indicator(
            level1=str(row[cols["level1"]]).strip() or None, level2=str(row[cols["level2"]]).strip() or None,
            name=str(row[cols["name"]]).strip() or None,
            target=(str(row[cols["target"]]).strip() or None) if "target" in cols else None,
            weight=weight))
    return out


def _show(value) -> str:
    return plain(value) if isinstance(value, Decimal) else ("（空）" if value is None else str(value))


TARGET_WORDS = {"target": INDICATOR_HEADERS[3], "weight": INDICATOR_HEADERS[5]}  # 年度指标值, 分值


def merge(doc: Document, imported: list[Project], targets: dict[str, list[Indicator]]) -> ImportReport:
    """Update ``doc`` in place with the export's projects (see the module docstring)."""
    report = ImportReport()
    by_code = {p.code: p for p in doc.projects if p.code}
    by_name = {p.name: p for p in doc.projects if p.name}
    seen = set()
    for new in imported:
        old = by_code.get(new.code) if new.code else None
        old = old or by_name.get(new.name)
        if old is None:
            new.indicators = list(targets.get(new.code or "", []))
            doc.projects.append(new)
            report.added.append(new.name)
            continue
        seen.add(id(old))
        label = old.name or new.name
        if new.code and old.code != new.code:
            report.changes.append(f"{label}：项目编码 {_show(old.code)} → {new.code}")
            old.code = new.code
        for row in ("current", "carryover", "other"):
            for col in FUND_COLUMNS:
                value = getattr(getattr(new.funds, row), col)
                if value is not None and getattr(getattr(old.funds, row), col) != value:
                    report.changes.append(f"{label}：{FUND_LABELS[row]}{FUND_HEADERS[col]} "
                                          f"{_show(getattr(getattr(old.funds, row), col))} → {_show(value)}")
                    setattr(getattr(old.funds, row), col, value)
        for ind in targets.get(new.code or old.code or "", []):
            mine = next((i for i in old.indicators if i.name == ind.name), None)
            if mine is None:
                old.indicators.append(ind)
                report.changes.append(f"{label}：新增指标 {ind.name}")
                continue
            for key in ("target", "weight"):  # what the targets table provides; results stay
                value = getattr(ind, key)
                if value is not None and getattr(mine, key) != value:
                    report.changes.append(f"{label}：指标“{ind.name}”的{TARGET_WORDS[key]} "
                                          f"{_show(getattr(mine, key))} → {_show(value)}")
                    setattr(mine, key, value)
    report.missing = [p.name or "（未命名）" for p in doc.projects if id(p) not in seen and p.name not in report.added]
    return report


def import_budget(export: Path, *, unit: str = "万元", targets: Path | None = None, mapping_path: Path | None = None,
                  base: Document | None = None, year: int | None = None, scheme: str = "hunan-2024",
                  department: str | None = None) -> tuple[Document, ImportReport]:
    """The document built (or, given ``base``, updated) from an export."""
    if unit not in ("元", "万元"):
        raise JixiaoError(f"金额单位应为 元 或 万元，而不是 {unit}")
    mapping = _load_mapping(mapping_path)
    skipped: list[str] = []
    imported = read_export(export, unit, mapping, skipped)
    target_rows = read_targets(targets, mapping) if targets else {}
    if base is None:
        if year is None:
            raise JixiaoError("新建数据文件需要 --year（评价年度）")
        base = Document(year=year, scheme=scheme, projects=[])
        base.department.name = department
    doc = copy.deepcopy(base)
    weight = load_scheme(doc.scheme).execution_weight
    for project in imported:  # a new project's form starts with the scheme's 执行 分值, as a blank form does
        if project.execution.weight is None:
            project.execution.weight = Decimal(weight)
    report = merge(doc, imported, target_rows)
    report.skipped = skipped
    return doc, report


# --- next year ----------------------------------------------------------------------------


def _carried(spec, old):
    """A new block of ``spec`` holding what its declaration carries into next year (Field.carry,
    Column.carry); everything else starts blank."""
    new = spec.block()
    for f in spec.fields:
        if f.carry and f.in_data:
            set_path(new, f.path, copy.deepcopy(get_path(old, f.path)))
    for table in spec.tables:
        kept = [c.path for c in table.columns if c.carry]
        if not kept:
            continue  # a table that carries nothing (楼堂馆所) starts with no rows
        rows = [table.item(**{k: copy.deepcopy(getattr(row, k)) for k in kept}) for row in get_path(old, table.path)]
        set_path(new, table.path, rows)
    return new


def _priors_from_finals(old: BasicData, new: BasicData) -> None:
    """附件1's {Y-1}年决算数 columns: last year's {Y}年决算数 as the sheet showed it. A derived row
    takes its figure from its parts; 政府采购金额 and 部门基本支出预算调整 have no 上年 column."""
    slots = derive_basic(old)
    for section in ("three_public", "project_spending", "public_funds"):
        for name in getattr(old, section).__dataclass_fields__:
            row = getattr(getattr(old, section), name)
            key = f"{section}.{name}.final"
            if isinstance(row, AmountRow) and key not in slots and isinstance(row.final, Decimal):
                getattr(getattr(new, section), name).prior = row.final
    for before, after in zip(old.project_spending.special_funds, new.project_spending.special_funds):
        after.prior = before.final if isinstance(before.final, Decimal) else None


def carry_forward(last: Document, year: int) -> Document:
    """Next year's document: what each form declares as carried (names, targets, 分值), 附件1's
    上年决算数 from last year's 本年决算数; results, scores, deviations and amounts cleared."""
    doc = Document(year=year, scheme=last.scheme, projects=[])
    for info in INFO_FIELDS:
        if info.carry:
            set_path(doc, info.path, get_path(last, info.path))
    for spec in FORM_SPECS:
        for _, old in spec.blocks(last):
            new = _carried(spec, old)
            if isinstance(new, BasicData):
                _priors_from_finals(old, new)
            spec.attach(doc, new)
    return doc

