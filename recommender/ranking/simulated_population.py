"""The SIMULATED households and their candidate actions (the behaviour is in ``simulate``).

No open data set records which energy or travel tips real households accept; every figure below
is an assumption written as code, except the factors read from ``data/factors/transport.csv``
and the grid intensities and meters read from ``data/``.

Households (assumptions)
------------------------
- Region GB 70 %, FR 15 %, DE 15 %; grid intensity from ``data/grid/country_carbon_intensity.csv``
  (real). Electricity price assumed 0.245 GBP/kWh (GB, the docs/product.md example), 0.25 EUR (FR),
  0.40 EUR (DE), typical 2024 retail prices; money is in the region's currency.
- Annual electricity: log-normal, median the geometric mean of the two bundled real UK meters'
  yearly use (``data/meters``, ~1,400 and ~4,300 kWh/yr), log-sd half their log-distance.
- Tariff: flat 75 %, time-of-use 25 %. Appliances: dishwasher 70 % (3-7 cycles/week), washing
  machine 95 % (2-6), tumble dryer 50 % (0.6 of the washes), EV charger 15 % (1-4 sessions/week),
  electric heating 15 %. A car commute 60 % (one way log-normal, median 12 km, 2-40 km, 200 days a
  year), at least one short-haul return flight a year 40 %, a long-haul one 10 %; a short regular
  car trip (school run, shopping; 1.5-5 km, 160 return trips a year) 50 %.
- Hidden traits the model never sees: green motivation and time aversion, standard normal.

Candidate actions and their savings
-----------------------------------
Per-use energy and emission factors are from data/reference.md (dishwasher 1.1 kWh, wash 1.0,
tumble dryer 4.5, EV session 20 kWh; 30 °C wash 38 % less; cars 0.16984, rail 0.03546, bus 0.10312
kg CO2e/km, e-bike 0.003; short-haul flight 0.18287 kg CO2e/passenger-km over a 2 x 1,500 km
return). Load shifting saves 28.5 % of the shifted energy's emissions (GB 2023: best 3 h window of
the day vs its mean, data/reference.md, applied to every region as an approximation) and, on a
time-of-use tariff, an assumed 0.12 per kWh. Standby: a third of an always-on load of 12.5 % of
annual use. Thermostat -1 °C: 10 % of a heating share of 45 %. Line-drying 70 % of dryer cycles at
10 minutes each. Car running cost 0.20/km; rail 0.15/km, bus 0.10/km, e-bike 0.02/km, car-share
0.10/km (half the car's emissions); extra time per trip rail 15 min, bus 20 min, car-share 5 min,
e-bike 1 min per km; walking 9 and cycling 1 extra min per km of a short trip. Switching to an
electric car: 10,000 km a year at 0.05 instead of 0.16984 kg CO2e/km and 0.06 instead of 0.20 per
km, 10 hours of effort. A long-haul return flight: 2 x 6,000 km at 0.20011 kg CO2e/km. Commute
alternatives conflict with each other, so do walk and cycle for the short trip, and line-drying
with shifting the tumble dryer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from recommender.actions.travel.catalogue import factor
from recommender.reference import country_intensity
from recommender.resources import data_path

REGIONS = {  # region: (share, iso3, currency, assumed price per kWh, timezone)
    "GB": (0.70, "GBR", "GBP", 0.245, "Europe/London"),
    "FR": (0.15, "FRA", "EUR", 0.25, "Europe/Paris"),
    "DE": (0.15, "DEU", "EUR", 0.40, "Europe/Berlin"),
}
BASE_LOGIT = {
    "shift_appliance/dishwasher": 0.0,
    "shift_appliance/washing_machine": -0.2,
    "shift_appliance/tumble_dryer": -0.4,
    "shift_appliance/ev_charger": 0.6,
    "home_efficiency/standby": -0.3,
    "home_efficiency/wash_30": 0.3,
    "home_efficiency/line_dry": -0.8,
    "home_efficiency/thermostat": -0.6,
    "tariff_switch/time_of_use": -1.2,
    "travel_mode/rail": -1.4,
    "travel_mode/bus": -1.8,
    "travel_mode/ebike": -1.6,
    "travel_mode/carshare": -1.5,
    "travel_mode/electric_car": -4.5,
    "travel_mode/walk": -0.8,
    "travel_mode/cycle": -1.0,
    "fewer_flights/short_haul": -3.0,
    "fewer_flights/long_haul": -3.5,
}
KWH_PER_CYCLE = {"dishwasher": 1.1, "washing_machine": 1.0, "tumble_dryer": 4.5, "ev_charger": 20.0}
SHIFT_CARBON_SHARE = 0.285  # GB 2023 best 3 h window vs daily mean (data/reference.md, checked)
TOU_SPREAD_PER_KWH = 0.12
# mode: (cost per km, extra minutes per one-way trip, extra minutes per km); kg CO2e/km from
# data/factors/transport.csv (:func:`kg_per_km`)
MODES = {
    "rail": (0.15, 15.0, 0.0),
    "bus": (0.10, 20.0, 0.0),
    "ebike": (0.02, 0.0, 1.0),
    "carshare": (0.10, 5.0, 0.0),
}
SHORT_MODES = {"walk": (0.0, 0.0, 9.0), "cycle": (0.0, 0.0, 1.0)}
SHORT_TRIPS_PER_YEAR = 2 * 160
CAR_KM_PER_YEAR = 10_000  # all driving of a car-commuting household
EV_COST_PER_KM = 0.06
CAR_COST_PER_KM = 0.20
SHORT_HAUL_RETURN_KM = 2 * 1500
LONG_HAUL_RETURN_KM = 2 * 6000
COMMUTE_DAYS = 200
SHOWN_PER_ROUND = 5


@cache
def kg_per_km(mode: str) -> float:
    """kg CO2e per km from the transport factor table: per vehicle-km for the car (the commuter
    drives alone), per passenger-km otherwise; the car share halves the car's figure."""
    if mode == "carshare":
        return kg_per_km("car_petrol") / 2
    return factor("emission_factor", mode).value


@cache
def real_annual_kwh() -> tuple[float, ...]:
    """Yearly kWh of the bundled real UK meters (sum of readings over their span)."""
    out = []
    for name in ("meters/uk-electricity-sample-0.csv.gz", "meters/uk-electricity-sample-1.csv.gz"):
        frame = pd.read_csv(data_path(name))
        start = pd.to_datetime(frame["start"], utc=True)
        frame = frame.assign(start=start).drop_duplicates("start")
        days = (frame["start"].max() - frame["start"].min()) / pd.Timedelta(days=1)
        out.append(float(frame["value"].sum() / days * 365.25))
    return tuple(out)


@dataclass(frozen=True)
class Population:
    """Simulated households (one row each, with hidden traits) and their candidate actions."""

    households: pd.DataFrame  # index household_id
    candidates: pd.DataFrame  # one row per (household, action)
    random_state: int


def simulate_population(n_households: int, random_state: int = 0) -> Population:
    """Draw ``n_households`` simulated households and their candidate actions (module docstring)."""
    rng = np.random.default_rng(random_state)
    hh = _draw_households(rng, n_households, random_state)
    habits = _draw_habits(rng, n_households)
    rows: list[dict[str, object]] = []
    for i, (hid, h) in enumerate(hh.iterrows()):
        mine = {name: values[i] for name, values in habits.items()}
        for row in [*_home_candidates(h, mine), *_travel_candidates(mine)]:
            rows.append({"household_id": str(hid), "currency": h["currency"], **row})
    candidates = pd.DataFrame(rows).loc[:, list(CANDIDATE_COLUMNS)]
    candidates["calculator_likelihood"] = _mode_choice_estimate(candidates, hh, rng)
    return Population(households=hh, candidates=candidates, random_state=random_state)


CANDIDATE_COLUMNS = (
    "household_id",
    "action_id",
    "kind",
    "topic",
    "kwh_per_year",
    "kg_co2e_per_year",
    "money_per_year",
    "extra_minutes_per_year",
    "currency",
    "conflicts",
)


def _draw_households(rng: np.random.Generator, n: int, random_state: int) -> pd.DataFrame:
    regions = rng.choice(list(REGIONS), size=n, p=[v[0] for v in REGIONS.values()])
    table = country_intensity()
    g_per_kwh = {r: float(table.at[v[1], "g_co2e_per_kwh"]) for r, v in REGIONS.items()}  # type: ignore[arg-type]
    low, high = real_annual_kwh()
    median_kwh = float(np.sqrt(low * high))
    return pd.DataFrame(
        {
            "household_id": [f"sim-{random_state}-{i:05d}" for i in range(n)],
            "region": regions,
            "tariff_type": np.where(rng.random(n) < 0.25, "tou", "flat"),
            "annual_kwh": median_kwh * np.exp(rng.normal(0, np.log(high / low) / 2, n)),
            "start_month": rng.integers(1, 13, n),
            "g_per_kwh": [g_per_kwh[r] for r in regions],
            "price_per_kwh": [REGIONS[r][3] for r in regions],
            "currency": [REGIONS[r][2] for r in regions],
            "motivation": rng.normal(size=n),
            "time_aversion": rng.normal(size=n),
        }
    ).set_index("household_id")


def _draw_habits(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Appliances, heating, travel and price draws, in a fixed order (the seed's contract)."""
    habits = {
        "dishwasher": np.where(rng.random(n) < 0.70, rng.uniform(3, 7, n), 0.0),
        "washing_machine": np.where(rng.random(n) < 0.95, rng.uniform(2, 6, n), 0.0),
        "ev_charger": np.where(rng.random(n) < 0.15, rng.uniform(1, 4, n), 0.0),
    }
    habits["tumble_dryer"] = np.where(rng.random(n) < 0.5, 0.6 * habits["washing_machine"], 0.0)
    habits["heating"] = rng.random(n) < 0.15
    habits["commute_km"] = np.where(
        rng.random(n) < 0.6, np.clip(rng.lognormal(np.log(12), 0.6, n), 2, 40), 0
    )
    habits["flies"] = rng.random(n) < 0.4
    habits["long_haul"] = rng.random(n) < 0.1
    habits["short_km"] = np.where(rng.random(n) < 0.5, rng.uniform(1.5, 5, n), 0.0)
    habits["flight_money"] = rng.uniform(150, 350, n)
    habits["tariff_gain"] = rng.uniform(0.02, 0.08, n)
    return habits


def _candidate(
    action_id: str,
    kind: str,
    topic: str,
    kwh: float,
    kg: float,
    money: float,
    minutes: float,
    conflicts: tuple[str, ...] = (),
) -> dict[str, object]:
    return {
        "action_id": action_id,
        "kind": kind,
        "topic": topic,
        "kwh_per_year": kwh,
        "kg_co2e_per_year": kg,
        "money_per_year": money,
        "extra_minutes_per_year": minutes,
        "conflicts": conflicts,
    }


def _home_candidates(h: pd.Series, mine: dict[str, object]) -> list[dict[str, object]]:
    g, price = h["g_per_kwh"] / 1000.0, h["price_per_kwh"]
    out = []
    for appliance in ("dishwasher", "washing_machine", "ev_charger", "tumble_dryer"):
        per_week = float(mine[appliance])  # type: ignore[arg-type]
        if per_week > 0:
            energy = per_week * 52 * KWH_PER_CYCLE[appliance]
            money = energy * TOU_SPREAD_PER_KWH if h["tariff_type"] == "tou" else 0.0
            conflicts = ("line-dry",) if appliance == "tumble_dryer" else ()
            out.append(
                _candidate(
                    f"shift-{appliance}",
                    "shift_appliance",
                    appliance,
                    0.0,
                    energy * g * SHIFT_CARBON_SHARE,
                    money,
                    per_week * 52 * 1.0,
                    conflicts,
                )
            )
    standby = h["annual_kwh"] * 0.125 / 3
    out.append(
        _candidate(
            "standby", "home_efficiency", "standby", standby, standby * g, standby * price, 60.0
        )
    )
    washes = float(mine["washing_machine"])  # type: ignore[arg-type]
    if washes > 0:
        kwh = washes * 52 * 1.0 * 0.38
        out.append(
            _candidate("wash-30", "home_efficiency", "wash_30", kwh, kwh * g, kwh * price, 0)
        )
    dries = float(mine["tumble_dryer"])  # type: ignore[arg-type]
    if dries > 0:
        dried = dries * 52 * 0.7
        kwh = dried * KWH_PER_CYCLE["tumble_dryer"]
        out.append(
            _candidate(
                "line-dry",
                "home_efficiency",
                "line_dry",
                kwh,
                kwh * g,
                kwh * price,
                dried * 10.0,
                ("shift-tumble_dryer",),
            )
        )
    if mine["heating"]:
        kwh = h["annual_kwh"] * 0.45 * 0.10
        out.append(
            _candidate(
                "thermostat-1c", "home_efficiency", "thermostat", kwh, kwh * g, kwh * price, 0
            )
        )
    if h["tariff_type"] == "flat":
        gain = h["annual_kwh"] * price * float(mine["tariff_gain"])  # type: ignore[arg-type]
        out.append(_candidate("tariff-tou", "tariff_switch", "time_of_use", 0, 0, gain, 30.0))
    return out


def _travel_candidates(mine: dict[str, object]) -> list[dict[str, object]]:
    commute_km = float(mine["commute_km"])  # type: ignore[arg-type]
    short_km = float(mine["short_km"])  # type: ignore[arg-type]
    flight_money = float(mine["flight_money"])  # type: ignore[arg-type]
    car_kg = kg_per_km("car_petrol")
    out = []
    if commute_km > 0:
        trips = 2 * COMMUTE_DAYS
        km = trips * commute_km
        ids = [f"commute-{m}" for m in MODES if m != "ebike" or commute_km <= 15]
        for mode, (cost_km, minutes, per_km) in MODES.items():
            if f"commute-{mode}" in ids:
                out.append(
                    _candidate(
                        f"commute-{mode}",
                        "travel_mode",
                        mode,
                        0.0,
                        km * (car_kg - kg_per_km(mode)),
                        km * (CAR_COST_PER_KM - cost_km),
                        trips * (minutes + per_km * commute_km),
                        tuple(x for x in ids if x != f"commute-{mode}"),
                    )
                )
        out.append(
            _candidate(
                "electric-car",
                "travel_mode",
                "electric_car",
                0.0,
                CAR_KM_PER_YEAR * (car_kg - kg_per_km("car_electric")),
                CAR_KM_PER_YEAR * (CAR_COST_PER_KM - EV_COST_PER_KM),
                600.0,
            )
        )
    if short_km > 0:
        km = SHORT_TRIPS_PER_YEAR * short_km
        for mode, (_, minutes, per_km) in SHORT_MODES.items():
            other = tuple(f"short-{m}" for m in SHORT_MODES if m != mode)
            minutes_per_year = km * per_km + SHORT_TRIPS_PER_YEAR * minutes
            out.append(
                _candidate(
                    f"short-{mode}",
                    "travel_mode",
                    mode,
                    0.0,
                    km * car_kg,
                    km * CAR_COST_PER_KM,
                    minutes_per_year,
                    other,
                )
            )
    if mine["flies"]:
        kg = SHORT_HAUL_RETURN_KM * kg_per_km("flight_short_haul")
        out.append(
            _candidate("fewer-flights", "fewer_flights", "short_haul", 0, kg, flight_money, 0)
        )
    if mine["long_haul"]:
        kg = LONG_HAUL_RETURN_KM * kg_per_km("flight_long_haul")
        out.append(
            _candidate("fewer-long-haul", "fewer_flights", "long_haul", 0, kg, 3 * flight_money, 0)
        )
    return out


def _mode_choice_estimate(
    cand: pd.DataFrame, hh: pd.DataFrame, rng: np.random.Generator
) -> np.ndarray:
    """What a mode-choice model would say for each travel alternative (NaN for other actions):
    the journey's part of the behaviour rule (base, money, effort for an average person) read
    with logit noise of sd 0.5; it knows the journey, not the person's motivation or history."""
    topic_key = cand["kind"] + "/" + cand["topic"]
    logit = (
        topic_key.map(BASE_LOGIT).fillna(-1.0).to_numpy(float)
        + 0.45 * np.log1p(np.maximum(cand["money_per_year"].to_numpy(float), 0) / 20)
        - 0.45 * np.log1p(cand["extra_minutes_per_year"].to_numpy(float) / 60)
        + rng.normal(0, 0.5, len(cand))
    )
    travel = cand["kind"].eq("travel_mode").to_numpy()
    return np.where(travel, 1 / (1 + np.exp(-logit)), np.nan)
