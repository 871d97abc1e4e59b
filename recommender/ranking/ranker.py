"""One ranked list of home and travel actions: likelihood of adoption x value.

``score = likelihood x value``, where ``value`` (in "points") weighs the action's yearly savings
with :class:`RankingWeights`::

    value = cw * kg_co2e_per_year / kg_co2e_per_point
          + (1 - cw) * money_per_year / money_per_point
          - extra_hours_per_year / effort_hours_per_point

with ``cw`` the carbon weight (the household's ``preferences.carbon_weight`` unless the weights
set one). Then, in order:

1. actions the household accepted or did (history status ``accepted``/``done``) are not new
   advice: they leave the ranked list (see :func:`in_progress_actions`), and so do actions that
   conflict with them;
2. actions dismissed :attr:`RankingWeights.demote_after_dismissals` times or more go below all
   others (the likelihood model also lowers them; this makes it a promise);
3. of two conflicting actions (``Action.conflicts_with``, either side) only the higher-scoring one
   is kept, and its explanation names the one it replaces;
4. diversity: at most :attr:`RankingWeights.max_per_kind` actions of one kind in the top
   :attr:`RankingWeights.diversity_window`; the rest move just below it;
5. ties are broken by action id, so the same input and model always give the same list.

Each returned action is a new :class:`Action` (``dataclasses.replace``) with ``rank`` 1..n,
``likelihood``, the why-ranked sentence appended to ``explanation`` and also stored alone in
``details["why_ranked"]``, plus ``details["score"]``, ``["value_points"]``,
``["likelihood_drivers"]`` and ``["ranking_features"]`` (the snapshot to send back with the
``shown`` feedback event, see :func:`shown_events`).

:func:`rank_actions_many` ranks a chunk of households at once: one feature matrix
(:class:`recommender.ranking.features.FeatureMatrix`) and one model call for all their candidates
and the explanations' occluded copies, then the rules above per household. :func:`rank_actions`
is a chunk of one, so a household gets the same answer alone or in any chunk.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from recommender.domain import Action, Household
from recommender.errors import GreenrecError, InvalidInput, Problem
from recommender.feedback import FeedbackEvent, derived_event_id, validate_event
from recommender.ranking.explain import (
    LikelihoodSource,
    likelihood_and_drivers,
    likelihood_source,
    why_ranked,
)
from recommender.ranking.features import FeatureMatrix, feature_matrix, snapshot
from recommender.ranking.history import IN_PROGRESS, HistoryCounts, history_counts
from recommender.ranking.ordering import (
    Ordering,
    RankingWeights,
    conflict_pairs,
    order_candidates,
)


def _validate(actions: Sequence[Action], household: Household, top_k: int | None) -> None:
    problems = []
    if not isinstance(household, Household):
        problems.append(
            Problem(
                "household",
                f"{type(household).__name__} is not a Household",
                "recommender.domain.Household",
            )
        )
    seen: set[str] = set()
    for i, action in enumerate(actions):
        if not isinstance(action, Action):
            problems.append(
                Problem(
                    f"actions[{i}]",
                    f"{type(action).__name__} is not an Action",
                    "recommender.domain.Action",
                )
            )
            continue
        if action.id in seen:
            problems.append(
                Problem(f"actions[{i}].id", f"duplicate id {action.id!r}", "unique action ids")
            )
        seen.add(action.id)
        for name in ("kg_co2e_per_year", "money_per_year", "extra_minutes_per_year"):
            value = getattr(action.savings, name)
            if not isinstance(value, int | float) or not math.isfinite(value):
                problems.append(
                    Problem(
                        f"actions[{i}].savings.{name}",
                        f"{value!r} is not finite",
                        "a finite number",
                    )
                )
    if top_k is not None and (not isinstance(top_k, int) or isinstance(top_k, bool) or top_k < 1):
        problems.append(Problem("top_k", f"{top_k!r} is not usable", "a whole number >= 1 or None"))
    if problems:
        raise InvalidInput(problems, source="ranking input")


class RankingInput(NamedTuple):
    """One household's part of a chunk: its candidate actions, the household and its history
    (``FeedbackStore.history(household_id)``, ``{action_id: {"dismissed": 2, ...}}`` or None)."""

    actions: Sequence[Action]
    household: Household
    history: pd.DataFrame | Mapping[str, Mapping[str, Any]] | None = None


def rank_actions(
    actions: Sequence[Action],
    household: Household,
    *,
    model: Any,
    history: pd.DataFrame | Mapping[str, Mapping[str, Any]] | None = None,
    weights: RankingWeights | None = None,
    top_k: int | None = None,
) -> list[Action]:
    """Rank home and travel actions for one household (module docstring for the rules): a
    chunk of one of :func:`rank_actions_many`, so both give the same answer.

    Parameters
    ----------
    actions : sequence of Action
        Candidates from the home and travel calculators (unique ids).
    household : Household
    model : fitted likelihood model
        Anything with ``adoption_probability`` or ``predict_proba`` over the ranking features
        (the service loads it from ``models/``; nothing is trained on the spot). Its
        ``training_info_`` says what it learned from, and each action names that source.
    history : DataFrame, mapping or None
        ``FeedbackStore.history(household_id)``, or ``{action_id: {"dismissed": 2, ...}}``.
    weights : RankingWeights or None
    top_k : int or None
        Return only the first ``top_k``.

    Returns
    -------
    list of Action
        New advice only, ranks 1..n; accepted actions are left out (:func:`in_progress_actions`).
    """
    (answer,) = rank_actions_many(
        [RankingInput(actions, household, history)], model=model, weights=weights, top_k=top_k
    )
    if isinstance(answer, GreenrecError):
        raise answer
    return answer


def rank_actions_many(
    items: Sequence[RankingInput],
    *,
    model: Any,
    weights: RankingWeights | None = None,
    top_k: int | None = None,
) -> list[list[Action] | GreenrecError]:
    """Rank the actions of a chunk of households: one feature matrix and one model call for all
    their candidates (and the explanations' occluded copies), then each household's list by
    the ranking rules.

    ``items`` are :class:`RankingInput` (or ``(actions, household, history)`` tuples);
    ``model``, ``weights`` and ``top_k`` are as for :func:`rank_actions`. Returns one item per
    household, in order: its ranked list, or the :class:`GreenrecError` its input raised (an
    InvalidInput listing every problem), which costs the other households nothing. A household's
    answer does not depend on the other households in the chunk.
    """
    weights = weights or RankingWeights()
    prepared = [_prepared(RankingInput(*item), weights, top_k) for item in items]
    ready = [p for p in prepared if isinstance(p, _Prepared)]
    likelihood, drivers = likelihood_and_drivers(model, FeatureMatrix.concat([p.X for p in ready]))
    source = likelihood_source(model)
    answers: list[list[Action] | GreenrecError] = []
    start = 0
    for p in prepared:
        if isinstance(p, GreenrecError):
            answers.append(p)
            continue
        rows = slice(start, start + len(p.X))
        start = rows.stop
        try:
            answers.append(_ranked(p, likelihood[rows], drivers[rows], weights, top_k, source))
        except GreenrecError as error:
            answers.append(error)
    return answers


@dataclass(frozen=True)
class _Prepared:
    """One household's candidates (new advice, not blocked by what it accepted) and features."""

    candidates: list[Action]
    household: Household
    history: HistoryCounts
    pairs: set[frozenset[str]]
    X: FeatureMatrix


def _prepared(item: RankingInput, weights: Any, top_k: int | None) -> _Prepared | GreenrecError:
    """What a household's ranking needs, or the error its input (or ``weights``) raises."""
    actions, household, history = item
    try:
        _validate(actions, household, top_k)
        if not isinstance(weights, RankingWeights):
            raise InvalidInput(
                Problem(
                    "weights",
                    f"{type(weights).__name__} is not RankingWeights",
                    "recommender.ranking.RankingWeights or None",
                ),
                source="weights",
            )
        hist = history_counts(history)
    except GreenrecError as error:
        return error
    in_progress = hist.in_progress()
    pairs = conflict_pairs(actions)
    blocked = {other for p in pairs for i in in_progress if i in p for other in p - {i}}
    new_advice = [a for a in actions if a.id not in in_progress]
    keep = [j for j, a in enumerate(new_advice) if a.id not in blocked]
    X = feature_matrix(new_advice, household, hist).take(keep) if keep else FeatureMatrix.empty()
    return _Prepared([new_advice[j] for j in keep], household, hist, pairs, X)


def _ranked(
    p: _Prepared,
    likelihood: np.ndarray,
    drivers: list[dict[str, float]],
    weights: RankingWeights,
    top_k: int | None,
    source: LikelihoodSource,
) -> list[Action]:
    """One household's ranked list from its candidates' likelihoods and drivers."""
    if not p.candidates:
        return []
    money_gbp = p.X.column("money_per_year")  # the features' GBP, one row per candidate
    value = weights.values(p.candidates, p.household.preferences.carbon_weight, money_gbp)
    dismissed = np.array([p.history.of(a.id)[2] for a in p.candidates])
    scored = _Scored(
        candidates=p.candidates,
        X=p.X,
        likelihood=likelihood,
        drivers=drivers,
        value=value,
        score=likelihood * value,
        dismissed=dismissed,
        demoted=dismissed >= weights.demote_after_dismissals,
        source=source,
    )
    ordering = order_candidates(
        [a.id for a in p.candidates],
        [a.kind for a in p.candidates],
        scored.score,
        scored.demoted,
        p.pairs,
        weights,
    )
    final = ordering.order if top_k is None else ordering.order[:top_k]
    return [
        _presented(scored, i, rank, len(final), ordering, p.history)
        for rank, i in enumerate(final, start=1)
    ]


@dataclass(frozen=True)
class _Scored:
    """The candidates of one household with what the ranking rules need of each."""

    candidates: list[Action]
    X: FeatureMatrix
    likelihood: np.ndarray
    drivers: list[dict[str, float]]
    value: np.ndarray
    score: np.ndarray
    dismissed: np.ndarray
    demoted: np.ndarray
    source: LikelihoodSource


def _notes(scored: _Scored, i: int, ordering: Ordering) -> tuple[str, ...]:
    """Why an action sits where it does, beyond its score: overlaps, dismissals, diversity."""
    notes = []
    if i in ordering.replaces:
        titles = [repr(scored.candidates[j].title) for j in ordering.replaces[i]]
        named = ", ".join(titles[:2]) + (f" and {len(titles) - 2} more" if len(titles) > 2 else "")
        notes.append(
            f"It is shown instead of {named}, whose savings overlap with it, so they are "
            "counted once."
        )
    if scored.demoted[i]:
        notes.append(f"You dismissed it {int(scored.dismissed[i])} times, so it is listed last.")
    if i in ordering.held_back:
        notes.append(
            "It is placed lower so that the top of the list is not all one kind of action."
        )
    return tuple(notes)


def _presented(
    scored: _Scored, i: int, rank: int, n_ranked: int, ordering: Ordering, hist: HistoryCounts
) -> Action:
    """Candidate ``i`` at ``rank``: its likelihood, source, explanation and ranking details."""
    action = scored.candidates[i]
    features = scored.X.row(i)
    likelihood = float(scored.likelihood[i])
    text = why_ranked(
        action,
        rank=rank,
        n_ranked=n_ranked,
        likelihood=likelihood,
        value=float(scored.value[i]),
        features=features,
        drivers=scored.drivers[i],
        notes=_notes(scored, i, ordering),
        source=scored.source,
    )
    replaced = ordering.replaces.get(i)
    details = {
        **action.details,
        "status": "dismissed" if scored.dismissed[i] else "new",
        "why_ranked": text,
        "score": float(scored.score[i]),
        "value_points": float(scored.value[i]),
        "likelihood_drivers": {k: round(v, 4) for k, v in scored.drivers[i].items()},
        "ranking_features": snapshot(features),
        **({"replaces": [scored.candidates[j].title for j in replaced]} if replaced else {}),
    }
    _, accepted, dismissed, done = hist.of(action.id)
    own = "; adjusted by your own feedback" if accepted + dismissed + done > 0 else ""
    return replace(
        action,
        rank=rank,
        likelihood=likelihood,
        likelihood_source=scored.source.label + own,
        explanation=f"{action.explanation} {text}".strip(),
        details=details,
    )


def in_progress_actions(
    actions: Sequence[Action],
    history: pd.DataFrame | Mapping[str, Mapping[str, Any]] | None,
) -> list[Action]:
    """The actions the household has accepted or done: not new advice, shown apart with
    ``details["status"]`` = ``"accepted"`` or ``"done"`` and ``rank`` 0."""
    status = history_counts(history).status
    return [
        replace(a, rank=0, details={**a.details, "status": str(status[a.id])})
        for a in sorted(actions, key=lambda a: a.id)
        if a.id in status and status[a.id] in IN_PROGRESS
    ]


def shown_events(
    household_id: str, ranked: Sequence[Action], timestamp: datetime
) -> list[FeedbackEvent]:
    """The ``shown`` feedback events for a ranked list, each with its feature snapshot, ready
    for ``FeedbackStore.record_many`` (the model learns from these)."""
    shown_at = pd.Timestamp(timestamp).isoformat()  # once: every action's id is made from it
    return [
        validate_event(
            {
                "event_id": derived_event_id("shown", household_id, a.id, shown_at),
                "household_id": household_id,
                "action_id": a.id,
                "action_kind": a.kind,
                "event_type": "shown",
                "timestamp": timestamp,
                "context": a.details.get("ranking_features"),
            }
        )
        for a in ranked
    ]
