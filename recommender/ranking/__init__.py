"""Personalised ranking: the adoption-likelihood model, the ranker and its explanations.

``rank_actions(actions, household, model=..., history=...)`` is what the service calls, a chunk of
one of ``rank_actions_many`` (many households, one model call);
``train_likelihood_model(store)`` is what ``greenrec train`` calls.
"""

from recommender.ranking.likelihood import LikelihoodModel, train_likelihood_model
from recommender.ranking.ranker import (
    RankingInput,
    RankingWeights,
    in_progress_actions,
    rank_actions,
    rank_actions_many,
    shown_events,
)

__all__ = [
    "LikelihoodModel",
    "RankingInput",
    "RankingWeights",
    "in_progress_actions",
    "rank_actions",
    "rank_actions_many",
    "shown_events",
    "train_likelihood_model",
]
