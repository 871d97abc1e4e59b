"""A value with its low-high range, and the interval arithmetic that carries ranges through.

Every figure of a footprint is an :class:`Estimate`: multiplying energy by PUE by grid intensity
multiplies the ranges too, so the result's range covers every combination of its inputs' ranges.
Ranges are bounds on the inputs' uncertainty, not confidence intervals: combining them this way is
conservative (it assumes the errors line up).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from recommender.errors import InvalidInput, Problem


@dataclass(frozen=True)
class Estimate:
    """``value`` with its plausible range ``low`` <= ``value`` <= ``high`` (all finite).

    Examples
    --------
    >>> energy_kwh = Estimate(2.0, 1.5, 3.0)
    >>> (energy_kwh * Estimate(200.0, 100.0, 300.0)).high
    900.0
    """

    value: float
    low: float
    high: float

    def __post_init__(self) -> None:
        problems = []
        for name in ("value", "low", "high"):
            if not math.isfinite(getattr(self, name)):
                problems.append(Problem(name, f"{getattr(self, name)!r} is not finite", "a number"))
        if not problems and not self.low <= self.value <= self.high:
            problems.append(
                Problem(
                    "range",
                    f"low {self.low!r}, value {self.value!r}, high {self.high!r} are out of order",
                    "low <= value <= high",
                )
            )
        if problems:
            raise InvalidInput(problems, source="estimate")

    @classmethod
    def exact(cls, value: float) -> Estimate:
        """A figure known exactly (low = value = high)."""
        value = float(value)
        return cls(value, value, value)

    @classmethod
    def relative(cls, value: float, low_ratio: float, high_ratio: float) -> Estimate:
        """``value`` with range ``value * low_ratio`` .. ``value * high_ratio`` (value >= 0)."""
        value = float(value)
        return cls(value, value * low_ratio, value * high_ratio)

    def __add__(self, other: Estimate) -> Estimate:
        return Estimate(self.value + other.value, self.low + other.low, self.high + other.high)

    def __mul__(self, other: Estimate | float) -> Estimate:
        if not isinstance(other, Estimate):
            other = Estimate.exact(float(other))
        products = (
            self.low * other.low,
            self.low * other.high,
            self.high * other.low,
            self.high * other.high,
        )
        value = self.value * other.value
        # min/max of the corner products bound value * value exactly: float rounding is monotone.
        return Estimate(value, min(*products, value), max(*products, value))

    __rmul__ = __mul__

    def as_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}


ZERO = Estimate(0.0, 0.0, 0.0)
