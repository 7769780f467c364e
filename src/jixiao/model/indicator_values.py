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

import datetime as dt
import operator
import re
import unicodedata
from collections import namedtuple
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

GE, LE, EQ, GT, LT = "≥", "≤", "=", ">", "<"
BOUNDS = frozenset((GE, LE, GT, LT))  # a comparator that states a bound, not a value

# Comparator words (sorted longest first below, so "大于等于" wins over "大于"). "达/达到" state a
# value reached ("满意度达90%"), not a bound: a target without a comparator is a floor anyway.
_WORDS = [
    ("大于或等于", GE), ("大于等于", GE), ("不低于", GE), ("不少于", GE), ("不小于", GE), ("至少", GE),
    ("达到", None), ("达", None), ("超过", GT), ("大于", GT), ("高于", GT), ("多于", GT),
    ("小于或等于", LE), ("小于等于", LE), ("不超过", LE), ("不高于", LE), ("不多于", LE), ("不大于", LE),
    ("控制在", LE), ("低于", LT), ("少于", LT), ("小于", LT), ("等于", EQ), ("为", EQ), ("是", EQ),
]
_WORDS.sort(key=lambda w: -len(w[0]))  # the longest match wins: 不超过 before 超过
_SYMBOLS = {"≥": GE, "≤": LE, "=": EQ, ">": GT, "<": LT}
_SUFFIX_OPS = {"及以上": GE, "以上": GE, "及以下": LE, "以下": LE, "以内": LE}
_DOWN = ("下降", "减少", "降低", "压减", "减")
_UP = ("提升", "提高", "增长", "增加", "上升", "增")
# A label before a number that names what is measured: "满意度100%", "完成率100%", "实际产生费用4.8万元".
_LABEL_ENDS = ("率", "度", "费用", "经费", "金额", "资金", "人数", "数量", "总数", "规模", "面积", "产量", "投资")

# Units: written form → (canonical unit, factor to the canonical unit). Money in 万元, mass in
# 公斤, length in 米, area in ㎡ (1 公顷 = 15 亩 = 10000 ㎡), volume in 立方米, time in 天 or 月.
_UNITS = {
    "%": ("%", 1), "‰": ("%", Decimal("0.1")),
    "万元": ("万元", 1), "元": ("万元", Decimal("0.0001")), "亿元": ("万元", 10000),
    "万元/个": ("万元/个", 1), "万/个": ("万元/个", 1),
    "克": ("公斤", Decimal("0.001")), "公斤": ("公斤", 1), "千克": ("公斤", 1), "kg": ("公斤", 1),
    "吨": ("公斤", 1000), "万吨": ("公斤", 10_000_000),
    "米": ("米", 1), "千米": ("米", 1000), "公里": ("米", 1000), "km": ("米", 1000),
    "平方米": ("㎡", 1), "㎡": ("㎡", 1), "万平方米": ("㎡", 10000), "平方公里": ("㎡", 1_000_000),
    "亩": ("㎡", Decimal(10000) / 15), "万亩": ("㎡", Decimal(10000) / 15 * 10000), "公顷": ("㎡", 10000),
    "立方米": ("立方米", 1), "m³": ("立方米", 1), "万立方米": ("立方米", 10000),
    "个月": ("月", 1), "月": ("月", 1), "年": ("月", 12), "日": ("天", 1), "天": ("天", 1),
    "小时": ("小时", 1), "个工作日": ("工作日", 1), "工作日": ("工作日", 1),
    "万人": ("人", 10000), "万人次": ("人次", 10000), "万户": ("户", 10000), "万家": ("家", 10000),
    "场次": ("场", 1), "台（套）": ("台套", 1), "台(套)": ("台套", 1), "台套": ("台套", 1),
}
for _u in ("个", "家", "人", "人次", "户", "次", "场", "场/期", "期", "批", "项", "件", "篇", "份", "本", "册", "台",
           "套", "辆", "所", "座", "条", "张", "块", "名", "起", "处", "栋", "幅", "间", "部", "课时", "学时", "分钟",
           "个百分点", "PF", "GB", "MW", "千瓦", "千瓦时", "万千瓦时", "兆瓦"):
    _UNITS.setdefault(_u, (_u, 1))

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_LARGE = {"万": 10_000, "亿": 100_000_000}
_CN_RUN = "[零〇一二两三四五六七八九十百千万亿]+"
_NUM = rf"\d+(?:\.\d+)?|{_CN_RUN}"
_UNIT_ALTS = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class Reading:
    """What a target or result says, as far as it can be read."""

    def describe(self) -> str:
        """A short, stable text form: "number ≥ 40 家", "date ≤ 2024-05-30", "qualitative"."""
        if self.kind == "qualitative":
            return "qualitative"
        if self.kind == "list":
            return "list [" + "; ".join(item.describe() for item in self.items) + "]"
        parts = [self.kind, self.op or ""]
        if self.value is not None:
            parts.append(f"{_plain(self.value)}" + (f"-{_plain(self.high)}" if self.high is not None else ""))
        parts += [self.unit or "", self.date.isoformat() if self.date else "", self.direction or ""]
        return " ".join(p for p in parts if p)

    kind: str  # number | range | date | direction | list | qualitative
    op: str | None = None
    value: Decimal | None = None
    high: Decimal | None = None
    unit: str | None = None  # canonical; None for a bare number
    date: dt.date | None = None
    direction: str | None = None  # "down" | "up"
    items: tuple["Reading", ...] = ()  # a list of values ("145、130、110个"), each a number

    @property
    def quantitative(self) -> bool:
        return self.kind in ("number", "range", "list")

    @property
    def bound(self) -> bool:
        """The text states a bound (≥, 大于, 超过, 以上 …) rather than a value: as a result, it is
        a claim, not a measurement."""
        return self.op in BOUNDS or any(item.op in BOUNDS for item in self.items)


QUALITATIVE = Reading("qualitative")


def _plain(d: Decimal) -> str:
    """A scaled value without the noise of its scale: 666.67 ㎡ for a 亩, 3.54 万元 for 35400元."""
    if d == d.to_integral_value():
        return f"{d.quantize(Decimal(1))}"
    return f"{d.quantize(Decimal('0.0001')).normalize():f}"


# Full-width digits, letters and the signs numbers are written with (０-９, Ａ-ｚ, ％ ． ＋ － ＝ ＜ ＞)
# and the ideographic space to their plain forms, as NFKC would; Chinese punctuation （，：）
# stays, so long narrative text is rarely touched at all.
_NUMBER_SIGNS = "０１２３４５６７８９％．＋－＝＜＞" + "".join(chr(c) for c in range(0xFF21, 0xFF3B)) + \
    "".join(chr(c) for c in range(0xFF41, 0xFF5B))
_HALF_WIDTH = {ord(ch): ord(ch) - 0xFEE0 for ch in _NUMBER_SIGNS} | {0x3000: 0x20}
_FULL_WIDTH = re.compile("[０-９Ａ-Ｚａ-ｚ％．＋－＝＜＞\u3000]")  # the same signs, as ranges (quicker to compile)


def _month_days(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def half_width(text: str) -> str:
    """``text`` with full-width digits, letters and signs made plain: "６０万元" → "60万元"."""
    return text.translate(_HALF_WIDTH) if _FULL_WIDTH.search(text) else text


def _clean(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)  # full-width digits, ％, ＞, ＝ … to their plain forms
    s = s.replace("≧", "≥").replace("≦", "≤").replace(">=", "≥").replace("<=", "≤").replace("⩾", "≥").replace("⩽", "≤")
    s = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", s)  # 1,000人
    s = s.replace("元人民币", "元")
    s = re.sub(r"百分之(" + _CN_RUN + r"|\d+(?:\.\d+)?)", r"\1%", s)  # 百分之九十五 → 九十五%
    return re.sub(r"\s+", "", s).rstrip("。.;；")


def _cn_number(text: str) -> Decimal | None:
    """Arabic digits, or a Chinese numeral as written in forms: 两, 三十五, 一千二百, 一万五千, 二〇二四."""
    if text[0].isdigit():
        return Decimal(text)
    if len(text) == 1 and text in _CN_DIGITS:
        return Decimal(_CN_DIGITS[text])
    if len(text) == 4 and all(ch in _CN_DIGITS for ch in text):  # a year digit by digit: 二〇二四
        return Decimal("".join(str(_CN_DIGITS[ch]) for ch in text))
    yi, wan, section, digit = 0, 0, 0, None  # the parts at 亿, at 万, below 万, and a digit waiting
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None:
                return None  # two digits in a row: not a numeral ("一二")
            digit = _CN_DIGITS[ch] if ch not in "零〇" else None
        elif ch in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[ch]
            digit = None
        elif ch == "万":
            if section == 0 and digit is None:
                return None
            wan, section, digit = (section + (digit or 0)) * 10_000, 0, None
        else:  # 亿
            if section == 0 and digit is None and wan == 0:
                return None
            yi, wan, section, digit = (yi + wan + section + (digit or 0)) * 100_000_000, 0, 0, None
    return Decimal(yi + wan + section + (digit or 0))


def _unit(written: str) -> tuple[str | None, Decimal] | None:
    if not written:
        return None, Decimal(1)
    found = _UNITS.get(written)
    return (found[0], Decimal(found[1])) if found else None


_DATE = r"(\d{4})年(\d{1,2})月(?:(\d{1,2})[日号])?(底前|之前|以前|前|底|内|以内)?"
_WHOLE_DATE = re.compile(rf"(?:在|于)?{_DATE}(?:完成|办结|举办)?")
_DATE_IN_TEXT = re.compile(_DATE)
_SENTENCE_DATE_MAX = 40  # a deadline inside a sentence; a longer text is a narrative, not a value


def _date(s: str) -> Reading | None:
    m = _WHOLE_DATE.fullmatch(s)
    if not m:
        if len(s) > _SENTENCE_DATE_MAX:
            return None
        found = list(_DATE_IN_TEXT.finditer(s))
        if len(found) != 1:
            return None  # two dates or none: a narrative, not a date
        m = found[0]  # "在2025年10月30日之前完成复核报告", "2024年4月28日举办会议"
    return _date_of(m)


def _date_of(m: re.Match) -> Reading | None:
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return None
    # A month without a day means by the end of that month (the lenient reading).
    day = int(m.group(3)) if m.group(3) else _month_days(year, month)
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    return Reading("date", op=LE if m.group(4) else None, date=date)


def dates_in(text: object) -> tuple[dt.date, ...]:
    """Every full date written in a text (年月, 年月日), for the rules that place work in time."""
    if not isinstance(text, str) or "月" not in text:
        return ()
    return _dates_in(text)


@lru_cache(maxsize=16384)
def _dates_in(text: str) -> tuple[dt.date, ...]:
    found = (_date_of(m) for m in _DATE_IN_TEXT.finditer(half_width(text)))
    return tuple(r.date for r in found if r is not None)


_RANGE = re.compile(rf"^({_NUM})({_UNIT_ALTS})?[-~～—–至到]({_NUM})({_UNIT_ALTS})?$")
_QUANTITY = re.compile(
    rf"^(?P<prefix>.*?)(?P<sym>[≥≤=><])?(?P<num>{_NUM})(?P<unit>{_UNIT_ALTS})?(?P<suffix>及以上|以上|及以下|以下|以内|左右)?$")
_LIST_SEPARATORS = re.compile(r"[、，,；;]")


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
    reading = _single(s)
    if reading is not None:
        return reading
    listed = _list(s)
    if listed is not None:
        return listed
    if len(s) <= 12:  # a short phrase with a direction word: "较去年下降", "明显提升"
        direction = _direction(s)
        if direction:
            return Reading("direction", direction=direction)
    return QUALITATIVE


def _single(s: str) -> Reading | None:
    m = _RANGE.match(s)
    if m:
        low, high = _cn_number(m.group(1)), _cn_number(m.group(3))
        unit = _unit(m.group(4) or m.group(2) or "")
        if low is not None and high is not None and unit is not None and low <= high:
            return Reading("range", value=low * unit[1], high=high * unit[1], unit=unit[0])
    m = _QUANTITY.match(s)
    return _quantity(m) if m else None


def _list(s: str) -> Reading | None:
    """"145、130、110个": every part a number; a unit written once (on the last) holds for all."""
    parts = _LIST_SEPARATORS.split(s)
    if len(parts) < 2 or not all(parts):
        return None
    items = [_single(part) for part in parts]
    if any(item is None or item.kind != "number" for item in items):
        return None
    unit = items[-1].unit
    if unit is not None and any(item.unit is None for item in items):
        last = _QUANTITY.match(parts[-1]).group("unit")
        items = [item if item.unit else _single(part + last) for item, part in zip(items, parts)]
    return Reading("list", items=tuple(items))


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
            if not prefix.endswith(_LABEL_ENDS):
                return None  # text before a symbol: not a plain value
        else:
            word = next(((w, o) for w, o in _WORDS if prefix.endswith(w)), None)
            if word:
                op = word[1]
            else:
                direction = _direction(prefix[-4:])
                if direction is None and not prefix.endswith(_LABEL_ENDS):
                    return None  # "计划4.8万元" could mean anything: qualitative
    if suffix in _SUFFIX_OPS:
        op = op or _SUFFIX_OPS[suffix]
    return Reading("number", op=op, value=value * unit[1], unit=unit[0], direction=direction)


# --- comparing a result with its target -----------------------------------------------------


class Comparison(namedtuple("Comparison", "met op target actual units_clash read_as_percent direction_missing",
                            defaults=(None, None, None, None, False, False))):
    """A result held against its target (a named tuple: one per indicator row of every check).

    - ``met``: True, False, or None when it cannot tell (qualitative, a claim, units that do not compare);
    - ``op``: the target's comparator after the floor/ceiling default;
    - ``target``, ``actual``: the Decimals compared;
    - ``units_clash``: (target unit, result unit) that cannot be compared;
    - ``read_as_percent``: a bare number against a %, read as %;
    - ``direction_missing``: the result states a direction (下降13%) the target does not.
    """

    __slots__ = ()


def _units(target: Reading, actual: Reading) -> tuple[bool, bool]:
    """(comparable, read a bare number as %)."""
    if target.unit == actual.unit:
        return True, False
    if target.unit is None or actual.unit is None:
        return True, "%" in (target.unit, actual.unit)
    return False, False


_HOLDS = {GE: operator.ge, GT: operator.gt, LE: operator.le, LT: operator.lt, EQ: operator.eq}  # result op target
_UNKNOWN = Comparison(None)


def compare(target: Reading, actual: Reading, ceiling: bool = False) -> Comparison:
    """Is the target met? ``ceiling``: a bare target number is a ceiling (the 成本 categories).
    A result that is itself a bound ("≥90%", "大于100人") is a claim, not a measurement: it
    cannot tell (rule I07 speaks of it)."""
    if target.kind == "number" and actual.kind == "number" and target.unit == actual.unit \
            and actual.op not in BOUNDS and actual.direction == target.direction:
        # the commonest row, decided at once: the general path below gives the same
        op = target.op or (LE if ceiling else GE)
        t, a = target.value, actual.value
        return Comparison(_HOLDS[op](a, t), op, t, a, None, False)
    if actual.bound:
        return _UNKNOWN
    if target.kind == "date" and actual.kind == "date":
        return Comparison(met=actual.date <= target.date)
    if target.kind == "direction":
        if actual.direction is None:
            return _UNKNOWN
        return Comparison(met=actual.direction == target.direction)
    if target.kind == "list" or actual.kind == "list":
        return _compare_lists(target, actual, ceiling)
    if not (target.quantitative and actual.kind == "number"):
        return _UNKNOWN
    if actual.direction is not None and target.direction is None:
        return Comparison(met=None, direction_missing=True)  # "≥2%" against "能耗下降13%"
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


def _compare_lists(target: Reading, actual: Reading, ceiling: bool) -> Comparison:
    """Item by item ("145、130、110个" against "177个、137个、145个"): met when every item is."""
    if target.kind != "list" or actual.kind != "list" or len(target.items) != len(actual.items):
        return _UNKNOWN
    results = [compare(t, a, ceiling) for t, a in zip(target.items, actual.items)]
    if any(r.met is None for r in results):
        clash = next((r.units_clash for r in results if r.units_clash), None)
        return Comparison(met=None, units_clash=clash)
    missed = next((r for r in results if not r.met), None)
    if missed is None:
        return Comparison(met=True)
    return Comparison(met=False, op=missed.op)  # no single number to suggest a score from


_QUANTITY_IN_TEXT = re.compile(rf"(\d+(?:\.\d+)?|{_CN_RUN})({_UNIT_ALTS})")


def quantities_in(text: str) -> list[tuple[int, Decimal, str]]:
    """(position, value, canonical unit) of every number with a unit in a passage of text:
    "全年新增规模以上工业企业112家" → [(12, 112, "家")]."""
    s = half_width(text)
    out = []
    for m in _QUANTITY_IN_TEXT.finditer(s):
        value, unit = _cn_number(m.group(1)), _unit(m.group(2))
        if value is not None and unit is not None:
            out.append((m.start(), value * unit[1], unit[0]))
    return out
