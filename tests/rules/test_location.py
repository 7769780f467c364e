"""A finding's location is typed: its parts are read from the data path once, where it is made."""

from __future__ import annotations

import pytest

from jixiao.rules import Location, run_rules


@pytest.mark.parametrize("path, prefix, item, row", [
    ("projects[3].indicators[2].score", "projects[3]", 3, ("indicators", 2)),
    ("projects[12].name", "projects[12]", 12, None),
    ("projects[1]", "projects[1]", 1, None),
    ("overall.funds.full_year", "overall", None, None),
    ("overall.indicators[0]", "overall", None, ("indicators", 0)),
    ("basic_data.project_spending.special_funds[4].final", "basic_data", None, ("special_funds", 4)),
    ("basic_data.buildings[0].area_rate", "basic_data", None, ("buildings", 0)),
    ("department.name", "department", None, None),
])
def test_location_parts(path, prefix, item, row):
    loc = Location.of("表", path)
    assert (loc.prefix, loc.item, loc.row) == (prefix, item, row)


@pytest.mark.parametrize("sheet, cell, place", [("附件2", "I5", "附件2!I5"), (None, None, "overall.total_score")])
def test_place_reads_as_a_person_reads_it(sheet, cell, place):
    assert Location.of("附件2", "overall.total_score", sheet, cell).place == place


def test_every_finding_of_the_example_carries_its_sheet_and_cell(example_book):
    from jixiao.checking import check_path

    findings = check_path(example_book).findings
    assert findings and all(f.sheet and f.cell and f.location.place == f"{f.sheet}!{f.cell}" for f in findings)
    on_projects = [f for f in findings if f.location.item is not None]
    assert on_projects and all(f.path.startswith(f"projects[{f.location.item}]") for f in on_projects)


def test_a_data_file_finding_has_no_sheet(example_doc):
    findings = run_rules(example_doc)
    assert findings and all(f.sheet is None and f.cell == f.path for f in findings)
