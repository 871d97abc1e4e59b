"""Recurring cycles seen in the meter: found when planted in the real sample-0 readings, not
invented on the unmodified readings, not offered twice, and scheduled within the constraints.

Synthetic part (no real data has labelled appliance cycles): a 2 kWh cycle, 1 kWh in each of the
local hours 18:00 and 19:00 (an appliance of 1 kW running two hours), added on Monday-Thursday of
every week to the last 8 weeks of the real sample-0 meter.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_properties import (
    SETTINGS,
    check_run,
    half_hours,
    minutes_of,
    tou_rates,
)

from recommender.actions.home import home_actions
from recommender.actions.home.detect import recurring_cycles
from recommender.domain import Appliance, Preferences

ZONE = "Europe/London"
NOW = pd.Timestamp("2024-01-07 12:00", tz="UTC")
PLANT_KWH_PER_HOUR = 1.0


def planted(readings: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The readings with the cycle added, and the mask of hours it was added to."""
    local = pd.DatetimeIndex(readings.index).tz_convert(ZONE)
    mask = pd.Series(
        (np.asarray(local.day_of_week) < 4) & np.isin(np.asarray(local.hour), [18, 19]),
        index=readings.index,
    )
    return readings + PLANT_KWH_PER_HOUR * mask, mask


@pytest.fixture(scope="module")
def slice0(meter0) -> pd.Series:
    return meter0.iloc[-24 * 56 :]


def test_planted_cycle_is_found_with_its_start_frequency_and_energy(slice0):
    readings, mask = planted(slice0)
    local = readings.index.tz_convert(ZONE)
    days_planted = pd.Index(local[mask.to_numpy()].normalize()).nunique()
    weeks = pd.Index(local.normalize()).nunique() / 7.0
    cycles = recurring_cycles(readings, ZONE)
    assert len(cycles) == 1
    (cycle,) = cycles
    assert cycle.start_hour == 18
    assert cycle.cycle_hours == 2
    assert cycle.days_per_week == pytest.approx(days_planted / weeks, rel=0.05)
    assert 3.5 <= cycle.days_per_week <= 4.5  # Mon-Thu: 4 a week
    assert cycle.kwh == pytest.approx(2 * PLANT_KWH_PER_HOUR, abs=0.25)
    assert cycle.kwh_p10 <= cycle.kwh <= cycle.kwh_p90
    assert not cycle.ev_like


def test_unmodified_sample0_gives_no_detection(slice0, meter0):
    assert recurring_cycles(slice0, ZONE) == []
    # corroboration by a plain computation independent of the detector's baseline: at no local
    # hour do these readings rise 0.5 kWh (half a 1 kWh cycle) above the day's minimum on 2 or
    # more days a week (at most ~0.5 a week here), so there is no recurring cycle to find
    local = slice0.index.tz_convert(ZONE)
    day = np.asarray(local.normalize().tz_localize(None))
    lift = slice0 - slice0.groupby(day).transform("min")
    high = lift[lift >= 0.5]
    high_local = high.index.tz_convert(ZONE)
    days_per_hour = (
        pd.Series(np.asarray(high_local.normalize().tz_localize(None)), index=high.index)
        .groupby(np.asarray(high_local.hour))
        .nunique()
    )
    weeks = pd.Index(local.normalize()).nunique() / 7.0
    assert (days_per_hour / weeks < 2.0).all()


def test_detected_cycle_is_scheduled_with_a_meter_explanation(household0, slice0):
    readings, _ = planted(slice0)
    household = replace(household0, readings_kwh=readings, appliances=())
    actions = {a.id: a for a in home_actions(household, now=NOW)}
    action = actions["shift-detected-18"]
    assert action.kind == "shift_appliance"
    assert action.details["usual_start"] == "18:00"
    assert "meter shows" in action.explanation and "18:00" in action.explanation
    assert "do not know which appliance" in action.explanation
    s = action.savings
    assert s.kg_co2e_per_year > 0
    assert s.kg_co2e_per_year_p10 <= s.kg_co2e_per_year <= s.kg_co2e_per_year_p90
    # per year: the per-cycle saving times the occurrences seen, scaled to 52 weeks
    per_year = action.details["kg_co2e_per_cycle"] * action.details["days_per_week"] * 52
    assert s.kg_co2e_per_year == pytest.approx(per_year, rel=1e-9)
    # per cycle: the detected energy times the intensity gap between the usual and best start
    gap = action.details["usual_g_per_kwh"] - action.details["best_g_per_kwh"]
    assert action.details["kg_co2e_per_cycle"] == pytest.approx(
        action.details["kwh_per_cycle"] * gap / 1000.0, rel=1e-9
    )


@pytest.mark.parametrize("usual", [time(17, 0), time(18, 0), time(19, 30)])
def test_cycle_at_a_declared_appliances_time_is_not_offered_twice(household0, slice0, usual):
    readings, _ = planted(slice0)
    household = replace(
        household0,
        readings_kwh=readings,
        appliances=(Appliance("washing_machine", 4, usual),),
    )
    ids = [a.id for a in home_actions(household, now=NOW)]
    assert not any(i.startswith("shift-detected") for i in ids)
    assert "shift-washing-machine" in ids


def test_cycle_away_from_a_declared_appliance_is_still_offered(household0, slice0):
    readings, _ = planted(slice0)
    household = replace(
        household0,
        readings_kwh=readings,
        appliances=(Appliance("washing_machine", 4, time(9, 0)),),
    )
    ids = [a.id for a in home_actions(household, now=NOW)]
    assert "shift-detected-18" in ids


@pytest.fixture(scope="module")
def detected_household(household0, slice0):
    readings, _ = planted(slice0.iloc[-24 * 28 :])  # four weeks keep each example fast
    return replace(household0, readings_kwh=readings, appliances=())


@SETTINGS
@given(
    quiet=st.none() | st.tuples(half_hours, half_hours).filter(lambda q: q[0] != q[1]),
    ready_by=st.none() | half_hours,
    weight=st.floats(0, 1),
    tariff=st.none() | tou_rates,
    day=st.integers(0, 364),
)
def test_detected_shifts_respect_constraints_and_never_lose(
    detected_household, quiet, ready_by, weight, tariff, day
):
    household = replace(
        detected_household,
        preferences=Preferences(quiet_hours=quiet, ready_by=ready_by, carbon_weight=weight),
        tariff=tariff or detected_household.tariff,
    )
    now = pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(days=day)
    for action in home_actions(household, now=now):
        s = action.savings
        assert s.kwh_per_year >= 0 and s.kg_co2e_per_year >= 0 and s.money_per_year >= 0
        if not action.id.startswith("shift-detected"):
            continue
        usual = minutes_of(time.fromisoformat(action.details["usual_start"]))
        start = minutes_of(time.fromisoformat(action.schedule["start"]))
        end = minutes_of(time.fromisoformat(action.schedule["end"]))
        n_minutes = (end - start) % 1440 or 1440
        assert check_run(start, n_minutes, usual, quiet, ready_by)
        assert action.details["best_g_per_kwh"] <= action.details["usual_g_per_kwh"] + 1e-9
        assert action.details["best_price_per_kwh"] <= action.details["usual_price_per_kwh"] + 1e-9
