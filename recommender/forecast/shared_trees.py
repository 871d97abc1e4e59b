"""The year-ahead model's trees evaluated once for a whole chunk of households.

A forecast asks the year model (:meth:`GlobalForecaster.learned`) for two sets of rows per
timeline: the year ahead and the history hours its level is read at. The rows hold only calendar,
daylight and weather, so households on the same hours and weather ask for the same rows (every
household of a zone without temperatures, households sharing a weather station). Here every row a
chunk will ask for is gathered first, each distinct row is evaluated once, in one call of the
trees, and the forecast then reads its rows from that table. The trees score each row on its own,
so the values are those of a call per household, bit for bit.

Rows without weather hold only the calendar of their hour, the same for every household of a
zone and latitude: the trees' values for those are kept per model for whole UTC years
(:func:`weatherless_learned`), so a server answering households without temperatures evaluates
each zone's year once, not once per request.

The compiled trees compare rows by the branches they take, not by their values: two rows whose
every feature lies between the same two thresholds of the fitted trees reach the same leaves, so
one of them is evaluated for both (a one-year household asks for about 10,500 rows, 6,500 of them
distinct in this sense).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from recommender.forecast.design import (
    YEAR_FEATURES,
    Timeline,
    weatherless_year_rows,
    year_rows,
)
from recommender.forecast.features import utc_year_slices
from recommender.forecast.global_model import GlobalForecaster
from recommender.trees import distinct_keys, regression_trees

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
    first, codes = distinct_keys(keys)
    if not np.array_equal(bits[first][codes], bits):
        every = np.arange(len(rows))
        return every, every
    return first, codes


def evaluate_year_rows(model: GlobalForecaster, rows: np.ndarray) -> np.ndarray:
    """``model.year_model_.predict(rows)``: the compiled trees (:mod:`recommender.trees`) score
    rows that take the same paths once; without them, bit-identical rows are scored once."""
    regressor = model.year_model_
    if regression_trees(regressor.model_) is not None:
        return regressor.predict_rows(rows)
    first, codes = distinct_rows(rows)
    values: np.ndarray = regressor.predict_rows(rows[first])[codes]
    return values


CALENDAR_YEARS_KEPT = 64  # zone-years of weatherless values kept per model (70 kB each)
_CALENDAR_LOCK = threading.Lock()
_CALENDAR_YEARS: weakref.WeakKeyDictionary[Any, OrderedDict[tuple[str, float, int], np.ndarray]] = (
    weakref.WeakKeyDictionary()
)


def _calendar_year_values(
    model: GlobalForecaster, zone: str, latitude: float, year: int
) -> np.ndarray:
    """The year model's values at every hour of one UTC year without weather (least recently
    used zone-years are dropped beyond :data:`CALENDAR_YEARS_KEPT`). Safe across a server's
    threads: the table is only touched under a lock; two threads may evaluate one year twice."""
    key = (zone, latitude, year)
    with _CALENDAR_LOCK:
        kept = _CALENDAR_YEARS.setdefault(model.year_model_, OrderedDict())
        values = kept.get(key)
        if values is not None:
            kept.move_to_end(key)
            return values
    values = evaluate_year_rows(model, weatherless_year_rows(zone, latitude, year))
    values.flags.writeable = False
    with _CALENDAR_LOCK:
        kept[key] = values
        while len(kept) > CALENDAR_YEARS_KEPT:
            kept.popitem(last=False)
    return values


def weatherless_learned(model: GlobalForecaster, timeline: Timeline) -> np.ndarray | None:
    """``model.learned`` at every position of a weatherless timeline, ``(T,)``, read from whole
    UTC years evaluated once; None for a timeline with weather or not hourly on the hour.

    The trees score each row on its own, so a year's values read here are those of the rows
    evaluated with any others, bit for bit.
    """
    if not timeline.weatherless:
        return None
    slices = utc_year_slices(pd.DatetimeIndex(timeline.index).as_unit("ns").asi8)
    if slices is None:
        return None
    parts = [
        _calendar_year_values(model, timeline.timezone, timeline.latitude_deg, year)[begin:end]
        for year, begin, end in slices
    ]
    return np.concatenate(parts)


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
        pending = []
        for timeline, positions in requests:
            calendar_only = weatherless_learned(model, timeline)
            if calendar_only is None:
                pending.append((timeline, positions))
            else:
                self._values[_key(timeline, positions)] = calendar_only[positions][None, :]
        if not pending:
            return
        blocks = [year_rows(timeline, positions) for timeline, positions in pending]
        flat = np.concatenate([block.reshape(-1, len(YEAR_FEATURES)) for block in blocks])
        values = evaluate_year_rows(model, flat)
        start = 0
        for (timeline, positions), block in zip(pending, blocks, strict=True):
            size = block.shape[0] * block.shape[1]
            self._values[_key(timeline, positions)] = values[start : start + size].reshape(
                block.shape[:2]
            )
            start += size

    def learned(self, timeline: Timeline, positions: np.ndarray) -> np.ndarray:
        """What :meth:`GlobalForecaster.learned` answers, read from the table where it can be."""
        found = self._values.get(_key(timeline, positions))
        return found if found is not None else self._model.learned(timeline, positions)


def _key(timeline: Timeline, positions: np.ndarray) -> tuple[int, bytes]:
    return id(timeline), np.asarray(positions).tobytes()
