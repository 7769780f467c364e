"""Every file a department's forms come in, read to what the checks see (``BookContents``).

A workbook jixiao wrote is read by its defined names (``workbook.extract``); any other workbook
(.xlsx, .xlsm, .xls), a jixiao workbook whose names are all gone, and a filed Word document
(.docx) are read by the labels printed on the forms (``filed``). The old binary .doc is refused
with how to convert it.
"""

from __future__ import annotations

from pathlib import Path

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
FOREIGN_WORKBOOK_SUFFIXES = (".xls",)
DOCUMENT_SUFFIXES = (".docx", ".doc")  # .doc only to say how to convert it
FORM_SUFFIXES = WORKBOOK_SUFFIXES + FOREIGN_WORKBOOK_SUFFIXES + DOCUMENT_SUFFIXES


def read_source(path: str | Path):
    """The forms a workbook or a filed document holds, with where each field was found."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        from .filed.word import read_word

        return _by_labels(read_word(path), path, in_workbook=False)
    if suffix in FOREIGN_WORKBOOK_SUFFIXES:
        from .filed.sheets import xls_grids

        return _by_labels(xls_grids(path), path, in_workbook=True)
    from .forms.spec import INFO_SPEC
    from .workbook.extract import read_contents
    from .workbook.reader import Workbook

    with Workbook(path) as book:
        if book.name(INFO_SPEC.marker) is not None:
            return read_contents(book, str(path))
        from .filed.sheets import book_grids

        grids = book_grids(book)
    return _by_labels(grids, path, in_workbook=True)


def _by_labels(blocks, path: Path, in_workbook: bool):
    from .filed.forms import read_filed
    from .workbook.extract import BookContents

    reading = read_filed(blocks, str(path), in_workbook=in_workbook)
    return BookContents(reading.doc, reading.locations, by_labels=True, unplaced=reading.unplaced)


def read_document(path: str | Path):
    """The Document of a form file (see ``read_source``)."""
    return read_source(path).doc
