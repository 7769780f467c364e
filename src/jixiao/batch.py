"""Check many files at once (a finance bureau's folder of departments), in parallel.

Each file is checked in a worker process and comes back as plain rows — one department row,
one row per project, one per finding — so results are small to send between processes and go
straight into a pandas table. A file that cannot be read, or that crashes its worker, becomes a
department row marked unreadable with the reason; the batch goes on.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .checking import check_path
from .collector import collector_paused
from .report.findings import SEVERITY_ORDER
from .rules import form_of
from .rules.catalog import Severity



@dataclass
class FileRecord:
    path: str
    department: dict
    projects: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, Decimal) else None


def _metrics(initial: object, full: object, executed: object) -> dict:
    def ratio(a, b):
        return float(a / b) if isinstance(a, Decimal) and isinstance(b, Decimal) and b != 0 else None

    adjustment = full - initial if isinstance(full, Decimal) and isinstance(initial, Decimal) else None
    return {"年初预算数": _number(initial), "全年预算数": _number(full), "全年执行数": _number(executed),
            "执行率": ratio(executed, full), "年初口径执行率": ratio(executed, initial),
            "调整率": ratio(adjustment, initial)}


_SEVERITIES = {s: s.value for s in Severity}  # an Enum's .value is a slow property: looked up once


def _counts(findings) -> dict:
    found = Counter(f.severity for f in findings)
    return {text: found.get(s, 0) for s, text in _SEVERITIES.items()}


def check_file(path: str) -> FileRecord:
    """One file as rows (runs in a worker; never raises)."""
    try:
        # Paused until the file's objects are gone, not just its check (see ``collector_paused``).
        with collector_paused():
            return _check_file(path)
    except OSError as e:  # the system refused the file (permissions, a disk error)
        from .files import os_failure

        return _unreadable(path, str(os_failure(e)))
    except Exception as e:  # a bug or a hostile file must not stop the batch
        return _unreadable(path, f"处理此文件时程序出错（{type(e).__name__}: {e}）；其余文件不受影响，请把该文件反馈给 jixiao 的开发者")


def _unreadable(path: str, reason: str) -> FileRecord:
    return FileRecord(path, {"部门": None, "年度": None, "状态": "无法读取", "原因": reason, "文件": path})


# What a file is, in the order a department's files are preferred when a folder holds several
KINDS = ("工作簿", "签批副本", "标注副本", "数据文件")


def _kind(result) -> str:
    contents = result.contents
    if contents is None:
        return "数据文件"
    return "签批副本" if contents.values_only else "标注副本" if contents.annotated else "工作簿"


def one_per_department(records: list[FileRecord]) -> list[FileRecord]:
    """A folder read as departments: of the files of one department and year (its workbook, the
    annotated copy, the sign-off copy, a data file), the one most like what it filed is kept, in
    its place, and names the others; files that could not be read all stay."""
    best: dict[tuple, FileRecord] = {}
    others: dict[tuple, list[str]] = {}
    for r in records:
        d = r.department
        if d["状态"] != "已检查" or not d["部门"]:
            continue
        key = (d["部门"], d["年度"])
        kept = best.get(key)
        if kept is None or KINDS.index(d["来源"]) < KINDS.index(kept.department["来源"]):
            if kept is not None:
                others.setdefault(key, []).append(kept.path)
            best[key] = r
        else:
            others.setdefault(key, []).append(r.path)
    out = []
    for r in records:
        d = r.department
        key = (d["部门"], d["年度"])
        if d["状态"] == "已检查" and d["部门"]:
            if best.get(key) is not r:
                continue
            if key in others:
                d["同一部门的其他文件"] = "；".join(sorted(others[key]))
        out.append(r)
    return out


def _check_file(path: str) -> FileRecord:
    result = check_path(path)
    if not result.readable:
        return _unreadable(path, result.error)
    doc, findings = result.doc, result.findings
    ctx = result.doc_context
    by_form = {s.form: s for s in result.summaries}
    dept_name = doc.department.name
    forms = {f.prefix: f for f in ctx.scored_forms}
    if "overall" in forms:
        o = forms["overall"]
        money = _metrics(o.total.initial, o.total.full_year, o.total.executed)
        summary = by_form.get("附件2")
        total, grade = (summary.total_score, summary.grade) if summary else (None, None)
    else:  # a project-only file: the department's figures are the projects' sums
        sums = [sum((getattr(f.total, c) for f in forms.values() if isinstance(getattr(f.total, c), Decimal)), Decimal(0))
                for c in ("initial", "full_year", "executed")]
        money = _metrics(*sums)
        total, grade = None, None
    department = {"部门": dept_name, "年度": doc.year, "状态": "已检查", "原因": None, **money,
                  "总分": _number(total), "等级": grade, **_counts(findings), "项目数": len(doc.projects), "文件": path,
                  "来源": _kind(result)}
    by_project: dict[int, list] = {}
    for f in findings:
        if f.location.item is not None:
            by_project.setdefault(f.location.item, []).append(f)
    projects = []
    for i, p in enumerate(doc.projects):
        form = forms[f"projects[{i}]"]
        name = form_of(doc, f"projects[{i}]")
        summary = by_form.get(name)
        mine = by_project.get(i, [])
        projects.append({"部门": dept_name, "项目": name, "项目编码": p.code,
                         **_metrics(form.total.initial, form.total.full_year, form.total.executed),
                         "总分": _number(summary.total_score) if summary else None,
                         "等级": summary.grade if summary else None, **_counts(mine), "文件": path})
    rows = [{"部门": dept_name, "表单": f.form, "严重程度": _SEVERITIES[f.severity], "规则": f.rule, "单元格": f.cell,
             "说明": f.message, "应为": f.shown_expected, "文件": path} for f in findings]
    return FileRecord(path, department, projects, rows)


FILE_TIMEOUT = 60.0  # seconds one file may take in a worker before it is given up
WORKER_MEMORY = 2 * 1024 ** 3  # address space a worker may use (POSIX): a file past it fails alone


def run_batch(paths: list[Path], jobs: int | None = None, progress=None,
              timeout: float = FILE_TIMEOUT) -> list[FileRecord]:
    """Check ``paths`` in order. One file is checked here; more go to ``jobs`` worker processes
    (default: the number of cores), each file bounded in time (``timeout``) and, where the system
    allows, in memory: a file that overruns, or whose worker dies, becomes a row 无法读取 with the
    reason, and the batch goes on."""
    files = [str(p) for p in paths]
    if len(files) <= 1:
        records = [check_file(f) for f in files]
        if progress and files:
            progress(1, 1)
        return records
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(files)))
    return _Pool(jobs, timeout).run(files, progress)


def _worker(conn, memory: int | None) -> None:
    """A worker: check each path it is sent, send back its record; stop on None."""
    if memory and sys.platform != "win32":
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    while True:
        task = conn.recv()
        if task is None:
            return
        index, path = task
        try:
            record = check_file(path)
        except MemoryError:
            record = _unreadable(path, "内存不足：文件过大或过于复杂（超过每个文件的内存上限）")
        conn.send((index, record))


class _Pool:
    """Worker processes fed one file at a time (a check takes tens of milliseconds; larger chunks
    would leave a worker idle at the end), watched so that a file costs only itself."""

    def __init__(self, jobs: int, timeout: float):
        import multiprocessing

        self.context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self.jobs, self.timeout = jobs, timeout
        self.workers: list[list] = []  # [process, connection, (index, path) or None, started]

    def _start(self) -> list:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker, args=(child, WORKER_MEMORY), daemon=True)
        process.start()
        child.close()
        return [process, parent, None, 0.0]

    def _retire(self, worker: list) -> None:
        process, conn = worker[0], worker[1]
        if process.is_alive():
            process.kill()
        process.join()
        conn.close()

    def run(self, files: list[str], progress) -> list[FileRecord]:
        import time
        from multiprocessing.connection import wait

        records: list[FileRecord | None] = [None] * len(files)
        pending = list(enumerate(files))[::-1]
        done = 0
        self.workers = [self._start() for _ in range(self.jobs)]
        try:
            while done < len(files):
                for i, worker in enumerate(self.workers):
                    if worker[2] is None and pending:
                        task = pending.pop()
                        try:
                            worker[1].send(task)
                        except OSError:  # it died while idle: a new one takes the file
                            self._retire(worker)
                            worker = self.workers[i] = self._start()
                            worker[1].send(task)
                        worker[2], worker[3] = task, time.monotonic()
                busy = [w for w in self.workers if w[2] is not None]
                now = time.monotonic()
                left = min(w[3] + self.timeout for w in busy) - now
                ready = wait([w[1] for w in busy] + [w[0].sentinel for w in busy], timeout=max(left, 0))
                for i, worker in enumerate(self.workers):
                    if worker[2] is None:
                        continue
                    index, path = worker[2]
                    record, retire = None, False
                    if worker[1] in ready:
                        try:
                            _, record = worker[1].recv()
                        except (EOFError, OSError):
                            record = None
                    if record is None and (worker[0].sentinel in ready or worker[1] in ready):
                        code = worker[0].exitcode
                        why = "可能内存不足被系统终止" if code in (-9, 137) else f"退出码 {code}"
                        record, retire = _unreadable(path, f"检查该文件的进程意外退出（{why}）；其余文件不受影响"), True
                    elif record is None and time.monotonic() - worker[3] >= self.timeout:
                        record, retire = _unreadable(path, f"超时：超过 {self.timeout:g} 秒仍未读完，已放弃"), True
                    if record is None:
                        continue
                    records[index] = record
                    done += 1
                    worker[2] = None
                    if progress:
                        progress(done, len(files))
                    if retire or not worker[0].is_alive():
                        self._retire(worker)
                        self.workers[i] = self._start()
        finally:
            for worker in self.workers:
                try:
                    worker[1].send(None)  # done: each idle worker stops by itself
                except OSError:
                    pass
                worker[0].join(5)
                self._retire(worker)
        return [r for r in records if r is not None]


def terminal_progress(done: int, total: int) -> None:
    """A progress line on stderr when it is a terminal (quiet otherwise)."""
    if not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r检查中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


MONEY = ["年初预算数", "全年预算数", "全年执行数", "执行率", "年初口径执行率", "调整率"]
COUNTS = ["错误", "警告", "提示"]
COLUMNS = {
    "部门": ["部门", "年度", "状态", *MONEY, "总分", "等级", *COUNTS, "项目数", "原因", "文件", "来源", "同一部门的其他文件"],
    "项目": ["部门", "项目", "项目编码", *MONEY, "总分", "等级", *COUNTS, "文件"],
    "发现": ["部门", "表单", "严重程度", "规则", "单元格", "说明", "应为", "文件"],
}
INTEGERS = ["年度", *COUNTS, "项目数"]


def _frame(rows: list[dict], level: str):
    import pandas as pd

    frame = pd.DataFrame(rows, columns=COLUMNS[level])
    for column in INTEGERS:
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    return frame


def tables(records: list[FileRecord]):
    """The three levels as pandas DataFrames, worst first: 部门, 项目, 发现."""
    departments = _frame([r.department for r in records], "部门")
    projects = _frame([p for r in records for p in r.projects], "项目")
    findings = _frame([f for r in records for f in r.findings], "发现")
    if not departments.empty:
        departments["_unreadable"] = departments["状态"].eq("无法读取")
        departments = departments.sort_values(["_unreadable", "错误", "警告", "文件"], ascending=[False, False, False, True],
                                              na_position="last", kind="stable").drop(columns="_unreadable")
    if not projects.empty:
        projects = projects.sort_values(["错误", "警告", "总分", "文件"], ascending=[False, False, True, True],
                                        na_position="last", kind="stable")
    if not findings.empty:
        findings = findings.assign(_rank=findings["严重程度"].map(SEVERITY_ORDER)).sort_values(
            ["_rank", "文件", "规则"], kind="stable").drop(columns="_rank")
    return {"部门": departments.reset_index(drop=True), "项目": projects.reset_index(drop=True),
            "发现": findings.reset_index(drop=True)}


def write_summary(records: list[FileRecord], path: str | Path, when: str | None = None) -> Path:
    """The summary workbook (概览, 部门, 项目, 发现; see ``report.summary``)."""
    from datetime import datetime

    from .report.summary import write_summary as write

    return write(tables(records), path, when or datetime.now().strftime("%Y-%m-%d %H:%M"))


def summary_json(records: list[FileRecord]) -> dict:
    """The summary as JSON (schema jixiao-summary/1): the three levels as lists of rows."""
    def clean(frame):
        return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")

    levels = tables(records)
    return {"format": "jixiao-summary/1", **{name: clean(frame) for name, frame in levels.items()}}
