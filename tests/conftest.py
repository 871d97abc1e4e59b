"""Shared fixtures: paths to the real data shipped in data/."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Shared, noisy machines: a property test must fail on a wrong answer, never on a slow example.
# Derandomized: the same examples on every run and machine, so the suite passes every time or
# never (a random search found a new example now and then, and failed CI on code that had not
# changed). HYPOTHESIS_PROFILE=explore searches afresh, for a developer hunting new examples.
settings.register_profile("greenrec", deadline=None, derandomize=True)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "greenrec"))

# Models are signed with a key outside models/ (recommender.registry): the tests use their own,
# never the user's ~/.config/greenrec key.
os.environ.setdefault("GREENREC_MODEL_KEY", str(Path(tempfile.mkdtemp()) / "model-signing.key"))

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


@pytest.fixture(scope="session")
def trained_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every model trained once for the session on the bundled real data (as `greenrec train`)."""
    from recommender.training import train_all

    models_dir = tmp_path_factory.mktemp("models")
    train_all(models_dir)
    return models_dir


@pytest.fixture(scope="session")
def service(trained_models_dir: Path):
    from recommender.service import Service

    return Service.from_dir(trained_models_dir)


@pytest.fixture(scope="session")
def sample_payload() -> dict:
    from recommender.samples import sample_household_payload

    return sample_household_payload()
