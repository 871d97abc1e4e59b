"""What a household's own meter readings say: its yearly use, daily shape, baseload, usual peak.

Hourly readings give a :class:`LoadProfile` (the day's shape, the night-time minimum, the peak);
daily-only readings (``reading_interval_minutes == 1440``) give a :class:`DailyProfile`: the
yearly use and the kWh of each local day, nothing about the hours within a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, cast

import numpy as np
import pandas as pd

from recommender.domain import DAY_NS, HOUR_NS, MINUTE_NS, Forecast, Household
from recommender.errors import InsufficientData
from recommender.quantiles import linear_quantiles, median

NIGHT_HOURS = (0, 5)  # local hours [0, 5): the always-on load shows as the night-time minimum
DAY_HOURS = (7, 23)  # local hours searched for the usual peak (appliances are run awake)
MIN_DAYS = 14
MIN_HOURS_OF_A_DAY = 22  # an hourly day counts as whole with this many readings


@dataclass(frozen=True)
class LoadProfile:
    """A household's electricity use as the actions need it (local time of ``timezone``).

    ``hourly_kwh``: mean kWh in each local hour 0-23 over the last year of readings;
    ``annual_kwh``: from the forecast when given, else the last 365 days scaled to a year;
    ``baseload_kw``: median over nights of the lowest hourly reading between 00:00 and 05:00;
    ``peak_hour``: the local hour 07-22 with the highest mean use.
    """

    hourly_kwh: np.ndarray
    annual_kwh: float
    annual_kwh_source: str
    baseload_kw: float
    baseload_kw_p10: float
    baseload_kw_p90: float
    peak_hour: int
    n_days: int
    last_year_kwh: pd.Series  # hourly readings (UTC) of the last <= 365 days, gaps dropped
    last_year_days: np.ndarray  # each of those readings' local day number (:func:`local_clock`)
    last_year_hours: np.ndarray  # and local hour of day
    last_year_minutes: np.ndarray  # and local minute of the day (0-1439)


def local_clock(index: pd.Index, zone: str) -> tuple[np.ndarray, np.ndarray]:
    """Each instant's local calendar day as a day number (days since 1970-01-01, local) and its
    local hour of day: integers to group by (not one Python date object per hour, which cost
    2 ms a year of readings, nor a DatetimeIndex of midnights)."""
    days, minutes = local_day_minutes(index, zone)
    return days, minutes // 60


def local_day_minutes(index: pd.Index, zone: str) -> tuple[np.ndarray, np.ndarray]:
    """Each instant's local day number (as :func:`local_clock`) and local minute of the day
    (0-1439: time-of-use bands need the minute where a zone is off UTC by half hours)."""
    stamps = index if isinstance(index, pd.DatetimeIndex) else pd.DatetimeIndex(index)
    wall = stamps.tz_convert(zone).tz_localize(None)
    wall_ns = wall.asi8 if wall.unit == "ns" else wall.as_unit("ns").asi8
    return wall_ns // DAY_NS, wall_ns // MINUTE_NS % 1440


def utc_ns(index: pd.Index) -> np.ndarray:
    """A tz-aware (or UTC-naive) datetime index's instants as integer nanoseconds since the
    epoch (UTC), without a copy where they are already so."""
    if isinstance(index, pd.DatetimeIndex) and index.unit == "ns":
        return index.asi8
    return pd.DatetimeIndex(index).as_unit("ns").asi8


def group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Where each run of equal keys begins (for np.ufunc.reduceat over sorted groups)."""
    first = np.empty(len(sorted_keys), dtype=bool)  # not np.r_: its index machinery costs more
    first[:1] = True
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=first[1:])
    return np.flatnonzero(first)


def group_sizes(starts: np.ndarray, n: int) -> np.ndarray:
    """How many of ``n`` sorted items each group holds, from where the groups begin
    (:func:`group_starts`): ``np.diff(np.r_[starts, n])``."""
    sizes = np.empty(len(starts), dtype=np.intp)
    np.subtract(starts[1:], starts[:-1], out=sizes[:-1])
    sizes[-1:] = n - starts[-1:]
    return sizes


def n_distinct(values: np.ndarray) -> int:
    """How many different values (by sorting: np.unique hashes, slower on these arrays; values
    already in order, as a sorted index's days come, need no sort)."""
    ordered = values if np.all(values[1:] >= values[:-1]) else np.sort(values)
    return int(np.count_nonzero(ordered[1:] != ordered[:-1])) + int(len(ordered) > 0)


def last_days(readings_kwh: pd.Series, days: int) -> pd.Series:
    """The readings of the last ``days`` days to the last one, gaps dropped (a slice where the
    index is sorted, as parsed, not a mask over the whole history; on the index's integers, not
    Timestamps; without a copy of readings that have no gap: the same rows dropna keeps)."""
    values = readings_kwh.to_numpy()
    if values.dtype.kind == "f":
        gaps = np.isnan(values)
        readings = readings_kwh[~gaps] if gaps.any() else readings_kwh
    else:
        readings = readings_kwh.dropna()
    if readings.empty:
        return readings
    index = readings.index
    if isinstance(index, pd.DatetimeIndex) and index.is_monotonic_increasing:
        # the last one is the latest (no pass for the maximum); the cut in the index's own unit
        stamps = index.asi8
        span = np.timedelta64(days, "D").astype(f"timedelta64[{index.unit}]").astype(np.int64)
        return readings.iloc[int(np.searchsorted(stamps, stamps[-1] - span, side="right")) :]
    index = pd.DatetimeIndex(index)
    return readings[index > index.max() - pd.Timedelta(days=days)]


def day_totals(values: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each day's number, the sum of its ``values`` and their count, days ascending (no NaN).

    The days of a sorted UTC index come in order: their sums are np.add.reduceat's, which is
    how pandas' grouped sum adds groups in order (the figures stay the same). Where a clock
    change at midnight breaks the order, pandas' grouped sum (compensated) as before.
    """
    if not np.all(days[1:] >= days[:-1]):
        grouped = pd.Series(values).groupby(days)
        sums = grouped.sum()
        return sums.index.to_numpy(), sums.to_numpy(), grouped.count().to_numpy()
    starts = group_starts(days)
    return days[starts], np.add.reduceat(values, starts), group_sizes(starts, len(days))


@dataclass(frozen=True)
class DailyProfile:
    """A daily-only meter's use: kWh per local day, and so no shape within the day, no night-time
    minimum and no peak hour (the actions that need them are not offered on it).

    ``annual_kwh``: from the forecast when given, else the mean day of the last 365 days x 365;
    ``last_year_kwh``: the daily readings (kWh per day, UTC index) of the last <= 365 days, gaps
    dropped; ``last_year_days``: each reading's local day number (:func:`local_clock`), the local
    day holding the middle of the reading's 24 hours (a reading at local midnight is that day's;
    one at UTC midnight, as some meters send, the day most of its hours fall on).
    """

    annual_kwh: float
    annual_kwh_source: str
    n_days: int
    last_year_kwh: pd.Series
    last_year_days: np.ndarray


Profile = LoadProfile | DailyProfile


def whole_days(profile: Profile) -> tuple[np.ndarray, np.ndarray]:
    """The local day numbers and kWh of the profile's whole days, in day order: the daily
    readings themselves, or the days of hourly readings with at least 22 of their hours (partial
    days at the ends of a series left out)."""
    kwh = profile.last_year_kwh.to_numpy(dtype=float)
    if isinstance(profile, DailyProfile):
        return profile.last_year_days, kwh
    days, sums, counts = day_totals(kwh, profile.last_year_days)
    full = counts >= MIN_HOURS_OF_A_DAY
    return days[full], sums[full]


def load_profile(household: Household, forecast: Forecast | None = None) -> Profile:
    """Profile of ``household``'s readings (a :class:`DailyProfile` for daily-only ones);
    InsufficientData with under two weeks of them. A chunk of one of :func:`load_profiles`."""
    (item,) = load_profiles([household], [forecast])
    if isinstance(item, InsufficientData):
        raise item
    return item


def load_profiles(
    households: Sequence[Household], forecasts: Sequence[Forecast | None]
) -> list[Profile | InsufficientData]:
    """:func:`load_profile` of a chunk, in order (InsufficientData items for the households
    without two weeks of readings). The hour-of-day means and the nightly minima of the hourly
    ones are one grouping each over the chunk (integer keys: household and local hour, household
    and local day), each group reduced as alone."""
    items: list[Profile | InsufficientData | None] = []
    years: list[_Year] = []
    slots: list[int] = []  # the item of each year
    clocks: dict[tuple[str, str, int, int], _Clock] = {}  # the chunk's regular hourly years' clocks
    for i, household in enumerate(households):
        try:
            if household.daily_only:
                items.append(daily_profile(household, forecasts[i]))
                continue
            years.append(_last_year(household, clocks))
        except InsufficientData as error:
            items.append(error)
            continue
        slots.append(i)
        items.append(None)  # filled below
    if years:
        who = np.repeat(np.arange(len(years), dtype=np.int64), [len(y.kwh) for y in years])
        values = np.concatenate([y.kwh.to_numpy(dtype=float) for y in years])
        hours = np.concatenate([y.clock.hours for y in years])
        # pandas' grouped mean: its compensated sum over the unsorted hour groups is kept. The
        # groups as categorical codes (household x 24 + local hour, every one a category):
        # pandas then hashes no keys, and an hour with no reading is a NaN in its place
        codes = pd.Categorical.from_codes(who * 24 + hours, dtype=_hour_groups(len(years)))
        # (a Categorical groups as its index would, without one made: pandas-stubs lists only
        # the index)
        means = pd.Series(values).groupby(codes, observed=False).mean()  # type: ignore[call-overload]
        by_hour = means.to_numpy().reshape(len(years), 24)
        night = (hours >= NIGHT_HOURS[0]) & (hours < NIGHT_HOURS[1])
        nightly, owner = _nightly_minima(
            values[night], who[night], np.concatenate([y.clock.day_numbers for y in years])[night]
        )
        bounds = np.searchsorted(owner, np.arange(len(years) + 1))
    for w, (i, year) in enumerate(zip(slots, years, strict=True)):
        items[i] = _profile(year, forecasts[i], by_hour[w], nightly[bounds[w] : bounds[w + 1]])
    return cast(list[Profile | InsufficientData], items)


@lru_cache(maxsize=64)
def _hour_groups(n_years: int) -> pd.CategoricalDtype:
    """The categories of ``n_years`` years' hours of the day (household x 24 + hour), made once
    per chunk size."""
    return pd.CategoricalDtype(pd.RangeIndex(n_years * 24))


def _nightly_minima(
    values: np.ndarray, who: np.ndarray, days: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The lowest of ``values`` of each household's day, and its household, in (household, day)
    order."""
    key = who * (1 << 32) + (days - days.min()) if len(days) else who
    order = np.argsort(key, kind="stable")
    starts = group_starts(key[order])
    return np.minimum.reduceat(values[order], starts), key[order][starts] >> 32


class _Clock(NamedTuple):
    """A year of readings' count of distinct days (UTC, as parsed) and each reading's local day
    number, hour and minute of the day (read-only: households of a chunk may share one)."""

    n_days: int
    day_numbers: np.ndarray
    hours: np.ndarray
    minutes: np.ndarray


class _Year(NamedTuple):
    """A household's last year of readings with each reading's local day and hour."""

    household: Household
    kwh: pd.Series
    clock: _Clock


def _last_year(household: Household, clocks: dict[tuple[str, str, int, int], _Clock]) -> _Year:
    if household.reading_interval_minutes > 60:
        raise InsufficientData(
            f"household {household.household_id}: readings every "
            f"{household.reading_interval_minutes} minutes; hourly or daily readings are needed"
        )
    last = _last_year_readings(household)
    index = last.index if isinstance(last.index, pd.DatetimeIndex) else pd.DatetimeIndex(last.index)
    clock = _year_clock(index, household.timezone, clocks)
    _check_days(household, clock.n_days)
    return _Year(household, last, clock)


def _last_year_readings(household: Household) -> pd.Series:
    last = last_days(household.readings_kwh, 365)
    if last.empty:
        raise InsufficientData(f"household {household.household_id}: no readings")
    return last


def _check_days(household: Household, n_days: int) -> None:
    if n_days < MIN_DAYS:
        raise InsufficientData(
            f"household {household.household_id}: {n_days} days of readings, {MIN_DAYS} needed"
        )


def daily_profile(household: Household, forecast: Forecast | None = None) -> DailyProfile:
    """The :class:`DailyProfile` of a daily-only meter; InsufficientData with under two weeks
    of days."""
    last = _last_year_readings(household)
    index = pd.DatetimeIndex(last.index)
    days = local_clock(index + pd.Timedelta(hours=12), household.timezone)[0]  # the middle
    _check_days(household, len(last))
    if forecast is not None:
        annual, source = float(forecast.annual_kwh), "the usage forecast"
    else:
        annual = float(last.mean()) * 365.0
        source = f"the last {len(last)} days of daily readings, scaled to a year"
    days.flags.writeable = False
    return DailyProfile(annual, source, len(last), last, days)


def _year_clock(
    index: pd.DatetimeIndex, zone: str, clocks: dict[tuple[str, str, int, int], _Clock]
) -> _Clock:
    """The clock of a year's readings, made once per chunk for the years that are the same hours
    for the same zones (a regular hourly index is its first hour and its length: a data team's
    batch covers one period)."""
    instants_ns = utc_ns(index)
    regular = len(instants_ns) > 1 and bool(np.all(np.diff(instants_ns) == HOUR_NS))
    key = (zone, str(index.tz), int(instants_ns[0]), len(instants_ns))
    if regular and key in clocks:
        return clocks[key]
    # distinct days in the index's own zone (UTC as parsed: its wall clock is its instants), as
    # counted before
    wall_ns = instants_ns if key[1] == "UTC" else index.tz_localize(None).as_unit("ns").asi8
    n_days = n_distinct(wall_ns // DAY_NS)
    numbers, minutes = local_day_minutes(index, zone)
    hours = minutes // 60
    for array in (numbers, hours, minutes):
        array.flags.writeable = False
    clock = _Clock(n_days, numbers, hours, minutes)
    if regular:
        clocks[key] = clock
    return clock


def _profile(
    year: _Year, forecast: Forecast | None, hourly: np.ndarray, nightly_min: np.ndarray
) -> LoadProfile:
    gaps = np.isnan(hourly)  # an hour of the day without readings: the hours' mean
    hourly = np.where(gaps, np.nanmean(hourly), hourly) if gaps.any() else hourly.copy()
    if forecast is not None:
        annual, source = float(forecast.annual_kwh), "the usage forecast"
    else:
        annual = float(year.kwh.mean()) * 8760.0
        source = f"the last {year.clock.n_days} days of readings, scaled to a year"
    day_slice = hourly[DAY_HOURS[0] : DAY_HOURS[1]]
    p10, p90 = linear_quantiles(nightly_min, (0.1, 0.9))  # np.quantile's figures
    return LoadProfile(
        hourly_kwh=hourly,
        annual_kwh=annual,
        annual_kwh_source=source,
        baseload_kw=median(nightly_min),  # np.median's figure
        baseload_kw_p10=float(p10),
        baseload_kw_p90=float(p90),
        peak_hour=DAY_HOURS[0] + int(np.argmax(day_slice)),
        n_days=year.clock.n_days,
        last_year_kwh=year.kwh,
        last_year_days=year.clock.day_numbers,
        last_year_hours=year.clock.hours,
        last_year_minutes=year.clock.minutes,
    )
