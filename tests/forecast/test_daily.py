"""A daily-only meter (``reading_interval_minutes == 1440``) gets a forecast of day totals.

The households are the bundled real meters summed to local days as a daily meter reports them
(:func:`recommender.forecast.data.daily_kwh`), and the simulated gas household of
``test_fuel_and_weather`` (its assumptions are stated there) summed the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_fuel_and_weather import simulated_gas

from recommender.domain import Forecast, Household, Tariff
from recommender.errors import InsufficientData, InvalidInput
from recommender.forecast import forecast_household, forecast_households
from recommender.forecast.daily import DAILY_NOTE
from recommender.forecast.data import daily_kwh
from recommender.io.household import parse_household

LONDON = "Europe/London"
# The daily and the hourly path read the same year against the same year model; they differ in
# the household's own profile (day-of-week factors against hour-of-week ones) and in the hours
# the level is read at (every day against ~1,500 sampled hours). On the benchmark's three meters
# (benchmarks/forecast_daily.py) their year-ahead totals differ by under 2.5 %; 5 % leaves room
# for the small test model.
ANNUAL_DISTANCE = 0.05


def _home(readings: pd.Series, temperature=None, minutes=1440, **kw) -> Household:
    tariff = Tariff("flat", "GBP", 0.25)
    return Household(
        "daily-1",
        "GB",
        kw.pop("timezone", LONDON),
        tariff,
        readings,
        temperature_c=temperature,
        reading_interval_minutes=minutes,
        **kw,
    )


def _local(series: pd.Series, first: str, last: str) -> pd.Series:
    """The part of an hourly or daily UTC series on local dates ``first`` to ``last``."""
    dates = pd.DatetimeIndex(series.index).tz_convert(LONDON).tz_localize(None).normalize()
    return series[(dates >= pd.Timestamp(first)) & (dates <= pd.Timestamp(last))]


@pytest.fixture(scope="module")
def days0(meter0) -> pd.Series:
    return _local(daily_kwh(meter0, LONDON), "2020-04-02", "2021-04-01")


def test_a_real_meter_summed_to_days_gets_seven_days_with_ordered_bands(
    small_model, days0, temperature0
) -> None:
    forecast = forecast_household(small_model, _home(days0, temperature0))
    assert (forecast.horizon, forecast.interval) == ("P7D", "P1D")
    # the first forecast day's local midnight: 2 April 2021 in British summer time
    assert forecast.start == pd.Timestamp("2021-04-01 23:00", tz="UTC")
    assert len(forecast.kwh) == len(forecast.p10) == len(forecast.p90) == 7
    p10, p50, p90 = (np.array(b) for b in (forecast.p10, forecast.p50, forecast.p90))
    assert (p10 <= p50).all() and (p50 <= p90).all() and (p10 < p90).all()
    assert forecast.annual_kwh_p10 < forecast.annual_kwh_p90
    assert "daily totals" in forecast.method and "own backtest" in forecast.method
    assert forecast.warnings[0] == DAILY_NOTE


@pytest.mark.parametrize(
    ("meter", "temperature", "first", "last"),
    [
        ("meter0", "temperature0", "2020-04-02", "2021-04-01"),
        ("meter1", "temperature1", "2012-10-13", "2013-10-12"),
    ],
)
def test_the_annual_total_is_near_the_same_meters_hourly_one(
    small_model, request, meter, temperature, first, last
) -> None:
    hourly = _local(request.getfixturevalue(meter), first, last)
    temps = request.getfixturevalue(temperature)
    daily = forecast_household(small_model, _home(daily_kwh(hourly, LONDON), temps))
    by_hour = forecast_household(small_model, _home(hourly, temps, minutes=60))
    assert daily.annual_kwh == pytest.approx(by_hour.annual_kwh, rel=ANNUAL_DISTANCE)


def test_a_mixed_chunk_gives_each_household_its_answer_alone(
    small_model, meter0, days0, temperature0
) -> None:
    homes = [
        _home(meter0["2021-01-01":"2021-02-14"], temperature0, minutes=60),
        _home(days0, temperature0),
        _home(days0.iloc[-20:]),
        _home(days0.iloc[-5:]),
    ]
    chunked = forecast_households(small_model, homes)
    for home, item in zip(homes, chunked, strict=True):
        try:
            alone: object = forecast_household(small_model, home)
        except InsufficientData as error:
            alone = error
        assert type(item) is type(alone)
        assert item == alone if isinstance(item, Forecast) else str(item) == str(alone)
    assert [f.interval for f in chunked[:3] if isinstance(f, Forecast)] == ["PT1H", "P1D", "P1D"]


def test_too_few_days_is_insufficient_data_naming_the_household(small_model, days0) -> None:
    with pytest.raises(InsufficientData, match="household daily-1 has 13 daily readings"):
        forecast_household(small_model, _home(days0.iloc[-13:]))
    forecast_household(small_model, _home(days0.iloc[-14:]))  # 14 days is enough


def test_a_vacancy_is_set_aside_and_can_leave_too_few_days(small_model, days0) -> None:
    history = days0.iloc[-60:].copy()
    history.iloc[20:30] = 0.0  # ten empty days: a vacancy on an electricity meter
    forecast = forecast_household(small_model, _home(history))
    assert any(w.startswith("vacancy: 10 days") for w in forecast.warnings)
    short = days0.iloc[-22:].copy()
    short.iloc[:10] = 0.0  # 22 days, 10 of them vacant: 12 left
    with pytest.raises(InsufficientData, match="daily-1 has 12 daily readings left"):
        forecast_household(small_model, _home(short))


def test_hours_labelled_daily_are_refused_naming_the_reading(small_model, meter0) -> None:
    with pytest.raises(InvalidInput, match=r"readings_kwh\[1\].*1 hours after"):
        forecast_household(small_model, _home(meter0["2021-01-01":"2021-03-01"]))


@pytest.mark.parametrize("last_day", ["2021-03-31", "2021-06-30", "2021-09-30", "2021-12-31"])
def test_a_daily_gas_meter_is_forecast_near_its_own_last_year(
    small_model, temperature0, last_day
) -> None:
    gas = simulated_gas(temperature0, "2020-04-02", "2022-04-01 23:00")
    history = daily_kwh(gas, LONDON)[: pd.Timestamp(last_day, tz=LONDON)].iloc[-365:]
    history.iloc[150:170] = 0.0  # a fortnight and more of no heating: its season, no vacancy
    forecast = forecast_household(small_model, _home(history, fuel="gas"))
    assert "gas" in forecast.method
    assert any(w.startswith("gas: no vacancy") for w in forecast.warnings)
    assert not [w for w in forecast.warnings if w.startswith(("level shift", "vacancy"))]
    assert forecast.annual_kwh == pytest.approx(history.sum(), rel=0.10)


def test_hourly_temperatures_are_read_and_said(small_model, days0, temperature0) -> None:
    without = forecast_household(small_model, _home(days0))
    assert "calendar and daylight alone" in without.method
    assert any(w.startswith("no temperatures given") for w in without.warnings)
    home = _home(days0, temperature0)
    with_temps = forecast_household(small_model, home)
    assert "the given temperatures" in with_temps.method
    assert not any(w.startswith("no temperatures given") for w in with_temps.warnings)
    hours = pd.date_range(with_temps.start, periods=8 * 24, freq="h")
    cold = forecast_household(small_model, home, temperature_c=pd.Series(-5.0, index=hours))
    mild = forecast_household(small_model, home, temperature_c=pd.Series(15.0, index=hours))
    assert sum(cold.kwh) > sum(mild.kwh)  # the week ahead follows the weather given


def test_the_week_ahead_follows_the_recent_level(small_model, days0) -> None:
    base = forecast_household(small_model, _home(days0))
    raised = days0.copy()
    raised.iloc[-14:] *= 1.5
    high = forecast_household(small_model, _home(raised))
    assert sum(high.kwh) > 1.2 * sum(base.kwh)
    # the year's level weighs the last fortnight at about 10 % (recency half-life 90 days)
    assert base.annual_kwh < high.annual_kwh < 1.15 * base.annual_kwh


def test_a_daily_payload_as_a_user_sends_it_is_forecast(small_model, days0) -> None:
    """The JSON of docs/product.md with ``interval_minutes`` 1440, read by the real reader."""
    history = days0.iloc[-90:]
    payload = {
        "household_id": "daily-json",
        "region": "GB",
        "timezone": LONDON,
        "tariff": {"type": "flat", "price_per_kwh": 0.25, "currency": "GBP"},
        "readings": {
            "start": history.index[0].tz_convert(LONDON).isoformat(),
            "interval_minutes": 1440,
            "kwh": [round(float(v), 3) for v in history],
        },
    }
    household = parse_household(payload)
    assert household.reading_interval_minutes == 1440
    forecast = forecast_household(small_model, household)
    direct = forecast_household(small_model, _home(history.round(3)))
    assert forecast.start == direct.start == history.index[-1] + pd.Timedelta(days=1)
    np.testing.assert_allclose(forecast.kwh, direct.kwh)


def test_the_bands_hold_the_forecast_for_a_history_whose_use_fell(service, sample_payload):
    """The real sample's use fell by a third in its last year: every backtest origin
    over-forecast the rest of its history. The annual band is that spread around the forecast,
    not its drift, so it holds the forecast it ranges (it once lay wholly below it)."""
    from home_meters import daily_payload

    payload = daily_payload(sample_payload)
    payload.pop("temperature")  # as most daily exports come
    forecast = service.forecast(payload)
    assert forecast.interval == "P1D"
    assert forecast.annual_kwh_p10 <= forecast.annual_kwh <= forecast.annual_kwh_p90
    assert forecast.annual_kwh_p10 < forecast.annual_kwh_p90
    for p10, mean, p90 in zip(forecast.p10, forecast.kwh, forecast.p90, strict=True):
        assert p10 <= mean <= p90


def test_many_missing_days_are_told_in_one_warning(small_model, days0) -> None:
    gapped = days0.copy()
    gapped.iloc[2::5] = np.nan  # every fifth day unread
    forecast = forecast_household(small_model, _home(gapped))
    gaps = [w for w in forecast.warnings if w.startswith("gap:")]
    assert len(gaps) == 1
    assert gaps[0].startswith(f"gap: {gapped.isna().sum()} gaps of a day or more")


@pytest.mark.parametrize("zone", ["America/Santiago", "America/Havana"])
def test_a_daily_meter_where_the_clocks_change_at_midnight(small_model, meter0, zone) -> None:
    """Chile skips midnight (that day starts at 01:00), Cuba repeats it (the day starts at the
    first of two): each whole day is still a reading, and the forecast runs on them."""
    days = daily_kwh(meter0, zone)
    assert days.iloc[1:-1].notna().all()  # only the part days at the two ends are unknown
    lengths = pd.Series(days.index).diff().dropna().value_counts()
    assert set(lengths.index) == {pd.Timedelta(hours=h) for h in (23, 24, 25)}
    forecast = forecast_household(small_model, _home(days.iloc[1:-1], timezone=zone))
    assert forecast.interval == "P1D" and len(forecast.kwh) == 7
    assert pd.Timestamp(forecast.start) > days.index[-2]
