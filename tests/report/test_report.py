"""The 自评报告: numbers from the data, the adjustment sentence where 年初 ≠ 全年, the template."""

from __future__ import annotations

import copy
import itertools
import re
import subprocess
from decimal import Decimal

import docx
import pytest

from jixiao.model.derive import derive_project
from jixiao.forms.layout import INDICATOR_HEADERS, LABELS
from jixiao.model.document import is_placeholder
from jixiao.report.render import amount, budget_sentence, percent, render_report
from jixiao.report.template import FUNDS_WIDTHS, INDICATOR_WIDTHS, REPORT_TEMPLATE, build_report_template

from ..conftest import EXAMPLE, ROOT, run_cli


@pytest.fixture(scope="module")
def report(tmp_path_factory, example_doc):
    return docx.Document(str(render_report(example_doc, tmp_path_factory.mktemp("r") / "r.docx")))


def _section_one(paragraphs: list[str], name: str) -> list[str]:
    """The paragraphs under a project's 一、预算收支出情况."""
    here = paragraphs.index(name)
    first = paragraphs.index("一、预算收支出情况", here) + 1
    return paragraphs[first:paragraphs.index("二、项目支出绩效情况", first)]


def test_the_departments_own_budget_paragraph_is_kept(report, example_doc):
    """Every project of the example wrote its 一、; the report prints it as written (N01 says
    where it disagrees with the table), not a sentence of its own."""
    paragraphs = [p.text for p in report.paragraphs]
    for project in example_doc.projects:
        written = [line.strip() for line in project.report.budget.split("\n") if line.strip()]
        assert _section_one(paragraphs, project.name) == written, project.name


def test_without_one_the_budget_paragraph_is_written_from_the_numbers(tmp_path, example_doc):
    doc = copy.deepcopy(example_doc)
    for project in doc.projects:
        project.report.budget = None
    paragraphs = [p.text for p in docx.Document(str(render_report(doc, tmp_path / "r.docx"))).paragraphs]
    for project in doc.projects:
        slots = derive_project(project)
        full, initial, executed = (slots.shown(f"funds.total.{c}") for c in ("full_year", "initial", "executed"))
        expected = f"2024年预算{amount(full)}万元，其中年初预算{amount(initial)}万元，实际支出{amount(executed)}万元。"
        [sentence] = _section_one(paragraphs, project.name)
        assert sentence.startswith(expected), (project.name, sentence)
        if initial != full:
            assert "年中" in sentence and "预算" in sentence and "调整原因" in sentence, sentence
        else:
            assert "年中" not in sentence


def test_an_unwritten_section_prints_nothing_in_its_place(tmp_path, example_doc):
    doc = copy.deepcopy(example_doc)
    doc.projects[0].report.spending = doc.projects[0].report.performance = None
    paragraphs = [p.text for p in docx.Document(str(render_report(doc, tmp_path / "r.docx"))).paragraphs]
    assert not any("未填写" in p for p in paragraphs)
    here = paragraphs.index(doc.projects[0].name)
    after = paragraphs.index("二、项目支出绩效情况", here) + 1
    assert paragraphs[after] == f"{doc.year}年度项目支出绩效自评表"  # straight on to the table


@pytest.mark.parametrize("value, expected", [
    (Decimal("418.85"), "418.85"), (Decimal("4.8"), "4.80"), (Decimal(8), "8.00"), (Decimal("0.005"), "0.01"),
    (Decimal("1E+2"), "100.00"), (None, ""),
])
def test_amounts_keep_two_decimals(value, expected):
    assert amount(value) == expected


@pytest.mark.parametrize("value, expected", [(Decimal("0.9033"), "90.33%"), (Decimal(1), "100.00%"),
                                             (Decimal("0.18300"), "18.30%")])
def test_rates_keep_two_decimals(value, expected):
    assert percent(value) == expected


@pytest.mark.parametrize("initial, full, note, expected", [
    (Decimal(30), Decimal("0.61"), None, "年中调减预算29.39万元（调整率-97.97%），调整原因未说明。"),
    (Decimal("2551.6"), Decimal("2922.7"), "追加无线电经费", "年中追加预算371.10万元（调整率14.54%），调整原因：追加无线电经费。"),
    (Decimal(8), Decimal(8), None, "实际支出8.00万元。"),
])
def test_adjustment_sentence(initial, full, note, expected):
    assert budget_sentence(2024, initial, full, full, note).endswith(expected)


# --- the tables, as the forms are laid out ---------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _project_tables(report):
    """(funds table, indicator table) per project, told apart by their first cell."""
    funds = [t for t in report.tables if t.rows[0].cells[0].text == LABELS["name"]]
    indicators = [t for t in report.tables if tuple(c.text for c in t.rows[0].cells) == INDICATOR_HEADERS]
    return list(zip(funds, indicators))


def test_every_row_stays_on_one_page_and_the_indicator_header_repeats(report, example_doc):
    pairs = _project_tables(report)
    assert len(pairs) == len(example_doc.projects)
    for funds, indicators in pairs:
        for table in (funds, indicators):
            for row in table._tbl.findall(f"{W}tr"):
                assert row.find(f"{W}trPr/{W}cantSplit") is not None
        rows = indicators._tbl.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])


def test_columns_are_as_wide_as_what_they_hold(report):
    funds, indicators = _project_tables(report)[0]
    for table, widths in ((funds, FUNDS_WIDTHS), (indicators, INDICATOR_WIDTHS)):
        grid = [int(col.get(f"{W}w")) for col in table._tbl.find(f"{W}tblGrid")]
        assert len(set(grid)) > 2  # not equal columns
        assert [round(g / 567, 1) for g in grid] == [round(w, 1) for w in widths]  # 567 twips a cm
        assert abs(sum(widths) - 15.8) < 0.01  # the page between its margins


def test_names_and_goals_span_the_row_as_on_the_form(report, example_doc):
    funds, _ = _project_tables(report)[0]
    rows = funds._tbl.findall(f"{W}tr")
    spans = lambda row: [int(tc.find(f"{W}tcPr/{W}gridSpan").get(f"{W}val")) if tc.find(f"{W}tcPr/{W}gridSpan")
                         is not None else 1 for tc in row.findall(f"{W}tc")]
    assert spans(rows[0]) == [1, 6]  # 项目支出名称 | the name across the table
    goals = next(r for r in rows if LABELS["goals.target"] in "".join(t.text or "" for t in r.iter(f"{W}t")))
    assert spans(goals) == [1, 3, 3]  # 预期目标 and 实际完成情况 side by side, half the table each
    target = rows[rows.index(goals) + 1]
    assert example_doc.projects[0].goals.target.strip()[:10] in "".join(t.text or "" for t in target.iter(f"{W}t"))


def test_indicator_groups_are_merged_down_the_rows(report, example_doc):
    """One 一级 cell per run of equal 一级 values, and one 二级 cell per run inside it."""
    for (_, table), project in zip(_project_tables(report), example_doc.projects):
        shown = [i for i in project.indicators if not is_placeholder(i)]
        rows = [r for r in table._tbl.findall(f"{W}tr")[1:] if len(r.findall(f"{W}tc")) == len(INDICATOR_HEADERS)]
        assert len(rows) == len(shown)
        for column, key in ((0, lambda i: (i.level1,)), (1, lambda i: (i.level1, i.level2))):
            runs = [len(list(g)) for _, g in itertools.groupby(shown, key=key)]
            restarts = [r.findall(f"{W}tc")[column].find(f"{W}tcPr/{W}vMerge") for r in rows]
            starts = sum(1 for m in restarts if m is not None and m.get(f"{W}val") == "restart")
            continues = sum(1 for m in restarts if m is not None and m.get(f"{W}val") != "restart")
            assert starts == sum(1 for n in runs if n > 1), (project.name, column)
            assert continues == sum(n - 1 for n in runs), (project.name, column)


def test_the_example_report_prints_in_fewer_pages_with_every_table_whole(tmp_path, report, example_doc):
    """LibreOffice Writer renders it; each project's 自评表 title shares its page with the table."""
    from jixiao.workbook.libreoffice import convert

    path = render_report(example_doc, tmp_path / "报告.docx")
    pdf = convert(path, "pdf", tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages <= 48  # 60 with equal narrow columns
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for page in text.split("\f"):
        if "年度项目支出绩效自评表" in page:
            assert LABELS["name"] in page  # never a title alone at the foot of a page


def test_tables_come_from_the_data(report, example_doc):
    cells = {c.text for t in report.tables for r in t.rows for c in r.cells}
    for p in example_doc.projects:
        for ind in p.indicators:
            assert ind.name in cells
    assert "偏差原因分析及改进措施" in cells


def test_narrative_sections_present_only_when_written(report, example_doc):
    text = "\n".join(p.text for p in report.paragraphs)
    assert text.count("三、存在的不足") == sum(1 for p in example_doc.projects if p.report and p.report.shortcomings)
    assert "{{" not in text and "{%" not in text  # every tag rendered


def test_committed_template_matches_the_code():
    assert (ROOT / "workbook_templates" / REPORT_TEMPLATE).read_bytes() == build_report_template()


def test_cli_report_from_a_workbook_and_a_data_file(tmp_path, example_book):
    for source in (example_book, EXAMPLE):
        out = tmp_path / f"{source.stem}.docx"
        result = run_cli("report", source, "-o", out)
        assert result.returncode == 0, result.stderr
        assert re.search(r"项目 19 个", result.stdout)
        assert any("行政运行（其他）经费" == p.text for p in docx.Document(str(out)).paragraphs)


def _word_with(path, text):
    document = docx.Document()
    document.add_paragraph(text)
    document.save(path)
    return path


def _bytes(path, data):
    path.write_bytes(data)
    return path


BAD_TEMPLATES = [  # (id, how the template is made, the words its refusal holds)
    ("cut short", lambda p, good: _bytes(p, good.read_bytes()[:2000]), "已损坏"),
    ("an Excel workbook", lambda p, good: _bytes(p, (ROOT / "workbook_templates" / "hunan-2024.xlsx").read_bytes()),
     "这像是一个 Excel 工作簿"),
    ("a tag left open", lambda p, good: _word_with(p, "部门：{{ department "), "有写错或未闭合的"),
    ("a filter that does not exist", lambda p, good: _word_with(p, "{{ department|大写 }}"), "用了不存在的过滤器“大写”"),
    ("an if left open", lambda p, good: _word_with(p, "{% if forced %}含未通过校验项"), "有未闭合的 {% if %}"),
]


@pytest.mark.parametrize("make, words", [pytest.param(m, w, id=i) for i, m, w in BAD_TEMPLATES])
def test_a_report_template_that_cannot_be_used_says_why(tmp_path, make, words):
    good = tmp_path / "good.docx"
    good.write_bytes(build_report_template())
    template = make(tmp_path / "模板.docx", good)
    result = run_cli("report", EXAMPLE, "--template", template, "-o", tmp_path / "r.docx")
    assert result.returncode == 2 and words in result.stderr, result.stderr
    assert "内部错误" not in result.stderr and "Error" not in result.stderr
    assert not (tmp_path / "r.docx").exists()


def test_the_department_section_states_its_execution_rate_and_what_was_left(tmp_path, example_doc):
    doc = copy.deepcopy(example_doc)
    doc.overall.funds.executed = Decimal("2450.2")  # of 2922.7
    doc.overall.execution.rate = "83.83%"  # typed as text, as forms are filed
    text = "\n".join(p.text for p in docx.Document(render_report(doc, tmp_path / "r.docx")).paragraphs)
    assert "预算执行率83.83%，有472.50万元未执行。" in text


def test_a_department_that_spent_its_budget_is_not_said_to_have_left_any(tmp_path, example_doc):
    doc = copy.deepcopy(example_doc)
    doc.overall.funds.executed = doc.overall.funds.full_year
    text = "\n".join(p.text for p in docx.Document(render_report(doc, tmp_path / "r.docx")).paragraphs)
    assert "预算执行率100.00%。" in text and "未执行" not in text
