"""Normalisation: DST days in the household's zone, daily meters, 15-minute data, conservation.

Values are real (sample-0/1 meters, the UCI minutes); only the timestamps are moved onto the
2024 GB clock changes, since no bundled meter series has offsets across a DST change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from household_payloads import base_payload
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.clock import local_midnight
from recommender.io import (
    household_to_payload,
    household_to_tables,
    parse_household,
    read_tables,
    schema,
)
from recommender.resources import data_path

LONDON = "Europe/London"


def local_rows(values: np.ndarray, start: str, freq: str, tz: str = LONDON) -> list[dict]:
    """Readings stamped in local time with their offset (+00:00 / +01:00 in London)."""
    index = pd.date_range(start, periods=len(values), freq=freq, tz=tz)
    return [
        {"timestamp": t.isoformat(), "kwh": float(v)} for t, v in zip(index, values, strict=True)
    ]


@pytest.mark.parametrize(("day", "hours"), [("2024-03-31", 23), ("2024-10-27", 25)])
def test_half_hourly_across_a_dst_change(meter1, day, hours):
    values = meter1.to_numpy()[: 21 * 48 + 2]  # 21 days of real half-hours, starting at 00:30
    start = pd.Timestamp(day) - pd.Timedelta(days=10)
    rows = local_rows(values, str(start), "30min")
    h = parse_household(base_payload(rows))
    local = h.readings_kwh.tz_convert(LONDON)
    per_day = local.groupby(local.index.date).size()
    assert per_day[pd.Timestamp(day).date()] == hours
    assert per_day[(pd.Timestamp(day) - pd.Timedelta(days=1)).date()] == 24
    # Conservation: every half-hour is in one complete hour (the series starts at local midnight).
    assert h.readings_kwh.sum() == pytest.approx(values[: len(h.readings_kwh) * 2].sum())
    assert h.warnings == ()


def test_daily_meter_on_local_days(meter0):
    hourly = meter0["2021-03-20T00:00Z":"2021-04-12T00:00Z"]
    daily = hourly.groupby(hourly.index.date).sum().to_numpy()[:21]  # real daily totals
    h = parse_household(base_payload(local_rows(daily, "2024-03-20", "D")))
    assert h.reading_interval_minutes == 1440
    steps = pd.Series(h.readings_kwh.index).diff().dropna().value_counts()
    assert steps[pd.Timedelta(hours=24)] == 19 and steps[pd.Timedelta(hours=23)] == 1
    assert (h.readings_kwh.index.tz_convert(LONDON).hour == 0).all()
    np.testing.assert_allclose(h.readings_kwh.to_numpy(), daily)
    compact = base_payload(
        {"start": "2024-03-20T00:00:00+00:00", "interval_minutes": 1440, "kwh": daily.tolist()}
    )
    pd.testing.assert_series_equal(parse_household(compact).readings_kwh, h.readings_kwh)
    again = parse_household(household_to_payload(h))  # the round trip keeps the 23-hour day
    pd.testing.assert_series_equal(again.readings_kwh, h.readings_kwh)
    (back,) = read_tables(
        *[household_to_tables(h)[k] for k in ("households", "readings")]
    ).households
    pd.testing.assert_series_equal(back.readings_kwh, h.readings_kwh)


@pytest.mark.parametrize(
    ("zone", "first", "stamp", "hours"),
    [
        # Chile's clocks skip from 00:00 to 01:00: that day's reading is at 01:00, 23 hours long
        ("America/Santiago", "2022-08-25", "2022-09-11T01:00:00-03:00", 23),
        # Cuba's go back from 01:00 to 00:00: the day begins at the first of two midnights
        ("America/Havana", "2022-10-25", "2022-11-06T00:00:00-04:00", 25),
    ],
)
def test_daily_meter_where_the_clocks_change_at_midnight(meter0, zone, first, stamp, hours):
    daily = meter0.iloc[: 24 * 21].groupby(meter0.index[: 24 * 21].date).sum().to_numpy()[:20]
    days = pd.date_range(first, periods=len(daily), freq="D")  # local dates, as a meter prints
    starts = [local_midnight((d + pd.Timedelta(hours=12)).tz_localize(zone), zone) for d in days]
    rows = [
        {"timestamp": t.isoformat(), "kwh": float(v)} for t, v in zip(starts, daily, strict=True)
    ]
    assert stamp in [r["timestamp"] for r in rows]
    h = parse_household({**base_payload(rows), "timezone": zone})
    assert h.reading_interval_minutes == 1440
    np.testing.assert_allclose(h.readings_kwh.to_numpy(), daily)
    at = h.readings_kwh.index.get_loc(pd.Timestamp(stamp))
    assert h.readings_kwh.index[at + 1] - h.readings_kwh.index[at] == pd.Timedelta(hours=hours)
    compact = {"start": rows[0]["timestamp"], "interval_minutes": 1440, "kwh": daily.tolist()}
    again = parse_household({**base_payload(compact), "timezone": zone})
    pd.testing.assert_series_equal(again.readings_kwh, h.readings_kwh)


def test_daily_readings_at_utc_midnight_are_utc_days(meter0):
    daily = meter0.iloc[: 24 * 20].groupby(meter0.index[: 24 * 20].date).sum().to_numpy()
    rows = [
        {"timestamp": t.isoformat(), "kwh": float(v)}
        for t, v in zip(
            pd.date_range("2024-03-25", periods=len(daily), freq="D", tz="UTC"), daily, strict=True
        )
    ]
    h = parse_household(base_payload(rows))
    assert h.reading_interval_minutes == 1440
    assert (pd.Series(h.readings_kwh.index).diff().dropna() == pd.Timedelta(days=1)).all()


def test_fifteen_minute_uci_sums_to_the_importer_hours(data_dir, monkeypatch):
    """UCI minutes summed to 15 minutes, then normalised, give the importer's hourly kWh."""
    from recommender.io.importers import read_uci_household_power

    path = data_dir / "household_power" / "household_power_consumption_2007-02-01_02.txt"
    raw = pd.read_csv(path, sep=";", na_values="?")
    quarter_kwh = raw["Global_active_power"].to_numpy().reshape(-1, 15).sum(axis=1) / 60
    rows = local_rows(quarter_kwh, "2007-02-01", "15min", tz="Europe/Paris")
    monkeypatch.setattr(schema, "MIN_DAYS_OF_READINGS", 1.0)  # the extract is two days long
    h = parse_household({**base_payload(rows), "region": "FR", "timezone": "Europe/Paris"})
    hourly = read_uci_household_power(path)
    np.testing.assert_allclose(h.readings_kwh.to_numpy(), hourly["kwh"].to_numpy())
    assert (h.readings_kwh.index == pd.DatetimeIndex(hourly["timestamp"])).all()


@settings(max_examples=25, deadline=None)
@given(
    interval=st.sampled_from([15, 30, 60]),
    offset_slots=st.integers(0, 3),
    first=st.integers(0, 20_000),
    drop=st.lists(st.integers(50, 1300), max_size=6, unique=True),
)
def test_normalisation_conserves_kwh_in_complete_hours(interval, offset_slots, first, drop):
    """Each output hour is the sum of its input readings; hours with a dropped reading are
    either filled (gap <= 2 h) or missing; nothing else changes."""
    values = REAL_HALF_HOURS[first : first + 14 * 24 * 60 // interval + 16].copy()
    start = pd.Timestamp("2023-06-01T00:00Z") + pd.Timedelta(
        minutes=interval * (offset_slots % (60 // interval))
    )
    index = pd.date_range(start, periods=len(values), freq=f"{interval}min")
    keep = np.ones(len(values), dtype=bool)
    keep[[d for d in drop if d < len(values) - 1]] = False
    rows = [
        {"timestamp": t.isoformat(), "kwh": float(v)}
        for t, v, k in zip(index, values, keep, strict=True)
        if k
    ]
    h = parse_household(base_payload(rows))
    inputs = pd.Series(values, index=index)
    per_hour = inputs.groupby(index.floor("h")).agg(["sum", "size"])
    untouched = per_hour.index.isin(index[keep].floor("h")) & ~per_hour.index.isin(
        index[~keep].floor("h")
    )
    complete = per_hour[(per_hour["size"] == 60 // interval) & untouched]
    out = h.readings_kwh.reindex(complete.index)
    np.testing.assert_allclose(out.to_numpy(), complete["sum"].to_numpy(), rtol=1e-12, atol=1e-12)
    assert h.readings_kwh.index.freq == "h" or (np.diff(h.readings_kwh.index.asi8) == 3.6e12).all()


REAL_HALF_HOURS = pd.read_csv(data_path("meters/uk-electricity-sample-1.csv.gz"))[
    "value"
].to_numpy()
