"""Home actions: load shifting on real grid carbon intensity and tariffs, and the other savings
computed from the household's own meter readings.

Entry point: :func:`home_actions`.
"""

from __future__ import annotations

import pandas as pd

from recommender.actions.home.load_shift import shift_actions
from recommender.actions.home.profile import load_profile
from recommender.domain import Action, Forecast, Household
from recommender.grid.providers import IntensityProvider

HORIZON_DAYS = 7


def home_actions(
    household: Household,
    forecast: Forecast | None = None,
    *,
    now: pd.Timestamp | None = None,
    provider: IntensityProvider | None = None,
) -> list[Action]:
    """Every home action that fits ``household``, each with its yearly savings and their range.

    ``forecast`` (optional) gives the yearly use and the horizon; without it the readings are used.
    ``now`` (tz-aware, default the current time) starts the schedule on the next local day.
    ``provider`` supplies grid intensity (default: the packaged offline data).
    """
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    profile = load_profile(household, forecast)
    first_day = now.tz_convert(household.timezone).normalize() + pd.Timedelta(days=1)
    actions: list[Action] = []
    actions += shift_actions(household, profile, first_day, HORIZON_DAYS, provider)
    return actions


__all__ = ["home_actions"]
