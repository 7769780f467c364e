"""The sign-off package, and the e-mail through a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import hashlib
import json
import re
import socket
import subprocess
import zipfile
from email import message_from_bytes, policy
from email.message import EmailMessage

import pandas as pd
import pytest
from aiosmtpd.controller import Controller

from jixiao.errors import JixiaoError
from jixiao.signoff.package import FORCED_MARK, signoff
from jixiao.workbook.extract import extract
from jixiao.workbook.fill import fill

from ..conftest import run_cli
from ..examples.corrections import corrected
from ..examples.test_example_findings import ERRORS


@pytest.fixture(scope="module")
def good_book(tmp_path_factory, example_doc):
    return fill(corrected(example_doc), tmp_path_factory.mktemp("good") / "good.xlsm")


@pytest.fixture(scope="module")
def package(tmp_path_factory, good_book):
    return signoff(good_book, tmp_path_factory.mktemp("pkg") / "签批包", mail_to=("head@example.gov.cn",),
                   mail_from="staff@example.gov.cn")


def test_the_example_as_filed_is_refused_and_the_errors_listed(tmp_path, example_book):
    with pytest.raises(JixiaoError) as err:
        signoff(example_book, tmp_path / "out")
    assert f"仍有 {ERRORS} 项错误" in err.value.message and len(err.value.details) == ERRORS
    assert any("F02 附件2 I5" in d for d in err.value.details)
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".signoff-*"))


def test_a_refusal_has_its_own_exit_code(tmp_path, example_book):
    """3: readable but not ready (错误 remain); 2 stays for a file that cannot be used."""
    refused = run_cli("signoff", example_book, "-o", tmp_path / "a")
    assert refused.returncode == 3 and f"仍有 {ERRORS} 项错误" in refused.stderr and "--force" in refused.stderr
    (tmp_path / "x.xlsx").write_text("不是工作簿", encoding="utf-8")
    unusable = run_cli("signoff", tmp_path / "x.xlsx", "-o", tmp_path / "b")
    assert unusable.returncode == 2 and "Traceback" not in unusable.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_the_corrected_example_passes_and_every_file_exists(package):
    assert not package.forced and package.pdf_note is None
    for kind in ("xlsx", "pdf", "docx", "data", "manifest", "eml"):
        assert package.files[kind].is_file(), kind


def test_values_only_copy(package, good_book):
    path = package.files["xlsx"]
    with zipfile.ZipFile(path) as z:
        assert "xl/vbaProject.bin" not in z.namelist()
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any(re.search(r"<f[ >/]", s) for s in sheets)  # no formula anywhere
    original = extract(good_book)
    frame = pd.read_excel(path, sheet_name=None, header=None, engine="calamine")
    assert "操作" not in frame and "xlwings.conf" not in frame and "校验结果" in frame and "签批" in frame
    a2 = frame["附件2"]
    assert [float(x) for x in a2.iloc[4, 3:6]] == [float(original.overall.funds.initial),
                                                   float(original.overall.funds.full_year),
                                                   float(original.overall.funds.executed)]
    copy = extract(path)
    for p, q in zip(original.projects, copy.projects):
        assert (p.funds.current, p.indicators, p.name) == (q.funds.current, q.indicators, q.name)
    sign = frame["签批"]
    assert "单位负责人签字" in set(sign[0]) and pd.isna(sign[1][list(sign[0]).index("单位负责人签字")])


def test_pdf_shows_department_projects_and_scores(package, example_doc):
    text = subprocess.run(["pdftotext", "-layout", str(package.files["pdf"]), "-"], capture_output=True,
                          text=True, check=True).stdout
    compact = "".join(text.split())
    assert example_doc.department.name in compact
    for p in example_doc.projects:
        assert "".join(p.name.split())[:12] in compact
    assert "95.2" in compact and "总分" in compact


def test_manifest_hashes_match(package):
    manifest = json.loads(package.files["manifest"].read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        path = package.folder / entry["name"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    assert manifest["data_sha256"] == hashlib.sha256(package.files["data"].read_bytes()).hexdigest()
    assert manifest["findings"]["errors"] == 0 and manifest["forced"] is False


def test_eml_bodies_and_attachments(package):
    msg = message_from_bytes(package.files["eml"].read_bytes(), policy=policy.default)
    assert msg["Subject"] == "株洲市工业和信息化局2024年度预算绩效自评材料（请签批）"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "附件2：总分 95.20，等级 优" in text and "年初口径执行率" in text and "<table" in html
    assert "需要说明的警告" in text and "追加无线电" not in text
    names = [part.get_filename() for part in msg.iter_attachments()]
    assert names == [package.files[k].name for k in ("xlsx", "pdf", "docx")]


def test_force_marks_every_page_and_the_subject(tmp_path, example_book):
    result = signoff(example_book, tmp_path / "forced", force=True)
    assert result.forced and result.message["Subject"].endswith(f"【{FORCED_MARK}】")
    with zipfile.ZipFile(result.files["xlsx"]) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert all(FORCED_MARK in s for s in sheets)
    text = subprocess.run(["pdftotext", str(result.files["pdf"]), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")[:-1]
    assert pages and all(FORCED_MARK in page for page in pages)


def test_output_folder_must_be_new_or_empty(tmp_path, good_book):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x.txt").write_text("x")
    with pytest.raises(JixiaoError, match="不为空"):
        signoff(good_book, tmp_path / "busy")


class _Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_send_through_a_real_smtp_server(tmp_path, good_book):
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        folder = tmp_path / "sent"
        result = run_cli("signoff", good_book, "-o", folder, "--send", "--to", "head@example.gov.cn",
                         "--to", "bureau@example.gov.cn", "--from", "staff@example.gov.cn",
                         "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--no-starttls")
    finally:
        controller.stop()
    assert result.returncode == 0, result.stderr
    assert "服务器回复：250 Message accepted for delivery" in result.stdout
    [envelope] = inbox.envelopes
    assert envelope.mail_from == "staff@example.gov.cn"
    assert envelope.rcpt_tos == ["head@example.gov.cn", "bureau@example.gov.cn"]
    msg = message_from_bytes(envelope.content, policy=policy.default)
    assert msg["Subject"] == "株洲市工业和信息化局2024年度预算绩效自评材料（请签批）"
    attachments = list(msg.iter_attachments())
    assert len(attachments) == 3
    for part in attachments:
        assert part.get_content() == (folder / part.get_filename()).read_bytes()


def test_a_refused_connection_is_a_clear_message_and_the_folder_stays(tmp_path, good_book):
    folder = tmp_path / "kept"
    result = run_cli("signoff", good_book, "-o", folder, "--send", "--to", "head@example.gov.cn",
                     "--smtp-host", "127.0.0.1", "--smtp-port", str(_free_port()), "--no-starttls")
    assert result.returncode == 2 and "连接被拒绝" in result.stderr and "Traceback" not in result.stderr
    assert {p.suffix for p in folder.iterdir()} >= {".xlsx", ".pdf", ".docx", ".json", ".eml"}


def test_without_libreoffice_the_package_says_so_and_has_the_rest(tmp_path, good_book, monkeypatch):
    import jixiao.workbook.libreoffice as lo

    monkeypatch.setattr(lo, "soffice", lambda: None)
    result = signoff(good_book, tmp_path / "nolo")
    assert "pdf" not in result.files and "未安装 LibreOffice" in result.pdf_note
    assert {"xlsx", "docx", "data", "manifest", "eml"} <= set(result.files)
    manifest = json.loads(result.files["manifest"].read_text(encoding="utf-8"))
    assert manifest["pdf_note"] == result.pdf_note
    msg = message_from_bytes(result.files["eml"].read_bytes(), policy=policy.default)
    assert len(list(msg.iter_attachments())) == 2


def test_a_server_that_drips_is_given_up_at_the_deadline():
    """One byte a second never trips a read timeout; the conversation's own deadline ends it."""
    import socket
    import threading
    import time

    from jixiao.signoff.mail import send

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def drip():
        conn, _ = listener.accept()
        with conn:
            for byte in b"220 " + b"x" * 30:  # a greeting that never ends its line; bounded: 34 s at most
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return  # the client hung up: stop
                time.sleep(1)

    server = threading.Thread(target=drip, daemon=True)
    server.start()
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.org", "b@example.org", "x"
    t0 = time.monotonic()
    with pytest.raises(JixiaoError, match="超过 3 秒仍未完成"):
        send(msg, "127.0.0.1", port, starttls=False, deadline=3)
    assert time.monotonic() - t0 < 6
    listener.close()
