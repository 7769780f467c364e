"""Labels as filed documents really write them, each kind of debris one row."""

from __future__ import annotations

import pytest

from jixiao.filed.grid import PLACEHOLDERS, Cell, Grid, cell_text, label_key, weight_of
from jixiao.forms.layout import FUND_LABELS, LABELS

LABEL_CASES = [
    # (as written in a filed document, the label it is)
    ("项目支\n出名称", LABELS["name"]),  # broken over lines in a narrow column
    ("年初\n预算数", "年初预算数"),
    ("\u3000\u3000主管部门\u3000", LABELS["authority"]),  # U+3000 padding
    ("主 管 部 门", LABELS["authority"]),  # spaced out to fill the cell
    ("项目资金\n（万元）", "项目资金"),  # the unit in brackets
    ("年度资金总额(万元)", FUND_LABELS["total"]),  # half-width brackets
    ("其中：　当年财政拨款　", FUND_LABELS["current"]),  # 其中： and padding
    ("   1、公务用车购置和维护经费", "公务用车购置和维护经费"),  # list number and indent
    ("（2）出国经费", "出国经费"),
    ("2024年实际在职人数", "实际在职人数"),  # the year the form prints
    ("项目支出名称[bookmark: _GoBack]", LABELS["name"]),  # Word debris
    ("按收入性质分：", "按收入性质分"),  # trailing colon
    ("年度总体目标:", "年度总体目标"),
]


@pytest.mark.parametrize(("written", "label"), LABEL_CASES, ids=[c[0] for c in LABEL_CASES])
def test_a_label_as_filed_is_the_label(written, label):
    assert label_key(written) == label_key(label)


def test_distinct_labels_stay_distinct():
    """Folding must not merge two labels a form tells apart."""
    labels = [*FUND_LABELS.values(), "年初预算数", "全年预算数", "全年执行数", "分值", "得分", "执行率",
              LABELS["goals.target"], LABELS["goals.actual"], "一级指标", "二级指标", "三级指标"]
    keys = [label_key(text) for text in labels]
    assert len(set(keys)) == len(keys)


WEIGHT_CASES = [
    ("产出指标\n（40分）", ("产出指标", "40")),
    ("产出指标\n(50分)", ("产出指标", "50")),
    ("满意度\n指标\n\n（10分）", ("满意度指标", "10")),
    ("成本指标（20分）", ("成本指标", "20")),
    ("效益指标", ("效益指标", None)),
    ("产出指标（ 7.5 分 ）", ("产出指标", "7.5")),
]


@pytest.mark.parametrize(("written", "expected"), WEIGHT_CASES, ids=[c[0] for c in WEIGHT_CASES])
def test_the_weight_printed_in_a_level1_label(written, expected):
    assert weight_of(written) == expected


VALUE_CASES = [
    ("机关内人员成本（不包含公用经费支\n出，只计算人员类支出）", "机关内人员成本（不包含公用经费支出，只计算人员类支出）"),
    ("\u3000\u3000", ""),
    ("  418.85  ", "418.85"),
    ("≥90%[bookmark: _GoBack]", "≥90%"),
    ("1802.96\n万元", "1802.96万元"),
]


@pytest.mark.parametrize(("written", "value"), VALUE_CASES, ids=[c[0][:12] for c in VALUE_CASES])
def test_a_value_keeps_its_words(written, value):
    assert cell_text(written) == value


@pytest.mark.parametrize("placeholder", ["/", "\\", "……", "…", "——", ""])
def test_placeholders(placeholder):
    assert cell_text(placeholder) in PLACEHOLDERS


def test_a_merged_cell_is_found_from_every_position():
    level1 = Cell("产出指标（40分）", 1, 0, rows=3)
    grid = Grid("表1", [Cell("一级指标", 0, 0), Cell("三级指标", 0, 1, cols=2), level1,
                        *(Cell(f"指标{r}", r, 1, cols=2) for r in (1, 2, 3))])
    assert [grid.at(r, 0) for r in (1, 2, 3)] == [level1] * 3
    header = grid.find(label_key("三级指标"))
    assert grid.under(header, 3).value == "指标3"
    assert grid.under(grid.find("一级指标"), 2) is level1
    assert grid.right_of(level1).value == "指标1" and grid.below(header).value == "指标1"
    assert [c.value for c in grid.row(2)] == ["产出指标（40分）", "指标2"]
