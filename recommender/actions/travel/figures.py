"""Per-trip figures of a mode and the factor draws behind their P10-P90 ranges.

:class:`Values` reads factor values: central (``n=None``), or ``n`` draws per factor. The draws are
common random numbers: each factor's (:func:`factor_draws`) and each trip count's
(:func:`rate_draws`) come from their own seeded generator, drawn once per process and shared by
every trip of every household, so a range is an array operation over the chunk's alike pairs and
does not depend on ids, chunks or reading order. :func:`per_trip` is the one formula of a trip's
kg CO2e, money and kWh (shapes in :mod:`.alternatives`).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Protocol

import numpy as np

from recommender.actions.travel import catalogue
from recommender.actions.travel.profile import RegularJourney
from recommender.quantiles import linear_quantiles

N_DRAWS = 1000
BLOCK_ROWS = 256  # alternatives summarised together at most (memory, not speed)
RATE_TABLES = 1024  # distinct trip counts whose Gamma draws are kept (8 KB each)


class RouteArrays(Protocol):
    """Route km, door-to-door minutes and whether estimated, one per (journey, mode) pair."""

    km: np.ndarray
    minutes: np.ndarray
    estimated: np.ndarray


_Z90 = 1.2815515655446004  # standard normal P90


@cache
def factor_draws(parameter: str, key: str, n: int = N_DRAWS) -> np.ndarray | float:
    """``n`` split-normal draws of a factor (its ``low`` and ``high`` being its P10 and P90, floored
    at 0), read-only; a factor without a range is its value. Common random numbers: a factor's
    draws come from its own seeded generator, so every trip of every household reads the same
    draws of it (one unknown true value, as the emission factor of rail is for all trips), and a
    range does not depend on the household's ids, the chunk or the order of the reads."""
    f = catalogue.factor(parameter, key)
    if _constant(f):
        return f.value
    z = np.random.default_rng(zlib.crc32(f"{parameter}/{key}".encode())).standard_normal(n)
    # each side's spread divided once (the same numbers as dividing each draw's)
    draw = np.where(z < 0, (f.value - f.low) / _Z90, (f.high - f.value) / _Z90)
    draw *= z  # the spread times z, in place
    draw += f.value
    np.maximum(draw, 0.0, out=draw)
    draw.setflags(write=False)
    return draw


@lru_cache(maxsize=RATE_TABLES)
def rate_draws(trips_observed: float, n: int = N_DRAWS) -> np.ndarray:
    """``n`` draws of a journey's true rate over its observed rate, read-only: Gamma with shape
    and rate ``trips_observed`` (mean 1, the sampling uncertainty of a count of that many trips),
    from a generator seeded by the count, so alike journeys share them as factors do."""
    k = float(trips_observed)
    rng = np.random.default_rng(zlib.crc32(f"trips/{k!r}".encode()))
    draw = rng.gamma(shape=k, scale=1.0 / k, size=n)
    draw.setflags(write=False)
    return draw


class Values:
    """Factor values: central (``n=None``) or the ``n`` shared draws of each factor
    (:func:`factor_draws`); records which factors were read (their sources)."""

    def __init__(self, n: int | None = None) -> None:
        self.n = n
        self.used: dict[tuple[str, str], catalogue.Factor] = {}

    def __call__(self, parameter: str, key: str) -> np.ndarray | float:
        f = catalogue.factor(parameter, key)
        self.used.setdefault((parameter, key), f)
        return f.value if self.n is None else factor_draws(parameter, key, self.n)

    def ratio(self, parameter: str, key: str) -> np.ndarray | float:
        """Draw / central value (1.0 when central) - scales a figure known only at its centre."""
        central = catalogue.factor(parameter, key).value
        return self(parameter, key) / central if central else 1.0

    def trips_per_year(self, journeys: Sequence[RegularJourney]) -> np.ndarray:
        """(journeys, 1) central trips a year, or (journeys, draws): the trips seen times the
        Gamma draws of their count (:func:`rate_draws`) and, for journeys seen under a year, the
        purpose's active weeks (all ``journeys`` of one purpose and span)."""
        central = np.array([j.trips_per_year for j in journeys])[:, None]
        if self.n is None:
            return central
        counts = np.array([float(j.trips_observed) for j in journeys])
        distinct, row = np.unique(counts, return_inverse=True)
        rate = np.stack([rate_draws(float(k), self.n) for k in distinct])[row]
        weeks = self._weeks_ratio(journeys[0])
        # x * 1.0 is x to the bit (NaN and -0.0 included): a year or more seen, one pass fewer
        return (
            central * rate if isinstance(weeks, float) and weeks == 1.0 else central * rate * weeks
        )

    def _weeks_ratio(self, journey: RegularJourney) -> np.ndarray | float:
        if journey.weeks_observed >= 52:
            return 1.0
        return self.ratio(*_weeks_factor(journey.purpose))


def _weeks_factor(purpose: str) -> tuple[str, str]:
    """The active-weeks row of a purpose (its own, or the default)."""
    key = purpose if catalogue.has_factor("active_weeks_per_year", purpose) else "default"
    return "active_weeks_per_year", key


def _constant(f: catalogue.Factor) -> bool:
    """A factor whose every split-normal draw is its value: no range, and ``value >= +0.0`` (the
    floor at 0 and the sign of a zero sum leave it unchanged: ``value + 0.0 * z == value``)."""
    return f.low == f.value == f.high and math.copysign(1.0, f.value) > 0


def per_trip(
    mode: str,
    route_km: np.ndarray | float,
    passengers: np.ndarray | float,
    v: Values,
    *,
    car_mode: str = "car_petrol",
    vary_detour: bool = False,
) -> tuple:
    """kg CO2e, money (GBP) and kWh of one trip by ``mode`` over ``route_km`` for ``passengers``.

    ``car_mode``: the household's car, for a lift share. ``vary_detour``: the route km is an offline
    estimate, so it varies with the mode's detour draw. Works on arrays (the simulated population).
    """
    p = passengers
    detour_key = "rail" if mode == "cycle_rail" else catalogue.family(mode)
    km = route_km * (v.ratio("detour_vs_road", detour_key) if vary_detour else 1.0)
    if mode == "cycle_rail":
        money = p * (v("cost_per_trip", "rail") + km * v("cost_per_km", "rail"))
        return km * v("emission_factor", "rail") * p, money, 0.0 * km
    if mode == "car_share":
        share = p / np.maximum(v("car_share_occupancy", "car_share"), p + 1)
        return (
            km * v("emission_factor", car_mode) * share,
            km * v("cost_per_km", car_mode) * share,
            km * v("energy_kwh_per_km", car_mode) * share,
        )
    people = 1.0 if mode in (*catalogue.CAR_MODES, "motorbike", "taxi") else p
    kg = km * v("emission_factor", mode) * people
    fixed = v("cost_per_trip", mode) if catalogue.has_factor("cost_per_trip", mode) else 0.0
    money = fixed * (1.0 if mode == "taxi" else people) + km * v("cost_per_km", mode) * people
    has_kwh = catalogue.has_factor("energy_kwh_per_km", mode)
    kwh = km * v("energy_kwh_per_km", mode) * people if has_kwh else 0.0 * km
    return kg, money, kwh


def p10_p90(draws: np.ndarray, axis: int = -1) -> np.ndarray:
    """``np.percentile(draws, [10, 90], axis=axis)``: the same numbers
    (:func:`recommender.quantiles.linear_quantiles`: sorted, not partitioned; the draws are
    reordered in place: pass a copy to keep them)."""
    moved = np.moveaxis(draws, axis, -1)
    bands = linear_quantiles(moved.reshape(-1, moved.shape[-1]), (0.1, 0.9), overwrite=True)
    return bands.reshape((2, *moved.shape[:-1]))


def yearly_figures(
    journeys: Sequence[RegularJourney],
    mode: np.ndarray,
    car: np.ndarray,
    routes: tuple[RouteArrays, RouteArrays],
    figures: tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]],
    ranged: np.ndarray,
    n_draws: int = N_DRAWS,
) -> dict[int, dict[str, float]]:
    """Yearly figures of the ``ranged`` (journey, mode) pairs: central (``figures``: per trip,
    current and option), and P10-P90 over the shared draws. Pairs that read the same factors are
    computed together; one percentile call serves up to ``BLOCK_ROWS`` of them."""
    cur, alt = routes
    people = np.array([j.passengers for j in journeys], dtype=float)
    trips = np.array([j.trips_per_year for j in journeys], dtype=float)
    groups: dict[tuple, list[int]] = {}
    for i in np.flatnonzero(ranged).tolist():
        j = journeys[i]
        key = (j.mode, mode[i], car[i], bool(alt.estimated[i]), j.weeks_observed < 52, j.purpose)
        groups.setdefault(key, []).append(i)
    out: dict[int, dict[str, float]] = {}
    order: list[int] = []
    blocks: list[np.ndarray] = []
    for key, members in groups.items():
        for start in range(0, len(members), BLOCK_ROWS):  # memory: BLOCK_ROWS x draws a factor
            rows = members[start : start + BLOCK_ROWS]
            blocks.append(_samples(journeys, key, rows, people, (cur.km, alt.km), n_draws))
            order.extend(rows)
            if len(order) >= BLOCK_ROWS:
                out.update(_summarised(order, blocks, trips, figures, (cur, alt)))
                order, blocks = [], []
    if order:
        out.update(_summarised(order, blocks, trips, figures, (cur, alt)))
    return out


def _summarised(
    order: list[int],
    blocks: list[np.ndarray],
    trips: np.ndarray,
    figures: tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]],
    routes: tuple[RouteArrays, RouteArrays],
) -> dict[int, dict[str, float]]:
    bands = p10_p90(np.concatenate(blocks), axis=2)  # one call for the blocks
    return _yearly_figures(order, bands, trips, figures, routes)


def _samples(
    journeys: Sequence[RegularJourney],
    key: tuple,
    rows: list[int],
    people: np.ndarray,
    km: tuple[np.ndarray, np.ndarray],
    n_draws: int,
) -> np.ndarray:
    """(rows, figure, draw) yearly savings of alike pairs, from the shared draws."""
    current, option, car_mode, estimated = key[:4]
    draws = Values(n_draws)
    n_draw = draws.trips_per_year([journeys[i] for i in rows])
    p = people[rows][:, None]
    c = per_trip(current, km[0][rows][:, None], p, draws, car_mode=car_mode)
    a = per_trip(option, km[1][rows][:, None], p, draws, car_mode=car_mode, vary_detour=estimated)
    out = np.empty((len(rows), 3, n_draws))
    for k in range(3):  # a figure that does not vary (0 kWh) is broadcast over the draws
        np.multiply(n_draw, np.subtract(c[k], a[k]), out=out[:, k])
    return out


def _yearly_figures(
    order: list[int],
    bands: np.ndarray,
    trips: np.ndarray,
    figures: tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]],
    routes: tuple[RouteArrays, RouteArrays],
) -> dict[int, dict[str, float]]:
    """Each pair's central yearly figures, with ``bands`` (P10, P90; pair; figure) around them."""
    rows = np.array(order)
    mid = [trips[rows] * (figures[0][k][rows] - figures[1][k][rows]) for k in range(3)]
    extra = (trips[rows] * (routes[1].minutes[rows] - routes[0].minutes[rows])).tolist()
    columns: list[list[float]] = []
    for k in range(3):  # the range widened to the central figure: Python's min and max, as arrays
        low, high = bands[0, :, k], bands[1, :, k]
        columns += [
            mid[k].tolist(),
            np.where(mid[k] < low, mid[k], low).tolist(),  # min(low, mid): low unless mid < low
            np.where(mid[k] > high, mid[k], high).tolist(),  # max(high, mid): high unless mid >
        ]
    columns += [trips[rows].tolist(), extra]
    return {
        i: dict(zip(_YEARLY_KEYS, values, strict=True))
        for i, *values in zip(order, *columns, strict=True)
    }


_YEARLY_KEYS = (
    "kg_co2e", "kg_co2e_p10", "kg_co2e_p90",
    "money", "money_p10", "money_p90",
    "kwh", "kwh_p10", "kwh_p90",
    "trips_per_year", "extra_minutes",
)  # fmt: skip
