"""Derived values follow the sheet formulas' semantics (blank = 0 in sums, text ignored, — when undefined)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jixiao.model.derive import (Slot, adjustment_rate, canonical, derive_basic, derive_overall, derive_project,
                                 difference, execution_score, ratio, xsum)
from jixiao.model.document import Execution, FundRow, Indicator, Project, ProjectFunds
from jixiao.model.numbers import DASH


@pytest.mark.parametrize("values, total", [
    ((D("402.56"), D("8.97"), D("7.32")), D("418.85")),
    ((None, D("1"), "1802.96 万元"), D("1")),
    ((), D("0")),
])
def test_sum_counts_numbers_only(values, total):
    assert xsum(*values) == total


@pytest.mark.parametrize("num, den, expected", [
    (D(90), D(96), D("0.9375")),
    (None, D(10), DASH), (D(1), None, DASH), (D(1), D(0), DASH), ("7家", D(15), DASH),
])
def test_ratio(num, den, expected):
    assert ratio(num, den) == expected


@pytest.mark.parametrize("weight, rate, expected", [
    (D(10), D(1), D(10)), (D(10), D("1.2"), D(10)), (D(10), D("0.5"), D(5)), ("/", D(1), DASH), (D(10), DASH, DASH),
])
def test_execution_score_caps_rate_at_100_percent(weight, rate, expected):
    assert execution_score(weight, rate) == expected


def test_adjustment():
    assert difference(D("2551.6"), D("2922.7")) == D("371.1")
    assert adjustment_rate(D("30"), D("0.61")) == (D("0.61") - D("30")) / D("30")
    assert adjustment_rate(D("0"), D("5")) == DASH


@pytest.mark.parametrize("stated, formula, is_rate, typed", [
    (None, D(10), False, False),
    (D(10), D(10), False, False),
    ("100%", D(1), True, False),      # a rate written as text equal to the formula
    ("100%", D(10), False, True),     # a 得分 written as "100%": kept as typed
    (D("95.2"), D("85.2"), False, True),
    ("93.7%", D("0.9375"), True, True),
])
def test_slot_typed_when_the_document_states_another_value(stated, formula, is_rate, typed):
    slot = Slot(stated, formula, is_rate)
    assert slot.typed is typed
    assert slot.shown == (stated if typed else formula)


def test_project_total_and_scores_use_shown_values():
    p = Project(funds=ProjectFunds(current=FundRow(D(110), D("76.4"), D("76.4")), carryover=FundRow(D("9.64"), D("1.76"), D("1.76"))),
                execution=Execution(weight=D(10)),
                indicators=[Indicator(weight=D(40), score=D(40)), Indicator(name="/", weight="/", score="/")])
    slots = derive_project(p)
    assert slots.shown("funds.total.full_year") == D("78.16")
    assert slots.shown("execution.rate") == D(1)
    assert slots.shown("total_score") == D(50)


def test_example_overall_total_reads_the_typed_score(example_doc):
    slots = derive_overall(example_doc.overall)
    # The execution 得分 is typed as "100%" (text), so the formula total leaves it out.
    assert slots["execution.score"].typed and slots.shown("execution.score") == "100%"
    assert slots["total_score"].formula == D("85.2") and slots["total_score"].typed


def test_example_basic_data(example_doc):
    slots = derive_basic(example_doc.basic_data)
    assert slots["staff.rate"].formula == D("0.9375") and not slots["staff.rate"].typed
    assert slots["project_spending.special_total.budget"].formula == D("773.97")
    # 1048.26 is stated for the special total's prior year, but no row states a prior amount.
    assert slots["project_spending.special_total.prior"].typed
    assert slots.shown("project_spending.total.prior") == D("1048.26")


def test_canonical_drops_only_what_equals_its_formula(example_doc):
    c = canonical(example_doc)
    assert c.projects[0].funds.total.full_year is None
    assert c.overall.execution.score == "100%" and c.overall.total_score == D("95.2")
    assert example_doc.projects[0].funds.total.full_year == D("418.85")  # input untouched
