"""The 自评报告: numbers from the data, the adjustment sentence where 年初 ≠ 全年, the template."""

from __future__ import annotations

import re
from decimal import Decimal

import docx
import pytest

from jixiao.model.derive import derive_project
from jixiao.report.render import amount, budget_sentence, render_report
from jixiao.report.template import REPORT_TEMPLATE, build_report_template

from ..conftest import EXAMPLE, ROOT, run_cli


@pytest.fixture(scope="module")
def report(tmp_path_factory, example_doc):
    return docx.Document(str(render_report(example_doc, tmp_path_factory.mktemp("r") / "r.docx")))


def test_budget_paragraph_has_the_right_numbers_for_every_project(report, example_doc):
    paragraphs = [p.text for p in report.paragraphs]
    for project in example_doc.projects:
        slots = derive_project(project)
        full, initial, executed = (slots.shown(f"funds.total.{c}") for c in ("full_year", "initial", "executed"))
        expected = f"2024年预算{amount(full)}万元，其中年初预算{amount(initial)}万元，实际支出{amount(executed)}万元。"
        here = paragraphs.index(project.name)
        sentence = paragraphs[here + 3]
        assert sentence.startswith(expected), (project.name, sentence)
        if initial != full:
            assert "年中" in sentence and "预算" in sentence and "调整原因" in sentence, sentence
        else:
            assert "年中" not in sentence


@pytest.mark.parametrize("initial, full, note, expected", [
    (Decimal(30), Decimal("0.61"), None, "年中调减预算29.39万元（调整率-97.97%），调整原因未说明。"),
    (Decimal("2551.6"), Decimal("2922.7"), "追加无线电经费", "年中追加预算371.1万元（调整率14.54%），调整原因：追加无线电经费。"),
    (Decimal(8), Decimal(8), None, "实际支出8万元。"),
])
def test_adjustment_sentence(initial, full, note, expected):
    assert budget_sentence(2024, initial, full, full, note).endswith(expected)


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
