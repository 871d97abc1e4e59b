"""rank_actions_many: a chunk of households gets exactly what each household gets alone."""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.actions.home import home_actions
from recommender.actions.travel import travel_report
from recommender.errors import InvalidInput
from recommender.feedback import history_from_events
from recommender.forecast import forecast_household
from recommender.io import parse_household, read_tables
from recommender.ranking import (
    RankingInput,
    RankingWeights,
    rank_actions,
    rank_actions_many,
    simulate,
)
from recommender.synth import write_population

SAMPLE_NOW = pd.Timestamp("2022-12-20T12:00:00Z")
SYNTH_NOW = pd.Timestamp("2024-02-05T12:00:00Z")


def _alone(item, **options):
    """rank_actions on one household (its history passed by name, as rank_actions takes it)."""
    actions, household, history = item
    return rank_actions(actions, household, history=history, **options)


def _calculated(service, household, now):
    forecast = forecast_household(service.models.forecaster, household)
    travel = travel_report(household, mode_choice=service.models.mode_choice)
    return [*home_actions(household, forecast, now=now), *travel.actions]


@pytest.fixture(scope="module")
def chunk(service, sample_payload, tmp_path_factory) -> list[RankingInput]:
    """Different households with different histories: the real sample meter (no history, then a
    mapping that dismissed one action twice and accepted a conflicting one), three synthetic
    households (real meters' shapes) and six SIMULATED ones with their replayed feedback (the
    store's history frames)."""
    sample = parse_household(sample_payload)
    actions = _calculated(service, sample, SAMPLE_NOW)
    conflicting = next(a for a in actions if a.conflicts_with)
    mapping = {
        actions[0].id: {"shown": 2, "accepted": 0, "dismissed": 2, "done": 0},
        conflicting.id: {"shown": 1, "accepted": 1, "dismissed": 0, "done": 0},
    }
    items = [RankingInput(actions, sample), RankingInput(actions, sample, mapping)]
    paths = write_population(tmp_path_factory.mktemp("chunk"), 3, days=56, seed=11)
    batch = read_tables(paths["households"], paths["readings"], paths["trips"])
    items += [RankingInput(_calculated(service, h, SYNTH_NOW), h) for h in batch.households]
    population = simulate.simulate_population(6, random_state=3)
    events = simulate.simulate_feedback(population, rounds=2, random_state=3)
    for hid in population.households.index:
        household, simulated = simulate.to_domain(population, hid, round_no=2)
        history = history_from_events(events[events["household_id"] == hid])
        items.append(RankingInput(simulated, household, history))
    return items


@pytest.mark.parametrize("options", [{}, {"top_k": 3, "weights": RankingWeights(0.2)}])
def test_a_chunk_answers_each_household_as_alone(chunk, service, options):
    model = service.models.likelihood
    together = rank_actions_many(chunk, model=model, **options)
    alone = [_alone(item, model=model, **options) for item in chunk]
    assert together == alone
    assert all(answer for answer in alone)  # every household here has advice to rank
    reversed_chunk = rank_actions_many(chunk[::-1], model=model, **options)
    assert reversed_chunk[::-1] == alone  # an answer does not depend on the chunk around it


def test_a_bad_household_gets_its_error_and_costs_the_others_nothing(chunk, service, make_action):
    model = service.models.likelihood
    actions, household, _ = chunk[0]
    broken = [*actions, make_action("x", "home_efficiency", float("nan"))]
    bad_history = {actions[0].id: {"shown": -1}}
    items = [chunk[2], RankingInput(broken, household), chunk[3], (actions, household, bad_history)]
    answers = rank_actions_many(items, model=model)
    assert answers[0] == _alone(chunk[2], model=model)
    assert answers[2] == _alone(chunk[3], model=model)
    for answer, item in ((answers[1], items[1]), (answers[3], items[3])):
        assert isinstance(answer, InvalidInput)
        with pytest.raises(InvalidInput) as alone:
            _alone(item, model=model)
        assert answer.problems == alone.value.problems
    assert {p.where for p in answers[1].problems} == {
        f"actions[{len(actions)}].savings.kg_co2e_per_year"
    }
    assert {p.where for p in answers[3].problems} == {"history.shown"}


def test_empty_chunk_and_households_with_nothing_to_rank(chunk, service):
    model = service.models.likelihood
    assert rank_actions_many([], model=model) == []
    _, household, _ = chunk[0]
    answers = rank_actions_many([RankingInput([], household), chunk[2]], model=model)
    assert answers == [[], _alone(chunk[2], model=model)]
