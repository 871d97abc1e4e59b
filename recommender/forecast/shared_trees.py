"""The year-ahead model's trees evaluated once for a whole chunk of households.

A forecast asks the year model (:meth:`GlobalForecaster.learned`) for two sets of rows per
timeline: the year ahead and the history hours its level is read at. The rows hold only calendar,
daylight and weather, so households on the same hours and weather ask for the same rows (every
household of a zone without temperatures, households sharing a weather station). Here every row a
chunk will ask for is gathered first, each distinct row is evaluated once, in one call of the
trees, and the forecast then reads its rows from that table. The trees score each row on its own,
so the values are those of a call per household, bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from recommender.forecast.design import YEAR_FEATURES, Timeline, year_rows
from recommender.forecast.global_model import GlobalForecaster

# odd 64-bit multipliers of the row hash (fixed: the same rows always hash alike)
_MULTIPLIERS = np.random.default_rng(20261130).integers(
    1, 2**63, size=len(YEAR_FEATURES), dtype=np.uint64
) * np.uint64(2) + np.uint64(1)


def distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(first, codes)`` of a float matrix: ``rows[first]`` are its distinct rows (bit for bit,
    in order of first appearance) and ``rows[first][codes]`` is ``rows``.

    Rows are hashed on their bits and the grouping checked against the rows themselves, so a
    hash collision costs the saving (every row kept), never a wrong row.
    """
    bits = np.ascontiguousarray(rows, dtype=np.float64).view(np.uint64)
    mixed = bits ^ (bits >> np.uint64(31))  # high bits (sign, exponent) reach the low ones
    keys = (mixed * _MULTIPLIERS[: bits.shape[1]]).sum(axis=1)  # wraps modulo 2**64
    codes, _ = pd.factorize(keys)
    # codes are numbered in order of first appearance: a row is first where its code is new
    first = np.flatnonzero(np.r_[True, codes[1:] > np.maximum.accumulate(codes)[:-1]])
    if not np.array_equal(bits[first][codes], bits):
        every = np.arange(len(rows))
        return every, every
    return first, codes


class SharedTrees:
    """``learned(timeline, positions)`` for every request known in advance, from one evaluation.

    ``requests`` are the ``(timeline, positions)`` pairs the forecasts will ask for; a request
    not among them is evaluated when asked (the same values, only slower).
    """

    def __init__(
        self, model: GlobalForecaster, requests: Sequence[tuple[Timeline, np.ndarray]]
    ) -> None:
        self._model = model
        self._timelines = [timeline for timeline, _ in requests]  # alive, so their ids stay valid
        self._values: dict[tuple[int, bytes], np.ndarray] = {}
        if not requests:
            return
        blocks = [year_rows(timeline, positions) for timeline, positions in requests]
        flat = np.concatenate([block.reshape(-1, len(YEAR_FEATURES)) for block in blocks])
        if len({id(timeline) for timeline, _ in requests}) == 1 and len(blocks[0]) == 1:
            # one household's own rows (or one shared weather row): hardly any repeat
            values = model.year_model_.predict(flat)
        else:
            first, codes = distinct_rows(flat)
            values = model.year_model_.predict(flat[first])[codes]
        start = 0
        for (timeline, positions), block in zip(requests, blocks, strict=True):
            size = block.shape[0] * block.shape[1]
            key = (id(timeline), np.asarray(positions).tobytes())
            self._values[key] = values[start : start + size].reshape(block.shape[:2])
            start += size

    def learned(self, timeline: Timeline, positions: np.ndarray) -> np.ndarray:
        """What :meth:`GlobalForecaster.learned` answers, read from the table where it can be."""
        found = self._values.get((id(timeline), np.asarray(positions).tobytes()))
        return found if found is not None else self._model.learned(timeline, positions)
