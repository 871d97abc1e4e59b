"""Why an action ranks where it does, in one or two plain sentences.

The likelihood's main drivers are found by occlusion: for each group of features, the model is
asked again with that group set to a reference (no history for the history counts; the training
data's typical value for the rest), and the change in probability is that group's contribution.
Model-agnostic, one batched prediction per chunk of households
(:func:`recommender.ranking.scoring.adoption_probability`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from recommender.domain import Action
from recommender.quantities import money_text
from recommender.ranking.features import CATEGORICAL_FEATURES, FeatureMatrix
from recommender.ranking.scoring import adoption_probability

# label: (features set together, phrase with {value} from the action's own row)
DRIVER_GROUPS: dict[str, tuple[tuple[str, ...], str]] = {
    "dismissed_before": (("action_dismissed",), "your {action_dismissed:.0f} dismissal(s) of it"),
    "similar_dismissed": (
        ("kind_dismissed", "household_dismissed"),
        "your {kind_dismissed:.0f} dismissal(s) of similar advice",
    ),
    "took_up_before": (
        ("action_accepted", "kind_accepted", "household_accepted"),
        "the {household_accepted:.0f} earlier suggestion(s) you took up",
    ),
    "effort": (
        ("extra_hours_per_year",),
        "the {extra_hours_per_year:,.0f} extra hours a year it takes",
    ),
    "money": (("money_per_year",), "the money it saves"),  # worded in why_ranked
    "calculator": (("calculator_likelihood",), "the mode-choice estimate for this journey"),
    "kind": (("kind", "topic"), "how often people take up this kind of action"),  # sign-aware
    "tariff": (("tariff_type",), "your {tariff_type} tariff"),
    "season": (("month",), "the time of year"),
    "home_size": (("annual_kwh",), "your home's use of {annual_kwh:,.0f} kWh a year"),
}
HISTORY_FEATURES = frozenset(
    {
        "action_dismissed",
        "kind_dismissed",
        "household_dismissed",
        "action_accepted",
        "kind_accepted",
        "household_accepted",
        "action_shown",
    }
)
MIN_EFFECT = 0.02  # a driver must move the probability by at least 2 points to be named


def occlusion_matrix(model: Any, X: FeatureMatrix) -> tuple[FeatureMatrix, list[str]]:
    """``X`` followed by one copy of it per driver group with that group set to its reference,
    and the group labels (for one batched prediction)."""
    reference = getattr(model, "feature_reference_", {}) or {}
    blocks, labels = [X], []
    for label, (columns, _) in DRIVER_GROUPS.items():
        if not all(c in HISTORY_FEATURES or c in reference for c in columns):
            continue
        blocks.append(
            X.with_values({c: 0.0 if c in HISTORY_FEATURES else reference[c] for c in columns})
        )
        labels.append(label)
    return FeatureMatrix.concat(blocks), labels


def drivers_from(probability: np.ndarray, n_rows: int, labels: list[str]) -> list[dict[str, float]]:
    """{driver label: change in probability it causes} per row, largest first (ties by label),
    from the predictions on :func:`occlusion_matrix`."""
    p = np.asarray(probability, dtype=float).reshape(len(labels) + 1, n_rows)
    effect = p[0][np.newaxis, :] - p[1:]
    by_name = np.argsort(np.argsort(labels))[:, np.newaxis] * np.ones((1, n_rows))
    order = np.lexsort((by_name, -np.abs(effect)), axis=0)
    names = np.array(labels, dtype=object)[order].T.tolist()
    values = np.take_along_axis(effect, order, axis=0).T.tolist()
    return [dict(zip(n, v, strict=True)) for n, v in zip(names, values, strict=True)]


def likelihood_and_drivers(
    model: Any, X: FeatureMatrix
) -> tuple[np.ndarray, list[dict[str, float]]]:
    """Adoption probability of each row of ``X`` and its drivers, in one model call."""
    if len(X) == 0:
        return np.zeros(0), []
    stacked, labels = occlusion_matrix(model, X)
    p = adoption_probability(model, stacked)
    drivers = drivers_from(p, len(X), labels)
    for label in labels:  # a feature the row does not have (NaN) explains nothing
        unknown = np.zeros(len(X), dtype=bool)
        for c in DRIVER_GROUPS[label][0]:
            if c not in CATEGORICAL_FEATURES:
                unknown |= np.isnan(X.column(c))
        for j in np.flatnonzero(unknown).tolist():
            drivers[j].pop(label, None)
    return p[: len(X)], drivers


@dataclass(frozen=True)
class LikelihoodSource:
    """What a likelihood model learned from, in the words an answer uses."""

    label: str  # "learned from <label>"; also Action.likelihood_source
    population: str  # who "takes up this kind of action", e.g. "a simulated population"


def likelihood_source(model: Any) -> LikelihoodSource:
    """Name what ``model`` learned from, from its ``training_info_`` (see
    :func:`recommender.ranking.likelihood.train_likelihood_model`): the simulated prior, real
    feedback, or both. A model that does not say is named as such, never guessed."""
    info = getattr(model, "training_info_", None) or {}
    real = int(info.get("real_impressions", 0) or 0)
    trained_on = info.get("trained_on")
    if trained_on == "simulated":
        return LikelihoodSource(
            "a simulated population, with no real feedback yet", "people in a simulated population"
        )
    if trained_on == "simulated+real":
        return LikelihoodSource(
            f"a simulated population and {real:,} real impressions",
            "people in a simulated population and in real feedback",
        )
    if trained_on == "real":
        return LikelihoodSource(f"real feedback ({real:,} impressions)", "people who used greenrec")
    return LikelihoodSource("a model that does not say what it learned from", "people")


def why_ranked(
    action: Action,
    *,
    rank: int,
    n_ranked: int,
    likelihood: float,
    value: float,
    features: Mapping[str, Any],
    drivers: dict[str, float],
    notes: tuple[str, ...] = (),
    source: LikelihoodSource | None = None,
) -> str:
    """One or two sentences: the rank with the household's own figures, then the main drivers
    of the likelihood (and any note: a replaced conflicting action, a demotion)."""
    s = action.savings
    figures = [f"{s.kg_co2e_per_year:,.0f} kg CO2e"]
    if abs(s.money_per_year) >= 0.5:
        figures.append(money_text(s.money_per_year, s.currency))
    hours = s.extra_minutes_per_year / 60.0
    effort = f" for {hours:,.0f} extra hours" if hours >= 1 else ""
    home = ""
    if not pd.isna(features.get("annual_kwh", np.nan)):
        # The mean use of the readings so far (a likelihood feature), not the year-ahead forecast.
        home = f" (your meter has averaged {features['annual_kwh']:,.0f} kWh a year)"
    worth = "" if value > 0 else ", which at your weights is not worth the effort"
    source = source or likelihood_source(None)
    first = (
        f"Ranked {rank} of {n_ranked}: we estimate a {likelihood:.0%} chance you will take it up "
        f"(learned from {source.label}), "
        f"and it saves about {' and '.join(figures)} a year{effort}{home}{worth}."
    )
    named = [(k, v) for k, v in drivers.items() if abs(v) >= MIN_EFFECT][:2]
    values = dict(features)
    up: list[str] = []
    down: list[str] = []
    for label, effect in named:
        money = money_text(s.money_per_year, s.currency)  # in its own currency, as saved
        if label == "money" and not s.money_counted:
            phrase = "its money not being counted (no gas price was given)"
        elif label == "money" and abs(s.money_per_year) < 0.5:
            phrase = "it saving no money"
        elif label == "money":
            phrase = (
                f"the {money} a year it saves" if effect > 0 else f"it saving only {money} a year"
            )
        elif label == "effort" and float(features["extra_hours_per_year"]) < 0.5:
            phrase = "it needing no extra time"
        elif label == "kind":
            often = "often" if effect > 0 else "rarely"
            phrase = f"how {often} {source.population} take up this kind of action"
        else:
            phrase = DRIVER_GROUPS[label][1].format(**values)
        (up if effect > 0 else down).append(phrase)
    parts = [f"raised by {' and '.join(up)}"] if up else []
    parts += [f"lowered by {' and '.join(down)}"] if down else []
    second = f"That chance is {', and '.join(parts)}." if parts else ""
    return " ".join(x for x in (first, second, *notes) if x)
