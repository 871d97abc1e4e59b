"""A SIMULATED population of households and how they respond to advice.

No open data set records which energy or travel tips real households accept, so the cold-start
prior of the likelihood model and the offline benchmark use this simulation. Everything below is
an assumption written as code; nothing here is observed behaviour. Real feedback from
:class:`recommender.feedback.FeedbackStore` replaces it as it accumulates
(:func:`recommender.ranking.likelihood.train_likelihood_model`).

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

Behaviour rules (the simulated truth)
-------------------------------------
At each impression a household accepts an action with probability sigmoid(logit), where logit =
``BASE_LOGIT[kind/topic]`` + 0.7 x motivation + 0.45 x log1p(money_per_year / 20)
- 0.45 x (1 + 0.5 x max(time aversion, 0)) x log1p(extra_hours_per_year)
+ 0.8 when a time-of-use household is offered a load shift
+ 0.7 x season (thermostat in Oct-Mar, line-drying and e-bikes in May-Sep; minus outside it)
+ 0.4 x log(annual_kwh / median) for home-efficiency actions
- 1.3 x times this action was dismissed + 0.5 x min(accepted actions of this kind, 2)
- 0.25 x dismissed actions of this kind + 0.2 x min(accepted actions overall, 3).
Travel alternatives also carry a mode-choice estimate (what the travel calculator's model would
say): the journey's part of this rule for an average person, with logit noise of sd 0.5.
If it does not accept it dismisses with probability 0.5 (else ignores the advice); 60 % of
acceptances are followed by a ``done`` event a week later. Accepted actions are not shown again.
The logging policy shows 5 uniformly random eligible actions per round; rounds are 2 months apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from recommender.domain import Action, Household, Savings, Tariff
from recommender.feedback import EVENT_COLUMNS
from recommender.ranking.features import FEATURE_COLUMNS, as_model_input
from recommender.reference import country_intensity
from recommender.resources import data_path

RULES_VERSION = "sim-2024.1"
DESCRIPTION = (
    "SIMULATED households and responses (recommender/ranking/simulate.py); behaviour rules are "
    "assumptions, not observed data"
)
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
CAR_KG_PER_KM = 0.16984
MODES = {  # mode: (kg CO2e per km, cost per km, extra minutes per one-way trip, or per km)
    "rail": (0.03546, 0.15, 15.0, 0.0),
    "bus": (0.10312, 0.10, 20.0, 0.0),
    "ebike": (0.003, 0.02, 0.0, 1.0),
    "carshare": (CAR_KG_PER_KM / 2, 0.10, 5.0, 0.0),
}
SHORT_MODES = {"walk": (0.0, 0.0, 0.0, 9.0), "cycle": (0.0, 0.0, 0.0, 1.0)}
SHORT_TRIPS_PER_YEAR = 2 * 160
CAR_KM_PER_YEAR = 10_000  # all driving of a car-commuting household
EV_KG_PER_KM = 0.05  # battery-electric car on the UK grid (data/reference.md, secondary)
EV_COST_PER_KM = 0.06
LONG_HAUL_KG = 2 * 6000 * 0.20011
CAR_COST_PER_KM = 0.20
FLIGHT_KG = 2 * 1500 * 0.18287
COMMUTE_DAYS = 200
SHOWN_PER_ROUND = 5


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
    n = n_households
    regions = rng.choice(list(REGIONS), size=n, p=[v[0] for v in REGIONS.values()])
    table = country_intensity()
    g_per_kwh = {r: float(table.at[v[1], "g_co2e_per_kwh"]) for r, v in REGIONS.items()}  # type: ignore[arg-type]
    low, high = real_annual_kwh()
    median_kwh = float(np.sqrt(low * high))
    hh = pd.DataFrame(
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
    cycles = {
        "dishwasher": np.where(rng.random(n) < 0.70, rng.uniform(3, 7, n), 0.0),
        "washing_machine": np.where(rng.random(n) < 0.95, rng.uniform(2, 6, n), 0.0),
        "ev_charger": np.where(rng.random(n) < 0.15, rng.uniform(1, 4, n), 0.0),
    }
    cycles["tumble_dryer"] = np.where(rng.random(n) < 0.5, 0.6 * cycles["washing_machine"], 0.0)
    heating = rng.random(n) < 0.15
    commute_km = np.where(rng.random(n) < 0.6, np.clip(rng.lognormal(np.log(12), 0.6, n), 2, 40), 0)
    flies = rng.random(n) < 0.4
    long_haul = rng.random(n) < 0.1
    short_km = np.where(rng.random(n) < 0.5, rng.uniform(1.5, 5, n), 0.0)
    flight_money = rng.uniform(150, 350, n)
    tariff_gain = rng.uniform(0.02, 0.08, n)
    rows: list[dict[str, object]] = []
    for i, (hid, h) in enumerate(hh.iterrows()):
        g, price, cur = h["g_per_kwh"] / 1000.0, h["price_per_kwh"], h["currency"]

        def add(
            action_id: str,
            kind: str,
            topic: str,
            kwh: float,
            kg: float,
            money: float,
            minutes: float,
            conflicts: tuple[str, ...] = (),
            _hid: str = str(hid),
            _cur: str = cur,
        ) -> None:
            rows.append(
                dict(
                    household_id=_hid,
                    action_id=action_id,
                    kind=kind,
                    topic=topic,
                    kwh_per_year=kwh,
                    kg_co2e_per_year=kg,
                    money_per_year=money,
                    extra_minutes_per_year=minutes,
                    currency=_cur,
                    conflicts=conflicts,
                )
            )

        for appliance, per_week in cycles.items():
            if per_week[i] > 0:
                energy = per_week[i] * 52 * KWH_PER_CYCLE[appliance]
                money = energy * TOU_SPREAD_PER_KWH if h["tariff_type"] == "tou" else 0.0
                conflicts = ("line-dry",) if appliance == "tumble_dryer" else ()
                add(
                    f"shift-{appliance}",
                    "shift_appliance",
                    appliance,
                    0.0,
                    energy * g * SHIFT_CARBON_SHARE,
                    money,
                    per_week[i] * 52 * 1.0,
                    conflicts,
                )
        standby = h["annual_kwh"] * 0.125 / 3
        add("standby", "home_efficiency", "standby", standby, standby * g, standby * price, 60.0)
        if cycles["washing_machine"][i] > 0:
            kwh = cycles["washing_machine"][i] * 52 * 1.0 * 0.38
            add("wash-30", "home_efficiency", "wash_30", kwh, kwh * g, kwh * price, 0.0)
        if cycles["tumble_dryer"][i] > 0:
            dried = cycles["tumble_dryer"][i] * 52 * 0.7
            kwh = dried * KWH_PER_CYCLE["tumble_dryer"]
            add(
                "line-dry",
                "home_efficiency",
                "line_dry",
                kwh,
                kwh * g,
                kwh * price,
                dried * 10.0,
                ("shift-tumble_dryer",),
            )
        if heating[i]:
            kwh = h["annual_kwh"] * 0.45 * 0.10
            add("thermostat-1c", "home_efficiency", "thermostat", kwh, kwh * g, kwh * price, 0.0)
        if h["tariff_type"] == "flat":
            add(
                "tariff-tou",
                "tariff_switch",
                "time_of_use",
                0.0,
                0.0,
                h["annual_kwh"] * price * tariff_gain[i],
                30.0,
            )
        if commute_km[i] > 0:
            trips = 2 * COMMUTE_DAYS
            km = trips * commute_km[i]
            ids = [f"commute-{m}" for m in MODES if m != "ebike" or commute_km[i] <= 15]
            for mode, (kg_km, cost_km, minutes, per_km) in MODES.items():
                if f"commute-{mode}" in ids:
                    add(
                        f"commute-{mode}",
                        "travel_mode",
                        mode,
                        0.0,
                        km * (CAR_KG_PER_KM - kg_km),
                        km * (CAR_COST_PER_KM - cost_km),
                        trips * (minutes + per_km * commute_km[i]),
                        tuple(x for x in ids if x != f"commute-{mode}"),
                    )
            add(
                "electric-car",
                "travel_mode",
                "electric_car",
                0.0,
                CAR_KM_PER_YEAR * (CAR_KG_PER_KM - EV_KG_PER_KM),
                CAR_KM_PER_YEAR * (CAR_COST_PER_KM - EV_COST_PER_KM),
                600.0,
            )
        if short_km[i] > 0:
            km = SHORT_TRIPS_PER_YEAR * short_km[i]
            for mode, (_, _, minutes, per_km) in SHORT_MODES.items():
                other = tuple(f"short-{m}" for m in SHORT_MODES if m != mode)
                add(
                    f"short-{mode}",
                    "travel_mode",
                    mode,
                    0.0,
                    km * CAR_KG_PER_KM,
                    km * CAR_COST_PER_KM,
                    km * per_km + SHORT_TRIPS_PER_YEAR * minutes,
                    other,
                )
        if flies[i]:
            add(
                "fewer-flights", "fewer_flights", "short_haul", 0.0, FLIGHT_KG, flight_money[i], 0.0
            )
        if long_haul[i]:
            add(
                "fewer-long-haul",
                "fewer_flights",
                "long_haul",
                0.0,
                LONG_HAUL_KG,
                3 * flight_money[i],
                0.0,
            )
    candidates = pd.DataFrame(rows)
    candidates["calculator_likelihood"] = _mode_choice_estimate(candidates, hh, rng)
    return Population(households=hh, candidates=candidates, random_state=random_state)


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


def _month(start_month: np.ndarray | pd.Series, round_no: int) -> np.ndarray:
    return (np.asarray(start_month) - 1 + 2 * round_no) % 12 + 1


def true_logit(features: pd.DataFrame, traits: pd.DataFrame) -> np.ndarray:
    """The simulated behaviour rule (module docstring): logit of adoption for each feature row.

    ``traits`` has ``motivation`` and ``time_aversion`` aligned with ``features``' rows.
    """
    kind, topic = features["kind"].astype(str), features["topic"].astype(str)
    key = kind + "/" + topic
    base = key.map(BASE_LOGIT).fillna(-1.0).to_numpy(float)
    month = features["month"].to_numpy(float)
    winter = np.isin(month, [10, 11, 12, 1, 2, 3])
    summer = np.isin(month, [5, 6, 7, 8, 9])
    season = np.select(
        [topic.eq("thermostat"), topic.isin(["line_dry", "ebike"])],
        [np.where(winter, 1.0, -1.0), np.where(summer, 1.0, -1.0)],
        0.0,
    )
    low, high = real_annual_kwh()
    efficiency = kind.eq("home_efficiency").to_numpy()
    aversion = 1 + 0.5 * np.maximum(traits["time_aversion"].to_numpy(float), 0)
    return (
        base
        + 0.7 * traits["motivation"].to_numpy(float)
        + 0.45 * np.log1p(np.maximum(features["money_per_year"].to_numpy(float), 0) / 20)
        - 0.45
        * aversion
        * np.log1p(np.maximum(features["extra_hours_per_year"].to_numpy(float), 0))
        + 0.8
        * ((features["tariff_type"].astype(str) == "tou") & kind.eq("shift_appliance")).to_numpy(
            float
        )
        + 0.7 * season
        + 0.4 * efficiency * np.log(features["annual_kwh"].to_numpy(float) / np.sqrt(low * high))
        - 1.3 * features["action_dismissed"].to_numpy(float)
        + 0.5 * np.minimum(features["kind_accepted"].to_numpy(float), 2)
        - 0.25 * features["kind_dismissed"].to_numpy(float)
        + 0.2 * np.minimum(features["household_accepted"].to_numpy(float), 3)
    )


def true_probability(features: pd.DataFrame, traits: pd.DataFrame) -> np.ndarray:
    """Simulated adoption probability, ``sigmoid(true_logit)``."""
    return 1.0 / (1.0 + np.exp(-true_logit(features, traits)))


def candidate_features(population: Population, state: pd.DataFrame, round_no: int) -> pd.DataFrame:
    """Model features of every candidate at the start of ``round_no``, given the counters in
    ``state`` (columns shown, accepted, dismissed, done, status aligned with the candidates)."""
    cand, hh = population.candidates, population.households
    h = hh.loc[cand["household_id"]].reset_index(drop=True)
    accepted = state["accepted"] + state["done"]
    by_kind = [cand["household_id"], cand["kind"]]
    eligible = ~state["status"].isin(["accepted", "done"])
    frame = pd.DataFrame(
        {
            "kind": cand["kind"],
            "topic": cand["topic"],
            "region": h["region"],
            "tariff_type": h["tariff_type"],
            "annual_kwh": h["annual_kwh"],
            "household_accepted": accepted.groupby(cand["household_id"]).transform("sum"),
            "household_dismissed": state["dismissed"]
            .groupby(cand["household_id"])
            .transform("sum"),
            "kg_co2e_per_year": cand["kg_co2e_per_year"],
            "money_per_year": cand["money_per_year"],
            "kwh_per_year": cand["kwh_per_year"],
            "extra_hours_per_year": cand["extra_minutes_per_year"] / 60.0,
            "calculator_likelihood": cand["calculator_likelihood"],
            "action_shown": state["shown"],
            "action_accepted": accepted,
            "action_dismissed": state["dismissed"],
            "kind_accepted": accepted.groupby(by_kind).transform("sum"),
            "kind_dismissed": state["dismissed"].groupby(by_kind).transform("sum"),
            "n_candidates": eligible.groupby(cand["household_id"]).transform("sum"),
            "month": _month(h["start_month"], round_no),
        }
    )
    return as_model_input(frame)


def traits_of(population: Population) -> pd.DataFrame:
    """Hidden traits aligned with the candidate rows."""
    hh = population.households
    return hh.loc[
        population.candidates["household_id"], ["motivation", "time_aversion"]
    ].reset_index(drop=True)


def initial_state(population: Population) -> pd.DataFrame:
    n = len(population.candidates)
    state = pd.DataFrame(
        {c: np.zeros(n, dtype="int64") for c in ("shown", "accepted", "dismissed", "done")}
    )
    state["status"] = "new"
    return state


def simulate_feedback(
    population: Population,
    rounds: int = 3,
    random_state: int = 0,
    state: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Replay ``rounds`` of random advice to the population; returns feedback events (columns of
    ``FeedbackStore.events()``, shown events with their feature snapshot). ``state``, if given,
    is updated in place with the counters (for continuing the replay)."""
    rng = np.random.default_rng([random_state, 7])
    cand = population.candidates
    state = initial_state(population) if state is None else state
    traits = traits_of(population)
    start = pd.Timestamp("2024-01-01T08:00", tz="UTC")
    frames = []
    for r in range(rounds):
        features = candidate_features(population, state, r)
        eligible = ~state["status"].isin(["accepted", "done"])
        key = pd.Series(np.where(eligible, rng.random(len(cand)), np.inf))
        order = key.groupby(cand["household_id"]).rank(method="first")
        shown = (eligible & (order <= SHOWN_PER_ROUND)).to_numpy()
        p = true_probability(features, traits)
        u = rng.random(len(cand))
        accept = shown & (u < p)
        dismiss = shown & ~accept & (rng.random(len(cand)) < 0.5)
        done = accept & (rng.random(len(cand)) < 0.6)
        when = start + pd.Timedelta(days=61 * r)
        contexts = features[shown].astype(object).where(features[shown].notna(), None)
        records = [
            _events(cand[shown], "shown", when, contexts.to_dict("records")),
            _events(cand[accept], "accepted", when + pd.Timedelta(hours=1)),
            _events(cand[dismiss], "dismissed", when + pd.Timedelta(hours=1)),
            _events(cand[done], "done", when + pd.Timedelta(days=7)),
        ]
        frames.extend(records)
        state["shown"] += shown
        state["accepted"] += accept
        state["dismissed"] += dismiss
        state["done"] += done
        state.loc[dismiss, "status"] = "dismissed"
        state.loc[accept, "status"] = "accepted"
        state.loc[done, "status"] = "done"
    events = pd.concat(frames, ignore_index=True)
    return events.sort_values(
        ["timestamp", "household_id", "action_id"], kind="stable", ignore_index=True
    )


def _events(
    rows: pd.DataFrame,
    event_type: str,
    when: pd.Timestamp,
    contexts: list[dict[Any, Any]] | None = None,
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": (
                rows["household_id"]
                + "/"
                + rows["action_id"]
                + f"/{event_type}/"
                + when.isoformat()
            ).to_numpy(),
            "household_id": rows["household_id"].to_numpy(),
            "action_id": rows["action_id"].to_numpy(),
            "action_kind": rows["kind"].to_numpy(),
            "event_type": event_type,
            "timestamp": pd.Series([when] * len(rows), dtype="datetime64[us, UTC]"),
            "context": pd.Series(
                contexts if contexts is not None else [None] * len(rows), dtype=object
            ),
        },
        columns=list(EVENT_COLUMNS),
    )


def to_domain(
    population: Population, household_id: str, round_no: int
) -> tuple[Household, list[Action]]:
    """A simulated household as domain objects, for ranking through the public API: daily
    readings for the 28 days before round ``round_no`` (flat at its annual use / 365.25)."""
    h = population.households.loc[household_id]
    region = str(h["region"])
    tz = REGIONS[region][4]
    month = int(_month(np.array([h["start_month"]]), round_no)[0])
    end = pd.Timestamp(year=2024, month=month, day=28, tz=tz).normalize()
    index = pd.date_range(end=end, periods=28, freq="D").tz_convert("UTC")
    readings = pd.Series(h["annual_kwh"] / 365.25, index=index, name="kwh")
    tariff = Tariff(
        type=str(h["tariff_type"]),
        currency=str(h["currency"]),
        price_per_kwh=float(h["price_per_kwh"]),  # type: ignore[arg-type]
    )
    household = Household(
        household_id=household_id,
        region=region,
        timezone=tz,
        tariff=tariff,
        readings_kwh=readings,
        reading_interval_minutes=1440,
    )
    rows = population.candidates[population.candidates["household_id"] == household_id]
    actions = [_action(row) for row in rows.itertuples(index=False)]
    return household, actions


def _action(row: object) -> Action:
    get = row.__getattribute__
    kg, money, kwh = get("kg_co2e_per_year"), get("money_per_year"), get("kwh_per_year")
    savings = Savings(
        kwh_per_year=kwh,
        kg_co2e_per_year=kg,
        money_per_year=money,
        currency=get("currency"),
        kwh_per_year_p10=0.7 * kwh,
        kwh_per_year_p90=1.3 * kwh,
        kg_co2e_per_year_p10=0.7 * kg,
        kg_co2e_per_year_p90=1.3 * kg,
        money_per_year_p10=0.7 * money,
        money_per_year_p90=1.3 * money,
        extra_minutes_per_year=get("extra_minutes_per_year"),
    )
    p = get("calculator_likelihood")
    source = {} if pd.isna(p) else {"likelihood_source": "simulated mode-choice estimate"}
    return Action(
        id=get("action_id"),
        likelihood=0.5 if pd.isna(p) else float(p),
        kind=get("kind"),
        title=f"Simulated: {get('action_id')}",
        savings=savings,
        explanation="Simulated action.",
        conflicts_with=tuple(get("conflicts")),
        details={"topic": get("topic"), **source},
    )


__all__ = [
    "DESCRIPTION",
    "FEATURE_COLUMNS",
    "Population",
    "simulate_feedback",
    "simulate_population",
    "to_domain",
    "true_probability",
]
