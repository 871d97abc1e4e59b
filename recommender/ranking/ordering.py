"""The ranking's value weights and its ordering rules (overlaps, dismissals, diversity, ties).

Pure functions over ids, kinds and scores, shared by :func:`recommender.ranking.rank_actions`
and the offline evaluation, so both order a list by the same rules.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from recommender.domain import Action
from recommender.errors import InvalidInput, Problem


@dataclass(frozen=True)
class RankingWeights:
    """How the ranker values savings; a user or partner may set any of them.

    Attributes
    ----------
    carbon_weight : float or None
        0..1: 1 values only carbon, 0 only money. None (default) takes the household's
        ``preferences.carbon_weight``.
    kg_co2e_per_point : float
        kg CO2e a year worth one value point (default 100).
    money_per_point : float
        Currency units a year worth one value point (default 50; currencies are not converted).
    effort_hours_per_point : float
        Extra hours a year that cost one value point (default 50: effort counts lightly in the
        value because the likelihood already falls with it). ``math.inf`` ignores effort.
    max_per_kind : int
        At most this many actions of one kind in the first ``diversity_window`` places (default 2).
    diversity_window : int
        Places the diversity rule applies to (default 5).
    demote_after_dismissals : int
        Dismissed this many times, an action goes below all others (default 2).
    """

    carbon_weight: float | None = None
    kg_co2e_per_point: float = 100.0
    money_per_point: float = 50.0
    effort_hours_per_point: float = 50.0
    max_per_kind: int = 2
    diversity_window: int = 5
    demote_after_dismissals: int = 2

    def __post_init__(self) -> None:
        problems = []
        cw = self.carbon_weight
        if cw is not None and not (isinstance(cw, int | float) and 0.0 <= cw <= 1.0):
            problems.append(
                Problem(
                    "weights.carbon_weight",
                    f"{cw!r} is out of range",
                    "a number from 0 to 1, or None",
                )
            )
        for name in ("kg_co2e_per_point", "money_per_point", "effort_hours_per_point"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not value > 0 or math.isnan(value):
                problems.append(
                    Problem(f"weights.{name}", f"{value!r} is not usable", "a positive number")
                )
        for name in ("max_per_kind", "diversity_window", "demote_after_dismissals"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(
                    Problem(f"weights.{name}", f"{value!r} is not usable", "a whole number >= 1")
                )
        if problems:
            raise InvalidInput(problems, source="ranking weights")

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> RankingWeights:
        """Weights from a JSON object; unknown names are reported, not ignored."""
        names = {f.name for f in fields(cls)}
        unknown = [
            Problem(f"weights.{k}", "is not a ranking weight", f"one of {sorted(names)}")
            for k in raw
            if k not in names
        ]
        if unknown:
            raise InvalidInput(unknown, source="ranking weights")
        return cls(**dict(raw))

    def values(
        self, actions: Sequence[Action], carbon_weight: float, money_gbp: np.ndarray
    ) -> np.ndarray:
        """Value points of each action (module docstring); ``money_gbp`` its money a year in a
        common currency (the likelihood features' ``money_per_year``: ``features.money_in_gbp``)."""
        return self.value_points(
            np.array([a.savings.kg_co2e_per_year for a in actions], dtype=float),
            money_gbp,
            np.array([a.savings.extra_minutes_per_year for a in actions], dtype=float),
            carbon_weight,
        )

    def value_points(
        self,
        kg_co2e_per_year: ArrayLike,
        money_per_year: ArrayLike,
        extra_minutes_per_year: ArrayLike,
        carbon_weight: float,
    ) -> np.ndarray:
        """Vectorised value points; ``carbon_weight`` is used unless the weights set one."""
        cw = carbon_weight if self.carbon_weight is None else self.carbon_weight
        return (
            cw * np.asarray(kg_co2e_per_year, float) / self.kg_co2e_per_point
            + (1 - cw) * np.asarray(money_per_year, float) / self.money_per_point
            - np.asarray(extra_minutes_per_year, float) / 60 / self.effort_hours_per_point
        )


def conflict_pairs(actions: Sequence[Action]) -> set[frozenset[str]]:
    return {
        frozenset((a.id, other)) for a in actions for other in a.conflicts_with if other != a.id
    }


@dataclass(frozen=True)
class Ordering:
    """Result of :func:`order_candidates`: positions into the candidate list."""

    order: list[int]  # ranked, conflicting losers left out
    replaces: dict[int, list[int]]  # kept candidate: the conflicting candidates it replaced
    held_back: set[int]  # moved below the diversity window


def order_candidates(
    ids: Sequence[str],
    kinds: Sequence[str],
    score: np.ndarray,
    demoted: np.ndarray,
    conflicts: set[frozenset[str]],
    weights: RankingWeights,
) -> Ordering:
    """The ranking rules 2-5 of the module docstring on plain arrays (pure, deterministic)."""
    order = sorted(
        range(len(ids)), key=lambda i: (bool(demoted[i]), -round(float(score[i]), 12), ids[i])
    )
    kept: list[int] = []
    replaces: dict[int, list[int]] = {}
    for i in order:
        rival = next((k for k in kept if frozenset((ids[i], ids[k])) in conflicts), None)
        if rival is None:
            kept.append(i)
        else:
            replaces.setdefault(rival, []).append(i)
    window: list[int] = []
    held_back: list[int] = []
    rest: list[int] = []
    per_kind: Counter[str] = Counter()
    for i in (k for k in kept if not demoted[k]):  # demoted ones stay last, whatever the kind
        if len(window) >= weights.diversity_window:
            rest.append(i)
        elif per_kind[kinds[i]] < weights.max_per_kind:
            window.append(i)
            per_kind[kinds[i]] += 1
        else:
            held_back.append(i)
    last = [k for k in kept if demoted[k]]
    return Ordering(
        order=window + held_back + rest + last, replaces=replaces, held_back=set(held_back)
    )
