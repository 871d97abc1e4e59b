"""Importers on the real files in data/: UCI household power and eemeter-style start,value CSVs."""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.errors import InvalidInput
from recommender.io import read_tables
from recommender.io.importers import read_start_value_csv, read_uci_household_power


@pytest.fixture(scope="module")
def uci_path(data_dir):
    return data_dir / "household_power" / "household_power_consumption_2007-02-01_02.txt"


@pytest.fixture(scope="module")
def uci_raw(uci_path) -> pd.DataFrame:
    return pd.read_csv(uci_path, sep=";", na_values="?")


def test_uci_hours_are_sums_of_minutes(uci_path, uci_raw):
    table = read_uci_household_power(uci_path)
    assert list(table.columns) == ["household_id", "timestamp", "kwh"]
    # 1-2 Feb 2007, Paris winter time (UTC+1): 48 complete hours from 2007-01-31T23:00Z.
    assert len(table) == 48
    assert table["timestamp"].iloc[0] == pd.Timestamp("2007-01-31T23:00:00Z")
    # Hand check: an hour is the mean kW of its 60 minutes, i.e. sum(kW) / 60 kWh.
    assert table["kwh"].iloc[0] == pytest.approx(
        uci_raw["Global_active_power"].iloc[:60].sum() / 60
    )
    assert table["kwh"].iloc[13] == pytest.approx(
        uci_raw["Global_active_power"].iloc[13 * 60 : 14 * 60].sum() / 60
    )
    assert table["kwh"].sum() == pytest.approx(uci_raw["Global_active_power"].sum() / 60)


def test_uci_missing_minutes_leave_the_hour_missing(uci_path, tmp_path):
    lines = uci_path.read_text().splitlines()
    fields = lines[1 + 125].split(";")  # minute 125 = 02:05 local on 1 Feb
    lines[1 + 125] = ";".join([fields[0], fields[1], "?", *fields[3:]])
    (tmp_path / "uci.txt").write_text("\n".join(lines) + "\n")
    table = read_uci_household_power(tmp_path / "uci.txt")
    assert len(table) == 48 and table["kwh"].isna().sum() == 1
    assert table.loc[table["kwh"].isna(), "timestamp"].iloc[0] == pd.Timestamp("2007-02-01T01:00Z")


def test_uci_bad_rows_are_named(uci_path, tmp_path):
    lines = uci_path.read_text().splitlines()
    lines[5] = lines[5].replace("/2/2007", "/13/2007")
    lines[9] = ";".join([*lines[9].split(";")[:2], "-1.0", *lines[9].split(";")[3:]])
    (tmp_path / "uci.txt").write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidInput) as err:
        read_uci_household_power(tmp_path / "uci.txt")
    where = [p.where for p in err.value.problems]
    assert where == ["uci.txt row 6, column Date", "uci.txt row 10, column Global_active_power"]
    assert "negative" in err.value.problems[1].problem


def test_uci_two_days_are_too_short_for_a_household(uci_path):
    """The bundled UCI extract reads, but two days of readings cannot make a household."""
    home = pd.DataFrame([{**uci_household_row(), "household_id": "uci-household"}])
    batch = read_tables(home, read_uci_household_power(uci_path))
    ((hid, err),) = batch.failures
    assert hid == "uci-household"
    assert "only 2.0 days of readings" in err.problems[0].problem


def uci_household_row() -> dict:
    return {
        "household_id": "x",
        "region": "FR",
        "timezone": "Europe/Paris",
        "tariff_type": "flat",
        "price_per_kwh": 0.25,
        "currency": "EUR",
    }


def test_start_value_sample0_matches_the_eemeter_reader(meter0_path, meter0):
    table = read_start_value_csv(meter0_path, "h-0")
    assert (table["timestamp"].to_numpy() == meter0.index.to_numpy()).all()
    assert (table["kwh"].to_numpy() == meter0.to_numpy()).all()


def test_start_value_sample1_naive_times_are_refused_unless_told(meter1_path):
    with pytest.raises(InvalidInput) as err:
        read_start_value_csv(meter1_path, "h-1")
    first = err.value.problems[0]
    assert first.where == "uk-electricity-sample-1.csv.gz row 2, column start"
    assert "no UTC offset" in first.problem
    assert "22526 more row(s)" in err.value.problems[-1].problem  # 22536 rows, 10 listed


def test_start_value_sample1_is_utc_not_london_time(meter1_path):
    """Read as London time, sample-1 hits both 2012-2013 DST changes: it is UTC (eemeter's rule)."""
    with pytest.raises(InvalidInput) as err:
        read_start_value_csv(meter1_path, "h-1", naive_timezone="Europe/London")
    text = " ".join(p.problem for p in err.value.problems)
    assert "2012-10-28 01:00:00 does not exist or happens twice" in text
    assert "2013-03-31 01:00:00 does not exist or happens twice" in text


def test_start_value_sample1_as_utc_reads_with_warnings(meter1_path):
    table = read_start_value_csv(meter1_path, "h-001", naive_timezone="UTC")
    home = uci_household_row() | {
        "household_id": "h-001",
        "region": "GB",
        "timezone": "Europe/London",
        "currency": "GBP",
    }
    batch = read_tables(pd.DataFrame([home]), table)
    (h,) = batch.households
    assert h.household_id == "h-001" and h.reading_interval_minutes == 60
    assert any("dropped 15 exact duplicate" in w for w in h.warnings)
    assert any("filled 4 short gap" in w for w in h.warnings)
