"""The form registry against the data model: every field a form declares is a field of its block,
of the same kind, and every field of a block has a place on its form (or is named as sheet-less)."""

from __future__ import annotations

import dataclasses

import pytest

from jixiao.forms.spec import FORM_SPECS, SPECS
from jixiao.model.document import Document, kind_of

# What a block holds that its sheet has no cell for, and why.
NOT_ON_THE_SHEET: dict[str, set[str]] = {}


def leaves(cls: type, prefix: str = "") -> dict[str, str]:
    """Every scalar field under a block class, by path, with its kind (lists are tables, apart)."""
    out = {}
    hints = {f.name: f for f in dataclasses.fields(cls)}
    for name, f in hints.items():
        kind = kind_of(f)
        path = f"{prefix}{name}"
        if kind in ("nested", "optional"):
            out.update(leaves(f.metadata["cls"], path + "."))
        elif kind != "items":
            out[path] = kind
    return out


def item_fields(cls: type, path: str) -> type:
    *parents, last = path.split(".")
    for step in parents:
        cls = next(f for f in dataclasses.fields(cls) if f.name == step).metadata["cls"]
    return next(f for f in dataclasses.fields(cls) if f.name == last).metadata["cls"]


@pytest.mark.parametrize("spec", FORM_SPECS, ids=lambda s: s.key)
def test_every_declared_field_is_a_field_of_the_block_of_the_same_kind(spec):
    model = leaves(spec.block)
    for f in spec.fields:
        if not f.in_data:
            continue
        assert f.path in model, f"{spec.key}: {f.path} is not in {spec.block.__name__}"
        assert model[f.path] == ("text" if f.kind == "text" else "num"), (spec.key, f.path)
    for table in spec.tables:
        row = leaves(item_fields(spec.block, table.path))
        for column in table.columns:
            assert row.get(column.path) == ("text" if column.kind == "text" else "num"), (table.path, column.path)


@pytest.mark.parametrize("spec", FORM_SPECS, ids=lambda s: s.key)
def test_every_field_of_the_block_has_a_place_on_its_form(spec):
    declared = {f.path for f in spec.fields if f.in_data}
    missing = set(leaves(spec.block)) - declared - NOT_ON_THE_SHEET.get(spec.key, set())
    assert not missing, f"{spec.key}: fields of {spec.block.__name__} with no cell: {sorted(missing)}"
    tables = {t.path for t in spec.tables}
    lists = {f.name for f in dataclasses.fields(spec.block) if kind_of(f) == "items"}
    nested_lists = {p for p in tables if "." in p}
    assert lists | nested_lists >= tables


def test_each_block_of_the_document_has_one_form():
    attrs = {f.name for f in dataclasses.fields(Document)}
    assert {spec.attr for spec in FORM_SPECS} <= attrs
    assert len(SPECS) == len(FORM_SPECS) == len({s.marker for s in FORM_SPECS})


def _squeezed(text: str) -> str:
    return "".join(str(text).split()).replace("\u3000", "")


def test_every_declared_label_is_printed_on_the_filed_forms_or_specified():
    """The labels are the paper forms' own (each appears in the department's filed forms, the seed),
    or rows the spec adds to them (forms.md: 预算调整说明). The report's 二、 heading is split in
    two by jixiao (资金主要用途, 实施及绩效情况): its head must be the filed one."""
    from ..conftest import ROOT, SEED

    forms_md = ROOT.parent / "shared" / "spec" / "forms.md"
    if not (SEED.exists() and forms_md.exists()):
        pytest.skip("shared/ is not beside this checkout")
    filed, specified = _squeezed(SEED.read_text(encoding="utf-8")), _squeezed(forms_md.read_text(encoding="utf-8"))
    for spec in FORM_SPECS:
        for f in spec.fields:
            if f.label:
                label = _squeezed(f.label)
                head = label.split("（")[0] if f.path.startswith("report.") else label
                assert label in filed or label in specified or head in filed, (spec.key, f.path, f.label)


def test_every_labelled_field_sits_beside_or_below_its_label(example_book):
    """Left of the entry on its row, or above it: where a reader of the form looks for it."""
    from jixiao.workbook.extract import read_book

    contents = read_book(example_book)
    checked = 0
    for place in contents.forms:
        for f in SPECS[place.form].fields:
            if not f.label or f.path not in place.positions:
                continue
            r, c = place.positions.cell(f.path)
            near = [place.content.value(rr, cc) for rr in (r - 1, r) for cc in range(0, c + 1)]
            assert f.label in near, (place.sheet, f.path, f.label)
            checked += 1
    assert checked > 19 * 8


def test_info_sheet_declares_every_department_field_and_the_documents_keys_both_ways():
    """基本信息 holds the department (each of its fields once) and the document's own scalar keys."""
    from jixiao.forms.spec import INFO_SPEC
    from jixiao.model.document import Department

    declared = {f.path for f in INFO_SPEC.fields}
    department = {f"department.{path}" for path in leaves(Department)}
    own = {f.name for f in dataclasses.fields(Document) if kind_of(f) not in ("nested", "optional", "items")}
    assert declared == department | own
    assert INFO_SPEC.marker in {f.name for f in INFO_SPEC.fields}
