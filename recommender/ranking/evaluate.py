"""Offline evaluation of rankings: NDCG@k, realised savings@k and calibration of likelihoods.

:func:`replay` runs one seed of the benchmark on the SIMULATED population
(:mod:`recommender.ranking.simulate`): train the likelihood model on one population's replayed
feedback, give a fresh population a few rounds of (random) advice to build its history, then rank
what is left for each household with the learned ranker and the baselines, and draw from the
simulated behaviour rules which actions each household adopts (the same draws for every ranker).
Every ranker's list is cleared of conflicts the same way (an action conflicting with one above it
is not shown: the product's rule). A ranker's realised savings@k is the kg CO2e a year of the
adopted actions among its first k; NDCG@k uses the same realised savings as graded relevance.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.feedback import history_from_events
from recommender.ranking import simulate
from recommender.ranking.likelihood import LikelihoodModel, train_likelihood_model
from recommender.ranking.ordering import RankingWeights, order_candidates
from recommender.ranking.ranker import rank_actions

# A fixed "expert" order: easy home wins first, then bigger changes (typical energy-advice
# leaflet order; an assumption, not a source).
EXPERT_ORDER: tuple[str, ...] = (
    "standby",
    "wash_30",
    "dishwasher",
    "washing_machine",
    "thermostat",
    "tumble_dryer",
    "ev_charger",
    "line_dry",
    "time_of_use",
    "ebike",
    "bus",
    "rail",
    "short_haul",
)


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain, ``sum(gain_i / log2(i + 1))`` for i = 1, 2, ..."""
    g = np.asarray(gains, dtype=float)
    return float(np.sum(g / np.log2(np.arange(2, len(g) + 2))))


def counted_once(
    ids: Sequence[str], gain: dict[str, float], conflicts: dict[str, tuple[str, ...]]
) -> list[float]:
    """Gains in list order, where an action conflicting with one already credited earns 0."""
    credited: set[str] = set()
    out = []
    for action_id in ids:
        g = gain.get(action_id, 0.0)
        clash = any(other in credited for other in conflicts.get(action_id, ())) or any(
            action_id in conflicts.get(other, ()) for other in credited
        )
        if g > 0 and not clash:
            credited.add(action_id)
            out.append(g)
        else:
            out.append(0.0)
    return out


def without_conflicts(ids: Sequence[str], conflicts: dict[str, tuple[str, ...]]) -> list[str]:
    """The list with every action that conflicts with one above it left out (the rule the
    product applies, so every ranker is judged on lists it could show)."""
    shown: list[str] = []
    for action_id in ids:
        mine = set(conflicts.get(action_id, ()))
        if not any(o in mine or action_id in conflicts.get(o, ()) for o in shown):
            shown.append(action_id)
    return shown


def realised_at_k(
    ids: Sequence[str], gain: dict[str, float], conflicts: dict[str, tuple[str, ...]], k: int = 5
) -> float:
    """Sum of realised gains among the first ``k`` (conflicting actions counted once)."""
    return float(sum(counted_once(list(ids)[:k], gain, conflicts)))


def ndcg_at_k(
    ids: Sequence[str], gain: dict[str, float], conflicts: dict[str, tuple[str, ...]], k: int = 5
) -> float:
    """NDCG@k with realised gains; NaN when nothing in the candidate set was adopted."""
    ideal_order = sorted(gain, key=lambda i: (-gain[i], i))
    ideal = dcg(sorted(counted_once(ideal_order, gain, conflicts), reverse=True)[:k])
    if ideal <= 0:
        return float("nan")
    return dcg(counted_once(list(ids)[:k], gain, conflicts)) / ideal


def reliability_table(
    probability: np.ndarray, outcome: np.ndarray, n_bins: int = 10
) -> pd.DataFrame:
    """Per equal-width probability bin: count, mean predicted probability, observed rate."""
    p = np.asarray(probability, dtype=float)
    y = np.asarray(outcome, dtype=float)
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    frame = pd.DataFrame({"bin": bins, "p": p, "y": y})
    table = frame.groupby("bin").agg(
        count=("p", "size"), predicted=("p", "mean"), observed=("y", "mean")
    )
    table.index = [f"{b / n_bins:.1f}-{(b + 1) / n_bins:.1f}" for b in table.index]
    return table


def expected_calibration_error(
    probability: np.ndarray, outcome: np.ndarray, n_bins: int = 10
) -> float:
    """ECE: count-weighted mean |predicted - observed| over equal-width bins."""
    table = reliability_table(probability, outcome, n_bins)
    weights = table["count"] / table["count"].sum()
    return float((weights * (table["predicted"] - table["observed"]).abs()).sum())


@dataclass(frozen=True)
class ReplayResult:
    seed: int
    realised_kg_at_5: dict[str, float]  # method: mean kg CO2e/yr per household
    ndcg_at_5: dict[str, float]  # method: mean over households with any adoption
    likelihood: np.ndarray  # model likelihood of every eligible test candidate
    true_probability: np.ndarray  # the simulated truth for the same rows
    adopted: np.ndarray  # whether it was adopted (drawn from the simulated rules)
    households: int
    api_checked: int  # households also ranked through rank_actions, with the same order
    training_rows: int


def _expert_key(topic: str) -> int:
    return EXPERT_ORDER.index(topic) if topic in EXPERT_ORDER else len(EXPERT_ORDER)


LEARNED = {
    "learned, carbon only": RankingWeights(carbon_weight=1.0, effort_hours_per_point=math.inf),
    "learned, default weights": RankingWeights(),
}


def _baseline_rankings(new: pd.DataFrame, p_true: np.ndarray) -> dict[str, list[str]]:
    """The three rankings the learned one is measured against, for one household's candidates."""
    ids = list(new["action_id"])
    kg = new["kg_co2e_per_year"].to_numpy()
    topics = list(new["topic"])
    true_p = p_true[new.index]

    def by(key: Callable[[int], tuple[object, ...]]) -> list[str]:
        return [ids[i] for i in sorted(range(len(ids)), key=key)]

    return {
        "raw savings": by(lambda i: (-kg[i], ids[i])),
        "expert order": by(lambda i: (_expert_key(topics[i]), -kg[i], ids[i])),
        "oracle (true likelihood x kg)": by(lambda i: (-(true_p[i] * kg[i]), ids[i])),
    }


def _learned_ranking(
    new: pd.DataFrame, pairs: set[frozenset[str]], weights: RankingWeights
) -> list[str]:
    """The learned ranker's order, by the same rules as :func:`rank_actions`, in one pass."""
    ids = list(new["action_id"])
    score = new["likelihood"].to_numpy() * weights.value_points(
        new["kg_co2e_per_year"], new["money_gbp"], new["extra_minutes_per_year"], 0.5
    )
    demoted = new["dismissed"].to_numpy() >= weights.demote_after_dismissals
    ordering = order_candidates(ids, list(new["kind"]), score, demoted, pairs, weights)
    return [ids[i] for i in ordering.order]


def replay(
    seed: int,
    n_train: int = 1200,
    n_test: int = 800,
    history_rounds: int = 3,
    k: int = 5,
    api_check: int = 10,
    model: LikelihoodModel | None = None,
) -> ReplayResult:
    """One seed of the offline benchmark (module docstring).

    The learned ranker scores all test candidates in one model call and orders each household's
    list with :func:`recommender.ranking.ordering.order_candidates`, the same rules
    :func:`rank_actions` applies; the first ``api_check`` households are also ranked through
    ``rank_actions`` and must come out in the same order (AssertionError otherwise).
    """
    model = model or train_likelihood_model(None, random_state=seed, prior_households=n_train)
    test = simulate.simulate_population(n_test, random_state=10_000 + seed)
    state = simulate.initial_state(test)
    events = simulate.simulate_feedback(
        test, rounds=history_rounds, random_state=10_000 + seed, state=state
    )
    features = simulate.candidate_features(test, state, history_rounds)
    p_true = simulate.true_probability(features, simulate.traits_of(test))
    adopted = np.random.default_rng([seed, 99]).random(len(p_true)) < p_true
    cand = test.candidates
    in_progress = state["status"].isin(["accepted", "done"]).to_numpy()
    likelihood = np.full(len(cand), np.nan)
    likelihood[~in_progress] = model.adoption_probability(features[~in_progress])
    frame = cand.assign(
        money_gbp=features["money_per_year"].to_numpy(),  # as the ranker weighs it
        likelihood=likelihood,
        adopted=adopted,
        in_progress=in_progress,
        dismissed=state["dismissed"].to_numpy(),
    )
    realised: dict[str, list[float]] = {}
    ndcg: dict[str, list[float]] = {}
    checked = 0
    events_by_household = dict(tuple(events.groupby("household_id")))
    for hid, rows in frame.groupby("household_id", sort=True):
        conflicts = dict(zip(rows["action_id"], rows["conflicts"], strict=True))
        taken = set(rows.loc[rows["in_progress"], "action_id"])
        blocked = {a for a, c in conflicts.items() if taken & set(c)} | {
            o for a in taken for o in conflicts.get(a, ())
        }
        new = rows[~rows["in_progress"] & ~rows["action_id"].isin(blocked)]
        if new.empty:
            continue
        gain = dict(zip(new["action_id"], new["kg_co2e_per_year"] * new["adopted"], strict=True))
        rankings = _baseline_rankings(new, p_true)
        rankings = {name: without_conflicts(r, conflicts) for name, r in rankings.items()}
        pairs = {frozenset((a, o)) for a, c in conflicts.items() for o in c}
        for name, weights in LEARNED.items():
            rankings[name] = _learned_ranking(new, pairs, weights)
            if checked < api_check:
                household, actions = simulate.to_domain(test, str(hid), history_rounds)
                hist = history_from_events(events_by_household.get(hid, events.iloc[:0]))
                shown = rank_actions(actions, household, model=model, history=hist, weights=weights)
                api = [a.id for a in shown]
                assert api == rankings[name], f"{hid}: rank_actions {api} != {rankings[name]}"
        checked += 1
        for name, ranked in rankings.items():
            realised.setdefault(name, []).append(realised_at_k(ranked, gain, conflicts, k))
            ndcg.setdefault(name, []).append(ndcg_at_k(ranked, gain, conflicts, k))
    eligible = ~in_progress
    return ReplayResult(
        seed=seed,
        realised_kg_at_5={m: float(np.mean(v)) for m, v in realised.items()},
        ndcg_at_5={m: float(np.nanmean(v)) for m, v in ndcg.items()},
        likelihood=likelihood[eligible],
        true_probability=p_true[eligible],
        adopted=adopted[eligible],
        households=len(realised["raw savings"]),
        api_checked=min(checked, api_check),
        training_rows=int(model.training_info_.get("rows", 0)),
    )
