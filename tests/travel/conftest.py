"""Fixtures for the travel tests (builders live in travel_builders.py)."""

from __future__ import annotations

import pytest

from recommender.actions.travel import train_mode_choice


@pytest.fixture(scope="session")
def mode_choice():
    """The cold-start model, trained once for the session (simulated population, seed 0)."""
    return train_mode_choice(random_state=0)
