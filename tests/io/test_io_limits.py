"""Size limits hold on the decompressed bytes, for every reader of a user's file."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest

from recommender.errors import InvalidInput
from recommender.io import read_household_json, schema
from recommender.io.files import iter_table, read_table
from recommender.io.importers import read_eemeter_meter, read_uci_household_power

LIMIT = 200_000  # bytes: the test files below hold about 2.6 MB once decompressed


def _bomb(path: Path, header: str, row: str, rows: int = 100_000) -> Path:
    path.write_bytes(gzip.compress((header + row * rows).encode()))
    assert path.stat().st_size < LIMIT / 10  # small on disk: a limit on disk would let it in
    return path


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "MAX_FILE_BYTES", LIMIT)
    monkeypatch.setattr(schema, "MAX_PAYLOAD_BYTES", LIMIT)
    monkeypatch.setattr(schema, "MAX_STREAM_BYTES", LIMIT)


READERS: dict[str, tuple[str, str, Callable[[Path], object]]] = {
    "read_table": (
        "start,value\n",
        "2024-01-01T00:00:00Z,0.125\n",
        lambda p: read_table(p, "t", ("start", "value")),
    ),
    "iter_table": (
        "start,value\n",
        "2024-01-01T00:00:00Z,0.125\n",
        lambda p: list(iter_table(p, "t", ("start", "value"), rows_per_chunk=1000)),
    ),
    "eemeter": ("start,value\n", "2024-01-01T00:00:00Z,0.125\n", read_eemeter_meter),
    "uci": (
        "Date;Time;Global_active_power\n",
        "1/2/2007;00:00:00;0.250\n",
        read_uci_household_power,
    ),
}


@pytest.mark.usefixtures("small_limits")
@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_compressed_file_is_limited_by_what_it_inflates_to(tmp_path, reader) -> None:
    header, row, read = READERS[reader]
    path = _bomb(tmp_path / f"{reader}.csv.gz", header, row)
    with pytest.raises(InvalidInput, match="more than 0.2 MB once decompressed") as caught:
        read(path)
    assert caught.value.problems[0].where == path.name


@pytest.mark.usefixtures("small_limits")
def test_the_household_json_is_limited_too(tmp_path) -> None:
    path = tmp_path / "household.json"
    path.write_text('{"household_id": "h", "readings": [' + "0.1, " * 60_000 + "0.1]}")
    with pytest.raises(InvalidInput, match="once decompressed"):
        read_household_json(path)


def test_a_file_within_the_limit_reads_as_before(tmp_path) -> None:
    path = tmp_path / "ok.csv.gz"
    path.write_bytes(gzip.compress(b"start,value\n2024-01-01T00:00:00Z,0.125\n"))
    assert read_table(path, "t", ("start", "value")).frame["value"].tolist() == ["0.125"]


def test_a_corrupt_gzip_names_the_file(tmp_path) -> None:
    path = tmp_path / "broken.csv.gz"
    path.write_bytes(gzip.compress(b"start,value\n" * 100)[:-20] + b"garbage!")
    with pytest.raises(InvalidInput, match="not a readable gzip file"):
        read_table(path, "t", ("start", "value"))
