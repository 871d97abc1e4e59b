"""Households built from the real meters in data/meters (eemeter samples, UTC)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from household_payloads import as_rows, base_payload

from recommender.io.importers import read_eemeter_meter


@pytest.fixture(scope="session")
def meter0(meter0_path) -> pd.Series:
    return read_eemeter_meter(meter0_path)


@pytest.fixture(scope="session")
def meter1(meter1_path) -> pd.Series:
    return read_eemeter_meter(meter1_path)


@pytest.fixture()
def payload0(meter0) -> dict[str, Any]:
    """Sample-0, first 60 days (hourly, clean)."""
    return base_payload(as_rows(meter0.iloc[: 60 * 24]))
