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
from typing import NamedTuple

import numpy as np
import pandas as pd

from recommender.actions.home.profile import (
    LoadProfile,
    group_sizes,
    group_starts,
    last_days,
    local_clock,
    n_distinct,
    utc_ns,
)
from recommender.domain import DAY_NS, HOUR_NS, Household
from recommender.quantiles import linear_quantiles, median

WINDOW_DAYS = 56
DAY_QUANTILE = 0.2
HOUR_QUANTILE = 0.2
HOUR_EXCESS_KWH = 0.5
CYCLE_KWH = 1.0
MAX_RUN_HOURS = 4
MIN_DAYS_PER_WEEK = 2.0
EV_KW = 3.0
_BEFORE = (np.arange(24) - 1) % 24  # each hour's previous and next, round the clock
_AFTER = (np.arange(24) + 1) % 24


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


class WindowHours(NamedTuple):
    """A household's readings of the window summed to hours, gaps dropped, as arrays: each
    hour's kWh, UTC time (ns), local day number (days since 1970-01-01, local) and local hour."""

    kwh: np.ndarray
    utc_ns: np.ndarray
    day: np.ndarray
    hour: np.ndarray


class _Clock(NamedTuple):
    """A chunk's :class:`WindowHours` end to end, with each hour's household."""

    who: np.ndarray
    kwh: np.ndarray
    utc_ns: np.ndarray
    day: np.ndarray
    hour: np.ndarray


class _Runs(NamedTuple):
    """The chunk's cycles (qualifying runs), in household order: the household, local start
    hour, local day number, length (hours) and total excess (kWh) of each."""

    who: np.ndarray
    start_hour: np.ndarray
    day: np.ndarray
    hours: np.ndarray
    kwh: np.ndarray


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
    hours = [_hours_of(h, zone) for h, zone in zip(hourly, timezones, strict=True)]
    excess = _excess(_chunk_clock(hours))
    ends = np.cumsum([len(h) for h in hourly])
    return [
        pd.Series(part, index=h.index, name=h.name)
        for part, h in zip(np.split(excess, ends[:-1]), hourly, strict=True)
    ]


def window_hours(
    readings_kwh: pd.Series, timezone: str, window_days: int = WINDOW_DAYS
) -> WindowHours:
    """The last ``window_days`` of readings summed to hours, gaps dropped, with their local
    clock."""
    return _hours_of(_last_hours(readings_kwh, window_days), timezone)


def profile_window_hours(
    household: Household, profile: LoadProfile, window_days: int = WINDOW_DAYS
) -> WindowHours:
    """:func:`window_hours` of ``household``, cut from its load profile's last year where that is
    already on whole UTC hours in order (as parsed): the tail of its arrays, local clock
    included, not a second cut and conversion of the readings."""
    year = profile.last_year_kwh.index
    if window_days > 365 or not _on_whole_hours(year):
        return window_hours(household.readings_kwh, household.timezone, window_days)
    year_ns = utc_ns(year)
    # last_days' cut: after the last reading less window_days (the last year ends there too)
    tail = slice(
        int(np.searchsorted(year_ns, year_ns[-1] - window_days * DAY_NS, side="right")), None
    )
    return WindowHours(
        profile.last_year_kwh.to_numpy(dtype=float)[tail],
        year_ns[tail],
        profile.last_year_days[tail],
        profile.last_year_hours[tail],
    )


def _hours_of(hourly: pd.Series, timezone: str) -> WindowHours:
    if hourly.empty:
        return WindowHours(*(np.zeros(0, dtype=dtype) for dtype in (float, int, int, int)))
    index = pd.DatetimeIndex(hourly.index)
    day, hour = local_clock(index, timezone)
    return WindowHours(hourly.to_numpy(dtype=float), index.as_unit("ns").asi8, day, hour)


def _chunk_clock(hours: Sequence[WindowHours]) -> _Clock:
    who = np.repeat(np.arange(len(hours), dtype=np.int64), [len(h.kwh) for h in hours])
    return _Clock(who, *(np.concatenate(column) for column in zip(*hours, strict=True)))


def _excess(clock: _Clock) -> np.ndarray:
    """Each hour's reading less its two baselines (step 1 of the module doc), end to end."""
    # one integer key per group: household and local day, household and local hour of day
    day_key = clock.who * (1 << 32) + (clock.day - clock.day.min())
    rest = clock.kwh - _group_quantile(clock.kwh, day_key, DAY_QUANTILE)
    return rest - _group_quantile(rest, clock.who * 24 + clock.hour, HOUR_QUANTILE)


def _group_quantile(values: np.ndarray, keys: np.ndarray, q: float) -> np.ndarray:
    """Each value's group's ``q`` quantile (groups: equal ``keys``; values without NaN).

    Linear interpolation written as pandas' grouped quantile writes it (low + (high - low) x
    fraction; numpy's own quantile interpolates from the high side above half), so the figures
    are ``groupby(keys).transform("quantile")``'s bit for bit, without its per-call machinery.
    """
    order = _group_order(values, keys)
    ordered, sorted_keys = values[order], keys[order]
    starts = group_starts(sorted_keys)
    counts = group_sizes(starts, len(values))
    position = q * (counts - 1)
    fraction = position % 1
    low = starts + position.astype(np.int64)
    high = np.minimum(low + 1, len(values) - 1)
    gap = ordered[high] - ordered[low]
    per_group = np.where(fraction == 0, ordered[low], ordered[low] + gap * fraction)
    quantiles = np.empty_like(values)
    quantiles[order] = np.repeat(per_group, counts)
    return quantiles


def _group_order(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Positions that put ``values`` in groups (equal ``keys``, contiguous) and in order within
    each: ``np.lexsort((values, keys))``'s up to the order of equal values, which no quantile
    sees. Where the groups can be numbered in 16 bits (keys in order, as a chunk's household
    days come, or small, as its household hours of day), one sort of the values then a radix
    sort of their group numbers (numpy's stable sort of 16-bit integers): lexsort's two stable
    sorts of a chunk's hours cost several times more."""
    if not len(keys):
        return np.zeros(0, dtype=np.intp)
    if np.all(keys[1:] >= keys[:-1]):
        changes = np.zeros(len(keys), dtype=np.int64)
        np.not_equal(keys[1:], keys[:-1], out=changes[1:], casting="unsafe")
        groups = np.cumsum(changes)  # numbered in order, from 0
    else:
        groups = keys - keys.min()
    if groups.max() >= 1 << 16:
        return np.lexsort((values, keys))
    by_value = np.argsort(values)
    return by_value[np.argsort(groups.astype(np.uint16)[by_value], kind="stable")]


def _last_hours(readings_kwh: pd.Series, window_days: int) -> pd.Series:
    """The last ``window_days`` of readings summed to hours, gaps dropped."""
    readings = last_days(readings_kwh, window_days)
    # already hourly (as parsed): resampling would change nothing, at a cost
    if readings.empty or _on_whole_hours(pd.DatetimeIndex(readings.index)):
        return readings.astype(float)
    return readings.resample("h").sum(min_count=1).dropna().astype(float)


def _on_whole_hours(index: pd.Index) -> bool:
    """Is ``index`` UTC, strictly increasing and on whole hours (each its own hourly bin)?"""
    if str(getattr(index, "tz", None)) != "UTC":
        return False
    ns = utc_ns(index)
    return bool(np.all(ns[1:] > ns[:-1])) and not (ns % HOUR_NS).any()


def _cycle_runs(excess: np.ndarray, clock: _Clock) -> _Runs:
    """Runs of consecutive hours above ``HOUR_EXCESS_KWH`` that qualify as one cycle (step 2)."""
    above = np.flatnonzero(excess >= HOUR_EXCESS_KWH)
    who, utc_ns = clock.who[above], clock.utc_ns[above]
    new_run = np.ones(len(above), dtype=bool)  # a household's first hour starts a run
    new_run[1:] = (np.diff(utc_ns) != HOUR_NS) | (np.diff(who) != 0)
    starts = np.flatnonzero(new_run)
    # runs are in order: np.add.reduceat adds each as pandas' grouped sum did (see day_totals)
    kwh = np.add.reduceat(excess[above], starts)
    hours = group_sizes(starts, len(above))
    first = above[new_run]
    keep = (hours <= MAX_RUN_HOURS) & (kwh >= CYCLE_KWH)
    return _Runs(
        who=clock.who[first][keep],
        start_hour=clock.hour[first][keep],
        day=clock.day[first][keep],
        hours=hours[keep],
        kwh=kwh[keep],
    )


def recurring_cycles(
    readings_kwh: pd.Series, timezone: str, window_days: int = WINDOW_DAYS
) -> list[DetectedCycle]:
    """Recurring cycles in the last ``window_days`` of readings, most frequent first."""
    return recurring_cycles_many([readings_kwh], [timezone], window_days)[0]


def recurring_cycles_many(
    readings_kwh: Sequence[pd.Series], timezones: Sequence[str], window_days: int = WINDOW_DAYS
) -> list[list[DetectedCycle]]:
    """:func:`recurring_cycles` of many households, the baselines and runs found group-wise."""
    return recurring_cycles_in(
        [
            window_hours(readings, zone, window_days)
            for readings, zone in zip(readings_kwh, timezones, strict=True)
        ]
    )


def recurring_cycles_in(hours: Sequence[WindowHours]) -> list[list[DetectedCycle]]:
    """Recurring cycles in each household's hours of the window (:func:`window_hours`, or
    :func:`profile_window_hours` where a load profile has them already)."""
    if not any(len(h.kwh) for h in hours):
        return [[] for _ in hours]
    clock = _chunk_clock(hours)
    runs = _cycle_runs(_excess(clock), clock)
    # each household's distinct local days (its weeks of readings)
    day_keys = np.sort(clock.who * (1 << 32) + (clock.day - clock.day.min()))
    n_days = np.bincount(day_keys[group_starts(day_keys)] >> 32, minlength=len(hours))
    bounds = np.searchsorted(runs.who, np.arange(len(hours) + 1))
    return [
        _clusters(_Runs(*(column[a:b] for column in runs)), int(days)) if len(h.kwh) else []
        for h, days, a, b in zip(hours, n_days, bounds[:-1], bounds[1:], strict=True)
    ]


def _clusters(runs: _Runs, n_days: int) -> list[DetectedCycle]:
    """Step 3-4 of the module doc: claim clusters of start hours while they recur enough."""
    weeks = n_days / 7.0
    claimed = np.zeros(len(runs.kwh), dtype=bool)
    found = []
    while not claimed.all():
        counts = np.bincount(runs.start_hour[~claimed], minlength=24)
        around = counts + counts[_BEFORE] + counts[_AFTER]  # np.roll's by 1 and -1
        centre = int(np.argmax(around))
        distance = np.abs((runs.start_hour - centre + 12) % 24 - 12)
        members = (~claimed) & (distance <= 1)
        days_per_week = n_distinct(runs.day[members]) / weeks
        if days_per_week < MIN_DAYS_PER_WEEK:
            break
        claimed |= members
        kwh = runs.kwh[members]
        hours = int(np.ceil(median(runs.hours[members].astype(float))))  # np.median's
        p10, kwh_median, p90 = linear_quantiles(kwh, (0.1, 0.5, 0.9))  # np.quantile's figures
        found.append(
            DetectedCycle(
                # the commonest start hour, the earliest of ties (argmax takes the first)
                start_hour=int(np.argmax(np.bincount(runs.start_hour[members], minlength=24))),
                kwh=float(kwh_median),
                kwh_p10=float(p10),
                kwh_p90=float(p90),
                cycle_hours=hours,
                days_per_week=float(days_per_week),
                n_occurrences=int(members.sum()),
                weeks=float(weeks),
                ev_like=bool(kwh_median / hours >= EV_KW),
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
