"""The few series operations the forecaster needs: hourly summing for evaluation, date splits.

This is deliberately minimal: :func:`hourly_kwh` turns one raw eemeter-style meter series into the
hourly shape the engine uses, for ``greenrec evaluate`` and the benchmark. The general normaliser of
every accepted input lives in :mod:`recommender.io`; the service hands the forecaster
``Household.readings_kwh`` that is already hourly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.clock import day_starts_ns, wall_day_numbers
from recommender.domain import HOUR_NS, MINUTE_NS, Household
from recommender.errors import InvalidInput, Problem
from recommender.forecast.screening import local_day_lengths

HOUR = pd.Timedelta(hours=1)
INTERPOLATE_LIMIT_HOURS = 6


def hourly_kwh(raw_kwh: pd.Series) -> pd.Series:
    """Sum a raw meter series (any sub-hourly step or hourly) to kWh per UTC hour.

    Exact duplicate rows (same timestamp, same value) are dropped; a timestamp repeated with
    *different* values is an error, because summing or picking one would be a silent guess. An
    hour is kept only when every one of its intervals was read; otherwise it is NaN (a gap), so a
    partial hour never masquerades as a low one. Hourly readings past the UTC hour (a UTC+05:30
    zone's own hours) are split between the UTC hours they span (:func:`hourly_values`). The
    result is on a regular hourly UTC index from the first to the last hour read.

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=4, freq="30min", tz="UTC")
    >>> hourly_kwh(pd.Series([0.1, 0.2, 0.3, 0.4], index=idx)).round(3).tolist()
    [0.3, 0.7]
    """
    if not isinstance(raw_kwh.index, pd.DatetimeIndex) or raw_kwh.index.tz is None:
        raise InvalidInput(
            Problem("readings", "timestamps are not time-zone aware", "a tz-aware DatetimeIndex")
        )
    series = raw_kwh.sort_index().tz_convert("UTC")
    frame = pd.DataFrame({"kwh": series.to_numpy(dtype=float)}, index=series.index)
    exact = frame.reset_index().duplicated().to_numpy()
    frame = frame[~exact]
    clash = frame.index.duplicated(keep=False)
    if clash.any():
        stamps = sorted({str(t) for t in frame.index[clash]})[:20]
        raise InvalidInput(
            [
                Problem(
                    f"readings at {t}",
                    "timestamp repeated with different values",
                    "one value per interval",
                )
                for t in stamps
            ]
        )
    if len(frame) < 2:
        raise InvalidInput(Problem("readings", f"{len(frame)} reading(s)", "at least two readings"))
    step = pd.Series(frame.index).diff().dropna().mode().iloc[0]
    if step > HOUR or HOUR % step != pd.Timedelta(0):
        minutes = step / pd.Timedelta(minutes=1)
        raise InvalidInput(
            Problem(
                "readings",
                f"readings every {minutes:g} minutes",
                "an interval that divides one hour: these are hourly figures (a daily meter is "
                "answered by recommend and score with a forecast of days)"
                if step >= pd.Timedelta(hours=23)
                else "an interval that divides one hour",
            )
        )
    read_ns = pd.DatetimeIndex(frame.index).as_unit("ns").asi8
    past_ns = int(read_ns[0] % HOUR_NS)
    if step == HOUR and past_ns and not ((read_ns - past_ns) % HOUR_NS).any():  # a zone's own hour
        read = pd.date_range(frame.index[0], frame.index[-1], freq="h")
        split, first_ns = _split_into_utc_hours(
            frame["kwh"].reindex(read).to_numpy(dtype=np.float64), int(read_ns[0])
        )
        utc = pd.date_range(pd.Timestamp(first_ns, tz="UTC"), periods=len(split), freq="h")
        return pd.Series(split, index=utc, name="kwh")
    per_hour = int(HOUR / step)
    hours = frame["kwh"].resample("1h")
    total = hours.sum(min_count=1)
    complete = hours.count() == per_hour
    return total.where(complete).rename("kwh")


def align_temperature(temperature_c: pd.Series | None, index: pd.DatetimeIndex) -> np.ndarray:
    """Hourly °C on ``index`` (NaN where unknown); gaps of up to 6 hours interpolated linearly.

    Precisely: the readings' hourly means, and in each run of unknown hours between two known
    ones, the first ``INTERPOLATE_LIMIT_HOURS`` hours interpolated linearly (pandas'
    ``interpolate(limit=6, limit_area="inside")``, done here in numpy: it cost 2 ms a year).
    """
    if temperature_c is None:
        return np.full(len(index), np.nan)
    target = pd.DatetimeIndex(index).tz_convert("UTC").as_unit("ns").asi8
    given = temperature_c.index
    if isinstance(given, pd.DatetimeIndex) and given.tz is not None and len(given):
        stamps = given.as_unit("ns").asi8  # UTC nanoseconds whatever the zone
        if (np.diff(stamps) > 0).all() and not (
            (stamps % HOUR_NS).any() or (target % HOUR_NS).any()
        ):
            # already sorted, unique and hourly (the common case): the same steps as below
            # without pandas' dedupe, sort, zone change and hourly means, which change nothing
            return _on_target(stamps, temperature_c.astype(np.float64).to_numpy(), target)
    series = temperature_c[~temperature_c.index.duplicated()].sort_index()
    series = series.tz_convert("UTC")
    if series.empty or (target % HOUR_NS).any():  # not on the hour: pandas on the union
        series = series.resample("1h").mean()
        series = series.reindex(series.index.union(index)).interpolate(
            limit=INTERPOLATE_LIMIT_HOURS, limit_area="inside"
        )
        return series.reindex(index).to_numpy(dtype=float)
    hours = _hourly_means(series)
    if hours.empty:  # no hour with a reading
        return np.full(len(index), np.nan)
    stamps = pd.DatetimeIndex(hours.index).as_unit("ns").asi8
    return _on_target(stamps, hours.to_numpy(dtype=float), target)


def _on_target(stamps: np.ndarray, celsius: np.ndarray, target: np.ndarray) -> np.ndarray:
    """°C read at sorted, unique UTC hours ``stamps`` (ns) on the hours ``target`` (ns), short
    gaps interpolated (:func:`_interpolate_inside`), NaN outside the readings."""
    grid = np.full((stamps[-1] - stamps[0]) // HOUR_NS + 1, np.nan)
    grid[(stamps - stamps[0]) // HOUR_NS] = celsius
    grid = _interpolate_inside(grid, INTERPOLATE_LIMIT_HOURS)
    at = (target - stamps[0]) // HOUR_NS
    inside = (at >= 0) & (at < len(grid))
    return np.where(inside, grid[np.where(inside, at, 0)], np.nan)


def _hourly_means(series: pd.Series) -> pd.Series:
    """Mean °C per UTC hour read (hours without a reading left out)."""
    if not (
        pd.DatetimeIndex(series.index).as_unit("ns").asi8 % HOUR_NS
    ).any():  # hourly already: one per hour
        return series.astype(np.float64)
    return series.resample("1h").mean().dropna()


def _interpolate_inside(values: np.ndarray, limit: int) -> np.ndarray:
    """Linear interpolation of the first ``limit`` NaNs of each run between two known values."""
    known = ~np.isnan(values)
    if known.all() or not known.any():
        return values
    positions = np.arange(len(values))
    last_known = np.maximum.accumulate(np.where(known, positions, -1))
    fill = ~known & (last_known >= 0) & (positions - last_known <= limit)
    fill &= positions < positions[known][-1]
    out = values.copy()
    out[fill] = np.interp(positions[fill], positions[known], values[known])
    return out


def local_date_mask(
    index: pd.DatetimeIndex, timezone: str, first: str | pd.Timestamp, last: str | pd.Timestamp
) -> np.ndarray:
    """Rows whose local date (in ``timezone``) lies in ``[first, last]``, both inclusive."""
    dates = index.tz_convert(timezone).tz_localize(None).normalize()
    return np.asarray((dates >= pd.Timestamp(first)) & (dates <= pd.Timestamp(last)))


def hourly_values(series: pd.Series, where: str = "readings") -> tuple[np.ndarray, int]:
    """:func:`regular_hourly`'s values as float64 and its first hour in UTC nanoseconds (0 when
    empty), without a new Series where ``series`` is already regular (most meters)."""
    index = series.index
    if isinstance(index, pd.DatetimeIndex) and index.tz is not None:
        stamps = index.as_unit("ns").asi8
        if _on_regular_hours(stamps):
            return series.to_numpy(dtype=np.float64), int(stamps[0])
        if len(stamps) > 1 and _on_regular_hours(stamps - stamps[0] % HOUR_NS):
            return _split_into_utc_hours(series.to_numpy(dtype=np.float64), int(stamps[0]))
    hourly = regular_hourly(series, where)
    first = int(pd.DatetimeIndex(hourly.index).as_unit("ns").asi8[0]) if len(hourly) else 0
    return hourly.to_numpy(dtype=np.float64), first


def minutes_past_the_hour(series: pd.Series) -> int:
    """Minutes past the UTC hour at which an hourly series' readings start (0 on the hour; 30
    for a meter read on the hour of a UTC+05:30 zone, 15 for UTC+05:45)."""
    index = series.index
    if not (isinstance(index, pd.DatetimeIndex) and len(index)):
        return 0
    return int(index[:1].as_unit("ns").asi8[0] % HOUR_NS // MINUTE_NS)


def _split_into_utc_hours(kwh: np.ndarray, first_ns: int) -> tuple[np.ndarray, int]:
    """Regular hourly readings that start ``m`` minutes past the UTC hour as kWh per whole UTC
    hour: each UTC hour takes the ``m`` minutes of the reading that began before it and the
    ``60 - m`` of the one that begins inside it, in proportion (use within an hour is taken as
    even: the readings say nothing finer). The first part-hour is left out, as partial hours of
    15- and 30-minute readings are; a gap in either reading is a gap in the hour."""
    earlier = (first_ns % HOUR_NS) / HOUR_NS  # the share of each hour from the earlier reading
    hours = earlier * kwh[:-1] + (1.0 - earlier) * kwh[1:]
    return hours, first_ns - first_ns % HOUR_NS + HOUR_NS


def _on_regular_hours(stamps: np.ndarray) -> bool:
    """Whether UTC nanoseconds are every hour on the hour, from the first to the last."""
    return (
        bool(len(stamps)) and not stamps[0] % HOUR_NS and bool((np.diff(stamps) == HOUR_NS).all())
    )


def regular_hourly(series: pd.Series, where: str = "readings") -> pd.Series:
    """``series`` on a regular hourly UTC index (missing hours NaN); refuses other shapes."""
    index = series.index
    problems = []
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        problems.append(Problem(where, "index is not a tz-aware DatetimeIndex", "UTC timestamps"))
    elif (index.as_unit("ns").asi8 % HOUR_NS).any():  # UTC nanoseconds past the hour
        problems.append(Problem(where, "timestamps not on the hour", "hourly readings"))
    elif _on_regular_hours(index.as_unit("ns").asi8):  # regular: as is
        hourly = pd.date_range(index[0], periods=len(index), freq="h").tz_convert("UTC")
        return pd.Series(series.to_numpy(dtype=np.float64), index=hourly, name=series.name)
    elif index.has_duplicates:
        problems.append(Problem(where, "duplicate timestamps", "one reading per hour"))
    if problems:
        raise InvalidInput(problems)
    series = series.astype(np.float64).sort_index()
    series.index = pd.DatetimeIndex(series.index).tz_convert("UTC")
    if series.empty:
        return series
    full = pd.date_range(series.index[0], series.index[-1], freq="h", tz="UTC")
    return series.reindex(full)


def household_temperatures(
    household: Household,
    temperature_c: pd.Series | None,
    future_index: pd.DatetimeIndex,
    n_history: int,
) -> np.ndarray | None:
    """The household's °C on ``future_index`` with ``temperature_c`` ahead where given; None when
    neither was given."""
    if household.temperature_c is None and temperature_c is None:
        return None
    temps = align_temperature(household.temperature_c, future_index)
    if temperature_c is not None:
        ahead = align_temperature(temperature_c, future_index)
        later = np.arange(len(future_index)) >= n_history
        temps = np.where(later & ~np.isnan(ahead), ahead, temps)
    return temps


def daily_kwh(hourly: pd.Series, timezone: str) -> pd.Series:
    """Hourly kWh summed to local days as a daily meter reports them: kWh per local day on a UTC
    index at each local midnight (23:00Z in British summer); a day with an hour unread, or cut
    short by either end of the series, is NaN (a daily meter would not report a part day)."""
    series = regular_hourly(hourly)
    index = pd.DatetimeIndex(series.index)
    values = series.to_numpy(dtype=np.float64)
    starts, hours = local_day_lengths(index, timezone)
    read = np.add.reduceat((~np.isnan(values)).astype(np.intp), starts)
    totals = np.add.reduceat(np.nan_to_num(values), starts)
    wall_days = wall_day_numbers(index[starts], timezone)
    midnights = pd.DatetimeIndex(day_starts_ns(wall_days, timezone), tz="UTC")
    return pd.Series(np.where(read == hours, totals, np.nan), index=midnights, name="kwh")
