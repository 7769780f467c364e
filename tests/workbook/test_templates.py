"""The committed templates are exactly what this version of the code builds."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from jixiao.model.schemes import scheme_ids
from jixiao.workbook.extract import extract
from jixiao.workbook.templates import TEMPLATE_YEAR, build_templates, template_path

from ..conftest import ROOT

COMMITTED = ROOT / "workbook_templates"


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_templates_are_reproducible(tmp_path):
    a = build_templates(tmp_path / "a")
    b = build_templates(tmp_path / "b")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


@pytest.mark.parametrize("scheme", scheme_ids())
def test_committed_template_matches_the_code(tmp_path, scheme):
    committed = template_path(COMMITTED, scheme)
    assert committed.exists(), f"run `jixiao templates` to create {committed}"
    built = template_path(tmp_path, scheme)
    build_templates(tmp_path)
    drift = [name for name, data in members(built).items() if members(committed).get(name) != data]
    assert not drift, f"{committed} is stale (differs in {drift}); run `jixiao templates`"


@pytest.mark.parametrize("scheme", scheme_ids())
def test_template_is_a_blank_workbook_of_its_scheme(scheme):
    doc = extract(template_path(COMMITTED, scheme))
    assert doc.scheme == scheme and doc.year == TEMPLATE_YEAR
    assert len(doc.projects) == 1 and doc.overall.indicators == [] and doc.projects[0].indicators == []
