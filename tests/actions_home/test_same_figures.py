"""The home actions' faster paths give the figures of the code they replaced, bit for bit, on the
real sample-0 meter and temperatures (and on cuts of them made to take every path: gaps, an
unsorted index, temperatures off the meter's hours, a daily meter); and a household's plans
chosen and drawn together give what each gives alone. Each reference below is the replaced code
as it was."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from home_meters import whole_local_days

from recommender.actions.home.heating import NEAR, _common, _daily_kwh_and_c
from recommender.actions.home.profile import (
    day_totals,
    last_days,
    load_profile,
    local_clock,
    whole_days,
)
from recommender.actions.home.savings import _standard_normal, energy_draws, product_ranges_many
from recommender.actions.home.shift import SLOTS_PER_DAY, choose_starts
from recommender.domain import Household

ZONE = "Europe/London"


def last_days_reference(readings_kwh: pd.Series, days: int) -> pd.Series:
    readings = readings_kwh.dropna()
    if readings.empty:
        return readings
    index = pd.DatetimeIndex(readings.index)
    if index.is_monotonic_increasing:
        cutoff = index[-1] - pd.Timedelta(days=days)
        return readings.iloc[index.searchsorted(cutoff, side="right") :]
    return readings[index > index.max() - pd.Timedelta(days=days)]


def daily_kwh_and_c_reference(temperature_c: pd.Series, zone: str, profile):
    kwh = profile.last_year_kwh
    kwh_days, kwh_sums = whole_days(profile)
    c_values = temperature_c.to_numpy(dtype=float)
    c_ns = pd.DatetimeIndex(temperature_c.index).as_unit("ns").asi8
    first, last = (pd.Timestamp(t).as_unit("ns").value for t in (kwh.index[0], kwh.index[-1]))
    keep = ~np.isnan(c_values) & (c_ns >= first - NEAR.value) & (c_ns <= last + NEAR.value)
    c_days, c_sums, c_counts = day_totals(
        c_values[keep], local_clock(temperature_c.index[keep], zone)[0]
    )
    _, in_kwh, in_c = np.intersect1d(kwh_days, c_days, assume_unique=True, return_indices=True)
    return kwh_sums[in_kwh], (c_sums / c_counts.astype(float))[in_c]


def meters(meter0: pd.Series) -> dict[str, pd.Series]:
    with_gaps = meter0.copy()
    with_gaps.iloc[100:130] = np.nan
    with_gaps.iloc[5000] = np.nan
    return {
        "real": meter0,
        "with gaps": with_gaps,
        "unsorted": pd.concat([meter0.iloc[9000:], meter0.iloc[:9000]]),
        "last weeks": meter0.iloc[-24 * 20 :],
        "all gaps": meter0.iloc[:48] * np.nan,
    }


@pytest.mark.parametrize("name", ["real", "with gaps", "unsorted", "last weeks", "all gaps"])
@pytest.mark.parametrize("days", [365, 56, 1])
def test_last_days_are_the_rows_they_were(meter0, name: str, days: int) -> None:
    readings = meters(meter0)[name]
    got, want = last_days(readings, days), last_days_reference(readings, days)
    assert got.index.equals(want.index)
    assert got.to_numpy().tobytes() == want.to_numpy().tobytes()
    assert got.name == want.name


def temperatures(temperature0: pd.Series) -> dict[str, pd.Series]:
    with_gaps = temperature0.copy()
    with_gaps.iloc[2000:2100] = np.nan
    return {
        "real": temperature0,
        "with gaps": with_gaps,
        "off the hours": temperature0.set_axis(temperature0.index + pd.Timedelta(minutes=30)),
        "half hours": pd.concat(
            [temperature0, temperature0.set_axis(temperature0.index + pd.Timedelta(minutes=30))]
        ).sort_index(),
        "in Paris time": temperature0.tz_convert("Europe/Paris"),
    }


@pytest.mark.parametrize("meter", ["real", "with gaps", "unsorted", "daily"])
@pytest.mark.parametrize(
    "temps", ["real", "with gaps", "off the hours", "half hours", "in Paris time"]
)
def test_heating_days_are_the_days_they_were(
    household0: Household, meter0, temperature0, meter: str, temps: str
) -> None:
    readings = whole_local_days(meter0, ZONE) if meter == "daily" else meters(meter0)[meter]
    interval = 1440 if meter == "daily" else 60
    home = replace(household0, readings_kwh=readings, reading_interval_minutes=interval)
    profile = load_profile(home)
    temperature_c = temperatures(temperature0)[temps]
    got = _daily_kwh_and_c(temperature_c, ZONE, profile)
    want = daily_kwh_and_c_reference(temperature_c, ZONE, profile)
    assert len(want[0]) > 60  # enough days for a fit: the comparison is of real figures
    for a, b in zip(got, want, strict=True):
        assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize(
    "a, b",
    [
        ([1, 2, 3, 7], [0, 2, 3, 8]),
        ([], [1, 2]),
        ([1, 2], []),
        ([5], [5]),
        ([3, 1, 2], [2, 3]),  # not in order: numpy's own
        ([1, 2, 9], [9]),
    ],
)
def test_common_days_are_intersect1d_s(a: list[int], b: list[int]) -> None:
    a_, b_ = np.array(a, dtype=np.int64), np.array(b, dtype=np.int64)
    _, in_a, in_b = np.intersect1d(a_, b_, assume_unique=True, return_indices=True)
    got_a, got_b = _common(a_, b_)
    assert got_a.tolist() == in_a.tolist()
    assert got_b.tolist() == in_b.tolist()


@pytest.mark.parametrize("seed", range(40))
def test_stacked_plans_choose_what_each_plan_alone_chooses(seed: int) -> None:
    """A household's appliances' rows stacked, each with its own usual slot and allowed starts
    (few distinct values, so ties and rows without a better start are common)."""
    rng = np.random.default_rng(seed)
    n_rows = int(rng.integers(1, 30))
    carbon = rng.integers(0, 6, (n_rows, SLOTS_PER_DAY)).astype(float)
    price = rng.integers(0, 3, (n_rows, SLOTS_PER_DAY)) * 0.1
    feasible = rng.random((n_rows, SLOTS_PER_DAY)) < 0.7
    usual = rng.integers(0, SLOTS_PER_DAY, n_rows)
    weight = float(rng.choice([0.0, 0.3, 0.5, 1.0]))
    together = choose_starts(carbon, price, feasible, usual, weight)
    alone = [
        choose_starts(carbon[[r]], price[[r]], feasible[r], int(usual[r]), weight)[0]
        for r in range(n_rows)
    ]
    assert together.tolist() == alone


def product_ranges_reference(energy_kwh, delta_mean, delta_sds, seed=1):
    sds = np.asarray(delta_sds, dtype=float)[:, None]
    delta = delta_mean + sds * _standard_normal(seed, energy_kwh.size)
    ranges = np.quantile(energy_kwh * delta, (0.1, 0.9), axis=-1)
    return [(float(low), float(high)) for low, high in ranges.T]


def test_savings_ranges_drawn_together_are_each_drawn_alone() -> None:
    """Plans' carbon ranges drawn in one array are np.quantile's of each plan's draws alone."""
    specs = [(0.8, 1.05, 1.5), (0.6, 0.9, 1.3), (3.5, 4.5, 5.5)]
    energies = [energy_draws(*spec) for spec in specs]
    means, sds = [12.5, -3.0, 0.0], [(4.0, 0.25), (2.0, 0.1), (0.0, 0.0)]
    together = product_ranges_many(energies, means, sds)
    alone = [
        product_ranges_reference(e, m, s) for e, m, s in zip(energies, means, sds, strict=True)
    ]
    as_bits = [[np.float64(v).tobytes() for pair in plan for v in pair] for plan in together]
    assert as_bits == [[np.float64(v).tobytes() for pair in plan for v in pair] for plan in alone]
