"""``linear_quantiles`` and ``median`` give ``np.quantile``'s and ``np.median``'s figures bit for
bit (they replaced them in the home actions, which must not move when the code gets faster): on
the real sample-0 meter's readings (its nightly minima hold zeros), on the carbon draws of the
sample household's real shift plans, and on arrays made to catch a difference (ties, zeros, 0.0
against -0.0, NaN, infinities, one or two values)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.actions.home import home_actions
from recommender.actions.home import load_shift as load_shift_module
from recommender.actions.home.savings import _standard_normal
from recommender.quantiles import linear_quantiles, median

NOW = pd.Timestamp("2022-12-20T12:00:00Z")
QS = ((0.1, 0.9), (0.1, 0.5, 0.9), (0.0, 1.0), (0.2,), (1.0, 0.0, 0.5))


def same_bits(values: np.ndarray, qs: tuple[float, ...]) -> None:
    with warnings.catch_warnings():  # inf - inf warns in both, as it does in np.quantile
        warnings.simplefilter("ignore", RuntimeWarning)
        want = np.quantile(values, qs, axis=-1)
        got = linear_quantiles(values, qs)
        if np.ndim(values) == 1:
            assert np.float64(median(values)).tobytes() == np.median(values).tobytes()
    assert got.shape == want.shape
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("qs", QS)
def test_quantiles_of_a_real_meter(meter0: pd.Series, qs: tuple[float, ...]) -> None:
    kwh = meter0.dropna().to_numpy(dtype=float)
    same_bits(kwh, qs)  # 24,000 hours, many equal readings
    same_bits(kwh[: 365 * 24].reshape(365, 24).T, qs)  # each hour of the day's year: rows
    for n in (1, 2, 3, 10, 11, 53):
        same_bits(kwh[-n:], qs)
    nightly = kwh[: 365 * 24].reshape(365, 24)[:, :5].min(axis=1)  # nightly minima, zeros too
    same_bits(nightly, qs)


def test_quantiles_of_the_sample_households_carbon_draws(
    household0, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The arrays the shift actions take quantiles of: cycle energy x intensity gap draws, with
    the gaps and errors of the sample household's real plans."""
    seen: list[tuple] = []
    real = load_shift_module.product_ranges_many

    def spy(energies_kwh, delta_means, delta_sds, seed=1):
        plans = zip(energies_kwh, delta_means, delta_sds, strict=True)
        seen.extend((e, m, sds, seed) for e, m, sds in plans)
        return real(energies_kwh, delta_means, delta_sds, seed)

    monkeypatch.setattr(load_shift_module, "product_ranges_many", spy)
    home_actions(household0, None, now=NOW)
    assert seen, "the sample household's plans take no quantiles"
    for energy_kwh, delta_mean, delta_sds, seed in seen:
        sds = np.asarray(delta_sds, dtype=float)[:, None]
        draws = energy_kwh * (delta_mean + sds * _standard_normal(seed, energy_kwh.size))
        same_bits(draws, (0.1, 0.9))
        same_bits(-draws, (0.1, 0.9))
        all_at_once = np.vstack([draws, -draws])  # plans' draws stacked, as a household's are
        same_bits(all_at_once, (0.1, 0.9))


@settings(max_examples=400, deadline=None)
@given(
    n=st.integers(1, 300),
    rows=st.integers(1, 3),
    kind=st.sampled_from(["normal", "ties", "zeros", "signed zeros", "nan", "inf"]),
    qs=st.sampled_from(QS),
    seed=st.integers(0, 2**32 - 1),
)
def test_quantiles_where_a_difference_would_show(n, rows, kind, qs, seed) -> None:
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(rows, n))
    some = rng.random((rows, n)) < 0.3
    if kind == "ties":
        values = np.round(values, 1)
    elif kind == "zeros":
        values = np.where(some, 0.0, values)
    elif kind == "signed zeros":
        values = np.where(some, np.where(rng.random((rows, n)) < 0.5, 0.0, -0.0), values)
    elif kind == "nan":
        values[some & (rng.random((rows, n)) < 0.1)] = np.nan
    elif kind == "inf":
        values[some] = rng.choice([np.inf, -np.inf], size=int(some.sum()))
    same_bits(values, qs)
    same_bits(values[0], qs)
