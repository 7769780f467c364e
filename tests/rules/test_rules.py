"""Every rule fires where it should and stays silent where it should (table-driven).

Each case mutates a copy of a fully consistent document (``baseline.clean_doc``) and states
which findings the rule must produce: (path, expected value) pairs, or none.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jixiao.forms.formulas import FormulaState
from jixiao.model.document import Indicator, SpecialFund
from jixiao.rules import run_rules

from .baseline import clean_doc

P = "projects[0]"


def p(doc):
    return doc.projects[0]


def ind(doc, i=0):
    return doc.projects[0].indicators[i]


def setv(obj, **values):
    for k, v in values.items():
        setattr(obj, k, v)


CASES = [
    # F — fields
    ("F01", "blank project name", lambda d: setv(p(d), name=None), [f"{P}.name"]),
    ("F01", "blank 主管部门 and 预期目标", lambda d: (setv(p(d), authority=None), setv(p(d).goals, target=None)),
     [f"{P}.authority", f"{P}.goals.target"]),
    ("F01", "blank department name (附件2 present)", lambda d: setv(d.department, name=None), ["department.name"]),
    ("F01", "no amounts at all for 全年执行数", lambda d: (setv(p(d).funds.current, executed=None), setv(p(d).funds.total, executed=None)),
     [f"{P}.funds.total.executed"]),
    ("F01", "total derivable from its parts", lambda d: setv(p(d).funds.total, full_year=None), []),
    ("F02", "得分 typed as 100%", lambda d: setv(d.overall.execution, score="100%"), [("overall.execution.score", "10")]),
    ("F02", "分值 '/' on a real indicator", lambda d: setv(ind(d), weight="/"), [(f"{P}.indicators[0].weight", None)]),
    ("F02", "amount with its unit", lambda d: setv(p(d).funds.current, initial="100 万元"), [(f"{P}.funds.current.initial", "100")]),
    ("F02", "a rate written with %", lambda d: setv(p(d).execution, rate="95%"), []),
    ("F02", "text in a later indicator row", lambda d: setv(ind(d, 3), score="满分"), [(f"{P}.indicators[3].score", None)]),
    ("F02", "text in 附件1's nested rows", lambda d: setv(d.basic_data.three_public.abroad, final="约2万"),
     [("basic_data.three_public.abroad.final", "2")]),
    ("F03", "weighted indicator without target", lambda d: setv(ind(d), target=None), [f"{P}.indicators[0].target"]),
    ("F03", "zero-weight indicator may be empty", lambda d: p(d).indicators.append(Indicator("产出指标", "数量指标", "备用", None, None, D(0), D(0))), []),
    ("F04", "unknown 一级", lambda d: setv(ind(d), level1="产出类"), [f"{P}.indicators[0].level1"]),
    ("F04", "二级 under the wrong 一级", lambda d: setv(ind(d), level2="社会效益指标"), [f"{P}.indicators[0].level2"]),
    ("F04", "national scheme 二级 is fine in its scheme", lambda d: None, []),
    ("F05", "placeholder row with a 分值", lambda d: p(d).indicators.append(Indicator("效益指标", "生态效益指标", "/", "/", "/", "/", D(5))),
     [f"{P}.indicators[6].score"]),
    ("F05", "placeholder row of marks only", lambda d: p(d).indicators.append(Indicator("效益指标", "生态效益指标", "/", "/", "/", "/", "/")), []),
    # M — money
    ("M01", "total ≠ parts", lambda d: setv(p(d).funds.total, full_year=D(101)), [(f"{P}.funds.total.full_year", "100.00")]),
    ("M01", "within 0.01", lambda d: setv(p(d).funds.total, full_year=D("100.01")), []),
    ("M01", "total not stated", lambda d: setv(p(d).funds, total=type(p(d).funds.total)()), []),
    ("M02", "sources do not add up", lambda d: setv(d.overall.by_source, general_budget=D(90)), [("overall.by_source.general_budget", "100.00")]),
    ("M02", "2917.75 + 4.94 vs 2922.7 holds", lambda d: (setv(d.overall.funds, full_year=D("2922.7")),
                                                       setv(d.overall.by_source, general_budget=D("2917.75"), other=D("4.94"))), []),
    ("M03", "natures do not add up", lambda d: setv(d.overall.by_nature, basic=D(10)), ["overall.by_nature.basic"]),
    ("M03", "they do", lambda d: None, []),
    ("M04", "三公经费 total wrong", lambda d: setv(d.basic_data.three_public.total, final=D(12)), ["basic_data.three_public.total.final"]),
    ("M04", "total as formula gives", lambda d: setv(d.basic_data.three_public.total, final=D(11)), []),
    ("M05", "公车 total wrong", lambda d: setv(d.basic_data.three_public.car, prior=D(11)), ["basic_data.three_public.car.prior"]),
    ("M05", "公车 total blank", lambda d: setv(d.basic_data.three_public.car, prior=None), []),
    ("M06", "项目支出 wrong", lambda d: setv(d.basic_data.project_spending.total, budget=D(99)), ["basic_data.project_spending.total.budget"]),
    ("M06", "项目支出 right", lambda d: None, []),
    ("M07", "专项 total without rows", lambda d: setv(d.basic_data.project_spending.special_funds[0], prior=None),
     [("basic_data.project_spending.special_total.prior", "0.00")]),
    ("M07", "专项 total matches rows", lambda d: None, []),
    ("M08", "其中 rows exceed 公用经费", lambda d: setv(d.basic_data.public_funds.office, budget=D(60)), ["basic_data.public_funds.total.budget"]),
    ("M08", "其中 rows below total", lambda d: setv(d.basic_data.public_funds.office, budget=D(40)), []),
    ("M09", "executed over budget", lambda d: (setv(p(d).funds.current, executed=D(110)), setv(p(d).funds.total, executed=None)),
     [f"{P}.funds.total.executed"]),
    ("M09", "附件1 row 决算 over 预算", lambda d: setv(d.basic_data.public_funds.office, final=D(11)), ["basic_data.public_funds.office.final"]),
    ("M09", "spent exactly the budget", lambda d: None, []),
    # R — rates
    ("R01", "控制率 wrong", lambda d: setv(d.basic_data.staff, rate="80%"), [("basic_data.staff.rate", "90.00%")]),
    ("R01", "控制率 rounded as written", lambda d: (setv(d.basic_data.staff, actual=D(29), authorized=D(30), rate="96.7%")), []),
    ("R02", "more staff than 编制", lambda d: setv(d.basic_data.staff, actual=D(11), rate=None), ["basic_data.staff.rate"]),
    ("R02", "staff within 编制", lambda d: None, []),
    ("R03", "规模控制率 wrong", lambda d: setv(d.basic_data.buildings[0], area_rate="100%"), ["basic_data.buildings[0].area_rate"]),
    ("R03", "rates blank", lambda d: setv(d.basic_data.buildings[0], area_rate=None, investment_rate=None), []),
    ("R04", "over the approved size", lambda d: setv(d.basic_data.buildings[0], actual_area=D(120), area_rate=None),
     ["basic_data.buildings[0].area_rate"]),
    ("R04", "within", lambda d: None, []),
    ("R05", "执行率 wrong", lambda d: setv(p(d).execution, rate="100%"), [(f"{P}.execution.rate", "95.00%")]),
    ("R05", "100% holds for 99.6%", lambda d: (setv(p(d).funds.current, executed=D("99.6")), setv(p(d).funds.total, executed=D("99.6")),
                                               setv(p(d).execution, rate="100%", score=D(10)), setv(p(d), total_score=D(100))), []),
    ("R06", "low execution unexplained", lambda d: _execute(d, D(80)), [f"{P}.adjustment_note"]),
    ("R06", "low execution explained", lambda d: (_execute(d, D(80)), setv(p(d), adjustment_note="合同尾款次年支付")), []),
    # B — budget adjustment
    ("B01", "全年 ≠ 年初", lambda d: _budget(d, D(105)), [f"{P}.funds.total.full_year"]),
    ("B01", "equal within tolerance", lambda d: _budget(d, D("100.01")), []),
    ("B02", "adjusted ≥ 10% unexplained", lambda d: _budget(d, D(120)), [f"{P}.adjustment_note"]),
    ("B02", "adjusted 5%", lambda d: _budget(d, D(105)), []),
    ("B02", "adjusted ≥ 10% explained", lambda d: (_budget(d, D(120)), setv(p(d), adjustment_note="追加预算")), []),
    ("B03", "cut from 30 to 0.61", lambda d: _cut(d, D(30), D("0.61")), [f"{P}.funds.total.full_year"]),
    ("B03", "cut but 60% of the original spent", lambda d: _cut(d, D(150), D(95)), []),
    ("B04", "三公经费 budget above last year", lambda d: setv(d.basic_data.three_public.total, prior=D(10)),
     ["basic_data.three_public.total.budget"]),
    ("B04", "三公经费 going down", lambda d: None, []),
    # S — scores
    ("S01", "得分 above 分值", lambda d: setv(ind(d), score=D(25)), [f"{P}.indicators[0].score"]),
    ("S01", "negative 得分", lambda d: setv(ind(d), score=D(-1)), [f"{P}.indicators[0].score"]),
    ("S01", "得分 within", lambda d: None, []),
    ("S02", "产出 weights add to 45", lambda d: setv(ind(d), weight=D(25)), [(f"{P}.indicators[0].weight", "40")]),
    ("S02", "an unreadable 分值 leaves it to F02", lambda d: setv(ind(d), weight="二十"), []),
    ("S03", "weights add to 105", lambda d: setv(p(d).execution, weight=D(15)), [(f"{P}.execution.weight", "100")]),
    ("S03", "weights add to 100", lambda d: None, []),
    ("S04", "execution 得分 wrong", lambda d: setv(p(d).execution, score=D(9)), [(f"{P}.execution.score", "9.5")]),
    ("S04", "10 written for 9.5 holds (rounded as written)", lambda d: setv(p(d).execution, score=D(10)), []),
    ("S04", "execution 得分 as text stays with F02", lambda d: setv(p(d).execution, score="满分"), []),
    ("S05", "总分 wrong", lambda d: setv(p(d), total_score=D(98)), [(f"{P}.total_score", "99.5")]),
    ("S05", "总分 rounded as written", lambda d: setv(p(d), total_score=D(99.5).quantize(D("0.1"))), []),
    ("S06", "deducted without a reason", lambda d: setv(ind(d), score=D(15)), [f"{P}.indicators[0].deviation"]),
    ("S06", "deducted with a reason", lambda d: setv(ind(d), score=D(15), deviation="受政策影响"), []),
    # I — indicators
    ("I01", "missed target with full score", lambda d: setv(ind(d), actual="8场"), [f"{P}.indicators[0].score"]),
    ("I01", "missed target, score reduced", lambda d: setv(ind(d), actual="8场", score=D(16), deviation="原因"), []),
    ("I02", "met target, score reduced", lambda d: setv(ind(d), score=D(18), deviation="谨慎打分"), [(f"{P}.indicators[0].score", "20")]),
    ("I02", "qualitative target, score reduced", lambda d: setv(ind(d, 3), score=D(18), deviation="原因"), []),
    ("I03", "≥ target missed: 20 × 8 ÷ 10", lambda d: setv(ind(d), actual="8场", score=D(20)), [(f"{P}.indicators[0].score", "16")]),
    ("I03", "≤ target missed: 20 × 100 ÷ 125", lambda d: setv(ind(d, 5), actual="125万元"), [(f"{P}.indicators[5].score", "16")]),
    ("I03", "score already proportional", lambda d: setv(ind(d), actual="8场", score=D(16), deviation="原因"), []),
    ("I04", "个 against 万元", lambda d: setv(ind(d), actual="8万元"), [f"{P}.indicators[0].actual"]),
    ("I04", "% against a bare number", lambda d: setv(ind(d, 4), actual="95"), [f"{P}.indicators[4].actual"]),
    ("I04", "same units", lambda d: None, []),
    ("I05", "the same 三级 twice", lambda d: setv(ind(d, 1), name="培训场次"), [f"{P}.indicators[1].name"]),
    ("I05", "distinct names", lambda d: None, []),
    ("I05", "three times: told once", lambda d: (setv(ind(d, 1), name="培训场次"), setv(ind(d, 2), name=" 培训场次")),
     [f"{P}.indicators[1].name"]),
    ("I06", "target exceeded by 20%", lambda d: setv(ind(d), actual="12场"), [f"{P}.indicators[0].target"]),
    ("I06", "exceeded by 10%", lambda d: setv(ind(d), actual="11场"), []),
    # X — across forms
    ("X01", "project without a 专项 row", lambda d: setv(d.basic_data.project_spending.special_funds[0], project=None, name="别的专项"),
     [f"{P}.name", "basic_data.project_spending.special_funds[0].name"]),
    ("X01", "matched by exact name", lambda d: setv(d.basic_data.project_spending.special_funds[0], project=None), []),
    ("X02", "row amounts differ from the project", lambda d: (setv(d.basic_data.project_spending.special_funds[0], budget=D(90)),
                                                            setv(d.basic_data.project_spending, special_total=type(d.basic_data.project_spending.special_total)(),
                                                                 total=type(d.basic_data.project_spending.total)())),
     [(f"{P}.funds.total.full_year", "90.00")]),
    ("X02", "three rows making up one project", lambda d: _split_rows(d), []),
    ("X03", "附件2 项目支出 ≠ 附件1", lambda d: setv(d.overall.by_nature, project=D(90), basic=D(10)), ["overall.by_nature.project"]),
    ("X03", "they agree", lambda d: None, []),
    ("X04", "projects' execution ≠ 附件1", lambda d: (_split_rows(d), setv(d.basic_data.project_spending.special_funds[2], final=D(50)),
                                                     setv(d.basic_data.project_spending, special_total=type(d.basic_data.project_spending.special_total)(),
                                                          total=type(d.basic_data.project_spending.total)()),
                                                     setv(d.overall.by_nature, project=None)),
     ["basic_data.project_spending.total.final"]),
    ("X04", "a row unmatched: silent", lambda d: d.basic_data.project_spending.special_funds.append(SpecialFund("其他", None, D(1), D(1))), []),
    ("X05", "主管部门 differs", lambda d: setv(p(d), authority="别的局"), [f"{P}.authority"]),
    ("X05", "report of another year", lambda d: setv(p(d).report, budget="2023年预算100万元，其中年初预算100万元，实际支出95万元。"),
     [f"{P}.report.budget"]),
    ("X05", "all consistent", lambda d: None, []),
    # N — narrative
    ("N01", "narrative states another amount", lambda d: setv(p(d).report, budget="2024年预算收入100万元，其中年初预算120万元，实际支出95万元。"),
     [f"{P}.report.budget"]),
    ("N01", "narrative agrees", lambda d: None, []),
    ("N02", "uses add up to more", lambda d: setv(p(d).report, spending="2024年支出95万元，主要用于：场地费60万元、资料费45万元。"),
     [f"{P}.report.spending"]),
    ("N02", "uses within the spending", lambda d: None, []),
]


def _execute(d, executed):
    p(d).funds.current.executed = executed
    p(d).funds.total.executed = None
    p(d).execution.rate = p(d).execution.score = p(d).total_score = None
    p(d).report.budget = None


def _budget(d, full_year):
    p(d).funds.current.full_year = full_year
    p(d).funds.total.full_year = None
    p(d).execution.rate = p(d).execution.score = p(d).total_score = None
    p(d).report = None
    d.basic_data = None


def _cut(d, initial, full_year):
    p(d).funds.current.initial, p(d).funds.current.full_year, p(d).funds.current.executed = initial, full_year, full_year
    p(d).funds.total = type(p(d).funds.total)()
    p(d).execution.rate = p(d).execution.score = p(d).total_score = None
    p(d).adjustment_note = "年中调减"
    p(d).report = None
    d.basic_data = None


def _split_rows(d):
    rows = d.basic_data.project_spending.special_funds
    rows[:] = [SpecialFund("甲", D(30), D(40), D(35), "p1"), SpecialFund("乙", D(30), D(30), D(30), "p1"),
               SpecialFund("丙", D(30), D(30), D(30), "p1")]


def _expected(entry):
    return entry if isinstance(entry, tuple) else (entry, ...)


@pytest.mark.parametrize("rule_id, case, mutate, expected", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_rule(rule_id, case, mutate, expected):
    doc = clean_doc()
    mutate(doc)
    found = [f for f in run_rules(doc) if f.rule == rule_id]
    assert sorted(f.path for f in found) == sorted(_expected(e)[0] for e in expected), [f.message for f in found]
    for entry in expected:
        path, value = _expected(entry)
        if value is not ...:
            assert next(f for f in found if f.path == path).expected == value


def test_every_rule_has_a_firing_and_a_silent_case():
    from jixiao.rules import CATALOG

    firing = {c[0] for c in CASES if c[3]}
    silent = {c[0] for c in CASES if not c[3]}
    missing = set(CATALOG) - {"F06"} - (firing & silent)  # F06 needs a workbook: tested below
    assert not missing, sorted(missing)


@pytest.mark.parametrize("state, message", [
    (FormulaState(f"{P}.funds.total.full_year", "=SUM(E6:E8)", None, D(100)), "应为公式，现为手填值 100"),
    (FormulaState(f"{P}.total_score", "=SUM(H16:H33,I9)", "SUM(H16:H30,I9)", D(90)), "公式被改动为 =SUM(H16:H30,I9)"),
])
def test_f06_reports_formula_states(state, message):
    found = [f for f in run_rules(clean_doc(), formula_states=[state]) if f.rule == "F06"]
    assert len(found) == 1 and message in found[0].message and found[0].expected == state.expected


def test_f06_is_silent_without_formula_states():
    assert not [f for f in run_rules(clean_doc()) if f.rule == "F06"]


def test_baseline_is_clean():
    assert run_rules(clean_doc()) == []
