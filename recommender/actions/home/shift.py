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

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from recommender.domain import MINUTE_NS, Household
from recommender.grid.providers import IntensityProvider, OfflineProvider, intensity_arrays
from recommender.grid.tariffs import price_per_kwh_series

SLOT_MINUTES = 30
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES
SLOT_NS = SLOT_MINUTES * MINUTE_NS


def slot_of(moment: time) -> int:
    """Half-hour slot (0-47) containing a wall-clock time."""
    return (moment.hour * 60 + moment.minute) // SLOT_MINUTES


# each slot's start as "HH:MM", written once (a plan writes two a day of its schedule)
SLOT_TEXT = tuple(f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 24 * 60, SLOT_MINUTES))


def slot_time(slot: int) -> str:
    """ "HH:MM" of a slot's start (slots past the day wrap: a run's end may be tomorrow's)."""
    return SLOT_TEXT[int(slot) % SLOTS_PER_DAY]


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
    (best,) = choose_starts(carbon[None, :], price[None, :], feasible, usual_slot, weight)
    return None if best < 0 else int(best)


def choose_starts(
    carbon: np.ndarray,
    price: np.ndarray,
    feasible: np.ndarray,
    usual_slot: int | np.ndarray,
    weight: float,
) -> np.ndarray:
    """:func:`choose_start` of each row of (n, 48) ``carbon`` and ``price`` at once (a plan's
    average and each of its days; the plans of a household's appliances stacked): the best start
    slot of each row, -1 where there is none. ``feasible``: (48,) or each row's (n, 48);
    ``usual_slot``: one or each row's (n,). Each row is chosen as alone."""
    tol = 1e-9
    n_rows = len(carbon)
    usual = np.broadcast_to(usual_slot, (n_rows,))
    at_usual = np.arange(n_rows), usual
    candidates = (
        feasible
        & (carbon <= carbon[at_usual][:, None] + tol)
        & (price <= price[at_usual][:, None] + tol)
    )
    best = np.full(n_rows, -1)
    has = candidates.any(axis=1)
    rows: slice | np.ndarray = slice(None)  # every row has a candidate (as a plan's mostly do)
    if not has.all():
        rows = np.flatnonzero(has)
        if not len(rows):
            return best
        candidates, carbon, price = candidates[rows], carbon[rows], price[rows]
    score = np.zeros(candidates.shape)
    for values, w in ((carbon, weight), (price, 1.0 - weight)):
        if not w > 0:  # the measure weighs nothing: its term is 0.0 in every slot
            continue
        low = np.where(candidates, values, np.inf).min(axis=1, keepdims=True)
        spread = np.where(candidates, values, -np.inf).max(axis=1, keepdims=True) - low
        scaled = spread > tol  # rows whose candidates differ on this measure
        score += np.where(scaled, w * (values - low) / np.where(scaled, spread, 1.0), 0.0)
    score = np.where(candidates, score, np.inf)
    # round the score so float noise does not beat the tie-break by distance
    best[rows] = _lowest_then_nearest(np.round(score, 9), _distances()[usual[rows]])
    return best


@lru_cache(maxsize=1)
def _distances() -> np.ndarray:
    """(48, 48): each slot's distance (in slots, either way round the clock) from each usual
    slot (a row per usual slot; read-only)."""
    slots = np.arange(SLOTS_PER_DAY)
    apart = (slots[None, :] - slots[:, None]) % SLOTS_PER_DAY
    distance = np.minimum(apart, (-apart) % SLOTS_PER_DAY)
    distance.flags.writeable = False
    return distance


def _lowest_then_nearest(score: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """Each row's slot of lowest ``score``, ties to the one of least ``distance`` (from the
    row's usual slot), then to the earliest: ``np.lexsort((distance, score))[:, 0]``, which sorts
    every row to read its first, as a minimum and an argmin (which takes the first of equals).
    Where a score is NaN (sorted last by lexsort, and no minimum) lexsort itself."""
    if np.isnan(score).any():
        return np.lexsort((distance, score), axis=-1)[:, 0]
    lowest = score == score.min(axis=1, keepdims=True)
    return np.where(lowest, distance, SLOTS_PER_DAY).argmin(axis=1)  # 48: farther than any


@dataclass(frozen=True)
class WindowTable:
    """Per (day, start slot) mean forecast intensity, its error and mean price over a cycle."""

    dates: tuple[str, ...]  # the local days, "YYYY-MM-DD"
    g_per_kwh: np.ndarray  # (n_days, 48)
    error_g_per_kwh: np.ndarray  # (n_days, 48), mean of the slots' 1-sd errors (errors in one run
    # move together)
    price_per_kwh: np.ndarray  # (n_days, 48)
    # (1 + n_days, 48): the days' average intensity (the start kept every day is chosen on it),
    # then each day's (each day's own best start): what :func:`~.plan.plan_shifts` chooses on
    g_rows: np.ndarray
    price_rows: np.ndarray  # and the same of price


WindowCache = dict[tuple[Any, ...], Any]

# parts of the packaged provider's windows kept across calls (a window: its layout, intensity
# sums, price sums per tariff, run means per cycle length and their rows with the days' average
# first). On benchmarks/home_forecast_chunk.py's mixed 64 households (38 seven-day windows, 587
# parts since the rows are kept; 400 before) a part took 3.1 kB on average; 14-day windows take
# twice that, so 1,024 parts stay under 7 MB
KEPT_PARTS = 1024


class KeptParts(OrderedDict[tuple[Any, ...], Any]):
    """A :data:`WindowCache` kept across calls, bounded: past ``size`` parts the least recently
    used one is dropped."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def __getitem__(self, key: tuple[Any, ...]) -> Any:
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def __setitem__(self, key: tuple[Any, ...], value: Any) -> None:
        super().__setitem__(key, value)
        if len(self) > self.size:
            self.popitem(last=False)


_OFFLINE_PARTS = KeptParts(KEPT_PARTS)


def window_cache(provider: IntensityProvider) -> WindowCache:
    """Where a chunk's window parts are kept: for the packaged :class:`OfflineProvider` (the same
    figures whenever asked: tomorrow's windows are the same all day, and a batch scored at one
    instant asks for the same ones chunk after chunk) one store kept across calls; for any other
    provider (a live forecast moves) a new one per chunk."""
    return _OFFLINE_PARTS if type(provider) is OfflineProvider else {}


class SlotLayout(NamedTuple):
    """The local days' dates, the half-hourly UTC grid their starts need (and ``reach`` slots
    more) and each start's position on it, (n_days * 48,)."""

    dates: tuple[str, ...]
    grid: pd.DatetimeIndex
    position: np.ndarray


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
    (zone, days), the intensity and price cumulative sums (and region, tariff) and their run
    means (and cycle length), each computed once (the intensity forecast is the costly part).
    Cycles of up to a day share one grid (it runs a day past the last start), so a household's
    appliances ask the provider once. One provider per ``shared``.
    """
    cache: WindowCache = {} if shared is None else shared
    zone = household.timezone
    day0 = _local_date(first_day, zone)
    reach = SLOTS_PER_DAY * -(-n_slots // SLOTS_PER_DAY)  # whole days past the last start
    key = (zone, day0, n_days, reach)
    layout = _cached(cache, ("layout", *key), lambda: _slot_layout(zone, day0, n_days, reach))

    def carbon() -> tuple[np.ndarray, np.ndarray]:
        g_per_kwh, error_g_per_kwh = intensity_arrays(
            household.region, layout.grid, timezone=zone, provider=provider
        )
        return _cumulative(g_per_kwh), _cumulative(error_g_per_kwh)

    def price() -> np.ndarray:
        prices = price_per_kwh_series(household.tariff, layout.grid, zone)
        return _cumulative(prices.to_numpy(dtype=float))

    g_sums, error_sums = _cached(cache, ("carbon", household.region, *key), carbon)
    price_sums = _cached(cache, ("price", household.tariff, *key), price)

    def run_means(kind: str, part: Any, sums: np.ndarray) -> np.ndarray:
        means = (kind, part, *key, n_slots)
        return _cached(cache, means, lambda: _run_mean(sums, layout.position, n_slots, n_days))

    def rows(kind: str, part: Any, means: np.ndarray) -> np.ndarray:
        return _cached(cache, (f"{kind} rows", part, *key, n_slots), lambda: _with_average(means))

    g_per_kwh = run_means("g", household.region, g_sums)
    price_per_kwh = run_means("price", household.tariff, price_sums)
    return WindowTable(
        dates=layout.dates,
        g_per_kwh=g_per_kwh,
        error_g_per_kwh=run_means("error", household.region, error_sums),
        price_per_kwh=price_per_kwh,
        g_rows=rows("g", household.region, g_per_kwh),
        price_rows=rows("price", household.tariff, price_per_kwh),
    )


@lru_cache(maxsize=1024)
def _local_date(first_day: pd.Timestamp, zone: str) -> pd.Timestamp:
    """``first_day``'s local calendar day in ``zone`` (its midnight, no zone), remembered: each
    cycle length of each household asks (bounded: a Timestamp an entry)."""
    return pd.Timestamp(first_day).tz_convert(zone).tz_localize(None).normalize()


def _cached(cache: WindowCache, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    try:
        return cache[key]
    except KeyError:  # not made yet (or dropped by a kept store meanwhile: made again)
        value = cache[key] = make()
        return value


def _cumulative(values: np.ndarray) -> np.ndarray:
    """0 then the running sums of half-hourly values (a run's mean is a difference of two),
    read-only (shared by the households of a chunk, and across calls)."""
    sums = np.concatenate([[0.0], np.cumsum(values)])
    sums.flags.writeable = False
    return sums


def _run_mean(
    cumulative: np.ndarray, position: np.ndarray, n_slots: int, n_days: int
) -> np.ndarray:
    """(n_days, 48): the mean over the ``n_slots`` half-hours run from each start."""
    means = (cumulative[position + n_slots] - cumulative[position]) / n_slots
    means = means.reshape(n_days, SLOTS_PER_DAY)
    means.flags.writeable = False  # shared by the households of a chunk
    return means


def _with_average(means: np.ndarray) -> np.ndarray:
    """(1 + n_days, 48): the days' mean of each start slot, then ``means`` (read-only)."""
    rows = np.vstack([means.mean(axis=0), means])
    rows.flags.writeable = False  # shared by the households of a chunk
    return rows


def _slot_layout(zone: str, day0: pd.Timestamp, n_days: int, reach: int) -> SlotLayout:
    """The local days from ``day0``, the half-hourly UTC grid from their first start to ``reach``
    slots past their last, and where each start falls on it (integer nanoseconds: the
    TimedeltaIndex arithmetic this replaces was the layout's main cost)."""
    wall_ns = day0.as_unit("ns").value + np.arange(n_days * SLOTS_PER_DAY) * SLOT_NS
    starts = pd.DatetimeIndex(wall_ns.astype("datetime64[ns]")).tz_localize(
        zone, ambiguous=np.zeros(len(wall_ns), dtype=bool), nonexistent="shift_forward"
    )
    start_slots = starts.asi8 // SLOT_NS  # UTC half-hours (floor), since 1970
    first = int(start_slots.min())
    n_grid = int(start_slots.max()) - first + reach + 1
    grid = pd.date_range(pd.Timestamp(first * SLOT_NS, tz="UTC"), periods=n_grid, freq="30min")
    # the dates as numpy writes them ("YYYY-MM-DD"): no time zone, so a day that starts with a
    # clock change (America/Havana's midnight) is a date like any other
    days = day0.to_datetime64().astype("datetime64[D]") + np.arange(n_days)
    dates = tuple(np.datetime_as_string(days, unit="D").tolist())
    position = start_slots - first
    position.flags.writeable = False
    return SlotLayout(dates, grid, position)
