"""Features of (household, action, history, context) for the adoption-likelihood model.

One row per candidate action. The same columns are built here for live ranking and by
:mod:`recommender.ranking.simulate` for the simulated prior (a test checks the two agree), and a
snapshot of each row travels with the ``shown`` feedback event, so the model can later learn from
what really happened after it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from recommender.domain import Action, Household
from recommender.errors import InvalidInput, Problem
from recommender.ranking.history import HistoryCounts, history_counts
from recommender.reference import gbp_per_unit

CATEGORICAL_FEATURES: tuple[str, ...] = ("kind", "topic", "region", "tariff_type")
NUMERIC_FEATURES: tuple[str, ...] = (
    # household
    "annual_kwh",
    "household_accepted",  # accepted or done actions of any kind so far
    "household_dismissed",
    # action
    "kg_co2e_per_year",
    "money_per_year",  # in GBP at the ECB reference rate (money_in_gbp), whatever the currency
    "kwh_per_year",
    "extra_hours_per_year",
    "calculator_likelihood",  # the action calculator's own estimate (mode choice), else NaN
    # this household's history with this action and with its kind
    "action_shown",
    "action_accepted",
    "action_dismissed",
    "kind_accepted",
    "kind_dismissed",
    # context
    "n_candidates",  # new-advice actions on offer
    "month",  # 1-12, local month of the household's latest reading (NaN if none)
)
FEATURE_COLUMNS: tuple[str, ...] = CATEGORICAL_FEATURES + NUMERIC_FEATURES
_TOPIC_KEYS = ("topic", "appliance", "mode", "to_mode", "measure")
# Ids of the home and travel calculators (recommender/actions) -> the topics the simulated prior
# knows. Travel ids are "travel-<journey>-to-<mode>", "travel-fewer-flights-<flight mode>-<km>".
_TOPIC_BY_ID = {
    "standby-cut": "standby",
    "wash-30c": "wash_30",
    "line-dry": "line_dry",
    "thermostat-down-1c": "thermostat",
    "tou-tariff": "time_of_use",
    "travel-electric-car": "electric_car",
}
_TOPIC_BY_MODE = {
    "car_share": "carshare",
    "flight_domestic": "short_haul",
    "flight_short_haul": "short_haul",
    "flight_long_haul": "long_haul",
}


def action_topic(action: Action) -> str:
    """What the action is about within its kind (appliance, mode, ...): ``details["topic"]`` (or
    ``appliance``/``mode``), else read from the calculators' action ids; "" if unknown."""
    for key in _TOPIC_KEYS:
        value = action.details.get(key)
        if isinstance(value, str) and value:
            return value
    if action.id in _TOPIC_BY_ID:
        return _TOPIC_BY_ID[action.id]
    if action.kind == "shift_appliance" and action.id.startswith("shift-"):
        return action.id.removeprefix("shift-").replace("-", "_")
    if action.id.startswith("travel-fewer-flights-"):
        mode = action.id.removeprefix("travel-fewer-flights-").rsplit("-", 1)[0]
        return _TOPIC_BY_MODE.get(mode, mode)
    if action.id.startswith("travel-") and "-to-" in action.id:
        mode = action.id.rsplit("-to-", 1)[1]
        return _TOPIC_BY_MODE.get(mode, mode)
    return ""


def calculator_likelihood(action: Action) -> float:
    """The likelihood the action's calculator set (e.g. the travel mode-choice model), when its
    ``details["likelihood_source"]`` names one; NaN otherwise (the 0.5 default means none)."""
    source = action.details.get("likelihood_source")
    if isinstance(source, str) and source and not source.startswith("none"):
        return float(action.likelihood)
    return float("nan")


def annual_kwh(household: Household) -> float:
    """The household's yearly electricity use scaled from its readings (mean per interval x
    intervals per year); NaN (unknown) when it has no readings or they meter another fuel: the
    likelihood model learned this feature from homes' electricity use."""
    readings = household.readings_kwh
    if household.fuel != "electricity":
        return float("nan")
    if readings is None or not pd.notna(readings.to_numpy()).any():
        return float("nan")
    per_year = 365.25 * 24 * 60 / household.reading_interval_minutes
    return float(readings.mean() * per_year)


def context_month(household: Household) -> float:
    """Local month (1-12) of the latest reading, the season the advice is given in; NaN if none."""
    readings = household.readings_kwh
    known = None if readings is None else pd.notna(readings.to_numpy())
    if known is None or not known.any():
        return float("nan")
    index = readings.index
    last = index[np.flatnonzero(known)[-1]] if index.is_monotonic_increasing else index[known].max()
    if last.tzinfo is None:
        return float(last.month)
    return float(last.tz_convert(household.timezone).month)


@dataclass(frozen=True)
class FeatureMatrix:
    """Feature rows as two arrays: ``categorical`` (str, :data:`CATEGORICAL_FEATURES` order) and
    ``numeric`` (float64, :data:`NUMERIC_FEATURES` order). The ranker's columnar form of
    :func:`feature_frame`; :meth:`frame` gives the model's DataFrame."""

    categorical: np.ndarray  # (n, len(CATEGORICAL_FEATURES)) object
    numeric: np.ndarray  # (n, len(NUMERIC_FEATURES)) float64

    def __len__(self) -> int:
        return len(self.numeric)

    @classmethod
    def empty(cls) -> FeatureMatrix:
        return cls(
            np.empty((0, len(CATEGORICAL_FEATURES)), dtype=object),
            np.empty((0, len(NUMERIC_FEATURES))),
        )

    @classmethod
    def concat(cls, parts: Sequence[FeatureMatrix]) -> FeatureMatrix:
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        return cls(
            np.concatenate([p.categorical for p in parts]),
            np.concatenate([p.numeric for p in parts]),
        )

    def take(self, rows: Sequence[int]) -> FeatureMatrix:
        return FeatureMatrix(self.categorical[rows], self.numeric[rows])

    def column(self, name: str) -> np.ndarray:
        if name in _CATEGORICAL_AT:
            return self.categorical[:, _CATEGORICAL_AT[name]]
        return self.numeric[:, _NUMERIC_AT[name]]

    def with_values(self, values: Mapping[str, Any]) -> FeatureMatrix:
        """A copy with each named column set to one value (str for categoricals, else float)."""
        categorical, numeric = self.categorical.copy(), self.numeric.copy()
        for name, value in values.items():
            if name in _CATEGORICAL_AT:
                categorical[:, _CATEGORICAL_AT[name]] = str(value)
            else:
                numeric[:, _NUMERIC_AT[name]] = float(value)
        return FeatureMatrix(categorical, numeric)

    def row(self, i: int) -> dict[str, Any]:
        """Row ``i`` as {feature: str or float}, in :data:`FEATURE_COLUMNS` order."""
        return {
            **dict(zip(CATEGORICAL_FEATURES, self.categorical[i].tolist(), strict=True)),
            **dict(zip(NUMERIC_FEATURES, self.numeric[i].tolist(), strict=True)),
        }

    def frame(self, index: pd.Index | None = None) -> pd.DataFrame:
        """The rows as :func:`as_model_input` makes them (categoricals as ``category``)."""
        columns: dict[str, Any] = {
            name: pd.Categorical(self.categorical[:, j].astype(str))
            for j, name in enumerate(CATEGORICAL_FEATURES)
        }
        columns.update({name: self.numeric[:, j] for j, name in enumerate(NUMERIC_FEATURES)})
        return pd.DataFrame(columns, index=index)


def money_in_gbp(actions: Sequence[Action], household: Household) -> np.ndarray:
    """Each action's money saved a year in GBP at the ECB reference rate
    (:func:`recommender.reference.gbp_per_unit`), so the ranking weighs money alike whatever its
    currency (travel costs are in GBP, home savings in the household's: 1,000 INR is not 1,000
    GBP). All zero for a household whose currency has no rate: its money is then not weighed,
    and its answer says so (``recommender.io.household.assemble_household``)."""
    rates = gbp_per_unit()
    if household.tariff.currency not in rates:
        return np.zeros(len(actions))
    return np.array(
        [a.savings.money_per_year * rates.get(a.savings.currency, 0.0) for a in actions],
        dtype=float,
    )


_CATEGORICAL_AT = {name: j for j, name in enumerate(CATEGORICAL_FEATURES)}
_NUMERIC_AT = {name: j for j, name in enumerate(NUMERIC_FEATURES)}


def feature_matrix(
    actions: Sequence[Action], household: Household, history: HistoryCounts
) -> FeatureMatrix:
    """One row per action: the features :func:`feature_frame` documents, as a FeatureMatrix.

    Kinds of actions that are in the history but not in ``actions`` come from its
    ``action_kind``; ``n_candidates`` counts the actions not in progress.
    """
    kinds = {a.id: a.kind for a in actions}
    kind_accepted: dict[str, int] = {}
    kind_dismissed: dict[str, int] = {}
    household_accepted = household_dismissed = 0
    for action_id, (_, accepted, dismissed, done) in history.counts.items():
        household_accepted += accepted + done
        household_dismissed += dismissed
        kind = history.kind[action_id]
        kind = kinds.get(action_id) if kind is None else kind
        if kind is not None:
            kind_accepted[kind] = kind_accepted.get(kind, 0) + accepted + done
            kind_dismissed[kind] = kind_dismissed.get(kind, 0) + dismissed
    in_progress = history.in_progress()
    per_household = (
        annual_kwh(household),
        float(household_accepted),
        float(household_dismissed),
    )
    context = (float(sum(1 for a in actions if a.id not in in_progress)), context_month(household))
    numeric = []
    money_gbp = money_in_gbp(actions, household)
    for i, a in enumerate(actions):
        shown, accepted, dismissed, done = history.of(a.id)
        s = a.savings
        numeric.append(
            (
                *per_household,
                s.kg_co2e_per_year,
                money_gbp[i],
                s.kwh_per_year,
                s.extra_minutes_per_year / 60.0,
                calculator_likelihood(a),
                shown,
                accepted + done,
                dismissed,
                kind_accepted.get(a.kind, 0),
                kind_dismissed.get(a.kind, 0),
                *context,
            )
        )
    region, tariff = str(household.region), str(household.tariff.type)
    categorical = [(str(a.kind), action_topic(a), region, tariff) for a in actions]
    return FeatureMatrix(
        np.array(categorical, dtype=object).reshape(len(actions), len(CATEGORICAL_FEATURES)),
        np.array(numeric, dtype=float).reshape(len(actions), len(NUMERIC_FEATURES)),
    )


def feature_frame(
    actions: Sequence[Action],
    household: Household,
    history: pd.DataFrame | Mapping[str, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """One row of :data:`FEATURE_COLUMNS` per action, indexed by action id.

    ``history`` is a history as :func:`recommender.ranking.history.normalise_history` takes
    it; kinds of actions that are in the history but not in ``actions`` come from its
    ``action_kind`` column.
    """
    matrix = feature_matrix(actions, household, history_counts(history))
    return matrix.frame(pd.Index([a.id for a in actions], name="action_id"))


def as_model_input(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns in :data:`FEATURE_COLUMNS` order, categoricals as pandas ``category`` (the model
    encodes them by value, so rows built at different times line up), numerics as float."""
    missing = [c for c in FEATURE_COLUMNS if c not in frame]
    if missing:
        raise InvalidInput(
            [Problem(f"features.{c}", "is missing", "a feature column") for c in missing],
            source="features",
        )
    out = frame.loc[:, list(FEATURE_COLUMNS)].copy()
    for name in CATEGORICAL_FEATURES:
        out[name] = out[name].astype(str).astype("category")
    for name in NUMERIC_FEATURES:
        out[name] = pd.to_numeric(out[name], errors="coerce").astype(float)
    return out


def features_from_contexts(contexts: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Model input from the feature snapshots stored with ``shown`` events."""
    rows = list(contexts)
    return as_model_input(pd.DataFrame(rows) if rows else pd.DataFrame(columns=FEATURE_COLUMNS))


def snapshot(row: Mapping[str, Any] | pd.Series) -> dict[str, Any]:
    """A JSON-ready snapshot of one feature row, to store with the ``shown`` event."""
    out: dict[str, Any] = {}
    for name in FEATURE_COLUMNS:
        value = row[name]
        if name in CATEGORICAL_FEATURES:
            out[name] = str(value)
        else:
            missing = math.isnan(value) if isinstance(value, float) else pd.isna(value)
            out[name] = None if missing else float(value)
    return out
