"""A library of real daily load shapes, cut from the two real UK meters shipped in ``data/meters``.

Every complete local day (Europe/London wall clock, 24 hours present) of each meter becomes one
24-value profile. Profiles are filed by meter (``source``), month and day type (weekday/weekend) and
divided by their meter's *climatological mean daily kWh* (the mean daily total of each month and day
type, weighted by days in the month and 5/7 weekdays, 2/7 weekends). A year of profiles drawn from
the same meter, month and day type as the calendar therefore sums to about 365 - the synthetic
generator multiplies by a household's annual kWh / 365.25 and the totals follow the stated
distribution while the shapes, the seasonal swing and the day-to-day variation stay real.

Cleaning, as data/README.md describes the files:
- sample-0 is hourly and complete: used as it is.
- sample-1 is half-hourly with duplicate timestamps and gaps: duplicates are averaged, half-hours
  are summed into hours only where both halves are present, and a day with a missing hour is
  skipped (never filled). The all-zero gap day (2012-11-08) is skipped too.
- Days of 23 or 25 hours (clock changes) are skipped: a 24-value shape cannot hold them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from recommender.io.importers import read_eemeter_meter
from recommender.resources import data_path

METER_FILES: tuple[str, ...] = (
    "meters/uk-electricity-sample-0.csv.gz",
    "meters/uk-electricity-sample-1.csv.gz",
)
LIBRARY_TIMEZONE = "Europe/London"  # both meters are UK homes; shapes are kept in local time
N_MONTHS = 12
N_DAYTYPES = 2  # 0 = Monday-Friday, 1 = Saturday-Sunday
# Days per month of a non-leap year, the weights of the climatological mean.
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=float)


@dataclass(frozen=True)
class ProfileLibrary:
    """Real daily profiles filed by cell ``(source * 12 + month - 1) * 2 + daytype``.

    Attributes
    ----------
    profiles : (P, 24) float32, each real day's hourly kWh (local hours 0-23) divided by its
        meter's climatological mean daily kWh, sorted by cell.
    cell_start, cell_count : (n_sources * 24,) int64, where each cell's profiles start, how many.
    mean_daily_kwh : (n_sources,) the divisor of each meter, kWh per day.
    dates : (P,) the local date each profile comes from (for inspection).
    """

    profiles: np.ndarray
    cell_start: np.ndarray
    cell_count: np.ndarray
    mean_daily_kwh: np.ndarray
    dates: np.ndarray

    @property
    def n_sources(self) -> int:
        return len(self.mean_daily_kwh)


def real_hourly_kwh(path: str | Path) -> pd.Series:
    """One real meter as hourly kWh on a UTC index, NaN for hours not fully present.

    Duplicate timestamps are averaged; sub-hourly intervals are summed into hours only when the
    hour holds all of its intervals (two half-hours, four quarter-hours).
    """
    raw = read_eemeter_meter(path)
    raw = raw.groupby(level=0).mean().sort_index()
    step = raw.index.to_series().diff().dropna().mode().iloc[0]
    per_hour = max(1, int(pd.Timedelta(hours=1) / step))
    hours = pd.DatetimeIndex(raw.index).floor("h")
    grouped = raw.groupby(hours).agg(["sum", "count"])
    hourly = grouped["sum"].where(grouped["count"] == per_hour)
    full = pd.date_range(hourly.index.min(), hourly.index.max(), freq="h")
    return hourly.reindex(full).rename("kwh")


def complete_local_days(hourly: pd.Series, timezone: str = LIBRARY_TIMEZONE) -> pd.DataFrame:
    """Complete local days of an hourly UTC series: one row per date, columns 0..23 (local hour).

    A day with a missing hour, a clock-change day (23 or 25 hours) or an all-zero day is left out.
    """
    local = hourly.tz_convert(timezone)
    stamps = pd.DatetimeIndex(local.index)
    frame = pd.DataFrame({"kwh": local.to_numpy(), "date": stamps.date, "hour": stamps.hour})
    counts = frame.groupby("date")["kwh"].agg(["count", "size", "sum"])
    keep = counts.index[(counts["count"] == 24) & (counts["size"] == 24) & (counts["sum"] > 0)]
    frame = frame[frame["date"].isin(set(keep))]
    return frame.pivot(index="date", columns="hour", values="kwh").sort_index()


def climatological_daily_kwh(days: pd.DataFrame) -> float:
    """Mean daily kWh of a meter over a typical year: month means weighted by month length,
    weekday and weekend means weighted 5/7 and 2/7. Every month and day type must be present."""
    dates = pd.DatetimeIndex(pd.to_datetime(days.index))
    totals = pd.Series(days.sum(axis=1).to_numpy(), index=dates)
    cell_mean = totals.groupby([dates.month, dates.day_of_week >= 5]).mean()
    missing = [(m, w) for m in range(1, 13) for w in (False, True) if (m, w) not in cell_mean.index]
    if missing:
        raise ValueError(f"meter lacks complete days for (month, weekend) cells {missing}")
    by_month = np.array(
        [5 / 7 * cell_mean[(m, False)] + 2 / 7 * cell_mean[(m, True)] for m in range(1, 13)]
    )
    return float((by_month * _MONTH_DAYS).sum() / _MONTH_DAYS.sum())


def build_profile_library(paths: tuple[Path, ...]) -> ProfileLibrary:
    """Cut, normalise and file the daily profiles of the given eemeter meter files."""
    blocks, cells, dates, means = [], [], [], []
    for source, path in enumerate(paths):
        days = complete_local_days(real_hourly_kwh(path))
        mean_daily = climatological_daily_kwh(days)
        stamp = pd.DatetimeIndex(pd.to_datetime(days.index))
        blocks.append(days.to_numpy(dtype=np.float64) / mean_daily)
        cells.append(
            (source * N_MONTHS + stamp.month.to_numpy() - 1) * N_DAYTYPES
            + (stamp.day_of_week.to_numpy() >= 5)
        )
        dates.append(np.asarray(days.index))
        means.append(mean_daily)
    profiles = np.vstack(blocks)
    cell = np.concatenate(cells)
    order = np.argsort(cell, kind="stable")
    n_cells = len(paths) * N_MONTHS * N_DAYTYPES
    count = np.bincount(cell, minlength=n_cells).astype(np.int64)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    return ProfileLibrary(
        profiles=profiles[order].astype(np.float32),
        cell_start=start,
        cell_count=count,
        mean_daily_kwh=np.array(means),
        dates=np.concatenate(dates)[order],
    )


@lru_cache(maxsize=1)
def load_profile_library() -> ProfileLibrary:
    """The library built from the packaged real meters (cached per process, ~0.5 s once)."""
    return build_profile_library(tuple(data_path(f) for f in METER_FILES))
