"""The 年度指标值/实际完成值 reader: every value of the 2024 example, and hard cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from jixiao.model.indicator_values import GE, GT, LE, LT, Comparison, compare, read_value

GOLDEN = Path(__file__).parent / "golden" / "indicator_values.tsv"


def golden() -> dict[str, str]:
    rows = [line.split("\t") for line in GOLDEN.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return dict(rows)


def test_golden_covers_every_value_written_in_the_example(example_doc):
    texts = {t for form in [example_doc.overall, *example_doc.projects] for i in form.indicators
             for t in (i.target, i.actual) if t}
    assert texts == set(golden())


@pytest.mark.parametrize("text, expected", sorted(golden().items()))
def test_example_values_read_as_reviewed(text, expected):
    assert read_value(text).describe() == expected


@pytest.mark.parametrize("text, expected", [
    ("不低于95%", "number ≥ 95 %"),
    ("达到90%以上", "number ≥ 90 %"),
    ("90%以上", "number ≥ 90 %"),
    ("不超过30万元", "number ≤ 30 万元"),
    ("控制在50万元以内", "number ≤ 50 万元"),
    ("大于等于2个", "number ≥ 2 个"),
    ("满意度达90%", "number ≥ 90 %"),
    ("≥ 40 家", "number ≥ 40 家"),
    ("＞３０％", "number > 30 %"),
    ("≧5个", "number ≥ 5 个"),
    (">=5个", "number ≥ 5 个"),
    ("1,000人", "number 1000 人"),
    ("2亿元", "number 20000 万元"),
    ("35400元", "number 3.5400 万元"),
    ("十二个月", "number 12 月"),
    ("三十五家", "number 35 家"),
    ("80%-90%", "range 80-90 %"),
    ("5～8个", "range 5-8 个"),
    ("2024年12月底前", "date ≤ 2024-12-31"),
    ("2024年2月前", "date ≤ 2024-02-29"),
    ("2024年13月前", "qualitative"),
    ("逐年下降", "direction down"),
    ("较上年增长5%", "number 5 % up"),
    ("实际产生费用4.8万元。", "qualitative"),
    ("按要求及时公开", "qualitative"),
    ("", "qualitative"),
])
def test_hard_cases(text, expected):
    assert read_value(text).describe() == expected


def test_non_text_is_qualitative():
    assert read_value(None).kind == "qualitative" and read_value(D(5)).kind == "qualitative"


@pytest.mark.parametrize("target, actual, ceiling, met", [
    ("≥40家", "116家", False, True),
    ("≥15家", "7家", False, False),
    ("≤1950万元", "1802.96万元", False, True),
    ("≤6万元", "4.94万元", False, True),
    ("19万元", "19万元", True, True),          # a bare cost target is a ceiling
    ("19万元", "20万元", True, False),
    ("150", "123", False, False),              # a bare target elsewhere is a floor
    ("≥5000亿元", "8100亿元", False, True),
    ("≥1亿元", "9000万元", False, False),       # scaled to 万元 before comparing
    ("=100%", "100%", False, True),
    ("=12月", "12个月", False, True),
    ("≥3场次", "1场", False, False),
    ("80%-90%", "95%", False, False),
    ("80%-90%", "85%", False, True),
    ("2024年5月30日前", "2024年4月28日", False, True),
    ("2024年5月30日前", "2024年6月1日", False, False),
    ("较去年下降", "下降4.14万元", False, True),
    ("较去年下降", "明显提升", False, False),
    ("有序推进", "有序推进", False, None),
    ("≥360天", "全年", False, None),
])
def test_compare(target, actual, ceiling, met):
    assert compare(read_value(target), read_value(actual), ceiling).met is met


def test_units_that_do_not_compare_are_reported_not_compared():
    c = compare(read_value("≥10个"), read_value("20万元"))
    assert c.met is None and c.units_clash == ("个", "万元")


def test_a_bare_number_against_a_percent_reads_as_percent():
    c = compare(read_value("≥32%"), read_value("37.4"))
    assert c.met is True and c.read_as_percent and c.op == GE
    c = compare(read_value("≥85"), read_value("90%"))
    assert c.met is True and c.read_as_percent


def test_range_reports_the_bound_missed():
    c = compare(read_value("80%-90%"), read_value("95%"))
    assert (c.op, c.target) == (LE, D(90))


def test_date_reading():
    assert read_value("2024年4月28日").date == dt.date(2024, 4, 28)


@pytest.mark.parametrize("target, actual, ceiling, expected", [
    ("≥40家", "116家", False, Comparison(True, GE, D(40), D(116))),
    (">40家", "40家", False, Comparison(False, GT, D(40), D(40))),
    ("≤6万元", "4.94万元", False, Comparison(True, LE, D(6), D("4.94"))),
    ("<6万元", "6万元", False, Comparison(False, LT, D(6), D(6))),
    ("=12月", "12个月", False, Comparison(True, "=", D(12), D(12))),
    ("19万元", "20万元", True, Comparison(False, LE, D(19), D(20))),
    ("150", "123", False, Comparison(False, GE, D(150), D(123))),
    ("≥1亿元", "9000万元", False, Comparison(False, GE, D(10000), D(9000))),
    ("≥32%", "37.4", False, Comparison(True, GE, D(32), D("37.4"), read_as_percent=True)),
])
def test_number_comparisons_in_full(target, actual, ceiling, expected):
    """A number against a number, whole: what a rule reads of it (comparator, bounds, units)."""
    assert compare(read_value(target), read_value(actual), ceiling) == expected
