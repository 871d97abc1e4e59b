"""Design matrices of the two global models, vectorised over households.

Everything works on one *timeline*: a regular hourly UTC index holding the history and, after it,
the hours to forecast; ``kwh`` is ``(n_households, T)`` with NaN for gaps and for the future.
Each household is normalised by its own level (its mean hourly kWh), so one model serves
households of any size; its own shape enters as features (its hour-of-week and hour-of-day
profiles), which is the per-household calibration that needs no per-household fit.

Year-ahead: the household's own (shrunk) hour-of-week profile is the *offset*, and the model learns
what calendar, daylight and temperature add to it. Its rows hold only features that all households
on one timeline and one weather series share, so the batch path evaluates the trees once per hour
of the timeline, not once per household and hour (a 10,000-household year costs one household's
tree evaluations plus numpy arithmetic).
Short-horizon rows (day- and week-ahead): the same plus the recent level and lags, all taken from
hours before the forecast origin only (``lag_day`` is the same hour on the last day before the
origin, ``lag_week`` the same hour one week earlier, which is before the origin for leads up to 168
hours; ``mean_1h`` ... ``mean_168h`` the mean of the last hour, 6 hours, day and week before the
origin). The last hour and the evening before a midnight origin were added on a validation split
carved from the bundled meters' training years (their last 8 weeks): mean daily CVRMSE of the
day-ahead there 31.7 -> 31.1 %, hourly 72.2 -> 72.1 %. The model is trained on the first 24 hours
after each origin (day-ahead) and applied unchanged to leads up to a week: every feature is defined
at any lead below 168 hours. Training on all seven lead days instead was measured worse for
day-ahead (mean hourly/daily CVRMSE of the two bundled meters 81.7/38.2 % against 77.2/32.0 %, with
the settings of the time).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd

from recommender.forecast.features import (
    CALENDAR_NAMES,
    TEMPERATURE_NAMES,
    calendar_matrix,
    hour_of_week,
    profile_sums,
    temperature_matrix,
    utc_year_hours,
    utc_year_slices,
)

PROFILE_NAMES = ("profile_hour_of_week", "profile_hour_of_day")
YEAR_FEATURES = CALENDAR_NAMES + TEMPERATURE_NAMES
LAG_NAMES = (
    "lag_day",
    "lag_week",
    "mean_1h",
    "mean_6h",
    "mean_24h",
    "mean_168h",
    "same_hour_mean_7d",
)
RECENT_WINDOWS_HOURS = (1, 6, 24, 168)  # the mean_*h features: the hour, evening, day and week
SHORT_FEATURES = YEAR_FEATURES + PROFILE_NAMES + LAG_NAMES
PROFILE_SHRINK_HOURS = 4.0  # an hour-of-week slot seen k times weighs k / (k + 4) against its hour
SHORT_HORIZON_HOURS = 168
SCALE_WINDOW_HOURS = 28 * 24
# Load falls as temperature and daylight rise (heating, lighting); the few UK households that cool
# are not in the data this model is trained on. Constraining these keeps the model from reading a
# lockdown or a holiday that happened to coincide with a cold spell as a temperature effect.
_DECREASING = {"daylight_hours", *TEMPERATURE_NAMES}


def monotonic_constraints(names: tuple[str, ...]) -> list[int]:
    """-1 for the features load may only decrease with, 0 for the others."""
    return [-1 if name in _DECREASING else 0 for name in names]


class Timeline:
    """Calendar, temperature and slot arrays of one hourly index, computed once and shared."""

    def __init__(
        self,
        index: pd.DatetimeIndex,
        timezone: str,
        latitude_deg: float,
        temperature_c: np.ndarray | None,
    ) -> None:
        self.index = index
        self.timezone, self.latitude_deg = timezone, latitude_deg
        self.calendar, self.how = calendar_and_hour_of_week(index, timezone, latitude_deg)
        self.hod = self.how % 24
        temps = np.full((1, len(index)), np.nan) if temperature_c is None else temperature_c
        self.temperature = temperature_matrix(np.atleast_2d(temps), index, timezone)
        # one weather row and no temperature known: its year rows are calendar alone, the same
        # for every household of the zone (see weatherless_year_rows)
        self.weatherless = len(self.temperature) == 1 and bool(np.isnan(self.temperature).all())

    def subset(self, rows: np.ndarray) -> Timeline:
        """The same timeline with only ``rows`` of a per-household temperature matrix."""
        part = object.__new__(Timeline)
        part.__dict__.update(self.__dict__)
        part.temperature = self.temperature[rows]
        return part


def calendar_and_hour_of_week(
    index: pd.DatetimeIndex, timezone: str, latitude_deg: float
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`calendar_matrix` and :func:`hour_of_week` of ``index``, read-only.

    Both are functions of each hour alone, so for a regular hourly index on the hour they are
    sliced from whole UTC years computed once per zone and latitude (:func:`_calendar_year`):
    the same values, without 2 ms of pandas date arithmetic per forecast.
    """
    stamps = pd.DatetimeIndex(index).tz_convert("UTC").as_unit("ns").asi8
    slices = utc_year_slices(stamps)
    if slices is None:
        calendar = calendar_matrix(index, timezone, latitude_deg)
        how = hour_of_week(index, timezone)
        calendar.flags.writeable = how.flags.writeable = False
        return calendar, how
    calendars, hows = [], []
    for year, begin, end in slices:
        calendar, how = _calendar_year(timezone, latitude_deg, year)
        calendars.append(calendar[begin:end])
        hows.append(how[begin:end])
    calendar, how = np.concatenate(calendars), np.concatenate(hows)
    calendar.flags.writeable = how.flags.writeable = False
    return calendar, how


@lru_cache(maxsize=32)
def _calendar_year(timezone: str, latitude_deg: float, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Calendar matrix and hour of week of every hour of one UTC year (about 0.5 MB)."""
    hours = utc_year_hours(year)
    calendar = calendar_matrix(hours, timezone, latitude_deg)
    how = hour_of_week(hours, timezone)
    calendar.flags.writeable = how.flags.writeable = False
    return calendar, how


def weatherless_year_rows(timezone: str, latitude_deg: float, year: int) -> np.ndarray:
    """Year-model rows of every hour of one UTC year where no temperature is known: what
    :func:`year_rows` gives a weatherless timeline (on the hour) at those hours."""
    calendar, _ = _calendar_year(timezone, latitude_deg, year)
    no_weather = np.full((len(calendar), len(TEMPERATURE_NAMES)), np.nan)
    return np.concatenate([calendar, no_weather], axis=1)


def nan_mean(values: np.ndarray, axis: int) -> np.ndarray:
    """Mean of the known values along ``axis``; NaN (and no warning) where none is known."""
    known = ~np.isnan(values)
    count = known.sum(axis=axis)
    total = np.where(known, values, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def household_profiles(
    kwh: np.ndarray, how: np.ndarray, scale: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(n, 168)`` hour-of-week and ``(n, 24)`` hour-of-day mean kWh divided by ``scale``.

    The hour-of-week mean is shrunk towards the hour-of-day mean by its number of readings
    (:data:`PROFILE_SHRINK_HOURS`), so two weeks of history give a usable, not a noisy, profile.
    Slots never read are NaN.
    """
    n = len(kwh)
    sums, counts = profile_sums(kwh, how, 168)
    day_sums = sums.reshape(n, 7, 24).sum(axis=1)
    day_counts = counts.reshape(n, 7, 24).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        day = np.where(day_counts > 0, day_sums / np.maximum(day_counts, 1), np.nan)
        prior = np.tile(day, 7)
        week = (sums + PROFILE_SHRINK_HOURS * np.nan_to_num(prior)) / (
            counts + PROFILE_SHRINK_HOURS * ~np.isnan(prior)
        )
    week = np.where((counts > 0) | ~np.isnan(prior), week, np.nan)
    return week / scale[:, None], day / scale[:, None]


def year_rows(timeline: Timeline, positions: np.ndarray) -> np.ndarray:
    """``(m, len(positions), F)`` year-ahead features, ``m`` = rows of the timeline's weather."""
    calendar = np.broadcast_to(
        timeline.calendar[positions],
        (len(timeline.temperature), len(positions), len(CALENDAR_NAMES)),
    )
    return np.concatenate([calendar, timeline.temperature[:, positions, :]], axis=2)


def profile_at(
    timeline: Timeline, positions: np.ndarray, week: np.ndarray, day: np.ndarray, per_row: bool
) -> tuple[np.ndarray, np.ndarray]:
    """``(n, len(positions))`` profile values: picked by slot, or per timeline position."""
    if per_row:
        return week[:, positions], day[:, positions]
    return week[:, timeline.how[positions]], day[:, timeline.hod[positions]]


def recent_levels(
    kwh: np.ndarray, origins: np.ndarray, windows: tuple[int, ...]
) -> list[np.ndarray]:
    """Per window of ``hours``, the ``(n, k)`` mean of the known kWh in the ``hours`` before each
    origin (NaN if none); the running sums are built once for every window, up to the last
    origin (the hours after it are never read)."""
    kwh = kwh[:, : int(origins.max(initial=0))]
    known = ~np.isnan(kwh)
    zeros = np.zeros((len(kwh), 1))
    total = np.concatenate([zeros, np.cumsum(np.where(known, kwh, 0.0), axis=1)], axis=1)
    count = np.concatenate([zeros, np.cumsum(known, axis=1)], axis=1)
    means = []
    for hours in windows:
        first = np.maximum(origins - hours, 0)
        sums = total[:, origins] - total[:, first]
        counts = count[:, origins] - count[:, first]
        with np.errstate(invalid="ignore", divide="ignore"):
            means.append(np.where(counts > 0, sums / np.maximum(counts, 1), np.nan))
    return means


def short_rows(
    timeline: Timeline,
    kwh: np.ndarray,
    origins: np.ndarray,
    horizon: int,
    profile_week: np.ndarray,
    profile_day: np.ndarray,
    per_row: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Short-horizon features ``(n, k, horizon, F)`` and the short scale ``(n, k)``.

    ``origins`` are positions on the timeline (the first forecast hour); every lag reads hours
    strictly before its origin. Targets are kWh divided by the returned scale (the mean of the
    28 days before the origin), and so are the lag features.
    """
    n = len(kwh)
    k = len(origins)
    lead = np.arange(horizon)
    targets = origins[:, None] + lead[None, :]
    scale, *recent_means = recent_levels(kwh, origins, (SCALE_WINDOW_HOURS, *RECENT_WINDOWS_HOURS))
    scale = np.where(np.isnan(scale) | (scale <= 0), np.nan, scale)

    def at(positions: np.ndarray) -> np.ndarray:
        inside = positions >= 0
        values = kwh[:, np.where(inside, positions, 0)]
        return np.where(inside, values, np.nan)

    same_hour = origins[:, None] - 24 + (lead % 24)[None, :]
    days = np.stack([at(same_hour - 24 * j) for j in range(7)], axis=-1)
    recent = [np.broadcast_to(mean[:, :, None], (n, k, horizon)) for mean in recent_means]
    lags = np.stack([at(same_hour), at(targets - 168), *recent, nan_mean(days, axis=-1)], axis=-1)
    lags /= scale[:, :, None, None]
    flat = targets.ravel()
    shared = year_rows(timeline, flat)
    shared = np.broadcast_to(shared, (n, len(flat), len(YEAR_FEATURES)))
    week, day = profile_at(timeline, flat, profile_week, profile_day, per_row)
    base = np.concatenate([shared, week[:, :, None], day[:, :, None]], axis=2)
    base = base.reshape(n, k, horizon, len(YEAR_FEATURES) + len(PROFILE_NAMES))
    return np.concatenate([base, lags], axis=-1), scale


def offset_of(week: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The year-ahead offset: the hour-of-week profile, else the hour-of-day one, else 1."""
    return np.where(np.isnan(week), np.where(np.isnan(day), 1.0, day), week)


# what calendar and weather add to the profile at a timeline's positions, ``(m, k)`` per weather
# row (``GlobalForecaster.learned``, or a chunk's trees evaluated once: shared_trees.py)
Learned = Callable[[Timeline, np.ndarray], np.ndarray]
