"""The second edition's message rules, held against every finding of the example (workbook and
data file) and of every table case: what a 科员 reads must be actionable and never misleading."""

from __future__ import annotations

import re

import pytest

from jixiao.checking import check_path
from jixiao.rules import INFO, run_rules
from jixiao.workbook.fill import fill

from .baseline import clean_doc
from .test_rules import CASES


@pytest.fixture(scope="module")
def messages(example_doc, tmp_path_factory):
    book = fill(example_doc, tmp_path_factory.mktemp("m") / "example.xlsx")
    found = list(check_path(book).findings) + run_rules(example_doc)
    for _, _, mutate, _ in CASES:
        doc = clean_doc()
        mutate(doc)
        found += run_rules(doc)
    return found


# A bare two-decimal amount: not followed by 万元 or %, and not a score (得分/分值 …)
_BARE_AMOUNT = re.compile(r"(?<![\d.])(?<!得分 )(?<!分值 )(?<!应为 )\d+\.\d\d(?![\d%])(?!\s*万元)")


def _unquoted(message: str) -> str:
    """The message's own words: what it quotes from the form is the form's."""
    return re.sub(r"“[^”]*”", "“”", message)


def test_amounts_carry_wan_yuan(messages):
    bare = [(f.rule, f.message) for f in messages if _BARE_AMOUNT.search(_unquoted(f.message)) and f.rule not in ("I01", "I03", "S01", "S04", "S05", "F06", "F02")]
    assert bare == []


def test_a_hint_proposes_and_never_says_ought(messages):
    hints = [f for f in messages if f.severity is INFO]
    assert hints and all(f.expected is None for f in hints)
    assert [f.message for f in hints if "应为" in f.message] == []


def test_no_excel_formula_is_shown(messages):
    assert [f.message for f in messages if re.search(r"=\s*[A-Z]+\(|SUM\(|![A-Z]+\d", f.message)] == []


def test_quotations_nest(messages):
    assert [f.message for f in messages if re.search(r"“[^”]*“", f.message)] == []


def test_every_message_ends_with_what_to_do(messages):
    actions = ("请", "建议", "应填写", "应保留")
    assert [(f.rule, f.message) for f in messages if not any(a in f.message.rpartition("。")[2] or
                                                         a in f.message.rpartition("：")[2] for a in actions)] == []


def test_fields_are_named_by_their_labels(messages):
    assert [f.message for f in messages if "数值栏" in f.message] == []


def test_the_expected_value_is_shown_only_where_the_message_lacks_it(messages):
    for f in messages:
        if f.shown_expected is not None:
            assert f.shown_expected not in f.message
