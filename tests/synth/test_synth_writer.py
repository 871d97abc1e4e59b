"""Writing the tables: byte-identical for a seed, in bounded chunks, readable as docs/tables.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from recommender.cli.synth import synth
from recommender.errors import InvalidInput
from recommender.synth import synthetic_hourly_kwh, write_population, writer
from recommender.synth._blocks import BLOCK

N, DAYS = 700, 3  # two seeding blocks, the second one partial


def _bytes(paths: dict[str, Path]) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in paths.items()}


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_same_seed_writes_byte_identical_tables(tmp_path: Path, fmt: str) -> None:
    a = write_population(tmp_path / "a", N, days=DAYS, seed=9, fmt=fmt)
    b = write_population(tmp_path / "b", N, days=DAYS, seed=9, fmt=fmt)
    c = write_population(tmp_path / "c", N, days=DAYS, seed=10, fmt=fmt)
    assert set(a) == {"households", "readings", "trips"}
    assert all(path.suffix == f".{fmt}" for path in a.values())
    assert _bytes(a) == _bytes(b)
    assert _bytes(a)["readings"] != _bytes(c)["readings"]


def test_tables_hold_what_the_generators_make(tmp_path: Path) -> None:
    paths = write_population(tmp_path, N, days=DAYS, seed=4, start="2024-06-01")
    homes = pd.read_parquet(paths["households"])
    readings = pd.read_parquet(paths["readings"])
    trips = pd.read_parquet(paths["trips"])
    assert len(homes) == N and homes["household_id"].is_unique
    assert len(readings) == N * DAYS * 24
    assert str(readings["timestamp"].dt.tz) == "UTC"
    assert readings["timestamp"].min() == pd.Timestamp("2024-06-01", tz="UTC")
    ids, _, kwh = synthetic_hourly_kwh(N, "2024-06-01", DAYS, seed=4)
    assert list(readings["household_id"].unique()) == list(ids) == list(homes["household_id"])
    # meter resolution: rounded to the watt-hour, like the real eemeter files
    np.testing.assert_allclose(
        readings["kwh"].to_numpy().reshape(N, -1), np.round(kwh, 3), atol=1e-6
    )
    assert set(trips["household_id"]) <= set(ids)


def test_csv_and_parquet_carry_the_same_rows(tmp_path: Path) -> None:
    pq_paths = write_population(tmp_path / "p", 60, days=2, seed=1, fmt="parquet")
    csv_paths = write_population(tmp_path / "c", 60, days=2, seed=1, fmt="csv")
    for name in ("households", "readings", "trips"):
        from_pq = pd.read_parquet(pq_paths[name])
        from_csv = pd.read_csv(csv_paths[name], keep_default_na=False, na_values=[""])
        assert list(from_csv.columns) == list(from_pq.columns)
        for column in from_pq.columns:
            left = from_pq[column]
            if isinstance(left.dtype, pd.DatetimeTZDtype):
                text = from_csv[column]
                assert text.str.endswith("+00:00").all()  # ISO 8601 with its offset
                right = pd.to_datetime(text, utc=True, format="ISO8601")
                assert (left.to_numpy() == right.to_numpy()).all(), column
            elif left.dtype.kind == "f":
                np.testing.assert_allclose(from_csv[column], left, rtol=1e-6, err_msg=column)
            else:
                assert left.isna().equals(from_csv[column].isna()), column
                assert (left.dropna().astype(str) == from_csv[column].dropna().astype(str)).all()


def test_generation_runs_one_block_at_a_time(tmp_path: Path, monkeypatch) -> None:
    """Memory is bounded by the block, not N: the writer never asks for more than one block of
    readings at once, and flushes its buffers in row groups of the set size."""
    calls: list[int] = []
    original = writer.hourly_kwh_for

    def spy(traits, *args, **kwargs):
        calls.append(len(traits))
        return original(traits, *args, **kwargs)

    monkeypatch.setattr(writer, "hourly_kwh_for", spy)
    paths = write_population(tmp_path / "small", 1100, days=1, seed=3, rows_per_write=5000)
    assert calls == [BLOCK, BLOCK, BLOCK]  # 1,100 households = 3 blocks, each made alone
    readings = pq.ParquetFile(paths["readings"])
    assert readings.metadata.num_rows == 1100 * 24
    sizes = [readings.metadata.row_group(i).num_rows for i in range(readings.num_row_groups)]
    assert max(sizes) < 5000 + BLOCK * 24  # a buffer is written once it holds >= 5,000 rows
    assert readings.num_row_groups >= 1100 * 24 // (5000 + BLOCK * 24)
    # and the chunking does not change the data
    monkeypatch.setattr(writer, "hourly_kwh_for", original)
    one_go = write_population(tmp_path / "big", 1100, days=1, seed=3, rows_per_write=10**7)
    for name in paths:
        pd.testing.assert_frame_equal(pd.read_parquet(paths[name]), pd.read_parquet(one_go[name]))


def test_bad_arguments_are_all_listed(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        write_population(tmp_path, 0, days=0, fmt="xlsx")
    assert {p.where for p in caught.value.problems} == {"n_households", "days", "fmt"}


def test_cli_writes_and_reports(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--households", "40", "--days", "2", "--seed", "6", "--format", "csv"]
    first = runner.invoke(synth, [*args, "--out", str(tmp_path / "one")])
    second = runner.invoke(synth, [*args, "--out", str(tmp_path / "two")])
    assert first.exit_code == 0, first.output
    assert "40 synthetic households" in first.output
    assert "1,920 rows" in first.output  # 40 households x 2 days x 24 hours of readings
    for name in ("households", "readings", "trips"):
        one = (tmp_path / "one" / f"{name}.csv").read_bytes()
        assert one == (tmp_path / "two" / f"{name}.csv").read_bytes()
        assert str(tmp_path / "one" / f"{name}.csv") in first.output
    assert second.exit_code == 0


def test_cli_refuses_a_bad_start(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        synth, ["--households", "3", "--out", str(tmp_path), "--start", "not a date"]
    )
    assert result.exit_code == 2
    assert "start: cannot parse" in result.output
