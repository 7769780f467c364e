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
