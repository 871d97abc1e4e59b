"""Personalised ranking: the adoption-likelihood model, the ranker and its explanations.

``rank_actions(actions, household, model=..., history=...)`` is what the service calls;
``train_likelihood_model(store)`` is what ``greenrec train`` calls.
"""

from recommender.ranking.likelihood import LikelihoodModel, train_likelihood_model
from recommender.ranking.ranker import (
    RankingWeights,
    in_progress_actions,
    rank_actions,
    shown_events,
)

__all__ = [
    "LikelihoodModel",
    "RankingWeights",
    "in_progress_actions",
    "rank_actions",
    "shown_events",
    "train_likelihood_model",
]
