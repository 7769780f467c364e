"""What `check` finds in the filed 2024 example: the issue's list, and what a careful reviewer adds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.checking import check_path
from jixiao.model.dataformat import save
from jixiao.rules import run_rules
from jixiao.workbook.fill import fill

from .corrections import corrected

CUT_PROJECTS = {"央企对接现场会相关经费", "产业链发展专项资金", "市工信局2023年企业办事不求人等工作部分结余指标",
                "2024年度企业办事不求人工作经费", "2024年中小企业服务体系项目", "2024年度开展供需对接活动经费",
                "2024年重点项目经费经建科划转3.32万", "工信系统相关专家核查经费", "中央无线电管理经费",
                "安全生产委托技术服务经费", "“制造名城”走进西安活动经费"}


# The example's findings, rule by rule (the data file; the workbook adds F06 × 3). A rule that
# goes quiet or noisy fails here; a change to these counts is a change a reviewer must read.
# Before the second edition (issue 16): B01 14, B02 12, B03 6, F02 1, I01 2, I03 4, I04 2 (警告),
# I06 31, M07 1 (错误) — 73 findings, 14 errors.
COUNTS = {
    ("B01", "警告"): 2, ("B02", "错误"): 12, ("B03", "警告"): 6, ("B05", "提示"): 1, ("F02", "错误"): 1,
    ("I01", "警告"): 2, ("I03", "提示"): 3, ("I04", "提示"): 3, ("I06", "提示"): 30, ("I07", "警告"): 8,
    ("I08", "警告"): 2, ("I09", "警告"): 4, ("I10", "提示"): 3, ("I11", "提示"): 1, ("I11", "警告"): 1,
    ("M07", "提示"): 1, ("N03", "警告"): 2, ("N05", "提示"): 18, ("S07", "警告"): 3, ("X06", "警告"): 1,
    ("X07", "提示"): 1,
}
ERRORS = sum(n for (_, severity), n in COUNTS.items() if severity == "错误")  # 13: what sign-off refuses on

# The review's cases (issue 16): (rule, data path) the example must raise ...
MUST = [
    ("M07", "basic_data.project_spending.special_total.prior"),  # a 提示: only the total stated
    ("I07", "projects[10].indicators[6].actual"),  # 全省“智赋万企”推进会: ≥90%
    ("I07", "projects[14].indicators[0].actual"), ("I07", "projects[14].indicators[1].actual"),  # ≥2000家, ≥2个
    ("I07", "projects[15].indicators[0].actual"),  # 安全生产委托: ≥500家
    ("I07", "projects[17].indicators[13].actual"),  # 领航企业: ≥80%
    ("I07", "projects[11].indicators[1].actual"),  # 重点项目经费: 大于100人
    ("I07", "projects[18].indicators[7].actual"),  # 走进西安: 超过90%
    ("I07", "projects[0].indicators[1].actual"),  # 行政运行: “全年” for ≥360天
    ("I08", "projects[4].indicators[6].actual"), ("I08", "projects[9].indicators[6].actual"),  # 均满意 …
    ("I09", "projects[0].indicators[7].target"),  # 指标支付进度 ≥95%
    ("I09", "projects[1].indicators[7].target"), ("I09", "projects[13].indicators[7].target"),  # =100%
    ("I09", "projects[17].indicators[14].target"),  # 及时支付
    ("I10", "projects[3].indicators[8].target"),  # 产业链 ≤50万 against 年初 44.97
    ("S07", "projects[17].indicators[0].weight"), ("S07", "projects[17].indicators[6].weight"),
    ("S07", "projects[17].indicators[7].weight"),  # 领航企业: three unachieved rows at 分值 0
    ("X06", "projects[11].indicators[3].target"),  # 技改投资增速 ≥2% against 附件2's ≥5%
    ("X07", "overall.indicators[13].actual"),  # 94.99% on four forms
    ("I11", "projects[4].indicators[2].target"),  # 2025年10月30日 on a 2024 form
    ("N03", "projects[14].report.spending"),  # 县市区工信系统能力建设专项支出
    ("B05", "overall.funds.full_year"),  # all 19 budgets equal their spending
    ("I04", "projects[3].indicators[5].target"),  # ≥2% against 能耗下降13%: no direction
    ("I01", "projects[8].indicators[0].score"), ("I01", "projects[17].indicators[2].score"),
    ("F02", "overall.execution.score"),
]
# ... and must not.
MUST_NOT = [
    ("M07", None),  # as an error: see the severity test
    ("B01", "overall.funds.full_year"),  # B02 speaks of that adjustment
    ("I06", "projects[3].indicators[5].target"),  # 能耗下降13% is not over-achievement
    ("I03", "overall.indicators[3].score"),  # 1.2 is stricter than 2.88: never suggest raising it
    ("X06", "projects[14].indicators[3].target"),  # 规模工业增加值增速 and 园区… are two statistics
    ("N03", "projects[2].report.spending"), ("N03", "projects[3].report.spending"),  # their own names, shortened
    ("N04", None),  # no narrative figure contradicts a result
]


@pytest.fixture(scope="module")
def findings(example_doc):
    return run_rules(example_doc)


def by(findings, rule, form=None):
    return [f for f in findings if f.rule == rule and (form is None or f.form == form)]


def test_findings_rule_by_rule(findings):
    from collections import Counter

    assert dict(Counter((f.rule, f.severity.value) for f in findings)) == COUNTS


@pytest.mark.parametrize("rule, path", MUST, ids=[f"{r}-{p}" for r, p in MUST])
def test_the_review_cases_are_raised(findings, rule, path):
    assert any(f.path == path for f in by(findings, rule)), [f.path for f in by(findings, rule)]


@pytest.mark.parametrize("rule, path", MUST_NOT, ids=[f"{r}-{p}" for r, p in MUST_NOT])
def test_the_false_alarms_stay_away(findings, rule, path):
    found = by(findings, rule)
    if rule == "M07":
        assert all(f.severity.value == "提示" and f.expected is None for f in found)
    elif path is None:
        assert found == []
    else:
        assert all(f.path != path for f in found)


def test_f02_on_the_execution_score_typed_as_percent(findings):
    [f] = by(findings, "F02")
    assert (f.form, f.path, f.expected) == ("附件2", "overall.execution.score", "10") and "“100%”" in f.message
    assert f.message.startswith("得分栏")


def test_b02_on_attachment2_with_the_adjustment_in_wan(findings):
    [b02] = by(findings, "B02", "附件2")
    assert "2922.70 万元" in b02.message and "2551.60 万元" in b02.message and "调整率 14.54%" in b02.message
    assert b02.message.endswith("请在预算调整说明栏说明调整原因")


def test_b01_where_adjusted_and_explained_or_small_b02_where_10_percent_unexplained(findings, example_doc):
    adjusted = {p.name for p in example_doc.projects if p.funds.total.initial != p.funds.total.full_year}
    b01, b02 = ({f.form for f in by(findings, r)} - {"附件2"} for r in ("B01", "B02"))
    assert b02 == CUT_PROJECTS and b01 == adjusted - CUT_PROJECTS and not b01 & b02
    [b01_admin] = by(findings, "B01", "行政运行（其他）经费")
    assert "调整额 −14.47 万元" in b01_admin.message


def test_b03_on_the_sme_service_project(findings):
    forms = {f.form for f in by(findings, "B03")}
    assert "2024年中小企业服务体系项目" in forms
    [f] = by(findings, "B03", "2024年中小企业服务体系项目")
    assert "2.03%" in f.message


@pytest.mark.parametrize("rule", ["S06", "M02", "X02", "X03", "X04", "N01", "N02", "S05", "R05", "M01"])
def test_silent_where_the_forms_agree(findings, rule):
    assert by(findings, rule) == []


def test_the_corrected_example_has_no_errors(example_doc):
    errors = [f for f in run_rules(corrected(example_doc)) if f.severity.value == "错误"]
    assert errors == []


def test_workbook_and_data_file_give_the_same_findings(tmp_path, example_doc):
    save(example_doc, tmp_path / "d.yaml")
    data = check_path(tmp_path / "d.yaml")
    book = check_path(fill(example_doc, tmp_path / "b.xlsx"))
    key = lambda f: (f.rule, f.severity, f.form, f.path, f.message, f.expected)  # noqa: E731
    from_book = [key(f) for f in book.findings if f.rule != "F06"]
    assert from_book == [key(f) for f in data.findings]
    # The workbook adds only F06 for the derived cells typed as filed, and places findings on cells.
    assert {f.path for f in book.findings if f.rule == "F06"} == {
        "basic_data.project_spending.special_total.prior", "overall.execution.score", "overall.total_score"}
    f02 = next(f for f in book.findings if f.rule == "F02")
    assert f02.cell == "I5" and next(f for f in data.findings if f.rule == "F02").cell == "overall.execution.score"


def test_summaries(example_doc, findings):
    from jixiao.rules import summarize

    s = {x.form: x for x in summarize(example_doc, findings)}
    assert (s["附件2"].total_score, s["附件2"].grade, s["附件2"].errors) == (Decimal("95.2"), "优", 2)
    assert s["附件1"].total_score is None and (s["附件1"].errors, s["附件1"].infos) == (0, 1)
    assert sum(x.errors for x in s.values()) == ERRORS
