"""The footprint's constants with range, unit, source and year (data/footprint/constants.csv)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from recommender.footprint.estimate import Estimate
from recommender.resources import data_path

CONSTANTS_FILE = "footprint/constants.csv"


@dataclass(frozen=True)
class Constant:
    """One row of ``data/footprint/constants.csv``."""

    name: str
    value: float
    low: float
    high: float
    unit: str
    source: str
    year: int
    status: str

    @property
    def estimate(self) -> Estimate:
        return Estimate(self.value, self.low, self.high)

    @property
    def relative(self) -> tuple[float, float]:
        """``low`` and ``high`` as ratios of ``value``."""
        return self.low / self.value, self.high / self.value

    def cite(self) -> dict[str, object]:
        """The constant as recorded in a footprint's details."""
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "unit": self.unit,
            "source": self.source,
            "year": self.year,
            "status": self.status,
        }


@cache
def constants() -> dict[str, Constant]:
    """All footprint constants by name (parsed once per process)."""
    with data_path(CONSTANTS_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["name"]: Constant(
            name=row["name"],
            value=float(row["value"]),
            low=float(row["low"]),
            high=float(row["high"]),
            unit=row["unit"],
            source=row["source"],
            year=int(row["year"]),
            status=row["status"],
        )
        for row in rows
    }


def constant(name: str) -> Constant:
    """One constant by name; ``KeyError`` naming the file when it is missing."""
    table = constants()
    if name not in table:
        raise KeyError(f"{name!r} is not in data/{CONSTANTS_FILE}")
    return table[name]
