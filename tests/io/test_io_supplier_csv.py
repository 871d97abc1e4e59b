"""The UK supplier consumption CSV importer (``Consumption (kWh), Start, End``).

tests/io/examples/supplier-consumption-sample.csv is built to the Octopus-style layout from 48
real hours of OpenEEmeter's UK sample meter 0 (no openly licensed sample export exists; see
tests/io/examples/README.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender.errors import InvalidInput
from recommender.io.supplier_csv import read_supplier_csv

EXAMPLE = Path(__file__).parent / "examples" / "supplier-consumption-sample.csv"


def test_reads_the_example_as_the_real_meter_it_was_built_from(meter0: pd.Series) -> None:
    table = read_supplier_csv(EXAMPLE, "h-uk")
    assert list(table.columns) == ["household_id", "timestamp", "kwh"]
    assert len(table) == 48
    # Start 2022-06-01T01:00:00+01:00 is 00:00 UTC: the offset is applied, not dropped
    assert table["timestamp"].iloc[0] == pd.Timestamp("2022-06-01T00:00:00Z")
    real = meter0.reindex(pd.DatetimeIndex(table["timestamp"]))
    np.testing.assert_allclose(table["kwh"].to_numpy(), real.round(3).to_numpy())


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(text)
    return path


def test_extra_supplier_columns_are_ignored_and_z_offsets_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Consumption (kWh),Estimated Cost (p),Start,End\n"
        "0.2,5.1,2024-01-01T00:00:00Z,2024-01-01T00:30:00Z\n",
    )
    table = read_supplier_csv(path, "h")
    assert table["kwh"].tolist() == [0.2]


def test_every_bad_row_is_named(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        " Consumption (kWh), Start, End\n"
        "abc, 2024-01-01T00:00:00+00:00, 2024-01-01T00:30:00+00:00\n"
        "0.1, 2024-01-01T00:30:00, 2024-01-01T01:00:00+00:00\n"
        "0.1, 2024-01-01T01:30:00+00:00, 2024-01-01T01:00:00+00:00\n",
    )
    with pytest.raises(InvalidInput) as caught:
        read_supplier_csv(path, "h")
    wheres = [p.where for p in caught.value.problems]
    assert "export.csv row 2, column Consumption (kWh)" in wheres
    assert "export.csv row 3, column Start" in wheres
    assert "export.csv row 4, column End" in wheres


def test_a_daily_export_reads_the_25_hour_day_of_the_clock_change(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        " Consumption (kWh), Start, End\n"
        "9.1, 2022-10-29T00:00:00+01:00, 2022-10-30T00:00:00+01:00\n"
        "9.6, 2022-10-30T00:00:00+01:00, 2022-10-31T00:00:00+00:00\n",  # 25 hours
    )
    table = read_supplier_csv(path, "h")
    assert list(table["kwh"]) == [9.1, 9.6]
    longer = _write(
        tmp_path,
        " Consumption (kWh), Start, End\n9.6, 2022-10-30T00:00:00+01:00, "
        "2022-10-31T01:00:00+00:00\n",
    )  # 26 hours: not one reading
    with pytest.raises(InvalidInput) as caught:
        read_supplier_csv(longer, "h")
    assert "25 hours" in caught.value.problems[0].expected


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "Consumption (kWh), Start\n0.1, 2024-01-01T00:00:00Z\n")
    with pytest.raises(InvalidInput) as caught:
        read_supplier_csv(path, "h")
    assert caught.value.problems[0].where == "export.csv column 'End'"


def test_size_limit(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="at most"):
        read_supplier_csv(EXAMPLE, "h", max_bytes=100)
