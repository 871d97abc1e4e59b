"""A declared appliance that gets no shift is told why, not left out without a word.

The household is the bundled sample (real sample-0 meter, GB grid data) with one declared
dishwasher; ``now`` is fixed, so the coming days' intensities are the packaged ones.
"""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.actions.home import HomeReport, home_reports_many
from recommender.io import parse_household

NOW = pd.Timestamp("2022-12-20T12:00:00Z")


def _report(sample_payload, usual: str, quiet: list[str] | None = None) -> HomeReport:
    payload = {
        **sample_payload,
        "appliances": [{"kind": "dishwasher", "cycles_per_week": 5, "usual_start": usual}],
        "preferences": {"quiet_hours": quiet} if quiet else {},
    }
    (item,) = home_reports_many([parse_household(payload)], now=NOW)
    assert isinstance(item, HomeReport)
    return item


@pytest.fixture(scope="module")
def best_start(sample_payload) -> str:
    shifted = {a.id: a for a in _report(sample_payload, "19:00").actions}["shift-dishwasher"]
    assert shifted.schedule is not None
    return shifted.schedule["start"]


def test_an_appliance_already_at_its_best_start_is_told_so(sample_payload, best_start) -> None:
    report = _report(sample_payload, best_start)
    assert "shift-dishwasher" not in {a.id for a in report.actions}
    (note,) = [w for w in report.warnings if "dishwasher" in w]
    assert f"beats your dishwasher's usual {best_start} in carbon or money" in note
    assert "quiet hours" not in note


def test_quiet_hours_that_leave_no_better_start_are_named(sample_payload) -> None:
    # only 19:00-21:00 is allowed: the usual 19:00 start is the only one a 2-hour cycle
    # (data/factors/appliances.csv) can take there
    report = _report(sample_payload, "19:00", quiet=["21:00", "19:00"])
    assert "shift-dishwasher" not in {a.id for a in report.actions}
    (note,) = [w for w in report.warnings if "dishwasher" in w]
    assert note.endswith(
        "within your quiet hours and ready-by time, so no shift is suggested for it"
    )


def test_a_shifted_appliance_gets_no_note(sample_payload) -> None:
    report = _report(sample_payload, "19:00")
    assert "shift-dishwasher" in {a.id for a in report.actions}
    assert not any("dishwasher" in w for w in report.warnings)
