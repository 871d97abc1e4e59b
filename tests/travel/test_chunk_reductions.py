"""The chunk's shared reductions give each household the numbers its own rows give.

Group sums, the time order of a chunk's rows and a journey's usual days and hours: each against
the computation it replaced or stands for (pandas' group sum, lexsort, flatnonzero), on random
chunks. (The factor draws shared by every household: ``test_shared_draws.py``.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.actions.travel.profile import group_sums
from recommender.actions.travel.profile_chunk import _true_columns
from recommender.actions.travel.trip_table import _by_group_and_start


def _groups(rng: np.random.Generator, n_groups: int) -> np.ndarray:
    """Group codes, households contiguous as in a chunk, some households without rows."""
    sizes = rng.integers(0, 300, n_groups) * (rng.random(n_groups) < 0.8)
    return np.repeat(np.arange(n_groups), sizes)


@pytest.mark.parametrize("seed", range(5))
def test_group_sums_are_the_pandas_group_sums_they_replace(seed):
    """The same numbers as pandas' group sum of households' rows (what the feature matrix read
    before), so the answers stay the same to the bit."""
    rng = np.random.default_rng(seed)
    code = _groups(rng, 7)
    # scaled counts as in the feature matrix: few distinct values, zeros between
    values = rng.choice([0.0, 0.1, 1.3, 52.178571428571], size=(len(code), 6))
    by_pandas = pd.DataFrame(values).groupby(code, sort=True).sum()
    expected = np.zeros((7, 6))
    expected[by_pandas.index.to_numpy()] = by_pandas.to_numpy()
    np.testing.assert_array_equal(group_sums(code, 7, values), expected)


def test_group_sums_do_not_depend_on_the_chunk():
    rng = np.random.default_rng(11)
    code = _groups(rng, 9)
    values = rng.random((len(code), 3)) * 40
    together = group_sums(code, 9, values)
    for g in range(9):
        alone = group_sums(np.zeros((code == g).sum(), dtype=np.int64), 1, values[code == g])
        np.testing.assert_array_equal(together[g], alone[0])


def test_group_sums_of_unsorted_groups_keep_each_groups_row_order():
    rng = np.random.default_rng(3)
    code = rng.integers(0, 4, 500)
    values = rng.random((500, 2)) * 1e3
    shuffled = group_sums(code, 4, values)
    order = np.argsort(code, kind="stable")
    np.testing.assert_array_equal(shuffled, group_sums(code[order], 4, values[order]))


@pytest.mark.parametrize("sort", [True, False])
def test_time_order_is_the_lexsort(sort):
    rng = np.random.default_rng(int(sort))
    code = _groups(rng, 5)
    start = rng.integers(0, 10**15, len(code))
    start[::7] = start[0]  # ties keep their row order
    if sort:
        start = start[np.lexsort((start, code))]
    np.testing.assert_array_equal(_by_group_and_start(code, start), np.lexsort((start, code)))


def test_true_columns_are_each_rows_flatnonzero():
    mask = np.random.default_rng(4).random((40, 49)) < 0.1
    mask[3] = False  # a row without any
    expected = [np.flatnonzero(row).tolist() for row in mask]
    assert _true_columns(mask) == expected
