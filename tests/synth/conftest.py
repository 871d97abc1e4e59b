"""Fixtures of the synth tests: the real meters read straight from the CSVs, not via the library."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest


def real_local_hourly(path: Path) -> pd.Series:
    """A real meter as hourly kWh in London local time, read with pandas alone.

    Duplicate stamps are averaged, half-hours summed into hours where both are present.
    """
    raw = pd.read_csv(path)
    stamps = pd.to_datetime(raw["start"], utc=True)
    series = pd.Series(raw["value"].to_numpy(float), index=stamps).groupby(level=0).mean()
    hours = series.index.floor("h")
    per_hour = 2 if (series.index.minute == 30).any() else 1
    grouped = series.groupby(hours).agg(["sum", "count"])
    hourly = grouped.loc[grouped["count"] == per_hour, "sum"]
    return hourly.tz_convert("Europe/London")


@pytest.fixture(scope="session")
def real_mean_profile(meter0_path: Path, meter1_path: Path) -> np.ndarray:
    """Mean share of daily kWh by local hour, averaged over the two real meters (each weighted
    equally, each normalised by its own mean hourly kWh)."""
    shapes = []
    for path in (meter0_path, meter1_path):
        local = real_local_hourly(path)
        by_hour = local.groupby(local.index.hour).mean()
        shapes.append(by_hour.to_numpy() / by_hour.mean())
    return np.mean(shapes, axis=0)
