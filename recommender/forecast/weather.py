"""Weather honesty: where a household's daylight comes from, and how much of a period its
temperatures cover.

* **Latitude** for day length is the latitude of the household's time zone's principal location in
  the IANA time-zone database (``zone1970.tab``, read from the zone directories Python's
  :mod:`zoneinfo` searches): Vancouver's sun for America/Vancouver, not London's. Where that
  table cannot be read, the caller's fallback is used and said so.
* **Coverage** of a temperature series over a period is the share of its hours with a known °C
  (after the same up-to-6-hour interpolation the model uses). No overlap at all with the training
  period is an error (:class:`~recommender.errors.InvalidInput` naming the field); any coverage
  under :data:`FULL_COVERAGE` of the training or test period is a warning: those hours ran on
  calendar alone.
"""

from __future__ import annotations

import functools
import zoneinfo
from pathlib import Path

import numpy as np
import pandas as pd

from recommender.errors import InvalidInput, Problem

FULL_COVERAGE = 0.95


@functools.cache
def _zone_latitudes() -> dict[str, float]:
    """Zone name -> latitude in degrees, from the first ``zone1970.tab`` found (else empty)."""
    for folder in zoneinfo.TZPATH:
        table = Path(folder) / "zone1970.tab"
        if table.is_file():
            return dict(_parse_zone_table(table.read_text(encoding="utf-8")))
    return {}


def _parse_zone_table(text: str):
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        coordinates = parts[1]
        # ISO 6709: +DDMM[SS] then +DDDMM[SS]; the latitude ends where the longitude's sign starts
        cut = max(coordinates.rfind("+"), coordinates.rfind("-"))
        latitude = coordinates[:cut]
        digits = latitude[1:]
        degrees = int(digits[:2]) + int(digits[2:4]) / 60 + (int(digits[4:6] or 0) / 3600)
        yield parts[2], degrees if latitude[0] == "+" else -degrees


def zone_latitude(timezone: str, fallback_deg: float) -> tuple[float, str]:
    """``(latitude_deg, how it was chosen)`` for the daylight of a household in ``timezone``."""
    latitude = _zone_latitudes().get(timezone)
    if latitude is None:
        return fallback_deg, (
            f"daylight at latitude {fallback_deg:g} (the model's default: no location known "
            f"for the zone {timezone})"
        )
    return latitude, f"daylight at latitude {latitude:.1f} (the location of zone {timezone})"


def coverage_share(temperature_c: np.ndarray, positions: np.ndarray) -> float:
    """Share of ``positions`` with a known temperature (1.0 for no positions)."""
    if len(positions) == 0:
        return 1.0
    return float((~np.isnan(temperature_c[positions])).mean())


def check_coverage(
    temperature_c: np.ndarray | None,
    periods: dict[str, np.ndarray],
    field: str = "temperature",
) -> list[str]:
    """Warnings for partial coverage of each named period (positions into ``temperature_c``);
    :class:`InvalidInput` naming ``field`` when the first period (training) has none at all.
    ``None`` means no temperatures were given: one note that the model ran on calendar alone."""
    if temperature_c is None:
        return ["no temperatures given: the forecast ran on calendar and daylight alone"]
    notes = []
    for i, (name, positions) in enumerate(periods.items()):
        share = coverage_share(temperature_c, positions)
        if i == 0 and share == 0.0:
            raise InvalidInput(
                Problem(
                    field,
                    f"no temperature overlaps the {name} period",
                    f"hourly temperatures covering the {name} period (or none at all)",
                )
            )
        if share < FULL_COVERAGE:
            notes.append(
                f"temperature covers {share:.0%} of the {name} period; the other hours ran on "
                "calendar and daylight alone"
            )
    return notes


def typical_year(temperatures: list[pd.Series]) -> np.ndarray | None:
    """``(366, 24)`` °C by UTC day of year and hour: pooled means smoothed over +-7 days."""
    if not temperatures:
        return None
    pooled = pd.concat([t.tz_convert("UTC") for t in temperatures]).dropna()
    if pooled.empty:
        return None
    table = pooled.groupby([pooled.index.day_of_year, pooled.index.hour]).mean().unstack()
    table = table.reindex(index=range(1, 367), columns=range(24))
    values = table.to_numpy(dtype=np.float64)
    tripled = pd.DataFrame(np.vstack([values, values, values]))
    tripled = tripled.interpolate(limit_direction="both")
    smoothed = tripled.rolling(15, center=True, min_periods=1).mean().to_numpy()[366:732]
    return smoothed
