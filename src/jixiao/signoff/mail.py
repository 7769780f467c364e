"""The sign-off e-mail: text and HTML bodies from Jinja2 templates, the documents attached, sent
by SMTP (the password only from the environment, JIXIAO_SMTP_PASSWORD)."""

from __future__ import annotations

import mimetypes
import os
import re
import smtplib
import socket
import ssl
import threading
from decimal import Decimal
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from importlib import resources
from pathlib import Path

from .. import __version__
from ..errors import JixiaoError
from ..model.document import get_path
from ..report.render import percent, score
from ..rules.context import Context

PASSWORD_ENV = "JIXIAO_SMTP_PASSWORD"


def _explanation(doc, loc) -> str:
    """What the department wrote about a warning: the indicator's 偏差原因, or the form's 预算调整说明."""
    if loc.prefix != "overall" and loc.item is None:
        return "—"
    form = get_path(doc, loc.prefix)
    if loc.row is not None and loc.row[0] == "indicators":
        return form.indicators[loc.row[1]].deviation or "（未填写偏差原因）"
    return form.adjustment_note or "（未填写预算调整说明）"


def mail_context(doc, summaries, findings, forced: bool, attachments: list[str], created: str) -> dict:
    ctx = Context(doc)
    execution = []
    for form in ctx.scored_forms:
        initial, executed = form.total.initial, form.total.executed
        basis = executed / initial if isinstance(initial, Decimal) and initial and isinstance(executed, Decimal) else None
        name = "附件2" if form.prefix == "overall" else (form.form.name or form.prefix)
        execution.append({"form": name, "rate": percent(form.execution_rate) or "—", "initial_rate": percent(basis) or "—"})
    # A header is one line: a line break or control character typed in the name becomes a space.
    name = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", doc.department.name or "").split())
    subject = f"{name}{doc.year}年度预算绩效自评材料（请签批）"
    if forced:
        subject += "【含未通过校验项】"
    return {
        "subject": subject, "department": doc.department.name or "", "year": doc.year, "forced": forced,
        "errors": sum(f.severity.value == "错误" for f in findings),
        "forms": [{"form": s.form, "total_score": score(s.total_score) if s.total_score is not None else "",
                   "grade": s.grade or "", "errors": s.errors, "warnings": s.warnings, "infos": s.infos}
                  for s in summaries],
        "execution": execution,
        "warnings": [{"rule": f.rule, "form": f.form, "cell": f.cell, "message": f.message,
                      "explanation": _explanation(doc, f.location)} for f in findings if f.severity.value == "警告"],
        "attachments": attachments, "version": __version__, "created": created,
    }


def _render(name: str, context: dict) -> str:
    from jinja2 import Environment, select_autoescape

    env = Environment(autoescape=select_autoescape(["html"]), keep_trailing_newline=True, trim_blocks=False)
    source = resources.files("jixiao").joinpath("data", "mail", name).read_text(encoding="utf-8")
    env.autoescape = name.endswith(".html.j2")
    return env.from_string(source).render(**context)


def build_message(context: dict, attachments: list[Path], mail_from: str, mail_to: tuple[str, ...]) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = context["subject"]
    msg["From"] = mail_from or "jixiao@localhost"
    if mail_to:
        msg["To"] = ", ".join(mail_to)
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
        maintype, subtype = (kind or "application/octet-stream").split("/", 1)
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return msg


def as_bytes(msg: EmailMessage) -> bytes:
    """The message as sent and saved: CRLF line ends (smtplib fixes those only for text)."""
    return msg.as_bytes(policy=policy.SMTP)


SMTP_READ_TIMEOUT = 30  # seconds one answer from the server may take
SMTP_DEADLINE = 120  # seconds the whole conversation may take (a server that drips never trips the other)


def send(msg: EmailMessage, host: str, port: int, starttls: bool = True, user: str | None = None,
         deadline: float = SMTP_DEADLINE) -> str:
    """Send ``msg`` to its To addresses; returns the server's answer to the message. The whole
    conversation ends at ``deadline`` seconds, however the server paces it."""
    recipients = [a.strip() for a in (msg["To"] or "").split(",") if a.strip()]
    if not recipients:
        raise JixiaoError("没有收件人：请用 --to 指定（可多次）")
    password = os.environ.get(PASSWORD_ENV, "")
    if user and not password:
        raise JixiaoError(f"已指定 SMTP 用户 {user}，但环境变量 {PASSWORD_ENV} 中没有密码")
    expired = threading.Event()
    watchdog = None
    try:
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
            if starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if user:
                smtp.login(user, password)
            code, answer = smtp.mail(msg["From"])
            if code != 250:
                raise JixiaoError(f"邮件服务器拒绝发件人 {msg['From']}：{code} {answer.decode(errors='replace')}")
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
        if isinstance(e, smtplib.SMTPAuthenticationError):
            raise JixiaoError(f"邮件服务器登录失败：{e.smtp_code} {e.smtp_error.decode(errors='replace')}") from None
        raise JixiaoError(f"发送邮件失败：{e}") from None
    finally:
        if watchdog is not None:
            watchdog.cancel()


class _Deadlined(smtplib.SMTP):
    """An SMTP client whose socket is shut down when the overall deadline passes: a read then
    waiting, however slowly bytes arrive, ends at once."""

    def __init__(self, expired, **kwargs):
        self._expired = expired
        super().__init__(**kwargs)

    def expire(self) -> None:
        self._expired.set()
        sock = getattr(self, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
