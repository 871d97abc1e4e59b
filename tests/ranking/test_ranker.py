"""rank_actions through the public API: score, diversity, conflicts, feedback, explanations."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from recommender.errors import InvalidInput
from recommender.feedback import FeedbackStore
from recommender.ranking import RankingWeights, in_progress_actions, rank_actions, shown_events

T0 = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture()
def store(tmp_path):
    s = FeedbackStore(f"sqlite:///{tmp_path / 'feedback.sqlite3'}")
    yield s
    s.close()


def ids(actions):
    return [a.id for a in actions]


def test_ranks_are_one_to_n_with_likelihood_and_new_objects(mixed_actions, household, model):
    ranked = rank_actions(mixed_actions, household, model=model)
    assert [a.rank for a in ranked] == list(range(1, len(ranked) + 1))
    assert all(0.0 <= a.likelihood <= 1.0 for a in ranked)
    originals = {a.id: a for a in mixed_actions}
    for a in ranked:
        assert a is not originals[a.id]
        assert originals[a.id].rank == 0  # inputs untouched
        assert a.savings == originals[a.id].savings


def test_same_input_and_model_give_the_same_ranking(mixed_actions, household, model):
    first = rank_actions(mixed_actions, household, model=model)
    second = rank_actions(list(reversed(mixed_actions)), household, model=model)
    assert [(a.id, a.rank, a.likelihood, a.explanation) for a in first] == [
        (a.id, a.rank, a.likelihood, a.explanation) for a in second
    ]


def test_ties_are_broken_by_action_id(household, model, make_action):
    twins = [
        make_action(f"standby-{c}", "home_efficiency", 14.0, 16.0, 60.0, topic="standby")
        for c in "dbca"
    ]
    ranked = rank_actions(twins, household, model=model, weights=RankingWeights(max_per_kind=10))
    assert len({a.details["score"] for a in ranked}) == 1
    assert ids(ranked) == ["standby-a", "standby-b", "standby-c", "standby-d"]


def test_score_is_likelihood_times_hand_computed_value(mixed_actions, household, model):
    weights = RankingWeights(carbon_weight=0.8, max_per_kind=10, diversity_window=1)
    ranked = rank_actions(mixed_actions, household, model=model, weights=weights)
    for a in ranked:
        s = a.savings
        value = (
            0.8 * s.kg_co2e_per_year / 100
            + 0.2 * s.money_per_year / 50
            - s.extra_minutes_per_year / 60 / 50
        )
        assert a.details["value_points"] == pytest.approx(value)
        assert a.details["score"] == pytest.approx(a.likelihood * value)
    scores = [a.details["score"] for a in ranked]
    assert scores == sorted(scores, reverse=True)


def test_carbon_weight_defaults_to_the_household_preference(mixed_actions, household, model):
    money_minded = replace(household, preferences=replace(household.preferences, carbon_weight=0.0))
    ranked = rank_actions(mixed_actions, money_minded, model=model)
    tariff = next(a for a in ranked if a.id == "tariff-tou")
    assert tariff.details["value_points"] == pytest.approx(40.0 / 50 - 30 / 60 / 50)


def test_top_five_is_not_five_variants_of_one_idea(household, model, make_action):
    shifts = [
        make_action(f"shift-{k}", "shift_appliance", 300.0 + i, topic=k)
        for i, k in enumerate(
            ["dishwasher", "washing_machine", "ev_charger", "oven", "kettle", "heat_pump"]
        )
    ]
    others = [
        make_action("standby", "home_efficiency", 14.0, 16.0, topic="standby"),
        make_action("wash-30", "home_efficiency", 20.0, 23.0, topic="wash_30"),
        make_action("tariff-tou", "tariff_switch", 0.0, 40.0, topic="time_of_use"),
    ]
    ranked = rank_actions(shifts + others, household, model=model)
    top5 = [a.kind for a in ranked[:5]]
    assert top5.count("shift_appliance") == 2
    assert len(ranked) == 9  # the others are moved down, not dropped
    held = [a for a in ranked[5:] if a.kind == "shift_appliance"]
    assert all("not all one kind" in a.details["why_ranked"] for a in held)


def test_conflicting_actions_keep_the_better_one_and_say_so(mixed_actions, household, model):
    weights = RankingWeights(max_per_kind=10)
    ranked = rank_actions(mixed_actions, household, model=model, weights=weights)
    both = {"line-dry", "shift-tumble_dryer"}
    shown = [a for a in ranked if a.id in both]
    assert len(shown) == 1
    kept = shown[0]
    (lost,) = both - {kept.id}
    alone = {
        a.id: a.details["score"]
        for a in rank_actions(
            [a for a in mixed_actions if a.id != kept.id], household, model=model, weights=weights
        )
    }
    assert kept.details["score"] >= alone[lost]
    assert kept.details["replaces"] == [f"Do {lost}"]
    assert f"'Do {lost}'" in kept.explanation


def test_dismissed_twice_drops_in_the_ranking(mixed_actions, household, model, store):
    before = rank_actions(mixed_actions, household, model=model)
    target = before[0].id
    for day in (0, 7):
        when = T0 + timedelta(days=day)
        store.record_many(shown_events(household.household_id, before, when))
        store.record(
            {
                "household_id": household.household_id,
                "action_id": target,
                "event_type": "dismissed",
                "timestamp": when + timedelta(hours=2),
            }
        )
    history = store.history(household.household_id)
    assert history.loc[target, "dismissed"] == 2
    after = rank_actions(mixed_actions, household, model=model, history=history)
    moved = next(a for a in after if a.id == target)
    assert moved.rank > 1 and moved.rank == len(after)
    assert moved.likelihood < before[0].likelihood  # the model lowers it too
    assert "dismissed it 2 times" in moved.details["why_ranked"]


def test_accepted_action_is_not_shown_again_as_new_advice(mixed_actions, household, model, store):
    store.record(
        {
            "household_id": household.household_id,
            "action_id": "line-dry",
            "action_kind": "home_efficiency",
            "event_type": "accepted",
            "timestamp": T0,
        }
    )
    history = store.history(household.household_id)
    ranked = rank_actions(mixed_actions, household, model=model, history=history)
    assert "line-dry" not in ids(ranked)
    assert "shift-tumble_dryer" not in ids(ranked)  # overlaps with what is already under way
    progress = in_progress_actions(mixed_actions, history)
    assert [(a.id, a.details["status"]) for a in progress] == [("line-dry", "accepted")]
    store.record(
        {
            "household_id": household.household_id,
            "action_id": "line-dry",
            "event_type": "done",
            "timestamp": T0 + timedelta(days=3),
        }
    )
    history = store.history(household.household_id)
    assert "line-dry" not in ids(
        rank_actions(mixed_actions, household, model=model, history=history)
    )
    assert in_progress_actions(mixed_actions, history)[0].details["status"] == "done"


def test_why_ranked_uses_the_households_own_figures(mixed_actions, household, model, meter0_2022):
    annual_kwh = meter0_2022.mean() * 365.25 * 24  # hand calculation from the real meter
    ranked = rank_actions(mixed_actions, household, model=model)
    for a in ranked:
        why = a.details["why_ranked"]
        assert a.explanation.endswith(why)
        assert a.explanation.startswith(f"{a.id} saves")
        assert f"averaged {annual_kwh:,.0f} kWh a year" in why
        assert f"{a.likelihood:.0%} chance" in why
        assert f"Ranked {a.rank} of {len(ranked)}" in why
        assert f"{a.savings.kg_co2e_per_year:,.0f} kg CO2e" in why
        drivers = a.details["likelihood_drivers"]
        named = [k for k, v in drivers.items() if abs(v) >= 0.02][:2]
        for label in named:
            assert ("raised by" in why) or ("lowered by" in why), label


def test_drivers_name_the_dismissals(mixed_actions, household, model):
    history = {"wash-30": {"shown": 2, "dismissed": 2}}
    ranked = rank_actions(mixed_actions, household, model=model, history=history)
    wash = next(a for a in ranked if a.id == "wash-30")
    assert wash.details["likelihood_drivers"]["dismissed_before"] < -0.05
    assert "your 2 dismissal(s) of it" in wash.details["why_ranked"]
    assert wash.details["ranking_features"]["action_dismissed"] == 2.0


def test_top_k_and_empty_input(mixed_actions, household, model):
    assert len(rank_actions(mixed_actions, household, model=model, top_k=3)) == 3
    assert rank_actions([], household, model=model) == []


def test_bad_input_lists_every_problem(mixed_actions, household, model, make_action):
    broken = make_action("x", "home_efficiency", float("nan"))
    with pytest.raises(InvalidInput) as info:
        rank_actions([*mixed_actions, mixed_actions[0], broken], household, model=model, top_k=0)
    where = {p.where for p in info.value.problems}
    assert where == {"actions[8].id", "actions[9].savings.kg_co2e_per_year", "top_k"}


def test_weights_are_validated():
    with pytest.raises(InvalidInput) as info:
        RankingWeights(carbon_weight=1.5, money_per_point=0.0, max_per_kind=0)
    assert {p.where for p in info.value.problems} == {
        "weights.carbon_weight",
        "weights.money_per_point",
        "weights.max_per_kind",
    }
    with pytest.raises(InvalidInput):
        RankingWeights.from_dict({"carbon": 1.0})
    assert RankingWeights.from_dict({"carbon_weight": 1.0}).carbon_weight == 1.0


def test_effort_can_be_ignored():
    weights = RankingWeights(carbon_weight=1.0, effort_hours_per_point=math.inf)
    value = weights.value_points(np.array([200.0]), np.array([0.0]), np.array([6000.0]), 0.5)
    assert value[0] == pytest.approx(2.0)


def test_topics_of_the_calculators_action_ids(make_action):
    from recommender.ranking.features import action_topic, calculator_likelihood

    cases = {
        ("shift-tumble-dryer", "shift_appliance"): "tumble_dryer",
        ("standby-cut", "home_efficiency"): "standby",
        ("tou-tariff", "tariff_switch"): "time_of_use",
        ("travel-commute-1-to-rail", "travel_mode"): "rail",
        ("travel-commute-1-to-car_share", "travel_mode"): "carshare",
        ("travel-fewer-flights-flight_long_haul-6000km", "fewer_flights"): "long_haul",
        ("something-new", "home_efficiency"): "",
    }
    for (action_id, kind), topic in cases.items():
        assert action_topic(make_action(action_id, kind, 1.0)) == topic
    plain = make_action("travel-commute-1-to-bus", "travel_mode", 100.0)
    assert math.isnan(calculator_likelihood(plain))
    modelled = replace(plain, likelihood=0.3, details={"likelihood_source": "mode-choice model"})
    assert calculator_likelihood(modelled) == 0.3


def test_unknown_features_are_not_named_as_drivers(mixed_actions, household, model):
    ranked = rank_actions(mixed_actions, household, model=model)
    assert all("calculator" not in a.details["likelihood_drivers"] for a in ranked)
    assert all("mode-choice" not in a.details["why_ranked"] for a in ranked)


def test_no_model_is_trained_on_the_spot(mixed_actions, household):
    """The ranker and the travel calculator need the models the service loaded: called without
    one they refuse, instead of silently training an unmeasured model."""
    from recommender.actions.travel import travel_report

    with pytest.raises(TypeError, match="model"):
        rank_actions(mixed_actions, household)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="mode_choice"):
        travel_report(household)  # type: ignore[call-arg]
