"""Features of household load: calendar, daylight, temperature and the household's own profile.

Pure, vectorised functions over a shared hourly UTC index (``(T,)`` calendar arrays and
``(n_households, T)`` matrices), used by the global model on its hot path, and two thin
scikit-learn transformers over them (:class:`CalendarFeatures`, :class:`DegreeDayFeatures`) for
use in ordinary pipelines.

Daylight: day length from the solar declination (Cooper 1969) at ``latitude_deg``; sunrise and
sunset placed symmetrically about solar noon, taken as 12:00 local *standard* time (error under
~30 min for a household near its time zone's meridian, enough for the evening lighting load).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from scipy.signal import lfilter
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from recommender.domain import HOUR_NS

CALENDAR_NAMES = (
    "hour",
    "day_of_week",
    "weekend",
    "daylight_hours",
    "hours_after_sunset",
    "hours_after_sunrise",
)
TEMPERATURE_NAMES = ("temperature_c", "day_mean_temperature_c", "smoothed_temperature_c")
TEMPERATURE_HALF_LIFE_HOURS = 24.0


def standard_offset_hours(timezone: str) -> float:
    """The zone's standard (non-summer) UTC offset in hours, from January and July 2023."""
    zone = ZoneInfo(timezone)
    offsets = [datetime(2023, m, 1, tzinfo=zone).utcoffset() for m in (1, 7)]
    return min(o.total_seconds() for o in offsets if o is not None) / 3600.0


def daylight_hours(day_of_year: np.ndarray, latitude_deg: float) -> np.ndarray:
    """Hours from sunrise to sunset on ``day_of_year`` (1-366) at ``latitude_deg``."""
    declination = np.radians(23.44) * np.sin(2 * np.pi * (284 + day_of_year) / 365.0)
    cos_hour_angle = -np.tan(np.radians(latitude_deg)) * np.tan(declination)
    return 2.0 * np.degrees(np.arccos(np.clip(cos_hour_angle, -1.0, 1.0))) / 15.0


def calendar_matrix(
    index: pd.DatetimeIndex, timezone: str, latitude_deg: float = 52.0
) -> np.ndarray:
    """``(T, 6)`` calendar features (:data:`CALENDAR_NAMES`) of a tz-aware hourly index.

    Hour and day of week are local wall-clock (so DST moves them with the household's routine);
    the sun is placed on local standard time.
    """
    local = index.tz_convert(timezone)
    hour = local.hour.to_numpy()
    day_of_week = local.day_of_week.to_numpy()
    day_length = daylight_hours(local.day_of_year.to_numpy(), latitude_deg)
    utc = index.tz_convert("UTC")
    standard_hour = (utc.hour.to_numpy() + 0.5 + standard_offset_hours(timezone)) % 24
    return np.column_stack(
        [
            hour,
            day_of_week,
            day_of_week >= 5,
            day_length,
            _wrap(standard_hour - (12.0 + day_length / 2)),
            _wrap(standard_hour - (12.0 - day_length / 2)),
        ]
    ).astype(np.float64)


def _wrap(hours: np.ndarray) -> np.ndarray:
    """Hour differences folded into [-12, 12)."""
    return (hours + 12.0) % 24.0 - 12.0


def local_day_starts(index: pd.DatetimeIndex, timezone: str) -> np.ndarray:
    """Positions in ``index`` where a new local calendar day begins (always includes 0)."""
    days = local_days(index, timezone)
    return np.flatnonzero(np.r_[True, days[1:] != days[:-1]])


def local_days(index: pd.DatetimeIndex, timezone: str) -> np.ndarray:
    """The local calendar date of each stamp, as nanoseconds of its local midnight (read-only).

    A function of each hour alone, so for a regular hourly index on the hour it is sliced from
    whole UTC years computed once per zone (:func:`utc_year_slices`), without the time-zone
    arithmetic of every stamp on every call.
    """
    stamps = pd.DatetimeIndex(index).tz_convert("UTC").as_unit("ns").asi8
    slices = utc_year_slices(stamps)
    if slices is None:
        return _local_midnights(pd.DatetimeIndex(index), timezone)
    return np.concatenate([_local_days_year(timezone, y)[a:b] for y, a, b in slices])


def utc_year_slices(stamps: np.ndarray) -> list[tuple[int, int, int]] | None:
    """``(year, begin, end)``: where a regular hourly run of UTC ``stamps`` (ns, on the hour)
    lies in each whole UTC year it touches, as hour positions from that year's first hour;
    None for stamps that are not such a run (read those stamp by stamp)."""
    regular = len(stamps) > 1 and bool((np.diff(stamps) == HOUR_NS).all())
    if not regular or stamps[0] % HOUR_NS:
        return None
    first, last = pd.Timestamp(stamps[0], tz="UTC"), pd.Timestamp(stamps[-1], tz="UTC")
    slices = []
    for year in range(first.year, last.year + 1):
        year_start = pd.Timestamp(year=year, month=1, day=1, tz="UTC").value
        next_start = pd.Timestamp(year=year + 1, month=1, day=1, tz="UTC").value
        begin = max(0, (stamps[0] - year_start) // HOUR_NS)
        end = (min(stamps[-1], next_start - 1) - year_start) // HOUR_NS + 1
        slices.append((year, int(begin), int(end)))
    return slices


def utc_year_hours(year: int) -> pd.DatetimeIndex:
    """Every hour of one UTC year."""
    return pd.date_range(f"{year}-01-01", f"{year}-12-31 23:00", freq="h", tz="UTC")


@lru_cache(maxsize=32)
def _local_days_year(timezone: str, year: int) -> np.ndarray:
    days = _local_midnights(utc_year_hours(year), timezone)
    days.flags.writeable = False
    return days


def _local_midnights(index: pd.DatetimeIndex, timezone: str) -> np.ndarray:
    return np.asarray(index.tz_convert(timezone).tz_localize(None).normalize().as_unit("ns").asi8)


def _fill_gaps(values: np.ndarray) -> np.ndarray:
    """Linear interpolation of NaNs along the last axis, per row (all-NaN rows stay NaN)."""
    out = values.copy()
    positions = np.arange(values.shape[1])
    for row in out:
        known = ~np.isnan(row)
        if known.any() and not known.all():
            row[~known] = np.interp(positions[~known], positions[known], row[known])
    return out


def temperature_matrix(
    temperature_c: np.ndarray, index: pd.DatetimeIndex, timezone: str
) -> np.ndarray:
    """``(m, T, 3)`` temperature features (:data:`TEMPERATURE_NAMES`) of ``(m, T)`` hourly °C.

    The day mean is over the local calendar day; the smoothed temperature is an exponential
    moving average with a 24 h half-life (the thermal inertia of a house). NaN stays NaN in the
    raw column; the two aggregates use values interpolated between known hours, and are NaN
    before the first and after the last known hour.
    """
    temps = np.atleast_2d(np.asarray(temperature_c, dtype=np.float64))
    if np.isnan(temps).all():  # no weather at all (as for most households): nothing to derive
        return np.full((*temps.shape, len(TEMPERATURE_NAMES)), np.nan)
    filled = _fill_gaps(temps)
    starts = local_day_starts(index, timezone)
    counts = np.diff(np.r_[starts, temps.shape[1]])
    day_mean = np.repeat(np.add.reduceat(filled, starts, axis=1) / counts, counts, axis=1)
    alpha = 1.0 - 0.5 ** (1.0 / TEMPERATURE_HALF_LIFE_HOURS)
    start_value = np.where(np.isnan(filled[:, :1]), 0.0, filled[:, :1])
    smoothed = lfilter([alpha], [1.0, alpha - 1.0], filled - start_value, axis=1) + start_value
    # before the first and after the last known hour there is no weather, only calendar: the
    # aggregates stay NaN there rather than carrying the nearest reading back or forward
    known = ~np.isnan(temps)
    positions = np.arange(temps.shape[1])
    first = np.where(known.any(axis=1), known.argmax(axis=1), temps.shape[1])
    last = temps.shape[1] - 1 - known[:, ::-1].argmax(axis=1)
    outside = (positions[None, :] < first[:, None]) | (positions[None, :] > last[:, None])
    day_mean = np.where(outside, np.nan, day_mean)
    smoothed = np.where(outside, np.nan, smoothed)
    return np.stack([temps, day_mean, smoothed], axis=2)


def hour_of_week(index: pd.DatetimeIndex, timezone: str) -> np.ndarray:
    """Local hour of week, 0 (Monday 00:00) to 167."""
    local = index.tz_convert(timezone)
    return (local.day_of_week.to_numpy() * 24 + local.hour.to_numpy()).astype(np.intp)


def profile_sums(kwh: np.ndarray, slots: np.ndarray, n_slots: int) -> tuple[np.ndarray, np.ndarray]:
    """Per household and slot (e.g. hour of week), the sum of known kWh and the count of hours.

    ``kwh`` is ``(n, T)`` with NaN for gaps, ``slots`` is ``(T,)`` ints in ``[0, n_slots)``.
    One :func:`numpy.bincount` over all households at once (O(n T)).
    """
    n = len(kwh)
    known = ~np.isnan(kwh)
    keys = (np.arange(n)[:, None] * n_slots + slots[None, :]).ravel()
    sums = np.bincount(keys, np.where(known, kwh, 0.0).ravel(), n * n_slots)
    counts = np.bincount(keys, known.ravel().astype(np.float64), n * n_slots)
    return sums.reshape(n, n_slots), counts.reshape(n, n_slots)


class CalendarFeatures(TransformerMixin, BaseEstimator):
    """Calendar and daylight features of each column of UTC timestamps.

    Input: columns of UTC times as seconds since 1970 (numeric, so the transformer works in any
    pipeline and passes scikit-learn's estimator checks). Output: the :data:`CALENDAR_NAMES`
    of each column, column by column.

    Parameters
    ----------
    timezone : str
        IANA zone of the household's wall clock.
    latitude_deg : float
        Latitude for the day length (52 = central England).

    Examples
    --------
    >>> seconds = [[pd.Timestamp("2024-06-21 12:00", tz="UTC").timestamp()]]
    >>> CalendarFeatures().fit(seconds).transform(seconds)[0, :3].tolist()
    [13.0, 4.0, 0.0]
    """

    def __init__(self, timezone: str = "Europe/London", latitude_deg: float = 52.0) -> None:
        self.timezone = timezone
        self.latitude_deg = latitude_deg

    def fit(self, X, y=None):
        validate_data(self, X, dtype=np.float64)
        ZoneInfo(self.timezone)  # raises for an unknown zone
        if not -90.0 <= self.latitude_deg <= 90.0:
            raise ValueError(f"latitude_deg={self.latitude_deg} is outside [-90, 90]")
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        blocks = [
            calendar_matrix(
                pd.DatetimeIndex(pd.to_datetime(column, unit="s", utc=True)),
                self.timezone,
                self.latitude_deg,
            )
            for column in X.T
        ]
        return np.hstack(blocks)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self)
        names = _input_names(self, input_features)
        return np.asarray([f"{n}_{c}" for n in names for c in CALENDAR_NAMES], dtype=object)


def _input_names(estimator, input_features) -> list[str]:
    if input_features is not None:
        return [str(n) for n in input_features]
    if hasattr(estimator, "feature_names_in_"):
        return [str(n) for n in estimator.feature_names_in_]
    return [f"x{i}" for i in range(estimator.n_features_in_)]


class DegreeDayFeatures(TransformerMixin, BaseEstimator):
    """Heating and cooling degrees of each temperature column (°C below/above a base).

    Parameters
    ----------
    base_heating_c, base_cooling_c : float
        Balance-point temperatures (15.5 °C is the UK degree-day convention; 22 °C for cooling).
    """

    def __init__(self, base_heating_c: float = 15.5, base_cooling_c: float = 22.0) -> None:
        self.base_heating_c = base_heating_c
        self.base_cooling_c = base_cooling_c

    def fit(self, X, y=None):
        validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan")
        if self.base_cooling_c < self.base_heating_c:
            raise ValueError("base_cooling_c must not be below base_heating_c")
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False, ensure_all_finite="allow-nan")
        heating = np.maximum(self.base_heating_c - X, 0.0)
        cooling = np.maximum(X - self.base_cooling_c, 0.0)
        return np.hstack([heating, cooling])

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self)
        names = _input_names(self, input_features)
        return np.asarray([f"hdd_{n}" for n in names] + [f"cdd_{n}" for n in names], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
