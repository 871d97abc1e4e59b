"""The io reader accepts the synthetic tables as they are: no failures, nothing lost."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import recommender.io
from recommender.domain import APPLIANCE_KINDS
from recommender.synth import write_population

read_tables = getattr(recommender.io, "read_tables", None)
pytestmark = pytest.mark.skipif(
    read_tables is None, reason="recommender.io.read_tables (the batch reader) is not there yet"
)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_reader_accepts_every_synthetic_household(tmp_path: Path, fmt: str) -> None:
    n, days = 6, 14  # the reader asks for at least 14 days of readings
    paths = write_population(tmp_path, n, days=days, seed=8, fmt=fmt)
    batch = read_tables(paths["households"], paths["readings"], paths["trips"])
    assert batch.failures == []
    assert len(batch.households) == n
    homes = (
        pd.read_parquet(paths["households"])
        if fmt == "parquet"
        else pd.read_csv(paths["households"])
    )
    readings = (
        pd.read_parquet(paths["readings"]) if fmt == "parquet" else pd.read_csv(paths["readings"])
    )
    trips = pd.read_parquet(paths["trips"]) if fmt == "parquet" else pd.read_csv(paths["trips"])
    by_id = {h.household_id: h for h in batch.households}
    assert set(by_id) == set(homes["household_id"])
    for _, row in homes.iterrows():
        household = by_id[row["household_id"]]
        assert household.region == row["region"] and household.timezone == row["timezone"]
        assert household.tariff.type == row["tariff_type"]
        owned = {k for k in APPLIANCE_KINDS if pd.notna(row[f"{k}_cycles_per_week"])}
        assert {a.kind for a in household.appliances} == owned
        mine = readings[readings["household_id"] == row["household_id"]]
        assert household.readings_kwh.notna().sum() == len(mine) == days * 24
        assert household.readings_kwh.sum() == pytest.approx(mine["kwh"].sum(), rel=1e-5)
        assert len(household.trips) == int((trips["household_id"] == row["household_id"]).sum())
        assert not household.warnings
    assert np.isfinite([h.readings_kwh.sum() for h in batch.households]).all()


def test_streaming_reader_takes_the_readings_in_chunks(tmp_path: Path) -> None:
    """The readings are written grouped by household, as ``iter_tables`` needs them."""
    iter_tables = recommender.io.iter_tables
    paths = write_population(tmp_path, 9, days=14, seed=3, fmt="csv")
    batches = list(
        iter_tables(
            paths["households"], paths["readings"], paths["trips"],
            chunk_households=4, rows_per_chunk=1000,
        )
    )  # fmt: skip
    assert len(batches) > 1
    assert [f for b in batches for f in b.failures] == []
    ids = [h.household_id for b in batches for h in b.households]
    assert sorted(ids) == [f"syn-{i:08d}" for i in range(9)]
