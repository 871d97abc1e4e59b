"""Personal fit: how likely this household is to take an alternative for this kind of journey.

The model is a scikit-learn ``Pipeline`` (one-hot + scaling, then ``LogisticRegression``) over one
row per (journey, alternative): the journey (distance, purpose, peak time, current mode, people),
the alternative (mode, extra minutes and money per trip against today) and the household's own
travel habits read from its own trips (car owner or not, share of its trips by public transport
and by active modes). The population part is learned from data; the household part enters through
those habit features, so a household that already takes the bus sometimes gets a higher bus
likelihood than one that never does.

SIMULATED cold start. No open travel-diary data exists (data/README.md), so
:func:`train_mode_choice` learns from a SIMULATED population. Its behaviour rules, all assumptions
chosen to be plausible, not measured:

- journeys: purpose commute 35 %, school 15 %, shopping 20 %, leisure 20 %, business 5 %, other 5 %;
  one-way road km log-normal with median commute 10, school 2.5, shopping 4, leisure 8,
  business 30, other 6 (log sd 0.6-0.9), clipped to 0.5-300 km; commutes and school runs leave at
  peak time 85 % of the time, others 30 %; 1 person (70 %), 2 (20 %), 3 (10 %), school runs >= 2;
- households: 3 in 4 own a car (then the journey is by petrol 60 %, diesel 30 %, hybrid 10 %),
  otherwise by bus, rail, walk or cycle; share of trips by public transport ~ Beta(1, 6), by
  active modes ~ Beta(1, 5);
- each alternative allowed by the distance rules of data/factors/transport.csv is taken with
  probability sigmoid(U), U = ASC(mode) - 0.06 x extra minutes - 0.35 x extra GBP per trip
  (a value of time of about 10 GBP/h) + 2.5 x public-transport share (public-transport modes)
  + 2.5 x active share (active modes) - 0.5 x log km (active modes) - 0.8 (car owners, any
  mode but a lift share or an electric car) + 0.4 at peak (rail) - 0.4 per extra person
  (active modes) + 0.6 (school run on foot) + 0.3 (commute by rail);
  ASC: walk 0.5, cycle -0.8, e-bike -1.2, bus -0.8, coach -1.0, rail -0.2, bike + train -1.5,
  tram -0.2, underground 0.0, lift share -1.2, electric car -2.5.

The model does not see U or the rules; it sees the rows and the simulated choices. It can be
refitted on real accepted/declined alternatives with the same columns (:data:`CHOICE_COLUMNS`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from recommender.actions.travel import catalogue
from recommender.actions.travel.alternatives import GROUND_ALTERNATIVES
from recommender.actions.travel.figures import Values, per_trip

PT_MODES: tuple[str, ...] = ("bus", "coach", "rail", "cycle_rail", "tram", "underground")
ACTIVE_MODES: tuple[str, ...] = ("walk", "cycle", "ebike", "escooter")
CATEGORICAL: tuple[str, ...] = ("alternative", "purpose", "current_group")
NUMERIC: tuple[str, ...] = (
    "log_km",
    "extra_minutes",
    "cost_diff",
    "peak",
    "passengers",
    "car_owner",
    "pt_share",
    "active_share",
    "pt_share_x_pt",
    "active_share_x_active",
    "log_km_x_active",
    "car_owner_x_switch",
    "peak_x_rail",
    "extra_people_x_active",
)
CHOICE_COLUMNS: tuple[str, ...] = (*CATEGORICAL, *NUMERIC)
_ASC = {
    "walk": 0.5,
    "cycle": -0.8,
    "ebike": -1.2,
    "bus": -0.8,
    "coach": -1.0,
    "rail": -0.2,
    "cycle_rail": -1.5,
    "tram": -0.2,
    "underground": 0.0,
    "car_share": -1.2,
    "car_electric": -2.5,
}
_PURPOSES = ("commute", "school", "shopping", "leisure", "business", "other")
_PURPOSE_P = (0.35, 0.15, 0.20, 0.20, 0.05, 0.05)
_MEDIAN_KM = {"commute": 10, "school": 2.5, "shopping": 4, "leisure": 8, "business": 30, "other": 6}
_LOG_SD = {
    "commute": 0.8,
    "school": 0.6,
    "shopping": 0.7,
    "leisure": 0.9,
    "business": 0.8,
    "other": 0.9,
}


def current_group(mode: str) -> str:
    """car | public_transport | active | other."""
    if mode in catalogue.CAR_MODES or mode in ("taxi", "motorbike"):
        return "car"
    if mode in PT_MODES:
        return "public_transport"
    return "active" if mode in ACTIVE_MODES else "other"


def is_peak(hours: np.ndarray) -> np.ndarray:
    """Local departure hour in 07:00-09:30 or 16:00-18:30."""
    h = np.asarray(hours, dtype=float)
    return ((h >= 7) & (h < 9.5)) | ((h >= 16) & (h < 18.5))


def choice_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the derived columns to rows with ``alternative, purpose, current_mode, road_km,
    extra_minutes, cost_diff, peak, passengers, car_owner, pt_share, active_share``."""
    return pd.DataFrame(choice_columns({c: frame[c] for c in frame.columns}), index=frame.index)


def choice_columns(rows: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """:data:`CHOICE_COLUMNS` as numpy columns from the row columns :func:`choice_features` takes
    (a table, or a dict of sequences: no DataFrame in the hot path)."""
    alt = np.array([str(a) for a in rows["alternative"]], dtype=object)
    current = list(rows["current_mode"])
    groups = {m: current_group(m) for m in set(current)}
    out: dict[str, Any] = {
        "alternative": alt,
        "purpose": np.array([str(p) for p in rows["purpose"]], dtype=object),
        "current_group": np.array([groups[m] for m in current], dtype=object),
        "log_km": np.log(np.asarray(rows["road_km"], dtype=float)),
    }
    is_pt = np.isin(alt, PT_MODES).astype(float)
    is_active = np.isin(alt, ACTIVE_MODES).astype(float)
    for col in (
        "extra_minutes",
        "cost_diff",
        "peak",
        "passengers",
        "car_owner",
        "pt_share",
        "active_share",
    ):
        out[col] = np.asarray(rows[col], dtype=float)
    out["pt_share_x_pt"] = out["pt_share"] * is_pt
    out["active_share_x_active"] = out["active_share"] * is_active
    out["log_km_x_active"] = out["log_km"] * is_active
    switch = ~np.isin(alt, ("car_share", "car_electric"))
    out["car_owner_x_switch"] = out["car_owner"] * switch.astype(float)
    out["peak_x_rail"] = out["peak"] * np.isin(alt, ("rail", "cycle_rail")).astype(float)
    out["extra_people_x_active"] = (out["passengers"] - 1.0) * is_active
    return {c: out[c] for c in CHOICE_COLUMNS}


def simulated_utility(features: pd.DataFrame) -> np.ndarray:
    """The SIMULATED population's utility of taking the alternative (rules: module docstring)."""
    f = {c: features[c].to_numpy(dtype=float) for c in NUMERIC}
    alt, purpose = features["alternative"].to_numpy(), features["purpose"].to_numpy()
    u = np.array([_ASC[a] for a in alt], dtype=float)
    u += -0.06 * f["extra_minutes"] - 0.35 * f["cost_diff"]
    u += 2.5 * f["pt_share_x_pt"] + 2.5 * f["active_share_x_active"]
    u += -0.5 * f["log_km_x_active"] - 0.8 * f["car_owner_x_switch"]
    u += 0.4 * f["peak_x_rail"] - 0.4 * f["extra_people_x_active"]
    u += 0.6 * ((purpose == "school") & (alt == "walk")) + 0.3 * (
        (purpose == "commute") & (alt == "rail")
    )
    return np.asarray(u, dtype=float)


def _journey_figures(
    mode: str, road_km: np.ndarray, passengers: np.ndarray, car_mode: str
) -> tuple:
    """Route km, door-to-door minutes and money per trip, central values, vectorised."""
    if mode == "car_electric":
        route_km = road_km
        minutes = catalogue.door_to_door_minutes("car_petrol", route_km)
    elif mode == "cycle_rail":
        route_km = road_km * catalogue.detour("rail").value
        ride_km = catalogue.factor("cycle_rail_access_km", "cycle_rail").value
        minutes = (
            catalogue.factor("access_minutes", "cycle_rail").value
            + 60.0 * ride_km / catalogue.speed_kmh("cycle", ride_km)
            + 60.0 * route_km / catalogue.speed_kmh("rail", route_km)
        )
    else:
        route_km = road_km * catalogue.detour(mode).value
        minutes = catalogue.door_to_door_minutes(mode, route_km)
    _, money, _ = per_trip(mode, route_km, passengers, Values(), car_mode=car_mode)
    return route_km, minutes, np.broadcast_to(money, road_km.shape)


def _allowed(mode: str, route_km: np.ndarray) -> np.ndarray:
    ok = np.ones(route_km.shape, dtype=bool)
    if catalogue.has_factor("max_route_km", mode):
        ok &= route_km <= catalogue.factor("max_route_km", mode).value
    if catalogue.has_factor("min_route_km", mode):
        ok &= route_km >= catalogue.factor("min_route_km", mode).value
    return ok


def simulate_population(
    n_journeys: int = 3000, random_state: int = 0
) -> tuple[pd.DataFrame, np.ndarray]:
    """SIMULATED journeys x alternatives and whether each was taken (rules: module docstring)."""
    rng = np.random.default_rng(random_state)
    purpose = rng.choice(_PURPOSES, size=n_journeys, p=_PURPOSE_P)
    median = np.array([_MEDIAN_KM[p] for p in purpose])
    sd = np.array([_LOG_SD[p] for p in purpose])
    road_km = np.clip(median * np.exp(sd * rng.standard_normal(n_journeys)), 0.5, 300.0)
    regular = np.isin(purpose, ("commute", "school"))
    peak = rng.random(n_journeys) < np.where(regular, 0.85, 0.30)
    passengers = rng.choice([1.0, 2.0, 3.0], size=n_journeys, p=[0.7, 0.2, 0.1])
    passengers = np.where(purpose == "school", np.maximum(passengers, 2.0), passengers)
    car_owner = rng.random(n_journeys) < 0.75
    car_mode = rng.choice(
        ["car_petrol", "car_diesel", "car_hybrid"], size=n_journeys, p=[0.6, 0.3, 0.1]
    )
    other_mode = rng.choice(["bus", "rail", "walk", "cycle"], size=n_journeys)
    current = np.where(car_owner, car_mode, other_mode)
    pt_share, active_share = rng.beta(1, 6, n_journeys), rng.beta(1, 5, n_journeys)
    frames = []
    for cur in np.unique(current):
        idx = np.flatnonzero(current == cur)
        km, people = road_km[idx], passengers[idx]
        base_car = cur if cur in catalogue.CAR_MODES else "car_petrol"
        _, cur_min, cur_money = _journey_figures(cur, km, people, base_car)
        for alt in GROUND_ALTERNATIVES:
            if alt == cur or (
                alt in ("car_share", "car_electric") and cur not in catalogue.CAR_MODES
            ):
                continue
            route_km, alt_min, alt_money = _journey_figures(alt, km, people, base_car)
            ok = _allowed(alt, route_km)
            frames.append(
                pd.DataFrame(
                    {
                        "alternative": alt,
                        "purpose": purpose[idx][ok],
                        "current_mode": cur,
                        "road_km": km[ok],
                        "extra_minutes": (alt_min - cur_min)[ok],
                        "cost_diff": (alt_money - cur_money)[ok],
                        "peak": peak[idx][ok].astype(float),
                        "passengers": people[ok],
                        "car_owner": car_owner[idx][ok].astype(float),
                        "pt_share": pt_share[idx][ok],
                        "active_share": active_share[idx][ok],
                    }
                )
            )
    features = choice_features(pd.concat(frames, ignore_index=True))
    taken = rng.random(len(features)) < 1.0 / (1.0 + np.exp(-simulated_utility(features)))
    return features, taken.astype(int)


def make_mode_choice_model(C: float = 1.0) -> Pipeline:
    """The unfitted model: one-hot + scaling, then logistic regression."""
    columns = ColumnTransformer(
        [
            ("categorical", OneHotEncoder(handle_unknown="ignore"), list(CATEGORICAL)),
            ("numeric", StandardScaler(), list(NUMERIC)),
        ]
    )
    return Pipeline([("columns", columns), ("logit", LogisticRegression(C=C, max_iter=2000))])


def train_mode_choice(random_state: int = 0, n_journeys: int = 3000) -> Pipeline:
    """The cold-start mode-choice model, fitted on the SIMULATED population (about a second)."""
    features, taken = simulate_population(n_journeys, random_state)
    return make_mode_choice_model().fit(features, taken)


def likelihood(model: Pipeline, features: pd.DataFrame) -> np.ndarray:
    """Probability that the household takes each row's alternative (column 1 of predict_proba)."""
    proba = model.predict_proba(features[list(CHOICE_COLUMNS)])
    return proba[:, list(model.classes_).index(1)]


def likelihoods(
    model: Pipeline, columns: Mapping[str, np.ndarray], bounds: np.ndarray
) -> np.ndarray:
    """:func:`likelihood` of the rows of many households (:func:`choice_columns`; household
    ``i``: rows ``bounds[i]:bounds[i + 1]``), each household's exactly (bit for bit) what it
    gets alone.

    The columns are transformed once for every row (one-hot and scaling work row by row: the
    fitted encoder's categories and the scaler's mean and scale, applied as arrays, the same
    arithmetic as scikit-learn's); the logistic is then applied household by household, because a
    matrix product's rounding depends on how many rows it multiplies at once. A model of another
    shape is scored household by household with :func:`likelihood`.
    """
    logit = model.steps[-1][1] if isinstance(model, Pipeline) else None
    binary = isinstance(logit, LogisticRegression) and list(logit.classes_) == [0, 1]
    X = _transformed(model, columns) if binary else None
    if X is None or not isinstance(logit, LogisticRegression):
        frame = pd.DataFrame(dict(columns))
        parts = [likelihood(model, frame.iloc[a:b]) for a, b in itertools.pairwise(bounds.tolist())]
        return np.concatenate(parts) if parts else np.array([])
    coef, intercept = logit.coef_.T, logit.intercept_
    out = np.empty(len(X))
    for a, b in itertools.pairwise(bounds.tolist()):
        # the steps of LogisticRegression.predict_proba, on a fresh array of these rows
        scores = np.array(X[a:b], dtype=float, order="C") @ coef + intercept
        out[a:b] = expit(scores.reshape(-1))
    return out


def _transformed(model: Pipeline, columns: Mapping[str, np.ndarray]) -> np.ndarray | None:
    """The model's column transform of the rows, for the shape :func:`make_mode_choice_model`
    builds (one-hot, then scaling; dense output); None for any other shape."""
    steps = model.steps
    if len(steps) != 2 or not isinstance(steps[0][1], ColumnTransformer):
        return None
    transform = steps[0][1]
    fitted = [(t, cols) for _, t, cols in transform.transformers_ if not isinstance(t, str)]
    kinds = [type(t) for t, _ in fitted]
    if transform.sparse_output_ or kinds != [OneHotEncoder, StandardScaler]:
        return None
    (encoder, categorical), (scaler, numeric) = fitted
    plain = encoder.drop_idx_ is None and not encoder._infrequent_enabled
    if not plain or not (scaler.with_mean and scaler.with_std):
        return None
    blocks = [
        (np.asarray(columns[c], dtype=object)[:, None] == cats[None, :]).astype(float)
        for c, cats in zip(categorical, encoder.categories_, strict=True)
    ]
    numbers = np.column_stack([np.asarray(columns[c], dtype=float) for c in numeric])
    numbers -= scaler.mean_
    numbers /= scaler.scale_
    return np.hstack([*blocks, numbers])
