"""The blank templates in ``workbook_templates/``: one per scheme, built by the fill code.

They are generated, committed, and checked by a test that rebuilds them and compares, so the
committed files are always exactly what this version of jixiao writes.
"""

from __future__ import annotations

from pathlib import Path

from ..model.schemes import scheme_ids
from .fill import blank_document, write_workbook

TEMPLATE_YEAR = 2025  # the year a template opens with; staff change it on 基本信息


def template_path(folder: str | Path, scheme: str) -> Path:
    return Path(folder) / f"{scheme}.xlsx"


def build_templates(folder: str | Path) -> list[Path]:
    """Write one blank template per scheme into ``folder`` (byte-for-byte reproducible)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_workbook(blank_document(TEMPLATE_YEAR, scheme, projects=1), template_path(folder, scheme),
                       blank=True, fixed_time=True)
        for scheme in scheme_ids()
    ]
