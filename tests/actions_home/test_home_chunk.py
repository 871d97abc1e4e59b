"""A chunk of households gets, item for item, the home actions each gets alone.

The households: the real sample-0 meter with its real temperatures at different ends (so
different schedule days), with and without a forecast, on a time-of-use tariff, labelled in
another zone, declared a gas meter, summed to local days as a daily-only meter sends them; a
simulated gas meter on the real temperatures (tests/actions_home/home_meters.py); synthetic
households (``recommender.synth``: real meters' daily shapes, simulated appliances) that share
days and so share candidate windows; and households that must fail.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import pandas as pd
import pytest
from home_meters import simulated_gas_meter, week_forecast, whole_local_days

from recommender.actions.home import HomeReport, home_actions, home_actions_many, home_reports_many
from recommender.domain import Appliance, Household, Tariff, TouRate
from recommender.errors import GreenrecError, InsufficientData
from recommender.io import read_tables
from recommender.synth import write_population

NOW = pd.Timestamp("2021-06-01T12:00:00Z")


@pytest.fixture(scope="module")
def chunk(household0: Household, temperature0, tmp_path_factory) -> list[tuple[Household, object]]:
    paths = write_population(tmp_path_factory.mktemp("synth"), 4, days=28, seed=3)
    synthetic = read_tables(paths["households"], paths["readings"], paths["trips"]).households
    readings = household0.readings_kwh
    warm = replace(
        household0,
        household_id="heated",
        temperature_c=temperature0,
        appliances=(
            *household0.appliances,
            Appliance("washing_machine", 3, time(18, 0)),
            Appliance("electric_heating", 1),
        ),
    )
    tou = Tariff(
        "tou",
        "GBP",
        rates=(TouRate(time(0), time(7), 0.09), TouRate(time(7), time(0), 0.3)),
    )
    return [
        (household0, None),
        (warm, week_forecast("2022-01-01T00:00:00Z", 3200.0)),
        (replace(household0, household_id="earlier", readings_kwh=readings[:"2021-05-01"]), None),
        (
            replace(household0, household_id="tou", tariff=tou),
            week_forecast("2021-02-01T00:00:00Z", 2500.0),
        ),
        (replace(household0, household_id="paris", timezone="Europe/Paris"), None),
        (replace(household0, household_id="short", readings_kwh=readings[:"2019-01-05"]), None),
        (
            replace(
                household0,
                household_id="daily",
                readings_kwh=whole_local_days(readings, "Europe/London"),
                reading_interval_minutes=1440,
            ),
            None,
        ),
        (replace(warm, household_id="gas-meter", fuel="gas"), None),
        (
            replace(
                household0,
                household_id="gas-heated",
                readings_kwh=simulated_gas_meter(temperature0, "Europe/London"),
                temperature_c=temperature0,
                fuel="gas",
            ),
            week_forecast("2022-01-01T00:00:00Z", 8000.0),
        ),
        *((home, week_forecast("2024-01-29T00:00:00Z", 2000.0)) for home in synthetic),
        *((home, None) for home in synthetic),
    ]


def _alone(household: Household, forecast) -> object:
    (item,) = home_reports_many([household], [forecast], now=NOW)
    return item


def test_a_chunk_answers_each_household_as_alone(chunk) -> None:
    homes = [home for home, _ in chunk]
    items = home_reports_many(homes, [forecast for _, forecast in chunk], now=NOW)
    assert len(items) == len(chunk)
    for (home, forecast), item in zip(chunk, items, strict=True):
        alone = _alone(home, forecast)
        if isinstance(alone, GreenrecError):
            assert type(item) is type(alone) and str(item) == str(alone)
        else:
            assert item == alone
    by_id = {home.household_id: item for home, item in zip(homes, items, strict=True)}
    failed = {h for h, item in by_id.items() if isinstance(item, GreenrecError)}
    assert failed == {"short"} and isinstance(by_id["short"], InsufficientData)
    reports = {h: item for h, item in by_id.items() if isinstance(item, HomeReport)}
    kinds = {a.id for report in reports.values() for a in report.actions}
    assert "thermostat-down-1c" in kinds and any(k.startswith("shift-") for k in kinds)
    # only the gas and the daily meters' reports say what they could not offer
    warned = {h for h, report in reports.items() if report.warnings}
    assert warned == {"daily", "gas-meter", "gas-heated"}
    actions = home_actions_many(homes, [f for _, f in chunk], now=NOW)
    for listed, item in zip(actions, items, strict=True):
        if isinstance(item, GreenrecError):
            assert str(listed) == str(item)
        else:
            assert listed == list(item.actions)


def test_answers_do_not_depend_on_the_chunks_order(chunk) -> None:
    homes = [home for home, _ in chunk]
    forecasts = [forecast for _, forecast in chunk]
    forward = home_actions_many(homes, forecasts, now=NOW)
    backward = home_actions_many(homes[::-1], forecasts[::-1], now=NOW)[::-1]
    for a, b in zip(forward, backward, strict=True):
        assert str(a) == str(b) if isinstance(a, GreenrecError) else a == b


def test_forecasts_must_match_the_households(chunk) -> None:
    with pytest.raises(ValueError, match="forecasts for"):
        home_actions_many([home for home, _ in chunk], [None], now=NOW)


def test_load_profiles_of_a_chunk_are_each_households_own(chunk) -> None:
    from recommender.actions.home.profile import (
        DailyProfile,
        LoadProfile,
        load_profile,
        load_profiles,
    )

    homes = [home for home, _ in chunk]
    forecasts = [forecast for _, forecast in chunk]
    for home, forecast, item in zip(homes, forecasts, load_profiles(homes, forecasts), strict=True):
        try:
            alone = load_profile(home, forecast)
        except InsufficientData as error:
            assert isinstance(item, InsufficientData) and str(item) == str(error)
            continue
        assert not isinstance(item, InsufficientData)
        assert item.last_year_kwh.equals(alone.last_year_kwh)
        assert item.last_year_days.tobytes() == alone.last_year_days.tobytes()
        assert (item.n_days, item.annual_kwh) == (alone.n_days, alone.annual_kwh)
        if isinstance(alone, DailyProfile):
            assert isinstance(item, DailyProfile)
            continue
        assert isinstance(item, LoadProfile)
        assert item.hourly_kwh.tobytes() == alone.hourly_kwh.tobytes()
        assert (item.baseload_kw, item.baseload_kw_p10, item.baseload_kw_p90) == (
            alone.baseload_kw,
            alone.baseload_kw_p10,
            alone.baseload_kw_p90,
        )
        assert (item.peak_hour, item.n_days, item.annual_kwh) == (
            alone.peak_hour,
            alone.n_days,
            alone.annual_kwh,
        )
        assert item.last_year_kwh.equals(alone.last_year_kwh)
        assert item.last_year_days.tobytes() == alone.last_year_days.tobytes()


@pytest.mark.parametrize(
    "now",
    [
        "2021-03-13T12:00:00-05:00",  # Havana: midnight skipped tomorrow (00:00 -> 01:00)
        "2021-03-14T12:00:00-04:00",  # ... and today
        "2021-11-06T12:00:00-04:00",  # midnight twice tomorrow (01:00 -> 00:00)
        "2021-11-07T12:00:00-05:00",
    ],
)
def test_zones_whose_clocks_change_at_midnight_get_their_schedule(household0, now) -> None:
    """Midnight that does not exist or comes twice starts a day like any other (it raised a
    pandas traceback); the schedule starts on the next calendar day."""
    home = replace(household0, timezone="America/Havana")
    moment = pd.Timestamp(now)
    actions = home_actions(home, None, now=moment)
    assert actions
    shifts = [a for a in actions if a.kind == "shift_appliance"]
    assert shifts
    today = moment.tz_convert("America/Havana").date()
    tomorrow = pd.Timestamp(today) + pd.Timedelta(days=1)
    for action in shifts:
        dates = [pd.Timestamp(day["date"]) for day in action.details["next_days"]]
        assert dates == list(pd.date_range(tomorrow, periods=len(dates), freq="D"))
