"""Readers and validators: the canonical household JSON, the batch tables, importers.

One parser per input shape, shared by the web form, the JSON API and the batch scorer. Every
reader raises :class:`recommender.errors.InvalidInput` listing every problem it found; safe fixes
are applied and listed in ``Household.warnings``. Limits live in :mod:`recommender.io.schema`.
"""

from recommender.io.household import (
    household_to_payload,
    parse_household,
    parse_household_json,
    read_household_json,
)
from recommender.io.table_rows import household_to_tables
from recommender.io.tables import BatchInput, iter_tables, read_tables

__all__ = [
    "BatchInput",
    "household_to_payload",
    "household_to_tables",
    "iter_tables",
    "parse_household",
    "parse_household_json",
    "read_household_json",
    "read_tables",
]
