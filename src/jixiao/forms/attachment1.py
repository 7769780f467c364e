"""附件1 部门（单位）整体支出绩效评价基础数据表."""

from __future__ import annotations

from ..model.derive import Slot, derive_basic
from ..model.document import BasicData, Building, Department, SpecialFund, get_path
from ..model.numbers import DASH
from .common import footer, header, title_text
from .formulas import attachment1_formulas
from .layout import (A1_AMOUNTS_LABEL, A1_AUSTERITY_LABEL, A1_BUILDINGS_LABEL, A1_LINK_LABEL, A1_STAFF_LABEL, BUILDING_HEADERS,
                     STAFF_HEADERS, A1_AMOUNT_COLS, A1_LINK_COL, A1_ROWS_AFTER_SPECIAL, A1_ROWS_BEFORE_SPECIAL, AMOUNT_COLUMNS,
                     FORM_A1, FORM_NAME, NOT_APPLICABLE, TITLES)
from .sheet import FormSheet

# A: labels; B..G: amounts as merged pairs, or the six 楼堂馆所 columns; H: special-fund links.
WIDTHS = [42, 11, 11, 11, 11, 11, 11, 16]
LAST_COL = 6
BLANK_SPECIAL_ROWS = 3  # rows a blank form offers for 专项 (Excel users insert more)



def build_attachment1(book, sheet_name: str, basic: BasicData, department: Department, year: int) -> FormSheet:
    fs = FormSheet(book.workbook, book.styles, sheet_name, WIDTHS)
    fs.define_constant(FORM_NAME, FORM_A1)
    slots = derive_basic(basic)
    st = fs.styles
    header(fs, "附件1", title_text(year, TITLES[FORM_A1]), LAST_COL)

    # 1. 财政供养人员情况
    fs.label(2, 0, A1_STAFF_LABEL, rows=2)
    fs.label(2, 1, STAFF_HEADERS["staff.authorized"], c2=2)
    fs.formula(2, 3, f'=jx_year&"年{STAFF_HEADERS["staff.actual"]}"', f"{year}年{STAFF_HEADERS['staff.actual']}", st.label(), c2=4)
    fs.label(2, 5, STAFF_HEADERS["staff.rate"], c2=6)
    fs.entry(3, 1, basic.staff.authorized, "count", path="staff.authorized", c2=2)
    fs.entry(3, 3, basic.staff.actual, "count", path="staff.actual", c2=4)
    fs.derived(3, 5, "staff.rate", slots["staff.rate"], "rate", c2=6)

    # 2. 经费控制情况
    fs.label(4, 0, A1_AMOUNTS_LABEL)
    fs.formula(4, 1, '=(jx_year-1)&"年决算数"', f"{year - 1}年决算数", st.label(), c2=2)
    fs.formula(4, 3, '=jx_year&"年预算数"', f"{year}年预算数", st.label(), c2=4)
    fs.formula(4, 5, '=jx_year&"年决算数"', f"{year}年决算数", st.label(), c2=6)

    specials = basic.project_spending.special_funds or [SpecialFund() for _ in range(BLANK_SPECIAL_ROWS)]
    row_of: dict[str, int] = {}
    r = 5
    for spec in A1_ROWS_BEFORE_SPECIAL:
        row_of[spec.path] = r
        r += 1
    first_special = r
    r += len(specials)
    for spec in A1_ROWS_AFTER_SPECIAL:
        row_of[spec.path] = r
        r += 1

    for spec in A1_ROWS_BEFORE_SPECIAL + A1_ROWS_AFTER_SPECIAL:
        rr = row_of[spec.path]
        fs.label(rr, 0, spec.label, align="left", indent=spec.indent, bold=spec.indent == 0)
        row = get_path(basic, spec.path)
        for col in AMOUNT_COLUMNS:
            c, path = A1_AMOUNT_COLS[col], f"{spec.path}.{col}"
            if spec.derived:
                fs.derived(rr, c, path, slots[path], "amount", c2=c + 1)
            elif spec.no_prior and col == "prior" and row.prior is None:
                fs.label(rr, c, NOT_APPLICABLE, c2=c + 1)
                fs.place(path, rr, c)
            else:
                fs.entry(rr, c, getattr(row, col), "amount", path=path, c2=c + 1)

    # One row per 专项, and beside the form the project each belongs to.
    fs.write(4, A1_LINK_COL, A1_LINK_LABEL, st.plain(size=9, color="#7F7F7F"))
    for i, fund in enumerate(specials):
        rr = first_special + i
        fs.entry(rr, 0, fund.name, "text")
        for col in AMOUNT_COLUMNS:
            c = A1_AMOUNT_COLS[col]
            fs.entry(rr, c, getattr(fund, col), "amount", c2=c + 1)
        fs.entry(rr, A1_LINK_COL, fund.project, "text")
    fs.place("project_spending.special_funds", first_special, 0, first_special + len(specials) - 1, A1_LINK_COL)
    fs.ws.data_validation(5, 1, r - 1, 6, {
        "validate": "decimal", "criteria": ">=", "value": 0, "ignore_blank": True,
        "error_title": "金额无效", "error_message": "金额以万元为单位，应为不小于 0 的数字。"})

    # 3. 楼堂馆所控制情况
    fs.formula(r, 0, f'="{A1_BUILDINGS_LABEL}（"&(jx_year-1)&"年完工项目）"', f"{A1_BUILDINGS_LABEL}（{year - 1}年完工项目）",
               st.label())
    for i, head in enumerate(BUILDING_HEADERS.values()):
        fs.label(r, 1 + i, head)
    fs.height(r, 32)
    buildings = basic.buildings or [Building()]
    first_building = r + 1
    blank = Slot(None, DASH)  # a blank form's row: nothing to divide yet
    for i, b in enumerate(buildings):
        rr = first_building + i
        fs.entry(rr, 0, b.name, "text")
        fs.entry(rr, 1, b.approved_area, "area")
        fs.entry(rr, 2, b.actual_area, "area")
        fs.derived(rr, 3, f"buildings[{i}].area_rate", slots.get(f"buildings[{i}].area_rate", blank), "rate", named=False)
        fs.entry(rr, 4, b.budget_investment, "amount")
        fs.entry(rr, 5, b.actual_investment, "amount")
        fs.derived(rr, 6, f"buildings[{i}].investment_rate", slots.get(f"buildings[{i}].investment_rate", blank), "rate",
                   named=False)
    r = first_building + len(buildings)
    fs.place("buildings", first_building, 0, r - 1, 6)

    # 4. 厉行节约保障措施, 5. 说明 and footer
    fs.label(r, 0, A1_AUSTERITY_LABEL)
    fs.entry(r, 1, basic.austerity, "text", path="austerity", c2=LAST_COL)
    fs.min_height(r, 40)
    r += 2
    fs.write(r, 0, "说明：“项目支出”需要填报基本支出以外的所有项目支出情况，“公用经费”填报基本支出中的一般商品和服务支出。",
             st.plain(), c2=LAST_COL)
    footer(fs, r + 1, department, LAST_COL)
    fs.print_setup(LAST_COL, r + 1, title_rows=(0, 1))
    fs.protect()
    fs.finish(attachment1_formulas)
    return fs
