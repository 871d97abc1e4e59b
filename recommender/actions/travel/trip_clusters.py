"""Distance groups of trips, for every household of a chunk at once.

The rule (a regular journey's, and a flight route's): within one household and one key (purpose
and mode, or flight mode), trips sorted by distance form groups; a group starts with the first
trip above the current group's first km x (1 + 25 %) + 0.3 km. One sort of the chunk by
(household, key, km), then one binary search per group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Clusters:
    order: np.ndarray  # row positions sorted by household, key, distance
    first: np.ndarray  # each cluster's first position in ``order``
    size: np.ndarray
    code: np.ndarray  # each cluster's household
    key: np.ndarray  # each cluster's key code

    def members(self, c: int) -> np.ndarray:
        """Rows of cluster ``c`` in table order."""
        return np.sort(self.order[self.first[c] : self.first[c] + self.size[c]])

    def members_of(self, chosen: np.ndarray) -> list[np.ndarray]:
        """:meth:`members` of each of the clusters ``chosen``, from one sort of all their rows
        (by cluster, then row: a row is in one cluster) instead of a sort each."""
        if len(chosen) < 64:  # a household alone: a sort each costs less than the set-up
            return [self.members(c) for c in chosen.tolist()]
        first, size = self.first[chosen], self.size[chosen]
        positions = np.repeat(first - np.r_[0, np.cumsum(size)[:-1]], size) + np.arange(size.sum())
        rows = self.order[positions]
        n = int(rows.max()) + 1
        ordered = np.sort(np.repeat(np.arange(len(chosen)), size) * n + rows) % n
        return np.split(ordered, np.cumsum(size)[:-1])


def clusters(
    code: np.ndarray,
    key: np.ndarray,
    distance: np.ndarray,
    rows: np.ndarray,
    tolerance: float = 0.25,
    slack_km: float = 0.3,
) -> Clusters:
    """Distance groups of ``rows`` within each (household, key) (the rule: module docstring)."""
    idx = np.flatnonzero(rows)
    order = idx[sorted_by(code[idx], key[idx], distance[idx])]
    d, c, k = distance[order], code[order], key[order]
    breaks = np.flatnonzero(np.r_[True, (c[1:] != c[:-1]) | (k[1:] != k[:-1])])
    ends = np.r_[breaks[1:], len(order)]
    first: list[int] = []
    for s, e in zip(breaks.tolist(), ends.tolist(), strict=True):
        i = s
        while i < e:
            first.append(i)
            i = s + int(np.searchsorted(d[s:e], d[i] * (1 + tolerance) + slack_km, "right"))
    starts = np.array(first, dtype=np.int64)
    size = np.diff(np.r_[starts, len(order)])
    return Clusters(order, starts, size, c[starts], k[starts])


SMALL = 4096  # rows under which lexsort's three keys cost less than building one


def sorted_by(code: np.ndarray, key: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """``np.lexsort((distance, key, code))`` of integer codes and keys: positions by code,
    key, distance, then position. The same order from one sort of unique int64 keys (code, key,
    the distance's dense rank, position), about a third of lexsort's time on a chunk's 260,000
    trips; lexsort itself where a code or key is negative, a distance NaN or the keys too wide."""
    n = len(distance)
    if n == 0 or n < SMALL or np.isnan(distance).any() or min(int(code.min()), int(key.min())) < 0:
        return np.lexsort((distance, key, code))  # (a household alone: lexsort is quicker)
    by_km = np.argsort(distance)  # any order of ties: equal distances get one rank
    ordered = distance[by_km]
    rank = np.empty(n, dtype=np.int64)
    rank[by_km] = np.cumsum(np.r_[False, ordered[1:] != ordered[:-1]])
    n_keys, n_ranks = int(key.max()) + 1, int(rank.max()) + 1
    if (int(code.max()) + 1) * n_keys * n_ranks * n > 2**62:
        return np.lexsort((distance, key, code))
    unique = ((code.astype(np.int64) * n_keys + key) * n_ranks + rank) * n + np.arange(n)
    return np.sort(unique) % n


def medians(distance: np.ndarray, cl: Clusters) -> np.ndarray:
    """Median km of each cluster (its rows are sorted by km: the middle one or two)."""
    d = distance[cl.order]
    lo = d[cl.first + (cl.size - 1) // 2]
    hi = d[cl.first + cl.size // 2]
    return np.where(cl.size % 2 == 1, lo, (lo + hi) / 2)


def usual(cluster_of_row: np.ndarray, values: np.ndarray, n_values: int, n: int) -> np.ndarray:
    """(clusters, values) mask: values seen at least a quarter as often as the most common one."""
    counts = np.bincount(cluster_of_row * n_values + values, minlength=n * n_values)
    counts = counts.reshape(n, n_values)
    return counts >= 0.25 * counts.max(axis=1, keepdims=True)
