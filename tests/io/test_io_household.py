"""parse_household on the real meters: shapes, normalisation, round trip."""

from __future__ import annotations

import json
from datetime import time

import numpy as np
import pandas as pd
import pytest
from household_payloads import as_rows, base_payload

from recommender.errors import InvalidInput
from recommender.io import (
    household_to_payload,
    parse_household,
    parse_household_json,
    read_household_json,
)


def test_sample0_hourly_clean_loads_unchanged(payload0, meter0):
    h = parse_household(payload0)
    expected = meter0.iloc[: 60 * 24]
    assert h.reading_interval_minutes == 60
    assert h.warnings == ()
    assert str(h.readings_kwh.index.tz) == "UTC"
    assert (np.diff(h.readings_kwh.index.asi8) == 3600 * 10**9).all()
    np.testing.assert_array_equal(h.readings_kwh.to_numpy(), expected.to_numpy())
    assert h.tariff.price_per_kwh == 0.245
    assert h.appliances[0].usual_start == time(19, 0)
    assert h.trips[0].start == pd.Timestamp("2021-01-04T08:00:00Z")
    assert h.preferences.quiet_hours == (time(22, 0), time(7, 0))


def test_compact_shape_gives_the_same_household(payload0, meter0):
    rows = parse_household(payload0)
    series = meter0.iloc[: 60 * 24]
    payload0["readings"] = {
        "start": series.index[0].isoformat(),
        "interval_minutes": 60,
        "kwh": series.tolist(),
    }
    compact = parse_household(payload0)
    pd.testing.assert_series_equal(rows.readings_kwh, compact.readings_kwh)


def test_sample1_half_hourly_with_duplicates_and_gaps(meter1):
    """Sample-1 loads with warnings: what the reader does with its flaws, checked from the file.

    The file has 15 exact duplicate rows (each repeated midnight of a monthly export), 4 single
    missing half-hours (filled) and one 24.5-hour hole on 2012-11-08 (left missing).
    """
    h = parse_household(base_payload(as_rows(meter1)))
    assert h.reading_interval_minutes == 60
    text = " | ".join(h.warnings)
    assert "dropped 15 exact duplicate" in text
    assert "filled 4 short gap" in text
    assert "2012-11-08T00:00:00+00:00 to 2012-11-09T01:00:00+00:00" in text
    # Hand check: a complete hour is the sum of its two half-hours in the file.
    raw = meter1[~meter1.index.duplicated()]
    hour = pd.Timestamp("2013-06-01T12:00:00Z")
    assert h.readings_kwh[hour] == pytest.approx(raw[hour] + raw[hour + pd.Timedelta("30min")])
    # Nothing lost beyond the warned fixes: total = file total - duplicates + filled - edge.
    assert h.readings_kwh.isna().sum() == 25


def test_round_trip_through_payload_and_json(meter1, tmp_path):
    h = parse_household(base_payload(as_rows(meter1.iloc[:3500])))  # 73 days, gaps, duplicates
    payload = household_to_payload(h)
    again = parse_household(json.loads(json.dumps(payload)))
    pd.testing.assert_series_equal(h.readings_kwh, again.readings_kwh)
    assert household_to_payload(again) == payload
    path = tmp_path / "h.json"
    path.write_text(json.dumps(payload))
    pd.testing.assert_series_equal(read_household_json(path).readings_kwh, h.readings_kwh)


def test_invalid_json_names_line_and_column():
    with pytest.raises(InvalidInput) as err:
        parse_household_json('{"household_id": "h", }')
    assert "line 1, column" in err.value.problems[0].where
    assert "not valid JSON" in err.value.problems[0].problem


@pytest.mark.parametrize(
    ("interval_minutes", "count"),
    [(60, 24 * 365 * 10), (15, 400_000), (1440, 400_000)],  # the last would pass year 2262
)
def test_a_compact_series_that_runs_into_the_future_names_its_first_late_value(
    payload0, interval_minutes, count
):
    start = pd.Timestamp.now(tz="UTC").floor("D") - pd.Timedelta(days=30)
    payload0["readings"] = {
        "start": start.isoformat(),
        "interval_minutes": interval_minutes,
        "kwh": [0.1] * count,
    }
    with pytest.raises(InvalidInput) as err:
        parse_household(payload0)
    (problem,) = err.value.problems
    late = int(problem.where.removeprefix("readings.kwh[").removesuffix("]"))
    # the first value past the plausible dates (now + 2 days): 32 days in, to within a step
    assert late * interval_minutes / 1440 == pytest.approx(32, abs=interval_minutes / 1440 + 1)
    assert "run into the future" in problem.problem and "interval_minutes" in problem.expected


def test_a_compact_temperature_series_into_the_future_is_named_too(payload0):
    start = pd.Timestamp.now(tz="UTC").floor("D") - pd.Timedelta(days=3)
    payload0["temperature"] = {
        "start": start.isoformat(),
        "interval_minutes": 60,
        "celsius": [5.0] * 240,
    }
    with pytest.raises(InvalidInput) as err:
        parse_household(payload0)
    assert [p.where.split("[")[0] for p in err.value.problems] == ["temperature.celsius"]
