"""A chunk of households with different histories gets, item for item, what each gets alone.

The households are cuts of the two real meters (different starts, lengths and ends, with and
without their real temperatures), one of them labelled in another zone and one as gas (labels
only: the readings are the real electricity meter's, which is all the grouping looks at),
synthetic households from ``recommender.synth`` (real meters' daily shapes), and households that
must fail: too little history, hourly readings labelled daily, temperatures that miss the
history; and a real meter summed to days (the daily path, :mod:`recommender.forecast.daily`).
"""

from __future__ import annotations

import weakref
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from recommender.domain import Forecast, Household, Tariff
from recommender.errors import GreenrecError, InsufficientData, InvalidInput
from recommender.forecast import forecast_household, forecast_households, shared_trees
from recommender.forecast.data import daily_kwh
from recommender.forecast.design import Timeline
from recommender.forecast.shared_trees import distinct_rows, evaluate_year_rows
from recommender.io import read_tables
from recommender.synth import write_population
from recommender.trees import regression_trees

LONDON = "Europe/London"
DAILY = {"reading_interval_minutes": 1440}


def _home(
    name: str,
    readings: pd.Series,
    temperature: pd.Series | None = None,
    timezone: str = "Europe/London",
    **kw,
) -> Household:
    tariff = Tariff("flat", "GBP", 0.25)
    return Household(name, "GB", timezone, tariff, readings, temperature_c=temperature, **kw)


@pytest.fixture(scope="module")
def mixed(meter0, meter1, temperature0, temperature1, tmp_path_factory) -> list[Household]:
    """Different starts, lengths, ends, zones, fuels, weather; three that fail; synthetic ones."""
    paths = write_population(tmp_path_factory.mktemp("synth"), 3, days=28, seed=5)
    synthetic = list(read_tables(paths["households"], paths["readings"], paths["trips"]).households)
    year = meter0["2020-12-01":"2021-11-30"]
    return [
        _home("m0-year-temps", year, temperature0),
        _home("m0-year", year),
        _home("m0-year-again", year * 1.5),  # the same index as the one above: one group
        _home("m0-6-weeks", meter0["2021-01-01":"2021-02-14"], temperature0),
        _home("m1-8-weeks", meter1["2012-11-10":"2013-01-04"], temperature1),
        _home("m0-paris", meter0["2021-03-01":"2021-04-20"], timezone="Europe/Paris"),
        _home("m0-gas", meter0["2021-03-01":"2021-04-20"], fuel="gas"),
        _home("too-short", meter0["2021-01-01":"2021-01-05"]),
        _home("daily", daily_kwh(meter0, LONDON)["2021-01-01":"2021-03-01"], **DAILY),
        _home(
            "daily-temps",
            daily_kwh(meter1, LONDON)["2012-11-01":"2013-01-04"],
            temperature1,
            **DAILY,
        ),
        _home("hours-labelled-daily", meter0["2021-01-01":"2021-03-01"], **DAILY),
        _home("weather-misses", meter0["2021-01-01":"2021-02-14"], temperature1),
        *synthetic,
    ]


def _same(chunked: object, alone: object) -> None:
    if isinstance(alone, GreenrecError):
        assert type(chunked) is type(alone) and str(chunked) == str(alone)
    else:
        assert chunked == alone


def _alone(model, home: Household, horizon: int):
    try:
        return forecast_household(model, home, horizon_hours=horizon)
    except GreenrecError as error:
        return error


@pytest.mark.parametrize("horizon", [48, 400])
def test_a_mixed_chunk_answers_each_household_as_alone(small_model, mixed, horizon) -> None:
    chunked = forecast_households(small_model, mixed, horizon_hours=horizon)
    assert len(chunked) == len(mixed)
    for home, item in zip(mixed, chunked, strict=True):
        _same(item, _alone(small_model, home, horizon))
    kinds = {home.household_id: type(item) for home, item in zip(mixed, chunked, strict=True)}
    assert kinds["too-short"] is InsufficientData and kinds["daily"] is Forecast
    assert kinds["hours-labelled-daily"] is InvalidInput
    assert kinds["weather-misses"] is InvalidInput
    assert sum(not isinstance(item, GreenrecError) for item in chunked) == len(mixed) - 3


def test_answers_do_not_depend_on_the_chunks_order(small_model, mixed) -> None:
    forward = forecast_households(small_model, mixed)
    backward = forecast_households(small_model, mixed[::-1])[::-1]
    for a, b in zip(forward, backward, strict=True):
        _same(a, b)


def test_the_year_models_trees_run_once_for_the_chunk(small_model, mixed, monkeypatch) -> None:
    # a daily meter's timeline is its own (its days' hours): its trees run apart, not tested here
    mixed = [home for home in mixed if not home.daily_only]
    calls = []
    year_model = small_model.year_model_
    original = type(year_model).predict_rows

    def counted(self, X, offset=None):
        if self is year_model:
            calls.append(len(X))
        return original(self, X, offset)

    monkeypatch.setattr(type(year_model), "predict_rows", counted)
    monkeypatch.setattr(shared_trees, "_CALENDAR_YEARS", weakref.WeakKeyDictionary())
    forecast_households(small_model, mixed)
    # one call per zone-year of the weatherless households, then one for the rows with weather
    *calendar_years, with_weather = calls
    zone_years = shared_trees._CALENDAR_YEARS[year_model]
    assert len(calendar_years) == len(zone_years) >= 3  # London, Paris; 2020 to 2022
    # the shared rows are evaluated once: fewer rows than a year and its level per household
    answered = len(mixed) - 3
    assert with_weather < answered * 8760
    calls.clear()
    forecast_households(small_model, mixed)
    assert calls == [with_weather]  # the zone-years are kept with the model


def test_weatherless_rows_are_read_from_whole_years_bit_for_bit(small_model) -> None:
    index = pd.date_range("2020-06-01", periods=15_000, freq="h", tz="UTC")  # into 2022
    positions = np.arange(len(index))
    for zone, latitude in (("Europe/London", 51.5), ("America/Havana", 23.1)):
        timeline = Timeline(index, zone, latitude, None)
        read = shared_trees.weatherless_learned(small_model, timeline)
        direct = small_model.learned(timeline, positions)[0]
        assert read is not None and read.view(np.uint64).tolist() == direct.view(np.uint64).tolist()
    warm = np.full((1, len(index)), 12.0)
    assert shared_trees.weatherless_learned(small_model, Timeline(index, zone, 23.1, warm)) is None
    half_past = Timeline(index + pd.Timedelta(minutes=30), zone, latitude, None)
    assert shared_trees.weatherless_learned(small_model, half_past) is None


def test_future_weather_per_household(small_model, meter0, temperature0) -> None:
    homes = [_home("a", meter0["2021-01-01":"2021-02-14"], temperature0), _home("b", meter0)]
    ahead = [temperature0 + 2.0, None]
    chunked = forecast_households(small_model, homes, 48, ahead)
    for home, weather, item in zip(homes, ahead, chunked, strict=True):
        assert item == forecast_household(small_model, home, 48, weather)
    with pytest.raises(ValueError, match="temperature entries"):
        forecast_households(small_model, homes, 48, ahead[:1])


def test_a_chunk_of_one_raises_as_the_single_call_does(small_model, meter0) -> None:
    home = _home("short", meter0["2021-01-01":"2021-01-05"])
    (item,) = forecast_households(small_model, [home])
    assert isinstance(item, InsufficientData)
    with pytest.raises(InsufficientData):
        forecast_household(small_model, replace(home))


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 40), st.integers(1, 4)),
        elements=st.sampled_from([0.0, -0.0, 1.5, 2.0, np.nan, -3.25]),
    )
)
def test_distinct_rows_rebuild_the_rows_bit_for_bit(rows) -> None:
    first, codes = distinct_rows(rows)
    bits = rows.view(np.uint64)
    np.testing.assert_array_equal(bits[first][codes], bits)
    assert len({row.tobytes() for row in bits[first]}) == len(first)


def test_rows_that_take_the_same_paths_are_evaluated_once_bit_for_bit(small_model) -> None:
    """Values on, just below and just above every threshold, NaN and values between: the
    path-sharing evaluation equals the trees' own predict on every row, bit for bit."""
    trees = regression_trees(small_model.year_model_.model_)
    assert trees is not None and len(trees.features) > 1
    cuts_of = {feature.column: feature.cuts for feature in trees.features}
    rng = np.random.default_rng(7)
    columns = []
    for column in range(trees.n_features):
        cuts = cuts_of.get(column, np.array([]))
        near = np.concatenate([cuts, np.nextafter(cuts, -np.inf), np.nextafter(cuts, np.inf)])
        pool = np.concatenate([near, [np.nan, -1e9, 1e9], rng.normal(0, 20, 50)])
        columns.append(rng.choice(pool, size=5000))
    rows = np.stack(columns, axis=1)
    expected = small_model.year_model_.predict(rows)
    got = evaluate_year_rows(small_model, rows)
    np.testing.assert_array_equal(got.view(np.uint64), expected.view(np.uint64))


def test_year_bands_of_some_hours_are_those_hours_of_all_bands(small_model, meter0) -> None:
    """The forecast makes year-ahead bands only for the hours it shows; each hour's band must
    be what the whole year's bands give at that hour, bit for bit (zero floor included)."""
    history = meter0["2021-01-01":"2021-06-30"].to_numpy()
    n_history = len(history)
    index = pd.date_range("2021-01-01", periods=n_history + 8760, freq="h", tz="UTC")
    kwh = np.full((2, len(index)), np.nan)
    kwh[0, :n_history] = history
    kwh[1, :n_history] = np.where(np.arange(n_history) % 48 < 20, 0.0, history)  # zero floor
    timeline = Timeline(index, "Europe/London", 51.5, None)
    positions = np.arange(n_history, len(index))
    relative, factor, level = small_model.year_relative(timeline, kwh, n_history, positions)
    whole = small_model.predict_year(timeline, kwh, n_history, positions)
    part = small_model.year_bands(relative[:, 168:400], factor, level)
    assert level.zero_share[1].any()
    for all_hours, some_hours in zip(whole, part, strict=True):
        assert all_hours[:, 168:400].tobytes() == some_hours.tobytes()


def test_the_weatherless_years_kept_are_bounded(small_model, monkeypatch) -> None:
    monkeypatch.setattr(shared_trees, "_CALENDAR_YEARS", weakref.WeakKeyDictionary())
    monkeypatch.setattr(shared_trees, "CALENDAR_YEARS_KEPT", 2)
    index = pd.date_range("2020-06-01", periods=20_000, freq="h", tz="UTC")  # 2020 to 2022
    timeline = Timeline(index, "Europe/London", 51.5, None)
    read = shared_trees.weatherless_learned(small_model, timeline)
    kept = shared_trees._CALENDAR_YEARS[small_model.year_model_]
    assert [year for _, _, year in kept] == [2021, 2022]  # 2020 dropped, least recently used
    direct = small_model.learned(timeline, np.arange(len(index)))[0]
    assert read is not None and read.tobytes() == direct.tobytes()
