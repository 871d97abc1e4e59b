"""Readers and validators: the canonical household JSON, the batch tables, importers.

One parser per input shape, shared by the web form, the JSON API and the batch scorer. Every
reader raises :class:`recommender.errors.InvalidInput` listing every problem it found.
"""

from recommender.io.household import (
    household_to_payload,
    parse_household,
    parse_household_json,
    read_household_json,
)

__all__ = [
    "household_to_payload",
    "parse_household",
    "parse_household_json",
    "read_household_json",
]
