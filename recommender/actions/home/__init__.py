"""Home actions: load shifting on real grid carbon intensity and tariffs, and the other savings
computed from the household's own meter readings.

Entry points: :func:`home_actions` for one household, :func:`home_actions_many` for a chunk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import cast

import pandas as pd

from recommender.actions.clock import local_midnight
from recommender.actions.home.detect import (
    WINDOW_DAYS,
    DetectedCycle,
    profile_window_hours,
    recurring_cycles_in,
)
from recommender.actions.home.detected_shift import detected_shift_actions
from recommender.actions.home.heating import thermostat_down
from recommender.actions.home.laundry import line_dry, wash_cooler
from recommender.actions.home.load_shift import shift_actions
from recommender.actions.home.profile import LoadProfile, load_profiles
from recommender.actions.home.savings import mean_price_per_kwh
from recommender.actions.home.shift import WindowCache, window_cache
from recommender.actions.home.standby import standby_cut
from recommender.actions.home.tariff_switch import tou_switch
from recommender.domain import Action, Forecast, Household
from recommender.errors import GreenrecError
from recommender.grid.providers import IntensityProvider, OfflineProvider

HORIZON_DAYS = 7
# local_midnight remembered: a chunk's households mostly share their forecasts' start, and the
# calls of a day their schedule's first day (bounded: a Timestamp an entry)
_day_start = lru_cache(maxsize=1024)(local_midnight)
# pairs of actions whose savings overlap (taking both does not add them up)
OVERLAPS = (("line-dry", "shift-tumble-dryer"), ("wash-30c", "shift-washing-machine"))


def home_actions_many(
    households: Sequence[Household],
    forecasts: Sequence[Forecast | None] | None = None,
    *,
    now: pd.Timestamp | None = None,
    provider: IntensityProvider | None = None,
) -> list[list[Action] | GreenrecError]:
    """:func:`home_actions` for a chunk of households, in order: each item the household's
    actions or the :class:`~recommender.errors.GreenrecError` it raised (InsufficientData), so
    one household's data costs no other its answer.

    Work is done group-wise over the chunk where it pays: the load profiles' hourly means and
    nightly minima (one grouping each, :func:`~recommender.actions.home.profile.load_profiles`),
    the recurring cycles in the meters (one grouped quantile per baseline and one grouping of
    runs, :func:`~recommender.actions.home.detect.recurring_cycles_many`); what households share
    is computed once: the candidate windows' slot layout, grid intensity (per region, zone, days
    and cycle length) and prices (per tariff). Each household's answer is the one it gets alone.
    """
    fcs = [None] * len(households) if forecasts is None else list(forecasts)
    if len(fcs) != len(households):
        raise ValueError(f"{len(fcs)} forecasts for {len(households)} households")
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    provider = provider or OfflineProvider()
    tables = window_cache(provider)  # the parts of the candidate windows households share
    items: list[list[Action] | GreenrecError | LoadProfile] = list(load_profiles(households, fcs))
    profiled = [i for i, item in enumerate(items) if isinstance(item, LoadProfile)]
    cycles = recurring_cycles_in(
        [
            profile_window_hours(households[i], cast(LoadProfile, items[i]), WINDOW_DAYS)
            for i in profiled
        ]
    )
    for i, found in zip(profiled, cycles, strict=True):
        profile = cast(LoadProfile, items[i])
        try:
            items[i] = _household_actions(
                households[i], fcs[i], profile, found, now, provider, tables
            )
        except GreenrecError as error:
            items[i] = error
    return cast(list[list[Action] | GreenrecError], items)


def home_actions(
    household: Household,
    forecast: Forecast | None = None,
    *,
    now: pd.Timestamp | None = None,
    provider: IntensityProvider | None = None,
) -> list[Action]:
    """Every home action that fits ``household``, each with its yearly savings and their range.

    ``forecast`` (optional) gives the yearly use and the schedule's horizon (its days from its
    start); without it the readings are used and the schedule covers the 7 days after ``now``
    (tz-aware, default the current time). ``provider`` supplies grid carbon intensity (default:
    the packaged offline data; pass a live one to use it). Raises InsufficientData without hourly
    readings of at least two weeks. A chunk of one of :func:`home_actions_many`.
    """
    (item,) = home_actions_many([household], [forecast], now=now, provider=provider)
    if isinstance(item, GreenrecError):
        raise item
    return item


def _household_actions(
    household: Household,
    forecast: Forecast | None,
    profile: LoadProfile,
    cycles: list[DetectedCycle],
    now: pd.Timestamp,
    provider: IntensityProvider,
    tables: WindowCache,
) -> list[Action]:
    if forecast is not None:
        first_day = _day_start(pd.Timestamp(forecast.start), household.timezone)
        n_days = max(1, min(14, len(forecast.kwh) // 24)) if forecast.kwh else HORIZON_DAYS
    else:
        first_day = _day_start(now, household.timezone, days_later=1)
        n_days = HORIZON_DAYS
    price = mean_price_per_kwh(household, profile.hourly_kwh)
    kinds = {a.kind: a for a in household.appliances if a.cycles_per_week > 0}
    candidates: list[Action | None] = [
        *shift_actions(household, profile, first_day, n_days, provider, tables),
        *detected_shift_actions(household, profile, first_day, n_days, provider, tables, cycles),
        wash_cooler(household, kinds["washing_machine"], price)
        if "washing_machine" in kinds
        else None,
        line_dry(household, kinds["tumble_dryer"], price) if "tumble_dryer" in kinds else None,
        standby_cut(household, profile, price),
        thermostat_down(household, profile, price),
        tou_switch(household, profile),
    ]
    actions = [a for a in candidates if a is not None]
    return _mark_conflicts(actions)


def _mark_conflicts(actions: list[Action]) -> list[Action]:
    ids = {a.id for a in actions}
    out = []
    for action in actions:
        others = {b for a, b in OVERLAPS if a == action.id} | {
            a for a, b in OVERLAPS if b == action.id
        }
        conflicts = tuple(sorted((others | set(action.conflicts_with)) & ids))
        out.append(replace(action, conflicts_with=conflicts))
    return out


__all__ = ["home_actions", "home_actions_many"]
