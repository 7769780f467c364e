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


@pytest.fixture(scope="module")
def findings(example_doc):
    return run_rules(example_doc)


def by(findings, rule, form=None):
    return [f for f in findings if f.rule == rule and (form is None or f.form == form)]


def test_f02_on_the_execution_score_typed_as_percent(findings):
    [f] = by(findings, "F02")
    assert (f.form, f.path, f.expected) == ("附件2", "overall.execution.score", "10") and "“100%”" in f.message


def test_b01_b02_on_attachment2(findings):
    [b01] = by(findings, "B01", "附件2")
    assert "2922.70" in b01.message and "2551.60" in b01.message and "调整率 14.54%" in b01.message
    assert "年初口径执行率 114.54%" in b01.message
    assert len(by(findings, "B02", "附件2")) == 1


def test_b01_on_every_adjusted_project_and_b02_where_10_percent_or_more(findings, example_doc):
    adjusted = {p.name for p in example_doc.projects if p.funds.total.initial != p.funds.total.full_year}
    assert {f.form for f in by(findings, "B01")} - {"附件2"} == adjusted
    assert {f.form for f in by(findings, "B02")} - {"附件2"} == CUT_PROJECTS


def test_b03_on_the_sme_service_project(findings):
    forms = {f.form for f in by(findings, "B03")}
    assert "2024年中小企业服务体系项目" in forms
    [f] = by(findings, "B03", "2024年中小企业服务体系项目")
    assert "2.03%" in f.message


@pytest.mark.parametrize("rule", ["S06", "M02", "X02", "X03", "X04", "N01", "N02", "S05", "R05", "M01"])
def test_silent_where_the_forms_agree(findings, rule):
    assert by(findings, rule) == []


def test_what_a_careful_reviewer_adds(findings):
    [m07] = by(findings, "M07")  # 1048.26 stated for 2023 with no 专项 row behind it
    assert m07.path == "basic_data.project_spending.special_total.prior" and m07.expected == "0.00"
    i01 = {(f.form, f.path) for f in by(findings, "I01")}
    assert ("2024年中小企业服务体系项目", "projects[8].indicators[0].score") in i01  # 1场 of ≥3场次, full marks
    assert ("2023年度产业链领航企业开展培育调研费354000元等部分结余指标", "projects[17].indicators[2].score") in i01
    assert any("37.4" in f.message for f in by(findings, "I04", "附件2"))


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
    assert s["附件1"].total_score is None and s["附件1"].errors == 1
