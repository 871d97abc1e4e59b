"""Home actions: load shifting on real grid carbon intensity and tariffs, and the other savings
computed from the household's own meter readings.

Entry point: :func:`home_actions`.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from recommender.actions.home.detected_shift import detected_shift_actions
from recommender.actions.home.heating import thermostat_down
from recommender.actions.home.laundry import line_dry, wash_cooler
from recommender.actions.home.load_shift import shift_actions
from recommender.actions.home.profile import load_profile
from recommender.actions.home.savings import mean_price_per_kwh
from recommender.actions.home.shift import WindowTable
from recommender.actions.home.standby import standby_cut
from recommender.actions.home.tariff_switch import tou_switch
from recommender.domain import Action, Forecast, Household
from recommender.grid.providers import IntensityProvider, OfflineProvider

HORIZON_DAYS = 7
# pairs of actions whose savings overlap (taking both does not add them up)
OVERLAPS = (("line-dry", "shift-tumble-dryer"), ("wash-30c", "shift-washing-machine"))


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
    readings of at least two weeks.
    """
    profile = load_profile(household, forecast)
    if forecast is not None:
        first_day = pd.Timestamp(forecast.start).tz_convert(household.timezone).normalize()
        n_days = max(1, min(14, len(forecast.kwh) // 24)) if forecast.kwh else HORIZON_DAYS
    else:
        now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
        first_day = now.tz_convert(household.timezone).normalize() + pd.Timedelta(days=1)
        n_days = HORIZON_DAYS
    provider = provider or OfflineProvider()
    tables: dict[int, WindowTable] = {}  # candidate windows by cycle length, shared by the shifts
    price = mean_price_per_kwh(household, profile.hourly_kwh)
    kinds = {a.kind: a for a in household.appliances if a.cycles_per_week > 0}
    candidates: list[Action | None] = [
        *shift_actions(household, profile, first_day, n_days, provider, tables),
        *detected_shift_actions(household, profile, first_day, n_days, provider, tables),
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


__all__ = ["home_actions"]
