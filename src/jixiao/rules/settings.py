"""Thresholds and tolerances of the rules: settings with the spec's defaults, never literals in rules."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Settings:
    amount_tolerance: Decimal = Decimal("0.01")  # |a − b| ≤ 0.01 万元 holds
    adjustment_threshold: Decimal = Decimal("0.10")  # B02: |调整率| ≥ 10% needs an explanation
    execution_floor: Decimal = Decimal("0.90")  # R06, B03: 执行率 below 90% is low
    initial_basis_floor: Decimal = Decimal("0.60")  # B03: 年初口径执行率 below 60%
    exceed_factor: Decimal = Decimal("1.2")  # I06: a ≥ target exceeded by 20% or more


DEFAULT_SETTINGS = Settings()
