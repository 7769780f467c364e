"""The sign-off mail as a head of department and a mail server read it: what a forced package still
has wrong, rates to two decimals, explanations only where the department wrote one, Chinese file
names Outlook can show, SMTPS with an office's own certificate and Chinese addresses (SMTPUTF8),
each through a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import datetime
import ipaddress
import re
import ssl
from email import message_from_bytes, policy
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from jixiao.signoff.package import signoff

from ..conftest import run_cli
from .test_signoff import _free_port, _Inbox


@pytest.fixture(scope="module")
def forced(tmp_path_factory, example_book):
    """The example as filed: errors remain, so the package is forced."""
    return signoff(example_book, tmp_path_factory.mktemp("forced") / "签批包", force=True,
                   mail_to=("head@example.gov.cn",), mail_from="staff@example.gov.cn")


def _bodies(result):
    msg = message_from_bytes(result.files["eml"].read_bytes(), policy=policy.default)
    return msg, msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


def test_a_forced_mail_lists_every_error_not_only_how_many(forced):
    msg, text, html = _bodies(forced)
    assert msg["Subject"].endswith("【含未通过校验项】")
    # the errors come before the warnings: they are what the head must know first
    assert text.index("三、未通过校验的错误") < text.index("四、需要说明的警告")
    assert html.index("三、未通过校验的错误") < html.index("四、需要说明的警告")
    section = text.split("三、未通过校验的错误", 1)[1].split("四、需要说明的警告", 1)[0]
    listed = re.findall(r"^  \[([A-Z]\d\d)\] ", section, flags=re.M)
    count = int(re.match(r"（(\d+) 项", section).group(1))
    assert count > 0 and len(listed) == count
    assert "B02" in listed and "F02" in listed  # the example's errors (test_example_findings)
    assert html.count("<tr>", html.index("三、未通过校验的错误"), html.index("四、需要说明的警告")) == count + 1  # header row + one per error


def test_a_mail_that_is_not_forced_has_no_error_section(tmp_path, example_doc):
    from jixiao.workbook.fill import fill

    from ..examples.corrections import corrected

    book = fill(corrected(example_doc), tmp_path / "good.xlsm")
    _, text, html = _bodies(signoff(book, tmp_path / "pkg"))
    assert "未通过校验的错误" not in text and "未通过校验的错误" not in html
    assert "三、需要说明的警告" in text and "三、需要说明的警告" in html


def test_the_mail_says_when_it_was_made_as_a_reader_writes_it(forced):
    import json
    import re

    _, text, html = _bodies(forced)
    created = json.loads((forced.folder / "manifest.json").read_text(encoding="utf-8"))["created"]
    assert "T" in created  # the manifest keeps ISO time for programs
    for body in (text, html):
        assert re.search(r"生成于 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", body) and created not in body


def test_execution_rates_have_two_decimals(forced):
    _, text, _ = _bodies(forced)
    lines = [line for line in text.splitlines() if "执行率" in line and "：执行率" in line]
    assert len(lines) >= 2
    for line in lines:
        rates = re.findall(r"执行率 (\S+?)(?:，|$)", line)
        assert rates and all(re.fullmatch(r"\d+\.\d\d%|—", r) for r in rates), line


def test_a_typed_over_formula_is_not_explained_by_the_budget_note(forced):
    """F06 is about a formula typed over, which the 预算调整说明 does not speak to."""
    _, text, _ = _bodies(forced)
    f06 = re.findall(r"^  \[F06\] .*\n      说明：(.*)$", text, flags=re.M)
    assert f06 and all(explanation == "—" for explanation in f06)
    budget = re.findall(r"^  \[B0[13]\] .*\n      说明：(.*)$", text, flags=re.M)
    assert budget and all(explanation != "—" for explanation in budget)


def test_chinese_attachment_names_are_given_both_ways(forced):
    msg, _, _ = _bodies(forced)
    for part in msg.iter_attachments():
        filename = part.get_filename()
        assert not filename.isascii()
        # Content-Type name= as RFC 2047 words, what Outlook and Foxmail show
        header = next(v for k, v in part.raw_items() if k.lower() == "content-type")
        assert "=?utf-8?" in header.lower()
        quoted = re.search(r'name="([^"]+)"', header).group(1)
        assert str(make_header(decode_header(quoted))) == filename


# --- SMTPS with an office's own certificate --------------------------------------------------

@pytest.fixture(scope="module")
def office_ca(tmp_path_factory):
    """A certificate authority of the office's own and a server certificate it signed for 127.0.0.1."""
    folder = tmp_path_factory.mktemp("ca")
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "某市财政局 内部根证书")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "server.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                          serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
    return folder


@pytest.fixture(scope="module")
def good_book(tmp_path_factory, example_doc):
    from jixiao.workbook.fill import fill

    from ..examples.corrections import corrected

    return fill(corrected(example_doc), tmp_path_factory.mktemp("good") / "good.xlsm")


def _smtps(office_ca, **kwargs):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(office_ca / "server.pem", office_ca / "server.key")
    inbox = _Inbox()
    port = _free_port()
    return inbox, port, Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=context, **kwargs)


def test_smtps_with_the_offices_certificate_delivers(tmp_path, good_book, office_ca):
    inbox, port, controller = _smtps(office_ca)
    controller.start()
    try:
        result = run_cli("signoff", good_book, "-o", tmp_path / "sent", "--send", "--to", "head@example.gov.cn",
                         "--from", "staff@example.gov.cn", "--smtp-host", "127.0.0.1", "--smtp-port", str(port),
                         "--ssl", "--smtp-cafile", office_ca / "ca.pem")
    finally:
        controller.stop()
    assert result.returncode == 0, result.stderr
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["head@example.gov.cn"]
    assert message_from_bytes(envelope.content, policy=policy.default)["Subject"].startswith("株洲市工业和信息化局")


def test_starttls_with_the_offices_certificate_delivers(tmp_path, good_book, office_ca):
    """The default: STARTTLS on 587, the certificate checked against the office's CA."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(office_ca / "server.pem", office_ca / "server.key")
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
    controller.start()
    try:
        result = run_cli("signoff", good_book, "-o", tmp_path / "sent", "--send", "--to", "head@example.gov.cn",
                         "--from", "staff@example.gov.cn", "--smtp-host", "127.0.0.1", "--smtp-port", str(port),
                         "--smtp-cafile", office_ca / "ca.pem")
    finally:
        controller.stop()
    assert result.returncode == 0, result.stderr
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["head@example.gov.cn"]


@pytest.mark.parametrize("extra, expected", [
    ([], "证书无法验证（找不到签发它的根证书）"),  # the office's CA not given: not trusted, said in Chinese
    (["--smtp-cafile", "{missing}"], "不存在"),
    (["--smtp-cafile", "{not_pem}"], "不是 PEM 格式"),
])
def test_smtps_without_a_trusted_certificate_is_refused_plainly(tmp_path, good_book, office_ca, extra, expected):
    (tmp_path / "notes.txt").write_text("不是证书", encoding="utf-8")
    extra = [a.format(missing=tmp_path / "无.pem", not_pem=tmp_path / "notes.txt") for a in extra]
    inbox, port, controller = _smtps(office_ca)
    controller.start()
    try:
        result = run_cli("signoff", good_book, "-o", tmp_path / "kept", "--send", "--to", "head@example.gov.cn",
                         "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--ssl", *extra)
    finally:
        controller.stop()
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr
    assert "certificate" not in result.stderr and "verify" not in result.stderr  # not OpenSSL's words
    assert not inbox.envelopes
    assert (tmp_path / "kept" / "manifest.json").exists()  # the package stays for sending by hand


def test_smtps_port_spoken_to_in_plain_text_says_which_encryption(tmp_path, good_book, office_ca):
    """--ssl against a server that starts in plain text (a 587 port): a handshake message, not OpenSSL's."""
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        result = run_cli("signoff", good_book, "-o", tmp_path / "kept", "--send", "--to", "head@example.gov.cn",
                         "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--ssl",
                         "--smtp-cafile", office_ca / "ca.pem", "--smtp-timeout", "10")
    finally:
        controller.stop()
    assert result.returncode == 2 and "加密连接失败" in result.stderr and "--ssl" in result.stderr
    assert "Traceback" not in result.stderr


def _send(book, folder, *options, **server):
    """``jixiao signoff BOOK -o FOLDER --send OPTIONS`` against an aiosmtpd server on 127.0.0.1
    made with ``server`` (its SMTP parameters); the server's inbox and the command's result."""
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **server)
    controller.start()
    try:
        result = run_cli("signoff", book, "-o", folder, "--send", "--smtp-host", "127.0.0.1",
                         "--smtp-port", str(port), *options)
    finally:
        controller.stop()
    return inbox, result


# --- Chinese addresses ----------------------------------------------------------------------

def test_a_chinese_address_goes_through_a_server_that_speaks_smtputf8(tmp_path, good_book):
    inbox, result = _send(good_book, tmp_path / "sent", "--to", "局长@工信局.中国", "--from", "科员@example.gov.cn",
                          "--no-starttls", enable_SMTPUTF8=True)
    assert result.returncode == 0, result.stderr
    [envelope] = inbox.envelopes
    assert envelope.mail_from == "科员@example.gov.cn" and envelope.rcpt_tos == ["局长@工信局.中国"]
    assert "SMTPUTF8" in [o.upper() for o in envelope.mail_options]
    msg = message_from_bytes(envelope.content, policy=policy.default)
    assert msg["To"] == "局长@工信局.中国"


def test_a_chinese_address_and_a_server_without_smtputf8_is_refused_plainly(tmp_path, good_book):
    inbox, result = _send(good_book, tmp_path / "kept", "--to", "局长@工信局.中国", "--no-starttls",
                          enable_SMTPUTF8=False)
    assert result.returncode == 2 and "不支持 SMTPUTF8" in result.stderr and "Traceback" not in result.stderr
    assert not inbox.envelopes


def test_a_port_in_the_environment_that_is_not_a_number(tmp_path, good_book, monkeypatch):
    monkeypatch.setenv("JIXIAO_SMTP_PORT", "五八七")
    result = run_cli("signoff", good_book, "-o", tmp_path / "kept", "--send", "--to", "head@example.gov.cn")
    assert result.returncode == 2 and "JIXIAO_SMTP_PORT" in result.stderr and "Traceback" not in result.stderr


# --- addresses as people write them ----------------------------------------------------------

def test_a_name_before_the_address_is_shown_and_the_address_alone_is_sent_to(tmp_path, good_book):
    inbox, result = _send(good_book, tmp_path / "sent", "--to", "王局长 <head@example.gov.cn>, 李科长 <li@example.gov.cn>",
                          "--from", "张科员 <staff@example.gov.cn>", "--no-starttls")
    assert result.returncode == 0, result.stderr
    [envelope] = inbox.envelopes
    assert envelope.mail_from == "staff@example.gov.cn"
    assert envelope.rcpt_tos == ["head@example.gov.cn", "li@example.gov.cn"]
    msg = message_from_bytes(envelope.content, policy=policy.default)
    assert [a.display_name for a in msg["To"].addresses] == ["王局长", "李科长"]


@pytest.mark.parametrize("option, value", [("--to", "not an address"), ("--to", "张三 <a@b.cn>, <<x"),
                                           ("--to", "head@example.gov.cn; <li@example"), ("--from", "科员")])
def test_an_address_written_wrong_is_refused_before_anything_is_made(tmp_path, good_book, option, value):
    others = {"--to": ["--from", "staff@example.gov.cn"], "--from": ["--to", "head@example.gov.cn"]}[option]
    inbox, result = _send(good_book, tmp_path / "kept", option, value, *others, "--no-starttls")
    assert result.returncode == 2 and "地址写法不对" in result.stderr and "zhangsan@example.gov.cn" in result.stderr
    assert not inbox.envelopes and not (tmp_path / "kept").exists()


@pytest.mark.parametrize("to", ["head@example.gov.cn，li@example.gov.cn", "head@example.gov.cn; li@example.gov.cn",
                                '"Wang, Ju" <head@example.gov.cn>；李科长 <li@example.gov.cn>'])
def test_addresses_separated_as_people_separate_them_all_receive_it(tmp_path, good_book, to):
    inbox, result = _send(good_book, tmp_path / "sent", "--to", to, "--from", "staff@example.gov.cn", "--no-starttls")
    assert result.returncode == 0, result.stderr
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["head@example.gov.cn", "li@example.gov.cn"]
    msg = message_from_bytes(envelope.content, policy=policy.default)
    assert [a.addr_spec for a in msg["To"].addresses] == ["head@example.gov.cn", "li@example.gov.cn"]
