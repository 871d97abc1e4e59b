"""Forecasting in blocks: households on one shared hourly index, the year model's trees shared.

:func:`recommender.forecast.api.forecast_many` and ``forecast_households`` lay households out
here: a :class:`Group` holds households that share a history index (screened, on one
:class:`Timeline`), a :class:`Block` at most ``chunk_size`` of them; :func:`run_blocks` fills
each group's output, the year model's trees evaluated once for as many blocks as
:data:`TREE_ROWS_PER_CALL` allows (:mod:`recommender.forecast.shared_trees`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

import numpy as np
import pandas as pd

from recommender.domain import FUELS
from recommender.errors import InvalidInput, Problem
from recommender.forecast.design import SHORT_HORIZON_HOURS, Learned, Timeline
from recommender.forecast.global_model import (
    HOURS_PER_YEAR,
    MIN_HISTORY_HOURS,
    GlobalForecaster,
)
from recommender.forecast.level import CALIBRATION_SAMPLE_HOURS, Level, calibration_positions
from recommender.forecast.screening import level_notes, screen_history
from recommender.forecast.shared_trees import SharedTrees
from recommender.forecast.weather import zone_latitude

MAX_HORIZON_HOURS = HOURS_PER_YEAR
YEAR_LAG_HOURS = 364 * 24
BAND_KEYS = ("kwh", "p10", "p50", "p90")  # the order of global_model.Bands
# rows of the year model's trees evaluated in one call at most (about 150 MB of features)
TREE_ROWS_PER_CALL = 2_000_000
# a year ahead and the hours the level is read at, per weather row
ROWS_PER_WEATHER = HOURS_PER_YEAR + CALIBRATION_SAMPLE_HOURS


@dataclass
class Group:
    """Households on one shared history index, screened, with their timeline and output."""

    index: pd.DatetimeIndex
    zone: str
    start: pd.Timestamp
    timeline: Timeline
    own_weather: bool  # one weather row per household (else one shared row)
    fuel: str  # how the level is read (recommender.forecast.level)
    kwh: np.ndarray  # screened
    warnings: list[list[str]]
    sufficient: np.ndarray
    out: dict[str, np.ndarray]

    def result(self) -> dict[str, Any]:
        return {
            "start": self.start,
            **self.out,
            "sufficient": self.sufficient,
            "warnings": self.warnings,
        }


class Block(NamedTuple):
    """Rows of one group forecast together (at most ``chunk_size``) on their timeline."""

    group: Group
    rows: np.ndarray
    timeline: Timeline


def prepare_group(
    model: GlobalForecaster,
    kwh: np.ndarray,
    index: pd.DatetimeIndex,
    horizon_hours: int,
    temperature_c: np.ndarray | None,
    timezone: str | None,
    fuel: str,
) -> Group:
    """Check, screen and lay out one shared-index group (see :func:`forecast_many`)."""
    kwh = np.atleast_2d(np.asarray(kwh, dtype=np.float64))
    _check_many(kwh, index, horizon_hours, fuel)
    n, n_history = kwh.shape
    zone = timezone or model.timezone
    latitude, _ = zone_latitude(zone, model.latitude_deg)
    future = max(horizon_hours, HOURS_PER_YEAR)
    full_index = pd.date_range(index[0].tz_convert("UTC"), periods=n_history + future, freq="h")
    temps = own_typical_year(temperature_c, len(full_index))
    screened = screen_history(kwh, index, zone, fuel)
    out: dict[str, np.ndarray] = {k: np.full((n, horizon_hours), np.nan) for k in BAND_KEYS}
    out |= {k: np.full(n, np.nan) for k in ("annual_kwh", "annual_kwh_p10", "annual_kwh_p90")}
    return Group(
        index=index,
        zone=zone,
        start=cast(pd.Timestamp, full_index[n_history]),
        timeline=Timeline(full_index, zone, latitude, temps),
        own_weather=len(temps) > 1,
        fuel=fuel,
        kwh=screened.kwh,
        warnings=screened.warnings,
        sufficient=(~np.isnan(screened.kwh)).sum(axis=1) >= MIN_HISTORY_HOURS,
        out=out,
    )


def blocks_of(group: Group, chunk_size: int = 256) -> list[Block]:
    """The group's households with enough history, ``chunk_size`` at most per block."""
    rows = np.flatnonzero(group.sufficient)
    blocks = []
    for begin in range(0, len(rows), chunk_size):
        chunk = rows[begin : begin + chunk_size]
        part = group.timeline.subset(chunk) if group.own_weather else group.timeline
        blocks.append(Block(group, chunk, part))
    return blocks


def run_blocks(model: GlobalForecaster, blocks: Sequence[Block], horizon_hours: int) -> None:
    """Forecast every block into its group's output, the year model's trees evaluated once
    for as many blocks as :data:`TREE_ROWS_PER_CALL` allows (:mod:`shared_trees`)."""
    wave: list[Block] = []
    rows = 0
    for block in [*blocks, None]:
        size = 0 if block is None else len(block.timeline.temperature) * ROWS_PER_WEATHER
        if wave and (block is None or rows + size > TREE_ROWS_PER_CALL):
            requests = [r for b in wave for r in _tree_requests(model, b)]
            shared = SharedTrees(model, requests)
            for done in wave:
                _run_block(model, done, horizon_hours, shared.learned)
            wave, rows = [], 0
        if block is not None:
            wave.append(block)
            rows += size


def _tree_requests(model: GlobalForecaster, block: Block) -> list[tuple[Timeline, np.ndarray]]:
    """The year-model rows a block's forecast asks for: the year ahead, the level's hours."""
    n_history = len(block.group.index)
    requests = [(block.timeline, np.arange(n_history, n_history + HOURS_PER_YEAR))]
    if model.calibrate:
        requests.append((block.timeline, calibration_positions(n_history)))
    return requests


def _run_block(model: GlobalForecaster, block: Block, horizon_hours: int, learned: Learned) -> None:
    group, chunk = block.group, block.rows
    n_history = len(group.index)
    padded = np.full((len(chunk), len(group.timeline.index)), np.nan)
    padded[:, :n_history] = group.kwh[chunk]
    level = _forecast_chunk(
        model,
        block.timeline,
        padded,
        n_history,
        horizon_hours,
        chunk,
        group.out,
        learned,
        group.fuel,
    )
    notes: list[list[str]] = [group.warnings[row] for row in chunk]
    level_notes(level.shift_position, level.shift_change, group.index, group.zone, notes)


def _check_many(kwh: np.ndarray, index: pd.DatetimeIndex, horizon_hours: int, fuel: str) -> None:
    problems = []
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        problems.append(Problem("index", "not a tz-aware DatetimeIndex", "UTC hourly timestamps"))
    elif len(index) != kwh.shape[1]:
        problems.append(
            Problem(
                "index",
                f"{len(index)} hours for {kwh.shape[1]} columns",
                "one timestamp per column of kwh",
            )
        )
    elif len(index) > 1 and not (np.diff(index.asi8) == np.diff(index.asi8)[0]).all():
        problems.append(Problem("index", "irregular steps", "a regular hourly index"))
    if fuel not in FUELS:
        problems.append(Problem("fuel", f"{fuel!r}", f"one of {FUELS}"))
    if not 1 <= horizon_hours <= MAX_HORIZON_HOURS:
        problems.append(Problem("horizon_hours", f"{horizon_hours}", f"1 to {MAX_HORIZON_HOURS}"))
    if problems:
        raise InvalidInput(problems, source="forecast_many")


def _forecast_chunk(
    model: GlobalForecaster,
    timeline: Timeline,
    padded: np.ndarray,
    n_history: int,
    horizon_hours: int,
    chunk: np.ndarray,
    out: dict[str, np.ndarray],
    learned: Learned | None = None,
    fuel: str = "electricity",
) -> Level:
    """Fill ``out``'s rows ``chunk``: the short model's first week, the year model's rest and
    the annual totals; returns the :class:`Level` the year was read at."""
    short = min(horizon_hours, SHORT_HORIZON_HOURS)
    year_positions = np.arange(n_history, n_history + HOURS_PER_YEAR)
    relative, factor, level = model.year_relative(
        timeline, padded, n_history, year_positions, learned, fuel
    )
    year_mean = np.clip(relative, 0.0, None) * factor  # as year_bands gives it, for every hour
    origin = np.array([n_history])
    near = model.predict_short(
        timeline, padded, n_history, origin, short, year_mean[:, None, :short]
    )
    for key, values in zip(BAND_KEYS, near, strict=True):
        out[key][chunk, :short] = values[:, 0, :]
    if horizon_hours > short:  # bands only for the hours shown; the total needs the mean alone
        year = model.year_bands(relative[:, short:horizon_hours], factor, level)
        for key, values in zip(BAND_KEYS, year, strict=True):
            out[key][chunk, short:] = values
    low_q, high_q = model.year_model_.block_error_quantiles_
    total = year_mean.sum(axis=1)
    out["annual_kwh"][chunk] = total
    out["annual_kwh_p10"][chunk] = total * (1.0 + low_q)
    out["annual_kwh_p90"][chunk] = total * (1.0 + high_q)
    return level


def own_typical_year(temperature_c: np.ndarray | None, length: int) -> np.ndarray:
    """``(m, length)`` °C: as given, and where unknown, the same household's °C 364 days earlier
    (its own climate, same weekday); NaN where neither is known (calendar alone there)."""
    temps = np.full((1, length), np.nan)
    if temperature_c is None:
        return temps
    given = np.atleast_2d(np.asarray(temperature_c, dtype=np.float64))
    width = min(given.shape[1], length)
    temps = np.full((len(given), length), np.nan)
    temps[:, :width] = given[:, :width]
    lag = YEAR_LAG_HOURS
    for begin in range(lag, length, lag):  # a year-long horizon needs at most two passes
        block = temps[:, begin : begin + lag]
        source = temps[:, begin - lag : begin - lag + block.shape[1]]
        temps[:, begin : begin + lag] = np.where(np.isnan(block), source, block)
    return temps
