"""Interval arithmetic of Estimate and the embodied-share formula: properties and hand checks."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recommender.errors import InvalidInput
from recommender.footprint.embodied import embodied_for_job, embodied_share_kg
from recommender.footprint.estimate import Estimate

positive = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)
ratio_low = st.floats(min_value=0.0, max_value=1.0)
ratio_high = st.floats(min_value=1.0, max_value=10.0)


@st.composite
def estimates(draw: st.DrawFn) -> Estimate:
    return Estimate.relative(draw(positive), draw(ratio_low), draw(ratio_high))


@given(estimates(), estimates())
def test_product_and_sum_keep_low_le_value_le_high_and_non_negative(a: Estimate, b: Estimate):
    for result in (a * b, a + b, a * 3.6e-6):
        assert 0.0 <= result.low <= result.value <= result.high


@given(estimates(), estimates())
def test_product_range_covers_every_combination_of_inputs(a: Estimate, b: Estimate):
    product = a * b
    for x in (a.low, a.value, a.high):
        for y in (b.low, b.value, b.high):
            assert product.low <= x * y <= product.high


def test_out_of_order_or_infinite_estimates_are_refused_with_every_problem():
    with pytest.raises(InvalidInput) as err:
        Estimate(1.0, 2.0, 3.0)
    assert "low <= value <= high" in str(err.value)
    with pytest.raises(InvalidInput) as err:
        Estimate(math.inf, math.nan, 1.0)
    assert len(err.value.problems) == 2


def test_embodied_share_matches_the_bloom_formula_by_hand():
    # 2,500 kg / (6 y x 8,760 h x 0.85) x 2 h x 25 % of the machine
    expected = 2500 / (6 * 8760 * 0.85) * 2 * 0.25
    got = embodied_share_kg(Estimate.exact(2500), Estimate.exact(6), 0.85, 2.0, 0.25)
    assert got.value == pytest.approx(expected)
    assert got.low == got.value == got.high


@given(
    wall=st.floats(min_value=1e-3, max_value=1e6),
    busy=st.floats(min_value=0.0, max_value=256.0),
    gpus=st.integers(min_value=0, max_value=8),
)
def test_embodied_for_job_is_ordered_and_grows_with_gpus(wall: float, busy: float, gpus: int):
    result = embodied_for_job(wall, busy * wall, gpus)
    assert 0.0 <= result.kg_co2e.low <= result.kg_co2e.value <= result.kg_co2e.high
    if gpus:
        assert result.kg_co2e.value > embodied_for_job(wall, busy * wall, 0).kg_co2e.value


def test_embodied_cpu_share_by_hand_from_the_constants(data_dir):
    import csv

    with (data_dir / "footprint/constants.csv").open() as handle:
        rows = {r["name"]: r for r in csv.DictReader(handle)}
    server = float(rows["embodied_server_kg_co2e"]["value"])
    years = float(rows["hardware_lifetime_years"]["value"])
    use = float(rows["hardware_utilisation"]["value"])
    cores = float(rows["server_node_cores"]["value"])
    # one busy core for one hour
    expected = server / (years * 8760 * use) * 1.0 * (1.0 / cores)
    assert embodied_for_job(3600.0, 3600.0).kg_co2e.value == pytest.approx(expected)


def test_embodied_refuses_impossible_shares():
    with pytest.raises(InvalidInput) as err:
        embodied_share_kg(Estimate.exact(1.0), Estimate.exact(6), 1.5, -1.0, 2.0)
    assert len(err.value.problems) == 3
