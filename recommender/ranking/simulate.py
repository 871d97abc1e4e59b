"""A SIMULATED population of households and how they respond to advice.

No open data set records which energy or travel tips real households accept, so the cold-start
prior of the likelihood model and the offline benchmark use this simulation. Everything below is
an assumption written as code; nothing here is observed behaviour. Real feedback from
:class:`recommender.feedback.FeedbackStore` replaces it as it accumulates
(:func:`recommender.ranking.likelihood.train_likelihood_model`).

The households and their candidate actions: :mod:`recommender.ranking.simulated_population`.

Behaviour rules (the simulated truth)
-------------------------------------
At each impression a household accepts an action with probability sigmoid(logit), where logit =
``BASE_LOGIT[kind/topic]`` + 0.7 x motivation + 0.45 x log1p(money_per_year / 20), money in GBP
(at the ECB reference rate for the simulated EUR households, as the features give it; sim-2024.2)
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

from typing import Any

import numpy as np
import pandas as pd

from recommender.domain import Action, Household, Savings, Tariff
from recommender.feedback import EVENT_COLUMNS
from recommender.ranking.features import FEATURE_COLUMNS, as_model_input
from recommender.ranking.simulated_population import (
    BASE_LOGIT,
    REGIONS,
    SHOWN_PER_ROUND,
    Population,
    real_annual_kwh,
    simulate_population,
)
from recommender.reference import gbp_per_unit

RULES_VERSION = "sim-2024.2"  # .2: money weighed in GBP (was each household's currency)
DESCRIPTION = (
    "SIMULATED households and responses (recommender/ranking/simulate.py); behaviour rules are "
    "assumptions, not observed data"
)


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
            "money_per_year": cand["money_per_year"] * cand["currency"].map(gbp_per_unit()),
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
