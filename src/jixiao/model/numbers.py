"""Numbers as the forms write them, read exactly.

Amounts are ``Decimal`` in 万元. A rate is a ``Decimal`` (1 = 100%) or text such as "93.75%".
Nothing here guesses: text that is not plainly a number reads as ``None`` ("unreadable"), and
the caller decides whether that is a finding.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, InvalidOperation

# A plain decimal as people type it: optional sign, digits, optional fraction.
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_PERCENT = re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+))\s*[%％]$")

# What an undefined rate or score shows on the forms (budget blank or zero, input unreadable).
DASH = "—"
MAX_NUMBER = Decimal("1e15")  # no amount (万元), count or score comes near it (1000 万亿)
MAX_DIGITS = 15  # MAX_NUMBER's integer digits: a number read whose adjusted exponent reaches it is past it


def is_number(value: object) -> bool:
    return isinstance(value, Decimal)


def parse_plain(text: str) -> Decimal | None:
    """ "418.85" → Decimal("418.85"); anything else (units, %, words) → None."""
    s = text.strip().replace(",", "")
    if _PLAIN.match(s):
        return Decimal(s)
    return None


def parse_rate(value: object) -> Decimal | None:
    """A rate as a number: Decimal as is, "93.75%" → 0.9375; unreadable → None."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        m = _PERCENT.match(value.strip())
        if m:
            return Decimal(m.group(1)) / 100
    return None


def to_decimal(value: object) -> Decimal:
    """A Python number (int, float or Decimal) as an exact Decimal.

    Floats go through their shortest repr, so 2922.7 stays 2922.7 rather than its binary
    expansion: the number a person typed, not the float that stored it.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a bool is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raise TypeError(f"not a number: {value!r}")


_EXCEL_DIGITS = Context(prec=15)


def from_cell_text(text: str) -> Decimal | str:
    """The numeric text of a worksheet cell (``<v>``) as the Decimal a person sees.

    Writers store up to 17 significant digits (2922.6999999999998, 0.30000000000000004); Excel
    shows 15, and past 15 the digits are binary noise, so longer values are rounded to 15.
    A number no amount, count or score comes near (1E+308, however it is spelt) or one that is
    none (NaN) stays the text it is: a number field reports it (F02), arithmetic never meets it.
    """
    if len(text) <= 15:  # at most 15 digits: exactly as written (the common case, kept fast)
        try:
            d = Decimal(text)
        except InvalidOperation:
            pass
        else:
            return d if d.is_finite() and d.adjusted() < MAX_DIGITS else text.strip()
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        d = Decimal(repr(float(text)))
    if not d.is_finite() or d.adjusted() >= MAX_DIGITS:
        return text.strip()
    if len(d.as_tuple().digits) > 15:
        d = _EXCEL_DIGITS.plus(d).normalize()
    return d


def plain(d: Decimal) -> str:
    """A Decimal as plain positional text, without exponent or trailing zeros: 8, 2922.7."""
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    s = format(d.normalize(), "f")
    return s


def as_excel_shows(value: object) -> object:
    """A cell's value as Excel shows it: a boolean is TRUE or FALSE, anything else itself."""
    return ("TRUE" if value else "FALSE") if value.__class__ is bool else value


def shown_value(value) -> str:
    """A value in a message, as the person who typed it would write it: never a Python repr."""
    if value is None:
        return "空（未填写）"
    if isinstance(value, bool):
        return f"是/否值 {str(value).lower()}（写成了 true/false 或 yes/no）"
    if isinstance(value, (int, Decimal)):
        return f"数字 {plain(Decimal(value))}" if Decimal(value).is_finite() else "无法表示的数字"
    if isinstance(value, str):
        return f"“{value[:40]}{'…' if len(value) > 40 else ''}”"
    if isinstance(value, (list, tuple)):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    if hasattr(value, "isoformat"):
        return f"日期 {value.isoformat()[:10]}"
    return "无法识别的值"
