"""Hourly (or half-hourly) carbon intensity forecasts behind one interface.

Actions ask :func:`intensity_forecast`; where the numbers come from is an
:class:`IntensityProvider`. The packaged :class:`OfflineProvider` knows the GB NESO 2023 year and
the countries' annual averages; a live provider (NESO Carbon Intensity API, Electricity Maps,
WattTime) implements the same ``forecast`` method and is passed in, without touching the actions.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from recommender.errors import InvalidInput, Problem
from recommender.grid.model import (
    FEATURES,
    GB_TIMEZONE,
    SEASONS,
    calendar_features,
    gb_profile_model,
)
from recommender.grid.neso import NESO_SOURCE, neso_2023
from recommender.grid.regions import COUNTRY_SOURCE, alpha3, country_average
from recommender.resources import data_path

COLUMNS = ("g_per_kwh", "error_g_per_kwh")


@runtime_checkable
class IntensityProvider(Protocol):
    """Anything that forecasts grid carbon intensity.

    ``forecast`` returns a frame on ``index`` with ``g_per_kwh`` (expected gCO2e/kWh) and
    ``error_g_per_kwh`` (one standard deviation of the forecast error, g/kWh); ``method`` says in
    words how, ``source`` cites the data.
    """

    def forecast(
        self, region: str, index: pd.DatetimeIndex, timezone: str | None = None
    ) -> pd.DataFrame: ...

    def method(self, region: str) -> str: ...

    def source(self, region: str) -> str: ...


@cache
def typical_daily_shape() -> pd.DataFrame:
    """``data/grid/typical_daily_shape.csv``: multiplier and relative error by local hour."""
    return pd.read_csv(data_path("grid/typical_daily_shape.csv")).set_index("hour")


@cache
def _single_zones() -> dict[str, str | None]:
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text()
    zones: dict[str, str | None] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        country, _, zone = line.split("\t")[:3]
        zones[country] = zone if country not in zones else None
    return zones


def region_timezone(region: str) -> str:
    """The time zone of a single-zone country; InvalidInput naming the region otherwise."""
    code = region.strip().upper()
    if alpha3(code) == "GBR":
        return GB_TIMEZONE
    zone = _single_zones().get(code)
    if zone is None:
        raise InvalidInput(
            Problem(
                "timezone",
                f"region {region!r} spans several time zones or none is listed",
                "an IANA time zone for the household, e.g. America/New_York",
            ),
            source="timezone",
        )
    return zone


def _check_index(index: pd.DatetimeIndex) -> None:
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        raise InvalidInput(
            Problem(
                "index",
                "timestamps are not a tz-aware DatetimeIndex",
                "a pandas DatetimeIndex with a time zone",
            ),
            source="index",
        )


class OfflineProvider:
    """The packaged data, no network.

    GB: the season x day type x half-hour climatology of NESO 2023 (error = the spread of 2023's
    half-hours in the same cell, so weather is not known: much wider than NESO's own day-ahead
    forecast, MAE 9.9 g/kWh). Other countries: annual average x GB's typical daily shape, an
    approximation stated in ``method``.
    """

    def forecast(
        self, region: str, index: pd.DatetimeIndex, timezone: str | None = None
    ) -> pd.DataFrame:
        g_per_kwh, error_g_per_kwh = self.arrays(region, index, timezone)
        # the frame holds copies: a caller writing into it changes no remembered window
        return pd.DataFrame(
            {"g_per_kwh": g_per_kwh, "error_g_per_kwh": error_g_per_kwh}, index=index
        )

    def arrays(
        self, region: str, index: pd.DatetimeIndex, timezone: str | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`forecast`'s two columns as arrays, without the frame (read-only where they
        are a remembered window's)."""
        _check_index(index)
        if alpha3(region) == "GBR":
            # regular: the same window for a whole batch scored at one instant, so cached
            if index.freq is not None:
                return _gb_cells(index[0], len(index), index.freqstr)
            return _gb_cells_of(index)
        mean, _ = country_average(region)
        zone = timezone or region_timezone(region)
        hours = np.asarray(index.tz_convert(zone).hour)
        shape = typical_daily_shape()
        return (
            mean * shape["multiplier"].to_numpy()[hours],
            mean * shape["relative_error"].to_numpy()[hours],
        )

    def method(self, region: str) -> str:
        if alpha3(region) == "GBR":
            return (
                "GB climatology: mean of NESO 2023 half-hours of the same season, day type and "
                "local half-hour; error = their standard deviation (no weather forecast)"
            )
        return (
            "approximation: the country's annual average x GB 2023's typical daily shape "
            "(data/grid/typical_daily_shape.csv); no hourly data for this country"
        )

    def source(self, region: str) -> str:
        if alpha3(region) == "GBR":
            return NESO_SOURCE
        _, year = country_average(region)
        return f"{COUNTRY_SOURCE}, {year}; daily shape from {NESO_SOURCE}"


class Neso2023ForecastProvider:
    """Replays NESO's own published day-ahead forecast for 2023 (GB only).

    For back-tests: what a live NESO provider would have said. Error = the standard deviation of
    NESO's 2023 forecast error.
    """

    def forecast(
        self, region: str, index: pd.DatetimeIndex, timezone: str | None = None
    ) -> pd.DataFrame:
        _check_index(index)
        if alpha3(region) != "GBR":
            raise InvalidInput(Problem("region", f"{region!r} is not GB", "GB"), source="region")
        year = neso_2023()
        slots = index.floor("30min").tz_convert("UTC")
        outside = ~slots.isin(year.forecast_g_per_kwh.index)
        if outside.any():
            raise InvalidInput(
                Problem(
                    "index",
                    f"{int(outside.sum())} timestamps outside 2023 (first {slots[outside][0]})",
                    "timestamps in 2023",
                ),
                source="index",
            )
        values = year.forecast_g_per_kwh.reindex(slots).to_numpy()
        return pd.DataFrame(
            {"g_per_kwh": values, "error_g_per_kwh": neso_forecast_error_std()}, index=index
        )

    def method(self, region: str) -> str:
        return "NESO's published 2023 day-ahead forecast, replayed"

    def source(self, region: str) -> str:
        return NESO_SOURCE + " (forecast column)"


def _gb_cells_of(index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """The GB climatology's mean and spread (g/kWh) of each instant's half-hour cell."""
    features = calendar_features(index.floor("30min"))
    cells = _gb_cell_table()[tuple(features[name].to_numpy() for name in FEATURES)]
    if np.isnan(cells).any():
        raise ValueError("some calendar cells were not seen in fit (need a full year)")
    return cells[:, 0].copy(), cells[:, 1].copy()


@cache
def _gb_cell_table() -> np.ndarray:
    """The GB climatology's mean and spread as a dense (season, weekend, slot, 2) array, NaN
    where the fit saw no half-hour: a window's cells by integer indexing (the model's own
    MultiIndex lookup cost over a millisecond a window; the values are the same)."""
    table = gb_profile_model().table_
    dense = np.full((len(SEASONS), 2, 48, 2), np.nan)
    keys = tuple(table.index.get_level_values(name).to_numpy() for name in FEATURES)
    dense[keys] = table[["mean", "std"]].to_numpy(dtype=float)
    dense.flags.writeable = False
    return dense


# bounded: a window of 7-14 days is 6-11 kB, so 256 of them stay under 3 MB; a chunk of 100
# households with different forecast starts overflowed the 64 kept before
@lru_cache(maxsize=256)
def _gb_cells(start: pd.Timestamp, periods: int, freq: str) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_gb_cells_of` for a regular window, remembered: every household of a batch scored
    at the same instant asks for the same window (read-only arrays: callers get copies)."""
    mean, std = _gb_cells_of(pd.date_range(start, periods=periods, freq=freq))
    mean.flags.writeable = std.flags.writeable = False
    return mean, std


@cache
def neso_forecast_error_std() -> float:
    """Standard deviation of NESO's 2023 forecast error (g/kWh), half-hours with both values."""
    from recommender.reference import neso_intensity_2023

    raw = neso_intensity_2023()
    raw = raw[(raw["from"].dt.year == 2023) & raw["actual"].gt(0)]
    return float((raw["forecast"] - raw["actual"]).std(ddof=1))


def intensity_arrays(
    region: str,
    index: pd.DatetimeIndex,
    *,
    timezone: str | None = None,
    provider: IntensityProvider | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`intensity_forecast`'s ``g_per_kwh`` and ``error_g_per_kwh`` as two arrays (the
    same figures). The packaged provider itself answers without building a frame (a regular GB
    window is a remembered one: read-only arrays); any other provider is asked for its frame."""
    provider = provider or OfflineProvider()
    if type(provider) is OfflineProvider:
        return provider.arrays(region, index, timezone)
    frame = intensity_forecast(region, index, timezone=timezone, provider=provider)
    return (
        frame["g_per_kwh"].to_numpy(dtype=float),
        frame["error_g_per_kwh"].to_numpy(dtype=float),
    )


def intensity_forecast(
    region: str,
    index: pd.DatetimeIndex,
    *,
    timezone: str | None = None,
    provider: IntensityProvider | None = None,
) -> pd.DataFrame:
    """Forecast grid carbon intensity on ``index`` for ``region`` (ISO alpha-2).

    Returns columns ``g_per_kwh`` and ``error_g_per_kwh`` (1 sd, g/kWh). ``provider`` defaults to
    :class:`OfflineProvider`; ``timezone`` (IANA) is needed outside GB for multi-zone countries.
    """
    provider = provider or OfflineProvider()
    frame = provider.forecast(region, index, timezone)
    if tuple(frame.columns) == COLUMNS:  # as providers return it: no copy through .loc
        return frame
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise TypeError(f"provider {type(provider).__name__} returned no column(s) {missing}")
    return frame.loc[:, list(COLUMNS)]
