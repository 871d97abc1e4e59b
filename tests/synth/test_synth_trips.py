"""Synthetic trips: vocabularies, plausible times and the documented travel shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.domain import TRIP_MODES, TRIP_PURPOSES
from recommender.synth import draw_traits, synthetic_trips

N = 1500


@pytest.fixture(scope="module")
def trips() -> pd.DataFrame:
    return synthetic_trips(N, "2024-01-01", days=28, seed=5)


def test_columns_and_vocabularies(trips: pd.DataFrame) -> None:
    assert list(trips.columns) == [
        "household_id", "start", "distance_km", "mode", "purpose", "passengers",
    ]  # fmt: skip
    assert set(trips["mode"]) <= set(TRIP_MODES)
    assert set(trips["purpose"]) <= set(TRIP_PURPOSES)
    assert (trips["passengers"] >= 1).all() and (trips["distance_km"] > 0).all()
    assert str(trips["start"].dt.tz) == "UTC"
    ids = set(draw_traits(N, seed=5)["household_id"])
    assert set(trips["household_id"]) <= ids


def test_trips_fall_in_the_period_and_sorted(trips: pd.DataFrame) -> None:
    first, last = pd.Timestamp("2024-01-01", tz="UTC"), pd.Timestamp("2024-01-29", tz="UTC")
    slack = pd.Timedelta(hours=12)  # local dates, time zones from -8 h to +1 h
    assert trips["start"].min() >= first - slack and trips["start"].max() < last + slack
    ids, start = trips["household_id"].to_numpy(), trips["start"].to_numpy()
    in_order = (ids[1:] > ids[:-1]) | ((ids[1:] == ids[:-1]) & (start[1:] >= start[:-1]))
    assert in_order.all()


def test_commutes_and_school_runs_are_on_local_weekdays(trips: pd.DataFrame) -> None:
    tz = draw_traits(N, seed=5).set_index("household_id")["timezone"]
    regular = trips[trips["purpose"].isin(["commute", "school"])]
    for zone, rows in regular.groupby(regular["household_id"].map(tz)):
        assert (rows["start"].dt.tz_convert(zone).dt.day_of_week < 5).all(), zone


def test_car_share_near_the_travel_survey(trips: pd.DataFrame) -> None:
    """NTS 2023: 60 % of trips by car or van, 29 % walked; trips.py states its own outcome."""
    car = trips["mode"].str.startswith("car_").mean()
    walk = (trips["mode"] == "walk").mean()
    assert 0.5 < car < 0.7
    assert 0.15 < walk < 0.35


def test_households_without_a_car_never_drive_their_own(trips: pd.DataFrame) -> None:
    traits = draw_traits(N, seed=5).set_index("household_id")
    car = trips["household_id"].map(traits["car_mode"])
    own = trips["mode"].str.startswith("car_")
    with_car = own & (car != "")
    assert (trips.loc[with_car, "mode"] == car[with_car]).mean() > 0.99  # their own car's fuel
    assert (trips.loc[own & (car == ""), "mode"] == "car_petrol").all()  # lifts


def test_flights_come_at_the_stated_yearly_rate() -> None:
    year = synthetic_trips(400, "2024-01-01", days=365, seed=2)
    flights = year[year["mode"].str.startswith("flight_")]
    outbound_and_back = len(flights) / 400
    # 1.0 return flight per household a year -> close to 2 flight trips (a few returns fall
    # after the period); Poisson sd of the mean = sqrt(1 / 400) = 0.05 returns
    assert 1.6 < outbound_and_back < 2.3
    assert flights["purpose"].eq("holiday").all()
    assert flights["distance_km"].between(400, 11000).all()


def test_reproducible() -> None:
    a = synthetic_trips(100, "2024-01-01", days=7, seed=1)
    pd.testing.assert_frame_equal(a, synthetic_trips(100, "2024-01-01", days=7, seed=1))
    assert not a.equals(synthetic_trips(100, "2024-01-01", days=7, seed=2))
    assert np.isfinite(a["distance_km"]).all()
