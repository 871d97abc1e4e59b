"""The columnar path: a chunk of households answers exactly as each household alone.

``Service.recommend`` is a chunk of one; the batch scorer and ``recommend_many`` send chunks. The
chunk mixes the bundled real household (OpenEEmeter meter 0 with its temperatures) with synthetic
ones (``recommender.synth``: real meters' daily shapes, simulated trips; no real multi-household
set with trips exists in data/), of other lengths, with and without temperatures, and the real
household as a daily-only meter and as a gas meter (``home_meters``) would send it.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from home_meters import daily_payload

from recommender.domain import Recommendation
from recommender.errors import InvalidInput
from recommender.io import parse_household, read_tables
from recommender.synth import write_population

NOW = pd.Timestamp("2024-02-05T12:00:00Z")


def _canonical(answer: Recommendation) -> str:
    """The answer's JSON without what differs by design between two calls: when it was made
    and the measured footprint of computing it."""
    data = answer.to_dict()
    data.pop("generated_at")
    data["model"].pop("inference_footprint")
    return json.dumps(data, sort_keys=True)


@pytest.fixture(scope="module")
def chunk(sample_payload, tmp_path_factory) -> list:
    paths = write_population(tmp_path_factory.mktemp("pop"), n_households=5, days=40, seed=11)
    synthetic = read_tables(paths["households"], paths["readings"], paths["trips"]).households
    real = parse_household(sample_payload)
    daily = parse_household({**daily_payload(sample_payload), "household_id": "h-daily"})
    gas = parse_household({**sample_payload, "household_id": "h-gas", "fuel": "gas"})
    return [synthetic[0], real, daily, *synthetic[1:3], gas, *synthetic[3:]]


def test_a_chunk_answers_as_each_household_alone(service, chunk) -> None:
    together = service.answers(chunk, now=NOW, top_k=5)
    alone = [service.recommend(home, now=NOW, top_k=5) for home in chunk]
    assert [_canonical(a) for a in together] == [_canonical(a) for a in alone]


def test_the_answer_does_not_depend_on_the_chunks_order(service, chunk) -> None:
    forward = service.answers(chunk, now=NOW)
    backward = service.answers(chunk[::-1], now=NOW)
    assert [_canonical(a) for a in forward] == [_canonical(a) for a in backward[::-1]]


def test_a_household_the_engine_cannot_use_leaves_the_others_alone(
    service, chunk, sample_payload
) -> None:
    readings = sample_payload["readings"]
    short = {**sample_payload, "household_id": "h-short"}
    short["readings"] = {**readings, "kwh": readings["kwh"][-72:]}  # three days
    answers = service.recommend_many([chunk[0], short, chunk[1]], now=NOW)
    assert isinstance(answers[1], InvalidInput)
    assert [_canonical(a) for a in (answers[0], answers[2])] == [
        _canonical(service.recommend(home, now=NOW)) for home in chunk[:2]
    ]


def test_the_chunks_footprint_is_shared_and_says_so(service, chunk) -> None:
    answers = service.answers(chunk, now=NOW)
    prints = [a.model.inference_footprint for a in answers]
    assert len({p.energy_kwh for p in prints}) == 1 and prints[0].energy_kwh > 0
    assert f"one equal share of {len(chunk)} answers" in prints[0].method
    single = service.recommend(chunk[0], now=NOW).model.inference_footprint
    assert "share" not in single.method
