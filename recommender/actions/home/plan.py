"""One appliance's shift plan: the start kept every day and each day's own best start, chosen
on a household's candidate windows (:func:`~.shift.window_table`) by :func:`~.shift.choose_starts`
(the rule is in :mod:`recommender.actions.home.shift`'s docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from functools import lru_cache

import numpy as np

from recommender.actions.home.shift import WindowTable, choose_starts, feasible_starts, slot_time
from recommender.domain import Appliance, Household


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


def plan_shifts(
    household: Household, wanted: Sequence[tuple[Appliance, WindowTable, int, int, str]]
) -> list[ShiftPlan | None]:
    """The start of each of ``wanted`` (appliance, precomputed :class:`WindowTable`, cycle length
    in slots, usual slot and its source), or None: the rows of all the plans chosen by one
    :func:`choose_starts` (each row is chosen as alone, on its own usual slot and allowed
    starts)."""
    if not wanted:
        return []
    prefs = household.preferences
    sizes = [len(table.g_rows) for _, table, _, _, _ in wanted]
    feasible = [
        _feasible_starts(usual_slot, n_slots, prefs.quiet_hours, prefs.ready_by)
        for _, _, n_slots, usual_slot, _ in wanted
    ]
    # each plan's rows: the start kept every day (on the days' average), then each day's own
    picks = choose_starts(
        np.concatenate([table.g_rows for _, table, _, _, _ in wanted]),
        np.concatenate([table.price_rows for _, table, _, _, _ in wanted]),
        np.repeat(np.array(feasible), sizes, axis=0),
        np.repeat([usual_slot for _, _, _, usual_slot, _ in wanted], sizes),
        prefs.carbon_weight,
    ).tolist()
    ends = np.cumsum(sizes).tolist()
    return [
        _plan(appliance, table, n_slots, usual_slot, usual_source, picks[end - size : end])
        for (appliance, table, n_slots, usual_slot, usual_source), size, end in zip(
            wanted, sizes, ends, strict=True
        )
    ]


def _plan(
    appliance: Appliance,
    table: WindowTable,
    n_slots: int,
    usual_slot: int,
    usual_source: str,
    picks: list[int],
) -> ShiftPlan | None:
    """The plan of the start kept every day and each day's best (``picks``: -1 for none)."""
    best, *day_picks = picks
    if best < 0:
        return None
    carbon, price = table.g_rows[0], table.price_rows[0]
    delta_sd = np.sqrt(
        table.error_g_per_kwh[:, usual_slot] ** 2 + table.error_g_per_kwh[:, best] ** 2
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
        next_days=_next_days(table, day_picks, n_slots, usual_slot),
    )


@lru_cache(maxsize=1024)  # bounded: 48 booleans an entry
def _feasible_starts(
    usual_slot: int, n_slots: int, quiet_hours: tuple[time, time] | None, ready_by: time | None
) -> np.ndarray:
    """:func:`feasible_starts`, made once per usual start, cycle length and preferences
    (read-only): each household's appliances and each household of a chunk ask again."""
    ok = feasible_starts(usual_slot, n_slots, quiet_hours, ready_by)
    ok.flags.writeable = False
    return ok


def _next_days(
    table: WindowTable, picks: list[int], n_slots: int, usual_slot: int
) -> tuple[dict[str, object], ...]:
    """Each day's own best start (-1: none that day, left out) and its figures, read for all
    days at once (``tolist``: the Python floats ``float`` gives of each)."""
    days = [d for d, pick in enumerate(picks) if pick >= 0]
    chosen = [picks[d] for d in days]
    g_per_kwh = table.g_per_kwh[days, chosen].tolist()
    usual_g_per_kwh = table.g_per_kwh[days, usual_slot].tolist()
    price_per_kwh = table.price_per_kwh[days, chosen].tolist()
    return tuple(
        {
            "date": table.dates[d],
            "start": slot_time(pick),
            "end": slot_time(pick + n_slots),
            "g_per_kwh": g,
            "usual_g_per_kwh": usual_g,
            "price_per_kwh": p,
        }
        for d, pick, g, usual_g, p in zip(
            days, chosen, g_per_kwh, usual_g_per_kwh, price_per_kwh, strict=True
        )
    )
