"""A small, fully consistent document: every rule is silent on it. Cases mutate a copy."""

from __future__ import annotations

from decimal import Decimal as D

from jixiao.model.document import (AmountRow, BasicData, Building, ByNature, BySource, Department, Document,
                                   Execution, FundRow, Goals, Indicator, Overall, Project, ProjectFunds, ProjectSpending, PublicFunds,
                                   Report, SpecialFund, Staff, ThreePublic)


def indicators() -> list[Indicator]:
    return [
        Indicator("产出指标", "数量指标", "培训场次", "≥10场", "11场", D(20), D(20)),
        Indicator("产出指标", "质量指标", "验收合格率", "=100%", "100%", D(10), D(10)),
        Indicator("产出指标", "时效指标", "完成时间", "2024年12月前", "2024年11月30日", D(10), D(10)),
        Indicator("效益指标", "社会效益指标", "企业获得感", "有序推进", "有序推进", D(20), D(20)),
        Indicator("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "95%", D(10), D(10)),
        Indicator("成本指标", "经济成本指标", "活动经费", "≤100万元", "95万元", D(20), D(20)),
    ]


def clean_doc() -> Document:
    funds = FundRow(D(100), D(100), D(95))
    project = Project(
        id="p1", name="示范项目", authority="某局", implementer="某局机关",
        funds=ProjectFunds(current=FundRow(D(100), D(100), D(95)), total=FundRow(D(100), D(100), D(95))),
        execution=Execution(D(10), "95%", D("9.5")), goals=Goals("完成培训", "完成了培训"),
        indicators=indicators(), total_score=D("99.5"),
        report=Report(budget="2024年预算100万元，其中年初预算100万元，实际支出95万元。",
                      spending="2024年支出95万元，主要用于：场地费50万元、资料费45万元。",
                      shortcomings="培训覆盖面仍不够广。", next_steps="扩大培训范围。"))
    overall = Overall(funds=funds, execution=Execution(D(10), "95%", D("9.5")),
                      by_source=BySource(general_budget=D(100)), by_nature=ByNature(basic=D(5), project=D(95)),
                      goals=Goals("目标", "完成"), indicators=indicators(), total_score=D("99.5"))
    basic = BasicData(
        staff=Staff(D(10), D(9), "90%"),
        three_public=ThreePublic(total=AmountRow(D(12), D(11), D(11)), car=AmountRow(D(10), D(9), D(9)),
                                 car_operation=AmountRow(D(10), D(9), D(9)), reception=AmountRow(D(2), D(2), D(2))),
        project_spending=ProjectSpending(
            total=AmountRow(D(90), D(100), D(95)), special_total=AmountRow(D(90), D(100), D(95)),
            special_funds=[SpecialFund("示范项目", D(90), D(100), D(95), "p1")]),
        public_funds=PublicFunds(total=AmountRow(D(50), D(50), D(50)), office=AmountRow(D(10), D(10), D(10))),
        buildings=[Building("办公楼", D(100), D(90), "90%", D(100), D(95), "95%")],
        austerity="厉行节约")
    return Document(year=2024, scheme="hunan-2024", department=Department(name="某局"), basic_data=basic,
                    overall=overall, projects=[project])
