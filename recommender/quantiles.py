"""Quantiles as ``np.quantile`` gives them (its default, linear method), bit for bit, without its
generic path.

``np.quantile(values, qs, axis=-1)`` copies the values, moves the axis first, partitions them at
every position the quantiles need (and the first and last) and interpolates through general
machinery. On a shift's 2 x 4,000 carbon draws the partition at six positions costs about 100 us
(its branches mispredict on fresh draws), where numpy's vectorised sort of the same rows takes
about 20 us. :func:`linear_quantiles` does the same steps on contiguous rows: the same order
statistics (from a sort, or numpy's own partition where a row holds a NaN or a zero, whose place
among equals is the partition's doing), the same virtual index, weight and interpolation
formula, and the row's NaN where it has one. tests/actions_home/test_quantiles.py holds it to
``np.quantile`` bit for bit. The home actions' savings ranges and profiles and the travel
actions' P10-P90 (``np.percentile`` at 10 and 90, the same figures) read their quantiles here.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np


def linear_quantiles(
    values: np.ndarray, qs: Sequence[float], *, overwrite: bool = False
) -> np.ndarray:
    """``np.quantile(values, qs, axis=-1)`` (method "linear") of a 1-d or 2-d float array (rows:
    the last axis; at least one value each): shape ``(len(qs),)`` or ``(len(qs), n_rows)``.
    ``overwrite``: ``values`` (a float array) may be reordered in place, not copied."""
    rows = np.array(values, dtype=float, ndmin=2, copy=None if overwrite else True)
    low, high, t, from_high, kth = _interpolation(rows.shape[-1], tuple(qs))
    exact = _sorts_exactly(rows)
    if exact:
        rows.sort(axis=-1)
    else:  # numpy's partition at numpy's positions
        rows.partition(kth, axis=-1)
    a, b = rows[:, low].T, rows[:, high].T  # (len(qs), n_rows)
    # numpy's _lerp: from the low side below half, from the high side from half on
    diff_b_a = b - a
    result = np.where(from_high, b - diff_b_a * (1 - t), a + diff_b_a * t)
    if not exact:  # a NaN sorts last: its row's quantiles are that NaN (numpy copies it)
        np.copyto(result, rows[:, -1], where=np.isnan(rows[:, -1]))
    return result[:, 0] if np.ndim(values) == 1 else result


@lru_cache(maxsize=64)
def _interpolation(
    n: int, qs: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For quantiles ``qs`` of ``n`` values, as numpy's _get_indexes and _get_gamma make them:
    the positions of the values below and above each, its weight (a column), whether it is taken
    from the high side, and numpy's partition positions. At or past the last position both
    neighbours are the last one, and the weight is taken from that (moved) index, as numpy
    takes it. Made once per size and quantiles (read-only)."""
    q = np.asarray(qs, dtype=float)
    virtual = (n - 1) * q
    below = np.floor(virtual)
    past_end = virtual >= n - 1
    below[past_end] = -1
    gamma = virtual - below
    low = below.astype(np.intp)
    high = np.where(past_end, -1, low + 1)
    kth = np.unique(np.concatenate(([0, -1], low, high)))
    parts = (low, high, gamma[:, None], gamma[:, None] >= 0.5, kth)
    for part in parts:
        part.flags.writeable = False
    return parts


def median(values: np.ndarray) -> float:
    """``np.median`` of a 1-d float array, bit for bit: the middle value (or the two middle
    values, averaged by ``np.mean`` as numpy averages them) of a sorted copy, where sorting
    places them as numpy's partition does (:func:`_sorts_exactly`); else ``np.median`` itself."""
    ordered = np.array(values, dtype=float)
    if not len(ordered) or not _sorts_exactly(ordered):
        return float(np.median(values))
    ordered.sort()
    middle = len(ordered) // 2
    return float(np.mean(ordered[middle - 1 + len(ordered) % 2 : middle + 1]))


def _sorts_exactly(values: np.ndarray) -> bool:
    """Does sorting ``values`` put at every position the very bits numpy's partition puts there?
    Values that compare equal are the same bits, except 0.0 and -0.0 (and NaN, kept last, whose
    payloads may differ): so yes unless a NaN or a -0.0 is among them (numpy's sort of floats is
    vectorised: several times faster than its partition at several positions at once)."""
    if np.isnan(values).any():
        return False
    return bool(values.all()) or not np.signbit(values[values == 0]).any()


_EXACT_DOUBLING = 2.0**1022  # x + x is exact below this (and x / 2 always is)


def nanmedian_rows(values: np.ndarray) -> np.ndarray:
    """``np.nanmedian(values, axis=1)`` of a 2-d float array with a number in every row, bit for
    bit, without numpy's masked-array path (about 0.3 ms on one household's 365 day totals).

    Under 600 columns numpy masks the NaNs, sorts each row and returns ``(low + high) / 2`` of
    its middle numbers (the middle one twice for an odd count); from 600 on, ``np.median`` of
    each row's numbers. Where every number is finite below 2**1022 (so ``x + x`` and halving are
    exact) and none is -0.0 (so numbers that compare equal are the same bits wherever a sort
    puts them), both are :func:`median` of the row's numbers: the middle one, or ``np.mean`` of
    the two, ``(low + high) / 2``. Otherwise ``np.nanmedian`` itself answers.
    tests/forecast/test_nan_quantiles.py holds it to ``np.nanmedian`` on real day totals and
    on arrays made to catch a difference."""
    rows = np.asarray(values, dtype=float)
    numbers = rows[~np.isnan(rows)]
    if (
        rows.ndim != 2
        or np.isnan(rows).all(axis=1).any()
        or not (np.abs(numbers) < _EXACT_DOUBLING).all()
        or np.signbit(numbers[numbers == 0]).any()
    ):
        return np.nanmedian(rows, axis=1)
    return np.array([median(row[~np.isnan(row)]) for row in rows], dtype=float)


def nanquantile_rows(values: np.ndarray, qs: Sequence[float] | np.ndarray) -> np.ndarray:
    """``np.nanquantile(values, qs, axis=1)`` of a 2-d float array, bit for bit: shape
    ``(len(qs), n_rows)``, NaN for a row without a number (numpy warns there; this does not).

    numpy applies ``np.quantile`` to each row's numbers (moved into another order, which changes
    nothing where equal numbers are the same bits: no -0.0 among them), as
    :func:`linear_quantiles` gives it, without numpy's per-row ``apply_along_axis`` machinery.
    With a -0.0 among the numbers, ``np.nanquantile`` itself answers.
    tests/forecast/test_nan_quantiles.py holds it to ``np.nanquantile``."""
    rows = np.asarray(values, dtype=float)
    qs = tuple(float(q) for q in qs)  # the same numbers (float64 either way)
    if rows.ndim != 2 or np.signbit(rows[rows == 0]).any():
        return np.nanquantile(rows, qs, axis=1)
    out = np.full((len(qs), len(rows)), np.nan)
    for i, row in enumerate(rows):
        numbers = row[~np.isnan(row)]
        if len(numbers):
            out[:, i] = linear_quantiles(numbers, qs, overwrite=True)
    return out
