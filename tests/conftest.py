"""Shared fixtures: paths to the real data shipped in data/."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def meter0_path() -> Path:
    return DATA / "meters" / "uk-electricity-sample-0.csv.gz"


@pytest.fixture(scope="session")
def meter1_path() -> Path:
    return DATA / "meters" / "uk-electricity-sample-1.csv.gz"


@pytest.fixture(scope="session")
def temperature0_path() -> Path:
    return DATA / "meters" / "uk-temperature-sample-0.csv.gz"
