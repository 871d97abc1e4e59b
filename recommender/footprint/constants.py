"""The footprint's constants with range, unit, source and year (data/footprint/constants.csv)."""

from __future__ import annotations

import csv
from functools import cache

from recommender.footprint.estimate import Estimate
from recommender.resources import data_path
from recommender.sourced import SourcedValue

CONSTANTS_FILE = "footprint/constants.csv"


class Constant(SourcedValue):
    """One row of ``data/footprint/constants.csv``, with its range as an :class:`Estimate`."""

    @property
    def estimate(self) -> Estimate:
        return Estimate(self.value, self.low, self.high)


@cache
def constants() -> dict[str, Constant]:
    """All footprint constants by name (parsed once per process)."""
    with data_path(CONSTANTS_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row["name"]: Constant.from_row(row) for row in rows}


def constant(name: str) -> Constant:
    """One constant by name; ``KeyError`` naming the file when it is missing."""
    table = constants()
    if name not in table:
        raise KeyError(f"{name!r} is not in data/{CONSTANTS_FILE}")
    return table[name]
