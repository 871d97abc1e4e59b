"""The two reference forecasts every model here is compared with.

* **same hour last week**: the last observed value at the same hour of the week before the forecast
  origin. For a day-ahead origin that is the value 168 hours earlier; for a year-ahead origin it
  repeats the last week of history (the naive forecast actually available at the origin).
* **hour-of-week profile**: the mean of each of the 168 local hours of the week over the training
  period (the core of eemeter's occupancy model without its temperature terms).

Both carry P10/P90 bands: the profile from the quantiles of each hour-of-week in training, the naive
forecast from the quantiles of its own week-on-week differences in training.
"""

from __future__ import annotations

import numpy as np

Forecast3 = tuple[np.ndarray, np.ndarray, np.ndarray]


def hour_of_week_profile(
    train_kwh: np.ndarray, train_how: np.ndarray, target_how: np.ndarray, coverage: float = 0.8
) -> Forecast3:
    """``(mean, lower, upper)`` at ``target_how`` from the training hours' profile (1-D arrays)."""
    tail = (1.0 - coverage) / 2.0
    known = ~np.isnan(train_kwh)
    mean = np.full(168, np.nan)
    lower = np.full(168, np.nan)
    upper = np.full(168, np.nan)
    for slot in np.unique(train_how[known]):
        values = train_kwh[known & (train_how == slot)]
        mean[slot] = values.mean()
        lower[slot], upper[slot] = np.quantile(values, [tail, 1.0 - tail])
    return mean[target_how], lower[target_how], upper[target_how]


def same_hour_last_week(
    kwh: np.ndarray,
    origins: np.ndarray,
    horizon: int,
    train_positions: np.ndarray,
    coverage: float = 0.8,
) -> Forecast3:
    """``(mean, lower, upper)`` of shape ``(len(origins), horizon)`` on the 1-D ``kwh`` timeline.

    Hour ``origin + h`` is forecast by ``kwh[origin - 168 + h % 168]`` (always before the origin);
    the band adds the quantiles of ``kwh[t] - kwh[t - 168]`` over ``train_positions``.
    """
    tail = (1.0 - coverage) / 2.0
    lead = np.arange(horizon)
    source = origins[:, None] - 168 + (lead % 168)[None, :]
    mean = np.where(source >= 0, kwh[np.maximum(source, 0)], np.nan)
    train = train_positions[train_positions >= 168]
    diffs = kwh[train] - kwh[train - 168]
    diffs = diffs[~np.isnan(diffs)]
    low, high = np.quantile(diffs, [tail, 1.0 - tail]) if diffs.size else (np.nan, np.nan)
    return mean, np.clip(mean + low, 0.0, None), mean + high
