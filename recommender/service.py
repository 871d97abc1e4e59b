"""The one facade every surface calls: ``recommend(household) -> Recommendation``.

The web form, the partner API, the CLI and the batch scorer all go through :class:`Service`, so a
household gets the same answer wherever it comes from. Models are loaded once (checksummed) and
reused; each answer carries the training footprint of the models and the measured inference
footprint of that answer.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from recommender import registry
from recommender.chunk import ScoredHousehold, score_chunk
from recommender.domain import (
    Action,
    Footprint,
    Forecast,
    Household,
    ModelInfo,
    Recommendation,
)
from recommender.errors import GreenrecError, InsufficientData, InvalidInput, Problem
from recommender.feedback import FeedbackStore
from recommender.footprint import carbon_payback_range, measure, share_of
from recommender.forecast import forecast_household
from recommender.forecast.age import dated
from recommender.io import parse_household
from recommender.manifest import FORECASTER, LIKELIHOOD, MODE_CHOICE, MODEL_NAMES, model_inputs
from recommender.ranking import RankingWeights, shown_events

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedModels:
    forecaster: Any
    likelihood: Any
    mode_choice: Any
    cards: Mapping[str, registry.ModelCard]

    @property
    def version(self) -> str:
        return "+".join(self.cards[name].version for name in MODEL_NAMES)


def load_models(models_dir: Path | str | None = None) -> LoadedModels:
    """Load every model the service needs; raises ModelNotFound naming what is missing."""
    models_dir = Path(models_dir) if models_dir else registry.default_models_dir()
    loaded = {
        name: registry.load_model(name, models_dir, inputs=model_inputs(name))
        for name in MODEL_NAMES
    }
    return LoadedModels(
        forecaster=loaded[FORECASTER][0],
        likelihood=loaded[LIKELIHOOD][0],
        mode_choice=loaded[MODE_CHOICE][0],
        cards={name: card for name, (_, card) in loaded.items()},
    )


def training_footprint(cards: Mapping[str, registry.ModelCard]) -> Footprint | None:
    """The summed training footprint of all models (ranges add: they are co-monotone bounds)."""
    prints = [c.training_footprint for c in cards.values() if c.training_footprint]
    if not prints:
        return None

    def total(key: str) -> float:
        return float(sum(p.get(key) or 0.0 for p in prints))

    sources = sorted({p.get("details", {}).get("power_source", "unknown") for p in prints})
    return Footprint(
        energy_kwh=total("energy_kwh"),
        kg_co2e=total("kg_co2e"),
        kg_co2e_low=total("kg_co2e_low"),
        kg_co2e_high=total("kg_co2e_high"),
        method=f"sum of {len(prints)} model fits, each measured: "
        + " | ".join(
            f"{name}: {c.training_footprint['method']}"
            for name, c in cards.items()
            if c.training_footprint
        ),
        energy_kwh_low=total("energy_kwh_low"),
        energy_kwh_high=total("energy_kwh_high"),
        embodied_kg_co2e=total("embodied_kg_co2e"),
        details={
            "models": {name: c.version for name, c in cards.items()},
            "power_source": " + ".join(sources),
            "grid": prints[0].get("details", {}).get("grid", {}),
        },
    )


class Service:
    """Recommendations for one household at a time, from models loaded once."""

    def __init__(
        self,
        models: LoadedModels,
        *,
        region: str | None = None,
        feedback: FeedbackStore | None = None,
        meter_clock: str = "process",
    ) -> None:
        self.models = models
        self.region = region  # where this service runs, for the inference footprint
        # "thread" under a threaded server: each answer's footprint is charged to its own thread
        self.meter_clock = meter_clock
        # An optional recommender.feedback.FeedbackStore: when given, each answer uses the
        # household's accept/dismiss history and records what was shown (what retraining learns).
        self.feedback = feedback
        self._training_footprint = training_footprint(models.cards)

    @classmethod
    def from_dir(
        cls,
        models_dir: Path | str | None = None,
        *,
        region: str | None = None,
        feedback: FeedbackStore | None = None,
        meter_clock: str = "process",
    ) -> Service:
        return cls(
            load_models(models_dir), region=region, feedback=feedback, meter_clock=meter_clock
        )

    def with_feedback(self, feedback: FeedbackStore | None) -> Service:
        """This service, keeping ``feedback`` instead of its own store (e.g. one owner's view of
        it, :meth:`FeedbackStore.for_owner`, or None to record nothing); models are shared."""
        service = copy.copy(self)
        service.feedback = feedback
        return service

    def recommend(
        self,
        household: Household | Mapping[str, Any],
        *,
        now: pd.Timestamp | None = None,
        top_k: int | None = None,
        history: Any = None,
        weights: RankingWeights | None = None,
    ) -> Recommendation:
        """Forecast, build the home and travel actions, rank them, and attach footprints.

        ``household`` is a validated :class:`Household` or a canonical JSON payload (parsed by
        the same parser the form, the API and the batch reader use; bad input raises
        :class:`recommender.errors.InvalidInput` listing every problem). ``history`` is the
        household's feedback history (``FeedbackStore.history``), read from the service's store
        when it has one; ``weights`` set how carbon, money and effort combine in the ranking.
        It is :meth:`answers` on a chunk of one, so every surface gives the batch's answer.
        """
        if not isinstance(household, Household):
            household = parse_household(household)
        answer = self.answers(
            [household], now=now, top_k=top_k, histories=[history], weights=weights
        )[0]
        if isinstance(answer, GreenrecError):
            raise answer
        return answer

    def answers(
        self,
        households: Sequence[Household],
        *,
        now: pd.Timestamp | None = None,
        top_k: int | None = None,
        histories: Sequence[Any] | None = None,
        weights: RankingWeights | None = None,
    ) -> list[Recommendation | GreenrecError]:
        """Answers for a chunk of validated households, computed together (the columnar path).

        Each capability runs once over the chunk (:mod:`recommender.chunk`); a household whose
        data a stage cannot use gets that stage's :class:`GreenrecError` as its item and the
        others go on. The inference footprint is measured over the chunk and shared equally.
        """
        if histories is None:
            histories = [None] * len(households)
        histories = [
            self.feedback.history_rows(home.household_id)
            if history is None and self.feedback is not None
            else history
            for home, history in zip(households, histories, strict=True)
        ]
        with measure("recommend", region=self.region, clock=self.meter_clock) as meter:
            results = score_chunk(
                households, histories, self.models, now=now, top_k=top_k, weights=weights
            )
        generated_at = datetime.now(UTC)
        footprint = share_of(meter.footprint, max(len(households), 1))
        return [
            result
            if isinstance(result, GreenrecError)
            else self._answer(result, footprint, generated_at)
            for result in results
        ]

    def _answer(
        self, scored: ScoredHousehold, footprint: Footprint, generated_at: datetime
    ) -> Recommendation:
        household = scored.household
        if self.feedback is not None:
            self.feedback.record_shown(
                shown_events(household.household_id, scored.ranked, generated_at)
            )
        payback = self._payback(scored.ranked)
        model = ModelInfo(
            version=self.models.version,
            training_footprint=self._training_footprint,
            inference_footprint=footprint,
            carbon_payback=payback[0] if payback else None,
            carbon_payback_low=payback[1] if payback else None,
            carbon_payback_high=payback[2] if payback else None,
        )
        return Recommendation(
            household_id=household.household_id,
            forecast=scored.answer_forecast,
            actions=tuple(scored.ranked),
            model=model,
            warnings=(*household.warnings, *scored.home_warnings, *scored.travel_warnings),
            generated_at=generated_at,
        )

    def forecast(
        self, household: Household | Mapping[str, Any], *, now: pd.Timestamp | None = None
    ) -> Forecast:
        """The household's usage forecast alone (the same one :meth:`recommend` answers with at
        the same ``now``, default the current time)."""
        if not isinstance(household, Household):
            household = parse_household(household)
        now = pd.Timestamp.now(tz="UTC") if now is None else now
        return dated(forecast_household(self.models.forecaster, household), now)

    def recommend_many(
        self,
        households: Sequence[Household | Mapping[str, Any]],
        *,
        now: pd.Timestamp | None = None,
        top_k: int | None = None,
    ) -> list[Recommendation | InvalidInput]:
        """Answers for several households, in order, computed together: each one a
        :class:`Recommendation`, or the :class:`InvalidInput` that lists what is wrong with that
        household (one bad household never costs the others their answer; too little history
        to use is such a problem)."""
        parsed = [_parsed(home) for home in households]
        valid = [home for home in parsed if isinstance(home, Household)]
        computed = iter(self.answers(valid, now=now, top_k=top_k))
        return [
            _as_problem(next(computed) if isinstance(item, Household) else item) for item in parsed
        ]

    def record_feedback(self, event: Mapping[str, Any]) -> bool:
        """Record what a household did with an action this service showed it; True if new.

        ``event``: ``household_id``, ``action_id``, ``event_type`` (accepted, dismissed or done)
        and optionally ``shown_at`` (the answer's ``generated_at``). The action must have been
        shown (InvalidInput otherwise) and the same response to the same showing is stored once
        (:meth:`recommender.feedback.FeedbackStore.record_response`).
        """
        if self.feedback is None:
            raise GreenrecError("this service keeps no feedback store; give it one to learn")
        fields = ("household_id", "action_id", "event_type", "shown_at")
        problems = [
            Problem(name, "is not a field of a response", f"one of {list(fields)}")
            for name in event
            if name not in fields
        ]
        problems += [
            Problem(name, "is missing or not a string", "a non-empty string")
            for name in fields[:3]
            if not isinstance(event.get(name), str) or not event[name]
        ]
        if problems:
            raise InvalidInput(problems, source="feedback")
        return self.feedback.record_response(
            event["household_id"],
            event["action_id"],
            event["event_type"],
            shown_at=event.get("shown_at"),
        )

    def forget_household(self, household_id: str) -> int:
        """Delete what this service's store kept for a household (what it was shown, its
        answers); returns how many events were deleted."""
        if self.feedback is None:
            raise GreenrecError("this service keeps no feedback store; there is nothing to forget")
        return self.feedback.forget(household_id)

    def _payback(self, ranked: list[Action]) -> tuple[float, float, float | None] | None:
        """Expected yearly savings of the advice shown (each action's savings times its
        likelihood, an action counted once even if a later one overlaps it) over the training
        footprint, with its range; None when training was not measured."""
        if self._training_footprint is None:
            return None
        counted: list[Action] = []
        for action in ranked:
            if not any(action.id in a.conflicts_with for a in counted):
                counted.append(action)
        expected = [
            sum(a.likelihood * getattr(a.savings, f"kg_co2e_per_year{end}") for a in counted)
            for end in ("", "_p10", "_p90")
        ]
        return carbon_payback_range(
            (expected[0], expected[1], expected[2]), self._training_footprint
        )


def _parsed(household: Household | Mapping[str, Any]) -> Household | InvalidInput:
    if isinstance(household, Household):
        return household
    try:
        return parse_household(household)
    except InvalidInput as error:
        return error


def _as_problem(answer: Recommendation | GreenrecError) -> Recommendation | InvalidInput:
    """A household's answer for :meth:`Service.recommend_many`: too little history becomes the
    household's problem; an error that is not about the household (a model) is raised."""
    if isinstance(answer, Recommendation | InvalidInput):
        return answer
    if isinstance(answer, InsufficientData):
        return answer.as_invalid_input()
    raise answer


__all__ = ["LoadedModels", "Service", "load_models"]
