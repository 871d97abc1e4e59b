"""A figure read from ``data/`` with its range, unit and provenance.

Every factor the engine uses (appliance savings, footprint constants) is a CSV row carrying its
central value, a low-high range, the unit, the source, the year and a status (see
data/reference.md), so a user can see where a number comes from and replace it. This is that row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self


@dataclass(frozen=True)
class SourcedValue:
    """One sourced figure: ``value`` with its ``low``-``high`` range, in ``unit``."""

    name: str
    value: float
    low: float
    high: float
    unit: str
    source: str
    year: int
    status: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any], name_column: str = "name") -> Self:
        """The figure from a CSV row whose name is in ``name_column``."""
        return cls(
            name=str(row[name_column]),
            value=float(row["value"]),
            low=float(row["low"]),
            high=float(row["high"]),
            unit=str(row["unit"]),
            source=str(row["source"]),
            year=int(row["year"]),
            status=str(row["status"]),
        )

    @property
    def relative(self) -> tuple[float, float]:
        """``low`` and ``high`` as ratios of ``value``."""
        return self.low / self.value, self.high / self.value

    def cite(self) -> str:
        """One line naming the figure and its source, for an answer's sources."""
        where = f"{self.source} ({self.year}, {self.status})"
        return f"{self.name} = {self.value:g} {self.unit}: {where}"

    def record(self) -> dict[str, object]:
        """The figure as recorded in a footprint's details (everything but the name)."""
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "unit": self.unit,
            "source": self.source,
            "year": self.year,
            "status": self.status,
        }
