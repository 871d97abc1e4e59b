"""The columnar path: a chunk of households through every capability at once.

:func:`score_chunk` is what :meth:`recommender.service.Service.answers` runs, for a chunk of one
(an app's request) or of hundreds (a batch task): forecast, travel, home actions and ranking each
run once over the chunk's households, so a model is called once per chunk and not once per
household. A household that a stage cannot use (too little history, trips it cannot read) gets
that stage's :class:`~recommender.errors.GreenrecError` as its result and leaves the chunk; the
others go on. Each stage returns its results in the order of the households it was given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from recommender.actions.home import HomeReport, home_reports_many
from recommender.actions.travel import TravelReport, travel_reports
from recommender.domain import Action, Forecast, Household
from recommender.errors import GreenrecError
from recommender.forecast import forecast_households
from recommender.forecast.age import dated
from recommender.ranking import RankingInput, RankingWeights, rank_actions_many


@dataclass
class ScoredHousehold:
    """One household's way through the chunk: each stage fills its part."""

    household: Household
    history: Any = None
    forecast: Forecast | None = None
    travel: TravelReport | None = None
    home: HomeReport = field(default_factory=HomeReport)
    ranked: list[Action] = field(default_factory=list)

    @property
    def answer_forecast(self) -> Forecast:
        if self.forecast is None:
            raise RuntimeError("the forecast stage has not run for this household")
        return self.forecast

    @property
    def travel_actions(self) -> tuple[Action, ...]:
        return tuple(self.travel.actions) if self.travel is not None else ()

    @property
    def travel_warnings(self) -> tuple[str, ...]:
        return tuple(self.travel.warnings) if self.travel is not None else ()

    @property
    def home_warnings(self) -> tuple[str, ...]:
        return self.home.warnings


Work = ScoredHousehold | GreenrecError


def score_chunk(
    households: Sequence[Household],
    histories: Sequence[Any],
    models: Any,
    *,
    now: pd.Timestamp | None = None,
    top_k: int | None = None,
    weights: RankingWeights | None = None,
) -> list[Work]:
    """Forecast, act and rank a chunk of households; one result per household, in order.

    ``models`` has ``forecaster``, ``mode_choice`` and ``likelihood`` (the service's loaded
    models); ``histories`` each household's feedback history or None. ``now`` (default: the
    current time) is the instant of the answers: the home actions' schedule starts from it when
    there is no forecast, and a forecast that is not of the days after it says so
    (:func:`~recommender.forecast.age.dated`).
    """
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    work: list[Work] = [
        ScoredHousehold(home, history) for home, history in zip(households, histories, strict=True)
    ]

    def forecasts(alive: list[ScoredHousehold]) -> list[Any]:
        found = forecast_households(models.forecaster, [w.household for w in alive])
        return [f if isinstance(f, GreenrecError) else dated(f, now) for f in found]

    def travel(alive: list[ScoredHousehold]) -> list[Any]:
        return travel_reports([w.household for w in alive], mode_choice=models.mode_choice)

    def home(alive: list[ScoredHousehold]) -> list[Any]:
        forecasts = [w.answer_forecast for w in alive]
        return home_reports_many([w.household for w in alive], forecasts, now=now)

    def ranked(alive: list[ScoredHousehold]) -> list[Any]:
        items = [
            RankingInput([*w.home.actions, *w.travel_actions], w.household, w.history)
            for w in alive
        ]
        return rank_actions_many(items, model=models.likelihood, weights=weights, top_k=top_k)

    for part, run in (
        ("forecast", forecasts),
        ("travel", travel),
        ("home", home),
        ("ranked", ranked),
    ):
        work = _stage(work, part, run)
    return work


def _stage(
    work: list[Work], part: str, run: Callable[[list[ScoredHousehold]], Sequence[Any]]
) -> list[Work]:
    """Run one stage over the households still in the chunk; an error item takes one out."""
    alive = [w for w in work if isinstance(w, ScoredHousehold)]
    results = iter(run(alive) if alive else [])
    out: list[Work] = []
    for item in work:
        if isinstance(item, ScoredHousehold):
            result = next(results)
            if isinstance(result, GreenrecError):
                item = result
            else:
                setattr(item, part, result)
        out.append(item)
    return out
