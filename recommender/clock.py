"""When a local calendar day begins, in zones whose clocks change at midnight too.

pandas' ``normalize()`` of a local time raises where midnight does not exist (the clocks skip
from 00:00 to 01:00: Cuba, Chile, Brazil before 2019) or comes twice (they go back from 01:00 to
00:00). A day begins at its first instant: 00:00, the first of two, or the first clock time after
a skipped midnight.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.domain import DAY_NS


def day_starts_ns(days: np.ndarray, zone: str, time_of_day_ns: int = 0) -> np.ndarray:
    """UTC nanoseconds at which each local calendar day begins (``days``: local day numbers,
    days since 1970-01-01 on the zone's clock), or, with ``time_of_day_ns``, its first instant
    at that clock time or just after it (a time the clocks skip that day)."""
    wall_ns = np.asarray(days, dtype=np.int64) * DAY_NS + np.int64(time_of_day_ns)
    wall = pd.DatetimeIndex(wall_ns, dtype="datetime64[ns]")
    first_of_two = np.ones(len(wall), dtype=bool)  # True: the earlier (summer-time) instant
    local = wall.tz_localize(zone, ambiguous=first_of_two, nonexistent="shift_forward")
    return np.asarray(local.asi8)


def wall_day_numbers(index: pd.DatetimeIndex, zone: str) -> np.ndarray:
    """The local calendar day (days since 1970-01-01 on the zone's clock) of each instant."""
    return np.asarray(index.tz_convert(zone).tz_localize(None).as_unit("ns").asi8) // DAY_NS


def daily_instants(first: pd.Timestamp, periods: int, zone: str) -> pd.DatetimeIndex:
    """``periods`` consecutive local calendar days from ``first``'s, each at ``first``'s clock
    time (a day begins at its first instant where the clocks skip or repeat it), in UTC:
    ``pd.date_range(first, periods=periods, freq="D")`` on the zone's clock, without raising
    where midnight does not exist or comes twice (Chile, Cuba, Paraguay, Lebanon ...)."""
    wall_ns = pd.Timestamp(first).tz_convert(zone).tz_localize(None).as_unit("ns").value
    day, time_of_day = divmod(wall_ns, DAY_NS)
    days = day + np.arange(periods, dtype=np.int64)
    return pd.DatetimeIndex(day_starts_ns(days, zone, time_of_day), tz="UTC")


def local_midnight(moment: pd.Timestamp, zone: str, days_later: int = 0) -> pd.Timestamp:
    """When the local day ``days_later`` days after ``moment``'s begins, in ``zone``: tomorrow
    is the next calendar day even when today has 23 or 25 hours."""
    wall_ns = moment.tz_convert(zone).tz_localize(None).as_unit("ns").value
    start_ns = day_starts_ns(np.array([wall_ns // DAY_NS + days_later]), zone)[0]
    return pd.Timestamp(int(start_ns), tz="UTC").tz_convert(zone)
