"""Rows grouped by their values in a few object columns (modes, cars), found by hashing once.

The travel figures are computed by mode (and car) over many (journey, mode) pairs: a mask
``(mode == m) & (car == c)`` per distinct pair compares every row's string again for every
group (a chunk of 200 households has ~20,000 pairs and ~40 groups). :func:`row_groups` factorizes
each column once and splits the rows by their combined code: the same groups, each one's rows in
ascending order (as ``np.flatnonzero`` of its mask gives them), in order of first appearance (as
``dict.fromkeys`` over the rows gives the keys). Under ``SMALL`` rows (a household alone: ~100
pairs) the masks themselves answer: pandas' set-up would cost more than they do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SMALL = 1024  # rows under which a mask per group is cheaper than hashing (a household alone)


def row_groups(*columns: np.ndarray) -> list[tuple[tuple[object, ...], np.ndarray]]:
    """Each distinct combination of the columns' values (a tuple) and its rows, ascending."""
    columns = tuple(np.asarray(column, dtype=object) for column in columns)  # values as given
    if len(columns[0]) < SMALL:  # a household alone: pandas' set-up would cost more than masks
        keys = dict.fromkeys(zip(*(column.tolist() for column in columns), strict=True))
        return [(key, _mask_rows(columns, key)) for key in keys]
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        combined = combined * len(uniques) + codes
    group, firsts = pd.factorize(combined)  # codes in order of first appearance
    order = np.argsort(group, kind="stable")  # each group's rows ascending
    bounds = np.cumsum(np.bincount(group, minlength=len(firsts))).tolist()
    out = []
    start = 0
    for end in bounds:
        rows = order[start:end]
        first = int(rows[0])
        out.append((tuple(column[first] for column in columns), rows))
        start = end
    return out


def _mask_rows(columns: tuple[np.ndarray, ...], key: tuple[object, ...]) -> np.ndarray:
    """The rows whose values are ``key``: one mask per column (the small path)."""
    mask = columns[0] == key[0]
    for column, value in zip(columns[1:], key[1:], strict=True):
        mask &= column == value
    return np.flatnonzero(mask)
