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
    order = idx[np.lexsort((distance[idx], key[idx], code[idx]))]
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
