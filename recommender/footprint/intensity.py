"""Grid carbon intensity for a footprint: where and when the work ran, never a silent default.

Uses :func:`recommender.grid.intensity_at` (GB: NESO half-hourly; other countries: annual average),
averaged over the half-hours the work spanned. A missing or unknown region is named in the result
and priced at the generation-weighted world average of the country table, with the range of all
countries' averages (lowest to highest), so the figure is honest about knowing nothing of the place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import pandas as pd

from recommender.errors import InvalidInput
from recommender.footprint.estimate import Estimate
from recommender.reference import country_intensity

COUNTRY_TABLE = "data/grid/country_carbon_intensity.csv (Our World in Data, CC BY 4.0)"
MAX_SLOTS = 96  # at most 48 h of half-hours are looked up; longer runs are subsampled evenly


@dataclass(frozen=True)
class GridFactor:
    """Grid intensity (g CO2e/kWh) with its range, the region asked for, method and source."""

    g_per_kwh: Estimate
    region: str | None
    known_region: bool
    method: str
    source: str


@cache
def world_average() -> GridFactor:
    """Generation-weighted mean of the country table, range = lowest..highest country."""
    table = country_intensity().dropna(subset=["g_co2e_per_kwh", "total_twh"])
    weights = table["total_twh"].clip(lower=0)
    mean = float((table["g_co2e_per_kwh"] * weights).sum() / weights.sum())
    low, high = float(table["g_co2e_per_kwh"].min()), float(table["g_co2e_per_kwh"].max())
    years = f"{int(table['year'].min())}-{int(table['year'].max())}"
    return GridFactor(
        g_per_kwh=Estimate(mean, low, high),
        region=None,
        known_region=False,
        method=(
            f"generation-weighted average of {len(table)} countries ({years}), range from the "
            "lowest to the highest country average"
        ),
        source=COUNTRY_TABLE,
    )


@lru_cache(maxsize=4096)  # (region, half-hour): a long-running service stays bounded
def _at(region: str, slot: pd.Timestamp) -> tuple[float, float, float, str, str]:
    from recommender.grid import intensity_at

    est = intensity_at(region, slot)
    return est.g_per_kwh, est.g_per_kwh_low, est.g_per_kwh_high, est.method, est.source


def _slots(start: pd.Timestamp, end: pd.Timestamp) -> list[pd.Timestamp]:
    """Half-hour slots covered by [start, end], weighted equally (energy assumed even in time)."""
    first, last = start.floor("30min"), end.floor("30min")
    if first == last and first.unit == last.unit and first.tzinfo is last.tzinfo:
        return [first]  # a run within one half-hour (an answer's few ms): the range's one slot
    slots = list(pd.date_range(first, last, freq="30min"))
    if len(slots) > MAX_SLOTS:
        step = len(slots) / MAX_SLOTS
        slots = [slots[int(i * step)] for i in range(MAX_SLOTS)]
    return slots


def grid_factor(region: str | None, start: pd.Timestamp, end: pd.Timestamp) -> GridFactor:
    """Intensity of the grid in ``region`` (ISO alpha-2) averaged over the run's half-hours.

    ``None`` or an unknown region gives the world average with the widest range, and says so in
    ``method``; nothing is replaced by a default country.
    """
    if region is None or not str(region).strip():
        world = world_average()
        return GridFactor(
            world.g_per_kwh,
            None,
            False,
            f"region not given: {world.method}",
            world.source,
        )
    code = str(region).strip().upper()
    try:
        rows = [_at(code, slot) for slot in _slots(start, end)]
    except InvalidInput as exc:
        world = world_average()
        reason = "; ".join(p.problem for p in exc.problems)
        return GridFactor(
            world.g_per_kwh,
            code,
            False,
            f"region {code!r} has no grid intensity ({reason}): {world.method}",
            world.source,
        )
    n = len(rows)
    mean = sum(r[0] for r in rows) / n
    low = min(sum(r[1] for r in rows) / n, mean)
    high = max(sum(r[2] for r in rows) / n, mean)
    methods = sorted({r[3] for r in rows})
    method = methods[0] if len(methods) == 1 else f"mean of {n} half-hours: {methods[0]} ..."
    return GridFactor(
        Estimate(mean, low, high), code, True, method, "; ".join(sorted({r[4] for r in rows}))
    )
