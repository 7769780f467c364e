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


def _rounded_rate_case(score):
    """A project spending 61.86 of 78.16 万元: 执行率 79.1453…%, shown as 79.15%, and ``score`` typed."""
    def mutate(d):
        funds = p(d).funds
        for row in (funds.current, funds.total):
            setv(row, initial=D("78.16"), full_year=D("78.16"), executed=D("61.86"))
        for row in (funds.carryover, funds.other):
            setv(row, initial=None, full_year=None, executed=None)
        setv(p(d).execution, weight=D(10), rate=D("0.7915"), score=score)
    return mutate


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
    ("M01", "当年财政拨款 全年执行数 blank: that cell, total minus the others", lambda d: setv(p(d).funds.current, executed=None),
     [(f"{P}.funds.current.executed", "95.00")]),
    ("M01", "two used components, one blank: implied from the other",
     lambda d: (setv(p(d).funds.carryover, initial=D(0), full_year=D(20), executed=D(15)), setv(p(d).funds.current, executed=None),
                setv(p(d).funds.total, initial=D(100), full_year=D(120), executed=D(110))),
     [(f"{P}.funds.current.executed", "95.00")]),
    ("M01", "only the total stated in a column: a hint", lambda d: setv(p(d).funds, current=type(p(d).funds.current)()),
     [(f"{P}.funds.total.initial", None), (f"{P}.funds.total.full_year", None), (f"{P}.funds.total.executed", None)]),
    ("M01", "a text component is F02's alone", lambda d: setv(p(d).funds.current, executed="九十五"), []),
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
    ("M07", "专项 total, every row blank: a hint, no 应为 (the example's 1048.26)",
     lambda d: (_split_rows(d), [setv(r, prior=None) for r in d.basic_data.project_spending.special_funds],
                setv(d.basic_data.project_spending.special_total, budget=D(100), final=D(95))),
     [("basic_data.project_spending.special_total.prior", None)]),
    ("M07", "the only row blank: that row", lambda d: setv(d.basic_data.project_spending.special_funds[0], prior=None),
     [("basic_data.project_spending.special_funds[0].prior", "90.00")]),
    ("M07", "one used row blank: the row, with its implied value", lambda d: (_split_rows(d), setv(d.basic_data.project_spending.special_funds[1], budget=None),
                                                                          setv(d.basic_data.project_spending.special_total, budget=D(100))),
     [("basic_data.project_spending.special_funds[1].budget", "30.00")]),
    ("M07", "an unreadable row is F02's alone", lambda d: (_split_rows(d), setv(d.basic_data.project_spending.special_funds[1], budget="三十"),
                                                           setv(d.basic_data.project_spending.special_total, budget=D(100))), []),
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
    ("B01", "silent where B02 speaks", lambda d: _budget(d, D(120)), [f"{P}.funds.total.full_year"]) if False else
    ("B01", "B02's adjustment gives B01 nothing", lambda d: _budget(d, D(120)), []),
    ("B01", "explained, B01 still asks", lambda d: (_budget(d, D(120)), setv(p(d), adjustment_note="追加预算")), [f"{P}.funds.total.full_year"]),
    ("B01", "an unreadable 年初预算数 is F02's alone", lambda d: setv(p(d).funds.total, initial="一百"), []),
    ("B05", "every budget equals its spending, some adjusted", lambda d: _adjusted_to_spending(d, True), ["overall.funds.full_year"]),
    ("B05", "equal but none adjusted", lambda d: _adjusted_to_spending(d, False), []),
    ("B05", "two projects are too few", lambda d: (_adjusted_to_spending(d, True), d.projects.pop()), []),
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
    ("S04", "得分 from the exact rate while the rate is shown rounded", _rounded_rate_case(D("7.91")), []),
    ("S04", "得分 from the rounded rate shown", _rounded_rate_case(D("7.92")), []),
    ("S04", "得分 that fits neither rate", _rounded_rate_case(D("7.85")), [(f"{P}.execution.score", "7.91")]),
    ("S04", "execution 得分 as text stays with F02", lambda d: setv(p(d).execution, score="满分"), []),
    ("S05", "总分 wrong", lambda d: setv(p(d), total_score=D(98)), [(f"{P}.total_score", "99.5")]),
    ("S05", "总分 rounded as written", lambda d: setv(p(d), total_score=D(99.5).quantize(D("0.1"))), []),
    ("S06", "deducted without a reason", lambda d: setv(ind(d), score=D(15)), [f"{P}.indicators[0].deviation"]),
    ("S06", "deducted with a reason", lambda d: setv(ind(d), score=D(15), deviation="受政策影响"), []),
    ("S07", "weight moved away from a named indicator", lambda d: (setv(ind(d), weight=D(0), score=D(0)), setv(ind(d, 1), weight=D(30), score=D(30))),
     [f"{P}.indicators[0].weight"]),
    ("S07", "a blank weight", lambda d: (setv(ind(d), weight=None, score=None), setv(ind(d, 1), weight=D(30), score=D(30))),
     [f"{P}.indicators[0].weight"]),
    ("S07", "a placeholder row with no weight", lambda d: p(d).indicators.append(Indicator("效益指标", "生态效益指标", "/", "/", "/", None, None)), []),
    # I — indicators
    ("I01", "missed target with full score", lambda d: setv(ind(d), actual="8场"), [f"{P}.indicators[0].score"]),
    ("I01", "missed target, score reduced", lambda d: setv(ind(d), actual="8场", score=D(16), deviation="原因"), []),
    ("I02", "met target, score reduced (a hint: no 应为)", lambda d: setv(ind(d), score=D(18), deviation="谨慎打分"), [(f"{P}.indicators[0].score", None)]),
    ("I02", "qualitative target, score reduced", lambda d: setv(ind(d, 3), score=D(18), deviation="原因"), []),
    ("I03", "≥ target missed: 20 × 8 ÷ 10", lambda d: setv(ind(d), actual="8场", score=D(20)), [(f"{P}.indicators[0].score", None)]),
    ("I03", "≤ target missed: 20 × 100 ÷ 125", lambda d: setv(ind(d, 5), actual="125万元"), [(f"{P}.indicators[5].score", None)]),
    ("I03", "a stricter score is never raised", lambda d: setv(ind(d), actual="8场", score=D(12), deviation="原因"), []),
    ("I03", "score already proportional", lambda d: setv(ind(d), actual="8场", score=D(16), deviation="原因"), []),
    ("I04", "个 against 万元", lambda d: setv(ind(d), actual="8万元"), [f"{P}.indicators[0].actual"]),
    ("I04", "% against a bare number", lambda d: setv(ind(d, 4), actual="95"), [f"{P}.indicators[4].actual"]),
    ("I04", "a result with a direction the target lacks", lambda d: setv(ind(d, 4), name="能耗", level2="服务对象满意度指标", target="≥2%", actual="能耗下降13%"),
     [f"{P}.indicators[4].target"]),
    ("I04", "same units", lambda d: None, []),
    ("I05", "the same 三级 twice", lambda d: setv(ind(d, 1), name="培训场次"), [f"{P}.indicators[1].name"]),
    ("I05", "distinct names", lambda d: None, []),
    ("I05", "three times: told once", lambda d: (setv(ind(d, 1), name="培训场次"), setv(ind(d, 2), name=" 培训场次")),
     [f"{P}.indicators[1].name"]),
    ("I06", "target exceeded by 20%", lambda d: setv(ind(d), actual="12场"), [f"{P}.indicators[0].target"]),
    ("I06", "exceeded by 10%", lambda d: setv(ind(d), actual="11场"), []),
    ("I06", "not where the target has no direction", lambda d: setv(ind(d, 4), target="≥2%", actual="能耗下降13%"), []),
    ("I07", "a result that is itself a bound", lambda d: setv(ind(d), actual="≥10场"), [f"{P}.indicators[0].actual"]),
    ("I07", "大于100人", lambda d: setv(ind(d), target="≥100人", actual="大于100人"), [f"{P}.indicators[0].actual"]),
    ("I07", "a word with no value", lambda d: setv(ind(d, 1), actual="全年"), [f"{P}.indicators[1].actual"]),
    ("I07", "a measured result", lambda d: setv(ind(d), actual="满意度达10场"), []),
    ("I07", "a 满意度 without a rate is I08's", lambda d: setv(ind(d, 4), actual="均满意"), []),
    ("I08", "均满意", lambda d: setv(ind(d, 4), actual="均满意"), [f"{P}.indicators[4].actual"]),
    ("I08", "a ranking", lambda d: setv(ind(d, 4), actual="全省第1名"), [f"{P}.indicators[4].actual"]),
    ("I08", "a 三级 naming 满意 elsewhere", lambda d: setv(ind(d, 3), name="企业满意程度", actual="活动参与企业均反馈满意"),
     [f"{P}.indicators[3].actual"]),
    ("I08", "a rate", lambda d: setv(ind(d, 4), actual="满意度100%"), []),
    ("I09", "no cost indicator", lambda d: p(d).indicators.pop(5), [f"{P}.indicators"]),
    ("I09", "only a placeholder", lambda d: setv(ind(d, 5), name="无", target="/", actual="/", weight="/", score="/"),
     [f"{P}.indicators[5].name"]),
    ("I09", "指标支付进度 ≥95%", lambda d: setv(ind(d, 5), name="指标支付进度", target="≥95%", actual="96.66%"), [f"{P}.indicators[5].target"]),
    ("I09", "及时支付", lambda d: setv(ind(d, 5), target="及时支付", actual="及时支付"), [f"{P}.indicators[5].target"]),
    ("I09", "a ceiling per item is money", lambda d: setv(ind(d, 5), target="10万/个", actual="9万元/个"), []),
    ("I10", "ceiling above both budgets", lambda d: setv(ind(d, 5), target="≤120万元"), [f"{P}.indicators[5].target"]),
    ("I10", "ceiling within the budget", lambda d: setv(ind(d, 5), target="≤100万元"), []),
    ("I11", "a deadline after the year", lambda d: setv(ind(d, 2), target="在2025年10月30日之前完成"), [f"{P}.indicators[2].target"]),
    ("I11", "a result dated after the year", lambda d: setv(ind(d, 2), actual="2025年1月5日"), [f"{P}.indicators[2].actual"]),
    ("I11", "work done in an earlier year (a hint)", lambda d: setv(p(d).goals, actual="2023年办理问题5592件"), [f"{P}.goals.actual"]),
    ("I11", "an earlier year as a comparison", lambda d: setv(p(d).goals, actual="较2023年增长10%"), []),
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
    ("X05", "a short form of the name is a hint", lambda d: (setv(d.department, name="株洲市工业和信息化局"), setv(p(d), authority="市工信局"),
                                                           setv(d.overall, goals=d.overall.goals)), [(f"{P}.authority", None)]),
    ("X05", "another department", lambda d: (setv(d.department, name="株洲市工业和信息化局"), setv(p(d), authority="市财政局")),
     [(f"{P}.authority", "株洲市工业和信息化局")]),
    ("X06", "one statistic, two targets", lambda d: (setv(d.overall.indicators[1], name="技改投资增长率", target="≥5%", actual="3.6%", score=D(10)),
                                                     setv(ind(d, 1), name="工业技改投资增速", target="≥2%", actual="3.6%")),
     [f"{P}.indicators[1].target"]),
    ("X06", "one statistic, one target", lambda d: (setv(d.overall.indicators[1], name="技改投资增长率", target="≥2%", actual="3.6%"),
                                                    setv(ind(d, 1), name="工业技改投资增速", target="≥2%", actual="3.6%")), []),
    ("X06", "a different scope is another statistic", lambda d: (setv(d.overall.indicators[1], name="园区规模工业增加值增速", target="≥8%", actual="10%"),
                                                                  setv(ind(d, 1), name="规模工业增加值增速", target="≥7%", actual="10%")), []),
    ("X07", "one 满意度 on three forms", lambda d: (_add_project(d), setv(d.overall.indicators[4], actual="94.99%"), setv(ind(d, 4), actual="94.99%"),
                                                  setv(d.projects[1].indicators[4], actual="94.99%")), ["overall.indicators[4].actual"]),
    ("X07", "on two forms", lambda d: (setv(d.overall.indicators[4], actual="94.99%"), setv(ind(d, 4), actual="94.99%")), []),
    # N — narrative
    ("N01", "narrative states another amount", lambda d: setv(p(d).report, budget="2024年预算收入100万元，其中年初预算120万元，实际支出95万元。"),
     [f"{P}.report.budget"]),
    ("N01", "narrative agrees", lambda d: None, []),
    ("N01", "spaced amounts are read", lambda d: setv(p(d).report, budget="2024年预算收入 60 万元，其中年初预算 100 万元，实际支出 95 万元。"),
     [f"{P}.report.budget"]),
    ("N01", "full-width digits are read", lambda d: setv(p(d).report, budget="2024年预算收入６０万元，其中年初预算100万元，实际支出95万元。"),
     [f"{P}.report.budget"]),
    ("N01", "spaced and agreeing", lambda d: setv(p(d).report, budget="2024年预算收入 １００ 万元，其中年初预算 100 万元，实际支出 95 万元。"), []),
    ("N02", "uses add up to more", lambda d: setv(p(d).report, spending="2024年支出95万元，主要用于：场地费60万元、资料费45万元。"),
     [f"{P}.report.spending"]),
    ("N02", "uses within the spending", lambda d: None, []),
    ("N03", "the narrative spends another project's fund", lambda d: setv(p(d).report, spending="2024年，县市区工信系统能力建设专项支出95万元，主要用于：场地费50万元。"),
     [f"{P}.report.spending"]),
    ("N03", "its own name, shortened", lambda d: setv(p(d).report, spending="2024年示范项目经费支出95万元，主要用于：场地费50万元。"), []),
    ("N03", "the name of its 附件1 row", lambda d: (setv(d.basic_data.project_spending.special_funds[0], name="培训专项"),
                                                   setv(p(d).report, spending="2024年培训专项支出95万元。")), []),
    ("N04", "a figure contradicting the result", lambda d: (setv(ind(d), name="新增规模以上工业企业", target="≥100家", actual="120家"),
                                                          setv(p(d).report, performance="全年新增规模以上工业企业112家。")),
     [f"{P}.report.performance"]),
    ("N04", "the passage states the result too", lambda d: (setv(ind(d), name="新增规模以上工业企业", target="≥100家", actual="120家"),
                                                          setv(p(d).report, performance="目标新增规模以上工业企业100家，实际新增120家。")), []),
    ("N04", "the target restated", lambda d: (setv(ind(d), name="新增规模以上工业企业", target="≥100家", actual="120家"),
                                             setv(p(d).report, performance="达到新增规模以上工业企业不少于100家的目标。")), []),
    ("N05", "no 三、 and no 四、", lambda d: setv(p(d).report, shortcomings=None, next_steps=" "), [f"{P}.report.shortcomings"]),
    ("N05", "no 四、", lambda d: setv(p(d).report, next_steps=None), [f"{P}.report.next_steps"]),
    ("N05", "no narrative at all", lambda d: setv(p(d), report=None), []),
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


def _add_project(d):
    import copy

    twin = copy.deepcopy(p(d))
    twin.id, twin.name = "p2", "另一项目"
    d.projects.append(twin)
    d.basic_data = None


def _adjusted_to_spending(d, adjusted):
    import copy

    d.basic_data = None
    for k in range(2):
        twin = copy.deepcopy(p(d))
        twin.id, twin.name = f"p{k + 2}", f"项目{k + 2}"
        d.projects.append(twin)
    for q in d.projects:
        q.funds.current.initial = D(110) if adjusted else D(95)
        q.funds.current.full_year = q.funds.current.executed = D(95)
        q.funds.total = type(q.funds.total)()
        q.execution.rate = q.execution.score = q.total_score = None
        q.adjustment_note = "年中调减"
        q.report = None


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


@pytest.mark.parametrize("state, message, expected", [
    (FormulaState(f"{P}.funds.total.full_year", "=SUM(E6:E8)", None, D(90)),
     "现为手填的 90（本次按显示的值校验）。按公式应为 100.00 万元（当年财政拨款、上年结转资金、其他资金之和）", "100.00"),
    (FormulaState(f"{P}.funds.total.full_year", "=SUM(E6:E8)", None, D(100)), "现为手填的 100，与公式结果相同", "100.00"),
    (FormulaState(f"{P}.total_score", "=SUM(H16:H33,I9)", "SUM(H16:H30,I9)", D(90)),
     "公式被改动过（本次按显示的值校验）。按公式应为 99.5（各指标得分之和加执行得分）", "99.5"),
    (FormulaState(f"{P}.execution.score", "=IF(…)", None, "100%"), "按公式应为 9.5（分值乘执行率", "9.5"),
])
def test_f06_reports_formula_states(state, message, expected):
    """F06 gives the value the right formula yields, never the formula."""
    found = [f for f in run_rules(clean_doc(), formula_states=[state]) if f.rule == "F06"]
    assert len(found) == 1 and message in found[0].message and found[0].expected == expected
    assert "=" not in found[0].message and "SUM" not in found[0].message


def test_f06_on_the_example_total_gives_the_stated_value_not_the_texts_sum(example_doc):
    """The example's 附件2 总分 95.2 is right: restoring the execution 得分's formula gives 10, not
    the "100%" text (the old advice, =SUM(H16:H33,I5), gave 85.2)."""
    state = FormulaState("overall.total_score", "=SUM(H16:H33,I5)", None, D("95.2"))
    [f] = [f for f in run_rules(example_doc, formula_states=[state]) if f.rule == "F06"]
    assert f.expected == "95.2" and "95.2，与公式结果相同" in f.message and "85.2" not in f.message


def test_f06_never_advises_a_formula_that_wipes_out_a_total_over_blank_parts(example_doc):
    state = FormulaState("basic_data.project_spending.special_total.prior", "=SUM(B16:B36)", None, D("1048.26"))
    [f] = [f for f in run_rules(example_doc, formula_states=[state]) if f.rule == "F06"]
    assert f.expected is None and "恢复公式会得 0" in f.message and "请先按明细填写各分项" in f.message


def test_f06_is_silent_without_formula_states():
    assert not [f for f in run_rules(clean_doc()) if f.rule == "F06"]


def test_baseline_is_clean():
    assert run_rules(clean_doc()) == []


MILDER = [  # one case of a rule the catalog makes a 提示 (rules.md second edition, "Changed rules")
    ("I04", lambda d: setv(ind(d, 4), actual="95"), "提示"),
    ("I04", lambda d: setv(ind(d), actual="8万元"), "警告"),
    ("X05", lambda d: (setv(d.department, name="株洲市工业和信息化局"), setv(p(d), authority="市工信局")), "提示"),
    ("X05", lambda d: (setv(d.department, name="株洲市工业和信息化局"), setv(p(d), authority="市财政局")), "警告"),
    ("M01", lambda d: setv(p(d).funds, current=type(p(d).funds.current)()), "提示"),
    ("M01", lambda d: setv(p(d).funds.total, full_year=D(101)), "错误"),
    ("I11", lambda d: setv(p(d).goals, actual="2023年办理问题5592件"), "提示"),
    ("I11", lambda d: setv(ind(d, 2), target="2025年10月30日前"), "警告"),
]


@pytest.mark.parametrize("rule_id, mutate, severity", MILDER, ids=[f"{m[0]}-{m[2]}" for m in MILDER])
def test_the_milder_cases_have_their_own_severity(rule_id, mutate, severity):
    doc = clean_doc()
    mutate(doc)
    found = [f for f in run_rules(doc) if f.rule == rule_id]
    assert found and {f.severity.value for f in found} == {severity}
    if severity == "提示":
        assert all(f.expected is None for f in found)


def test_x05_short_names():
    from jixiao.rules.crossform import is_short_name

    assert is_short_name("市工信局", "株洲市工业和信息化局")
    assert not is_short_name("市财政局", "株洲市工业和信息化局")
    assert not is_short_name("株洲市工业和信息化局", "株洲市工业和信息化局")
    assert not is_short_name("局", "株洲市工业和信息化局")
