"""Golden answers: the engine gives the same answer, to the character, as when the file was written.

Written before the columnar engine replaced the per-household path, so that a speed-up cannot
quietly change an answer. The households: the bundled sample (the real UK meter 0, compact
readings) at two instants, the same household as a list of readings over its last four weeks, as
a daily-only meter (its hours summed to whole local days) and declared a gas meter, and three
synthetic households (``recommender.synth``: real meters' daily shapes; no real data ties
appliances and trips to a meter) read back through the batch reader. ``now`` is fixed; the
measured fields are left out (see ``answer_json``).

When an answer changes on purpose (a retrained model, a new rule), rewrite the file and review
its diff:  GREENREC_UPDATE_GOLDEN=1 pytest tests/test_golden_answers.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from answer_json import comparable
from home_meters import daily_payload

from recommender.io import read_tables
from recommender.synth import write_population

GOLDEN = Path(__file__).parent / "golden" / "answers.json"
LIBRARIES = Path(__file__).parent / "golden" / "libraries.json"  # what the file was written with
NOW = pd.Timestamp("2022-12-20T12:00:00Z")
SYNTH_NOW = pd.Timestamp("2024-02-05T12:00:00Z")


def _list_form(payload: dict, hours: int) -> dict:
    readings = payload["readings"]
    kwh = readings["kwh"][-hours:]
    start = pd.Timestamp(readings["start"]) + pd.Timedelta(hours=len(readings["kwh"]) - hours)
    stamps = pd.date_range(start, periods=hours, freq="h")
    return {
        **payload,
        "household_id": "h-sample-0-list",
        "readings": [
            {"timestamp": s.isoformat(), "kwh": v} for s, v in zip(stamps, kwh, strict=True)
        ],
        "temperature": [t for t in payload["temperature"] if pd.Timestamp(t["timestamp"]) >= start],
    }


@pytest.fixture(scope="module")
def answers(service, sample_payload, tmp_path_factory) -> dict[str, dict]:
    out = {
        "sample": service.recommend(sample_payload, now=NOW),
        "sample-earlier": service.recommend(sample_payload, now=NOW - pd.Timedelta(days=200)),
        "sample-list-4-weeks": service.recommend(_list_form(sample_payload, 28 * 24), now=NOW),
        "sample-daily": service.recommend(daily_payload(sample_payload), now=NOW),
        "sample-gas": service.recommend({**sample_payload, "fuel": "gas"}, now=NOW),
    }
    paths = write_population(tmp_path_factory.mktemp("golden"), 3, days=56, seed=11)
    batch = read_tables(paths["households"], paths["readings"], paths["trips"])
    assert not batch.failures
    for home in batch.households:
        out[home.household_id] = service.recommend(home, now=SYNTH_NOW)
    return {name: comparable(answer) for name, answer in out.items()}


def _libraries() -> dict[str, str]:
    """The versions the answers depend on beyond greenrec's code: the models are trained in the
    test session, and another scikit-learn or numpy trains (slightly) other models."""
    from importlib.metadata import version

    return {name: version(name) for name in ("scikit-learn", "numpy", "pandas", "scipy")}


def test_answers_match_the_golden_file(answers) -> None:
    if os.environ.get("GREENREC_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(answers, sort_keys=True, indent=1) + "\n", encoding="utf-8")
        LIBRARIES.write_text(json.dumps(_libraries(), indent=1) + "\n", encoding="utf-8")
    written_with = json.loads(LIBRARIES.read_text(encoding="utf-8"))
    if written_with != _libraries():
        pytest.skip(
            f"the golden answers were written with {written_with}, this run has {_libraries()}: "
            "the session's freshly trained models differ; compare on those versions, or rewrite "
            "the file (GREENREC_UPDATE_GOLDEN=1) after reviewing why answers changed"
        )
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(answers) == sorted(golden)
    for name, answer in answers.items():
        got = json.dumps(answer, sort_keys=True, indent=1)
        assert got == json.dumps(golden[name], sort_keys=True, indent=1), name
