"""The learning loop through the public API: feedback changes what the service shows next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from recommender.cli import main
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


def test_feedback_command_records_once(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    runner = CliRunner()
    first = runner.invoke(main, ["feedback", "h-1", "shift-dishwasher", "accepted", "--store", url])
    assert first.exit_code == 0, first.output
    assert len(FeedbackStore(url).events("h-1")) == 1
    bad = runner.invoke(main, ["feedback", "", "shift-dishwasher", "accepted", "--store", url])
    assert bad.exit_code == 2 and "household_id" in bad.output
