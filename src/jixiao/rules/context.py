"""What a rule sees: the document, its scheme, the settings, and each form's derived values.

A rule never opens a file. Workbook-only facts (which derived cells hold the wrong formula or a
typed value) arrive here as data, from the workbook reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from ..forms.formulas import FormulaState
from ..model.derive import Slots, derive_basic, derive_computed, derive_overall, derive_project, shown_row
from ..model.document import Document, FundRow, Indicator, Overall, Project, get_path, is_placeholder
from ..model.indicator_values import Comparison, compare, read_value
from ..model.schemes import Scheme, load_scheme
from .catalog import Hit, Severity
from .common import num
from .settings import DEFAULT_SETTINGS, Settings


@dataclass
class ScoredForm:
    """附件2 or a project form: the parts the funds, execution and score rules share."""

    prefix: str  # "overall" or "projects[3]"
    form: Overall | Project
    slots: Slots
    total_path: str  # path of the 年度资金总额 row: "overall.funds" or "projects[3].funds.total"
    total: FundRow  # that row as shown (typed values where typed, sums otherwise)

    def path(self, rest: str) -> str:
        return f"{self.prefix}.{rest}"

    @cached_property
    def rows(self) -> list[tuple[int, Indicator]]:
        """(index, indicator) of the rows that hold an indicator (placeholders left out)."""
        return [(j, ind) for j, ind in enumerate(self.form.indicators) if not is_placeholder(ind)]

    @property
    def execution_rate(self) -> Decimal | None:
        """全年执行数 ÷ 全年预算数, from the amounts (not the stated rate): the formula's value."""
        return num(self.slots["execution.rate"].formula)


@dataclass
class Context:
    doc: Document
    settings: Settings = DEFAULT_SETTINGS
    formula_states: list[FormulaState] = field(default_factory=list)

    @cached_property
    def scheme(self) -> Scheme:
        return load_scheme(self.doc.scheme)

    @cached_property
    def basic_slots(self) -> Slots | None:
        return derive_basic(self.doc.basic_data) if self.doc.basic_data is not None else None

    @cached_property
    def scored_forms(self) -> list[ScoredForm]:
        forms = []
        if self.doc.overall is not None:
            o = self.doc.overall
            forms.append(ScoredForm("overall", o, derive_overall(o), "overall.funds", o.funds))
        for i, p in enumerate(self.doc.projects):
            slots = derive_project(p)
            total = shown_row(slots, "funds.total")
            forms.append(ScoredForm(f"projects[{i}]", p, slots, f"projects[{i}].funds.total", total))
        return forms

    @cached_property
    def indicator_rows(self) -> list[tuple[str, int, Indicator]]:
        """(form prefix, row index, indicator) of every indicator row of every scored form."""
        return [(form.prefix, j, ind) for form in self.scored_forms for j, ind in form.rows]

    @cached_property
    def comparisons(self) -> list[tuple[str, int, Indicator, Comparison]]:
        """(path of the table, row index, indicator, target against result) for every indicator
        row, read once (a row's path is spelt only for the rows a rule speaks of)."""
        ceilings = set(self.scheme.ceiling_categories)
        out = []
        for form in self.scored_forms:
            rows_at = form.prefix + ".indicators"
            for j, ind in form.rows:
                ceiling = ind.level1 in ceilings or ind.level2 in ceilings
                out.append((rows_at, j, ind, compare(read_value(ind.target), read_value(ind.actual), ceiling)))
        return out

    @cached_property
    def projects(self) -> list[tuple[int, Project, ScoredForm]]:
        """(index, project, its scored form) of every project."""
        return [(int(form.prefix[9:-1]), form.form, form) for form in self.scored_forms
                if form.prefix.startswith("projects[")]

    @cached_property
    def _computed_slots(self) -> dict[str, Slots]:
        return {}

    def computed_slot(self, path: str) -> tuple[Slots | None, str]:
        """(the derived values of the form ``path`` is on with every derived cell restored to its
        formula — what the right formulas yield (F06) —, the slot's key within them)."""
        prefix, _, key = path.partition(".")
        cache = self._computed_slots
        if prefix not in cache:
            try:
                block = get_path(self.doc, prefix)
            except (AttributeError, IndexError):
                block = None
            cache[prefix] = derive_computed(block) if block is not None else None
        return cache[prefix], key

    def basic_rate(self, path: str) -> Decimal | None:
        """A 附件1 rate as its formula computes it (控制率, a building's rates), or None."""
        return num(self.basic_slots[path].formula) if self.basic_slots is not None else None

    @property
    def tolerance(self) -> Decimal:
        return self.settings.amount_tolerance

    @staticmethod
    def hit(path: str, message: str, expected: object = None, severity: Severity | None = None) -> Hit:
        """A finding at ``path``. ``expected`` only on 错误 and 警告 (a 提示 proposes in its
        message); ``severity`` only where one case of the rule is milder than the rule."""
        return Hit(path, message, None if expected is None else str(expected), severity)
