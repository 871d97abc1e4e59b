"""The travel catalogue: transport factors from ``data/factors/transport.csv`` and the modes.

Every number the travel actions use is a row of that CSV with its ``source``, ``year`` and
``status`` (``secondary`` = a copy of UK DESNZ 2024 GHG conversion factors as listed in the shared
data/reference.md, ``estimate``, ``convention`` or ``assumption``), and a P10-P90 range (``low``,
``high``) where one applies. Edit the CSV to change a figure; nothing here hard-codes one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from recommender.resources import data_path

TRANSPORT_FACTORS = "factors/transport.csv"
CURRENCY = "GBP"  # every cost row of the CSV is in GBP (UK prices, 2024)
COST_REGION = "GB"

CAR_MODES: tuple[str, ...] = ("car_petrol", "car_diesel", "car_hybrid", "car_electric")
FLIGHT_MODES: tuple[str, ...] = ("flight_domestic", "flight_short_haul", "flight_long_haul")

# The family of a mode decides its speed, access time and detour rows.
_FAMILY: dict[str, str] = {m: "car" for m in (*CAR_MODES, "car_share")}
_FAMILY.update({m: "flight" for m in FLIGHT_MODES})

MODE_LABELS: dict[str, str] = {
    "car_petrol": "car",
    "car_diesel": "car",
    "car_hybrid": "hybrid car",
    "car_electric": "electric car",
    "car_share": "a shared car (lift share)",
    "motorbike": "motorbike",
    "taxi": "taxi",
    "bus": "bus",
    "coach": "coach",
    "rail": "train",
    "tram": "tram",
    "underground": "underground",
    "ebike": "e-bike",
    "escooter": "e-scooter",
    "cycle": "bike",
    "walk": "foot",
    "cycle_rail": "bike and train",
    "flight_domestic": "plane",
    "flight_short_haul": "plane",
    "flight_long_haul": "plane",
}


@dataclass(frozen=True)
class Factor:
    """One row of the transport table: central value, P10-P90 range and where it comes from."""

    parameter: str
    key: str
    value: float
    low: float
    high: float
    unit: str
    basis: str
    source: str
    year: int
    status: str

    def cite(self) -> str:
        """One line naming the figure and its source, for ``Action.sources``."""
        return (
            f"{self.parameter} {self.key}: {self.value:g} {self.unit} ({self.basis}); "
            f"{self.source}, {self.year} [{self.status}]"
        )


@cache
def transport_table() -> pd.DataFrame:
    """The transport factor table indexed by (parameter, key); ``low``/``high`` default to value."""
    table = pd.read_csv(data_path(TRANSPORT_FACTORS))
    table["low"] = table["low"].fillna(table["value"])
    table["high"] = table["high"].fillna(table["value"])
    return table.set_index(["parameter", "key"]).sort_index()


@cache
def _rows() -> dict[tuple[str, str], dict[Any, Any]]:
    records = transport_table().reset_index().to_dict("records")
    return {(str(r["parameter"]), str(r["key"])): r for r in records}


@cache
def factor(parameter: str, key: str) -> Factor:
    """The row ``(parameter, key)``; ``KeyError`` naming both when the table lacks it."""
    row = _rows().get((parameter, key))
    if row is None:
        raise KeyError(f"{TRANSPORT_FACTORS} has no row parameter={parameter!r}, key={key!r}")
    return Factor(
        parameter=parameter,
        key=key,
        value=float(row["value"]),
        low=float(row["low"]),
        high=float(row["high"]),
        unit=str(row["unit"]),
        basis=str(row["basis"]),
        source=str(row["source"]),
        year=int(row["year"]),
        status=str(row["status"]),
    )


def has_factor(parameter: str, key: str) -> bool:
    return (parameter, key) in _rows()


def family(mode: str) -> str:
    """The row key for speed, access and detour of ``mode`` (all cars share ``car``)."""
    return _FAMILY.get(mode, mode)


def speed_kmh(mode: str, route_km: np.ndarray | float) -> np.ndarray:
    """Average moving speed, interpolated from the local (<= 10 km) to the long (>= 100 km) row."""
    key = family(mode)
    local, long = factor("speed_kmh_local", key).value, factor("speed_kmh_long", key).value
    return np.interp(np.asarray(route_km, dtype=float), [10.0, 100.0], [local, long])


def door_to_door_minutes(mode: str, route_km: np.ndarray | float) -> np.ndarray:
    """Access and waiting minutes plus moving time for one trip of ``route_km``."""
    access = factor("access_minutes", mode if has_factor("access_minutes", mode) else family(mode))
    km = np.asarray(route_km, dtype=float)
    return access.value + 60.0 * km / speed_kmh(mode, km)


def detour(mode: str) -> Factor:
    """Route km of ``mode`` per road km (a ground trip's ``distance_km`` is taken as road km)."""
    return factor("detour_vs_road", family(mode))


def label(mode: str) -> str:
    return MODE_LABELS.get(mode, mode.replace("_", " "))
