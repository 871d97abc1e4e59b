"""Carbon intensity of grid electricity at one moment: :func:`intensity_at`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from recommender.errors import InvalidInput, Problem
from recommender.grid.model import calendar_features, gb_profile_model
from recommender.grid.neso import NESO_SOURCE, neso_2023
from recommender.grid.regions import COUNTRY_SOURCE, alpha3, country_average


@dataclass(frozen=True)
class IntensityEstimate:
    """Grid carbon intensity (gCO2e per kWh) with its range, how it was obtained and from what."""

    g_per_kwh: float
    g_per_kwh_low: float
    g_per_kwh_high: float
    method: str
    source: str


@cache
def gb_relative_spread() -> tuple[float, float]:
    """P10 and P90 of GB 2023 half-hourly intensity divided by its annual mean.

    Used as the hour-to-hour range around a country's annual average when only that average is
    known (an approximation: grids with more hydro or nuclear vary less, coal-heavy ones differ).
    """
    actual = neso_2023().actual_g_per_kwh.to_numpy()
    mean = float(actual.mean())
    return float(np.quantile(actual, 0.1) / mean), float(np.quantile(actual, 0.9) / mean)


def _check_when(when: pd.Timestamp) -> pd.Timestamp:
    stamp = pd.Timestamp(when)
    if stamp.tzinfo is None:
        raise InvalidInput(
            Problem("when", f"timestamp {stamp} has no time zone", "a tz-aware timestamp"),
            source="when",
        )
    return stamp.tz_convert("UTC")


def intensity_at(region: str, when: pd.Timestamp) -> IntensityEstimate:
    """Carbon intensity of the grid in ``region`` (ISO alpha-2) at ``when`` (tz-aware).

    GB: the cleaned NESO 2023 half-hourly actual when ``when`` falls in 2023; otherwise the mean of
    2023's half-hours of the same season, day type and local half-hour, with their P10-P90 as the
    range. Other regions: the country's annual average (Our World in Data) with the GB 2023 relative
    P10-P90 spread as the range, an approximation. Unknown regions raise :class:`InvalidInput`.
    """
    stamp = _check_when(when)
    code3 = alpha3(region)
    if code3 == "GBR":
        return _gb_at(stamp)
    mean, year = country_average(region)
    low, high = gb_relative_spread()
    return IntensityEstimate(
        g_per_kwh=mean,
        g_per_kwh_low=mean * low,
        g_per_kwh_high=mean * high,
        method=(
            f"annual average {year} for {code3} (no hourly data); range = GB 2023 half-hourly "
            "P10-P90 relative spread, an approximation"
        ),
        source=f"{COUNTRY_SOURCE}, {year}",
    )


def _gb_at(stamp: pd.Timestamp) -> IntensityEstimate:
    year = neso_2023()
    slot = stamp.floor("30min")
    if slot.year == 2023:
        value = float(year.actual_g_per_kwh[slot])
        return IntensityEstimate(
            value,
            value,
            value,
            method=f"NESO 2023 measured half-hour {slot:%Y-%m-%d %H:%M} UTC (cleaned series)",
            source=NESO_SOURCE,
        )
    features = calendar_features(pd.DatetimeIndex([slot]))
    cell = gb_profile_model().predict_interval(features).iloc[0]
    row = features.iloc[0]
    season = ("winter", "spring", "summer", "autumn")[int(row["season"])]
    day = "weekend" if row["weekend"] else "weekday"
    local = slot.tz_convert("Europe/London")
    return IntensityEstimate(
        float(cell["mean"]),
        float(cell["low"]),
        float(cell["high"]),
        method=(
            f"{slot:%Y-%m-%d} is outside 2023: mean of NESO 2023 {season} {day} half-hours at "
            f"{local:%H:%M} Europe/London, range their P10-P90"
        ),
        source=NESO_SOURCE,
    )
