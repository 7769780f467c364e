"""The bundled example is a faithful transcription of the filed 2024 forms (the seed)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ..conftest import SEED


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED.exists():
        pytest.skip("shared/seeds is not beside this checkout")
    return SEED.read_text(encoding="utf-8")


def test_counts_match_the_seed(example_doc, seed):
    assert seed.count("年度项目支出绩效自评表") == len(example_doc.projects) == 19
    funds = example_doc.basic_data.project_spending.special_funds
    assert len(funds) == 21
    assert all(f"\t{f.name}\n" in seed for f in funds)
    assert len(example_doc.overall.indicators) == 15
    # Every indicator row of the seed that is not a "/" placeholder is in the example, counted
    # here independently: per table, the cells between the header and 总分 in rows of nine.
    counted = []
    for table in seed.split("偏差原因分析")[1:]:
        body = table.split("\t总分")[0]
        cells = [c.strip(" \u3000\n") for c in body.split("\n\t")[1:]]
        rows = [cells[i : i + 9] for i in range(0, len(cells) - len(cells) % 9, 9)]
        counted.append(sum(1 for row in rows if any(c not in ("", "/", "\\") for c in row[3:])))
    assert counted == [len(example_doc.overall.indicators)] + [len(p.indicators) for p in example_doc.projects]


def test_every_project_matches_its_table_in_the_seed(example_doc, seed):
    tables = seed.split("年度项目支出绩效自评表")[1:]
    for project, table in zip(example_doc.projects, tables):
        cells = [line[1:].strip(" \u3000") for line in table.split("\n") if line.startswith("\t")]
        assert cells[1] == project.name
        total_at = cells.index("年度资金总额")
        total = project.funds.total
        assert [D(c) for c in cells[total_at + 1 : total_at + 4]] == [total.initial, total.full_year, total.executed]
        assert project.total_score == D(cells[cells.index("总分") + 2])
        assert project.report.budget in seed


@pytest.mark.parametrize("path, value", [
    ("overall.funds.initial", D("2551.6")),
    ("overall.funds.full_year", D("2922.7")),
    ("overall.execution.score", "100%"),  # the filed error, kept
    ("overall.total_score", D("95.2")),
    ("overall.by_source.general_budget", D("2917.75")),
    ("overall.by_source.other", D("4.94")),
    ("overall.by_nature.basic", D("2148.72")),
    ("basic_data.staff.rate", "93.75%"),
    ("basic_data.three_public.total.prior", D("64.45")),
    ("basic_data.public_funds.meetings_training.budget", D("47.97")),
    ("basic_data.procurement.prior", None),  # —— on the form
    ("basic_data.basic_budget_adjustment.budget", D("8.13")),
    ("department.filled_by", "丁鑫禹"),
    ("department.filled_on", "2025-05-16"),
])
def test_sample_values(example_doc, path, value):
    obj = example_doc
    for part in path.split("."):
        obj = getattr(obj, part)
    assert obj == value


def test_known_defects_are_kept(example_doc):
    by_id = {p.id: p for p in example_doc.projects}
    zx = by_id["zxqy"]
    assert (zx.funds.total.initial, zx.funds.total.full_year) == (D(30), D("0.61"))  # cut from 30 to 0.61
    assert next(i for i in zx.indicators if i.name == "开展企业服务工作人员培训").actual == "1场"
    x = [f for f in example_doc.basic_data.project_spending.special_funds if f.project == "xzyx"]
    assert sum(f.budget for f in x) == by_id["xzyx"].funds.total.full_year == D("418.85")
    lhqy = by_id["lhqy"]
    assert [i.weight for i in lhqy.indicators if i.actual == "未开展"] == [D(0)] * 3
