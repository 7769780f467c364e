"""The rule catalog: every rule registered once, with its stable ID, severity and title.

A rule is a small generator function ``rule(ctx) -> Iterator[Hit]``; its docstring starts with
its ID. ``@rule("M01", ERROR, "…")`` registers it. The engine turns each Hit into a Finding
(form, cell, severity). IDs are stable: a retired rule keeps its ID unused.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "错误"  # 强制性审核: blocks sign-off
    WARNING = "警告"  # 提示性审核: needs an explanation
    INFO = "提示"  # a hint

    @property
    def rank(self) -> int:
        """0 for the worst."""
        return _RANKS[self.value]


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
_RANKS = {"错误": 0, "警告": 1, "提示": 2}


class Hit(namedtuple("Hit", "path message expected severity", defaults=(None, None))):
    """What a rule found, before the engine places it: the field ``path`` and the ``message``,
    and what the cell should hold where that is known (``expected``). (A named tuple: a big
    department's check makes thousands.) ``severity`` is set only where the catalog gives one
    case of a rule a milder severity (I04's % case, X05's short name)."""

    __slots__ = ()


# "projects[3].indicators[2].score" → prefix projects[3], item 3, row (indicators, 2)
_PATH_PARTS = re.compile(r"^((?:projects\[(\d+)\])|[a-z_]+)(?:\.(?:[a-z_]+\.)*([a-z_]+)\[(\d+)\])?")


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding points, made once where it is placed: the form (附件1, 附件2, the project's
    name, 基本信息), the data path, and when checked from a workbook its sheet and A1 cell."""

    form: str
    path: str
    sheet: str | None = None
    cell: str | None = None
    prefix: str = ""  # the form's block in the data: "overall", "projects[3]", "basic_data", "department"
    item: int | None = None  # the project's index, on a project form
    row: tuple[str, int] | None = None  # (table, index) for a field of a table row: ("indicators", 2)

    @classmethod
    def of(cls, form: str, path: str, sheet: str | None = None, cell: str | None = None) -> "Location":
        """The location of ``path``, its parts read from it once, here."""
        m = _PATH_PARTS.match(path)
        item = int(m.group(2)) if m.group(2) is not None else None
        row = (m.group(3), int(m.group(4))) if m.group(3) else None
        return cls(form, path, sheet, cell, m.group(1), item, row)

    @property
    def place(self) -> str:
        """As a person reads it: 附件2!I5 in a workbook, the data path in a data file."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.cell or self.path


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding, as reported."""

    rule: str
    severity: Severity
    location: Location
    message: str
    expected: str | None = None

    @property
    def form(self) -> str:
        return self.location.form

    @property
    def path(self) -> str:
        """The data path, whatever the source (for machines: JSON, annotation)."""
        return self.location.path

    @property
    def sheet(self) -> str | None:
        return self.location.sheet

    @property
    def cell(self) -> str:
        """A1 on the form's sheet, or the data path when there is no sheet."""
        return self.location.cell or self.location.path

    @property
    def shown_expected(self) -> str | None:
        """The expected value as a person is shown it (the 应为 of every output): only where the
        message does not already state it."""
        e = self.expected
        return e if e is not None and e not in self.message.replace("−", "-") else None


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    check: Callable[..., Iterator[Hit]]


CATALOG: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, title: str):
    """Register a rule function under ``rule_id`` (once; its docstring must start with the ID)."""

    def register(fn):
        if rule_id in CATALOG:
            raise ValueError(f"rule {rule_id} is registered twice")
        if not (fn.__doc__ or "").startswith(rule_id):
            raise ValueError(f"the docstring of rule {rule_id} must start with its ID")
        CATALOG[rule_id] = Rule(rule_id, severity, title, fn)
        return fn

    return register
