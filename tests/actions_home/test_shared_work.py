"""Work the home stage does once and reuses must give what doing it again gives: the packaged
provider's candidate windows kept across calls (bounded), and the cycle finder's 56 days cut
from the load profile's last year instead of from the readings. On the real sample-0 meter."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import numpy as np
import pandas as pd
import pytest

from recommender.actions.home import home_actions, shift
from recommender.actions.home.detect import WINDOW_DAYS, profile_window_hours, window_hours
from recommender.actions.home.profile import load_profile
from recommender.domain import Appliance
from recommender.grid.providers import OfflineProvider

NOW = pd.Timestamp("2021-06-01T12:00:00Z")


class CountingProvider(OfflineProvider):
    """The packaged figures from a provider that is not the packaged one (as a live provider
    would be): its windows are not kept across calls. Counts the forecasts asked of it."""

    def __init__(self) -> None:
        self.calls = 0

    def forecast(self, region, index, timezone=None):
        self.calls += 1
        return super().forecast(region, index, timezone)


@pytest.fixture
def home(household0):
    return replace(
        household0,
        appliances=(*household0.appliances, Appliance("tumble_dryer", 2, time(20, 0))),
    )


def test_kept_windows_answer_as_windows_made_afresh(home, monkeypatch) -> None:
    kept = shift.KeptParts(shift.KEPT_PARTS)
    monkeypatch.setattr(shift, "_OFFLINE_PARTS", kept)
    asked = []
    forecast = shift.intensity_arrays

    def counted(*args, **kwargs):
        asked.append(args)
        return forecast(*args, **kwargs)

    monkeypatch.setattr(shift, "intensity_arrays", counted)
    first = home_actions(home, now=NOW)
    again = home_actions(home, now=NOW, provider=OfflineProvider())
    assert len(asked) == 1 and len(kept) > 0  # the second call asked the kept windows
    afresh = CountingProvider()
    assert first == again == home_actions(home, now=NOW, provider=afresh)
    assert any(a.kind == "shift_appliance" for a in first)


def test_a_provider_other_than_the_packaged_one_is_asked_each_call(home) -> None:
    provider = CountingProvider()
    home_actions(home, now=NOW, provider=provider)
    home_actions(home, now=NOW, provider=provider)
    assert provider.calls == 2  # once per call: nothing kept from one call to the next


def test_kept_parts_drop_the_least_recently_used() -> None:
    kept = shift.KeptParts(2)
    kept[("a",)] = 1
    kept[("b",)] = 2
    assert kept[("a",)] == 1  # "a" used last: "b" goes first
    kept[("c",)] = 3
    assert list(kept) == [("a",), ("c",)]


@pytest.mark.parametrize("cut", ["year", "half-hourly", "unsorted"])
def test_the_cycle_finders_hours_from_the_profile_are_those_cut_from_the_readings(
    household0, cut
) -> None:
    readings = household0.readings_kwh.iloc[-24 * 400 :]
    if cut == "half-hourly":  # not on whole hours: the readings are summed to hours instead
        halves = readings.to_numpy() / 2
        index = pd.date_range(readings.index[0], periods=2 * len(readings), freq="30min")
        readings = pd.Series(np.repeat(halves, 2), index=index)
    elif cut == "unsorted":
        readings = pd.concat([readings.iloc[-100:], readings.iloc[:-100]])
    home = replace(household0, readings_kwh=readings)
    profile = load_profile(home)
    got = profile_window_hours(home, profile, WINDOW_DAYS)
    expected = window_hours(home.readings_kwh, home.timezone, WINDOW_DAYS)
    assert len(got.kwh) >= 24 * (WINDOW_DAYS - 1)
    for a, b in zip(got, expected, strict=True):
        assert a.tobytes() == b.tobytes()
