"""The jixiao/1 loader is strict, exact and names the field path of every problem."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from jixiao.errors import JixiaoError
from jixiao.model.dataformat import dumps, from_plain, load, to_plain

MINIMAL = "format: jixiao/1\nyear: 2024\nscheme: hunan-2024\n"


def write(tmp_path, text, name="data.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_amounts_are_exact_decimals(tmp_path):
    doc = load(write(tmp_path, MINIMAL + "projects:\n- funds: {current: {initial: 433.32, full_year: 0.1}}\n"))
    current = doc.projects[0].funds.current
    assert current.initial == Decimal("433.32") and isinstance(current.initial, Decimal)
    assert current.full_year + Decimal("0.2") == Decimal("0.3")  # no binary float on the way


def test_text_in_a_number_field_is_kept_not_coerced(tmp_path):
    doc = load(write(tmp_path, MINIMAL + "overall:\n  execution: {weight: 10, rate: '100%', score: '100%'}\n"))
    assert doc.overall.execution.score == "100%"
    assert doc.overall.execution.weight == Decimal(10)


@pytest.mark.parametrize("blank", ["null", "''", "'  '"])
def test_null_empty_and_absent_all_mean_blank(tmp_path, blank):
    doc = load(write(tmp_path, MINIMAL + f"projects:\n- name: {blank}\n  total_score: {blank}\n"))
    assert doc.projects[0].name is None and doc.projects[0].total_score is None


@pytest.mark.parametrize(
    "body, path_in_message",
    [
        ("projects:\n- funds: {current: {intial: 5}}\n", "projects[0].funds.current.intial：未知的键"),
        ("projects:\n- {}\n- {}\n- {}\n- funds: {current: {initial: [1]}}\n", "projects[3].funds.current.initial：应为数字"),
        ("projects:\n- funds: {current: {initial: true}}\n", "projects[0].funds.current.initial：应为数字，实际为是/否值 true"),
        ("overall: [1, 2]\n", "overall：应为映射"),
        ("projects: {a: 1}\n", "projects：应为列表"),
        ("basic_data: {staff: {authorized: 96, actuall: 90}}\n", "basic_data.staff.actuall：未知的键"),
        ("colour: red\n", "colour：未知的键"),
        ("projects:\n- indicators:\n  - {level1: 产出指标, name: {x: 1}}\n", "projects[0].indicators[0].name：应为文本"),
    ],
)
def test_problems_name_the_field_path(tmp_path, body, path_in_message):
    with pytest.raises(JixiaoError) as err:
        load(write(tmp_path, MINIMAL + body))
    assert path_in_message in str(err.value)


def test_all_problems_are_reported_at_once(tmp_path):
    with pytest.raises(JixiaoError) as err:
        load(write(tmp_path, MINIMAL + "projects:\n- {nmae: a, funds: {current: {initial: true}}}\n"))
    assert len(err.value.details) == 2


@pytest.mark.parametrize(
    "text, message",
    [
        ("format: jixiao/2\nyear: 2024\nscheme: hunan-2024\n", "format：应为 “jixiao/1”"),
        ("format: jixiao/1\nyear: twenty\nscheme: hunan-2024\n", "year：应为四位整数年份"),
        ("format: jixiao/1\nyear: 2024\nscheme: mars-2099\n", "未知的指标体系“mars-2099”"),
        ("- just\n- a list\n", "顶层应是一个映射"),
        ("format: jixiao/1\nyear: [2024\n", "YAML 格式错误（第 3 行"),
    ],
)
def test_document_level_problems(tmp_path, text, message):
    with pytest.raises(JixiaoError) as err:
        load(write(tmp_path, text))
    assert message in str(err.value)


def test_json_is_read_with_exact_decimals(tmp_path):
    path = write(tmp_path, '{"format": "jixiao/1", "year": 2024, "scheme": "national-2020",'
                           ' "projects": [{"funds": {"total": {"executed": 2922.7}}}]}', "d.json")
    assert load(path).projects[0].funds.total.executed == Decimal("2922.7")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(JixiaoError, match="找不到文件"):
        load(tmp_path / "nope.yaml")
    with pytest.raises(JixiaoError, match="文件夹"):
        load(tmp_path)


def test_dump_then_load_gives_the_same_document(example_doc, tmp_path):
    for fmt in ("yaml", "json"):
        path = write(tmp_path, dumps(example_doc, fmt), f"again.{fmt}")
        assert load(path) == example_doc


def test_written_yaml_keeps_numbers_as_written():
    doc = from_plain({"format": "jixiao/1", "year": 2024, "scheme": "hunan-2024",
                      "projects": [{"funds": {"current": {"initial": Decimal("8.00"), "full_year": Decimal("0.61")}}}]})
    text = dumps(doc)
    assert "initial: 8" in text and "full_year: 0.61" in text
    assert to_plain(doc)["projects"][0]["funds"]["current"] == {"initial": Decimal("8.00"), "full_year": Decimal("0.61")}


def test_the_yaml_written_has_no_anchors_and_reads_back(tmp_path, example_doc):
    """The example repeats many values (the same weights, the same targets): each is written out
    in full, so that editing one by hand changes only that one (and jixiao/1 refuses aliases)."""
    from jixiao.model.dataformat import load, save
    from jixiao.model.derive import canonical

    path = save(example_doc, tmp_path / "d.yaml") or tmp_path / "d.yaml"
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"(^|[\s:\[,])[&*]id\d+", text)
    assert canonical(load(path)) == canonical(example_doc)


@pytest.mark.parametrize("typed, read", [("07311234567", "07311234567"), ("0100", "0100"), ("-012", "-012"),
                                         ("12", 12), ("0", 0), ("0x1F", 31), ("1_000", 1000)])
def test_digits_with_a_leading_zero_stay_text(tmp_path, typed, read):
    """YAML 1.1 reads 07311234567 as an octal number (992295287): a phone or a code must not change."""
    from jixiao.model.dataformat import read_raw

    path = tmp_path / "d.yaml"
    path.write_text(f"value: {typed}\n", encoding="utf-8")
    assert read_raw(path)["value"] == read


def test_a_phone_typed_with_a_leading_zero_round_trips(tmp_path, example_doc):
    import copy

    from jixiao.model.dataformat import load, save

    doc = copy.deepcopy(example_doc)
    doc.department.phone = "07311234567"
    path = tmp_path / "d.yaml"
    save(doc, path)
    text = path.read_text(encoding="utf-8").replace("'07311234567'", "07311234567")  # as a person would type it
    path.write_text(text, encoding="utf-8")
    assert load(path).department.phone == "07311234567"
