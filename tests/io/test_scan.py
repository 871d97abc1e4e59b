"""Scanner: a chunk's rows from a table too big to hold, with the row numbers of the file.

The trips are synthetic (``recommender.synth``; no real multi-household trips table exists in
data/); each layout a data team may send is checked against a plain pandas filter of the same
file: sorted or shuffled, small or big row groups, Parquet or CSV, ids padded with blanks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recommender.errors import InvalidInput
from recommender.io import files, scan, schema
from recommender.synth import write_population


@pytest.fixture(scope="module")
def trips(tmp_path_factory) -> pd.DataFrame:
    paths = write_population(tmp_path_factory.mktemp("pop"), n_households=12, days=30, seed=5)
    return pd.read_parquet(paths["trips"])


def _scanner(path) -> scan.Scanner:
    return scan.Scanner(path, "trips", schema.TRIPS_REQUIRED, schema.TRIPS_OPTIONAL)


def _expected_rows(frame: pd.DataFrame, ids: list[str], header_rows: int) -> np.ndarray:
    return np.flatnonzero(frame["household_id"].str.strip().isin(ids)) + 1 + header_rows


@pytest.mark.parametrize("layout", ["sorted", "shuffled", "small groups", "csv", "big group"])
def test_each_chunk_gets_exactly_its_rows_with_their_row_numbers(
    trips, tmp_path, layout, monkeypatch
) -> None:
    frame = trips.sample(frac=1, random_state=1) if layout == "shuffled" else trips
    frame = frame.reset_index(drop=True)
    path = tmp_path / ("trips.csv" if layout == "csv" else "trips.parquet")
    if layout == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, row_group_size=200 if layout != "sorted" else None)
    if layout == "big group":
        monkeypatch.setattr(scan, "MAX_CACHED_ROWS", 100)  # stream groups in blocks of rows
    scanner = scan.Scanner(
        path, "trips", schema.TRIPS_REQUIRED, schema.TRIPS_OPTIONAL, rows_per_chunk=150
    )
    ids = sorted(frame["household_id"].unique())
    for chunk in (ids[:4], ids[4:9], ids[9:], ["no-such-household"]):
        table = scanner.rows_of(chunk)
        expected = _expected_rows(frame, chunk, header_rows=1 if layout == "csv" else 0)
        assert table.rows is not None and table.rows.tolist() == expected.tolist()
        assert sorted(set(table.frame["household_id"])) == sorted(
            set(chunk) - {"no-such-household"}
        )


def test_ids_padded_with_blanks_are_still_found(trips, tmp_path) -> None:
    frame = trips.copy()
    frame["household_id"] = "  " + frame["household_id"] + " "
    frame.to_parquet(tmp_path / "padded.parquet", row_group_size=100)
    wanted = [sorted(trips["household_id"].unique())[3]]
    table = _scanner(tmp_path / "padded.parquet").rows_of(wanted)
    assert table.rows is not None
    assert table.rows.tolist() == _expected_rows(frame, wanted, header_rows=0).tolist()


def test_a_file_with_a_missing_column_fails_before_any_chunk(trips, tmp_path) -> None:
    trips.drop(columns=["distance_km"]).to_parquet(tmp_path / "t.parquet")
    trips.drop(columns=["distance_km"]).to_csv(tmp_path / "t.csv", index=False)
    for name in ("t.parquet", "t.csv"):
        with pytest.raises(InvalidInput) as error:
            _scanner(tmp_path / name)
        assert "distance_km" in str(error.value)


@pytest.mark.parametrize("rows", [7, 500, 1000, 10_000])
def test_parquet_blocks_are_the_blocks_of_one_pass_over_the_file(tmp_path, rows) -> None:
    # the readings are read a row group at a time (memory) yet must give the very blocks one
    # pass gave: the batch reader's chunks, parts and outputs depend on them
    paths = write_population(tmp_path / "pop", n_households=3, days=20, seed=2)
    path = tmp_path / "readings.parquet"
    pd.read_parquet(paths["readings"]).to_parquet(path, row_group_size=700)
    parquet = pq.ParquetFile(path)
    assert parquet.num_row_groups > 1
    one_pass = [pa.Table.from_batches([b]) for b in parquet.iter_batches(rows)]
    blocks = list(files.parquet_blocks(parquet, rows))
    assert [b.num_rows for b in blocks] == [b.num_rows for b in one_pass]
    assert all(ours.equals(theirs) for ours, theirs in zip(blocks, one_pass, strict=True))


def test_a_csv_is_read_once_and_each_chunk_gets_what_a_scan_of_the_file_gives(
    trips, tmp_path, monkeypatch
) -> None:
    """A CSV's rows come from its one-pass copy (io/spill.py): frames, row numbers and ids equal
    to filtering the file's blocks per chunk, text kept as the CSV reader gives it."""
    frame = trips.sample(frac=1, random_state=2).reset_index(drop=True)  # households interleaved
    frame["household_id"] = frame["household_id"].where(frame.index % 3 > 0, " padded-1 ")
    frame["purpose"] = frame["purpose"].where(frame.index % 5 > 0, "")  # blank cells
    frame.loc[frame.index % 7 == 0, "purpose"] = 'a "quoted", comma, café'
    path = tmp_path / "trips.csv"
    frame.to_csv(path, index=False)
    passes = []
    real_iter_table = scan.iter_table
    monkeypatch.setattr(
        scan, "iter_table", lambda *a, **k: passes.append(1) or real_iter_table(*a, **k)
    )
    spilled = scan.Scanner(
        path, "trips", schema.TRIPS_REQUIRED, schema.TRIPS_OPTIONAL, rows_per_chunk=97
    )
    scanned = scan.Scanner(
        path, "trips", schema.TRIPS_REQUIRED, schema.TRIPS_OPTIONAL, rows_per_chunk=97
    )
    scanned._csv = False  # the scan of the file per chunk, as before the copy
    ids = sorted(scanned.ids())
    chunks = [ids[:3], ids[3:8], ids[8:], ["padded-1", "no-such-household"], ["nobody"]]
    passes.clear()
    got = [spilled.rows_of(chunk) for chunk in chunks]
    assert spilled.ids() == set(ids)
    assert len(passes) == 1  # one pass over the file for every chunk (the old way: one a chunk)
    for chunk, table in zip(chunks, got, strict=True):
        expected = scanned.rows_of(chunk)
        pd.testing.assert_frame_equal(table.frame, expected.frame)
        assert table.rows is not None and expected.rows is not None
        assert table.rows.tolist() == expected.rows.tolist()
        assert [table.row(i) for i in range(len(table.frame))] == table.rows.tolist()


@pytest.mark.parametrize("table", ["readings", "trips", "temperature"])
def test_a_file_named_parquet_that_is_not_one_is_a_problem_naming_it(table, tmp_path) -> None:
    """Not pyarrow's ArrowInvalid traceback: the streamed tables open their file as the whole
    ones do (``files.open_parquet``)."""
    from recommender.io import iter_tables

    paths = write_population(tmp_path / "pop", n_households=2, days=20, seed=3)
    fake = tmp_path / f"{table}.parquet"
    fake.write_text("household_id,timestamp,kwh\n")
    given = {"readings": paths["readings"], "trips": paths["trips"], table: fake}
    with pytest.raises(InvalidInput) as error:
        list(iter_tables(paths["households"], **given))
    (problem,) = error.value.problems
    assert problem.where == fake.name and "not a readable Parquet file" in problem.problem
