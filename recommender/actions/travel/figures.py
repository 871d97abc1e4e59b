"""Per-trip figures of a mode and the factor draws behind their P10-P90 ranges.

:class:`Values` reads factor values: central (``rng=None``), or ``n`` split-normal draws per factor
row (``low`` and ``high`` being its P10 and P90), drawn lazily in the order the figures read
them. :class:`StackedValues` draws the same numbers for many alternatives at once (row ``i`` from
alternative ``i``'s own generator), so their ranges are computed as arrays. :func:`per_trip` is
the one formula of a trip's kg CO2e, money and kWh (shapes in :mod:`.alternatives`).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import numpy as np

from recommender.actions.travel import catalogue
from recommender.actions.travel.profile import RegularJourney
from recommender.quantiles import linear_quantiles

N_DRAWS = 1000
BLOCK_ROWS = 256  # alternatives drawn and summarised together at most (memory, not speed)


class RouteArrays(Protocol):
    """Route km, door-to-door minutes and whether estimated, one per (journey, mode) pair."""

    km: np.ndarray
    minutes: np.ndarray
    estimated: np.ndarray


_Z90 = 1.2815515655446004  # standard normal P90


class Values:
    """Factor values: central (``rng=None``) or ``n`` split-normal draws, one per factor row."""

    def __init__(self, rng: np.random.Generator | None = None, n: int = N_DRAWS) -> None:
        self.rng, self.n = rng, n
        self._cache: dict[tuple[str, str], np.ndarray | float] = {}
        self.used: dict[tuple[str, str], catalogue.Factor] = {}
        self._frozen = False

    def __call__(self, parameter: str, key: str) -> np.ndarray | float:
        if (parameter, key) not in self._cache:
            if self._frozen:
                raise KeyError(f"{parameter} {key} was not drawn before these values were frozen")
            f = catalogue.factor(parameter, key)
            self.used[(parameter, key)] = f
            if self.rng is None:
                self._cache[(parameter, key)] = f.value
            else:
                z = self._normal()
                # each side's spread divided once (the same numbers as dividing each draw's)
                draw = np.where(z < 0, (f.value - f.low) / _Z90, (f.high - f.value) / _Z90)
                draw *= z  # the spread times z, in place
                draw += f.value
                self._cache[(parameter, key)] = np.maximum(draw, 0.0, out=draw)
        return self._cache[(parameter, key)]

    def _normal(self) -> np.ndarray:
        assert self.rng is not None
        return self.rng.standard_normal(self.n)

    def frozen(self) -> Values:
        """These values, read-only, to be shared: the draws made so far and no new one (a factor
        not read yet raises: a new draw would depend on who read before)."""
        for value in self._cache.values():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
        self._frozen = True
        return self

    def ratio(self, parameter: str, key: str) -> np.ndarray | float:
        """Draw / central value (1.0 when central) - scales a figure known only at its centre."""
        central = catalogue.factor(parameter, key).value
        return self(parameter, key) / central if central else 1.0

    def trips_per_year(self, journey: RegularJourney) -> np.ndarray | float:
        """The journey's trips a year: central, or drawn (Gamma on the trips seen, and the
        purpose's active weeks when the diary is shorter than a year)."""
        if self.rng is None:
            return journey.trips_per_year
        rate = self._gamma(np.array([journey.trips_observed], dtype=float))[0]
        return journey.trips_per_year * rate * self._weeks_ratio(journey)

    def _gamma(self, observed: np.ndarray) -> np.ndarray:
        assert self.rng is not None
        return self.rng.gamma(shape=observed[0], scale=1.0 / observed[0], size=self.n)[None]

    def _weeks_ratio(self, journey: RegularJourney) -> np.ndarray | float:
        if journey.weeks_observed >= 52:
            return 1.0
        return self.ratio(*_weeks_factor(journey.purpose))


def _weeks_factor(purpose: str) -> tuple[str, str]:
    """The active-weeks row of a purpose (its own, or the default)."""
    key = purpose if catalogue.has_factor("active_weeks_per_year", purpose) else "default"
    return "active_weeks_per_year", key


@dataclass(frozen=True)
class DrawPlan:
    """The factors alike alternatives read after their Gamma draw, in that order, and what
    drawing them needs: whether each varies (:func:`_constant`), and the value and the spread
    below and above it of those drawn (``(drawn, 1)`` each, read-only); made once per kind of
    pair (:func:`_read_order`)."""

    factors: tuple[catalogue.Factor, ...]
    varying: tuple[bool, ...]
    value: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @classmethod
    def of(cls, factors: Sequence[catalogue.Factor]) -> DrawPlan:
        varying = tuple(not _constant(f) for f in factors)
        drawn = factors[: max((k + 1 for k, v in enumerate(varying) if v), default=0)]
        value = np.array([[f.value] for f in drawn]).reshape(-1, 1)
        low = np.array([[(f.value - f.low) / _Z90] for f in drawn]).reshape(-1, 1)
        high = np.array([[(f.high - f.value) / _Z90] for f in drawn]).reshape(-1, 1)
        for array in (value, low, high):
            array.setflags(write=False)
        return cls(tuple(factors), varying, value, low, high)


class StackedValues(Values):
    """The draws of many alternatives at once, row ``i`` from generator ``i``: the same numbers,
    drawn in the same order, as a :class:`Values` of each alone (its alternatives read the
    ``plan``'s factors in its order, after their trips' Gamma draw).

    Drawn up front, not factor by factor as they are read: each row's Gamma draw, then ONE call
    for all of its factors' standard normals (a generator's ``standard_normal`` of ``k x n`` gives
    the ``k`` blocks that ``k`` calls of ``n`` give, in turn), then turned into split-normal draws
    all at once. A factor without a range (``low == value == high >= 0``) draws ``value``
    whatever its normals, so it is kept as that number (broadcast over the draws: the same
    products), and the normals of such factors at the end of the order are not drawn at all
    (nothing after them reads the generator). Frozen: a factor outside the plan raises."""

    def __init__(
        self,
        rngs: Sequence[np.random.Generator],
        observed: Sequence[float],
        plan: DrawPlan,
        n: int = N_DRAWS,
    ) -> None:
        super().__init__(rngs[0], n)
        self.rate = np.empty((len(rngs), n))
        z = np.empty((len(rngs), len(plan.value), n))
        for rng, k, rate, row in zip(rngs, observed, self.rate, z, strict=True):
            rate[:] = rng.gamma(shape=k, scale=1.0 / k, size=n)
            rng.standard_normal(out=row)  # the row's factors' normals, in their order
        draw = np.where(z < 0, plan.low, plan.high)  # as Values.__call__, every factor at once
        draw *= z
        draw += plan.value
        np.maximum(draw, 0.0, out=z)
        z.setflags(write=False)  # and so each factor's rows, views of it (as frozen() does)
        for k, f in enumerate(plan.factors):
            self.used[(f.parameter, f.key)] = f
            self._cache[(f.parameter, f.key)] = z[:, k] if plan.varying[k] else f.value
        self._frozen = True

    def trips_per_year_of(self, journeys: Sequence[RegularJourney]) -> np.ndarray:
        """(alternatives, draws) trips a year of each row's journey (see :meth:`trips_per_year`)."""
        central = np.array([j.trips_per_year for j in journeys])[:, None]
        return central * self.rate * self._weeks_ratio(journeys[0])


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
    current and option), and P10-P90 from each pair's own seeded draws. Pairs that read the same
    factors in the same order are drawn together (:class:`StackedValues`); one percentile call
    serves up to ``BLOCK_ROWS`` of them."""
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
    """(rows, figure, draw) yearly savings of alike pairs, each row from its own generator."""
    current, option, car_mode, estimated = key[:4]
    rngs = [
        np.random.default_rng(zlib.crc32(f"{journeys[i].journey_id}>{option}".encode()))
        for i in rows
    ]
    observed = [float(journeys[i].trips_observed) for i in rows]
    draws = StackedValues(rngs, observed, _read_order(key), n_draws)
    n_draw = draws.trips_per_year_of([journeys[i] for i in rows])
    p = people[rows][:, None]
    c = per_trip(current, km[0][rows][:, None], p, draws, car_mode=car_mode)
    a = per_trip(option, km[1][rows][:, None], p, draws, car_mode=car_mode, vary_detour=estimated)
    out = np.empty((len(rows), 3, n_draws))
    for k in range(3):  # a figure that does not vary (0 kWh) is broadcast over the draws
        np.multiply(n_draw, np.subtract(c[k], a[k]), out=out[:, k])
    return out


@cache
def _read_order(key: tuple) -> DrawPlan:
    """The factors the pairs of ``key`` read after their Gamma draw, in the order they read them
    (so drawn): the active weeks of a journey seen under a year, then the current mode's trip,
    then the option's, as :func:`_samples` reads them (the branches of :func:`per_trip` and
    :meth:`Values.ratio` depend on the modes and the table, not on the numbers)."""
    current, option, car_mode, estimated, short, purpose = key
    reads = Values()
    if short:
        reads.ratio(*_weeks_factor(purpose))
    per_trip(current, 1.0, 1.0, reads, car_mode=car_mode)
    per_trip(option, 1.0, 1.0, reads, car_mode=car_mode, vary_detour=estimated)
    return DrawPlan.of(tuple(reads.used.values()))


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
    extra = trips[rows] * (routes[1].minutes[rows] - routes[0].minutes[rows])
    out: dict[int, dict[str, float]] = {}
    for g, i in enumerate(order):
        y: dict[str, float] = {}
        for k, name in enumerate(("kg_co2e", "money", "kwh")):
            m = float(mid[k][g])
            y[name] = m
            y[f"{name}_p10"] = float(min(bands[0, g, k], m))
            y[f"{name}_p90"] = float(max(bands[1, g, k], m))
        y["trips_per_year"] = float(trips[i])
        y["extra_minutes"] = float(extra[g])
        out[i] = y
    return out
