"""Check a file: read it (workbook or data file), run every rule, summarise each form.

This is the one place `check` touches files; the rules themselves only see the model. A file
that cannot be read becomes a result with the reason, so a batch goes on with the others.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .collector import collector_paused
from .errors import JixiaoError
from .model.document import Document, get_path, set_path
from .rules import Finding, FormSummary, Settings, run_rules, summarize
from .rules.context import Context
from .rules.settings import DEFAULT_SETTINGS
from .sources import DOCUMENT_SUFFIXES, FORM_SUFFIXES

DATA_SUFFIXES = (".yaml", ".yml", ".json")
SUFFIXES = FORM_SUFFIXES + DATA_SUFFIXES  # every file check reads


def expand(paths: list[Path]) -> list[Path]:
    """The files to check: given files, and every entry below given folders named as a workbook or
    data file, whatever it is (sorted; Excel's ~$ lock files and hidden files left out). A pipe, a
    link to nothing or an unreadable file is an entry too: it gets its row, 无法读取 with the reason.
    Links to folders are not followed (one could loop)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = []
            for folder, dirs, names in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                skip = _package_internals(Path(folder), names)
                found += [Path(folder, n) for n in names if Path(n).suffix.lower() in SUFFIXES
                          and not n.startswith(("~$", ".")) and n not in skip and not Path(folder, n).is_dir()]
            out.extend(sorted(found))
        else:
            out.append(path)
    return out


def _package_internals(folder: Path, names: list[str]) -> set[str]:
    """In a sign-off package's folder, the files that are not a department to check: its
    manifest and its data file (the package's workbook copy stands for the department)."""
    if "manifest.json" not in names:
        return set()
    import json

    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(manifest, dict) or manifest.get("format") != "jixiao-signoff/1":
        return set()
    listed = {f.get("name") for f in manifest.get("files", []) if isinstance(f, dict)}
    return {"manifest.json"} | {n for n in listed if isinstance(n, str) and not n.endswith((".xlsx", ".xlsm"))}


@dataclass
class CheckResult:
    path: Path
    source: str  # "workbook" | "document" | "data"
    doc: Document | None = None
    findings: list[Finding] = field(default_factory=list)
    summaries: list[FormSummary] = field(default_factory=list)
    error: str | None = None  # why the file could not be read
    contents: object = None  # the workbook's BookContents (for annotation)
    unplaced: list[str] = field(default_factory=list)  # what reading a form by its labels could not place
    context: Context | None = None  # what the rules saw: the document as shown, its derived values

    @property
    def readable(self) -> bool:
        return self.error is None

    @cached_property
    def doc_context(self) -> Context:
        """``doc``'s derived values: the rules' context when they saw ``doc`` itself (no formula was
        typed over), else made anew, so they are computed once for the summary and batch rows."""
        if self.context is not None and self.context.doc is self.doc:
            return self.context
        return Context(self.doc)

    def count(self, severity: str) -> int:
        return sum(f.severity.value == severity for f in self.findings)


def _with_shown_values(contents) -> Document:
    """The document as the sheet shows it: a derived cell whose formula was altered is checked on
    the value it shows (a typed value is already in the document as stated)."""
    doc = contents.doc
    altered = [s for s in contents.formula_states if s.formula is not None and s.value is not None]
    if not altered:
        return doc
    doc = copy.deepcopy(doc)
    for state in altered:
        try:
            get_path(doc, state.path)
        except (AttributeError, IndexError):
            continue  # a sheet-only cell (调整额, 分值合计): nothing to overlay
        set_path(doc, state.path, state.value)
    return doc


def check_contents(contents, settings: Settings = DEFAULT_SETTINGS, *,
                   formulas_read: bool = True) -> tuple[list[Finding], Context]:
    """The findings of a workbook's contents, checked on the values its cells show, and the rules'
    context. ``formulas_read=False`` for a source that sends values only (the Excel buttons):
    whether a formula was typed over (F06) is then not known and not judged."""
    checked = _with_shown_values(contents) if formulas_read else contents.doc
    states = list(contents.formula_states) if formulas_read else []
    context = Context(checked, settings, states)
    return run_rules(checked, settings, contents.locations, states, context=context), context


def check_path(path: str | Path, settings: Settings = DEFAULT_SETTINGS) -> CheckResult:
    with collector_paused():
        return _check_path(Path(path), settings)


def _check_path(path: Path, settings: Settings) -> CheckResult:
    suffix = path.suffix.lower()
    source = "data" if suffix in DATA_SUFFIXES else ("document" if suffix in DOCUMENT_SUFFIXES else "workbook")
    result = CheckResult(path, source)
    try:
        if suffix in FORM_SUFFIXES:
            from .sources import read_source

            contents = read_source(path)
            result.contents = contents
            result.doc = contents.doc
            result.unplaced = contents.unplaced
            # jixiao's sign-off copy holds values where formulas were: judged on its values, as sent;
            # a form read by its labels has no formulas of jixiao's to judge
            formulas_read = not (contents.values_only or contents.by_labels)
            result.findings, result.context = check_contents(contents, settings, formulas_read=formulas_read)
        elif suffix in DATA_SUFFIXES:
            from .model.dataformat import load

            result.doc = load(path)
            result.context = Context(result.doc, settings)
            result.findings = run_rules(result.doc, settings, context=result.context)
        else:
            raise JixiaoError(f"不支持的文件类型“{suffix or '（无扩展名）'}”：只能检查 {'、'.join(SUFFIXES)}：{path}")
    except JixiaoError as e:
        result.error = str(e)
        return result
    result.summaries = summarize(result.doc, result.findings, result.doc_context)
    return result


JSON_FORMAT = "jixiao-check/1"


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def to_json(results: list[CheckResult]) -> dict:
    """The stable machine form of check results (schema ``jixiao-check/1``, see README)."""
    files = []
    for r in results:
        files.append({
            "path": str(r.path),
            "source": r.source,
            "readable": r.readable,
            "error": r.error,
            "department": r.doc.department.name if r.doc else None,
            "year": r.doc.year if r.doc else None,
            "scheme": r.doc.scheme if r.doc else None,
            "unplaced": list(r.unplaced),
            "forms": [{"form": s.form, "total_score": _number(s.total_score), "grade": s.grade,
                       "errors": s.errors, "warnings": s.warnings, "infos": s.infos} for s in r.summaries],
            "findings": [{"rule": f.rule, "severity": f.severity.value, "form": f.form, "sheet": f.sheet,
                          "cell": f.cell, "path": f.path, "message": f.message, "expected": f.expected}
                         for f in r.findings],
        })
    return {
        "format": JSON_FORMAT,
        "files": files,
        "totals": {
            "files": len(results),
            "unreadable": sum(not r.readable for r in results),
            "errors": sum(r.count("错误") for r in results),
            "warnings": sum(r.count("警告") for r in results),
            "infos": sum(r.count("提示") for r in results),
        },
    }


def exit_code(results: list[CheckResult]) -> int:
    """2 if any file could not be read, else 1 if any 错误, else 0."""
    if any(not r.readable for r in results):
        return 2
    return 1 if any(r.count("错误") for r in results) else 0
