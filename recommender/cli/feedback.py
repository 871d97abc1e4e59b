"""``greenrec feedback``: what a household did with the advice it was shown."""

from __future__ import annotations

import click

from recommender.cli.errors import friendly_errors


@click.command()
@click.argument("household_id")
@click.argument("action_id")
@click.argument("event_type", type=click.Choice(["shown", "accepted", "dismissed", "done"]))
@click.option(
    "--store",
    "store_url",
    default="sqlite:///greenrec-feedback.sqlite3",
    show_default=True,
    help="Feedback store (any SQLAlchemy URL).",
)
@friendly_errors
def feedback(household_id: str, action_id: str, event_type: str, store_url: str) -> None:
    """Record that HOUSEHOLD_ID accepted, dismissed or did ACTION_ID (retrain with
    `greenrec train --feedback URL`). Recording the same event twice stores it once."""
    from datetime import UTC, datetime

    from recommender.feedback import FeedbackStore

    event = {
        "household_id": household_id,
        "action_id": action_id,
        "event_type": event_type,
        "timestamp": datetime.now(UTC),
    }
    stored = FeedbackStore(store_url).record(event)
    click.echo(
        f"{'recorded' if stored else 'already recorded'}: {household_id} {event_type} {action_id}"
    )
