"""Figures for people: significant figures and SI prefixes, one rule for every surface's text.

A footprint of 4.9e-7 kWh printed with three decimals of Wh reads "0.000 Wh"; printed here it
reads "490 µWh". Machine-readable outputs (JSON, CSV) keep the numbers themselves
(:func:`recommender.domain.to_jsonable`); this module is only for text.

>>> energy_text(4.9e-7), mass_text(3.04e-7), mass_text(14.2)
('490 µWh', '300 µg', '14 kg')
>>> significant(120_025_714.0), significant(0.001234)
('120,000,000', '0.0012')
"""

from __future__ import annotations

import math
from collections.abc import Callable

_PREFIXES = ((1e3, "k"), (1.0, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"))


def round_significant(value: float, digits: int = 2) -> float:
    """``value`` rounded to ``digits`` significant figures (0, NaN and infinities unchanged)."""
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{digits}g}")


def significant(value: float, digits: int = 2) -> str:
    """``value`` to ``digits`` significant figures, with thousands separators, never in e-form."""
    rounded = round_significant(value, digits)
    if rounded == 0 or not math.isfinite(rounded):
        return f"{rounded:g}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(rounded))))
    return f"{rounded:,.{decimals}f}"


def si_text(value: float, unit: str, digits: int = 2) -> str:
    """``value`` (in ``unit``) with the SI prefix that puts it between 1 and 1000."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g} {unit}"
    for scale, prefix in _PREFIXES:
        if abs(value) >= scale:
            return f"{significant(value / scale, digits)} {prefix}{unit}"
    scale, prefix = _PREFIXES[-1]
    return f"{significant(value / scale, digits)} {prefix}{unit}"


def energy_text(kwh: float, digits: int = 2) -> str:
    """Energy from kWh, e.g. ``"14 mWh"``; kWh and above stay in kWh."""
    if abs(kwh) >= 1:
        return f"{significant(kwh, max(digits, 3))} kWh"
    return si_text(kwh * 1000.0, "Wh", digits)


def mass_text(kg: float, digits: int = 2) -> str:
    """A mass from kg, e.g. ``"300 µg"``; kg and above stay in kg."""
    if abs(kg) >= 1:
        return f"{significant(kg, digits)} kg"
    return si_text(kg * 1000.0, "g", digits)


def range_text(low: float, high: float, formatter: Callable[[float], str] = significant) -> str:
    """``"low-high"`` with the same formatter as the central figure."""
    return f"{formatter(low)}-{formatter(high)}"


CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def money_text(amount: float, currency: str) -> str:
    """Money in one style everywhere: the symbol where there is one (``£57``), else the code
    after the figure (``57 SEK``); whole units."""
    symbol = CURRENCY_SYMBOLS.get(currency)
    sign = "-" if amount < -0.5 else ""
    return f"{sign}{symbol}{abs(amount):,.0f}" if symbol else f"{amount:,.0f} {currency}"
