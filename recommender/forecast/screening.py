"""Screening a household's history before it is learned from: vacancies, outages, level shifts.

A forecast of next year assumes the household lives as it did; three things in the field break
that, and none of them should be learned as a season:

* **vacancy**: a run of at least :data:`VACANT_MIN_DAYS` local days each using under
  :data:`VACANT_FRACTION` of the household's median day (a holiday, an empty flat between tenants).
  Those hours are **excluded** (set to NaN) from the profiles, the level and the training rows:
  an absence is not expected to recur on the same dates, and re-levelling it would invent use.
  Electricity only: a gas meter's zero-use summer is its season, not a vacancy (said in the
  warning).
* **outage**: a run of at least 24 hours of exact zeros on an electricity meter (a meter or
  supply failure; a lived-in home always has a base load), or of missing hours. Zeros are
  excluded like a vacancy; missing hours already are.
* **level shift**: found where the level is read, in :mod:`recommender.forecast.global_model`
  (it needs the model's seasonal shape to tell a new level from a winter); see
  :func:`level_shift`. Electricity only, like the rest (:func:`screened_as_electricity`).

Every finding becomes a warning shown with the forecast and in ``greenrec evaluate``. The
thresholds are stated here, not tuned on any test period: 20 % of a median day is below any
lived-in day of the bundled meters' training years (their lowest full days are 33-45 % of the
median) and 7 days is a week away. ``benchmarks/forecast_defaults.py`` re-checks them on
validation splits of the training years.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from recommender.clock import day_starts_ns
from recommender.domain import DAY_NS, FUELS, HOUR_NS
from recommender.errors import InvalidInput, Problem
from recommender.forecast.features import local_days
from recommender.quantiles import nanmedian_rows

VACANT_FRACTION = 0.2
VACANT_MIN_DAYS = 7
OUTAGE_MIN_HOURS = 24
GAPS_LISTED = 3  # gaps told one by one; more are told in one warning (a daily meter missing
# every fifth day would otherwise get a warning a gap)
SHIFT_WINDOW_DAYS = 28
SHIFT_MIN_RATIO = 1.3  # a 30 % fall (1 / 0.7 = 1.43) or a 30 % rise is a shift


def screened_as_electricity(fuel: str) -> bool:
    """Whether a history is screened for vacancies, outages and level shifts, and its level read
    with recency: electricity only. A gas meter follows its heating season, near zero in summer
    and many times that in winter, far beyond any shape learned from electricity meters: its
    zero summer is no vacancy, the start of its heating season no new level, and its latest
    months tell its season, not its level (which is read over its whole history instead)."""
    return fuel == "electricity"


class Screening(NamedTuple):
    """``kwh`` with the excluded hours set to NaN, and what was found, per household."""

    kwh: np.ndarray
    warnings: list[list[str]]


def local_day_lengths(index: pd.DatetimeIndex, timezone: str) -> tuple[np.ndarray, np.ndarray]:
    """Positions where each local day starts in ``index`` and the hours that day truly has
    (23, 24 or 25 across DST), so a day cut short by the ends of ``index`` can be told apart."""
    days = local_days(index, timezone)
    starts = np.flatnonzero(np.r_[True, days[1:] != days[:-1]])
    day_numbers = days[starts] // DAY_NS
    hours = np.empty(len(starts), dtype=np.intp)
    for first in np.unique(day_numbers // _DAYS_PER_TABLE):  # a table per ~year and zone
        table = _day_hours(timezone, int(first))
        inside = day_numbers // _DAYS_PER_TABLE == first
        hours[inside] = table[day_numbers[inside] - first * _DAYS_PER_TABLE]
    return starts, hours


_DAYS_PER_TABLE = 366


@lru_cache(maxsize=64)
def _day_hours(timezone: str, table: int) -> np.ndarray:
    """The hours each local day of one run of :data:`_DAYS_PER_TABLE` days has (23, 24 or 25),
    by day number from ``table * _DAYS_PER_TABLE``: from its first instant to the next day's
    (:func:`recommender.clock.day_starts_ns`: where the clocks go back from 01:00 to midnight,
    as in Cuba, the day begins at the first of the two midnights and has 25 hours)."""
    first = table * _DAYS_PER_TABLE
    starts = day_starts_ns(np.arange(first, first + _DAYS_PER_TABLE + 1), timezone)
    hours = (np.diff(starts) // HOUR_NS).astype(np.intp)
    hours.flags.writeable = False
    return hours


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` of each run of True in a 1-D bool array."""
    edges = np.diff(np.r_[0, flags.astype(np.int8), 0])
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def _describe(index: pd.DatetimeIndex, timezone: str, start: int, stop: int) -> str:
    first = index[start].tz_convert(timezone).date()
    last = index[stop - 1].tz_convert(timezone).date()
    return f"{first} to {last}"


def screen_history(
    kwh: np.ndarray, index: pd.DatetimeIndex, timezone: str, fuel: str = "electricity"
) -> Screening:
    """Find vacancies and outages in ``(n, T)`` hourly kWh on ``index``; exclude them.

    Vectorised over households for the day totals; the loop is over the (few) runs found.
    """
    kwh = np.atleast_2d(np.array(kwh, dtype=np.float64))
    n, n_hours = kwh.shape
    warnings: list[list[str]] = [[] for _ in range(n)]
    if n_hours == 0:
        return Screening(kwh, warnings)
    starts, lengths = local_day_lengths(index[:n_hours], timezone)
    present = np.diff(np.r_[starts, n_hours])
    known = ~np.isnan(kwh)
    read = np.add.reduceat(known.astype(np.intp), starts, axis=1)
    totals = np.add.reduceat(np.where(known, kwh, 0.0), starts, axis=1)
    full = (read == lengths[None, :]) & (present == lengths)[None, :]
    day_totals = np.where(full, totals, np.nan)
    median_day = np.full(n, np.nan)
    has_full = full.any(axis=1)
    if has_full.any():
        median_day[has_full] = nanmedian_rows(day_totals[has_full])
    exclude = np.zeros_like(known)
    day_of_hour = np.repeat(np.arange(len(starts)), present)
    for row in range(n):
        _gap_warnings(known[row], index, timezone, warnings[row])
        if not screened_as_electricity(fuel):
            continue
        excluded = np.zeros(n_hours, dtype=bool)
        vacancies: list[str] = []
        if has_full[row] and median_day[row] > 0:
            with np.errstate(invalid="ignore", divide="ignore"):
                day_rate = totals[row] / read[row] * lengths
            # a day is judged on its hours read (at least half of them); fewer break a run
            low_days = (2 * read[row] >= lengths) & (day_rate < VACANT_FRACTION * median_day[row])
            vacancies = _vacancies(
                low_days, day_of_hour, median_day[row], index, timezone, excluded
            )
        zeros = known[row] & (kwh[row] <= 0.0)
        for start, stop in _runs(zeros):
            if stop - start < OUTAGE_MIN_HOURS:
                continue
            # zeros inside a vacancy told below are that vacancy, not told twice; any other run
            # (a year of zeros has no median day to be a vacancy of) is told as an outage
            if not excluded[start:stop].all():
                warnings[row].append(
                    f"outage: {stop - start} hours of zero readings, "
                    f"{_describe(index, timezone, start, stop)}; excluded"
                )
            excluded[start:stop] = True
        warnings[row].extend(vacancies)
        exclude[row] = excluded
    if not screened_as_electricity(fuel):
        for notes in warnings:
            notes.append(
                f"{fuel}: no vacancy or outage screening (a zero-use summer is this fuel's season)"
            )
    return Screening(np.where(exclude, np.nan, kwh), warnings)


def _vacancies(
    low_days: np.ndarray,
    day_of_hour: np.ndarray,
    median_day_kwh: float,
    index: pd.DatetimeIndex,
    timezone: str,
    excluded: np.ndarray,
) -> list[str]:
    """Mark in ``excluded`` the hours of each run of :data:`VACANT_MIN_DAYS` or more low days,
    and say what each run was."""
    told: list[str] = []
    for start, stop in _runs(low_days):
        if stop - start < VACANT_MIN_DAYS:
            continue
        hours = (day_of_hour >= start) & (day_of_hour < stop)
        excluded |= hours
        first, last = np.flatnonzero(hours)[[0, -1]]
        told.append(
            f"vacancy: {stop - start} days under {VACANT_FRACTION:.0%} of the median day "
            f"({median_day_kwh:.2f} kWh), {_describe(index, timezone, first, last + 1)}; "
            "excluded from the profile, level and training (not expected to recur)"
        )
    return told


def _gap_warnings(known: np.ndarray, index, timezone: str, out: list[str]) -> None:
    """Warn of each run of at least a day of missing hours inside the history."""
    if not known.any():
        return
    first, last = np.flatnonzero(known)[[0, -1]]
    gaps = [
        (first + start, first + stop)
        for start, stop in _runs(~known[first : last + 1])
        if stop - start >= OUTAGE_MIN_HOURS
    ]
    if len(gaps) <= GAPS_LISTED:
        for start, stop in gaps:
            out.append(
                f"gap: {stop - start} hours without readings, "
                f"{_describe(index, timezone, start, stop)}; left out"
            )
        return
    hours = sum(stop - start for start, stop in gaps)
    some = ", ".join(_describe(index, timezone, start, stop) for start, stop in gaps[:GAPS_LISTED])
    out.append(
        f"gap: {len(gaps)} gaps of a day or more without readings ({hours} hours in all), "
        f"the first {some}; left out"
    )


def level_shift(
    actual: np.ndarray,
    predicted: np.ndarray,
    samples_per_window: int,
    min_ratio: float = SHIFT_MIN_RATIO,
) -> tuple[np.ndarray, np.ndarray]:
    """Where each household's level shifted for good, on time-ordered samples of its history.

    ``actual`` and ``predicted`` are ``(n, k)`` (NaN where unread): the readings and what the
    model's seasonal shape says at the same hours, so a winter is not a shift. At each candidate
    sample the ratio actual/predicted of the window after it is compared with the window before;
    the largest change counts as a shift when it is at least ``min_ratio`` either way
    *and* everything after it differs from everything before it by as much (a holiday week or a
    cold snap is not a new level). Returns the first sample of the new level (``-1`` for none)
    and the ratio after/before.
    """
    n, k = actual.shape
    position = np.full(n, -1, dtype=np.intp)
    change = np.ones(n)
    w = samples_per_window
    if k < 2 * w + 1:
        return position, change
    known = ~(np.isnan(actual) | np.isnan(predicted))
    zero = np.zeros((n, 1))
    a = np.concatenate([zero, np.cumsum(np.where(known, actual, 0.0), axis=1)], axis=1)
    p = np.concatenate([zero, np.cumsum(np.where(known, predicted, 0.0), axis=1)], axis=1)
    cuts = np.arange(w, k - w + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        before = (a[:, cuts] - a[:, cuts - w]) / (p[:, cuts] - p[:, cuts - w])
        after = (a[:, cuts + w] - a[:, cuts]) / (p[:, cuts + w] - p[:, cuts])
        step = np.abs(np.log(after / before))
        all_before = a[:, cuts] / p[:, cuts]
        all_after = (a[:, -1:] - a[:, cuts]) / (p[:, -1:] - p[:, cuts])
        lasting = np.abs(np.log(all_after / all_before)) >= np.log(min_ratio)
    step = np.where(np.isfinite(step) & lasting, step, 0.0)
    best = np.argmax(step, axis=1)
    found = step[np.arange(n), best] >= np.log(min_ratio)
    position[found] = cuts[best[found]]
    change[found] = (all_after / all_before)[np.arange(n), best][found]
    return position, change


def level_notes(
    shift_position: np.ndarray,
    shift_change: np.ndarray,
    index: pd.DatetimeIndex,
    timezone: str,
    out: list[list[str]],
) -> None:
    """Append to ``out[row]`` a warning for each household whose level shifted."""
    for row, position in enumerate(shift_position):
        if position >= 0:
            when = index[int(position)].tz_convert(timezone).date()
            out[row].append(
                f"level shift: use changed by {shift_change[row] - 1:+.0%} from about {when}, "
                "beyond what season explains; the year-ahead level is read from the readings since"
            )


def screen_series(
    series_list: list[pd.Series], fuels: list[str] | None, timezone: str
) -> tuple[list[pd.Series], list[list[str]]]:
    """:func:`screen_history` of each training series (``fuels`` default to electricity)."""
    fuels = list(fuels) if fuels is not None else ["electricity"] * len(series_list)
    problems = [
        Problem(f"fuels[{i}]", f"{fuel!r}", f"one of {FUELS}")
        for i, fuel in enumerate(fuels)
        if fuel not in FUELS
    ]
    if len(fuels) != len(series_list):
        problems.append(Problem("fuels", f"{len(fuels)} entries", "one per series"))
    if problems:
        raise InvalidInput(problems, source="training series")
    screened, found = [], []
    for series, fuel in zip(series_list, fuels, strict=True):
        index = pd.DatetimeIndex(series.index)
        result = screen_history(series.to_numpy()[None, :], index, timezone, fuel)
        screened.append(pd.Series(result.kwh[0], index=index))
        found.append(result.warnings[0])
    return screened, found
