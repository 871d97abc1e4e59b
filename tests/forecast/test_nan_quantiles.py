"""``nanmedian_rows`` and ``nanquantile_rows`` give ``np.nanmedian``'s and ``np.nanquantile``'s
figures (along axis 1) bit for bit (the screening's median day and the level's season, zero and
band tables must not move when the code gets faster): on the real sample-0 meter's readings and
day totals, and on arrays made to catch a difference (ties, zeros, 0.0 against -0.0, NaN, all-NaN
rows, infinities, huge values, one or two numbers, rows past numpy's 600-column switch)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from recommender.quantiles import nanmedian_rows, nanquantile_rows


def same_bits(values: np.ndarray) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = np.nanmedian(values, axis=1)
        got = nanmedian_rows(values)
    assert got.shape == want.shape
    assert got.tobytes() == want.tobytes()


def test_day_totals_of_a_real_meter(meter0: pd.Series) -> None:
    days = meter0.to_numpy(dtype=float)
    days = days[: len(days) // 24 * 24].reshape(-1, 24).sum(axis=1)  # NaN where an hour is
    for width in (365, 366, 599, 600, 700):
        rows = np.stack([days[:width], days[-width:], np.round(days[:width], 0)])
        same_bits(rows)


FLOATS = st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.5, np.nan, np.inf, -np.inf, 1e308, 5e-324])


@settings(max_examples=400, deadline=None)
@given(
    hnp.arrays(
        float,
        st.tuples(st.integers(1, 4), st.sampled_from([1, 2, 3, 4, 7, 600, 601])),
        elements=st.one_of(FLOATS, st.floats(-10, 10, width=16)),
    )
)
def test_arrays_made_to_differ(values: np.ndarray) -> None:
    values[:, 0] = np.where(np.isnan(values[:, 0]), 1.0, values[:, 0])  # a number in each row
    same_bits(values)


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(
        float,
        st.tuples(st.integers(1, 3), st.integers(1, 40)),
        elements=st.one_of(st.just(np.nan), st.floats(0, 50, width=32)),
    )
)
def test_day_totals_like_arrays(values: np.ndarray) -> None:
    values[:, -1] = np.where(np.isnan(values[:, -1]), 3.0, values[:, -1])
    same_bits(values)


QS = ((0.25, 0.5, 0.75), (0.1, 0.5, 0.9), (0.0, 1.0), (0.2,))


def same_quantile_bits(values: np.ndarray, qs: tuple[float, ...]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = np.nanquantile(values, qs, axis=1)
        got = nanquantile_rows(values, qs)
    assert got.shape == want.shape
    assert got.tobytes() == want.tobytes()


def test_quantiles_of_a_real_meter(meter0: pd.Series) -> None:
    kwh = meter0.to_numpy(dtype=float)[: 2 * 8760].reshape(2, -1)  # NaN where unread
    for qs in QS:
        same_quantile_bits(kwh, qs)
        same_quantile_bits(np.round(kwh, 1), qs)  # many ties


@settings(max_examples=400, deadline=None)
@given(
    hnp.arrays(
        float,
        st.tuples(st.integers(1, 4), st.integers(1, 12)),
        elements=st.one_of(FLOATS, st.floats(-10, 10, width=16)),
    ),
    st.sampled_from(QS),
)
def test_quantile_arrays_made_to_differ(values: np.ndarray, qs: tuple[float, ...]) -> None:
    same_quantile_bits(values, qs)  # all-NaN rows included
