"""``greenrec feedback``: what a household did with the advice it was shown."""

from __future__ import annotations

import click

from recommender.cli.errors import friendly_errors
from recommender.cli.options import feedback_store_option


@click.command()
@click.argument("household_id")
@click.argument("action_id")
@click.argument("event_type", type=click.Choice(["accepted", "dismissed", "done"]))
@click.option(
    "--shown-at",
    default=None,
    help="The generated_at of the answer that showed the action (default: its latest showing).",
)
@feedback_store_option("--store", required=True)
@friendly_errors
def feedback(
    household_id: str, action_id: str, event_type: str, shown_at: str | None, store_url: str
) -> None:
    """Record that HOUSEHOLD_ID accepted, dismissed or did ACTION_ID, an action it was shown by
    `greenrec recommend --feedback URL` (retrain with `greenrec train --feedback URL`). The
    action must have been shown; the same response to the same showing is stored once."""
    from recommender.feedback import FeedbackStore

    store = FeedbackStore(store_url)
    try:
        stored = store.record_response(household_id, action_id, event_type, shown_at=shown_at)
    finally:
        store.close()
    click.echo(
        f"{'recorded' if stored else 'already recorded'}: {household_id} {event_type} {action_id}"
    )
