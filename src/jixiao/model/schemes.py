"""Indicator schemes (指标体系) as data: each is a YAML file shipped in ``jixiao/data/schemes``.

A scheme names its 一级指标 with weights and their 二级指标, the execution weight, the order of
the 项目资金 rows, the categories where a bare number is a ceiling, and the grade bands. A
province with other weights adds a file; no code changes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..errors import JixiaoError

FUND_ROW_KEYS = ("current", "carryover", "other", "total")


@dataclass(frozen=True)
class Level1:
    name: str
    weight: Decimal
    level2: tuple[str, ...]


@dataclass(frozen=True)
class Grade:
    name: str
    minimum: Decimal


@dataclass(frozen=True)
class Scheme:
    id: str
    title: str
    execution_weight: Decimal
    level1: tuple[Level1, ...]
    fund_rows: tuple[str, ...]
    ceiling_categories: tuple[str, ...]
    cost_indicator: tuple[str, str] | None  # (一级, 二级) of the cost indicator a form must have
    grades: tuple[Grade, ...]
    scoring: str

    def level1_named(self, name: str | None) -> Level1 | None:
        for l1 in self.level1:
            if l1.name == name:
                return l1
        return None

    def categories(self) -> list[tuple[str, str]]:
        """Every (一级, 二级) pair in form order."""
        return [(l1.name, l2) for l1 in self.level1 for l2 in l1.level2]

    def grade(self, score: Decimal) -> str:
        for g in self.grades:
            if score >= g.minimum:
                return g.name
        return self.grades[-1].name


def _schemes_dir() -> Path:
    # Beside the package's modules (importlib.resources would cost every start-up 5 ms; jixiao
    # is never run from a zip)
    return Path(__file__).resolve().parents[1] / "data" / "schemes"


def scheme_ids() -> list[str]:
    return sorted(p.name[: -len(".yaml")] for p in _schemes_dir().iterdir() if p.name.endswith(".yaml"))


def _parsed(path: Path) -> dict:
    """The scheme file's YAML, parsed. Every start-up reads a scheme, and importing PyYAML costs
    more than the rest of reading it: as Python does for modules, the parse is kept beside the
    file (``__pycache__/<id>.<python>.marshal``, tagged with the file's size and time) and used
    while those match; where the folder is read-only it is simply parsed each time."""
    import marshal  # built in: nothing to import, unlike json

    stat = path.stat()
    stamp = (stat.st_size, stat.st_mtime_ns)
    cache = path.parent / "__pycache__" / f"{path.stem}.{sys.implementation.cache_tag}.marshal"
    try:
        kept_stamp, raw = marshal.loads(cache.read_bytes())
        if kept_stamp == stamp and isinstance(raw, dict):
            return raw
    except (OSError, ValueError, EOFError, TypeError):
        pass
    import yaml

    # libyaml's loader where the wheel has it
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    try:
        cache.parent.mkdir(exist_ok=True)
        from ..files import write_bytes

        write_bytes(cache, marshal.dumps((stamp, raw)))
    except (OSError, ValueError, JixiaoError):  # a read-only installation: parsed again next time
        pass
    return raw


@lru_cache(maxsize=None)
def load_scheme(scheme_id: str) -> Scheme:
    """The scheme of that name, or a JixiaoError listing the known ones."""
    path = _schemes_dir().joinpath(f"{scheme_id}.yaml")
    if not path.is_file():
        raise JixiaoError(f"未知的指标体系“{scheme_id}”；可用的有：{'、'.join(scheme_ids())}")
    raw = _parsed(path)
    fund_rows = tuple(raw["fund_rows"])
    if sorted(fund_rows) != sorted(FUND_ROW_KEYS):
        raise JixiaoError(f"指标体系文件 {scheme_id}.yaml 的 fund_rows 必须恰好列出 {FUND_ROW_KEYS}")
    scheme = Scheme(
        id=scheme_id,
        title=raw["title"],
        execution_weight=Decimal(str(raw["execution_weight"])),
        level1=tuple(
            Level1(name=l1["name"], weight=Decimal(str(l1["weight"])), level2=tuple(l1["level2"]))
            for l1 in raw["level1"]
        ),
        fund_rows=fund_rows,
        ceiling_categories=tuple(raw.get("ceiling_categories", ())),
        cost_indicator=tuple(raw["cost_indicator"]) if raw.get("cost_indicator") else None,
        grades=tuple(Grade(g["name"], Decimal(str(g["min"]))) for g in raw["grades"]),
        scoring=raw.get("scoring", "proportional"),
    )
    total = scheme.execution_weight + sum(l1.weight for l1 in scheme.level1)
    if total != 100:
        raise JixiaoError(f"指标体系文件 {scheme_id}.yaml 的分值合计为 {total}，应为 100")
    return scheme
