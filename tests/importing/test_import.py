"""import-budget from hand-made exports of the example; carry-forward to 2025."""

from __future__ import annotations

import copy
import csv
from decimal import Decimal

import pytest

from jixiao.importing import carry_forward, import_budget
from jixiao.model.dataformat import load, save
from jixiao.model.document import FundRow
from jixiao.workbook.extract import read_book

from ..conftest import EXAMPLE, run_cli

ROWS = (("current", "当年财政拨款"), ("carryover", "上年结转资金"), ("other", "其他资金"))


def export_rows(doc, headers, in_yuan: bool):
    rows = [list(headers)]
    for p in doc.projects:
        for key, label in ROWS:
            f = getattr(p.funds, key)
            if f == FundRow():
                continue
            values = [getattr(f, c) for c in ("initial", "full_year", "executed")]
            rows.append([p.code or "", p.name, label] + ["" if v is None else str(v * 10000 if in_yuan else v) for v in values])
    return rows


def funds(doc):
    return {p.name: (p.funds.current, p.funds.carryover, p.funds.other) for p in doc.projects}


def test_common_headers_in_yuan_without_a_mapping(tmp_path, example_doc):
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(export_rows(example_doc, ("项目编码", "项目名称", "资金来源", "年初预算数", "调整后预算数", "支出数"), True))
    doc, report = import_budget(path, unit="元", year=2024)
    assert funds(doc) == funds(example_doc)  # 元 → 万元, exactly
    assert len(report.added) == 19


def test_unusual_headers_with_a_mapping_file(tmp_path, example_doc):
    import pandas as pd

    rows = export_rows(example_doc, ("编号", "名称", "款项类别", "期初", "终值", "已花"), False)
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(tmp_path / "export.xlsx", index=False)
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\ncode = "编号"\nname = "名称"\nsource = "款项类别"\ninitial = "期初"\n'
                       'full_year = "终值"\nexecuted = "已花"\n', encoding="utf-8")
    doc, _ = import_budget(tmp_path / "export.xlsx", mapping_path=mapping, year=2024)
    assert funds(doc) == funds(example_doc)


def test_missing_columns_are_named(tmp_path):
    (tmp_path / "e.csv").write_text("名字,钱\n甲,1\n", encoding="utf-8")
    from jixiao.errors import JixiaoError

    with pytest.raises(JixiaoError, match="找不到这些列：项目名称、年初预算数"):
        import_budget(tmp_path / "e.csv", year=2024)


def test_updating_the_example_changes_nothing_a_person_wrote(tmp_path, example_doc):
    changed = copy.deepcopy(example_doc)
    changed.projects[0].funds.current.executed = Decimal("400")  # the system now says 400
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(export_rows(changed, ("项目编码", "项目名称", "资金来源", "年初预算数", "全年预算数", "执行数"), False))
    doc, report = import_budget(path, base=example_doc)
    assert report.changes == ["行政运行（其他）经费：当年财政拨款全年执行数 418.85 → 400"]
    assert not report.added and not report.missing
    for before, after in zip(example_doc.projects, doc.projects):
        assert (after.goals, after.indicators, after.report, after.adjustment_note) == \
               (before.goals, before.indicators, before.report, before.adjustment_note)


def test_cli_updates_a_data_file_and_reports_projects_it_lacks(tmp_path, example_doc):
    data = tmp_path / "data.yaml"
    save(example_doc, data)
    partial = copy.deepcopy(example_doc)
    partial.projects = partial.projects[:18]
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(export_rows(partial, ("项目编码", "项目名称", "资金来源", "年初预算数", "全年预算数", "执行数"), False))
    result = run_cli("import-budget", path, "-o", data)
    assert result.returncode == 0, result.stderr
    assert "不在导出表中（未删除）" in result.stdout and len(load(data).projects) == 19


def test_carry_forward_fills_last_years_final_column(tmp_path, example_book):
    result = run_cli("new", "--from", example_book, "--year", "2025", "-o", tmp_path / "2025.xlsx")
    assert result.returncode == 0, result.stderr
    old, new = read_book(example_book), read_book(tmp_path / "2025.xlsx")
    old_a1 = next(p for p in old.forms if p.form == "附件1")
    new_a1 = next(p for p in new.forms if p.form == "附件1")
    from jixiao.forms.layout import A1_ROWS_AFTER_SPECIAL, A1_ROWS_BEFORE_SPECIAL

    for spec in A1_ROWS_BEFORE_SPECIAL + A1_ROWS_AFTER_SPECIAL:
        if spec.no_prior:
            continue
        before = old_a1.content.cell(*old_a1.positions.cell(f"{spec.path}.final"))
        after = new_a1.content.cell(*new_a1.positions.cell(f"{spec.path}.prior"))
        assert before.value == after.value, spec.path
    doc = new.doc
    assert doc.year == 2025 and len(doc.projects) == 19
    ind = doc.projects[0].indicators[0]
    assert ind.name and ind.target and ind.actual is None and ind.score is None and ind.deviation is None
    assert doc.projects[0].funds.current == FundRow()


def test_carry_forward_keeps_special_fund_rows():
    doc = load(EXAMPLE)
    nxt = carry_forward(doc, 2025)
    assert [f.name for f in nxt.basic_data.project_spending.special_funds] == \
           [f.name for f in doc.basic_data.project_spending.special_funds]
    assert nxt.basic_data.project_spending.special_funds[0].prior == Decimal("402.56")


def test_targets_become_indicators_and_updates_keep_results(tmp_path, example_doc):
    project = example_doc.projects[0]
    targets = tmp_path / "targets.csv"
    with open(targets, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["项目编码", "一级指标", "二级指标", "三级指标", "指标值", "分值"])
        for ind in project.indicators:
            w.writerow(["P001", ind.level1, ind.level2, ind.name, ind.target, str(ind.weight)])
        w.writerow(["P001", "产出指标", "数量指标", "新设指标", "≥5次", "0"])
    export = tmp_path / "export.csv"
    with open(export, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["项目编码", "项目名称", "资金来源", "年初预算数", "全年预算数", "执行数"])
        w.writerow(["P001", project.name, "当年财政拨款", "433.32", "418.85", "418.85"])
    # A new file: the targets are the project's indicators, with nothing filled in yet.
    doc, _ = import_budget(export, targets=targets, year=2024)
    [new] = doc.projects
    assert [(i.name, i.target, i.weight) for i in new.indicators] == \
           [(i.name, i.target, i.weight) for i in project.indicators] + [("新设指标", "≥5次", Decimal(0))]
    assert all(i.actual is None and i.score is None for i in new.indicators)
    # Updating the example: new targets are added, results and scores stay.
    base = copy.deepcopy(example_doc)
    base.projects[0].code = "P001"
    updated, report = import_budget(export, targets=targets, base=base)
    before, after = base.projects[0].indicators, updated.projects[0].indicators
    assert after[: len(before)] == before and after[-1].name == "新设指标"
    assert "行政运行（其他）经费：新增指标 新设指标" in report.changes


def test_carry_forward_keeps_what_each_form_declares_and_clears_the_rest(example_doc):
    """Driven by the registry: a field added to a form with carry=True is kept with no other edit."""
    from jixiao.forms.spec import FORM_SPECS
    from jixiao.model.document import get_path

    def value(block, path):
        try:
            return get_path(block, path)
        except AttributeError:  # under an optional block that is absent (a project's report)
            return None

    nxt = carry_forward(example_doc, 2025)
    checked = 0
    for spec in FORM_SPECS:
        for (_, old), (_, new) in zip(spec.blocks(example_doc), spec.blocks(nxt), strict=True):
            for f in spec.fields:
                if not f.in_data or f.path.endswith(".prior"):  # 附件1's 上年 column: last year's 决算
                    continue
                want = value(old, f.path) if f.carry else None
                assert value(new, f.path) == want, (spec.key, f.path)
                checked += 1
            for table in spec.tables:
                old_rows, new_rows = get_path(old, table.path), get_path(new, table.path)
                assert len(new_rows) == (len(old_rows) if any(c.carry for c in table.columns) else 0), table.path
                for before, after in zip(old_rows, new_rows):
                    for c in table.columns:
                        if c.path != "prior":
                            assert getattr(after, c.path) == (getattr(before, c.path) if c.carry else None)
    assert checked > 500


HEADERS = ("项目编码", "项目名称", "资金来源", "年初预算数", "调整后预算数", "支出数")


def _export_with_title(path, doc):
    """An export as budget systems write one: a title and a unit line above the header row, a
    blank column between the blocks."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2024年度项目支出执行情况表"])
    sheet.append(["单位：元", "", "", "", "", "", "", "导出日期：2025-01-10"])
    for row in export_rows(doc, HEADERS, True):
        sheet.append([*row[:3], None, *row[3:]] if row[0] != "项目编码" else [*row[:3], None, *row[3:]])
    book.save(path)
    return path


def test_an_export_with_a_title_row_above_its_headers(tmp_path, example_doc):
    doc, report = import_budget(_export_with_title(tmp_path / "导出.xlsx", example_doc), unit="元", year=2024)
    assert funds(doc) == funds(example_doc)
    assert len(report.added) == 19


def test_a_bad_amount_is_placed_on_the_sheets_own_row(tmp_path, example_doc):
    import openpyxl

    from jixiao.errors import JixiaoError

    path = _export_with_title(tmp_path / "导出.xlsx", example_doc)
    book = openpyxl.load_workbook(path)
    book.active.cell(5, 5).value = "四百"  # row 5 of the sheet: the second project row
    book.save(path)
    with pytest.raises(JixiaoError, match="导出.xlsx 第 5 行：金额“四百”不是数字"):
        import_budget(path, unit="元", year=2024)


def test_missing_columns_never_show_pandas_names(tmp_path):
    from jixiao.errors import JixiaoError

    (tmp_path / "e.csv").write_text("标题\n项目名称,,年初预算数\n甲,,1\n", encoding="utf-8")
    with pytest.raises(JixiaoError) as e:
        import_budget(tmp_path / "e.csv", year=2024)
    assert "Unnamed" not in str(e.value) and "第2列" in str(e.value)


def test_imported_projects_carry_the_schemes_execution_weight(tmp_path, example_doc):
    """The form's 执行 分值 is the scheme's (10), as on a blank form: with the targets' 分值 (90) the
    total is 100 and S03 is silent; without it every imported project had S03."""
    from jixiao.rules import run_rules

    project = example_doc.projects[0]
    targets = tmp_path / "targets.csv"
    with open(targets, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["项目编码", "一级指标", "二级指标", "三级指标", "指标值", "分值"])
        for ind in project.indicators:
            w.writerow(["P001", ind.level1, ind.level2, ind.name, ind.target, str(ind.weight)])
    export = tmp_path / "export.csv"
    with open(export, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        w.writerow(["P001", project.name, "当年财政拨款", "433.32", "418.85", "418.85"])
    doc, _ = import_budget(export, targets=targets, year=2024)
    [new] = doc.projects
    assert new.execution.weight == Decimal(10)
    assert not [f for f in run_rules(doc) if f.rule == "S03"]


@pytest.mark.libreoffice
def test_an_xls_export(tmp_path, example_doc):
    """The old binary format, as LibreOffice writes it (calamine reads it)."""
    from jixiao.workbook.libreoffice import convert

    xls = convert(_export_with_title(tmp_path / "导出.xlsx", example_doc), "xls", tmp_path / "xls")
    assert xls.suffix == ".xls" and xls.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    doc, _ = import_budget(xls, unit="元", year=2024)
    assert funds(doc) == funds(example_doc)


# --- what an export or a mapping file can get wrong, each said so the person can fix it --------

GOOD_CSV = "项目编码,项目名称,资金性质,年初预算数,全年预算数,全年执行数\nP1,甲项目,当年财政拨款,10,10,9\n"

MAPPINGS = [  # (id, the --map file's text, the words its refusal holds)
    ("a misspelt field", '[columns]\ncodee = "编号"\n', "[columns] 中的“codee”不是可用的字段（可用：code、name"),
    ("a misspelt section", '[colums]\nname = "名称"\n', "“[colums]”不是映射文件的段"),
    ("a list for a column", '[columns]\ncode = ["编号"]\n', "code 应写成加英文双引号的文字"),
    ("a source to no row", '[sources]\n"当年" = "weird"\n', "[sources] 中“当年”的值“weird”无效：只能是 current"),
    ("columns as one value", 'columns = "编号"\n', "“columns”应写成一段 [columns]"),
    ("a name without quotes", "[columns]\nname = 名称\n", "映射文件不是有效的 TOML（第 2 行"),
]


@pytest.mark.parametrize("text, words", [pytest.param(t, w, id=i) for i, t, w in MAPPINGS])
def test_a_mapping_file_written_wrong_says_what_to_write(tmp_path, text, words):
    from jixiao.errors import JixiaoError

    (tmp_path / "e.csv").write_text(GOOD_CSV, encoding="utf-8")
    (tmp_path / "map.toml").write_text(text, encoding="utf-8")
    with pytest.raises(JixiaoError) as caught:
        import_budget(tmp_path / "e.csv", mapping_path=tmp_path / "map.toml", year=2024)
    assert words in str(caught.value)


def test_a_mapping_file_saved_in_gbk_is_refused_with_how_to_save_it(tmp_path):
    from jixiao.errors import JixiaoError

    (tmp_path / "e.csv").write_text(GOOD_CSV, encoding="utf-8")
    (tmp_path / "map.toml").write_bytes('[columns]\nname = "名称"\n'.encode("gbk"))
    with pytest.raises(JixiaoError, match="不是 UTF-8 编码的文本：请用记事本“另存为”"):
        import_budget(tmp_path / "e.csv", mapping_path=tmp_path / "map.toml", year=2024)


def test_columns_a_mapping_does_not_name_point_at_the_mapping_not_at_map(tmp_path):
    from jixiao.errors import JixiaoError

    (tmp_path / "e.csv").write_text("编号,名称\nP1,甲\n", encoding="utf-8")
    (tmp_path / "map.toml").write_text('[columns]\nname = "名称"\n', encoding="utf-8")
    with pytest.raises(JixiaoError) as caught:
        import_budget(tmp_path / "e.csv", mapping_path=tmp_path / "map.toml", year=2024)
    assert "请在映射文件的 [columns] 段中指明（initial = \"列名\"" in str(caught.value)
    assert "请用 --map" not in str(caught.value)


EXPORTS = [  # (id, the export's text, the words its refusal holds)
    ("a 分值 in words", None, "t.csv 第 2 行：分值“十”不是数字"),
    ("an amount that is a date", GOOD_CSV.replace(",9\n", ",2024-01-01 00:00:00\n"), "金额“2024-01-01”是日期，不是数字"),
    ("an amount past any budget", GOOD_CSV.replace(",9\n", ",1e400\n"), "金额“1e400”超出任何金额、数量或分值可能的范围"),
    ("a header given twice", GOOD_CSV.replace("全年执行数", "年初预算数"), "表头中“年初预算数”出现了不止一次"),
]


@pytest.mark.parametrize("text, words", [pytest.param(t, w, id=i) for i, t, w in EXPORTS])
def test_an_export_with_a_cell_that_cannot_be_read_names_its_row(tmp_path, text, words):
    from jixiao.errors import JixiaoError

    (tmp_path / "e.csv").write_text(text or GOOD_CSV, encoding="utf-8")
    targets = None
    if text is None:
        targets = tmp_path / "t.csv"
        targets.write_text("项目编码,一级指标,二级指标,三级指标,指标值,分值\nP1,产出指标,数量指标,场次,≥3场,十\n",
                           encoding="utf-8")
    with pytest.raises(JixiaoError) as caught:
        import_budget(tmp_path / "e.csv", targets=targets, year=2024)
    assert words in str(caught.value)


def test_a_row_with_amounts_but_no_name_is_reported_not_dropped(tmp_path):
    (tmp_path / "e.csv").write_text(GOOD_CSV + ",,当年财政拨款,5,5,5\n", encoding="utf-8")
    result = run_cli("import-budget", tmp_path / "e.csv", "--year", "2024", "-o", tmp_path / "d.yaml")
    assert result.returncode == 0, result.stderr
    assert "e.csv 第 3 行有金额但没有项目名称，未导入" in result.stdout


def test_import_budget_writes_a_data_file_not_a_workbook(tmp_path):
    (tmp_path / "e.csv").write_text(GOOD_CSV, encoding="utf-8")
    result = run_cli("import-budget", tmp_path / "e.csv", "--year", "2024", "-o", tmp_path / "d.xlsx")
    assert result.returncode == 2 and "应以 .yaml 或 .json 结尾" in result.stderr
    assert not (tmp_path / "d.xlsx").exists()


def test_an_update_reports_each_change_in_the_forms_words(tmp_path):
    (tmp_path / "e.csv").write_text(GOOD_CSV, encoding="utf-8")
    targets = tmp_path / "t.csv"
    targets.write_text("项目编码,一级指标,二级指标,三级指标,指标值,分值\nP1,产出指标,数量指标,场次,≥3场,10\n", encoding="utf-8")
    assert run_cli("import-budget", tmp_path / "e.csv", "--targets", targets, "--year", "2024",
                   "-o", tmp_path / "d.yaml").returncode == 0
    (tmp_path / "e.csv").write_text(GOOD_CSV.replace(",9\n", ",8\n"), encoding="utf-8")
    targets.write_text(targets.read_text(encoding="utf-8").replace("≥3场,10", "≥4场,10"), encoding="utf-8")
    result = run_cli("import-budget", tmp_path / "e.csv", "--targets", targets, "-o", tmp_path / "d.yaml")
    assert result.returncode == 0, result.stderr
    assert "甲项目：当年财政拨款全年执行数 9 → 8" in result.stdout
    assert "甲项目：指标“场次”的年度指标值 ≥3场 → ≥4场" in result.stdout
    assert "current" not in result.stdout and "executed" not in result.stdout and "target" not in result.stdout


def test_a_header_given_twice_can_be_chosen_by_the_mapping_and_an_unused_one_is_no_matter(tmp_path):
    """A grouped export repeats its headers (财政拨款 | 其他资金, each with 全年执行数): the mapping
    names the one to use, as 全年执行数（2）; a repeated column the import does not read is let be."""
    twice = "项目编码,项目名称,年初预算数,全年预算数,全年执行数,全年执行数,备注,备注\nP1,甲项目,10,10,8,9,,\n"
    (tmp_path / "e.csv").write_text(twice, encoding="utf-8")
    (tmp_path / "map.toml").write_text('[columns]\nexecuted = "全年执行数（2）"\n', encoding="utf-8")
    doc, _ = import_budget(tmp_path / "e.csv", mapping_path=tmp_path / "map.toml", year=2024)
    assert doc.projects[0].funds.current.executed == Decimal(9)
    (tmp_path / "e.csv").write_text(GOOD_CSV.replace("\n", ",备注,备注\n", 1).replace(",9\n", ",9,,\n"),
                                    encoding="utf-8")
    doc, _ = import_budget(tmp_path / "e.csv", year=2024)
    assert doc.projects[0].funds.current.executed == Decimal(9)
