"""Synthetic meter readings: shape, reproducibility, chunking, real shapes, stated totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.errors import InvalidInput
from recommender.io.importers import read_eemeter_temperature
from recommender.synth import draw_traits, synthetic_hourly_kwh
from recommender.synth.profiles import load_profile_library

# The distribution the generator documents for GB (households.py): Ofgem TDCV 2024 medium
# 2,700 kWh/yr as the median, sigma 0.61 of the log (Ofgem low/high 1,800/4,100 as quartiles).
GB_MEDIAN_KWH = 2700.0
GB_SIGMA = np.log(4100 / 1800) / (2 * 0.6745)


def test_shapes_types_and_index() -> None:
    ids, index, kwh = synthetic_hourly_kwh(5, "2024-03-30", days=3, seed=2)
    assert ids.dtype.kind == "U" and list(ids) == [f"syn-{i:08d}" for i in range(5)]
    assert len(index) == 72 and str(index.tz) == "UTC"
    assert index[0] == pd.Timestamp("2024-03-30", tz="UTC")
    assert (index[1:] - index[:-1] == pd.Timedelta(hours=1)).all()  # hourly UTC over clock change
    assert kwh.shape == (5, 72) and kwh.dtype == np.float32
    assert np.isfinite(kwh).all() and (kwh >= 0).all()


def test_same_seed_same_values_other_seed_other_values() -> None:
    a = synthetic_hourly_kwh(20, "2024-01-01", days=7, seed=3)[2]
    b = synthetic_hourly_kwh(20, "2024-01-01", days=7, seed=3)[2]
    c = synthetic_hourly_kwh(20, "2024-01-01", days=7, seed=4)[2]
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


def test_chunks_give_the_same_households() -> None:
    """Households are the same whether made at once or in chunks of any size and offset."""
    ids, _, whole = synthetic_hourly_kwh(1300, "2024-01-01", days=2, seed=5)
    parts = [(0, 100), (100, 700), (800, 500)]  # crosses block boundaries (512, 1024)
    for first, n in parts:
        part_ids, _, part = synthetic_hourly_kwh(
            n, "2024-01-01", days=2, seed=5, first_household=first
        )
        assert np.array_equal(part, whole[first : first + n])
        assert list(part_ids) == list(ids[first : first + n])


def test_mean_synthetic_shape_follows_the_real_meters(real_mean_profile: np.ndarray) -> None:
    """Averaged over GB households and a year, the local-hour shape is the real meters' shape."""
    _, index, kwh = synthetic_hourly_kwh(300, "2023-01-02", days=364, seed=0)
    gb = draw_traits(300, seed=0)["region"].to_numpy() == "GB"
    local_hour = index.tz_convert("Europe/London").hour.to_numpy()
    shape = np.array([kwh[gb][:, local_hour == h].mean() for h in range(24)])
    r = np.corrcoef(shape, real_mean_profile)[0, 1]
    assert r > 0.8
    # and it is the timing that matches, not just any daily curve: six hours off correlates worse
    assert np.corrcoef(np.roll(shape, 6), real_mean_profile)[0, 1] < r - 0.3


def test_library_holds_only_complete_real_days() -> None:
    lib = load_profile_library()
    assert lib.profiles.shape[1] == 24 and np.isfinite(lib.profiles).all()
    assert (lib.cell_count > 0).all()  # every meter x month x day type has real days
    dates = set(pd.to_datetime(lib.dates).strftime("%Y-%m-%d"))
    assert "2012-11-08" not in dates  # sample-1's gap day
    assert "2012-10-12" not in dates  # its first day starts at 00:30: an hour is missing


def test_library_hour_is_the_sum_of_the_two_half_hours(meter1_path) -> None:
    """A sample-1 hour checked by hand from the raw CSV: duplicates averaged, halves summed."""
    raw = pd.read_csv(meter1_path)
    raw["start"] = pd.to_datetime(raw["start"], utc=True)
    day = pd.Timestamp("2013-01-15", tz="UTC")  # winter: London time = UTC
    rows = raw[(raw["start"] >= day) & (raw["start"] < day + pd.Timedelta(days=1))]
    by_stamp = rows.groupby("start")["value"].mean()
    expected = by_stamp.groupby(by_stamp.index.floor("h")).sum().to_numpy()
    lib = load_profile_library()
    match = np.flatnonzero(pd.to_datetime(lib.dates) == pd.Timestamp("2013-01-15"))
    assert len(match) == 1
    restored = lib.profiles[match[0]] * lib.mean_daily_kwh[1]
    np.testing.assert_allclose(restored, expected, rtol=1e-5)


def test_annual_totals_follow_the_stated_distribution() -> None:
    n = 1200
    _, _, kwh = synthetic_hourly_kwh(n, "2023-01-02", days=364, seed=11)
    traits = draw_traits(n, seed=11)
    totals = kwh.sum(axis=1, dtype=np.float64) * 365.25 / 364
    # each household's year comes out at the annual kWh it was drawn with (law of large numbers
    # over 8,736 hours of mean-1 noise and real days normalised to a mean of one day's use)
    ratio = totals / traits["annual_kwh"].to_numpy()
    assert np.median(ratio) == pytest.approx(1.0, abs=0.03)
    assert np.percentile(ratio, 5) > 0.92 and np.percentile(ratio, 95) < 1.08
    # and the GB totals follow lognormal(ln 2700, 0.61): median and spread of the logs
    gb = np.log(totals[traits["region"].to_numpy() == "GB"])
    tolerance = 3 * GB_SIGMA / np.sqrt(len(gb)) * 1.25  # 3 standard errors of a median
    assert abs(np.median(gb) - np.log(GB_MEDIAN_KWH)) < tolerance + 0.02
    iqr_sigma = (np.percentile(gb, 75) - np.percentile(gb, 25)) / (2 * 0.6745)
    assert iqr_sigma == pytest.approx(GB_SIGMA, rel=0.12)


def test_temperature_adds_heating_only_to_heated_households(temperature0_path) -> None:
    celsius = read_eemeter_temperature(temperature0_path)
    start, days = "2021-01-04", 14
    n = 600
    _, index, cold = synthetic_hourly_kwh(n, start, days, seed=1, temperature_c=celsius)
    _, _, plain = synthetic_hourly_kwh(n, start, days, seed=1)
    k = draw_traits(n, seed=1)["heating_kwh_per_degree_hour"].to_numpy()
    extra = cold.astype(np.float64) - plain
    assert (k > 0).sum() > 10
    np.testing.assert_allclose(extra[k == 0], 0.0, atol=1e-6)
    degree_hours = np.maximum(0.0, 15.5 - celsius.reindex(index).to_numpy())
    np.testing.assert_allclose(extra[k > 0], k[k > 0, None] * degree_hours[None, :], atol=1e-4)


def test_temperature_must_cover_every_hour(temperature0_path) -> None:
    celsius = read_eemeter_temperature(temperature0_path)
    with pytest.raises(InvalidInput) as caught:
        synthetic_hourly_kwh(3, "2019-01-01", days=2, temperature_c=celsius)
    assert "no value for 48 of 48 hours" in str(caught.value)


def test_bad_arguments_are_all_listed() -> None:
    with pytest.raises(InvalidInput) as caught:
        synthetic_hourly_kwh(0, "2024-01-01T00:30", days=-1, seed=-2)
    where = {p.where for p in caught.value.problems}
    assert where == {"n_households", "days", "seed", "start"}


def test_no_hour_exceeds_what_a_home_can_draw() -> None:
    """The far tail of the annual draw times a real day's peak stays within the readers' limit,
    so every synthetic household is readable (before the cap, 4 of 10,000 were refused)."""
    from recommender.io import schema
    from recommender.synth.meters import LocalCalendar, hourly_kwh_for

    traits = draw_traits(8, seed=3)
    traits["annual_kwh"] = 150_000.0  # far beyond any home: its peaks would pass the limit
    calendar = LocalCalendar(pd.date_range("2023-01-01", periods=24 * 28, freq="h", tz="UTC"))
    kwh = hourly_kwh_for(traits, calendar, seed=3, block=0)
    assert kwh.max() == np.float32(schema.MAX_KWH_PER_HOUR)
    assert 0 < (kwh == np.float32(schema.MAX_KWH_PER_HOUR)).mean() < 0.2  # peaks only
