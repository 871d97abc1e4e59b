"""align_temperature in numpy gives, bit for bit, what pandas' resample and interpolate gave."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.forecast.data import align_temperature


def _pandas_reference(temperature_c: pd.Series, index: pd.DatetimeIndex) -> np.ndarray:
    """The implementation this one replaced (kept here as the reference)."""
    series = temperature_c[~temperature_c.index.duplicated()].sort_index()
    series = series.tz_convert("UTC").resample("1h").mean()
    series = series.reindex(series.index.union(index)).interpolate(limit=6, limit_area="inside")
    return series.reindex(index).to_numpy(dtype=float)


@st.composite
def temperatures_and_index(draw) -> tuple[pd.Series, pd.DatetimeIndex]:
    step_minutes = draw(st.sampled_from([60, 60, 30, 15]))
    n = draw(st.integers(1, 120))
    start = pd.Timestamp("2023-03-20T00:00:00Z") + pd.Timedelta(hours=draw(st.integers(0, 48)))
    stamps = pd.date_range(start, periods=n, freq=f"{step_minutes}min")
    keep = np.asarray(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    keep[0] = True
    values = draw(
        st.lists(
            st.one_of(st.floats(-20, 40, allow_nan=False), st.just(float("nan"))),
            min_size=n,
            max_size=n,
        )
    )
    series = pd.Series(values, index=stamps)[keep]
    series = series.tz_convert(draw(st.sampled_from(["UTC", "Europe/London", "America/Denver"])))
    first = start + pd.Timedelta(hours=draw(st.integers(-30, 30)))
    index = pd.date_range(first, periods=draw(st.integers(1, 150)), freq="h")
    return series, index


@settings(max_examples=300)
@given(temperatures_and_index())
def test_numpy_path_equals_the_pandas_path(case) -> None:
    series, index = case
    np.testing.assert_array_equal(
        align_temperature(series, index), _pandas_reference(series, index)
    )


def test_the_real_sample_temperatures_align_as_before(temperature0) -> None:
    index = pd.date_range(temperature0.index[0], periods=len(temperature0) + 9000, freq="h")
    gappy = temperature0.drop(temperature0.index[100:130]).drop(temperature0.index[500:503])
    expected = _pandas_reference(gappy, index)
    assert np.isnan(expected).sum() > 9000  # the future and the long gap are left unknown
    np.testing.assert_array_equal(align_temperature(gappy, index), expected)


def test_sub_hourly_readings_all_unknown_give_nan() -> None:
    stamps = pd.to_datetime(["2023-03-20 00:00", "2023-03-20 09:30"], utc=True)
    series = pd.Series([np.nan, np.nan], index=stamps)
    index = pd.date_range("2023-03-20", periods=3, freq="h", tz="UTC")
    aligned = align_temperature(series, index)
    assert np.isnan(aligned).all()
    np.testing.assert_array_equal(aligned, _pandas_reference(series, index))


def test_no_temperatures_give_nan() -> None:
    index = pd.date_range("2024-01-01", periods=5, freq="h", tz="UTC")
    assert np.isnan(align_temperature(None, index)).all()


def test_sorted_hourly_readings_take_the_same_figures_as_the_pandas_path(
    temperature0: pd.Series,
) -> None:
    """Real readings already sorted, unique and hourly skip pandas' dedupe and sort: the figures
    are those of the same readings sent out of order with a repeated hour (which take them)."""
    readings = temperature0.iloc[-9000:].copy()
    readings.iloc[100:110] = np.nan  # a short gap to interpolate, and a long one below
    readings.iloc[2000:2100] = np.nan
    shuffled = readings.iloc[np.random.default_rng(0).permutation(len(readings))]
    repeated = pd.concat([shuffled, readings.iloc[[5]]])
    for zone in ("UTC", "Europe/London"):
        index = pd.date_range(readings.index[0], periods=18000, freq="h").tz_convert(zone)
        fast = align_temperature(readings.tz_convert(zone), index)
        assert fast.tobytes() == align_temperature(repeated, index).tobytes()
