"""Recurring appliance cycles seen in a household's hourly meter readings (pure functions).

Method (over the last ``window_days`` of readings, local wall-clock time):

1. Baseline of each hour = the day's 20th-percentile reading + the hour-of-day 20th percentile of
   what is left (reading minus its day's P20) over the window. The hour-of-day part uses P20, not
   the median, so a cycle run on up to ~80% of days does not lift its own baseline; a load run
   on (nearly) every day is part of the daily shape and is not found here (the usual-start
   inference from the meter's peak covers that).
2. Excess = reading - baseline. Hours with excess >= ``HOUR_EXCESS_KWH`` that follow each other
   form a run; a run of 1-``MAX_RUN_HOURS`` hours whose total excess is >= ``CYCLE_KWH`` is one
   cycle (an appliance drawing about 1 kW or more for an hour, or 0.5 kW or more for two; a cycle
   that straddles an hour boundary shows as two hours of half its power, hence the per-hour
   threshold at half the cycle's).
3. Cycles are clustered by local start hour: the three-hour neighbourhood (h-1, h, h+1) with the
   most unclaimed cycles is claimed, its usual start is the commonest start hour in it, and this
   repeats while a cluster is seen on >= ``MIN_DAYS_PER_WEEK`` days a week on average.
4. Per cluster: typical energy = median of its cycles' excess kWh, P10-P90 from the same cycles;
   days a week = distinct days with a cycle / weeks of readings.

A cluster whose mean power is >= ``EV_KW`` per hour is marked EV-like (home chargers draw
3.6-7.4 kW; no household wet appliance averages that over an hour).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

WINDOW_DAYS = 56
DAY_QUANTILE = 0.2
HOUR_QUANTILE = 0.2
HOUR_EXCESS_KWH = 0.5
CYCLE_KWH = 1.0
MAX_RUN_HOURS = 4
MIN_DAYS_PER_WEEK = 2.0
EV_KW = 3.0


@dataclass(frozen=True)
class DetectedCycle:
    """A recurring load the meter shows: its usual local start hour, energy and frequency."""

    start_hour: int
    kwh: float  # median excess energy of one occurrence
    kwh_p10: float
    kwh_p90: float
    cycle_hours: int  # median run length (whole hours)
    days_per_week: float
    n_occurrences: int
    weeks: float
    ev_like: bool


def hourly_excess(
    readings_kwh: pd.Series, timezone: str, window_days: int = WINDOW_DAYS
) -> pd.Series:
    """Excess kWh of each hour of the last ``window_days`` over its baseline (see module doc).

    ``readings_kwh``: kWh per interval (<= 1 h) on a tz-aware index; sub-hourly readings are
    summed to hours. Returns hourly excess on the UTC index, gaps dropped.
    """
    return hourly_excess_many([readings_kwh], [timezone], window_days)[0]


def hourly_excess_many(
    readings_kwh: Sequence[pd.Series], timezones: Sequence[str], window_days: int = WINDOW_DAYS
) -> list[pd.Series]:
    """:func:`hourly_excess` of many households: the two baselines are one grouped quantile
    each over the chunk (groups are a household's day, a household's hour of day)."""
    hourly = [_last_hours(readings, window_days) for readings in readings_kwh]
    if not any(len(h) for h in hourly):
        return hourly
    local = [
        pd.DatetimeIndex(h.index).tz_convert(zone)
        for h, zone in zip(hourly, timezones, strict=True)
    ]
    who = np.repeat(np.arange(len(hourly), dtype=np.int64), [len(h) for h in hourly])
    # one integer key per group (faster than grouping on two columns): household and local day,
    # household and local hour of day
    days = np.concatenate([_day_numbers(t) for t in local])
    day_key = who * (1 << 32) + (days - days.min())
    hour_key = who * 24 + np.concatenate([np.asarray(t.hour, dtype=np.int64) for t in local])
    values = pd.Series(np.concatenate([h.to_numpy() for h in hourly]))
    rest = values - values.groupby(day_key).transform("quantile", q=DAY_QUANTILE)
    excess = (rest - rest.groupby(hour_key).transform("quantile", q=HOUR_QUANTILE)).to_numpy()
    ends = np.cumsum([len(h) for h in hourly])
    return [
        pd.Series(part, index=h.index, name=h.name)
        for part, h in zip(np.split(excess, ends[:-1]), hourly, strict=True)
    ]


def _day_numbers(local: pd.DatetimeIndex) -> np.ndarray:
    """Each local time's calendar day as a day number (days since 1970-01-01, local)."""
    naive = np.asarray(local.tz_localize(None), dtype="datetime64[ns]")
    return naive.astype("datetime64[D]").astype(np.int64)


def _last_hours(readings_kwh: pd.Series, window_days: int) -> pd.Series:
    """The last ``window_days`` of readings summed to hours, gaps dropped."""
    readings = readings_kwh.dropna()
    if readings.empty:
        return readings.astype(float)
    readings = readings[readings.index > readings.index.max() - pd.Timedelta(days=window_days)]
    return readings.resample("h").sum(min_count=1).dropna().astype(float)


def cycle_runs(excess: pd.Series, timezone: str) -> pd.DataFrame:
    """Runs of consecutive hours above ``HOUR_EXCESS_KWH`` that qualify as one cycle.

    Returns one row per cycle: ``start`` (local timestamp), ``start_hour`` (local), ``day``
    (local date), ``hours`` and ``kwh`` (total excess over the run).
    """
    return cycle_runs_many([excess], [timezone])[0]


def cycle_runs_many(excess: Sequence[pd.Series], timezones: Sequence[str]) -> list[pd.DataFrame]:
    """:func:`cycle_runs` of many households: the runs' sizes and sums in one grouping."""
    above = [e[e >= HOUR_EXCESS_KWH] for e in excess]
    columns = ["start", "start_hour", "day", "hours", "kwh"]
    if not any(len(a) for a in above):
        return [pd.DataFrame(columns=columns) for _ in above]
    new_runs = []
    for part in above:
        gaps = np.diff(pd.DatetimeIndex(part.index).asi8, prepend=np.iinfo(np.int64).min // 2)
        new_runs.append(gaps != pd.Timedelta(hours=1).value)
    run_id = np.cumsum(np.concatenate(new_runs))  # a household's first hour starts a run
    values = pd.Series(np.concatenate([a.to_numpy(dtype=float) for a in above]))
    by_run = values.groupby(run_id)
    sizes, sums = by_run.size().to_numpy(), by_run.sum().to_numpy(dtype=float)
    first_run = 0
    tables = []
    for part, new_run, zone in zip(above, new_runs, timezones, strict=True):
        n_runs = int(new_run.sum())
        own = slice(first_run, first_run + n_runs)
        first_run += n_runs
        if not n_runs:
            tables.append(pd.DataFrame(columns=columns))
            continue
        starts = pd.DatetimeIndex(part.index)[new_run].tz_convert(zone)
        table = pd.DataFrame(
            {
                "start": starts,
                "start_hour": np.asarray(starts.hour),
                "day": np.asarray(starts.normalize().tz_localize(None)),
                "hours": sizes[own],
                "kwh": sums[own],
            }
        )
        keep = (table["hours"] <= MAX_RUN_HOURS) & (table["kwh"] >= CYCLE_KWH)
        tables.append(table[keep].reset_index(drop=True))
    return tables


def recurring_cycles(
    readings_kwh: pd.Series, timezone: str, window_days: int = WINDOW_DAYS
) -> list[DetectedCycle]:
    """Recurring cycles in the last ``window_days`` of readings, most frequent first."""
    return recurring_cycles_many([readings_kwh], [timezone], window_days)[0]


def recurring_cycles_many(
    readings_kwh: Sequence[pd.Series], timezones: Sequence[str], window_days: int = WINDOW_DAYS
) -> list[list[DetectedCycle]]:
    """:func:`recurring_cycles` of many households, the baselines and runs found group-wise."""
    excess = hourly_excess_many(readings_kwh, timezones, window_days)
    runs = cycle_runs_many(excess, timezones)
    return [
        _clusters(e, r, zone) if not e.empty else []
        for e, r, zone in zip(excess, runs, timezones, strict=True)
    ]


def _clusters(excess: pd.Series, runs: pd.DataFrame, timezone: str) -> list[DetectedCycle]:
    """Step 3-4 of the module doc: claim clusters of start hours while they recur enough."""
    n_days = pd.DatetimeIndex(excess.index).tz_convert(timezone).normalize().nunique()
    weeks = n_days / 7.0
    claimed = np.zeros(len(runs), dtype=bool)
    start_hours = runs["start_hour"].to_numpy(dtype=int)
    found = []
    while not claimed.all():
        counts = np.bincount(start_hours[~claimed], minlength=24)
        around = counts + np.roll(counts, 1) + np.roll(counts, -1)
        centre = int(np.argmax(around))
        distance = np.abs((start_hours - centre + 12) % 24 - 12)
        members = (~claimed) & (distance <= 1)
        cluster = runs[members]
        days_per_week = cluster["day"].nunique() / weeks
        if days_per_week < MIN_DAYS_PER_WEEK:
            break
        claimed |= members
        kwh = cluster["kwh"].to_numpy(dtype=float)
        hours = int(np.ceil(np.median(cluster["hours"].to_numpy(dtype=float))))
        p10, median, p90 = np.quantile(kwh, [0.1, 0.5, 0.9])
        found.append(
            DetectedCycle(
                start_hour=int(cluster["start_hour"].mode().min()),
                kwh=float(median),
                kwh_p10=float(p10),
                kwh_p90=float(p90),
                cycle_hours=hours,
                days_per_week=float(days_per_week),
                n_occurrences=len(cluster),
                weeks=float(weeks),
                ev_like=bool(median / hours >= EV_KW),
            )
        )
    return found


def undeclared_cycles(
    cycles: list[DetectedCycle], declared_start_hours: list[int], has_ev_charger: bool
) -> list[DetectedCycle]:
    """The cycles no declared appliance explains: none starting within +-1 h of a declared
    appliance's usual start, and no EV-like one when an EV charger is declared."""
    declared = np.asarray(declared_start_hours, dtype=int)

    def covered(cycle: DetectedCycle) -> bool:
        if cycle.ev_like and has_ev_charger:
            return True
        distance = np.abs((declared - cycle.start_hour + 12) % 24 - 12)
        return bool((distance <= 1).any())

    return [c for c in cycles if not covered(c)]
