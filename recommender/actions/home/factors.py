"""Home factors: appliance energy per cycle and the savings fractions, from ``data/factors``.

Every figure is a CSV row with ``source``, ``year`` and ``status`` (see data/reference.md), so a
user can see where a number comes from and replace it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from recommender.resources import data_path
from recommender.sourced import SourcedValue

APPLIANCES = "factors/appliances.csv"
HOME_SAVINGS = "factors/home_savings.csv"


@dataclass(frozen=True)
class CycleSpec:
    """Energy of one appliance cycle (kWh: low, typical, high) and how long it runs."""

    kind: str
    kwh_low: float
    kwh_typical: float
    kwh_high: float
    cycle_hours: float
    flexible: bool
    source: str
    year: int
    status: str

    def cite(self) -> str:
        return (
            f"{self.kind} {self.kwh_low}-{self.kwh_high} kWh/cycle: {self.source} "
            f"({self.year}, {self.status})"
        )


@cache
def cycle_specs() -> dict[str, CycleSpec]:
    """Appliance cycles by kind, from ``data/factors/appliances.csv``."""
    table = pd.read_csv(data_path(APPLIANCES))
    records: list[dict[str, Any]] = table.to_dict("records")  # type: ignore[assignment]
    return {
        str(row["kind"]): CycleSpec(
            kind=str(row["kind"]),
            kwh_low=float(row["kwh_per_cycle_low"]),
            kwh_typical=float(row["kwh_per_cycle_typical"]),
            kwh_high=float(row["kwh_per_cycle_high"]),
            cycle_hours=float(row["cycle_hours"]),
            flexible=bool(row["flexible"]),
            source=str(row["source"]),
            year=int(row["year"]),
            status=str(row["status"]),
        )
        for row in records
    }


@cache
def home_factors() -> dict[str, SourcedValue]:
    """Savings fractions and conventions, from ``data/factors/home_savings.csv``."""
    table = pd.read_csv(data_path(HOME_SAVINGS))
    records: list[dict[str, Any]] = table.to_dict("records")  # type: ignore[assignment]
    return {str(row["factor"]): SourcedValue.from_row(row, "factor") for row in records}
