"""`jixiao` — the command line. Help, messages and errors are in Chinese.

Each command is a thin face over the core: it is declared once (`parsing.command`), takes its
options, calls one function and prints the result. Heavy libraries are imported inside the
commands that need them, so `jixiao --help` starts fast. A user error (JixiaoError) prints one
Chinese message and exits with code 2; no traceback reaches the user unless JIXIAO_DEBUG=1.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

from ..collector import collector_paused, collector_running
from ..errors import JixiaoError
from ..files import refuse_overwriting_input
from .parsing import UsageError, any_path, arg, command, file_path, folder_path, number, one_of, parse, whole_number

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 70


def _safe_console() -> None:
    """A console (or a file it is redirected to) in another encoding than UTF-8, such as GBK on a
    Chinese Windows: what it cannot show becomes "?" instead of stopping the command."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def _mark(ok: bool) -> str:
    """✓ / ✗ where the console has them, else √ / ×, which GBK has too."""
    symbol = "✓" if ok else "✗"
    try:
        symbol.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        symbol = "√" if ok else "×"
    return symbol


def _output(help_text: str):
    return arg("-o", "--output", dest="output", required=True, type=file_path, help=help_text)


DEFAULT_SCHEME = "hunan-2024"
YEAR = whole_number(2000, 2999)
XLSM = arg("--xlsm", action="store_true", help="生成带按钮（校验、重算等）的启用宏的工作簿（.xlsm）。")
BOOK_OUT = "输出的工作簿（.xlsx；带 --xlsm 时为 .xlsm）。"


@command("new",
         arg("--year", type=YEAR, required=True, help="评价年度，如 2024。"),
         arg("--scheme", metavar="名称", help=f"指标体系（jixiao schemes 可列出；默认 {DEFAULT_SCHEME}，带 --from 时沿用上一年的）。"),
         arg("--projects", type=whole_number(0, 500), help="项目支出绩效自评表的张数（默认 1）；带 --from 时为另加的空白项目表张数。"),
         XLSM,
         arg("--from", dest="last_year", type=any_path,
             help="上一年的工作簿或数据文件：带入附件1的上年决算数、项目和指标（清空完成值、得分和偏差说明）。"),
         _output(BOOK_OUT))
def new_cmd(year: int, scheme: str, projects: int, xlsm: bool, last_year: Path | None, output: Path) -> None:
    """新建空白工作簿：基本信息、附件1、附件2 和若干张项目表；或用 --from 从上一年接续。"""
    from ..workbook.fill import fill, new

    _check_suffix(output, xlsm)
    refuse_overwriting_input(output, last_year)
    if last_year is not None:
        from ..importing import carry_forward

        source = _load_any(last_year)
        if year <= source.year:
            raise JixiaoError(f"--year {year} 不晚于 {last_year} 的年度 {source.year}：接续只能生成以后年度的工作簿")
        if scheme is not None and scheme != source.scheme:
            raise JixiaoError(f"{last_year} 的指标体系是 {source.scheme}，接续时沿用它的指标；"
                              f"改用 {scheme} 请不带 --from 新建空白工作簿")
        doc = carry_forward(source, year)
        added = _blank_projects(doc, projects or 0)
        fill(doc, output)
        more = f"，另加空白项目表 {added} 张" if added else ""
        print(f"已从 {last_year} 接续生成 {year} 年工作簿：{output}（项目 {len(doc.projects)} 个{more}）")
        return
    scheme = scheme or DEFAULT_SCHEME
    projects = 1 if projects is None else projects
    new(year, scheme, projects, output)
    print(f"已生成空白工作簿：{output}（{year} 年，指标体系 {scheme}，项目表 {projects} 张）")


def _blank_projects(doc, count: int) -> int:
    """Append ``count`` blank project forms to ``doc`` (their ids new ones)."""
    from ..model.document import Project

    taken = {p.id for p in doc.projects}
    for i in range(count):
        n = len(doc.projects) + 1
        while f"p{n}" in taken:
            n += 1
        taken.add(f"p{n}")
        doc.projects.append(Project(id=f"p{n}"))
    return count


def _check_suffix(output: Path, xlsm: bool) -> None:
    allowed = (".xlsm",) if xlsm else (".xlsx", ".xlsm")  # an .xlsm name alone also asks for the buttons
    if output.suffix.lower() not in allowed:
        raise JixiaoError(f"输出文件应以 {allowed[0]} 结尾：{output}")


@command("fill", arg("data", type=any_path, metavar="数据文件", help="jixiao/1 数据文件（.yaml 或 .json）。"), XLSM,
         _output(BOOK_OUT))
def fill_cmd(data: Path, xlsm: bool, output: Path) -> None:
    """由 jixiao/1 数据文件（YAML 或 JSON）生成工作簿，公式和计算结果一并写入。"""
    from ..model.dataformat import load
    from ..workbook.fill import fill

    _check_suffix(output, xlsm)
    refuse_overwriting_input(output, data)
    doc = load(data)
    fill(doc, output)
    parts = (["附件1"] if doc.basic_data else []) + (["附件2"] if doc.overall else [])
    print(f"已填写：{output}（{'、'.join(parts + [f'项目表 {len(doc.projects)} 张'])}）")


@command("extract", arg("book", type=any_path, metavar="工作簿", help="工作簿（.xlsx/.xlsm/.xls）或 Word 自评表（.docx）。"),
         _output("输出的数据文件：.yaml 或 .json。"), pause_collector=True)
def extract_cmd(book: Path, output: Path) -> None:
    """从工作簿或填报的 Word 自评表（.docx）提取数据，写成 jixiao/1 数据文件。"""
    from ..model.dataformat import save
    from ..sources import read_source

    if output.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise JixiaoError(f"输出文件应以 .yaml、.yml 或 .json 结尾：{output}")
    refuse_overwriting_input(output, book)
    contents = read_source(book)
    save(contents.doc, output)
    for note in contents.unplaced:
        print(f"未读取：{note}")
    print(f"已提取：{output}（项目 {len(contents.doc.projects)} 个）")


@command("addin-config",
         arg("book", nargs="?", type=any_path, metavar="工作簿", help="启用宏的工作簿（.xlsm）。"),
         arg("--user", action="store_true",
             help="写入本机用户的 xlwings 设置：此后本机打开的任何 jixiao 工作簿，按钮都用当前的 Python（每台电脑运行一次）。"),
         arg("--update-vba", action="store_true", help="把工作簿内嵌的 xlwings 模块和按钮代码换成本机安装的版本（工作簿的其他代码保留）。"),
         arg("--clear", action="store_true", help="清除工作簿 xlwings.conf 表中的设置，恢复使用本机用户设置。"))
def addin_config_cmd(book: Path | None, user: bool, update_vba: bool, clear: bool) -> None:
    """让按钮找到本机的 Python。

    每台电脑运行一次 jixiao addin-config --user。只给出工作簿时，把当前 Python 只写进这个工作簿
    （覆盖本机设置）；--clear 撤销。每次都检查工作簿内嵌的 xlwings 模块与本机的版本是否一致，
    --update-vba 把它换成本机的版本。"""
    import xlwings

    from ..excel.config import interpreter_settings, write_user_config
    from ..workbook.macros import CONF_NOTE, CONF_SHEET, embedded_xlwings_version, refreshed_project
    from ..workbook.patch import WorkbookPatch
    from ..workbook.reader import Workbook
    from ..workbook.safety import read_member
    from ..workbook.vbaproject import ProjectError, read_project

    if book is None and not user:
        raise JixiaoError("请给出工作簿（.xlsm），或用 --user 写入本机用户设置。")
    if user:
        path = write_user_config(interpreter_settings())
        for key, value in interpreter_settings().items():
            print(f"{key} = {value}")
        print(f"已写入本机用户设置：{path}")
    if book is None:
        return
    if book.suffix.lower() != ".xlsm":
        raise JixiaoError(f"只有启用宏的工作簿（.xlsm）有按钮和 xlwings.conf 表：{book}")
    with Workbook(book) as wb:
        if CONF_SHEET not in wb.sheet_names():
            raise JixiaoError(f"工作簿中没有“{CONF_SHEET}”表，请用 jixiao fill --xlsm 或 jixiao new --xlsm 重新生成：{book}")
    import zipfile

    with zipfile.ZipFile(book) as z:
        blob = read_member(z, "xl/vbaProject.bin") if "xl/vbaProject.bin" in z.namelist() else None
    if blob is None:
        raise JixiaoError(f"工作簿中没有宏代码（xl/vbaProject.bin）：{book}")
    try:
        embedded = embedded_xlwings_version(read_project(blob))
    except ProjectError:
        raise JixiaoError(f"无法读取工作簿的宏代码：VBA 工程已损坏，或不是 Excel 能保存的格式：{book}") from None
    patch = WorkbookPatch(book)
    if update_vba:
        try:
            patch.replace_part("xl/vbaProject.bin", refreshed_project(blob))
        except (ProjectError, ValueError):
            raise JixiaoError(f"无法更新工作簿的宏代码：VBA 工程已损坏，或不是 Excel 能保存的格式：{book}") from None
    # The workbook's own settings change only when that is all that was asked for.
    override = not (user or update_vba or clear)
    if clear:
        patch.set_rows(CONF_SHEET, [list(CONF_NOTE)])
    elif override:
        patch.set_rows(CONF_SHEET, [list(CONF_NOTE)] + [[k, v] for k, v in interpreter_settings().items()])
    if clear or override or update_vba:
        patch.save(book)
    if update_vba and embedded == xlwings.__version__:
        print(f"已更新 {book} 的按钮代码（内嵌的 xlwings 模块已是本机的 {embedded} 版）。")
    elif update_vba:
        print(f"已把 {book} 内嵌的 xlwings 模块从 {embedded or '未知'} 版换成 {xlwings.__version__} 版，按钮代码一并更新。")
    elif embedded != xlwings.__version__:
        print(f"注意：{book} 内嵌的 xlwings 模块是 {embedded or '未知'} 版，本机安装的是 {xlwings.__version__} 版，"
              f"按钮可能出错。请运行 jixiao addin-config {book} --update-vba 更新。")
    if clear:
        print(f"已清除 {book} 的 {CONF_SHEET} 表中的设置：按钮改用本机用户设置。")
    elif override:
        print(f"已把当前 Python 写入 {book} 的 {CONF_SHEET} 表（只对这个工作簿有效，覆盖本机用户设置）。")


@command("import-budget",
         arg("export", type=any_path, metavar="导出表", help="预算管理一体化系统的导出表（.xlsx 或 .csv）。"),
         arg("--targets", type=any_path, help="预算编制时设定的绩效目标表（.xlsx 或 .csv）。"),
         arg("--map", dest="mapping", type=any_path, help="列名映射文件（TOML），见 README。"),
         arg("--unit", type=one_of("元", "万元"), default="万元", help="导出表中金额的单位。"),
         arg("--year", type=YEAR, help="新建数据文件时的评价年度。"),
         arg("--scheme", default=DEFAULT_SCHEME, metavar="名称", help="新建数据文件时的指标体系。"),
         arg("--department", metavar="名称", help="新建数据文件时的部门名称。"),
         _output("数据文件（.yaml/.json）；已存在时按导出表更新，只改导出表提供的字段。"))
def import_budget_cmd(export: Path, targets: Path | None, mapping: Path | None, unit: str, year: int | None,
                      scheme: str, department: str | None, output: Path) -> None:
    """由预算管理一体化系统的导出表生成或更新 jixiao/1 数据文件。"""
    from ..importing import import_budget
    from ..model.dataformat import load, save

    if output.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise JixiaoError(f"输出的数据文件应以 .yaml 或 .json 结尾（工作簿请再用 jixiao fill 生成）：{output}")
    refuse_overwriting_input(output, export, targets, mapping)  # the data file itself is updated: that is asked
    base = load(output) if output.exists() else None
    doc, report = import_budget(export, unit=unit, targets=targets, mapping_path=mapping, base=base, year=year,
                                scheme=scheme, department=department)
    save(doc, output)
    for line in report.changes:
        print(f"  更新：{line}")
    for name in report.added:
        print(f"  新增项目：{name}")
    for name in report.missing:
        print(f"  注意：数据文件中的项目“{name}”不在导出表中（未删除）")
    for line in report.skipped:
        print(f"  注意：{line}")
    print(f"已{'更新' if base else '生成'}：{output}（更新 {len(report.changes)} 处，新增项目 {len(report.added)} 个）")


@command("report",
         arg("source", type=any_path, metavar="来源", help="工作簿、Word 自评表或数据文件。"),
         arg("--template", type=file_path, help="自定义的 Word 模板（默认为 workbook_templates/自评报告模板.docx 的内置版本）。"),
         _output("输出的自评报告（.docx）。"))
def report_cmd(source: Path, template: Path | None, output: Path) -> None:
    """由工作簿或数据文件生成绩效自评报告（Word）。

    各表和汇总句中的数字取自表格；填报人写的“一、预算收支出情况”等段落保留原文，
    与表格不符处由 check 列出（N01）。"""
    from ..report.render import render_report

    if output.suffix.lower() != ".docx":
        raise JixiaoError(f"输出文件应以 .docx 结尾：{output}")
    refuse_overwriting_input(output, source, template)
    doc = _load_any(source)
    render_report(doc, output, template=template)
    print(f"已生成自评报告：{output}（项目 {len(doc.projects)} 个）")


def _load_any(source: Path):
    from ..sources import FORM_SUFFIXES, read_document

    if source.suffix.lower() in FORM_SUFFIXES:
        return read_document(source)
    from ..model.dataformat import load

    return load(source)


def _env_port(default: int) -> int:
    """JIXIAO_SMTP_PORT when set, else ``default``; a port that is not a number is said so."""
    text = os.environ.get("JIXIAO_SMTP_PORT", "").strip()
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise JixiaoError(f"环境变量 JIXIAO_SMTP_PORT 的值“{text}”不是端口号（1–65535 的整数）")
    return int(text)


@command("signoff",
         arg("book", type=any_path, metavar="工作簿", help="校验通过的工作簿（.xlsx 或 .xlsm）。"),
         arg("-o", "--output", dest="folder", required=True, type=folder_path, help="输出文件夹（新建，或为空）。"),
         arg("--force", action="store_true", help="仍有错误时也生成，所有页面和邮件标题标注“含未通过校验项”。"),
         arg("--to", dest="mail_to", action="append", default=[], metavar="地址",
             help="收件人，如 张三 <zhangsan@example.gov.cn>（可多次，或用逗号分隔）；默认取环境变量 JIXIAO_MAIL_TO。"),
         arg("--from", dest="mail_from", metavar="地址", help="发件人；默认取环境变量 JIXIAO_MAIL_FROM。"),
         arg("--send", action="store_true", help="用 SMTP 发送邮件（密码只从环境变量 JIXIAO_SMTP_PASSWORD 读取）。"),
         arg("--smtp-host", metavar="主机", help="邮件服务器；默认取环境变量 JIXIAO_SMTP_HOST，否则 localhost。"),
         arg("--smtp-port", type=whole_number(1, 65535), help="端口；默认取环境变量 JIXIAO_SMTP_PORT，否则 --ssl 时 465、其余 587。"),
         arg("--ssl", dest="implicit_tls", action="store_true", help="从连接起就加密（SMTPS，一般为 465 端口），不用 STARTTLS。"),
         arg("--starttls", dest="starttls", action="store_true", default=True, help="使用 STARTTLS 加密（默认）。"),
         arg("--no-starttls", dest="starttls", action="store_false", help="不使用 STARTTLS 加密。"),
         arg("--smtp-cafile", type=file_path,
             help="验证服务器证书所用的根证书文件（PEM；单位自建证书时用）；默认取环境变量 JIXIAO_SMTP_CAFILE。"),
         arg("--smtp-user", metavar="用户名", help="SMTP 用户名（可不填）；默认取环境变量 JIXIAO_SMTP_USER。"),
         arg("--smtp-timeout", type=number(1, 3600), default=120.0,
             help="与邮件服务器的整个通信最多用时（秒）。"))
def signoff_cmd(book: Path, folder: Path, force: bool, mail_to: list[str], mail_from: str | None, send: bool,
                smtp_host: str | None, smtp_port: int | None, implicit_tls: bool, starttls: bool,
                smtp_cafile: Path | None, smtp_user: str | None, smtp_timeout: float) -> None:
    """生成签批包：只含数值的工作簿、PDF、自评报告、manifest.json 和邮件（.eml），可直接发送。

    仍有错误时拒绝生成并列出错误，除非 --force。
    """
    from ..signoff.mail import send as send_mail
    from ..signoff.package import signoff

    # What the command line leaves out comes from the environment (a scheduled task sets it once).
    mail_from = os.environ.get("JIXIAO_MAIL_FROM", "") if mail_from is None else mail_from
    smtp_host = os.environ.get("JIXIAO_SMTP_HOST", "localhost") if smtp_host is None else smtp_host
    smtp_user = os.environ.get("JIXIAO_SMTP_USER", "") if smtp_user is None else smtp_user
    if smtp_cafile is None and os.environ.get("JIXIAO_SMTP_CAFILE"):
        smtp_cafile = Path(os.environ["JIXIAO_SMTP_CAFILE"])
        if smtp_cafile.is_dir():  # refused before anything is made, as the option would be
            raise JixiaoError(f"环境变量 JIXIAO_SMTP_CAFILE 的值“{smtp_cafile}”是一个文件夹，应为根证书文件（PEM）")
    if smtp_port is None:
        smtp_port = _env_port(465 if implicit_tls else 587)
    mail_to = tuple(mail_to)
    if not mail_to and os.environ.get("JIXIAO_MAIL_TO"):
        mail_to = tuple(a.strip() for a in os.environ["JIXIAO_MAIL_TO"].split(",") if a.strip())
    result = signoff(book, folder, force=force, mail_from=mail_from, mail_to=mail_to)
    print(f"已生成签批包：{folder}" + ("（含未通过校验项）" if result.forced else ""))
    for kind in ("xlsx", "pdf", "docx", "data", "manifest", "eml"):
        if kind in result.files:
            print(f"  {result.files[kind].name}")
    if result.pdf_note:
        print(f"  注意：{result.pdf_note}")
    if result.name_note:
        print(f"  注意：{result.name_note}")
    if send:
        answer = send_mail(result.message, smtp_host, smtp_port, starttls=starttls, user=smtp_user or None,
                           deadline=smtp_timeout, implicit_tls=implicit_tls,
                           cafile=str(smtp_cafile) if smtp_cafile else None)
        print(f"邮件已发送给 {', '.join(mail_to)}；服务器回复：{answer}")


@command("templates",
         arg("--dir", dest="folder", type=folder_path, default=Path("workbook_templates"),
             help="模板所在文件夹。"),
         arg("--macros-dir", type=folder_path, default=Path("macros"),
             help="按钮 VBA 模块（JixiaoButtons.bas）所在文件夹。"))
def templates_cmd(folder: Path, macros_dir: Path) -> None:
    """重新生成各指标体系的空白模板（workbook_templates/）和按钮的 VBA 模块（macros/）。"""
    from ..report.template import write_report_template
    from ..workbook.macros import write_macro_module
    from ..workbook.templates import build_templates

    for path in [*build_templates(folder), write_report_template(folder), write_macro_module(macros_dir)]:
        print(f"已生成模板：{path}")


@command("schemes")
def schemes_cmd() -> None:
    """列出可用的指标体系及其一级指标权重。"""
    from ..model.numbers import plain
    from ..model.schemes import load_scheme, scheme_ids

    for sid in scheme_ids():
        s = load_scheme(sid)
        weights = "、".join(f"{l1.name}{plain(l1.weight)}" for l1 in s.level1)
        print(f"{sid}\t{s.title}：{weights}、预算执行率{plain(s.execution_weight)}")


def _format_text(results) -> str:
    from ..rules.common import score as fmt_score

    lines = []
    for r in results:
        if len(results) > 1 or not r.readable:
            lines.append(f"【{r.path}】")
        if not r.readable:
            lines.append(f"  无法读取：{r.error}")
            continue
        lines += [f"  未读取：{note}" for note in r.unplaced]
        by_form: dict[str, list] = {}
        for f in r.findings:
            by_form.setdefault(f.form, []).append(f)
        for s in r.summaries:
            total = f"总分 {fmt_score(s.total_score)}（{s.grade}）" if s.total_score is not None else "不计分"
            lines.append(f"■ {s.form}：{total}；错误 {s.errors}，警告 {s.warnings}，提示 {s.infos}")
            for f in by_form.get(s.form, ()):
                expected = f"（应为 {f.shown_expected}）" if f.shown_expected is not None else ""
                lines.append(f"  {f.severity.value} {f.rule} {f.cell}  {f.message}{expected}")
        total_errors, total_warnings, total_infos = (r.count(x) for x in ("错误", "警告", "提示"))
        verdict = "未通过：有错误须改正" if total_errors else "通过：没有错误"
        lines.append(f"合计：错误 {total_errors}，警告 {total_warnings}，提示 {total_infos}。{verdict}。")
    return "\n".join(lines)


@command("check",
         arg("paths", nargs="+", type=any_path, metavar="文件或文件夹", help="要检查的文件；给出文件夹时检查其中所有可检查的文件。"),
         arg("--format", dest="fmt", type=one_of("text", "json"), default="text",
             help="输出格式：text 供人阅读，json 供程序读取（格式 jixiao-check/1；批量时 jixiao-summary/1，见 README）。"),
         arg("--annotate", dest="annotate_to", type=file_path,
             help="另存一份标注后的工作簿：加“校验结果”表，问题单元格标红（错误）或标黄（警告）。原文件不变。"),
         arg("--summary", dest="summary_to", type=file_path, help="批量检查：写出汇总工作簿（部门、项目、发现三张表）。"),
         arg("--jobs", type=whole_number(1, 64), help="批量检查的并行进程数（默认为 CPU 核数）。"),
         arg("--timeout", type=number(0.1, 3600), default=60.0,
             help="批量检查时每个文件最多用时（秒），超时的文件记为无法读取，其余照常检查。"),
         pause_collector=True)
def check_cmd(paths: list[Path], fmt: str, annotate_to: Path | None, summary_to: Path | None,
              jobs: int | None, timeout: float) -> None:
    """校验工作簿、Word 自评表或数据文件（可给出文件夹），逐条运行审核规则。

    可检查的文件：工作簿（.xlsx/.xlsm/.xls）、填报的 Word 自评表（.docx）、数据文件（.yaml/.json）。

    退出码：0 没有错误；1 有错误；2 有文件无法读取。
    """
    from ..checking import expand

    files = expand(list(paths))
    if not files:
        raise JixiaoError("没有找到可检查的文件（.xlsx、.xlsm、.xls、.docx、.yaml、.yml、.json）")
    if summary_to is not None or jobs is not None or any(p.is_dir() for p in paths):
        if annotate_to is not None:
            raise JixiaoError("--annotate 只能用于检查单个工作簿（.xlsx 或 .xlsm）")
        _check_batch(files, fmt, summary_to, jobs, timeout)
        return
    from ..checking import check_path, exit_code, to_json

    if annotate_to is not None and (len(files) != 1 or files[0].suffix.lower() not in (".xlsx", ".xlsm")):
        raise JixiaoError("--annotate 只能用于检查单个工作簿（.xlsx 或 .xlsm）")
    if annotate_to is not None:
        refuse_overwriting_input(annotate_to, files[0])
    results = [check_path(p) for p in files]
    if annotate_to is not None and results[0].readable:
        from ..report.annotate import annotate

        annotate(files[0], annotate_to, results[0].findings)
    if fmt == "json":
        import json

        print(json.dumps(to_json(results), ensure_ascii=False, indent=2))
    else:
        print(_format_text(results))
        if annotate_to is not None and results[0].readable:
            print(f"已另存标注结果：{annotate_to}")
    code = exit_code(results)
    if code:
        sys.exit(code)


def _check_batch(files: list[Path], fmt: str, summary_to: Path | None, jobs: int | None, timeout: float) -> None:
    import json

    from ..batch import one_per_department, run_batch, summary_json, terminal_progress, write_summary

    with collector_running():  # hundreds of files, in this process and in the workers it forks
        checked = run_batch(files, jobs, progress=terminal_progress if fmt == "text" else None, timeout=timeout)
        records = one_per_department(checked)
        if summary_to is not None:
            write_summary(records, summary_to)
    unreadable = [r for r in records if r.department["状态"] == "无法读取"]
    errors = sum(r.department.get("错误") or 0 for r in records)
    if fmt == "json":
        print(json.dumps(summary_json(records), ensure_ascii=False, indent=2, default=str))
    else:
        for r in records:
            d = r.department
            if d["状态"] == "无法读取":
                print(f"{_mark(False)} {r.path}：无法读取：{d['原因']}")
            else:
                more = d.get("同一部门的其他文件")
                also = f"（同一部门的其他文件未重复计入：{more}）" if more else ""
                print(f"{_mark(not d['错误'])} {r.path}：{d['部门']}，错误 {d['错误']}，警告 {d['警告']}，提示 {d['提示']}{also}")
        counted = f"共 {len(records)} 个文件" if len(records) == len(checked) else \
            f"共 {len(checked)} 个文件，按部门计 {len(records)} 个"
        print(f"{counted}：无法读取 {len(unreadable)} 个，错误合计 {errors}。"
              + (f"汇总：{summary_to}" if summary_to else ""))
    if unreadable:
        sys.exit(2)
    if errors:
        sys.exit(1)


def _new_backup(book: Path) -> Path:
    """A copy of ``book`` beside it under a name no file has: 文件名.重算前.xlsx, then
    文件名.重算前(2).xlsx and so on. An earlier backup is never overwritten."""
    import shutil

    from ..files import write_failure

    for n in range(1, 1000):
        backup = book.with_name(f"{book.stem}.重算前{'' if n == 1 else f'({n})'}{book.suffix}")
        try:
            with open(book, "rb") as src, open(backup, "xb") as dst:  # "x": never an existing file
                shutil.copyfileobj(src, dst)
        except FileExistsError:
            continue
        except OSError as e:
            backup.unlink(missing_ok=True)
            raise write_failure(e, backup) from None
        shutil.copystat(book, backup)
        return backup
    raise JixiaoError(f"备份文件已有 999 个，请先清理：{book.parent}")


@command("recompute",
         arg("book", type=any_path, metavar="工作簿", help="要重算的工作簿（.xlsx 或 .xlsm）。"),
         arg("-o", "--output", dest="output", type=file_path, help="输出的工作簿（与原文件同类型）。"),
         arg("--in-place", action="store_true", help="原地重算；先把原文件备份为“文件名.重算前.xlsx”。"),
         pause_collector=True)
def recompute_cmd(book: Path, output: Path | None, in_place: bool) -> None:
    """重算：把所有计算单元格（合计、控制率、执行率、得分、总分）恢复为正确的公式和结果。

    不改动任何填报单元格；列出显示值有变化的单元格（原值 → 新值）。
    """

    from ..recompute import describe, recompute_file

    if (output is None) == (not in_place):
        raise JixiaoError("请用 -o 指定输出文件，或用 --in-place 原地重算（二选一）")
    if in_place:
        if not book.is_file():
            raise JixiaoError(f"找不到文件：{book}")
        backup = _new_backup(book)
        output = book
    else:
        refuse_overwriting_input(output, book)
    changed = recompute_file(book, output)
    if in_place:
        print(f"已备份原文件：{backup}")
    for cell in changed:
        print(f"  {cell.sheet}!{cell.ref}：{describe(cell.old_value)} → {describe(cell.value)}")
    print(f"已重算：{output}（显示值有变化的单元格 {len(changed)} 个）")


def find_example() -> Path:
    """The bundled example, shipped inside the package (so `jixiao demo` works from a wheel)."""
    from importlib import resources

    example = Path(str(resources.files("jixiao").joinpath("data", "examples", "zhuzhou-gxj-2024.yaml")))
    if not example.is_file():
        raise JixiaoError("找不到自带示例 zhuzhou-gxj-2024.yaml：jixiao 安装不完整，请重新安装。")
    return example


@command("demo", arg("--out", dest="out_dir", type=folder_path, default=Path("out"), help="输出文件夹。"))
def demo_cmd(out_dir: Path) -> None:
    """用自带的 2024 年示例演示：填表、提取核对、校验并生成标注后的工作簿。"""
    from ..checking import check_path
    from ..model.dataformat import load, save
    from ..model.derive import canonical
    from ..report.annotate import annotate
    from ..workbook.extract import extract
    from ..workbook.fill import fill

    example = find_example()
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = example.stem
    t0 = time.perf_counter()
    doc = load(example)
    book = fill(doc, out_dir / f"{stem}.xlsx")
    t1 = time.perf_counter()
    back = extract(book)
    save(back, out_dir / f"{stem}.extracted.yaml")
    t2 = time.perf_counter()
    result = check_path(book)
    annotated = annotate(book, out_dir / f"{stem}.校验结果.xlsx", result.findings)
    t3 = time.perf_counter()
    same = canonical(back) == canonical(doc)
    print(f"示例：{example}")
    print(f"1. 填表：{book}（{doc.department.name}，{doc.year} 年，项目 {len(doc.projects)} 个，"
          f"{t1 - t0:.2f} 秒，{book.stat().st_size / 1024:.0f} KB）")
    print(f"2. 提取：{out_dir / (stem + '.extracted.yaml')}（{t2 - t1:.2f} 秒）；与原数据{'一致' if same else '不一致'}")
    print(f"3. 校验：错误 {result.count('错误')}，警告 {result.count('警告')}，提示 {result.count('提示')}"
          f"（{t3 - t2:.2f} 秒）；标注后的工作簿：{annotated}")
    print("   （示例如实保留了原表中的错误，所以有错误项；运行 jixiao check 查看明细。）")
    from ..signoff.package import signoff

    package_dir = out_dir / f"{stem}.签批包"
    if package_dir.exists():
        import shutil

        shutil.rmtree(package_dir)
    package = signoff(book, package_dir, force=True)
    print(f"4. 签批包：{package_dir}（因示例有错误，强制生成并标注“含未通过校验项”）："
          + "、".join(p.name for p in package.files.values()))
    if package.pdf_note:
        print(f"   注意：{package.pdf_note}")
    if not same:
        raise JixiaoError("示例往返核对不一致，请反馈给开发者。")


def run(words: list[str] | None = None) -> int:
    """Run one command line (``sys.argv[1:]`` when none is given) and return its exit code; every
    error ends here as a Chinese message on stderr."""
    _safe_console()
    try:
        chosen, options = parse(sys.argv[1:] if words is None else words)
        with collector_paused() if chosen.pause_collector else contextlib.nullcontext():
            chosen.run(**options)
        return 0
    except SystemExit as e:  # help, the version, and the commands' own exit codes
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except UsageError as e:
        print(e.shown(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except JixiaoError as e:
        print(f"错误：{e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except OSError as e:  # reading or writing a file the system refused: the person can act on it
        from ..files import os_failure

        print(f"错误：{os_failure(e)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError:
        print("错误：内存不足，文件过大或过于复杂，无法处理。", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as e:  # a bug of ours: say so plainly, keep the traceback for debugging
        if os.environ.get("JIXIAO_DEBUG"):
            raise
        print(f"内部错误（{type(e).__name__}: {e}）。这是 jixiao 的缺陷，请把这条信息和所用文件反馈给开发者；"
              "设置环境变量 JIXIAO_DEBUG=1 可看到详细信息。", file=sys.stderr)
        return EXIT_INTERNAL


def main() -> None:
    """The console command. Once the command has ended (its files written and closed, its worker
    processes joined), the process leaves without tearing down every module and object it
    made: a tenth of a short check's time, spent on nothing the person sees."""
    code = run()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started without one (pythonw, >&-)
            continue
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that stopped reading (| head), a full disk, a closed stream
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    main()
