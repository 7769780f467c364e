"""The sign-off e-mail: text and HTML bodies from Jinja2 templates, the documents attached, sent
by SMTP (the password only from the environment, JIXIAO_SMTP_PASSWORD)."""

from __future__ import annotations

import base64
import mimetypes
import os
import re
import smtplib
import socket
import ssl
import threading
import urllib.parse
from decimal import Decimal
from email import message_from_string, policy
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, make_msgid
from importlib import resources
from pathlib import Path

from .. import __version__
from ..errors import JixiaoError, in_words
from ..files import os_reason
from ..model.document import get_path
from ..report.render import percent, score
from ..rules import form_of
from ..rules.catalog import ERROR, WARNING
from ..rules.context import Context

PASSWORD_ENV = "JIXIAO_SMTP_PASSWORD"


# The warnings a form's 预算调整说明 answers: 全年预算数 against 年初预算数 and what follows from it
EXPLAINED_BY_ADJUSTMENT_NOTE = frozenset({"B01", "B02", "B03"})
# The warnings an indicator's 偏差原因 answers: its result against its target (not a typed-over formula)
NOT_EXPLAINED_BY_DEVIATION = frozenset({"F06"})


# What a certificate check says (OpenSSL's words), as the person must hear it
CERTIFICATE_PROBLEMS = (
    ("expired", "证书已过期"),
    ("not yet valid", "证书尚未生效"),
    (("self-signed", "self signed"), "证书是自签名的"),
    ("unable to get local issuer", "找不到签发它的根证书"),
    ("Hostname mismatch", "证书上的名称与服务器地址不符"),
    ("IP address mismatch", "证书上的地址与服务器地址不符"),
    ("revoked", "证书已被吊销"),
)


def _answer(e: smtplib.SMTPResponseException) -> str:
    """The server's own reply, code and text, as it sent it (a server's words, not ours)."""
    text = e.smtp_error.decode(errors="replace") if isinstance(e.smtp_error, bytes) else str(e.smtp_error)
    return f"{e.smtp_code} {text}".strip()


def _explanation(doc, finding) -> str:
    """What the department wrote about a warning: the indicator's 偏差原因 for its result, the
    form's 预算调整说明 for an adjusted budget; "—" where neither speaks to it."""
    loc = finding.location
    if loc.prefix != "overall" and loc.item is None:
        return "—"
    form = get_path(doc, loc.prefix)
    if loc.row is not None and loc.row[0] == "indicators":
        if finding.rule in NOT_EXPLAINED_BY_DEVIATION:
            return "—"
        return form.indicators[loc.row[1]].deviation or "（未填写偏差原因）"
    if finding.rule in EXPLAINED_BY_ADJUSTMENT_NOTE:
        return form.adjustment_note or "（未填写预算调整说明）"
    return "—"


def _local_time(stamp: str) -> str:
    """manifest.json's ISO time as a reader writes it, in this computer's time zone: 2024年3月5日 14:30."""
    import datetime as dt

    try:
        when = dt.datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return stamp
    return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}"


def mail_context(doc, summaries, findings, forced: bool, attachments: list[str], created: str) -> dict:
    ctx = Context(doc)
    execution = []
    for form in ctx.scored_forms:
        initial, executed = form.total.initial, form.total.executed
        basis = executed / initial if isinstance(initial, Decimal) and initial and isinstance(executed, Decimal) else None
        name = form_of(doc, form.prefix)
        execution.append({"form": name, "rate": percent(form.execution_rate) or "—", "initial_rate": percent(basis) or "—"})
    # A header is one line: a line break or control character typed in the name becomes a space.
    name = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", doc.department.name or "").split())
    subject = f"{name}{doc.year}年度预算绩效自评材料（请签批）"
    if forced:
        subject += "【含未通过校验项】"
    return {
        "subject": subject, "department": doc.department.name or "", "year": doc.year, "forced": forced,
        "errors": sum(f.severity is ERROR for f in findings),
        "forms": [{"form": s.form, "total_score": score(s.total_score) if s.total_score is not None else "",
                   "grade": s.grade or "", "errors": s.errors, "warnings": s.warnings, "infos": s.infos}
                  for s in summaries],
        "execution": execution,
        "warnings": [{"rule": f.rule, "form": f.form, "cell": f.cell, "message": f.message,
                      "explanation": _explanation(doc, f)} for f in findings if f.severity is WARNING],
        # a forced package's mail says what is still wrong, not only how many
        "error_list": [{"rule": f.rule, "form": f.form, "cell": f.cell, "message": f.message}
                       for f in findings if f.severity is ERROR],
        "attachments": attachments, "version": __version__, "created": _local_time(created),
    }


def _render(name: str, context: dict) -> str:
    from jinja2 import Environment, select_autoescape

    env = Environment(autoescape=select_autoescape(["html"]), keep_trailing_newline=True, trim_blocks=False)
    source = resources.files("jixiao").joinpath("data", "mail", name).read_text(encoding="utf-8")
    env.autoescape = name.endswith(".html.j2")
    return env.from_string(source).render(**context)


# An address as a mail server takes it: local@domain, no spaces or brackets (a display name goes
# before it in <…>: 张三 <zhangsan@example.gov.cn>)
_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+")


def addresses(values: tuple[str, ...] | list[str], role: str = "收件人") -> list[tuple[str, str]]:
    """(display name, address) of each --to value (one may list several, split by commas), or a
    message naming each that is not an address."""
    from email.utils import getaddresses

    found, bad = [], []
    for value in values:
        for part in (p.strip() for p in _split_addresses(value)):
            if not part:
                continue
            [(name, address)] = getaddresses([part]) or [("", "")]
            if not _ADDRESS.fullmatch(address) or part.count("<") > 1 or part.count("<") != part.count(">"):
                bad.append(part)
            else:
                found.append((name, address))
    if bad:
        raise JixiaoError(f"{role}地址写法不对：{'、'.join(f'“{b}”' for b in bad)}。"
                          f"应写成 zhangsan@example.gov.cn，或 张三 <zhangsan@example.gov.cn>")
    return found


def _split_addresses(value: str) -> list[str]:
    """``value`` cut at each , ， ; or ； outside double quotes ("Zhang, San" <zs@…> is one)."""
    parts, current, quoted = [], [], False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        if ch in ",，;；" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _header(pairs: list[tuple[str, str]]) -> tuple:
    from email.headerregistry import Address

    # by its parts: a Chinese local part (局长@…) is no defect where SMTPUTF8 carries it
    return tuple(Address(display_name=name, username=address.rpartition("@")[0], domain=address.rpartition("@")[2])
                 for name, address in pairs)


def build_message(context: dict, attachments: list[Path], mail_from: str, mail_to: tuple[str, ...]) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = context["subject"]
    msg["From"] = _header(addresses([mail_from or "jixiao@localhost"], "发件人"))
    if mail_to:
        msg["To"] = _header(addresses(mail_to))
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="jixiao.local")
    msg.set_content(_render("signoff.txt.j2", context))
    msg.add_alternative(_render("signoff.html.j2", context), subtype="html")
    for path in attachments:
        kind, _ = mimetypes.guess_type(path.name)
        if path.suffix == ".xlsx":
            kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif path.suffix == ".docx":
            kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if kind is None:
            kind = "application/octet-stream"
        if path.name.isascii():
            maintype, subtype = kind.split("/", 1)
            msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
        else:
            if msg.get_content_subtype() != "mixed":
                msg.make_mixed()
            msg.attach(_attachment(path.read_bytes(), kind, path.name))
    return msg


def _attachment(data: bytes, kind: str, filename: str) -> EmailMessage:
    """An attachment with a Chinese name both ways: filename* (RFC 2231), the standard, and an
    RFC 2047 name= on Content-Type, what Outlook and Foxmail show. Written as header text and
    parsed, because the email package would refold name= into RFC 2231 form (and, on a long
    line, encode the media type itself)."""
    def pieces(limit: int) -> list[str]:
        """The name in pieces of at most ``limit`` bytes of UTF-8, never splitting a character."""
        out, chunk = [], ""
        for ch in filename:
            if chunk and len((chunk + ch).encode("utf-8")) > limit:
                out.append(chunk)
                chunk = ""
            chunk += ch
        return out + [chunk]

    # encoded words of at most 75 characters (36 bytes → 48 of base64)
    name = "\n ".join(f"=?utf-8?b?{base64.b64encode(w.encode('utf-8')).decode()}?=" for w in pieces(36))
    # RFC 2231 continuations, each well inside a line
    quoted = [urllib.parse.quote(p.encode("utf-8"), safe="") for p in pieces(18)]
    if len(quoted) == 1:
        disposition = f"filename*=utf-8''{quoted[0]}"
    else:
        quoted[0] = "utf-8''" + quoted[0]
        disposition = ";\n ".join(f"filename*{n}*={piece}" for n, piece in enumerate(quoted))
    body = base64.encodebytes(data).decode()
    source = (f'Content-Type: {kind};\n name="{name}"\nContent-Disposition: attachment;\n {disposition}\n'
              f"Content-Transfer-Encoding: base64\nMIME-Version: 1.0\n\n{body}")
    return message_from_string(source, policy=policy.default)


def needs_utf8(msg: EmailMessage) -> bool:
    """True when an address has characters beyond ASCII (张三@例子.cn): SMTPUTF8 is needed. A
    Chinese name before an ASCII address (王局长 <head@…>) is not: it goes as an encoded word."""
    return any(not a.addr_spec.isascii() for h in ("From", "To", "Cc") if msg[h] is not None
               for a in msg[h].addresses)


class _AsWritten(EmailPolicy):
    """policy.SMTP, except that a header jixiao wrote as text (an attachment's, see _attachment)
    goes out as written, not refolded: a media type longer than 78 characters would otherwise
    make the email package rewrite the whole header in its own way."""

    def fold_binary(self, name, value):
        if not hasattr(value, "name") and value.isascii() and all(len(x) <= 998 for x in value.splitlines()):
            return (name + ": " + value.replace("\n", self.linesep) + self.linesep).encode("ascii")
        return super().fold_binary(name, value)


_SMTP = _AsWritten(linesep="\r\n")
_SMTPUTF8 = _SMTP.clone(utf8=True)


def as_bytes(msg: EmailMessage) -> bytes:
    """The message as sent and saved: CRLF line ends (smtplib fixes those only for text); with
    a non-ASCII address, its headers in UTF-8 as SMTPUTF8 carries them."""
    return msg.as_bytes(policy=_SMTPUTF8 if needs_utf8(msg) else _SMTP)


SMTP_READ_TIMEOUT = 30  # seconds one answer from the server may take
SMTP_DEADLINE = 120  # seconds the whole conversation may take (a server that drips never trips the other)


def send(msg: EmailMessage, host: str, port: int, starttls: bool = True, user: str | None = None,
         deadline: float = SMTP_DEADLINE, implicit_tls: bool = False, cafile: str | None = None) -> str:
    """Send ``msg`` to its To addresses; returns the server's answer to the message. The whole
    conversation ends at ``deadline`` seconds, however the server paces it. ``implicit_tls``: TLS
    from the first byte (port 465) instead of STARTTLS; ``cafile``: the certificate authority the
    server's certificate is checked against (an office's own), besides the system's."""
    recipients = [a.addr_spec for a in msg["To"].addresses] if msg["To"] is not None else []
    sender = msg["From"].addresses[0].addr_spec
    if not recipients:
        raise JixiaoError("没有收件人：请用 --to 指定（可多次）")
    password = os.environ.get(PASSWORD_ENV, "")
    if user and not password:
        raise JixiaoError(f"已指定 SMTP 用户 {user}，但环境变量 {PASSWORD_ENV} 中没有密码")
    expired = threading.Event()
    watchdog = None
    utf8 = needs_utf8(msg)
    try:
        context = ssl.create_default_context(cafile=cafile) if (starttls or implicit_tls) else None
    except FileNotFoundError:
        raise JixiaoError(f"证书文件 {cafile} 不存在") from None
    except ssl.SSLError:
        raise JixiaoError(f"证书文件 {cafile} 不是 PEM 格式的证书（应以 -----BEGIN CERTIFICATE----- 开头）") from None
    except OSError:
        raise JixiaoError(f"无法读取证书文件 {cafile}（没有读取权限，或它是文件夹）") from None
    try:
        if implicit_tls:
            smtp = _DeadlinedSSL(expired, timeout=min(SMTP_READ_TIMEOUT, deadline), context=context)
        else:
            smtp = _Deadlined(expired, timeout=min(SMTP_READ_TIMEOUT, deadline))
        watchdog = threading.Timer(deadline, smtp.expire)
        watchdog.daemon = True
        watchdog.start()
        smtp.connect(host, port)
        if expired.is_set():
            smtp.close()
            raise TimeoutError
        with smtp:
            smtp.ehlo()
            if starttls and not implicit_tls:
                smtp.starttls(context=context)
                smtp.ehlo()
            options = []
            if utf8:
                if not smtp.has_extn("smtputf8"):
                    raise JixiaoError(f"收件人或发件人地址含中文等非 ASCII 字符，而邮件服务器 {host} 不支持 SMTPUTF8，"
                                      f"无法投递。请改用只含英文字母、数字的邮箱地址")
                options.append("SMTPUTF8")
            if user:
                smtp.login(user, password)
            code, answer = smtp.mail(sender, options)
            if code != 250:
                raise JixiaoError(f"邮件服务器拒绝发件人 {sender}：{code} {answer.decode(errors='replace')}")
            for rcpt in recipients:
                code, answer = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    raise JixiaoError(f"邮件服务器拒绝收件人 {rcpt}：{code} {answer.decode(errors='replace')}")
            code, answer = smtp.data(as_bytes(msg))
            if code != 250:
                raise JixiaoError(f"邮件服务器未接收邮件：{code} {answer.decode(errors='replace')}")
            return f"{code} {answer.decode(errors='replace')}"
    except (smtplib.SMTPException, ssl.SSLError, OSError) as e:
        if expired.is_set():
            raise JixiaoError(f"与邮件服务器 {host}:{port} 的通信超过 {deadline:g} 秒仍未完成，已放弃（服务器过慢或无响应）") from None
        if isinstance(e, ConnectionRefusedError):
            raise JixiaoError(f"无法连接邮件服务器 {host}:{port}：连接被拒绝（服务器没有运行，或地址、端口有误）") from None
        if isinstance(e, (socket.timeout, TimeoutError)):
            raise JixiaoError(f"连接邮件服务器 {host}:{port} 超时") from None
        if isinstance(e, ssl.SSLCertVerificationError):
            why = in_words(e.verify_message or "", CERTIFICATE_PROBLEMS, "证书无法验证")
            raise JixiaoError(f"邮件服务器 {host} 的证书无法验证（{why}）：若单位使用自己的证书，"
                              f"请用 --smtp-cafile 指定签发它的根证书文件") from None
        if isinstance(e, ssl.SSLError):
            code = f"，错误代码 {e.reason}" if e.reason else ""
            raise JixiaoError(f"与邮件服务器 {host}:{port} 建立加密连接失败（双方的加密方式不一致{code}）：请确认该端口的加密方式"
                              f"（465 端口一般用 --ssl，25/587 端口用 STARTTLS）") from None
        if isinstance(e, smtplib.SMTPAuthenticationError):
            raise JixiaoError(f"邮件服务器登录失败，请检查 --smtp-user 和密码（服务器答复：{_answer(e)}）") from None
        if isinstance(e, smtplib.SMTPResponseException):
            raise JixiaoError(f"邮件服务器拒绝了这封邮件（服务器答复：{_answer(e)}）") from None
        if isinstance(e, smtplib.SMTPServerDisconnected):
            raise JixiaoError(f"邮件服务器 {host}:{port} 中途断开了连接，邮件未发出；请稍后重试，或确认端口和加密方式") from None
        if isinstance(e, socket.gaierror):
            raise JixiaoError(f"找不到邮件服务器 {host}（地址有误，或本机连不上网络）") from None
        if isinstance(e, smtplib.SMTPNotSupportedError):
            raise JixiaoError(f"邮件服务器 {host}:{port} 不支持所需的功能（如加密或登录），邮件未发出") from None
        if isinstance(e, OSError) and not isinstance(e, smtplib.SMTPException):
            raise JixiaoError(f"与邮件服务器 {host}:{port} 的网络连接出错，邮件未发出：{os_reason(e)}") from None
        raise JixiaoError(f"发送邮件失败：与邮件服务器 {host}:{port} 的通信出错，邮件未发出") from None
    finally:
        if watchdog is not None:
            watchdog.cancel()


class _DeadlineMixin:
    """An SMTP client whose socket is shut down when the overall deadline passes: a read then
    waiting, however slowly bytes arrive, ends at once."""

    def __init__(self, expired, **kwargs):
        self._expired = expired
        super().__init__(**kwargs)

    def connect(self, host="localhost", port=0, source_address=None):
        # the name TLS checks the certificate against (STARTTLS and SMTPS): smtplib takes it
        # only from the constructor, which would connect before the deadline is set
        self._host = host
        return super().connect(host, port, source_address)

    def expire(self) -> None:
        self._expired.set()
        sock = getattr(self, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Deadlined(_DeadlineMixin, smtplib.SMTP):
    pass


class _DeadlinedSSL(_DeadlineMixin, smtplib.SMTP_SSL):
    pass
