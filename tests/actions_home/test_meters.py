"""Home actions on the meters the bundled data does not cover: a gas meter and a daily-only one.

The households are the bundled sample (real sample-0 meter and temperatures, through the
canonical JSON parser) declared a gas meter, and summed to whole local days as a daily-only
meter sends them (``home_meters.daily_payload``); the gas thermostat is checked on a SIMULATED
gas meter driven by the real temperatures (``home_meters.simulated_gas_meter``: no open gas
meter is bundled). They are tested on :func:`home_reports_many` directly, with no forecast or a
hand-built daily one, so the home actions' figures are checked apart from the forecast's.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from home_meters import daily_payload, simulated_gas_meter, week_forecast

from recommender.actions.home import HomeReport, home_reports_many
from recommender.actions.home.heating import CLEAR_SHARE, heating_fit
from recommender.actions.home.profile import DailyProfile, load_profile
from recommender.actions.home.savings import annual_intensity
from recommender.domain import Action, Appliance, Forecast, Household
from recommender.io import parse_household

NOW = pd.Timestamp("2022-12-20T12:00:00Z")
ZONE = "Europe/London"
HEATING = Appliance("electric_heating", 1)


def report(household: Household, forecast: Forecast | None = None) -> HomeReport:
    (item,) = home_reports_many([household], [forecast], now=NOW)
    assert isinstance(item, HomeReport), item
    return item


def unpaired(actions: tuple[Action, ...] | list[Action]) -> dict[str, Action]:
    """The actions by id, without their conflicts (which name the actions offered beside)."""
    return {a.id: replace(a, conflicts_with=()) for a in actions}


def reads_electric_hours(action: Action) -> bool:
    """The actions that read the meter's hours as electricity use."""
    return (
        action.id in ("standby-cut", "tou-tariff")
        or action.id.startswith("shift-detected-")
        or str(action.details.get("usual_start_source", "")).startswith("assumed")
    )


@pytest.fixture(scope="module")
def hourly(sample_payload) -> Household:
    return parse_household(sample_payload)


@pytest.fixture(scope="module")
def gas(sample_payload) -> Household:
    return parse_household({**sample_payload, "fuel": "gas"})


@pytest.fixture(scope="module")
def daily(sample_payload) -> Household:
    home = parse_household(daily_payload(sample_payload, ZONE))
    assert home.reading_interval_minutes == 1440
    return home


@pytest.fixture(scope="module")
def heated_gas(sample_payload, temperature0) -> Household:
    meter = simulated_gas_meter(temperature0, ZONE)
    readings = {
        "start": meter.index[0].isoformat(),
        "interval_minutes": 60,
        "kwh": [round(float(v), 4) for v in meter],
    }
    return parse_household({**sample_payload, "fuel": "gas", "readings": readings})


def test_hourly_electricity_gets_every_action_and_no_warning(hourly) -> None:
    electric = report(hourly)
    assert electric.warnings == ()
    assert any(reads_electric_hours(a) for a in electric.actions)


def test_a_gas_meter_gets_no_action_that_reads_it_as_electricity(hourly, gas) -> None:
    electric, on_gas = report(hourly), report(gas)
    from_hours = {a.id for a in electric.actions if reads_electric_hours(a)}
    assert {"standby-cut", "shift-washing-machine"} <= from_hours  # what there was to drop
    assert not any(reads_electric_hours(a) for a in on_gas.actions)
    # the declared appliances' actions do not read the meter: the same as on electricity
    kept = unpaired([a for a in electric.actions if a.id not in from_hours])
    assert unpaired(on_gas.actions) == kept
    assert {"shift-dishwasher", "wash-30c", "line-dry"} <= set(kept)
    notes = on_gas.warnings
    assert "meter gas" in notes[0]
    assert all(w in notes[0] for w in ("always-on", "time-of-use", "cycles seen in the meter"))
    assert "washing machine and tumble dryer" in notes[1] and "usual start" in notes[1]
    # sample-0's meter (electricity in truth) shows no heating load a gas boiler would give
    fit = heating_fit(gas, load_profile(gas))
    assert fit is not None and fit.heating_share < CLEAR_SHARE
    assert "thermostat" in notes[2] and "clear heating load" in notes[2]
    assert len(notes) == 3


def test_a_gas_meter_without_temperatures_is_told_the_thermostat_needs_them(gas) -> None:
    notes = report(replace(gas, temperature_c=None)).warnings
    assert "no outdoor temperatures" in notes[-1]


def test_the_gas_thermostat_saves_gas_at_the_gas_factor(heated_gas, data_dir) -> None:
    factors = pd.read_csv(data_dir / "factors" / "home_savings.csv").set_index("factor")
    gas_kg_per_kwh = factors.loc["natural_gas_kg_co2e_per_kwh", "value"]
    on_gas = report(heated_gas)
    action = {a.id: a for a in on_gas.actions}["thermostat-down-1c"]
    s = action.savings
    assert s.energy == "gas" and s.kwh_per_year > 0
    for kwh, kg in (
        (s.kwh_per_year, s.kg_co2e_per_year),
        (s.kwh_per_year_p10, s.kg_co2e_per_year_p10),
        (s.kwh_per_year_p90, s.kg_co2e_per_year_p90),
    ):
        assert kg == pytest.approx(kwh * gas_kg_per_kwh, rel=1e-12)
    assert (s.money_per_year, s.money_per_year_p10, s.money_per_year_p90) == (0.0, 0.0, 0.0)
    assert "gas meter shows a clear heating load" in action.explanation
    assert "No gas price was given" in action.explanation
    assert "heat with electricity" not in action.explanation
    assert any("natural gas" in source and "DESNZ" in source for source in action.sources)
    assert not any("thermostat" in w for w in on_gas.warnings)
    # the same readings as an electricity meter: the same kWh, at the grid's intensity and price
    as_electricity = replace(heated_gas, fuel="electricity")
    electric = {a.id: a for a in report(as_electricity).actions}["thermostat-down-1c"]
    assert electric.savings.kwh_per_year == pytest.approx(s.kwh_per_year, rel=1e-12)
    g_per_kwh, _ = annual_intensity("GB")
    assert electric.savings.kg_co2e_per_year == pytest.approx(s.kwh_per_year * g_per_kwh / 1000)
    assert electric.savings.money_per_year == pytest.approx(s.kwh_per_year * 0.245)


def test_a_daily_meter_gets_what_daily_readings_support(hourly, daily) -> None:
    electric, by_day = report(hourly), report(daily)
    from_hours = {a.id for a in electric.actions if reads_electric_hours(a)}
    assert from_hours and not any(reads_electric_hours(a) for a in by_day.actions)
    kept = unpaired([a for a in electric.actions if a.id not in from_hours])
    assert unpaired(by_day.actions) == kept
    notes = by_day.warnings
    assert "daily totals" in notes[0] and "always-on" in notes[0]
    assert "washing machine and tumble dryer" in notes[1] and "daily meter" in notes[1]
    assert len(notes) == 2  # an electricity meter without a heating load: no thermostat note
    profile = load_profile(daily)
    assert isinstance(profile, DailyProfile)
    readings = daily.readings_kwh.dropna()
    last = readings[readings.index > readings.index[-1] - pd.Timedelta(days=365)]
    assert profile.annual_kwh == pytest.approx(last.mean() * 365, rel=1e-12)


def test_the_daily_thermostat_is_fitted_on_daily_kwh(daily) -> None:
    declared = replace(daily, appliances=(*daily.appliances, HEATING))
    action = {a.id: a for a in report(declared).actions}["thermostat-down-1c"]
    # hand check: least squares of each day's reading on HDD(15.5 °C) of its local day's mean
    readings = daily.readings_kwh.dropna()
    last = readings[readings.index > readings.index[-1] - pd.Timedelta(days=365)]
    by_day = pd.Series(last.to_numpy(), index=last.index.tz_convert(ZONE).date)
    assert daily.temperature_c is not None
    temp = daily.temperature_c.tz_convert(ZONE)
    joined = pd.concat([by_day, temp.groupby(temp.index.date).mean()], axis=1).dropna()
    hdd = np.clip(15.5 - joined.iloc[:, 1], 0, None)
    slope = np.polyfit(hdd, joined.iloc[:, 0], 1)[0]
    saved_hdd = (hdd - np.clip(14.5 - joined.iloc[:, 1], 0, None)).sum() * 365 / len(joined)
    assert action.savings.kwh_per_year == pytest.approx(slope * saved_hdd, rel=1e-6)
    assert "heat with electricity" in action.explanation and action.savings.energy == "electricity"


def test_a_daily_gas_meter_gets_the_hourly_ones_thermostat(heated_gas, sample_payload) -> None:
    """The same whole days, summed: the same fit (the simulated meter ends on a whole day)."""
    hourly_payload = {**sample_payload, "fuel": "gas"}
    meter = heated_gas.readings_kwh
    hourly_payload["readings"] = {
        "start": meter.index[0].isoformat(),
        "interval_minutes": 60,
        "kwh": meter.round(4).tolist(),
    }
    by_day = parse_household(daily_payload(hourly_payload, ZONE))
    assert by_day.reading_interval_minutes == 1440
    daily_action = {a.id: a for a in report(by_day).actions}["thermostat-down-1c"]
    hourly_action = {a.id: a for a in report(heated_gas).actions}["thermostat-down-1c"]
    assert daily_action.savings.kwh_per_year == pytest.approx(
        hourly_action.savings.kwh_per_year, rel=1e-9
    )
    assert daily_action.savings.energy == "gas"


def test_a_daily_forecast_gives_a_week_of_schedule_and_the_yearly_use(daily) -> None:
    first_day = pd.Timestamp("2022-12-21", tz=ZONE).tz_convert("UTC")  # its local midnight
    forecast = week_forecast(first_day, 3300.0, "P1D")
    shift = {a.id: a for a in report(daily, forecast).actions}["shift-dishwasher"]
    days = [day["date"] for day in shift.details["next_days"]]
    assert days == [str(d.date()) for d in pd.date_range("2022-12-21", periods=7, freq="D")]
    profile = load_profile(daily, forecast)
    assert (profile.annual_kwh, profile.annual_kwh_source) == (3300.0, "the usage forecast")
    # an hourly forecast of the same week schedules the same days
    hourly = week_forecast(first_day, 3300.0)
    again = {a.id: a for a in report(daily, hourly).actions}["shift-dishwasher"]
    assert again.details["next_days"] == shift.details["next_days"]


def test_the_answer_carries_the_home_warnings(service, sample_payload) -> None:
    on_gas = service.recommend({**sample_payload, "fuel": "gas"}, now=NOW)
    home_notes = [w for w in on_gas.warnings if w.startswith("home: ")]
    assert home_notes == list(report(parse_household({**sample_payload, "fuel": "gas"})).warnings)
    assert not any(reads_electric_hours(a) for a in on_gas.actions)
    on_electricity = service.recommend(sample_payload, now=NOW)
    assert not any(w.startswith("home: ") for w in on_electricity.warnings)
