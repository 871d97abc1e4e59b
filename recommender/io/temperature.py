"""Temperatures normalised to the engine's series: hourly mean °C on a regular UTC hourly index.

Readings already on the hours, one an hour, are taken as arrays; any others are sorted, checked,
cleared of duplicates (as :mod:`recommender.io.normalise` does for readings) and averaged per hour.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.errors import Problem
from recommender.io.cells import Where, row_problems
from recommender.io.normalise import drop_duplicate_readings

MIN_CELSIUS, MAX_CELSIUS = -60.0, 60.0  # outside the range of any inhabited place's air temperature


def normalise_temperature(
    stamps: pd.Series, celsius: np.ndarray, *, where: Where, problems: list[Problem]
) -> tuple[pd.Series | None, tuple[str, ...]]:
    """Hourly mean °C on a regular UTC hourly index (missing hours left NaN, not filled)."""
    hourly = _plain_hourly_temperature(stamps, celsius)
    if hourly is not None:
        return hourly, ()
    return hourly_temperature(stamps, celsius, where=where, problems=problems)


def hourly_temperature(
    stamps: pd.Series, celsius: np.ndarray, *, where: Where, problems: list[Problem]
) -> tuple[pd.Series | None, tuple[str, ...]]:
    """:func:`normalise_temperature` for any readings: sorted, checked, duplicates dropped, the
    mean of each UTC hour; each problem named."""
    before = len(problems)
    positions = np.arange(len(stamps))
    ok = stamps.notna().to_numpy()
    frame = pd.DataFrame(
        {"t": stamps[ok].reset_index(drop=True), "kwh": celsius[ok], "pos": positions[ok]}
    )
    frame = frame.sort_values(["t", "pos"], kind="stable").reset_index(drop=True)
    odd = frame.index[(frame["kwh"] < MIN_CELSIUS) | (frame["kwh"] > MAX_CELSIUS)]
    value = dict(zip(frame.loc[odd, "pos"], frame.loc[odd, "kwh"], strict=True))
    row_problems(
        problems,
        frame.loc[odd, "pos"].to_numpy(),
        where,
        "celsius",
        lambda p: f"{value[p]:g} °C is not a plausible air temperature",
        f"from {MIN_CELSIUS:g} to {MAX_CELSIUS:g} °C",
    )
    warnings: list[str] = []
    frame = drop_duplicate_readings(frame, where, problems, warnings, what="°C", column="celsius")
    if len(problems) > before or frame.empty:
        return None, ()
    hourly = frame.groupby(pd.DatetimeIndex(frame["t"]).floor("h"))["kwh"].mean()
    hours = pd.DatetimeIndex(hourly.index)
    return _on_hours(hourly.to_numpy(dtype="float64"), hours), tuple(warnings)


def _plain_hourly_temperature(stamps: pd.Series, celsius: np.ndarray) -> pd.Series | None:
    """The hourly series as arrays when the readings already are one (every stamp on the hour,
    one hour after the previous, each value NaN or plausible): what the general path gives (the
    mean of one value per hour is that value); None otherwise, and for -0.0, whose sign pandas'
    hourly mean keeps or drops depending on the other hours."""
    t = pd.DatetimeIndex(stamps)
    if not len(t) or t.hasnans:
        return None
    ns = t.asi8
    hour_ns = 3_600_000_000_000 // {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[t.unit]
    if (ns % hour_ns).any() or (np.diff(ns) != hour_ns).any():
        return None
    with np.errstate(invalid="ignore"):
        odd = (
            (celsius < MIN_CELSIUS)
            | (celsius > MAX_CELSIUS)
            | ((celsius == 0) & np.signbit(celsius))
        )
        if odd.any():
            return None
    return _on_hours(np.array(celsius, dtype="float64"), t)


def _on_hours(celsius: np.ndarray, hours: pd.DatetimeIndex) -> pd.Series:
    """Hourly °C (one value per hour in ``hours``, in order) on the full hourly index."""
    full = pd.date_range(hours[0], hours[-1], freq="h", name="timestamp")
    if len(full) == len(hours):  # sorted, unique hours from first to last: every hour there
        return pd.Series(celsius, index=full, name="celsius")
    return pd.Series(celsius, index=hours, name="celsius").reindex(full)
