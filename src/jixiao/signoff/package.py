"""The sign-off package: what a department sends to its head and the finance bureau.

Into one new folder: a values-only, protected .xlsx (with the 校验结果 sheet and a 签批 block left
blank for the signature), a PDF of the forms, the 自评报告 .docx, the data as YAML, a manifest of
SHA-256 hashes, and an .eml carrying the three documents. The package is built in a temporary
folder and moved into place whole. It is refused while any 错误 remains, unless forced, which
marks every page and the mail subject 含未通过校验项.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..checking import check_path
from ..errors import JixiaoError, NotReady
from ..files import WriteError, write_failure
from ..model.dataformat import save
from ..report.render import render_report
from ..rules import Finding
from ..report.annotate import mark
from ..workbook.macros import CONF_SHEET, OPERATIONS_SHEET
from ..workbook.patch import WorkbookPatch
from ..workbook.values_copy import values_only
from .mail import addresses, as_bytes, build_message, mail_context

FORCED_MARK = "含未通过校验项"
SIGN_SHEET = "签批"


@dataclass
class SignoffResult:
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)  # kind → file in the folder
    findings: list[Finding] = field(default_factory=list)
    forced: bool = False
    pdf_note: str | None = None  # why there is no PDF (LibreOffice missing or failing)
    name_note: str | None = None  # how the department's name was cleaned for the files' names
    message: object = None  # the EmailMessage

    @property
    def attachments(self) -> list[Path]:
        return [self.files[k] for k in ("xlsx", "pdf", "docx") if k in self.files]


STEM_NAME_MAX = 40  # characters of the department's name in a file name (Windows allows 255 in all)


def _stem(doc) -> tuple[str, str | None]:
    """The files' common name, and a note when the department's name had to be cleaned for it."""
    given = doc.department.name or ""
    name = re.sub(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+', "", given) or "部门"
    note = None
    if len(name) > STEM_NAME_MAX:
        name = name[:STEM_NAME_MAX]
        note = f"部门名称过长，文件名中只用了前 {STEM_NAME_MAX} 个字（材料中的名称不变）。"
    elif name != given.strip() and given.strip():
        note = "部门名称中含有不能用于文件名的字符（如 / \\ : * ? \" < > |、空格或换行），文件名中已去掉（材料中的名称不变）。"
    return f"{name}{doc.year}年度预算绩效自评", note


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# The 签批 sheet: the department's details, then a line to sign and a date for the person who
# filled the forms and for the head of the department (the cells unlocked: a date may be typed)
SIGN_WIDTHS = [18, 34, 8, 24]
SIGNERS = ("填表人签字", "单位负责人签字")
DATE_TEXT = "　　年　　月　　日"
SIGN_ROW_HEIGHT = 45  # points: room for a handwritten signature


def _sign_sheet(doc, counts: dict[str, int], forced: bool) -> tuple[list[list[str]], dict[int, float], dict[str, dict]]:
    """The 签批 sheet's rows, its row heights and the cells to sign on."""
    dept = doc.department
    result = f"错误 {counts['错误']}，警告 {counts['警告']}，提示 {counts['提示']}" + (f"（{FORCED_MARK}）" if forced else "")
    rows = [["签批", "", "", ""],
            ["部门（单位）", dept.name or ""], ["年度", str(doc.year)],
            ["校验结果", result + "，明细见“校验结果”表"],
            ["填表人", dept.filled_by or ""], ["填报日期", dept.filled_on or ""], ["联系电话", dept.phone or ""],
            [""]]
    heights, styles = {}, {}
    line = {"signature_line": True, "unlocked": True}
    for signer in SIGNERS:
        rows.append([signer, "", "日期", DATE_TEXT])
        r = len(rows)
        heights[r] = SIGN_ROW_HEIGHT
        styles[f"B{r}"] = styles[f"D{r}"] = line
    return rows, heights, styles


def _leave_out_filling_hints(patch: WorkbookPatch, contents) -> None:
    """The sign-off copy prints the forms as filed: the guidance for filling them (on 基本信息 and
    beside each form's 调整率) is emptied, found in the cells the check has read already."""
    from ..forms.layout import is_filling_hint
    from ..forms.sheet import a1

    sheets = [place.content for place in getattr(contents, "forms", [])]
    if getattr(contents, "info", None) is not None:
        sheets.append(contents.info)
    for sheet in sheets:
        for (r, c), cell in sheet.cells.items():
            if isinstance(cell.value, str) and is_filling_hint(cell.value):
                patch.clear(sheet.name, a1(r, c))


def signoff(source: str | Path, folder: str | Path, *, force: bool = False, mail_from: str = "",
            mail_to: tuple[str, ...] = ()) -> SignoffResult:
    """Build the sign-off package of workbook ``source`` in the new folder ``folder``."""
    from ..workbook.libreoffice import convert, soffice

    source, folder = Path(source), Path(folder)
    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        raise JixiaoError(f"签批包由工作簿生成（.xlsx 或 .xlsm）：{source}")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise JixiaoError(f"输出文件夹已存在且不为空，请换一个：{folder}")
    addresses(mail_to)  # a mistyped address is said before the package is made, not after
    if mail_from:
        addresses([mail_from], "发件人")
    checked = check_path(source)
    if not checked.readable:
        raise JixiaoError(checked.error)
    doc, findings = checked.doc, checked.findings
    errors = [f for f in findings if f.severity.value == "错误"]
    if errors and not force:
        raise NotReady(f"仍有 {len(errors)} 项错误，不能生成签批包（改正后再试，或用 --force 生成标有“{FORCED_MARK}”的材料）：",
                          [f"{f.rule} {f.form} {f.cell}：{f.message}" for f in errors])
    forced = bool(errors)
    counts = {s: checked.count(s) for s in ("错误", "警告", "提示")}
    result = SignoffResult(folder, findings=findings, forced=forced)
    stem, result.name_note = _stem(doc)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        lock, made = _claim(folder)
    except OSError as e:
        raise write_failure(e, folder) from None
    work = Path(tempfile.mkdtemp(prefix=".signoff-", dir=folder.parent))
    try:
        # 1. The values-only workbook: results and 签批 added to the forms, then rebuilt from the
        # parts that hold values and formatting only (no formulas, VBA, links or connections).
        patch = WorkbookPatch(source)
        for sheet in (OPERATIONS_SHEET, CONF_SHEET):
            patch.remove_sheet(sheet)
        mark(patch, findings, protect=True)
        _leave_out_filling_hints(patch, checked.contents)
        rows, heights, styles = _sign_sheet(doc, counts, forced)
        patch.add_sheet(SIGN_SHEET, rows, SIGN_WIDTHS, {}, protect=True, table=False, landscape=False,
                        heights=heights, cell_styles=styles)
        if forced:
            patch.mark_pages(FORCED_MARK)
        marked = patch.save(work / ".marked.xlsx")
        files = {"xlsx": values_only(marked, work / f"{stem}.xlsx")}
        marked.unlink()
        # 2. The PDF of all forms.
        if soffice() is None:
            result.pdf_note = "未安装 LibreOffice，未生成 PDF；其余材料已生成。"
        else:
            try:
                files["pdf"] = convert(files["xlsx"], "pdf", work)
            except JixiaoError as e:
                result.pdf_note = f"PDF 未能生成：{e}"
        # 3. The report, 4. the data.
        files["docx"] = render_report(doc, work / f"{stem}报告.docx", forced=forced)
        files["data"] = work / f"{stem}.data.yaml"
        save(doc, files["data"])
        # 5. The manifest.
        manifest = {
            "format": "jixiao-signoff/1",
            "jixiao": __version__,
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "source": source.name,
            "department": doc.department.name, "year": doc.year, "scheme": doc.scheme,
            "forced": forced,
            "findings": {"errors": counts["错误"], "warnings": counts["警告"], "infos": counts["提示"]},
            "data_sha256": _sha256(files["data"]),
            "files": [{"name": p.name, "sha256": _sha256(p), "bytes": p.stat().st_size} for p in files.values()],
            "pdf_note": result.pdf_note,
        }
        files["manifest"] = work / "manifest.json"
        files["manifest"].write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        # 6. The e-mail, attachments as in the folder.
        context = mail_context(doc, checked.summaries, findings, forced,
                               [files[k].name for k in ("xlsx", "pdf", "docx") if k in files], manifest["created"])
        message = build_message(context, [files[k] for k in ("xlsx", "pdf", "docx") if k in files], mail_from, mail_to)
        files["eml"] = work / f"{stem}.eml"
        files["eml"].write_bytes(as_bytes(message))
        _move_into(work, folder)
        lock.unlink()
    except BaseException as e:
        shutil.rmtree(work, ignore_errors=True)
        _release(folder, lock, made)
        # A write the system refused is told of the package, not of the working folder inside it
        if isinstance(e, WriteError):
            raise WriteError(folder, e.reason) from None
        if isinstance(e, OSError):
            raise WriteError(folder, write_failure(e, folder).reason) from None
        raise
    result.files = {kind: folder / path.name for kind, path in files.items()}
    result.message = message
    return result


LOCK_NAME = ".jixiao-签批进行中"


def _claim(folder: Path) -> tuple[Path, bool]:
    """The package's folder, claimed for this run alone: made anew, or an empty one given, with a
    lock file created exclusively in it, so that a second run into the same folder refuses
    instead of mixing two packages. Returns the lock and whether the folder was made here."""
    made = False
    try:
        folder.mkdir()
        made = True
    except FileExistsError:
        pass
    lock = folder / LOCK_NAME
    try:
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        raise JixiaoError(f"另一次签批正在写入这个文件夹，请等它完成或换一个文件夹：{folder}") from None
    except NotADirectoryError:
        raise JixiaoError(f"输出文件夹已存在且不为空，请换一个：{folder}") from None
    if any(p.name != LOCK_NAME for p in folder.iterdir()):
        lock.unlink()
        raise JixiaoError(f"输出文件夹已存在且不为空，请换一个：{folder}")
    return lock, made


def _release(folder: Path, lock: Path, made: bool) -> None:
    """A failed run leaves the folder as it found it."""
    with contextlib.suppress(OSError):
        lock.unlink()
    if made:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _move_into(work: Path, folder: Path) -> None:
    """Move the finished files into the claimed folder, then drop the work folder."""
    for path in work.iterdir():
        path.rename(folder / path.name)
    work.rmdir()

