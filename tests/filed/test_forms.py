"""A department's filed forms read by their labels: the seed's Word document, another office's
workbook of the same forms, and a jixiao workbook whose names are gone, each back to the example's
data and findings; each kind of filed-document debris one table row."""

from __future__ import annotations

import copy
import zipfile
from decimal import Decimal

import pytest

from jixiao.filed.forms import read_filed
from jixiao.filed.word import read_word
from jixiao.model.dataformat import load, to_plain
from jixiao.model.numbers import parse_rate
from jixiao.rules import run_rules
from jixiao.sources import read_source

from ..conftest import without_names
from .filed_forms import EXAMPLE, build_docx, build_xlsx, seed_blocks


def differences(got, want, path="") -> list[tuple[str, object, object]]:
    """Every leaf where two plain documents differ: (path, got, want)."""
    if isinstance(got, dict) and isinstance(want, dict):
        return [d for k in sorted(set(got) | set(want), key=str)
                for d in differences(got.get(k), want.get(k), f"{path}.{k}" if path else k)]
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return [d for i, (g, w) in enumerate(zip(got, want)) for d in differences(g, w, f"{path}[{i}]")]
    return [] if got == want else [(path, got, want)]


# What a filed form does not hold, so reading it cannot give: the project ids and the links from
# 附件1's 专项 rows to projects were added to the example when it was transcribed (by the amounts).
def added_at_transcription(path: str) -> bool:
    return path.endswith(".project") and path.startswith("basic_data.project_spending.special_funds[") \
        or (path.startswith("projects[") and path.endswith("].id"))


@pytest.fixture(scope="module")
def example():
    return load(EXAMPLE)


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory):
    return build_docx(tmp_path_factory.mktemp("filed") / "2024自评.docx")


@pytest.fixture(scope="module")
def seed_xlsx(tmp_path_factory):
    return build_xlsx(tmp_path_factory.mktemp("foreign") / "2024自评.xlsx")


def test_the_filed_word_document_reads_to_the_example(seed_docx, example):
    contents = read_source(seed_docx)
    diffs = differences(to_plain(contents.doc), to_plain(example))
    assert diffs, "the ids and links the transcription added must show as differences"
    assert [d for d in diffs if not added_at_transcription(d[0])] == []
    assert all(got is None for _, got, _ in diffs)
    assert contents.unplaced == []
    assert contents.by_labels


def test_another_offices_workbook_reads_to_the_example(seed_xlsx, example):
    contents = read_source(seed_xlsx)
    diffs = differences(to_plain(contents.doc), to_plain(example))
    # A workbook holds no 绩效自评报告 (it is the Word document's narrative)
    left = [d for d in diffs if not added_at_transcription(d[0]) and not d[0].endswith(".report")]
    assert left == []
    assert sum(d[0].endswith(".report") for d in diffs) == sum(p.report is not None for p in example.projects)
    assert contents.unplaced == []


def _finding_keys(findings):
    return {(f.rule, f.path, f.message) for f in findings}


def test_the_filed_document_gets_the_examples_findings(seed_docx, example):
    """The location aside. X01 is the one rule that sees the links the transcription added: the
    filed 附件1 names its 专项 rows differently from some projects, and without links each such row
    and project is reported — true of the filed document, as a reviewer reading it finds."""
    contents = read_source(seed_docx)
    got = run_rules(contents.doc, locations=contents.locations)
    want = run_rules(example)
    extra = _finding_keys(got) - _finding_keys(want)
    assert _finding_keys(want) - _finding_keys(got) == set()
    assert extra and {rule for rule, _, _ in extra} == {"X01"}
    names = {f.name for f in example.basic_data.project_spending.special_funds} & {p.name for p in example.projects}
    for f in (f for f in got if (f.rule, f.path, f.message) in extra):
        assert not any(f"“{name}”" in f.message for name in names)  # only rows whose names differ


def test_findings_point_at_the_table_row_and_column(seed_docx):
    contents = read_source(seed_docx)
    places = {f.path: f.location.place for f in run_rules(contents.doc, locations=contents.locations)}
    # 附件2's 执行得分 is "100%" in the filed form (F02 / S-rules point at it)
    assert any(place.startswith("表2 第") and place.endswith("得分") for path, place in places.items()
               if path == "overall.execution.score")
    indicator_places = [place for path, place in places.items() if ".indicators[" in path]
    assert indicator_places and all(place.startswith("表") and "第" in place for place in indicator_places)


@pytest.mark.libreoffice
def test_a_workbook_without_names_resaved_by_libreoffice_reads_by_labels(tmp_path, example_book, example):
    """jixiao's own workbook after someone deleted every defined name and LibreOffice saved it
    again: read by its labels, it gives the same data. Where a derived cell holds its formula's
    result (控制率, 执行率), the number is what the sheet shows, equal as a rate to the text the
    example states."""
    from jixiao.workbook.libreoffice import convert

    src = without_names(example_book, tmp_path / "无名称.xlsx")
    resaved = convert(src, "xlsx", tmp_path / "lo")
    with zipfile.ZipFile(resaved) as z:
        assert b'name="jx_' not in z.read("xl/workbook.xml")  # Excel's own print areas are all that is left
    contents = read_source(resaved)
    assert contents.by_labels
    for path, got, want in differences(to_plain(contents.doc), to_plain(example)):
        assert isinstance(got, Decimal) and parse_rate(want) == got, (path, got, want)
    assert contents.unplaced == []


# --- debris: each kind a row; the mutated document reads to the same data ----------------------


def _tables(blocks):
    return [rows for kind, rows in blocks if kind == "table"]


def _first_row(rows, label):
    return next(i for i, row in enumerate(rows) if any(label in cell for cell in row))


def relabel(label: str, column: int, written: str, mark: str):
    """A mutation: the first project form's cell ``column`` of the row holding ``label`` written
    as ``written``; ``mark`` is what then appears in the document."""
    def mutate(blocks):
        project = _tables(blocks)[2]
        project[_first_row(project, label)][column] = written
        return mark
    mutate.__name__ = f"relabel {label} as {written!r}"
    return mutate


break_label = relabel("主管部门", 0, "主管\n部门", "主管")
pad_with_ideographic_spaces = relabel("实施单位", 2, "\u3000\u3000实施单位\u3000", "\u3000\u3000实施单位")
unit_suffix = relabel("年度资金总额", 1, "年度资金总额（万元）", "年度资金总额（万元）")
weight_in_half_width_brackets = relabel("产出指标", 1, "产出指标\n(40分)", "(40分)")


def ellipsis_row(blocks):
    project = _tables(blocks)[2]
    at = _first_row(project, "质量指标")
    project.insert(at, ["", "", "数量指标", "……", "……", "……", "……", "……", ""])
    return "……"


def backslash_row(blocks):
    project = _tables(blocks)[2]
    at = _first_row(project, "可持续影响指标")
    project.insert(at + 1, ["", "", "\\", "\\", "\\", "\\", "\\", "\\", "\\"])
    return "\\"


def total_row_first(blocks):
    """national-2020 prints 年度资金总额 above its parts."""
    project = _tables(blocks)[2]
    total = _first_row(project, "年度资金总额")
    first = _first_row(project, "当年财政拨款")
    row = project.pop(total)
    project.insert(first, row)
    return "年度资金总额"


def bookmark_debris(blocks):
    i = next(i for i, (kind, value) in enumerate(blocks) if kind == "text" and value.startswith("一、"))
    blocks[i] = ("text", blocks[i][1] + "[bookmark: _GoBack]")
    project = _tables(blocks)[2]
    project[0][1] += "[bookmark: _GoBack]"
    return "[bookmark: _GoBack]"


DEBRIS = [break_label, pad_with_ideographic_spaces, unit_suffix, weight_in_half_width_brackets, ellipsis_row,
          backslash_row, total_row_first, bookmark_debris]


@pytest.fixture(scope="module")
def plain_reading(seed_docx):
    return to_plain(read_filed(read_word(seed_docx), "seed").doc)


@pytest.mark.parametrize("mutate", DEBRIS, ids=[m.__name__ for m in DEBRIS])
def test_debris_reads_to_the_same_data(tmp_path, mutate, plain_reading):
    blocks = copy.deepcopy(seed_blocks())
    mark = mutate(blocks)
    path = build_docx(tmp_path / "debris.docx", blocks=blocks)
    with zipfile.ZipFile(path) as z:
        assert mark in z.read("word/document.xml").decode()  # the debris is really in the document
    reading = read_filed(read_word(path), str(path))
    assert differences(to_plain(reading.doc), plain_reading) == []
    assert reading.unplaced == []


def test_a_row_no_label_accounts_for_is_reported_not_guessed(tmp_path, plain_reading):
    blocks = copy.deepcopy(seed_blocks())
    project = _tables(blocks)[2]
    at = _first_row(project, "年度总体目标")
    project.insert(at, ["其他说明", "本项目另有一笔支出未列入"])
    reading = read_filed(read_word(build_docx(tmp_path / "extra.docx", blocks=blocks)), "x")
    assert differences(to_plain(reading.doc), plain_reading) == []
    assert reading.unplaced == [f"表3 第{at + 1}行“其他说明”：不是这张表已知的栏目，未读取"]


SCHEME_CASES = [
    # (一级 → weights printed, the scheme)
    ({"产出指标": {"40"}, "效益指标": {"20"}, "满意度指标": {"10"}, "成本指标": {"20"}}, "hunan-2024"),
    ({"产出指标": {"50"}, "效益指标": {"30"}, "满意度指标": {"10"}}, "national-2020"),
    ({"产出指标": {"40"}, "效益指标": {"20"}, "满意度指标": {"10"}}, "hunan-2024"),  # weights decide
    ({"产出指标": set(), "成本指标": set()}, "hunan-2024"),  # no weights printed: only hunan has 成本指标
]


@pytest.mark.parametrize(("weights", "scheme"), SCHEME_CASES, ids=[c[1] + str(i) for i, c in enumerate(SCHEME_CASES)])
def test_the_scheme_is_recognised_from_the_level1_labels_and_weights(weights, scheme):
    from jixiao.filed.forms import recognise_scheme

    assert recognise_scheme(weights, "x") == scheme


def test_level1_labels_no_scheme_has_are_refused(tmp_path):
    from jixiao.errors import JixiaoError

    blocks = copy.deepcopy(seed_blocks())
    project = _tables(blocks)[2]
    row = next(r for r in project if r[1].startswith("产出指标"))
    row[1] = "业务指标（40分）"
    with pytest.raises(JixiaoError, match="业务指标.*无法确定指标体系"):
        read_filed(read_word(build_docx(tmp_path / "other.docx", blocks=blocks)), "x")


def test_a_label_the_table_lacks_is_reported_and_left_blank(tmp_path, plain_reading):
    blocks = copy.deepcopy(seed_blocks())
    project = _tables(blocks)[2]
    del project[_first_row(project, "主管部门")]  # the row of 主管部门 and 实施单位
    reading = read_filed(read_word(build_docx(tmp_path / "short.docx", blocks=blocks)), "x")
    assert reading.unplaced == ["表3：没有找到“主管部门”，这一项未读取（留空）",
                                "表3：没有找到“实施单位”，这一项未读取（留空）"]
    changed = {path for path, _, _ in differences(to_plain(reading.doc), plain_reading)}
    assert changed == {"projects[0].authority", "projects[0].implementer"}
    assert reading.doc.projects[0].authority is None
