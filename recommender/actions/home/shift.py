"""Load shifting: the start time of each flexible appliance's cycle that is best for carbon and
money together, inside the household's quiet hours and ready-by time.

The day is cut into 48 half-hour start slots (local wall-clock). For each of the next ``n_days``
days and each start slot, the cycle's mean forecast intensity and mean price over its run are
computed at once (cumulative sums over one half-hourly forecast). The recommended start is one
time of day, kept every day (a habit), chosen on the average over those days.

Choice rule (``choose_start``): only starts that are allowed and no worse than the usual start on
*both* carbon and money are candidates, so a recommended shift never costs more and never emits
more on the forecast. Among them the score is ``w * carbon + (1 - w) * money``, each scaled by its
spread over the candidates (``w`` = Preferences.carbon_weight); ties go to the start closest to the
usual one. Power is taken as constant over the cycle (a dishwasher heats water early: an
approximation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from typing import Any

import numpy as np
import pandas as pd

from recommender.domain import Appliance, Household
from recommender.grid.providers import IntensityProvider, intensity_forecast
from recommender.grid.tariffs import price_per_kwh_series

SLOT_MINUTES = 30
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES


def slot_of(moment: time) -> int:
    """Half-hour slot (0-47) containing a wall-clock time."""
    return (moment.hour * 60 + moment.minute) // SLOT_MINUTES


def slot_time(slot: int) -> str:
    minutes = (int(slot) % SLOTS_PER_DAY) * SLOT_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def cycle_slots(cycle_hours: float) -> int:
    """Number of half-hour slots a cycle occupies (rounded up, at least one)."""
    return max(1, int(np.ceil(cycle_hours * 60 / SLOT_MINUTES - 1e-9)))


def _slots_in(start: time, end: time) -> np.ndarray:
    """Boolean (48,): slots overlapping the wall-clock interval [start, end) (may wrap)."""
    minute = np.zeros(24 * 60, dtype=bool)
    a, b = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    length = (b - a) % 1440 or 1440
    minute[(a + np.arange(length)) % 1440] = True
    return np.asarray(minute.reshape(SLOTS_PER_DAY, SLOT_MINUTES).any(axis=1), dtype=bool)


def feasible_starts(
    usual_slot: int,
    n_slots: int,
    quiet_hours: tuple[time, time] | None = None,
    ready_by: time | None = None,
) -> np.ndarray:
    """Boolean (48,): may a cycle of ``n_slots`` start in each slot?

    Quiet hours: no slot of the run may overlap them. Ready-by: the cycle starts at or after the
    usual start (when the machine is loaded) and ends by ``ready_by`` (the next one, wrapping past
    midnight); without ``ready_by`` any time of day is allowed.
    """
    starts = np.arange(SLOTS_PER_DAY)
    run = (starts[:, None] + np.arange(n_slots)[None, :]) % SLOTS_PER_DAY
    ok = np.ones(SLOTS_PER_DAY, dtype=bool)
    if quiet_hours is not None:
        quiet = _slots_in(*quiet_hours)
        ok &= ~quiet[run].any(axis=1)
    if ready_by is not None:
        ready_minutes = ready_by.hour * 60 + ready_by.minute
        usual_minutes = usual_slot * SLOT_MINUTES
        room = (ready_minutes - usual_minutes) % 1440 or 1440
        offset = ((starts - usual_slot) % SLOTS_PER_DAY) * SLOT_MINUTES
        ok &= offset + n_slots * SLOT_MINUTES <= room
    return ok


def choose_start(
    carbon: np.ndarray, price: np.ndarray, feasible: np.ndarray, usual_slot: int, weight: float
) -> int | None:
    """The best start slot for per-slot ``carbon`` and ``price`` (48,), or None if no allowed start
    is at least as good as the usual one on both (see module docstring)."""
    tol = 1e-9
    candidates = (
        feasible & (carbon <= carbon[usual_slot] + tol) & (price <= price[usual_slot] + tol)
    )
    if not candidates.any():
        return None
    score = np.zeros(SLOTS_PER_DAY)
    for values, w in ((carbon, weight), (price, 1.0 - weight)):
        spread = np.ptp(values[candidates])
        if spread > tol and w > 0:
            score += w * (values - values[candidates].min()) / spread
    score = np.where(candidates, score, np.inf)
    distance = np.minimum(
        (np.arange(SLOTS_PER_DAY) - usual_slot) % SLOTS_PER_DAY,
        (usual_slot - np.arange(SLOTS_PER_DAY)) % SLOTS_PER_DAY,
    )
    # round the score so float noise does not beat the tie-break by distance
    order = np.lexsort((distance, np.round(score, 9)))
    return int(order[0])


@dataclass(frozen=True)
class WindowTable:
    """Per (day, start slot) mean forecast intensity, its error and mean price over a cycle."""

    days: pd.DatetimeIndex  # local midnights
    g_per_kwh: np.ndarray  # (n_days, 48)
    error_g_per_kwh: np.ndarray  # (n_days, 48), mean of the slots' 1-sd errors (errors in one run
    # move together)
    price_per_kwh: np.ndarray  # (n_days, 48)


WindowCache = dict[tuple[Any, ...], Any]


def window_table(
    household: Household,
    n_slots: int,
    first_day: pd.Timestamp,
    n_days: int,
    provider: IntensityProvider | None = None,
    shared: WindowCache | None = None,
) -> WindowTable:
    """Cycle means for every start slot of ``n_days`` local days from ``first_day`` (vectorised).

    ``shared`` keeps the parts households have in common, for a chunk of them: the slot layout
    (zone, days, cycle length), the intensity runs (and region) and the price runs (and tariff),
    each computed once (the intensity forecast is the costly part). One provider per ``shared``.
    """
    cache: WindowCache = {} if shared is None else shared
    zone = household.timezone
    day0 = pd.Timestamp(first_day).tz_convert(zone).normalize().tz_localize(None)
    key = (zone, day0, n_days, n_slots)
    if ("layout", *key) not in cache:
        cache[("layout", *key)] = _slot_layout(zone, day0, n_days, n_slots)
    days, grid, run_mean = cache[("layout", *key)]
    carbon_key = ("carbon", household.region, *key)
    if carbon_key not in cache:
        forecast = intensity_forecast(household.region, grid, timezone=zone, provider=provider)
        cache[carbon_key] = (
            run_mean(forecast["g_per_kwh"].to_numpy(dtype=float)),
            run_mean(forecast["error_g_per_kwh"].to_numpy(dtype=float)),
        )
    price_key = ("price", household.tariff, *key)
    if price_key not in cache:
        price = price_per_kwh_series(household.tariff, grid, zone).to_numpy(dtype=float)
        cache[price_key] = run_mean(price)
    g_per_kwh, error_g_per_kwh = cache[carbon_key]
    return WindowTable(
        days=days,
        g_per_kwh=g_per_kwh,
        error_g_per_kwh=error_g_per_kwh,
        price_per_kwh=cache[price_key],
    )


def _slot_layout(
    zone: str, day0: pd.Timestamp, n_days: int, n_slots: int
) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex, Callable[[np.ndarray], np.ndarray]]:
    """The local days, the half-hourly UTC grid they need and the mean over each start's run."""
    offsets = (
        np.arange(n_days)[:, None] * 24 * 60 + np.arange(SLOTS_PER_DAY)[None, :] * SLOT_MINUTES
    ).ravel()
    flat = pd.DatetimeIndex(day0 + pd.to_timedelta(offsets, unit="min"))
    starts = flat.tz_localize(
        zone, ambiguous=np.zeros(len(flat), dtype=bool), nonexistent="shift_forward"
    ).tz_convert("UTC")
    t0 = starts.min().floor("30min")
    n_grid = int((starts.max() - t0) / pd.Timedelta(minutes=SLOT_MINUTES)) + n_slots + 1
    grid = pd.date_range(t0, periods=n_grid, freq="30min")
    position = ((starts.floor("30min") - t0) // pd.Timedelta(minutes=SLOT_MINUTES)).to_numpy()

    def run_mean(values: np.ndarray) -> np.ndarray:
        cumulative = np.concatenate([[0.0], np.cumsum(values)])
        means = ((cumulative[position + n_slots] - cumulative[position]) / n_slots).reshape(
            n_days, SLOTS_PER_DAY
        )
        means.flags.writeable = False  # shared by the households of a chunk
        return means

    days = pd.DatetimeIndex([day0 + pd.Timedelta(days=i) for i in range(n_days)]).tz_localize(zone)
    return days, grid, run_mean


@dataclass(frozen=True)
class ShiftPlan:
    """The chosen start of one appliance and what it changes per cycle (forecast averages)."""

    kind: str
    usual_slot: int
    usual_source: str
    best_slot: int
    n_slots: int
    usual_g_per_kwh: float
    best_g_per_kwh: float
    delta_error_g_per_kwh: float  # 1 sd of (usual - best) for one cycle
    usual_price_per_kwh: float
    best_price_per_kwh: float
    next_days: tuple[dict[str, object], ...]

    @property
    def schedule(self) -> dict[str, str]:
        return {"start": slot_time(self.best_slot), "end": slot_time(self.best_slot + self.n_slots)}


def plan_shift(
    household: Household,
    appliance: Appliance,
    table: WindowTable,
    n_slots: int,
    usual_slot: int,
    usual_source: str,
) -> ShiftPlan | None:
    """Choose the start for one appliance from a precomputed :class:`WindowTable`."""
    prefs = household.preferences
    feasible = feasible_starts(usual_slot, n_slots, prefs.quiet_hours, prefs.ready_by)
    carbon = table.g_per_kwh.mean(axis=0)
    price = table.price_per_kwh.mean(axis=0)
    best = choose_start(carbon, price, feasible, usual_slot, prefs.carbon_weight)
    if best is None:
        return None
    delta_sd = np.sqrt(
        table.error_g_per_kwh[:, usual_slot] ** 2 + table.error_g_per_kwh[:, best] ** 2
    )
    next_days = []
    for d, day in enumerate(table.days):
        pick = choose_start(
            table.g_per_kwh[d], table.price_per_kwh[d], feasible, usual_slot, prefs.carbon_weight
        )
        if pick is not None:
            next_days.append(
                {
                    "date": f"{day:%Y-%m-%d}",
                    "start": slot_time(pick),
                    "end": slot_time(pick + n_slots),
                    "g_per_kwh": float(table.g_per_kwh[d, pick]),
                    "usual_g_per_kwh": float(table.g_per_kwh[d, usual_slot]),
                    "price_per_kwh": float(table.price_per_kwh[d, pick]),
                }
            )
    return ShiftPlan(
        kind=appliance.kind,
        usual_slot=usual_slot,
        usual_source=usual_source,
        best_slot=best,
        n_slots=n_slots,
        usual_g_per_kwh=float(carbon[usual_slot]),
        best_g_per_kwh=float(carbon[best]),
        delta_error_g_per_kwh=float(delta_sd.mean()),
        usual_price_per_kwh=float(price[usual_slot]),
        best_price_per_kwh=float(price[best]),
        next_days=tuple(next_days),
    )
