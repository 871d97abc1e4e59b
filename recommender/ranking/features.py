"""Features of (household, action, history, context) for the adoption-likelihood model.

One row per candidate action. The same columns are built here for live ranking and by
:mod:`recommender.ranking.simulate` for the simulated prior (a test checks the two agree), and a
snapshot of each row travels with the ``shown`` feedback event, so the model can later learn from
what really happened after it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from recommender.domain import Action, Household
from recommender.errors import InvalidInput, Problem
from recommender.feedback import EVENT_TYPES, HISTORY_COLUMNS

CATEGORICAL_FEATURES: tuple[str, ...] = ("kind", "topic", "region", "tariff_type")
NUMERIC_FEATURES: tuple[str, ...] = (
    # household
    "annual_kwh",
    "household_accepted",  # accepted or done actions of any kind so far
    "household_dismissed",
    # action
    "kg_co2e_per_year",
    "money_per_year",
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
IN_PROGRESS = ("accepted", "done")


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
    """The household's yearly use scaled from its readings (mean per interval x intervals per
    year); NaN when it has no readings."""
    readings = household.readings_kwh
    if readings is None or readings.notna().sum() == 0:
        return float("nan")
    per_year = 365.25 * 24 * 60 / household.reading_interval_minutes
    return float(readings.mean() * per_year)


def context_month(household: Household) -> float:
    """Local month (1-12) of the latest reading, the season the advice is given in; NaN if none."""
    readings = household.readings_kwh
    if readings is None or readings.notna().sum() == 0:
        return float("nan")
    last = readings.dropna().index.max()
    if last.tzinfo is None:
        return float(last.month)
    return float(last.tz_convert(household.timezone).month)


def normalise_history(
    history: pd.DataFrame | Mapping[str, Mapping[str, Any]] | None,
) -> pd.DataFrame:
    """History as :meth:`recommender.feedback.FeedbackStore.history` returns it, from that frame,
    a mapping ``{action_id: {"dismissed": 2, ...}}`` or None (no history)."""
    if history is None:
        history = {}
    if isinstance(history, Mapping):
        history = pd.DataFrame.from_dict(dict(history), orient="index")
    if not isinstance(history, pd.DataFrame):
        raise InvalidInput(
            Problem(
                "history",
                f"{type(history).__name__} is not a history",
                "FeedbackStore.history(household_id) or a mapping",
            ),
            source="history",
        )
    frame = history.copy()
    problems = []
    for name in EVENT_TYPES:
        if name not in frame:
            frame[name] = 0
        values = pd.to_numeric(frame[name], errors="coerce")
        if values.isna().any() or (values < 0).any():
            problems.append(
                Problem(
                    f"history.{name}", "has missing, non-numeric or negative counts", "counts >= 0"
                )
            )
        frame[name] = values.fillna(0).astype("int64")
    if problems:
        raise InvalidInput(problems, source="history")
    if "action_kind" not in frame:
        frame["action_kind"] = None
    if "status" not in frame:
        accepted = (frame["accepted"] + frame["done"]) > 0
        frame["status"] = np.where(
            accepted, "accepted", np.where(frame["dismissed"] > 0, "dismissed", "shown")
        )
    frame.index = frame.index.astype(str)
    frame.index.name = "action_id"
    return frame.loc[:, list(HISTORY_COLUMNS)]


def feature_frame(
    actions: Sequence[Action],
    household: Household,
    history: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row of :data:`FEATURE_COLUMNS` per action, indexed by action id.

    ``history`` is a normalised history (:func:`normalise_history`); kinds of actions that are in
    the history but not in ``actions`` come from its ``action_kind`` column.
    """
    hist = normalise_history(history)
    ids = [a.id for a in actions]
    kinds = pd.Series({a.id: a.kind for a in actions}, dtype=object)
    hist_kind = hist["action_kind"].astype(object).where(hist["action_kind"].notna(), None)
    hist_kind = hist_kind.fillna(kinds.reindex(hist.index))
    accepted = hist["accepted"] + hist["done"]
    in_progress = hist["status"].isin(IN_PROGRESS)
    kind_accepted = accepted.groupby(hist_kind).sum() if len(hist) else pd.Series(dtype="int64")
    kind_dismissed = (
        hist["dismissed"].groupby(hist_kind).sum() if len(hist) else pd.Series(dtype="int64")
    )
    per_action = hist.reindex(ids).fillna({name: 0 for name in EVENT_TYPES})
    n_candidates = sum(1 for i in ids if not (i in in_progress.index and in_progress[i]))
    frame = pd.DataFrame(
        {
            "kind": [a.kind for a in actions],
            "topic": [action_topic(a) for a in actions],
            "region": household.region,
            "tariff_type": household.tariff.type,
            "annual_kwh": annual_kwh(household),
            "household_accepted": float(accepted.sum()),
            "household_dismissed": float(hist["dismissed"].sum()),
            "kg_co2e_per_year": [a.savings.kg_co2e_per_year for a in actions],
            "money_per_year": [a.savings.money_per_year for a in actions],
            "kwh_per_year": [a.savings.kwh_per_year for a in actions],
            "extra_hours_per_year": [a.savings.extra_minutes_per_year / 60.0 for a in actions],
            "calculator_likelihood": [calculator_likelihood(a) for a in actions],
            "action_shown": per_action["shown"].to_numpy(dtype=float),
            "action_accepted": (per_action["accepted"] + per_action["done"]).to_numpy(dtype=float),
            "action_dismissed": per_action["dismissed"].to_numpy(dtype=float),
            "kind_accepted": [float(kind_accepted.get(a.kind, 0)) for a in actions],
            "kind_dismissed": [float(kind_dismissed.get(a.kind, 0)) for a in actions],
            "n_candidates": float(n_candidates),
            "month": context_month(household),
        },
        index=pd.Index(ids, name="action_id"),
    )
    return as_model_input(frame)


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


def snapshot(row: pd.Series) -> dict[str, Any]:
    """A JSON-ready snapshot of one feature row, to store with the ``shown`` event."""
    out: dict[str, Any] = {}
    for name in FEATURE_COLUMNS:
        value = row[name]
        if name in CATEGORICAL_FEATURES:
            out[name] = str(value)
        else:
            out[name] = None if pd.isna(value) else float(value)
    return out
