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


def from_cell_text(text: str) -> Decimal:
    """The numeric text of a worksheet cell (``<v>``) as the Decimal a person sees.

    Writers store up to 17 significant digits (2922.6999999999998, 0.30000000000000004); Excel
    shows 15, and past 15 the digits are binary noise, so longer values are rounded to 15.
    """
    if len(text) <= 15:  # at most 15 digits: exactly as written (the common case, kept fast)
        try:
            return Decimal(text)
        except InvalidOperation:
            pass
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        d = Decimal(repr(float(text)))
    if len(d.as_tuple().digits) > 15:
        d = _EXCEL_DIGITS.plus(d).normalize()
    return d


def plain(d: Decimal) -> str:
    """A Decimal as plain positional text, without exponent or trailing zeros: 8, 2922.7."""
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    s = format(d.normalize(), "f")
    return s
