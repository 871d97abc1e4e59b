"""Hypothesis properties of the scheduler and of every recommended home action."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.actions.home import home_actions
from recommender.actions.home.shift import SLOTS_PER_DAY, choose_start, feasible_starts
from recommender.domain import Appliance, Preferences, Tariff, TouRate

half_hours = st.integers(0, 47).map(lambda s: time(s // 2, 30 * (s % 2)))
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def minutes_of(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def in_interval(minute: int, start: time, end: time) -> bool:
    a, b = minutes_of(start), minutes_of(end)
    length = (b - a) % 1440 or 1440
    return (minute - a) % 1440 < length


def check_run(start_min, n_minutes, usual_min, quiet, ready_by):
    """Minute-by-minute check of the household's constraints, independent of the slot logic."""
    for k in range(n_minutes):
        if quiet is not None and in_interval((start_min + k) % 1440, *quiet):
            return False
    if ready_by is not None:
        room = (minutes_of(ready_by) - usual_min) % 1440 or 1440
        if (start_min - usual_min) % 1440 + n_minutes > room:
            return False
    return True


@given(
    usual=st.integers(0, 47),
    n_slots=st.integers(1, 8),
    quiet=st.none() | st.tuples(half_hours, half_hours).filter(lambda q: q[0] != q[1]),
    ready_by=st.none() | half_hours,
)
def test_feasible_starts_match_a_minute_by_minute_check(usual, n_slots, quiet, ready_by):
    ok = feasible_starts(usual, n_slots, quiet, ready_by)
    for slot in range(SLOTS_PER_DAY):
        assert ok[slot] == check_run(slot * 30, n_slots * 30, usual * 30, quiet, ready_by)


arrays = st.lists(st.floats(0, 500, allow_nan=False), min_size=48, max_size=48).map(np.array)


@given(
    carbon=arrays,
    price=arrays,
    usual=st.integers(0, 47),
    weight=st.floats(0, 1),
    feasible=st.lists(st.booleans(), min_size=48, max_size=48).map(np.array),
)
def test_choice_is_allowed_and_never_worse_than_usual(carbon, price, usual, weight, feasible):
    best = choose_start(carbon, price, feasible, usual, weight)
    if best is None:
        return
    assert feasible[best]
    assert carbon[best] <= carbon[usual] + 1e-9
    assert price[best] <= price[usual] + 1e-9
    if weight == 1.0:  # carbon only: the lowest-carbon start that does not cost more
        allowed = feasible & (price <= price[usual] + 1e-9)
        assert carbon[best] <= carbon[allowed].min() + 1e-9


tou_rates = st.lists(st.floats(0.05, 0.6), min_size=3, max_size=3).map(
    lambda p: Tariff(
        type="tou",
        currency="GBP",
        rates=(
            TouRate(time(0), time(7), p[0]),
            TouRate(time(7), time(16), p[1]),
            TouRate(time(16), time(0), p[2]),
        ),
    )
)


@pytest.fixture(scope="module")
def short_household(household0):
    # four weeks of the real sample-0 meter keep each example fast
    readings = household0.readings_kwh.iloc[-24 * 28 :]
    return replace(household0, readings_kwh=readings)


@SETTINGS
@given(
    usual=half_hours,
    quiet=st.none() | st.tuples(half_hours, half_hours).filter(lambda q: q[0] != q[1]),
    ready_by=st.none() | half_hours,
    weight=st.floats(0, 1),
    tariff=st.none() | tou_rates,
    kind=st.sampled_from(["dishwasher", "washing_machine", "tumble_dryer", "ev_charger"]),
    day=st.integers(0, 364),
)
def test_home_actions_respect_constraints_and_never_lose(
    short_household, usual, quiet, ready_by, weight, tariff, kind, day
):
    household = replace(
        short_household,
        appliances=(Appliance(kind, 4, usual),),
        preferences=Preferences(quiet_hours=quiet, ready_by=ready_by, carbon_weight=weight),
        tariff=tariff or short_household.tariff,
    )
    now = pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(days=day)
    for action in home_actions(household, now=now):
        s = action.savings
        assert s.kwh_per_year >= 0 and s.kg_co2e_per_year >= 0 and s.money_per_year >= 0
        if action.kind != "shift_appliance":
            continue
        start = minutes_of(time.fromisoformat(action.schedule["start"]))
        end = minutes_of(time.fromisoformat(action.schedule["end"]))
        n_minutes = (end - start) % 1440 or 1440
        assert check_run(start, n_minutes, minutes_of(usual), quiet, ready_by)
        assert action.details["best_g_per_kwh"] <= action.details["usual_g_per_kwh"] + 1e-9


@SETTINGS
@given(usual=half_hours, tariff=st.none() | tou_rates, day=st.integers(0, 364))
def test_carbon_weight_one_never_raises_emissions(short_household, usual, tariff, day):
    household = replace(
        short_household,
        appliances=(Appliance("dishwasher", 5, usual),),
        preferences=Preferences(carbon_weight=1.0),
        tariff=tariff or short_household.tariff,
    )
    now = pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(days=day)
    for action in home_actions(household, now=now):
        if action.kind == "shift_appliance":
            assert action.savings.kg_co2e_per_year >= 0
            assert action.details["best_g_per_kwh"] <= action.details["usual_g_per_kwh"] + 1e-9
