"""Exact number reading and the schemes shipped as data."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jixiao.errors import JixiaoError
from jixiao.model.numbers import from_cell_text, parse_plain, parse_rate, plain
from jixiao.model.schemes import load_scheme, scheme_ids


@pytest.mark.parametrize("text, value", [("418.85", D("418.85")), (" 8 ", D(8)), ("1,048.26", D("1048.26")),
                                         ("100%", None), ("1802.96万元", None), ("/", None)])
def test_parse_plain(text, value):
    assert parse_plain(text) == value


@pytest.mark.parametrize("value, rate", [("93.75%", D("0.9375")), ("100％", D(1)), (D("0.5"), D("0.5")), ("很好", None)])
def test_parse_rate(value, rate):
    assert parse_rate(value) == rate


@pytest.mark.parametrize("text, value", [("2922.7", D("2922.7")), ("2922.6999999999998", D("2922.7")),
                                         ("0.30000000000000004", D("0.3")), ("1E-3", D("0.001"))])
def test_cell_text_reads_as_the_number_a_person_sees(text, value):
    assert from_cell_text(text) == value


def test_plain():
    assert plain(D("8.00")) == "8" and plain(D("1E+1")) == "10" and plain(D("0.610")) == "0.61"


def test_both_schemes_ship_with_weights_adding_to_100():
    assert {"national-2020", "hunan-2024"} <= set(scheme_ids())
    hunan, national = load_scheme("hunan-2024"), load_scheme("national-2020")
    assert [(l.name, l.weight) for l in hunan.level1] == [("产出指标", 40), ("效益指标", 20), ("满意度指标", 10), ("成本指标", 20)]
    assert [(l.name, l.weight) for l in national.level1] == [("产出指标", 50), ("效益指标", 30), ("满意度指标", 10)]
    assert hunan.fund_rows[-1] == "total" and national.fund_rows[0] == "total"
    assert ("成本指标", "生态环境成本指标") in hunan.categories()
    assert national.grade(D("89.99")) == "良" and national.grade(D(90)) == "优" and national.grade(D(59)) == "差"


def test_unknown_scheme_lists_the_known_ones():
    with pytest.raises(JixiaoError, match="national-2020"):
        load_scheme("nowhere-1999")


# --- the scheme's parse kept beside it, as Python keeps bytecode --------------------------------

def _scheme_copy(tmp_path):
    from jixiao.model import schemes

    source = schemes._schemes_dir() / "hunan-2024.yaml"
    copy = tmp_path / "hunan-2024.yaml"
    copy.write_bytes(source.read_bytes())
    return copy


def test_a_schemes_parse_is_kept_and_used_while_the_file_is_unchanged(tmp_path, monkeypatch):
    import yaml

    from jixiao.model import schemes

    path = _scheme_copy(tmp_path)
    first = schemes._parsed(path)
    assert list((tmp_path / "__pycache__").iterdir())
    monkeypatch.setattr(yaml, "load", lambda *a, **k: pytest.fail("parsed again though unchanged"))
    assert schemes._parsed(path) == first


def test_a_changed_scheme_file_is_parsed_again(tmp_path):
    import os

    from jixiao.model import schemes

    path = _scheme_copy(tmp_path)
    schemes._parsed(path)
    path.write_text(path.read_text(encoding="utf-8").replace("湖南省（2024年版）", "湖南省（改）"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert schemes._parsed(path)["title"] == "湖南省（改）"


def test_a_damaged_or_unwritable_cache_only_costs_a_parse(tmp_path):
    from jixiao.model import schemes

    path = _scheme_copy(tmp_path)
    expected = schemes._parsed(path)
    [cache] = (tmp_path / "__pycache__").iterdir()
    cache.write_bytes(b"\x00garbage")
    assert schemes._parsed(path) == expected
    cache.unlink()
    (tmp_path / "__pycache__").rmdir()
    (tmp_path / "__pycache__").write_text("a file where the folder would go")  # no cache can be written
    assert schemes._parsed(path) == expected


def test_a_check_of_a_workbook_does_not_import_yaml_once_the_scheme_is_kept(example_book):
    import subprocess
    import sys

    code = ("import sys; from jixiao.checking import check_path; check_path(sys.argv[1]);"
            "print('yaml' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code, str(example_book)], capture_output=True, text=True)
            for _ in range(2)]
    assert runs[1].stdout.strip() == "False", runs[1].stderr
