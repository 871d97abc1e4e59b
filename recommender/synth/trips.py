"""Synthetic trips: each household's regular journeys, expanded day by day.

No open travel diary exists at a usable size (data/README), so trips are drawn from stated rules.
Reference points (NTS = DfT National Travel Survey 2023, England, factsheet published 28 Aug 2024):
915 trips per person a year (~18 a week); 60 % of trips by car or van, 29 % walked, 4 % local bus,
2 % cycle, 2 % rail; shopping 18 % and commuting 13 % of trips; 5,974 miles per person a year.

What is generated, per household (every number an assumption unless it cites the NTS):
- commute: one regular journey per worker, out and back on 3, 4 or 5 fixed weekdays (p 0.3 / 0.3 /
  0.4: hybrid working after 2020), attended 92 % of those days (leave, sickness); one-way distance
  lognormal, median 9 km, sigma 0.9; out ~08:00 +- 45 min, back ~17:30 +- 60 min.
- school: households with children, Monday-Friday, 95 % of days, lognormal median 2 km, all the
  children as passengers; every week is treated as term time.
- shopping: 1-3 round trips a week on random days, a regular shop at lognormal median 3 km.
- errands and short walks ("other"): 1-4 round trips a week, lognormal median 1.2 km.
- leisure and visits: two regular destinations, 0.5-2.5 round trips a week each, twice as likely at
  weekends, lognormal median 8 km (sigma 1.0).
- flights: Poisson, on average 1.0 return flight per household a year (assumption: about half of UK
  adults fly in a year), 10 % domestic (400-700 km), 70 % short haul (800-2,500 km), 20 % long haul
  (5,000-11,000 km); out between 06:00 and 20:00, back 7 days later (long haul 14) if in the period.
- mode: by one-way distance and car access, from the table ``MODE_BY_DISTANCE`` (assumption, tuned
  by hand towards the NTS shares); "car" becomes the household's car (petrol/diesel/hybrid/
  electric), or a lift in a petrol car for households without one.
What comes out (5,000 households, 28 days, seed 0): ~26 trips a week per household, car ~58 %,
walk ~22 %, bus ~7 %, rail ~5 % of trips, commuting ~32 % of trips. Against the NTS that is fewer
trips (NTS: ~42 a week for 2.36 people; passengers travel on one trip row here, and one-off trips
are left out), more commuting and more public transport. Good enough to exercise the engine, not a
travel model.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from recommender.domain import TRIP_MODES, TRIP_PURPOSES
from recommender.synth._blocks import BLOCK, STREAM_TRIPS, block_rng, block_spans
from recommender.synth.households import draw_traits

_MODES = ("car", "walk", "cycle", "ebike", "bus", "coach", "rail", "taxi")
# P(mode) by one-way distance band (<2 km, 2-10 km, >10 km), with and without a car.
MODE_BY_DISTANCE = {
    (True, 0): {"walk": 0.60, "cycle": 0.04, "car": 0.33, "bus": 0.03},
    (True, 1): {"car": 0.80, "bus": 0.06, "cycle": 0.05, "walk": 0.05, "rail": 0.02, "ebike": 0.02},
    (True, 2): {"car": 0.90, "rail": 0.07, "coach": 0.03},
    (False, 0): {"walk": 0.85, "cycle": 0.10, "bus": 0.05},
    (False, 1): {
        "bus": 0.30,
        "walk": 0.20,
        "car": 0.20,
        "cycle": 0.12,
        "rail": 0.08,
        "taxi": 0.05,
        "ebike": 0.05,
    },
    (False, 2): {"rail": 0.40, "car": 0.30, "bus": 0.20, "coach": 0.10},
}
# Without a household car, "car" is a lift in someone else's car, counted as an average petrol car.
LIFT_MODE = "car_petrol"
FLIGHTS_PER_HOUSEHOLD_YEAR = 1.0
_FLIGHTS = (  # mode, share, km low, km high, days away
    ("flight_domestic", 0.10, 400.0, 700.0, 7),
    ("flight_short_haul", 0.70, 800.0, 2500.0, 7),
    ("flight_long_haul", 0.20, 5000.0, 11000.0, 14),
)
_PURPOSE = {p: i for i, p in enumerate(TRIP_PURPOSES)}
_MODE_CODE = {m: i for i, m in enumerate(TRIP_MODES)}
_WEEKEND = np.array([0, 0, 0, 0, 0, 1, 1], dtype=bool)
COLUMNS = ("household_id", "start", "distance_km", "mode", "purpose", "passengers")


def synthetic_trips(
    n_households: int, start: str | pd.Timestamp, days: int, seed: int = 0
) -> pd.DataFrame:
    """The trips table (docs/tables.md) of households ``0 .. n_households - 1`` over ``days``
    local days from the date of ``start``; ``start`` is UTC, sorted by household and time."""
    start_date = _start_date(start)
    parts = []
    for block, _lo, _hi in block_spans(0, n_households):
        traits = draw_traits(BLOCK, seed, block * BLOCK)
        columns = trips_for_block(traits, seed, block, start_date, days)
        keep = traits["household_index"].to_numpy()[columns["row"]] < n_households
        parts.append(trips_frame(traits, {k: v[keep] for k, v in columns.items()}))
    return pd.concat(parts, ignore_index=True)


def trips_frame(traits: pd.DataFrame, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The trips table (docs/tables.md columns) of :func:`trips_for_block`'s arrays."""
    return pd.DataFrame(
        {
            "household_id": traits["household_id"].to_numpy()[columns["row"]],
            "start": pd.DatetimeIndex(columns["start_s"].astype("datetime64[s]")).tz_localize(
                "UTC"
            ),
            "distance_km": columns["distance_km"],
            "mode": np.array(TRIP_MODES, dtype=object)[columns["mode_code"]],
            "purpose": np.array(TRIP_PURPOSES, dtype=object)[columns["purpose_code"]],
            "passengers": columns["passengers"],
        }
    )


def trips_for_block(
    traits: pd.DataFrame, seed: int, block: int, start_date: pd.Timestamp, days: int
) -> dict[str, np.ndarray]:
    """Trips of one whole seeding block (``traits`` = its BLOCK rows) as arrays, sorted by household
    and time: ``row`` (the household's row in ``traits``), ``start_s`` (UTC, seconds since 1970),
    ``distance_km``, ``mode_code`` / ``purpose_code`` (indices into ``TRIP_MODES`` /
    ``TRIP_PURPOSES``) and ``passengers``."""
    rng = block_rng(seed, STREAM_TRIPS, block)
    tpl = _templates(rng, traits)
    weekday = (start_date.day_of_week + np.arange(days)) % 7
    p = tpl["p_weekday"][:, weekday]  # (K, days)
    k_idx, day = np.nonzero(rng.random(p.shape) < p)
    n = len(k_idx)
    jitter = rng.normal(0.0, 15.0, n)
    km_factor = np.exp(0.1 * rng.standard_normal(n))
    out_min = tpl["out_min"][k_idx] + jitter
    back_min = np.maximum(tpl["back_min"][k_idx] + jitter, out_min + 20)
    rows = {
        "hh": np.concatenate([tpl["hh"][k_idx]] * 2),
        "day": np.concatenate([day, day]).astype(float),
        "minute": np.concatenate([out_min, back_min]),
        "km": np.concatenate([tpl["km"][k_idx] * km_factor] * 2),
        "mode": np.concatenate([tpl["mode"][k_idx]] * 2),
        "purpose": np.concatenate([tpl["purpose"][k_idx]] * 2),
        "pax": np.concatenate([tpl["pax"][k_idx]] * 2),
    }
    _add_flights(rng, traits, days, rows)
    stamps = _to_utc(
        start_date, rows["day"], rows["minute"], traits["timezone"].to_numpy()[rows["hh"]]
    )
    seconds = stamps.astype(np.int64)
    order = np.lexsort((seconds, rows["hh"]))
    return {
        "row": rows["hh"][order].astype(np.int64),
        "start_s": seconds[order],
        "distance_km": np.round(rows["km"][order], 1),
        "mode_code": rows["mode"][order].astype(np.int64),
        "purpose_code": rows["purpose"][order].astype(np.int64),
        "passengers": rows["pax"][order].astype(np.int64),
    }


def _templates(rng: np.random.Generator, traits: pd.DataFrame) -> dict[str, np.ndarray]:
    """Regular journeys: household row, purpose, mode, km, passengers, P(trip) by weekday, times."""
    n = len(traits)
    workers = traits["workers"].to_numpy()
    children = traits["children"].to_numpy()
    has_car = traits["car_mode"].to_numpy() != ""
    car_code = np.array([_MODE_CODE.get(m, _MODE_CODE[LIFT_MODE]) for m in traits["car_mode"]])
    groups = [
        *_weekday_journeys(rng, workers, children),
        *_local_and_leisure_journeys(rng, n, traits["persons"].to_numpy()),
    ]
    hh = np.concatenate([g[0] for g in groups])
    km = np.concatenate([g[2] for g in groups])
    mode = _choose_mode(rng, km, has_car[hh], car_code[hh])
    return {
        "hh": hh,
        "purpose": np.concatenate([np.full(len(g[0]), _PURPOSE[g[1]]) for g in groups]),
        "km": km,
        "mode": mode,
        "pax": np.concatenate([g[3] for g in groups]).astype(np.int64),
        "p_weekday": np.vstack([g[4] for g in groups]),
        "out_min": np.concatenate([g[5] for g in groups]),
        "back_min": np.concatenate([g[6] for g in groups]),
    }


def _weekday_journeys(
    rng: np.random.Generator, workers: np.ndarray, children: np.ndarray
) -> list[tuple[Any, ...]]:
    """Commutes (one per worker, fixed weekdays) and school runs (households with children)."""
    groups: list[tuple[Any, ...]] = []
    # commute: one per worker, fixed weekdays
    hh = np.repeat(np.arange(len(workers)), workers)
    k = len(hh)
    n_days = rng.choice([3, 4, 5], size=k, p=[0.3, 0.3, 0.4])
    ranks = np.argsort(np.argsort(rng.random((k, 5)), axis=1), axis=1)
    p_week = np.zeros((k, 7))
    p_week[:, :5] = np.where(ranks < n_days[:, None], 0.92, 0.0)
    groups.append(
        (
            hh,
            "commute",
            _lognormal(rng, 9.0, 0.9, k),
            np.ones(k),
            p_week,
            rng.normal(8 * 60, 45, k),
            rng.normal(17.5 * 60, 60, k),
        )
    )

    # school: households with children, Monday-Friday
    hh = np.flatnonzero(children > 0)
    k = len(hh)
    p_week = np.tile(np.where(_WEEKEND, 0.0, 0.95), (k, 1))
    groups.append(
        (
            hh,
            "school",
            _lognormal(rng, 2.0, 0.7, k),
            1 + children[hh],
            p_week,
            rng.normal(8 * 60 + 20, 10, k),
            rng.normal(15 * 60 + 15, 15, k),
        )
    )

    return groups


def _local_and_leisure_journeys(
    rng: np.random.Generator, n: int, persons: np.ndarray
) -> list[tuple[Any, ...]]:
    """Shopping, errands, leisure and visits: every household, by weekly rates."""
    groups: list[tuple[Any, ...]] = []
    # shopping: 1-3 a week on any day
    hh = np.arange(n)
    rate = rng.uniform(1.0, 3.0, n) / 7
    out = rng.uniform(9 * 60, 19 * 60, n)
    groups.append(
        (
            hh,
            "shopping",
            _lognormal(rng, 3.0, 0.8, n),
            rng.integers(1, 3, n),
            np.tile(rate[:, None], (1, 7)),
            out,
            out + rng.uniform(40, 90, n),
        )
    )

    # errands and short walks ("other"): 1-4 a week, mostly close to home
    rate = rng.uniform(1.0, 4.0, n) / 7
    out = rng.uniform(8 * 60, 20 * 60, n)
    groups.append(
        (
            hh,
            "other",
            _lognormal(rng, 1.2, 0.7, n),
            np.ones(n),
            np.tile(rate[:, None], (1, 7)),
            out,
            out + rng.uniform(20, 60, n),
        )
    )

    # leisure and visits: two destinations each, twice as likely at weekends
    for purpose in ("leisure", "visit"):
        rate = rng.uniform(0.5, 2.5, n) / 9  # 5 weekdays x 1 + 2 weekend days x 2 = 9
        p_week = rate[:, None] * np.where(_WEEKEND, 2.0, 1.0)[None, :]
        out = rng.uniform(10 * 60, 19 * 60, n)
        pax = np.minimum(persons, rng.integers(1, 4, n))
        groups.append(
            (
                hh,
                purpose,
                _lognormal(rng, 8.0, 1.0, n),
                pax,
                p_week,
                out,
                out + rng.uniform(90, 240, n),
            )
        )

    return groups


def _choose_mode(
    rng: np.random.Generator, km: np.ndarray, has_car: np.ndarray, car_code: np.ndarray
) -> np.ndarray:
    band = np.digitize(km, [2.0, 10.0])
    u = rng.random(len(km))
    mode = np.empty(len(km), dtype=np.int64)
    for (car, b), shares in MODE_BY_DISTANCE.items():
        rows = np.flatnonzero((has_car == car) & (band == b))
        names = list(shares)
        cum = np.cumsum(list(shares.values()))
        pick = np.minimum(np.searchsorted(cum / cum[-1], u[rows], side="right"), len(names) - 1)
        codes = np.array([_MODE_CODE.get(name, -1) for name in names])
        chosen = codes[pick]
        mode[rows] = np.where(np.array(names)[pick] == "car", car_code[rows], chosen)
    return mode


def _add_flights(
    rng: np.random.Generator, traits: pd.DataFrame, days: int, rows: dict[str, np.ndarray]
) -> None:
    n = len(traits)
    count = rng.poisson(FLIGHTS_PER_HOUSEHOLD_YEAR * days / 365.0, n)
    hh = np.repeat(np.arange(n), count)
    k = len(hh)
    kind = rng.choice(len(_FLIGHTS), size=k, p=[f[1] for f in _FLIGHTS])
    low, high = (np.array([f[i] for f in _FLIGHTS]) for i in (2, 3))
    km = rng.uniform(low[kind], high[kind])
    away = np.array([f[4] for f in _FLIGHTS])[kind]
    day = rng.integers(0, days, k).astype(float)
    minute = rng.uniform(6 * 60, 20 * 60, (2, k))
    back = day + away < days
    codes = np.array([_MODE_CODE[f[0]] for f in _FLIGHTS])[kind]
    pax = traits["persons"].to_numpy()[hh]
    extra = {
        "hh": (hh, hh[back]),
        "day": (day, (day + away)[back]),
        "minute": (minute[0], minute[1][back]),
        "km": (km, km[back]),
        "mode": (codes, codes[back]),
        "purpose": (np.full(k, _PURPOSE["holiday"]), np.full(int(back.sum()), _PURPOSE["holiday"])),
        "pax": (pax, pax[back]),
    }
    for key, (outbound, inbound) in extra.items():
        rows[key] = np.concatenate([rows[key], outbound, inbound])


def _to_utc(
    start_date: pd.Timestamp, day: np.ndarray, minute: np.ndarray, tz: np.ndarray
) -> np.ndarray:
    """Local wall-clock (day offset, minutes) in each row's zone -> UTC datetime64[s] (naive).

    A time skipped by a spring clock change moves forward; an ambiguous autumn one is read as
    standard time.
    """
    local = np.datetime64(start_date.date(), "s") + (day * 86400 + np.round(minute) * 60).astype(
        np.int64
    ).astype("timedelta64[s]")
    out = np.empty(len(local), dtype="datetime64[s]")
    for zone in pd.unique(tz):
        rows = tz == zone
        stamps = pd.DatetimeIndex(local[rows]).tz_localize(
            zone, ambiguous=np.zeros(int(rows.sum()), dtype=bool), nonexistent="shift_forward"
        )
        out[rows] = stamps.tz_convert("UTC").tz_localize(None).to_numpy().astype("datetime64[s]")
    return out


def _lognormal(rng: np.random.Generator, median: float, sigma: float, size: int) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(size))


def _start_date(start: str | pd.Timestamp) -> pd.Timestamp:
    stamp = pd.Timestamp(start)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.tz_localize(None).normalize()
