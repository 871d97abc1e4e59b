"""Trip featurisation and validation: hand-counted diaries, every bad-input kind named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from travel_builders import SCHOOL_RUN, WEEKDAY_COMMUTE, diary, household

from recommender.actions.travel.catalogue import factor
from recommender.actions.travel.profile import (
    TripFeatures,
    trips_frame,
    validate_trips,
    weekday_phrase,
)
from recommender.actions.travel.profile_chunk import household_trip_profile, trip_profile
from recommender.actions.travel.trip_chunk import TripChunk, local_times
from recommender.domain import Trip
from recommender.errors import InvalidInput


def table(rows: list[dict]) -> pd.DataFrame:
    base = {"household_id": "h1", "mode": "car_petrol", "purpose": "commute", "passengers": 1}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_profile_counts_match_a_hand_count():
    trips = diary("2024-03-04", 4, WEEKDAY_COMMUTE + SCHOOL_RUN)
    profile = household_trip_profile(household(trips))
    commute_weeks = factor("active_weeks_per_year", "commute").value
    school_weeks = factor("active_weeks_per_year", "school").value
    # 10 commute legs of 12 km and 10 school legs of 3 km a week, scaled to their active weeks
    car_km = 10 * 12 * commute_weeks + 10 * 3 * school_weeks
    assert profile.weeks_observed == 4
    assert profile.km_per_year_by_mode == pytest.approx({"car_petrol": car_km})
    short = 10 * school_weeks / (10 * commute_weeks + 10 * school_weeks)
    assert profile.short_car_trip_share == pytest.approx(short)
    assert [j.purpose for j in profile.regular_journeys] == ["commute", "school"]
    commute = profile.regular_journeys[0]
    assert commute.weekdays == (0, 1, 2, 3, 4) and commute.trips_observed == 40
    assert commute.describe() == "weekday 12 km commute by car"


def test_journeys_cluster_similar_distances_and_split_different_ones():
    legs = [(d, 8.0, km, "car_petrol", "shopping", 1) for d, km in ((0, 5.0), (2, 5.4), (5, 5.2))]
    legs += [(d, 10.0, 40.0, "car_petrol", "shopping", 1) for d in (5, 6)]
    profile = household_trip_profile(household(diary("2024-03-04", 3, legs)))
    by_km = {j.distance_km: j for j in profile.regular_journeys}
    assert sorted(by_km) == [5.2, 40.0]  # 5.0-5.4 km is one journey, 40 km another
    assert by_km[5.2].trips_observed == 9 and by_km[5.2].weekdays == (0, 2, 5)
    assert by_km[40.0].trips_observed == 6 and by_km[40.0].describe().startswith("weekend 40 km")


def test_flights_are_banded_and_annualised_over_at_least_a_year():
    rows = [
        {"start": "2024-03-04T07:00Z", "distance_km": 700.0, "mode": "flight_short_haul"},
        {"start": "2024-03-08T07:00Z", "distance_km": 700.0, "mode": "flight_short_haul"},
        {"start": "2024-03-20T07:00Z", "distance_km": 5500.0, "mode": "flight_long_haul"},
    ]
    profile = trip_profile(table(rows))
    # three weeks of diary: the flights count as seen in one year, not x 17
    assert profile.flights_per_year_by_band == {
        "lt500km": 0.0,
        "500_1000km": 2.0,
        "1000_3700km": 0.0,
        "ge3700km": 1.0,
    }


def test_weekday_phrase():
    assert weekday_phrase((1, 3)) == "Tuesday and Thursday"
    assert weekday_phrase((0, 2, 4)) == "Monday, Wednesday and Friday"
    assert weekday_phrase((4, 0, 1, 2, 3)) == "weekday"
    assert weekday_phrase((5, 6)) == "weekend"


def test_every_bad_field_is_listed_with_row_and_expectation():
    rows = [
        {"start": "2024-03-04T08:00Z", "distance_km": -3.0},
        {"start": "2024-03-04T09:00Z", "distance_km": 5.0, "mode": "car_pertol"},
        {"start": "2024-03-04 10:00", "distance_km": 5.0},
        {"start": "yesterday+00:00", "distance_km": 5.0, "purpose": "gym"},
        {"start": "2024-03-04T11:00Z", "distance_km": "far", "passengers": 0},
    ]
    with pytest.raises(InvalidInput) as err:
        validate_trips(table(rows))
    where = {p.where: p for p in err.value.problems}
    assert "negative" in where["trips[0].distance_km"].problem
    assert "'car_petrol'" in where["trips[1].mode"].problem  # did you mean
    assert "offset" in where["trips[2].start"].problem
    assert "cannot read" in where["trips[3].start"].problem  # the JSON reader's words
    assert "unknown purpose 'gym'" in where["trips[3].purpose"].problem
    assert "not a number" in where["trips[4].distance_km"].problem
    assert "trips[4].passengers" in where
    assert all(p.expected for p in err.value.problems)


def test_missing_columns_are_named():
    with pytest.raises(InvalidInput) as err:
        validate_trips(pd.DataFrame({"household_id": ["h"], "start": ["2024-01-01T00:00Z"]}))
    assert {p.problem for p in err.value.problems} >= {
        "missing column 'mode'",
        "missing column 'distance_km'",
    }


def test_impossible_speed_with_an_end_time_is_an_error():
    rows = [
        {"start": "2024-03-04T08:00Z", "end": "2024-03-04T08:10Z", "distance_km": 300.0},
        {"start": "2024-03-05T08:00Z", "end": "2024-03-05T11:30Z", "distance_km": 300.0},
    ]
    with pytest.raises(InvalidInput) as err:
        validate_trips(table(rows))
    (problem,) = err.value.problems
    assert problem.where == "trips[0].end"
    assert "1800 km/h" in problem.problem and "200 km/h" in problem.expected


def test_impossible_speed_with_a_duration_and_end_before_start():
    rows = [
        {
            "start": "2024-03-04T08:00Z",
            "duration_minutes": 10,
            "distance_km": 300.0,
            "mode": "rail",
        },
        {"start": "2024-03-05T08:00Z", "duration_minutes": -5, "distance_km": 3.0},
        {
            "start": "2024-03-06T08:00Z",
            "duration_minutes": 60,
            "distance_km": 300.0,
            "mode": "rail",
        },
    ]
    with pytest.raises(InvalidInput) as err:
        validate_trips(table(rows))
    where = [p.where for p in err.value.problems]
    assert where == ["trips[1].duration_minutes", "trips[0].duration_minutes"]


def test_overlapping_trips_without_end_times_are_a_warning_not_an_error():
    rows = [
        {"start": "2024-03-04T08:00Z", "distance_km": 300.0},
        {"start": "2024-03-04T08:10Z", "distance_km": 5.0},
        {"start": "2024-03-04T18:00Z", "distance_km": 5.0},
    ]
    frame, warnings = validate_trips(table(rows))
    assert len(frame) == 3
    (warning,) = warnings
    assert (
        warning.startswith("DataQualityWarning") and "trips[0]" in warning and "trips[1]" in warning
    )


def test_trips_outside_the_data_period_are_warned():
    trips = diary("2024-03-04", 1, WEEKDAY_COMMUTE)
    idx = pd.date_range("2023-01-01", "2023-06-30", freq="h", tz="UTC")
    profile = household_trip_profile(household(trips, readings=pd.Series(0.2, index=idx)))
    (warning,) = profile.warnings
    assert "10 trip(s) fall outside the data's period 2023-01-01 to 2023-07-01" in warning


def test_transformer_one_row_per_household_and_estimator_contract():
    rows = [
        {"household_id": "a", "start": "2024-03-04T08:00Z", "distance_km": 3.0},
        {"household_id": "a", "start": "2024-03-04T17:00Z", "distance_km": 12.0},
        {"household_id": "b", "start": "2024-03-04T08:00Z", "distance_km": 4.0, "mode": "cycle"},
    ]
    trips = table(rows)
    est = TripFeatures(timezone="Europe/London")
    assert clone(est).get_params() == {"timezone": "Europe/London"}
    with pytest.raises(NotFittedError):
        est.transform(trips)
    assert est.fit(trips) is est
    out = est.transform(trips)
    assert list(out.columns) == list(est.get_feature_names_out())
    assert list(out.index) == ["a", "b"]
    weeks = factor("active_weeks_per_year", "commute").value  # one week of diary
    assert out.loc["a", "km_per_year_car_petrol"] == pytest.approx(15.0 * weeks)
    assert out.loc["a", "short_car_trip_share"] == pytest.approx(0.5)
    assert out.loc["b", "km_per_year_cycle"] == pytest.approx(4.0 * weeks)
    assert out.loc["b", "car_trips_per_year"] == 0.0
    assert np.isfinite(out.to_numpy()).all()


def test_transformer_refuses_bad_rows_and_params_at_fit():
    with pytest.raises(InvalidInput):
        TripFeatures().fit(table([{"start": "2024-03-04T08:00Z", "distance_km": -1.0}]))
    with pytest.raises(InvalidInput, match="Mars/Olympus"):
        TripFeatures(timezone="Mars/Olympus").fit(
            table([{"start": "2024-03-04T08:00Z", "distance_km": 1.0}])
        )


def test_batch_features_equal_each_households_own_profile():
    a = diary("2024-03-04", 3, WEEKDAY_COMMUTE)
    b = diary("2024-03-04", 5, SCHOOL_RUN) + [
        Trip(pd.Timestamp("2024-03-10T07:00Z"), 900.0, "flight_short_haul", "holiday", 2)
    ]
    frames = []
    for hid, trips in (("a", a), ("b", b)):
        frame = trips_frame(household(trips))
        frames.append(frame.assign(household_id=hid))
    both = pd.concat(frames, ignore_index=True)
    batch = TripFeatures().fit(both).transform(both)
    for hid, frame in zip(("a", "b"), frames, strict=True):
        own = trip_profile(frame)
        row = batch.loc[hid]
        assert row["short_car_trip_share"] == pytest.approx(own.short_car_trip_share)
        for mode, km in own.km_per_year_by_mode.items():
            assert row[f"km_per_year_{mode}"] == pytest.approx(km)
        for band, n in own.flights_per_year_by_band.items():
            assert row[f"flights_per_year_{band}"] == pytest.approx(n)


def test_the_table_reads_offsets_as_the_household_json_does():
    """One offset rule: '+01' and a lower-case 'z' are offsets here too (the table's own regex
    refused them before)."""
    rows = [
        {"start": "2024-03-04T08:00+01", "distance_km": 5.0},
        {"start": "2024-03-05T08:00z", "distance_km": 5.0},
    ]
    frame, _ = validate_trips(table(rows))
    assert list(frame["start"].dt.hour) == [7, 8]


@pytest.mark.parametrize(
    "zone", ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
)
def test_local_times_are_pandas_local_fields(zone):
    """Weekday, decimal hour and local midnight of each trip, read from one clock-time lookup,
    are those of pandas' tz_convert fields and normalize(), across the DST changes too."""
    rng = np.random.default_rng(len(zone))
    spring = pd.date_range("2024-03-08", "2024-04-08", freq="7min", tz="UTC").asi8
    autumn = pd.date_range("2024-10-24", "2024-11-05", freq="7min", tz="UTC").asi8
    anywhere = rng.integers(946_684_800, 1_893_456_000, 500) * 10**9  # 2000 to 2030
    start = np.concatenate([spring, autumn, anywhere])
    n = len(start)
    blank = np.full(n, None, dtype=object)
    chunk = TripChunk(
        np.array([0, n]), np.arange(n), start, np.ones(n), blank, blank, np.ones(n), blank, blank,
        np.array(["h1"], dtype=object),
    )  # fmt: skip
    weekday, hour, midnight = local_times(chunk, [zone])
    local = pd.DatetimeIndex(start.astype("datetime64[ns]"), tz="UTC").tz_convert(zone)
    np.testing.assert_array_equal(weekday, local.day_of_week)
    np.testing.assert_array_equal(hour, local.hour + local.minute / 60.0)
    np.testing.assert_array_equal(midnight, local.normalize().as_unit("ns").asi8)
