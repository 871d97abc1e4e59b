"""The learning loop through the public API: feedback changes what the service shows next."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from recommender.cli import main
from recommender.errors import InvalidInput
from recommender.feedback import FeedbackStore
from recommender.service import Service


def _event(household_id: str, action_id: str, kind: str, minutes: int) -> dict:
    stamp = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    return {
        "household_id": household_id,
        "action_id": action_id,
        "event_type": kind,
        "timestamp": stamp,
    }


def test_accepted_leaves_and_twice_dismissed_drops(service, sample_payload, tmp_path) -> None:
    store = FeedbackStore(f"sqlite:///{tmp_path / 'feedback.sqlite3'}")
    with_store = Service(service.models, feedback=store)
    first = with_store.recommend(sample_payload)
    household_id = first.household_id
    shown = store.events(household_id)
    assert set(shown["action_id"]) == {a.id for a in first.actions}  # what was shown is recorded

    top = first.actions[0].id
    # An action that overlaps with no other, so dismissing it cannot hand its place to a rival.
    second = next(a.id for a in first.actions[1:] if not a.conflicts_with)
    store.record(_event(household_id, top, "accepted", 1))
    store.record(_event(household_id, second, "dismissed", 2))
    store.record(_event(household_id, second, "dismissed", 3))
    after = with_store.recommend(sample_payload)
    ids = [a.id for a in after.actions]
    assert top not in ids
    assert ids.index(second) == len(ids) - 1


def test_the_loop_from_the_command_line(trained_models_dir, sample_payload, tmp_path) -> None:
    """recommend --feedback records what was shown; feedback answers it once; train learns."""
    url = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    household = tmp_path / "household.json"
    household.write_text(json.dumps(sample_payload))
    runner = CliRunner()
    shown = runner.invoke(
        main,
        [
            "recommend",
            str(household),
            "--format",
            "json",
            "--feedback",
            url,
            "--models-dir",
            str(trained_models_dir),
        ],
    )
    assert shown.exit_code == 0, shown.output
    answer = json.loads(shown.output)
    hid, top = answer["household_id"], answer["actions"][0]["id"]
    args = ["feedback", hid, top, "accepted", "--store", url, "--shown-at", answer["generated_at"]]
    first, again = runner.invoke(main, args), runner.invoke(main, args)
    assert first.exit_code == 0 and first.output.startswith("recorded"), first.output
    assert again.exit_code == 0 and again.output.startswith("already recorded"), again.output

    unknown = runner.invoke(main, ["feedback", hid, "no-such-action", "accepted", "--store", url])
    assert unknown.exit_code == 2 and "never shown" in unknown.output
    wrong_time = [*args[:-1], "2020-01-01T00:00:00Z"]
    assert runner.invoke(main, wrong_time).exit_code == 2

    models = tmp_path / "models"
    trained = runner.invoke(main, ["train", "--feedback", url, "--models-dir", str(models)])
    assert trained.exit_code == 0, trained.output
    card = json.loads((models / "likelihood.card.json").read_text())
    assert card["training_data"]["real_impressions"] == len(answer["actions"])
    assert card["training_data"]["real_positives"] == 1
    assert card["training_data"]["trained_on"] == "simulated+real"
    relearned = Service.from_dir(models).recommend(sample_payload)
    assert all("real impressions" in a.likelihood_source for a in relearned.actions)


def test_service_refuses_a_response_to_what_it_never_showed(service, sample_payload, tmp_path):
    store = FeedbackStore(f"sqlite:///{tmp_path / 'feedback.sqlite3'}")
    with_store = Service(service.models, feedback=store)
    answer = with_store.recommend(sample_payload)
    event = {"household_id": answer.household_id, "action_id": answer.actions[0].id}
    assert with_store.record_feedback({**event, "event_type": "done"})
    assert not with_store.record_feedback({**event, "event_type": "done"})
    with pytest.raises(InvalidInput, match="never shown"):
        with_store.record_feedback({**event, "action_id": "made-up", "event_type": "done"})
    with pytest.raises(InvalidInput, match="event_type"):
        with_store.record_feedback({**event, "event_type": "shown"})
    with pytest.raises(InvalidInput, match="colour"):
        with_store.record_feedback({**event, "event_type": "done", "colour": "red"})


def test_answers_say_their_likelihood_was_learned_from_a_simulation(service, sample_payload):
    answer = service.recommend(sample_payload)
    for action in answer.to_dict()["actions"]:
        assert action["likelihood_source"] == "a simulated population, with no real feedback yet"
        assert "learned from a simulated population" in action["explanation"]
        assert " people take up" not in action["explanation"]
