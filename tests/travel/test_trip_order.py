"""The chunk's one sort of trips by household, key and distance against ``np.lexsort``.

``trip_clusters.sorted_by`` stands for ``np.lexsort((distance, key, code))`` (the order the
regular journeys and flight routes are grouped in): the same permutation, ties of distance
(equal km, 0.0 and -0.0) kept in row order, and lexsort itself where its shortcut cannot answer.
"""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from recommender.actions.travel import trip_clusters
from recommender.actions.travel.trip_clusters import clusters, sorted_by

_KM = st.sampled_from([0.3, 1.0, 1.0000000000000002, 2.5, 12.0, 0.0, -0.0, 380.0, 1e300])


@given(st.integers(0, 80).flatmap(lambda n: st.tuples(
    hnp.arrays(np.int64, n, elements=st.integers(0, 6)),
    hnp.arrays(np.int64, n, elements=st.integers(0, 9)),
    hnp.arrays(np.float64, n, elements=_KM),
)))  # fmt: skip
def test_sorted_by_is_lexsort(columns):
    code, key, km = columns
    with patch.object(trip_clusters, "SMALL", 0):  # the one-sort path, however few the rows
        assert sorted_by(code, key, km).tolist() == np.lexsort((km, key, code)).tolist()


@pytest.mark.parametrize("seed", range(3))
def test_sorted_by_is_lexsort_on_a_chunk_sized_table(seed):
    rng = np.random.default_rng(seed)
    n = 50_000
    code = np.sort(rng.integers(0, 200, n))  # households contiguous, as in a chunk
    key = rng.integers(0, 40, n)
    km = np.round(rng.gamma(2.0, 5.0, n), rng.integers(0, 3))  # many equal distances
    assert np.array_equal(sorted_by(code, key, km), np.lexsort((km, key, code)))


def test_sorted_by_falls_back_to_lexsort_for_nan_and_negative_codes():
    code, key = np.array([1, 0, 1, 0]), np.array([0, -1, 0, 2])
    km = np.array([np.nan, 1.0, 0.5, 1.0])
    assert sorted_by(code, key, km).tolist() == np.lexsort((km, key, code)).tolist()
    assert sorted_by(code, key, np.array([2.0, 1.0, 0.5, 1.0])).tolist() == (
        np.lexsort((np.array([2.0, 1.0, 0.5, 1.0]), key, code)).tolist()
    )


@pytest.mark.parametrize("seed", range(3))
def test_members_of_is_members_of_each_cluster(seed):
    """The regular journeys' rows from one sort: each cluster's rows in table order, as
    ``Clusters.members`` sorts them one cluster at a time."""
    rng = np.random.default_rng(seed)
    n = 5000
    code = np.sort(rng.integers(0, 30, n))
    key = rng.integers(0, 5, n)
    km = np.round(rng.gamma(2.0, 5.0, n), 1)
    cl = clusters(code, key, km, rng.random(n) < 0.9)
    regular = np.flatnonzero(cl.size >= 3)
    for chosen in (regular, regular[:5], np.arange(0), np.arange(len(cl.first))):
        got = cl.members_of(chosen)
        assert len(got) == len(chosen)
        for rows, c in zip(got, chosen.tolist(), strict=True):
            assert rows.tolist() == cl.members(c).tolist()
