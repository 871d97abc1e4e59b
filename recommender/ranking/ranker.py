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
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from recommender.domain import Action, Household
from recommender.errors import InvalidInput, Problem
from recommender.feedback import FeedbackEvent, validate_event
from recommender.ranking.explain import (
    LikelihoodSource,
    likelihood_and_drivers,
    likelihood_source,
    why_ranked,
)
from recommender.ranking.features import (
    IN_PROGRESS,
    feature_frame,
    normalise_history,
    snapshot,
)
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


def rank_actions(
    actions: Sequence[Action],
    household: Household,
    *,
    model: Any,
    history: pd.DataFrame | Mapping[str, Mapping[str, Any]] | None = None,
    weights: RankingWeights | None = None,
    top_k: int | None = None,
) -> list[Action]:
    """Rank home and travel actions for one household (module docstring for the rules).

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
    _validate(actions, household, top_k)
    weights = weights or RankingWeights()
    if not isinstance(weights, RankingWeights):
        raise InvalidInput(
            Problem(
                "weights",
                f"{type(weights).__name__} is not RankingWeights",
                "recommender.ranking.RankingWeights or None",
            ),
            source="weights",
        )
    hist = normalise_history(history)
    in_progress = set(hist.index[hist["status"].isin(IN_PROGRESS)])
    pairs = conflict_pairs(actions)
    blocked = {other for p in pairs for i in in_progress if i in p for other in p - {i}}
    new_advice = [a for a in actions if a.id not in in_progress]
    keep = [j for j, a in enumerate(new_advice) if a.id not in blocked]
    if not keep:
        return []
    X = feature_frame(new_advice, household, hist).iloc[keep]
    scored = _score([new_advice[j] for j in keep], X, household, model, hist, weights)
    ordering = order_candidates(
        [a.id for a in scored.candidates],
        [a.kind for a in scored.candidates],
        scored.score,
        scored.demoted,
        pairs,
        weights,
    )
    final = ordering.order if top_k is None else ordering.order[:top_k]
    return [
        _presented(scored, i, rank, len(final), ordering, hist)
        for rank, i in enumerate(final, start=1)
    ]


@dataclass(frozen=True)
class _Scored:
    """The candidates of one household with what the ranking rules need of each."""

    candidates: list[Action]
    X: pd.DataFrame
    likelihood: np.ndarray
    drivers: list[dict[str, float]]
    value: np.ndarray
    score: np.ndarray
    dismissed: np.ndarray
    demoted: np.ndarray
    source: LikelihoodSource


def _score(
    candidates: list[Action],
    X: pd.DataFrame,
    household: Household,
    model: Any,
    hist: pd.DataFrame,
    weights: RankingWeights,
) -> _Scored:
    likelihood, drivers = likelihood_and_drivers(model, X)
    value = weights.values(candidates, household.preferences.carbon_weight)
    dismissed = hist["dismissed"].reindex([a.id for a in candidates]).fillna(0).to_numpy()
    return _Scored(
        candidates=candidates,
        X=X,
        likelihood=likelihood,
        drivers=drivers,
        value=value,
        score=likelihood * value,
        dismissed=dismissed,
        demoted=dismissed >= weights.demote_after_dismissals,
        source=likelihood_source(model),
    )


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
    scored: _Scored, i: int, rank: int, n_ranked: int, ordering: Ordering, hist: pd.DataFrame
) -> Action:
    """Candidate ``i`` at ``rank``: its likelihood, source, explanation and ranking details."""
    action = scored.candidates[i]
    text = why_ranked(
        action,
        rank=rank,
        n_ranked=n_ranked,
        likelihood=float(scored.likelihood[i]),
        value=float(scored.value[i]),
        features=scored.X.iloc[i],
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
        "ranking_features": snapshot(scored.X.iloc[i]),
        **({"replaces": [scored.candidates[j].title for j in replaced]} if replaced else {}),
    }
    own = "; adjusted by your own feedback" if _has_responses(hist, action.id) else ""
    return replace(
        action,
        rank=rank,
        likelihood=float(scored.likelihood[i]),
        likelihood_source=scored.source.label + own,
        explanation=f"{action.explanation} {text}".strip(),
        details=details,
    )


def _has_responses(hist: pd.DataFrame, action_id: str) -> bool:
    """Whether this household has answered this action before (its history moved the rank)."""
    if action_id not in hist.index:
        return False
    row = hist.loc[action_id]
    return bool(row["accepted"] + row["dismissed"] + row["done"] > 0)


def in_progress_actions(
    actions: Sequence[Action],
    history: pd.DataFrame | Mapping[str, Mapping[str, Any]] | None,
) -> list[Action]:
    """The actions the household has accepted or done: not new advice, shown apart with
    ``details["status"]`` = ``"accepted"`` or ``"done"`` and ``rank`` 0."""
    hist = normalise_history(history)
    status = hist["status"]
    return [
        replace(a, rank=0, details={**a.details, "status": str(status[a.id])})
        for a in sorted(actions, key=lambda a: a.id)
        if a.id in status.index and status[a.id] in IN_PROGRESS
    ]


def shown_events(
    household_id: str, ranked: Sequence[Action], timestamp: datetime
) -> list[FeedbackEvent]:
    """The ``shown`` feedback events for a ranked list, each with its feature snapshot, ready
    for ``FeedbackStore.record_many`` (the model learns from these)."""
    stamp = pd.Timestamp(timestamp)
    return [
        validate_event(
            {
                "event_id": f"{household_id}/{a.id}/shown/{stamp.isoformat()}",
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
