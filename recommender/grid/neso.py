"""GB grid carbon intensity for 2023 from NESO, cleaned once and reported.

The published table (``recommender.reference.neso_intensity_2023``) has three defects, each
repaired here and counted in :class:`NesoCleaning`:

* 91 half-hours are absent (one block, 2023-10-20 22:00 to 2023-10-22 19:00 UTC): each is filled
  with the mean of the same half-hour one week before and one week after (a seasonal-naive fill;
  the grid's weekly pattern is strong and both neighbours are complete).
* 5 ``actual`` values are missing and 5 are exactly 0 g/kWh (a fossil-burning grid is never at 0;
  the published ``index`` band says "very low" there but the neighbouring half-hours are 60-90):
  both are replaced by NESO's own ``forecast`` for that half-hour, whose 2023 MAE is ~10 g/kWh.
* The first row (2022-12-31 23:30 UTC) lies outside 2023 and is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from recommender.reference import neso_intensity_2023

NESO_SOURCE = "NESO Carbon Intensity API, GB national, 2023 half-hourly actual (CC BY 4.0)"
HALF_HOUR = pd.Timedelta(minutes=30)


@dataclass(frozen=True)
class NesoCleaning:
    """What cleaning did to the 2023 table: counts of each repair and the forecast's own error."""

    n_half_hours: int
    n_absent_filled: int
    n_missing_actual_filled: int
    n_zero_actual_filled: int
    neso_forecast_mae_g_per_kwh: float

    def describe(self) -> str:
        return (
            f"NESO 2023: {self.n_half_hours} half-hours; {self.n_absent_filled} absent ones filled "
            "with the mean of the same half-hour a week before and after; "
            f"{self.n_missing_actual_filled} missing and {self.n_zero_actual_filled} zero 'actual' "
            "values replaced by NESO's forecast; NESO's day-ahead forecast MAE "
            f"{self.neso_forecast_mae_g_per_kwh:.1f} g/kWh"
        )


@dataclass(frozen=True)
class NesoYear:
    """Cleaned 2023 half-hourly series (UTC index, every half-hour of 2023 present)."""

    actual_g_per_kwh: pd.Series
    forecast_g_per_kwh: pd.Series
    cleaning: NesoCleaning


@cache
def neso_2023() -> NesoYear:
    """The cleaned NESO 2023 year (computed once per process)."""
    raw = neso_intensity_2023()
    raw = raw[raw["from"].dt.year == 2023].set_index("from")
    index = pd.date_range("2023-01-01", "2024-01-01", freq="30min", tz="UTC", inclusive="left")
    actual = raw["actual"].astype(float).reindex(index)
    forecast = raw["forecast"].astype(float).reindex(index)
    present = raw.index
    missing_actual = actual.isna() & index.isin(present)
    zero_actual = actual.eq(0.0)

    # NESO's day-ahead forecast error where both are real values (before any fill).
    valid = index.isin(present) & ~missing_actual & ~zero_actual
    mae = float(np.mean(np.abs(forecast[valid] - actual[valid])))

    repair = missing_actual | zero_actual
    actual = actual.mask(repair, forecast)
    absent = ~index.isin(present)
    week = pd.Timedelta(days=7)
    for series in (actual, forecast):
        before = series.reindex(index[absent] - week).to_numpy()
        after = series.reindex(index[absent] + week).to_numpy()
        series[absent] = np.nanmean(np.vstack([before, after]), axis=0)
    cleaning = NesoCleaning(
        n_half_hours=len(index),
        n_absent_filled=int(absent.sum()),
        n_missing_actual_filled=int(missing_actual.sum()),
        n_zero_actual_filled=int(zero_actual.sum()),
        neso_forecast_mae_g_per_kwh=mae,
    )
    return NesoYear(actual.rename("g_per_kwh"), forecast.rename("forecast_g_per_kwh"), cleaning)
