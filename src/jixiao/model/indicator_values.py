"""Read 年度指标值 and 实际完成值 as people write them, and compare a result with its target.

A value reads as one of:
- a **number** with an optional comparator (≥ ≤ = > <, 不低于, 不超过, 达到…以上 …) and unit
  (%, 个, 家, 万元, 亿元 … money scaled to 万元): "≥40家", "不超过30万元", "满意度达90%";
- a **range**: "80%-90%";
- a **date** or deadline: "2024年5月30日前", "2024年12月前";
- a **direction**: "较去年下降", "明显提升" (short texts only), or a number with one
  ("下降4.14万元");
- otherwise **qualitative** ("有序推进", "全年"): never guessed at, only the S rules apply.

Comparison follows the rules catalog: a number with no comparator is a floor (≥), except
under the 成本 categories, where it is a ceiling (≤); a bare number against a % reads as %
and is noted; units that cannot be compared (个 vs 万元) are reported, not compared.
"""

from __future__ import annotations

import calendar
import datetime as dt
import operator
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

GE, LE, EQ, GT, LT = "≥", "≤", "=", ">", "<"

# Comparator words (sorted longest first below, so "大于等于" wins over "大于").
_WORDS = [
    ("大于或等于", GE), ("大于等于", GE), ("不低于", GE), ("不少于", GE), ("不小于", GE), ("至少", GE),
    ("达到", GE), ("达", GE), ("超过", GT), ("大于", GT), ("高于", GT), ("多于", GT),
    ("小于或等于", LE), ("小于等于", LE), ("不超过", LE), ("不高于", LE), ("不多于", LE), ("不大于", LE),
    ("控制在", LE), ("低于", LT), ("少于", LT), ("小于", LT), ("等于", EQ), ("为", EQ),
]
_WORDS.sort(key=lambda w: -len(w[0]))  # the longest match wins: 不超过 before 超过
_SYMBOLS = {"≥": GE, "≤": LE, "=": EQ, ">": GT, "<": LT}
_SUFFIX_OPS = {"及以上": GE, "以上": GE, "及以下": LE, "以下": LE, "以内": LE}
_DOWN = ("下降", "减少", "降低", "压减", "减")
_UP = ("提升", "提高", "增长", "增加", "上升", "增")

# Units: written form → (canonical unit, factor to the canonical unit).
_UNITS = {
    "%": ("%", 1), "万元": ("万元", 1), "元": ("万元", Decimal("0.0001")), "亿元": ("万元", 10000),
    "个月": ("月", 1), "月": ("月", 1), "日": ("天", 1), "天": ("天", 1), "场次": ("场", 1),
    "台（套）": ("台套", 1), "台(套)": ("台套", 1), "台套": ("台套", 1), "平方米": ("㎡", 1), "㎡": ("㎡", 1),
}
for _u in ("个", "家", "人", "人次", "次", "年", "场", "场/期", "期", "块", "册", "条", "份", "件", "台", "套", "项",
           "所", "名", "户", "公里", "km", "吨", "辆", "篇", "批", "起", "小时", "分钟", "处", "座", "栋", "本", "张",
           "幅", "亩", "间", "部", "课时", "学时", "万人", "万人次", "个百分点", "PF", "GB", "MW", "千瓦"):
    _UNITS.setdefault(_u, (_u, 1))

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"\d+(?:\.\d+)?|[零一二两三四五六七八九十百]+"
_UNIT_ALTS = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class Reading:
    """What a target or result says, as far as it can be read."""

    def describe(self) -> str:
        """A short, stable text form: "number ≥ 40 家", "date ≤ 2024-05-30", "qualitative"."""
        if self.kind == "qualitative":
            return "qualitative"
        parts = [self.kind, self.op or ""]
        if self.value is not None:
            parts.append(f"{self.value}" + (f"-{self.high}" if self.high is not None else ""))
        parts += [self.unit or "", self.date.isoformat() if self.date else "", self.direction or ""]
        return " ".join(p for p in parts if p)

    kind: str  # number | range | date | direction | qualitative
    op: str | None = None
    value: Decimal | None = None
    high: Decimal | None = None
    unit: str | None = None  # canonical; None for a bare number
    date: dt.date | None = None
    direction: str | None = None  # "down" | "up"

    @property
    def quantitative(self) -> bool:
        return self.kind in ("number", "range")


QUALITATIVE = Reading("qualitative")


def _clean(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)  # full-width digits, ％, ＞, ＝ … to their plain forms
    s = s.replace("≧", "≥").replace("≦", "≤").replace(">=", "≥").replace("<=", "≤").replace("⩾", "≥").replace("⩽", "≤")
    s = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", s)  # 1,000人
    return re.sub(r"\s+", "", s).rstrip("。.;；")


def _cn_number(text: str) -> Decimal | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return Decimal(text)
    if not text or any(ch not in _CN_DIGITS and ch not in "十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
    return Decimal(total + current)


def _unit(written: str) -> tuple[str | None, Decimal] | None:
    if not written:
        return None, Decimal(1)
    found = _UNITS.get(written)
    return (found[0], Decimal(found[1])) if found else None


def _date(s: str) -> Reading | None:
    m = re.fullmatch(r"(?:在|于)?(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?(底前|之前|以前|前|底|内)?(?:完成|办结|举办)?", s)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return None
    # A month without a day means by the end of that month (the lenient reading).
    day = int(m.group(3)) if m.group(3) else calendar.monthrange(year, month)[1]
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    return Reading("date", op=LE if m.group(4) else None, date=date)


_RANGE = re.compile(rf"^({_NUM})({_UNIT_ALTS})?[-~～—–至到]({_NUM})({_UNIT_ALTS})?$")
_QUANTITY = re.compile(
    rf"^(?P<prefix>.*?)(?P<sym>[≥≤=><])?(?P<num>{_NUM})(?P<unit>{_UNIT_ALTS})?(?P<suffix>及以上|以上|及以下|以下|以内|左右)?$")


def read_value(text: object) -> Reading:
    """What ``text`` (a 年度指标值 or 实际完成值) says; QUALITATIVE when it cannot be read."""
    if not isinstance(text, str):
        return QUALITATIVE
    return _read_text(text)


@lru_cache(maxsize=16384)  # the same texts recur across projects and departments
def _read_text(text: str) -> Reading:
    s = _clean(text)
    if not s:
        return QUALITATIVE
    date = _date(s)
    if date:
        return date
    m = _RANGE.match(s)
    if m:
        low, high = _cn_number(m.group(1)), _cn_number(m.group(3))
        unit = _unit(m.group(4) or m.group(2) or "")
        if low is not None and high is not None and unit is not None and low <= high:
            return Reading("range", value=low * unit[1], high=high * unit[1], unit=unit[0])
    m = _QUANTITY.match(s)
    if m:
        reading = _quantity(m)
        if reading:
            return reading
    if len(s) <= 12:  # a short phrase with a direction word: "较去年下降", "明显提升"
        direction = _direction(s)
        if direction:
            return Reading("direction", direction=direction)
    return QUALITATIVE


def _direction(s: str) -> str | None:
    if any(w in s for w in _DOWN):
        return "down"
    if any(w in s for w in _UP):
        return "up"
    return None


def _quantity(m: re.Match) -> Reading | None:
    prefix, sym, suffix = m.group("prefix"), m.group("sym"), m.group("suffix")
    value = _cn_number(m.group("num"))
    unit = _unit(m.group("unit") or "")
    if value is None or unit is None:
        return None
    op = _SYMBOLS.get(sym) if sym else None
    direction = None
    if prefix:
        if op is not None:
            return None  # text before a symbol: not a plain value
        word = next(((w, o) for w, o in _WORDS if prefix.endswith(w)), None)
        if word:
            op = word[1]
        else:
            direction = _direction(prefix[-4:])
            if direction is None:
                return None  # "实际产生费用4.8万元" could mean anything: qualitative
    if suffix in _SUFFIX_OPS:
        op = op or _SUFFIX_OPS[suffix]
    return Reading("number", op=op, value=value * unit[1], unit=unit[0], direction=direction)


# --- comparing a result with its target -----------------------------------------------------


class Comparison(NamedTuple):  # one per indicator row of every check: kept light
    met: bool | None  # None: cannot tell (qualitative, or units that do not compare)
    op: str | None = None  # the target's comparator after the floor/ceiling default
    target: Decimal | None = None
    actual: Decimal | None = None
    units_clash: tuple[str, str] | None = None  # (target unit, result unit) that cannot be compared
    read_as_percent: bool = False  # a bare number against a %, read as %


def _units(target: Reading, actual: Reading) -> tuple[bool, bool]:
    """(comparable, read a bare number as %)."""
    if target.unit == actual.unit:
        return True, False
    if target.unit is None or actual.unit is None:
        return True, "%" in (target.unit, actual.unit)
    return False, False


_HOLDS = {GE: operator.ge, GT: operator.gt, LE: operator.le, LT: operator.lt, EQ: operator.eq}  # result op target


def compare(target: Reading, actual: Reading, ceiling: bool = False) -> Comparison:
    """Is the target met? ``ceiling``: a bare target number is a ceiling (the 成本 categories)."""
    if target.kind == "number" and actual.kind == "number" and target.unit == actual.unit:
        # the commonest row, decided at once: the general path below gives the same
        op = target.op or (LE if ceiling else GE)
        t, a = target.value, actual.value
        return Comparison(_HOLDS[op](a, t), op, t, a, None, False)
    if target.kind == "date" and actual.kind == "date":
        return Comparison(met=actual.date <= target.date)
    if target.kind == "direction":
        if actual.direction is None:
            return Comparison(met=None)
        return Comparison(met=actual.direction == target.direction)
    if not (target.quantitative and actual.kind == "number"):
        return Comparison(met=None)
    comparable, as_percent = _units(target, actual)
    if not comparable:
        return Comparison(met=None, units_clash=(target.unit or "", actual.unit or ""))
    a = actual.value
    if target.kind == "range":
        met = target.value <= a <= target.high
        op = GE if a < target.value else LE
        bound = target.value if a < target.value else target.high
        return Comparison(met=met, op=op, target=bound, actual=a, read_as_percent=as_percent)
    op = target.op or (LE if ceiling else GE)
    t = target.value
    return Comparison(_HOLDS[op](a, t), op, t, a, None, as_percent)  # positionally: the commonest end, every row
