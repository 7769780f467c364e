"""Text stays text: nothing typed into a data file or a workbook comes alive in what jixiao writes.

The example's every free-text field (department, projects, indicators, narratives) is replaced by an
attack: text that Excel would read as a formula (= + - @, after a tab or a CR), XML and Jinja
syntax, a DDE field code, control characters. Each output is then opened as its reader would:
the sheets' XML for ``<f>`` elements, the Word XML for fields and foreign elements, python-docx,
openpyxl, jixiao's reader and the email module for the text, which must equal what was typed.
"""

from __future__ import annotations

import copy
import dataclasses
import email
import re
import shutil
import zipfile
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree

from jixiao.model.dataformat import save, to_plain
from jixiao.model.document import kind_of

from ..conftest import run_cli

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

ATTACKS = [
    '=HYPERLINK("http://evil.example/","点此查看")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "a<b & c]]>d",
    "{{ 7*7 }}{%p if true %}{_{x}_}",
    '<w:r><w:fldChar w:fldCharType="begin"/><w:instrText>DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"</w:instrText></w:r>',
    "控制\x01\x07\x0c字符 _x0041_",
]
# Keys and the scheme's categories place rows and link forms: they stay as the example has them.
STRUCTURAL = {"id", "project", "level1", "level2", "filled_on"}


def _attack_texts(obj, counter: list[int]) -> None:
    """Replace every filled-in text field under ``obj`` by the next attack (numbered, so each differs)."""
    if isinstance(obj, list):
        for item in obj:
            _attack_texts(item, counter)
        return
    if not dataclasses.is_dataclass(obj):
        return
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.name in STRUCTURAL:
            continue
        if kind_of(f) == "text" and isinstance(value, str) and value.strip():
            setattr(obj, f.name, ATTACKS[counter[0] % len(ATTACKS)] + str(counter[0]))
            counter[0] += 1
        elif isinstance(value, list) or dataclasses.is_dataclass(value):
            _attack_texts(value, counter)


@pytest.fixture(scope="module")
def attack_doc(example_doc):
    doc = copy.deepcopy(example_doc)
    counter = [0]
    _attack_texts(doc, counter)
    doc.department.name = ATTACKS[0] + "部门"
    assert counter[0] > 300  # the example's narratives, indicators and names all carry an attack
    return doc


@pytest.fixture(scope="module")
def work(tmp_path_factory, attack_doc, example_book) -> dict[str, Path]:
    """The attack run through the command line as a user would: fill, check, annotate, summary."""
    folder = tmp_path_factory.mktemp("attack")
    data = folder / "attack.yaml"
    save(attack_doc, data)
    book = folder / "attack.xlsx"
    assert run_cli("fill", data, "-o", book).returncode == 0
    report = folder / "attack.docx"
    assert run_cli("report", book, "-o", report).returncode == 0  # from the workbook, as a user would
    batch = folder / "batch"
    batch.mkdir()
    shutil.copy(book, batch / "=1+1.xlsx")
    shutil.copy(example_book, batch / "@SUM(1).xlsx")
    annotated = folder / "attack.校验结果.xlsx"
    run_cli("check", book, "--annotate", annotated)
    summary = folder / "summary.xlsx"
    run_cli("check", batch, "--summary", summary, "--jobs", "1")
    return {"data": data, "book": book, "annotated": annotated, "summary": summary, "folder": folder,
            "report": report}


def formula_cells(path: Path) -> list[set[str]]:
    """Per sheet, in order, the cells whose XML holds an ``<f>`` element."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted((n for n in z.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml$", n)),
                           key=lambda n: int(re.search(r"(\d+)\.xml$", n).group(1))):
            root = etree.fromstring(z.read(name))
            out.append({c.get("r") for c in root.iter(f"{MAIN}c") if c.find(f"{MAIN}f") is not None})
    return out


def test_fill_writes_no_formula_of_its_own_from_typed_text(work, example_book):
    # The attack workbook has exactly the formulas of the benign one: its own derived cells.
    attacked, benign = formula_cells(work["book"]), formula_cells(example_book)
    assert attacked == benign
    assert sum(map(len, attacked)) > 100


def test_fill_reads_back_every_typed_text_exactly(work, attack_doc):
    from jixiao.model.derive import canonical
    from jixiao.workbook.extract import extract

    assert to_plain(canonical(extract(work["book"]))) == to_plain(canonical(attack_doc))


def test_fill_keeps_the_text_in_the_cell_for_openpyxl(work, attack_doc):
    import openpyxl

    wb = openpyxl.load_workbook(work["book"])
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    typed = [t for t in _texts(attack_doc) if not re.search(r"[\x00-\x08\x0b-\x1f]", t)]
    assert typed and all(t in texts for t in typed)


def _texts(doc) -> list[str]:
    found: list[str] = []

    def walk(obj):
        if isinstance(obj, list):
            for item in obj:
                walk(item)
        elif dataclasses.is_dataclass(obj):
            for f in dataclasses.fields(obj):
                value = getattr(obj, f.name)
                if isinstance(value, str) and any(value.startswith(a) for a in ATTACKS):
                    found.append(value)
                else:
                    walk(value)

    walk(doc)
    return found


def test_a_text_longer_than_a_cell_is_refused_by_fill_not_cut(tmp_path, example_doc):
    from jixiao.errors import JixiaoError
    from jixiao.workbook.fill import fill

    doc = copy.deepcopy(example_doc)
    doc.projects[2].report.performance = "很长的绩效说明。" * 5000  # 40,000 characters
    with pytest.raises(JixiaoError) as e:
        fill(doc, tmp_path / "long.xlsx")
    assert "projects[2].report.performance：40000 字" in str(e.value)
    assert not (tmp_path / "long.xlsx").exists()


def test_annotate_adds_no_formula_and_lists_messages_as_typed(work):
    from jixiao.workbook.reader import Workbook

    source, annotated = formula_cells(work["book"]), formula_cells(work["annotated"])
    assert annotated[:len(source)] == source
    assert all(not cells for cells in annotated[len(source):])  # the results sheet: texts only
    with Workbook(work["annotated"]) as book:
        results = book.sheet("校验结果")
        messages = [results.value(r, 4) for r in range(1, results.last_row() + 1)]
        forms = [results.value(r, 2) for r in range(1, results.last_row() + 1)]
    quoted = [m for m in messages if isinstance(m, str) and any(a.strip()[:6] in m for a in ATTACKS)]
    assert quoted, "F-rule messages quote the typed text"
    assert any("\x01" in m for m in forms if isinstance(m, str))  # a control character survives, escaped
    # a message is one line: what it quotes keeps its text, its control characters become spaces
    assert not any(re.search(r"[\x00-\x08\x0b-\x1f]", m) for m in messages if isinstance(m, str))


def test_summary_writes_every_name_and_file_name_as_text(work, attack_doc):
    import openpyxl

    cells = formula_cells(work["summary"])
    assert cells and all(not c for c in cells)
    wb = openpyxl.load_workbook(work["summary"])
    values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert attack_doc.department.name in values
    files = {Path(v).name for v in values if isinstance(v, str) and v.endswith(".xlsx")}
    assert {"=1+1.xlsx", "@SUM(1).xlsx"} <= files
    assert any(isinstance(v, str) and v.startswith("=HYPERLINK(") for v in values)  # a formula-like name, as text


def test_summary_marks_a_text_cut_at_the_cell_limit(tmp_path):
    import openpyxl

    from jixiao.batch import _unreadable, write_summary
    from jixiao.workbook.celltext import CELL_TEXT_MAX

    record = _unreadable("长.xlsx", "很长" * 20000)
    write_summary([record], tmp_path / "s.xlsx")
    texts = [c.value for ws in openpyxl.load_workbook(tmp_path / "s.xlsx").worksheets
             for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("很长")]
    assert texts and all(len(t) <= CELL_TEXT_MAX and "原文 40000 字" in t for t in texts)


# --- the Word report -------------------------------------------------------------------------

def _word_xml_ok(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    root = etree.fromstring(xml.encode("utf-8"))
    tags = {etree.QName(el).localname for el in root.iter() if isinstance(el.tag, str)}
    assert not tags & {"fldChar", "instrText", "fldSimple", "fldData"}, "a field was injected"
    assert not {el.tag for el in root.iter() if isinstance(el.tag, str)} - _tags_of_template(), "foreign elements"
    return xml


def _tags_of_template() -> set[str]:
    """Every element the built-in template and docxtpl's own rendering use."""
    from jixiao.report.template import build_report_template
    import io

    with zipfile.ZipFile(io.BytesIO(build_report_template())) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return {el.tag for el in root.iter() if isinstance(el.tag, str)} | {W + "br", W + "tab"}


def _as_word_prints(text: str) -> str:
    """What Word can hold of ``text``: line breaks as line breaks, no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\x00-\x08\x0b-\x1f]", "", text)


@pytest.mark.parametrize("source", ["data", "workbook"])
def test_report_prints_typed_text_exactly_and_injects_nothing(tmp_path, attack_doc, work, source):
    import docx

    from jixiao.report.render import render_report

    path = render_report(attack_doc, tmp_path / "r.docx") if source == "data" else work["report"]
    _word_xml_ok(path)
    d = docx.Document(str(path))
    paragraphs = [p.text for p in d.paragraphs]
    cells = {c.text for t in d.tables for row in t.rows for c in row.cells}
    project = attack_doc.projects[0]
    assert _as_word_prints(project.name) in "\n".join(paragraphs)
    for ind in project.indicators[:6]:
        for value in (ind.name, ind.target, ind.actual):
            if value:
                assert _as_word_prints(value) in cells, value
    assert not any("49" == p.strip() for p in paragraphs)  # {{ 7*7 }} was not evaluated
    assert any("{{ 7*7 }}{%p if true %}{_{x}_}" in p for p in paragraphs + list(cells))


BENIGN = ["<5%", "投诉率<1%且满意度>90%", "R&D专项<试点>"]


@pytest.fixture(scope="module")
def benign_doc(example_doc):
    doc = copy.deepcopy(example_doc)
    p = doc.projects[0]
    p.name = BENIGN[2]
    p.indicators[0].target = BENIGN[0]
    p.goals.target = BENIGN[1] + "。"  # a wide cell: a narrow one wraps and pdftotext interleaves columns
    return doc


def test_report_prints_benign_comparisons_and_ampersands(tmp_path, benign_doc):
    import docx

    from jixiao.report.render import render_report

    d = docx.Document(str(render_report(benign_doc, tmp_path / "r.docx")))
    text = "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for row in t.rows for c in row.cells])
    for benign in BENIGN:
        assert benign in text


@pytest.mark.libreoffice
def test_forms_pdf_prints_benign_comparisons(tmp_path, benign_doc):
    import subprocess

    from jixiao.workbook.fill import fill
    from jixiao.workbook.libreoffice import convert

    pdf = convert(fill(benign_doc, tmp_path / "benign.xlsx"), "pdf", tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = re.sub(r"\s+", "", text)
    for benign in BENIGN:
        assert benign in squeezed, benign


# --- the sign-off package ----------------------------------------------------------------------

class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


@pytest.fixture(scope="module")
def package(work):
    from jixiao.signoff.package import signoff

    return signoff(work["book"], work["folder"] / "签批包", force=True, mail_to=("head@example.gov.cn",))


def test_signoff_copy_holds_no_formula_at_all(package):
    cells = formula_cells(package.files["xlsx"])
    assert cells and all(not c for c in cells)


def test_signoff_copy_reads_back_the_typed_text(package, attack_doc):
    from jixiao.workbook.extract import extract

    back = extract(package.files["xlsx"])
    assert [p.name for p in back.projects] == [p.name for p in attack_doc.projects]
    assert back.projects[3].report == attack_doc.projects[3].report
    assert back.department.name == attack_doc.department.name


def test_signoff_report_and_mail_keep_the_text_and_inject_nothing(package, attack_doc):
    _word_xml_ok(package.files["docx"])
    msg = email.message_from_bytes(package.files["eml"].read_bytes(), policy=policy.default)
    name = attack_doc.department.name
    assert name in msg["Subject"]
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert name in plain
    assert "<w:" not in html and "&lt;w:" in html or "<w:" not in name
    parser = _Text()
    parser.feed(html)
    assert name in "".join(parser.parts)
    warnings = [w for w in package.findings if w.severity.value == "警告" and "<" in w.message]
    for w in warnings[:5]:
        assert w.message in "".join(parser.parts)
    attachments = [part.get_filename() for part in msg.iter_attachments()]
    assert all(not re.search(r"[\x00-\x1f]", a) for a in attachments)


def test_a_line_break_in_the_department_name_keeps_the_subject_one_line(example_doc):
    from jixiao.signoff.mail import mail_context

    doc = copy.deepcopy(example_doc)
    doc.department.name = "株洲市\r\nBcc: evil@example.com\x01工信局"
    context = mail_context(doc, [], [], False, [], "2026-01-01")
    assert "\n" not in context["subject"] and "\r" not in context["subject"]
    assert context["subject"].startswith("株洲市 Bcc: evil@example.com 工信局")


# --- the 校验 button ---------------------------------------------------------------------------

def test_validate_button_writes_every_message_as_text(tmp_path, work):
    """Through xlwings' remote Book, entered as Excel's Range.Value enters values (tests/excel/remote)."""
    import openpyxl

    from jixiao.excel import buttons
    from jixiao.workbook.extract import read_book

    from ..excel.remote import apply, run

    out = tmp_path / "validated.xlsx"
    apply(work["book"], run(buttons.validate, work["book"]), out)
    ws = openpyxl.load_workbook(out)["校验结果"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value is not None]
    assert cells and all(c.data_type == "s" for c in cells), "a finding's text became a formula or a number"
    from jixiao.rules import run_rules

    contents = read_book(work["book"])
    messages = [f.message for f in run_rules(contents.doc, locations=contents.locations)]
    typed = [m for m in messages if m.startswith(("=", "+", "-", "@")) or "=HYPERLINK" in m]
    assert typed, "some messages quote the attack text"
    from jixiao.workbook.reader import Workbook

    with Workbook(out) as book:  # reads _xHHHH_ as Excel does
        results = book.sheet("校验结果")
        assert [results.value(r, 4) for r in range(1, results.last_row() + 1)] == messages


def test_a_finding_quoting_a_text_past_the_cell_limit_is_listed_cut_with_a_note(tmp_path, example_book):
    """Another program can write 40,000 characters into a cell; the results sheet lists it cut, saying so."""
    from jixiao.forms.layout import field_name
    from jixiao.workbook.celltext import CELL_TEXT_MAX
    from jixiao.workbook.patch import WorkbookPatch
    from jixiao.workbook.reader import Workbook

    with Workbook(example_book) as book:
        r1, c1, _, _ = book.local_ranges("附件2")[field_name("by_source.other")]
    from jixiao.forms.sheet import a1

    patch = WorkbookPatch(example_book)
    patch.set_text("附件2", a1(r1, c1), "很长" * 20000)  # a number's cell: F02 quotes the text
    long_book = patch.save(tmp_path / "long.xlsx")
    run_cli("check", long_book, "--annotate", tmp_path / "long.校验结果.xlsx")
    with Workbook(tmp_path / "long.校验结果.xlsx") as book:
        results = book.sheet("校验结果")
        messages = [results.value(r, 4) for r in range(1, results.last_row() + 1)]
    cut = [m for m in messages if isinstance(m, str) and "很长很长" in m]
    assert cut and all(len(m) <= CELL_TEXT_MAX and "原文" in m and "以下从略" in m for m in cut)
