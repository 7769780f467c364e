"""What the forms hold and what each field is called: the table fill and extract share.

Every field of a form has a sheet-local defined name derived from its data path
(``funds.total.full_year`` → ``jx_funds_total_full_year``); lists (special funds, buildings,
indicators) are named ranges whose columns sit at fixed offsets. The labels here are the
paper forms' labels, in their order. Nothing in this module touches a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..model.document import Building, Indicator, SpecialFund

FORM_NAME = "jx_form"  # sheet-local constant naming the form a sheet holds
# The book-wide constant that marks jixiao's values-only sign-off copy (formulas frozen on purpose)
VALUES_ONLY_NAME, VALUES_ONLY_TEXT = "jx_values_only", '"jixiao 签批副本：只含数值"'
# ... and its annotated copy (the original's findings marked in it): a folder counts its department once
ANNOTATED_NAME, ANNOTATED_TEXT = "jx_annotated", '"jixiao 标注副本"'
FORM_A1, FORM_A2, FORM_PROJECT = "附件1", "附件2", "项目"
# Each form's title after its year ("2024年度项目支出绩效自评表"): printed on the sheet, and how a
# sheet whose names are gone is still known for a form.
TITLES = {FORM_A1: "年度部门（单位）整体支出绩效评价基础数据表", FORM_A2: "年度部门（单位）整体支出绩效自评表",
          FORM_PROJECT: "年度项目支出绩效自评表"}
INFO_SHEET = "基本信息"

def field_name(path: str) -> str:
    return "jx_" + path.replace(".", "_")


@dataclass(frozen=True)
class Field:
    path: str
    kind: str  # amount | rate | score | count | area | text
    derived: bool = False
    in_data: bool = True  # False: the sheet shows it (调整额, 分值合计) but the data has no key for it
    carry: bool = False  # kept into next year's forms (jixiao new --from); results and amounts start blank
    label: str = ""  # the label the paper form prints beside it ("" in a grid: its row and column say)
    required: bool = False  # F01: a blank value is an error ("<label>未填写")
    defined: str = ""  # its defined name, where that is not jx_ + its path (基本信息's book-wide names)

    @cached_property  # looked up for every field of every sheet read
    def name(self) -> str:
        return self.defined or field_name(self.path)


# The 基本信息 sheet, top to bottom: the document's own keys and the department. Each field has a
# book-wide defined name of its own; the forms take their year, name and footer from these by formula.
# 填报日期 is text, which Excel may have turned into a date (kind "date": read back as ISO text).
INFO_FIELDS = (
    Field("format", "text", derived=True, label="数据格式", defined="jx_format"),
    Field("year", "count", label="年度", defined="jx_year"),
    Field("scheme", "text", label="指标体系", defined="jx_scheme"),
    Field("department.name", "text", carry=True, label="部门（单位）名称", defined="jx_dept_name"),
    Field("department.filled_by", "text", label="填表人", defined="jx_filled_by"),
    Field("department.filled_on", "date", label="填报日期", defined="jx_filled_on"),
    Field("department.phone", "text", carry=True, label="联系电话", defined="jx_phone"),
    Field("department.head", "text", label="单位负责人签字", defined="jx_head"),
)
INFO = {f.path: f for f in INFO_FIELDS}

# Guidance for the person filling the workbook, printed beside the cells it is about. The sign-off
# copy leaves it out: the head signs the forms as filed, not the instructions for filling them.
INFO_HINTS = {"format": "jixiao 数据格式版本，请勿修改", "year": "各表标题中的年度随此变化",
              "department.head": "签批时手写签字"}
INFO_NOTE = ("说明：白色单元格由填报人填写；灰色单元格是公式，自动计算，请勿改写。"
             "各表的年度、部门名称和表尾签署信息都取自本页。")
MADE_BY = "由 jixiao {version} 生成。"
ADJUSTMENT_HINT = "全年≠年初时说明原因；执行率低于90%时说明原因"
FILLING_HINTS = frozenset({*INFO_HINTS.values(), INFO_NOTE, ADJUSTMENT_HINT})


def is_filling_hint(text: str) -> bool:
    """True for the guidance above (and the workbook's 由 jixiao … 生成 line)."""
    head, _, tail = MADE_BY.partition("{version}")
    return text in FILLING_HINTS or (text.startswith(head) and text.endswith(tail))


# The line under 附件1 and 附件2 (填表人：… 单位负责人签字：…): the department's fields but its name
FOOTER_FIELDS = tuple(f for f in INFO_FIELDS if f.path.startswith("department.") and f.path != "department.name")


@dataclass(frozen=True)
class Column:
    offset: int  # from the first column of the named range
    path: str  # within one list item
    kind: str
    derived: bool = False
    carry: bool = False  # kept into next year's rows, as Field.carry


@dataclass(frozen=True)
class Table:
    path: str  # the list in the data
    item: type  # the class of one row
    columns: tuple[Column, ...]

    @cached_property  # looked up for every field of every sheet read
    def name(self) -> str:
        return field_name(self.path)


# --- 附件1 ----------------------------------------------------------------------------------

AMOUNT_COLUMNS = ("prior", "budget", "final")


@dataclass(frozen=True)
class AmountRowSpec:
    path: str
    label: str
    indent: int
    derived: bool = False
    no_prior: bool = False  # the {Y-1} column shows —— on the form


A1_ROWS_BEFORE_SPECIAL = (
    AmountRowSpec("three_public.total", "三公经费", 0, derived=True),
    AmountRowSpec("three_public.car", "1、公务用车购置和维护经费", 1, derived=True),
    AmountRowSpec("three_public.car_purchase", "其中：公车购置", 3),
    AmountRowSpec("three_public.car_operation", "公车运行维护", 5),
    AmountRowSpec("three_public.abroad", "2、出国经费", 1),
    AmountRowSpec("three_public.reception", "3、公务接待", 1),
    AmountRowSpec("project_spending.total", "项目支出：", 0, derived=True),
    AmountRowSpec("project_spending.business", "1、业务工作经费", 1),
    AmountRowSpec("project_spending.maintenance", "2、运行维护经费", 1),
    AmountRowSpec("project_spending.special_total", "3、市级专项资金（一个专项一行）", 1, derived=True),
)
A1_ROWS_AFTER_SPECIAL = (
    AmountRowSpec("public_funds.total", "公用经费", 0),
    AmountRowSpec("public_funds.office", "其中：办公经费", 1),
    AmountRowSpec("public_funds.utilities_travel", "水费、电费、差旅费", 3),
    AmountRowSpec("public_funds.meetings_training", "会议费、培训费", 3),
    AmountRowSpec("procurement", "政府采购金额", 0, no_prior=True),
    AmountRowSpec("basic_budget_adjustment", "部门基本支出预算调整", 0, no_prior=True),
)
# The amount columns of 附件1 are merged pairs: B:C, D:E, F:G.
# What the form prints where a column does not apply (the {Y-1} column of 政府采购金额); reads as blank.
NOT_APPLICABLE = "——"
A1_AMOUNT_COLS = {"prior": 1, "budget": 3, "final": 5}
SPECIAL_FUND_COLUMNS = A1_AMOUNT_COLS  # offsets inside the 专项 table, which starts in column A
A1_LINK_COL = 7  # H: the project a special fund belongs to (outside the print area)
A1_LINK_LABEL = "对应项目（标识）"

# 附件1's section labels and column headers, as printed (a year goes before 实际在职人数 and the
# amount columns' 决算数/预算数; the 楼堂馆所 label ends with the year of the completed projects).
A1_STAFF_LABEL, A1_AMOUNTS_LABEL = "财政供养人员情况（人）", "经费控制情况（万元）"
A1_BUILDINGS_LABEL, A1_AUSTERITY_LABEL = "楼堂馆所控制情况", "厉行节约保障措施"
STAFF_HEADERS = {"staff.authorized": "编制数", "staff.actual": "实际在职人数", "staff.rate": "控制率"}
BUILDING_HEADERS = {"approved_area": "批复规模（㎡）", "actual_area": "实际规模（㎡）", "area_rate": "规模控制率",
                    "budget_investment": "预算投资（万元）", "actual_investment": "实际投资（万元）",
                    "investment_rate": "投资概算控制率"}

A1_FIELDS = (
    Field("staff.authorized", "count", carry=True),
    Field("staff.actual", "count"),
    Field("staff.rate", "rate", derived=True),
    *(
        Field(f"{row.path}.{col}", "amount", derived=row.derived)
        for row in A1_ROWS_BEFORE_SPECIAL + A1_ROWS_AFTER_SPECIAL
        for col in AMOUNT_COLUMNS
    ),
    Field("austerity", "text", carry=True),
)
A1_TABLES = (
    Table("project_spending.special_funds", SpecialFund, (
        Column(0, "name", "text", carry=True),
        Column(1, "prior", "amount"),
        Column(3, "budget", "amount"),
        Column(5, "final", "amount"),
        Column(7, "project", "text", carry=True),
    )),
    Table("buildings", Building, (
        Column(0, "name", "text"),
        Column(1, "approved_area", "area"),
        Column(2, "actual_area", "area"),
        Column(3, "area_rate", "rate", derived=True),
        Column(4, "budget_investment", "amount"),
        Column(5, "actual_investment", "amount"),
        Column(6, "investment_rate", "rate", derived=True),
    )),
)

# --- 附件2 and the project forms -----------------------------------------------------------

FUND_COLUMNS = ("initial", "full_year", "executed")
FUND_LABELS = {"current": "当年财政拨款", "carryover": "上年结转资金", "other": "其他资金", "total": "年度资金总额"}


def fund_row_labels(keys) -> dict[str, str]:
    """Each funds row's printed label, for the rows ``keys`` in their order on the form: the first
    of the parts reads 其中：… ("其中：当年财政拨款"), the rest and 年度资金总额 as they are."""
    first_part = next((k for k in keys if k != "total"), None)
    return {k: ("其中：" if k == first_part else "") + FUND_LABELS[k] for k in keys}

# The funds table's column headers (项目资金 / 年度预算申请), the last three on the total row only.
FUND_HEADERS = {"initial": "年初预算数", "full_year": "全年预算数", "executed": "全年执行数"}
EXECUTION_HEADERS = {"weight": "分值", "rate": "执行率", "score": "得分"}
PROJECT_FUNDS_LABEL, A2_FUNDS_LABEL = "项目资金（万元）", "年度预算申请（万元）"
A2_DEPARTMENT_LABEL = "市级预算部门（单位）名称"
BY_SOURCE_LABEL, BY_NATURE_LABEL = "按收入性质分：", "按支出性质分："
GOALS_LABEL = "年度总体目标"

INDICATOR_HEADERS = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
INDICATOR_COLUMNS = (
    Column(0, "level1", "text", carry=True),
    Column(1, "level2", "text", carry=True),
    Column(2, "name", "text", carry=True),
    Column(3, "target", "text", carry=True),
    Column(4, "actual", "text"),
    Column(5, "weight", "score", carry=True),
    Column(6, "score", "score"),
    Column(7, "deviation", "text"),
)
INDICATORS = Table("indicators", Indicator, INDICATOR_COLUMNS)

EXECUTION_FIELDS = (
    Field("execution.weight", "score", carry=True),
    Field("execution.rate", "rate", derived=True),
    Field("execution.score", "score", derived=True),
)
GOAL_FIELDS = (Field("goals.target", "text", carry=True, label="预期目标"),
               Field("goals.actual", "text", label="实际完成情况"))

# Derived cells the sheet adds beyond the data: 调整额, 调整率, and the 分值 total beside 总分.
SHEET_ONLY_FIELDS = (
    Field("adjustment.amount", "amount", derived=True, in_data=False),
    Field("adjustment.rate", "rate", derived=True, in_data=False),
    Field("weight_total", "score", derived=True, in_data=False),
)

ADJUSTMENT_NOTE = Field("adjustment_note", "text", label="预算调整说明")
TOTAL_SCORE = Field("total_score", "score", derived=True, label="总分")
A2_FIELDS = (
    *(Field(f"funds.{c}", "amount") for c in FUND_COLUMNS),
    *EXECUTION_FIELDS,
    ADJUSTMENT_NOTE,
    *(Field(f"by_source.{k}", "amount", label=label) for k, label in (
        ("general_budget", "其中：一般公共预算"), ("government_fund", "政府性基金拨款"),
        ("special_account", "纳入专户管理的非税收入拨款"), ("other", "其他资金"))),
    *(Field(f"by_nature.{k}", "amount", label=label) for k, label in (("basic", "其中：基本支出"), ("project", "项目支出"))),
    *GOAL_FIELDS,
    TOTAL_SCORE,
    *SHEET_ONLY_FIELDS,
)
A2_TABLES = (INDICATORS,)

REPORT_LABELS = {
    "budget": "一、预算收支出情况",
    "spending": "二、项目支出绩效情况（资金主要用途）",
    "performance": "二、项目支出绩效情况（实施及绩效情况）",
    "shortcomings": "三、存在的不足",
    "next_steps": "四、下一步计划",
}

# The project form's head, row by row under its title: each row holds one field across the form
# or two side by side (``HEAD_SPANS``). The sheet, the report's table, the reading of a filed
# form and F01 all walk this; a new head field is one Field here and one attribute of Project.
PROJECT_HEAD = (
    (Field("name", "text", carry=True, label="项目支出名称", required=True),),
    (Field("authority", "text", carry=True, label="主管部门", required=True),
     Field("implementer", "text", carry=True, label="实施单位", required=True)),
)
PROJECT_HEAD_FIELDS = tuple(f for row in PROJECT_HEAD for f in row)
# Columns of the nine-column form (A–I) a head row gives each field: (label from, to), (value from, to).
HEAD_SPANS = {
    1: (((0, 0), (1, 8)),),
    2: (((0, 0), (1, 3)), ((4, 5), (6, 8))),
}

PROJECT_FIELDS = (
    Field("id", "text", carry=True),
    Field("code", "text", carry=True),
    *PROJECT_HEAD_FIELDS,
    *(
        Field(f"funds.{row}.{c}", "amount", derived=(row == "total"))
        for row in ("current", "carryover", "other", "total")
        for c in FUND_COLUMNS
    ),
    *EXECUTION_FIELDS,
    ADJUSTMENT_NOTE,
    *GOAL_FIELDS,
    TOTAL_SCORE,
    *(Field(f"report.{k}", "text", label=label) for k, label in REPORT_LABELS.items()),
    *SHEET_ONLY_FIELDS,
)
PROJECT_TABLES = (INDICATORS,)
# jixiao's own keys, labelled beside the project form outside its print area (the paper form has none)
SIDE_LABELS = {"id": "项目标识", "code": "项目编码"}
# Each labelled field's printed label, by its path within a form (a path has one label on every form).
LABELS = {f.path: f.label for f in (*A1_FIELDS, *A2_FIELDS, *PROJECT_FIELDS) if f.label}


def field_words(path: str) -> str:
    """A field of a form in the words the form prints: its label, or its row's and column's."""
    if path in LABELS:
        return LABELS[path]
    *rows, column = path.split(".")
    header = FUND_HEADERS.get(column) or EXECUTION_HEADERS.get(column)
    row = FUND_LABELS.get(rows[-1]) if rows else None
    return " ".join(w for w in (row, header) if w) if header else ""


TABLES = (*A1_TABLES, INDICATORS)  # every table of every form, once
# Columns a blank form fills from the scheme (its 一级/二级 categories); the rest are inputs.
SCHEME_COLUMNS = ("level1", "level2")

# Excel's limits on sheet names.
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = set("[]:*?/\\")
