"""The numpy forms of the home stage's hot paths give the figures of the pandas (or per-row)
forms they replaced, bit for bit: the answers must not move when the code gets faster. And the
candidate windows: one intensity forecast per household window, whatever its cycles' lengths."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.actions.home import home_actions
from recommender.actions.home.detect import _group_quantile
from recommender.actions.home.profile import day_totals, local_clock
from recommender.actions.home.savings import energy_draws, product_range, product_ranges
from recommender.actions.home.shift import SLOTS_PER_DAY, choose_starts, window_table
from recommender.domain import Appliance
from recommender.grid.model import calendar_features, gb_profile_model
from recommender.grid.providers import OfflineProvider, _gb_cells_of, intensity_forecast

NOW = pd.Timestamp("2021-06-01T12:00:00Z")


def choose_start_reference(carbon, price, feasible, usual_slot, weight):
    """The rule as written for one row before it was vectorised (boolean indexing, np.ptp)."""
    tol = 1e-9
    candidates = (
        feasible & (carbon <= carbon[usual_slot] + tol) & (price <= price[usual_slot] + tol)
    )
    if not candidates.any():
        return -1
    score = np.zeros(SLOTS_PER_DAY)
    for values, w in ((carbon, weight), (price, 1.0 - weight)):
        spread = np.ptp(values[candidates])
        if spread > tol and w > 0:
            score += w * (values - values[candidates].min()) / spread
    score = np.where(candidates, score, np.inf)
    slots = np.arange(SLOTS_PER_DAY)
    distance = np.minimum((slots - usual_slot) % 48, (usual_slot - slots) % 48)
    return int(np.lexsort((distance, np.round(score, 9)))[0])


# few distinct values, so ties (and rows without a better start) are common
rows = st.lists(
    st.lists(st.integers(0, 6).map(float), min_size=48, max_size=48), min_size=1, max_size=8
).map(np.array)


@settings(max_examples=60, deadline=None)
@given(
    carbon=rows,
    seed=st.integers(0, 2**16),
    usual=st.integers(0, 47),
    weight=st.sampled_from([0.0, 0.3, 0.5, 1.0]),
)
def test_choose_starts_picks_what_each_row_alone_picks(carbon, seed, usual, weight):
    rng = np.random.default_rng(seed)
    price = rng.integers(0, 3, carbon.shape).astype(float) * 0.1
    feasible = rng.random(48) < 0.7
    picks = choose_starts(carbon, price, feasible, usual, weight)
    expected = [
        choose_start_reference(c, p, feasible, usual, weight)
        for c, p in zip(carbon, price, strict=True)
    ]
    assert picks.tolist() == expected


def test_group_quantile_is_pandas_grouped_quantile_on_a_real_meter(meter0):
    values = meter0.dropna().to_numpy(dtype=float)
    days, hours = local_clock(meter0.dropna().index, "Europe/London")
    for keys, q in ((days, 0.2), (hours, 0.2), (days * 24 + hours % 5, 0.9)):
        expected = pd.Series(values).groupby(keys).transform("quantile", q=q).to_numpy()
        assert _group_quantile(values, keys, q).tobytes() == expected.tobytes()


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(1, 400),
    n_groups=st.sampled_from([1, 5, 300, 70_000]),
    in_order=st.booleans(),
    q=st.sampled_from([0.0, 0.2, 0.5, 0.9]),
)
def test_group_quantile_is_pandas_grouped_quantile_whatever_the_keys(
    seed, n, n_groups, in_order, q
):
    """Keys in order, small keys out of order (the radix path) and wide keys out of order
    (np.lexsort), with ties among the values: pandas' figures bit for bit."""
    rng = np.random.default_rng(seed)
    keys = rng.integers(0, n_groups, n) * 3 - 7  # spaced, negative too
    keys = np.sort(keys) if in_order else keys
    values = rng.integers(0, 6, n) * 0.25 + rng.random(n) * (rng.random(n) < 0.5)
    expected = pd.Series(values).groupby(keys).transform("quantile", q=q).to_numpy()
    assert _group_quantile(values, keys, q).tobytes() == expected.tobytes()


def test_hour_of_day_means_are_pandas_grouped_means_on_a_real_meter(household0):
    """The profiles' hour-of-day means (grouped by categorical codes over a chunk) are the
    grouped mean by local hour each household's year gave alone, bit for bit."""
    from recommender.actions.home.profile import last_days, load_profiles

    cut = replace(household0, readings_kwh=household0.readings_kwh[:"2021-03-01"])
    profiles = load_profiles([household0, cut], [None, None])
    for home, profile in zip((household0, cut), profiles, strict=True):
        year = last_days(home.readings_kwh, 365)
        _, hours = local_clock(year.index, home.timezone)
        expected = pd.Series(year.to_numpy(dtype=float)).groupby(hours).mean()
        assert expected.index.tolist() == list(range(24))
        assert profile.hourly_kwh.tobytes() == expected.to_numpy().tobytes()


def test_day_totals_are_pandas_grouped_sums_in_and_out_of_order(meter0):
    values = meter0.dropna().to_numpy(dtype=float)[:2000]
    days, _ = local_clock(meter0.dropna().index[:2000], "Europe/London")
    shuffled = np.r_[days[1000:], days[:1000]]  # out of order: the fallback path
    for keys in (days, shuffled):
        grouped = pd.Series(values).groupby(keys)
        got_days, sums, counts = day_totals(values, keys)
        assert got_days.tolist() == grouped.sum().index.tolist()
        assert sums.tobytes() == grouped.sum().to_numpy().tobytes()
        assert counts.tolist() == grouped.count().tolist()
    assert [len(part) for part in day_totals(values[:0], days[:0])] == [0, 0, 0]


def test_product_ranges_are_each_product_range():
    energy = energy_draws(0.8, 1.05, 1.5)
    together = product_ranges(energy, 12.5, (4.0, 4.0 / np.sqrt(260.0)))
    alone = [product_range(energy, 12.5, 4.0), product_range(energy, 12.5, 4.0 / np.sqrt(260.0))]
    assert together == alone
    draws = 12.5 + 4.0 * np.random.default_rng(1).standard_normal(energy.size)
    assert together[0] == tuple(float(v) for v in np.quantile(energy * draws, [0.1, 0.9]))


def test_gb_cells_are_the_climatology_models_cells():
    index = pd.date_range("2024-03-30", "2024-04-02", freq="30min", tz="UTC")
    mean, std = _gb_cells_of(index)
    cells = gb_profile_model().predict_interval(calendar_features(index))
    assert mean.tobytes() == cells["mean"].to_numpy().tobytes()
    assert std.tobytes() == cells["std"].to_numpy().tobytes()


class CountingProvider(OfflineProvider):
    """The packaged provider, counting the forecasts asked of it."""

    def __init__(self) -> None:
        self.calls = 0

    def forecast(self, region, index, timezone=None):
        self.calls += 1
        return super().forecast(region, index, timezone)


def test_a_households_shifts_ask_for_intensity_once(household0):
    household = replace(
        household0,
        appliances=(
            *household0.appliances,
            Appliance("washing_machine", 3, time(18, 0)),
            Appliance("tumble_dryer", 2, time(20, 0)),
        ),
    )
    provider = CountingProvider()
    actions = home_actions(household, now=NOW, provider=provider)
    assert sum(a.kind == "shift_appliance" for a in actions) >= 2  # cycles of different lengths
    assert provider.calls == 1


def test_window_means_of_a_cycle_longer_than_a_day(household0):
    first_day = pd.Timestamp("2022-12-21", tz="Europe/London")  # GMT: local slots are UTC's
    table = window_table(household0, 60, first_day, 2)
    grid = pd.date_range(first_day.tz_convert("UTC"), periods=2 * 48 + 60, freq="30min")
    g_per_kwh = intensity_forecast("GB", grid)["g_per_kwh"].to_numpy()
    expected = [g_per_kwh[start : start + 60].mean() for start in range(2 * 48)]
    np.testing.assert_allclose(table.g_per_kwh.ravel(), expected, rtol=1e-12)
    assert table.dates == ("2022-12-21", "2022-12-22")
