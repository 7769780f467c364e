"""Helpers the rules share: reading numbers, the "holds" comparison, formatting for messages."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from ..model.numbers import DASH, parse_rate

_PERCENT_TEXT = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*[%％]\s*$")


def num(value: object) -> Decimal | None:
    """A readable number, or None (blank, text, or the — of an undefined rate)."""
    return value if value.__class__ is Decimal else None  # the model holds plain Decimals only


def rate(value: object) -> Decimal | None:
    """A readable rate: a number, or text such as "93.75%"."""
    return parse_rate(value) if value != DASH else None


def blank(value: object) -> bool:
    return value is None or (value.__class__ is str and not value.strip())


def close(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    return abs(a - b) <= tolerance


def _decimals(d: Decimal) -> int:
    return max(0, -d.normalize().as_tuple().exponent) if d == d else 0


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(7)}


def half_up(d: Decimal, places: int) -> Decimal:
    quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places)
    return d.quantize(quantum, rounding=ROUND_HALF_UP)


def holds(stated: object, computed: Decimal, is_rate: bool) -> bool | None:
    """Does a stated rate or score hold? It holds when it equals the computed value rounded
    half-up to the decimals it was written with (two at most): "96.7%" holds for 96.66%,
    "100%" for 99.6%. None when the stated value cannot be read."""
    if is_rate:
        if isinstance(stated, str):
            m = _PERCENT_TEXT.match(stated)
            if not m:
                return None
            shown = Decimal(m.group(1))
            places = len(m.group(1).split(".")[1]) if "." in m.group(1) else 0
        elif isinstance(stated, Decimal):
            shown = stated * 100
            places = _decimals(shown)
        else:
            return None
        computed = computed * 100
    else:
        if not isinstance(stated, Decimal):
            return None
        shown, places = stated, _decimals(stated)
    places = min(places, 2)
    return half_up(shown, places) == half_up(computed, places)


MINUS = "−"  # U+2212: a sign in a message, as the catalog writes "调整额 −14.47 万元"


def money(d: Decimal) -> str:
    """An amount as the forms show it: 2922.70 (for an expected value: a machine reads it)."""
    return f"{half_up(d, 2)}"


def amount(d: Decimal) -> str:
    """An amount in a message: "2922.70 万元", "−14.47 万元"."""
    return money(d).replace("-", MINUS) + " 万元"


def percent(d: Decimal) -> str:
    """A rate in a message: "96.66%", "−17.67%"."""
    return f"{half_up(d * 100, 2)}%".replace("-", MINUS)


def score(d: Decimal) -> str:
    """A score without trailing zeros: 10, 1.2, 6.67."""
    s = f"{half_up(d, 2)}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def quote(value: object) -> str:
    """A text quoted as Chinese nests quotations: “项目‘制造名城’走进西安活动经费”."""
    if value is None or value == "":
        return "（未填写名称）"
    inner = str(value).replace("“", "‘").replace("”", "’").replace('"', "")
    return f"“{_CONTROL.sub(' ', inner)}”"  # a message is one line: a quoted line break is a space


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
