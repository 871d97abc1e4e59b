"""Synthetic households: the docs/tables.md columns, consistent regions, tariffs and appliances."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from recommender.domain import APPLIANCE_KINDS
from recommender.synth import synthetic_households
from recommender.synth.households import OWNERSHIP, REGION_TIMEZONES

N = 6000


@pytest.fixture(scope="module")
def homes() -> pd.DataFrame:
    return synthetic_households(N, seed=7)


def test_columns_are_the_tables_schema(homes: pd.DataFrame) -> None:
    expected = [
        "household_id", "region", "timezone", "tariff_type", "price_per_kwh", "currency",
        "tariff_rates",
    ]  # fmt: skip
    for kind in APPLIANCE_KINDS:
        expected += [f"{kind}_cycles_per_week", f"{kind}_usual_start"]
    expected += ["quiet_hours_start", "quiet_hours_end", "max_extra_minutes_per_trip"]
    assert list(homes.columns) == expected
    assert homes["household_id"].is_unique and len(homes) == N


def test_time_zone_is_a_real_zone_of_the_region(homes: pd.DataFrame) -> None:
    for region, tz in zip(homes["region"], homes["timezone"], strict=True):
        ZoneInfo(tz)
        assert tz in REGION_TIMEZONES[region]
    currency = {"GB": "GBP", "FR": "EUR", "DE": "EUR", "US": "USD"}
    assert (homes["region"].map(currency) == homes["currency"]).all()
    assert (homes["region"] == "GB").mean() > 0.75


def test_flat_tariffs_have_a_price_and_tou_tariffs_cover_the_day(homes: pd.DataFrame) -> None:
    flat = homes["tariff_type"] == "flat"
    assert set(homes["tariff_type"]) == {"flat", "tou"}
    assert homes.loc[flat, "price_per_kwh"].gt(0).all()
    assert homes.loc[flat, "tariff_rates"].isna().all()
    assert homes.loc[~flat, "price_per_kwh"].isna().all()
    gb_flat = homes.loc[flat & (homes["region"] == "GB"), "price_per_kwh"]
    assert gb_flat.median() == pytest.approx(0.245, rel=0.02)  # Ofgem cap Apr-Jun 2024
    for text in homes.loc[~flat, "tariff_rates"].unique():
        bands = json.loads(text)
        minutes = 0
        for band in bands:
            start, end = (int(t[:2]) * 60 + int(t[3:]) for t in (band["start"], band["end"]))
            minutes += (end - start) % 1440
            assert band["price_per_kwh"] > 0
        assert minutes == 1440, text  # the bands tile the 24 hours exactly
        assert len({b["price_per_kwh"] for b in bands}) > 1  # a real time-of-use shape


def test_appliances_follow_the_stated_ownership(homes: pd.DataFrame) -> None:
    for kind, share in OWNERSHIP.items():
        if kind == "tumble_dryer":
            continue  # only drawn among washing-machine owners
        owned = homes[f"{kind}_cycles_per_week"].notna().mean()
        assert abs(owned - share) < 4 * np.sqrt(share * (1 - share) / N), kind
    for kind in APPLIANCE_KINDS:
        cycles = homes[f"{kind}_cycles_per_week"]
        start = homes[f"{kind}_usual_start"]
        assert cycles.dropna().gt(0).all()
        assert start[cycles.isna()].isna().all(), kind  # no start time for an absent appliance
        assert start.dropna().str.fullmatch(r"([01]\d|2[0-3]):[0-5]\d").all(), kind
    ev = homes["ev_charger_cycles_per_week"].notna()
    assert 0 < ev.mean() < 0.1


def test_same_seed_same_table() -> None:
    pd.testing.assert_frame_equal(synthetic_households(700, 3), synthetic_households(700, 3))
    assert not synthetic_households(50, 3).equals(synthetic_households(50, 4))
