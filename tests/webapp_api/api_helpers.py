"""Helpers shared by the /v1 API tests (imported by name, like tests/io/household_payloads)."""

from __future__ import annotations

from typing import Any

from recommender.settings import Settings

# Generous: only the rate-limit tests (which build their own app) should ever meet the limit.
TEST_SETTINGS = Settings(rate_limit="10000 per minute")
MEASURED = ("inference_footprint", "generated_at")  # differ per call: measured, not computed


def without_measured(obj: Any) -> Any:
    """``obj`` without the figures that are measured per call (footprint, timestamps)."""
    if isinstance(obj, dict):
        return {k: without_measured(v) for k, v in obj.items() if k not in MEASURED}
    if isinstance(obj, list):
        return [without_measured(v) for v in obj]
    return obj
