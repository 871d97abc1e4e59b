"""The travel stage's vectorised groupings against the per-value masks and loops they replaced.

``row_groups`` (the figures and offline routes by mode and car) against ``dict.fromkeys`` of the
rows' values and ``np.flatnonzero`` of each one's mask; ``_yearly_figures`` (each pair's yearly
figures and range, read as columns) against Python's ``min`` and ``max`` of each pair's band and
central figure, on draws with ties, zeros of both signs and NaN.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from recommender.actions.travel.figures import _yearly_figures
from recommender.actions.travel.row_groups import row_groups

MODES = ("car_petrol", "bus", "rail", "ebike", "walk")


def _assert_groups_are_the_masks(mode: np.ndarray, car: np.ndarray) -> None:
    """row_groups gives what a mask per distinct (mode, car) gives, in order of first sight."""
    expected = [
        ((m, c), np.flatnonzero((mode == m) & (car == c)))
        for m, c in dict.fromkeys(zip(mode.tolist(), car.tolist(), strict=True))
    ]
    got = row_groups(mode, car)
    assert [key for key, _ in got] == [key for key, _ in expected]
    for (_, rows), (_, want) in zip(got, expected, strict=True):
        assert rows.tolist() == want.tolist()


@given(
    st.lists(st.tuples(st.sampled_from(MODES), st.sampled_from(MODES[:2])), max_size=60),
)
def test_row_groups_are_the_masks_of_each_distinct_pair(pairs):
    mode = np.array([m for m, _ in pairs], dtype=object)
    car = np.array([c for _, c in pairs], dtype=object)
    _assert_groups_are_the_masks(mode, car)


def test_row_groups_of_a_unicode_column_give_str_keys():
    (key,), rows = row_groups(np.array(["bus", "rail", "bus"]))[0]
    assert key == "bus" and rows.tolist() == [0, 2]


class _Minutes:
    def __init__(self, minutes: np.ndarray) -> None:
        self.minutes = minutes


def _one_by_one(order, bands, trips, figures, routes):
    """The loop ``_yearly_figures`` replaced: each pair's figures read one at a time."""
    rows = np.array(order)
    mid = [trips[rows] * (figures[0][k][rows] - figures[1][k][rows]) for k in range(3)]
    extra = trips[rows] * (routes[1].minutes[rows] - routes[0].minutes[rows])
    out = {}
    for g, i in enumerate(order):
        y = {}
        for k, name in enumerate(("kg_co2e", "money", "kwh")):
            m = float(mid[k][g])
            y[name] = m
            y[f"{name}_p10"] = float(min(bands[0, g, k], m))
            y[f"{name}_p90"] = float(max(bands[1, g, k], m))
        y["trips_per_year"] = float(trips[i])
        y["extra_minutes"] = float(extra[g])
        out[i] = y
    return out


@pytest.mark.parametrize("seed", range(4))
def test_yearly_figures_are_the_pairwise_min_and_max(seed):
    rng = np.random.default_rng(seed)
    n = 50
    special = np.array([0.0, -0.0, np.nan, 1.5, -1.5])
    figures = tuple(
        tuple(
            np.where(rng.random(n) < 0.3, rng.choice(special, n), rng.normal(size=n)) for _ in "abc"
        )
        for _ in range(2)
    )
    trips = rng.choice([0.0, 1.0, 52.0, 104.5], n)
    order = rng.permutation(n)[:40].tolist()
    bands = np.where(
        rng.random((2, 40, 3)) < 0.3, rng.choice(special, (2, 40, 3)), rng.normal(size=(2, 40, 3))
    )
    routes = (_Minutes(rng.normal(size=n)), _Minutes(rng.normal(size=n)))
    got = _yearly_figures(order, bands, trips, figures, routes)
    want = _one_by_one(order, bands, trips, figures, routes)
    assert list(got) == list(want)
    for i in want:
        assert list(got[i]) == list(want[i])
        for key, value in want[i].items():
            assert type(got[i][key]) is float
            assert np.float64(got[i][key]).tobytes() == np.float64(value).tobytes(), (i, key)


@pytest.mark.parametrize("weeks", [30.0, 52.0, 60.0])
def test_trips_per_year_draws_are_central_times_rate_times_weeks_ratio(weeks):
    """Journeys seen a year or more skip the multiplication by 1.0: the same bits."""
    from recommender.actions.travel.figures import Values, _weeks_factor, rate_draws
    from recommender.actions.travel.profile import RegularJourney

    journeys = [
        RegularJourney(
            f"j{k}", "commute", "car_petrol", 5.0, 1.0, k, weeks, k * 51.3 / 7, (0,), (8.0,)
        )
        for k in (3, 7, 7, 40)
    ]
    v = Values(1000)
    central = np.array([j.trips_per_year for j in journeys])[:, None]
    rate = np.stack([rate_draws(float(j.trips_observed)) for j in journeys])
    ratio = 1.0 if weeks >= 52 else Values(1000).ratio(*_weeks_factor("commute"))
    want = central * rate * ratio
    assert v.trips_per_year(journeys).tobytes() == want.tobytes()


@pytest.mark.parametrize("seed", range(3))
def test_row_groups_of_many_rows_are_the_masks_too(seed):
    """Past ``SMALL`` rows the groups come from pandas' codes: the same groups, same order."""
    from recommender.actions.travel.row_groups import SMALL

    rng = np.random.default_rng(seed)
    n = SMALL * 5
    mode = rng.choice(np.array(MODES, dtype=object), n)
    car = rng.choice(np.array(MODES[:2] + (None,), dtype=object), n)
    _assert_groups_are_the_masks(mode, car)
