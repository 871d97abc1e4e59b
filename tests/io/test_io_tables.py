"""The batch tables: the same household from JSON, CSV, Parquet and JSON lines; nothing lost."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from household_payloads import as_rows, base_payload

from recommender.io import (
    household_to_payload,
    household_to_tables,
    iter_tables,
    parse_household,
    read_tables,
)


@pytest.fixture(scope="module")
def household1(meter1):
    """Sample-1's first 73 days (half-hourly, 3 duplicates, 3 short gaps and a day-long one),
    with a time-of-use tariff and two appliances."""
    payload = base_payload(as_rows(meter1.iloc[:3500]))
    payload["tariff"] = {
        "type": "tou",
        "currency": "GBP",
        "rates": [
            {"start": "00:00", "end": "07:00", "price_per_kwh": 0.09},
            {"start": "07:00", "end": "00:00", "price_per_kwh": 0.28},
        ],
    }
    payload["appliances"].append(
        {"kind": "washing_machine", "cycles_per_week": 3.5, "usual_start": None}
    )
    return parse_household(payload)


def write(tables: dict[str, pd.DataFrame], folder, fmt: str) -> dict[str, str]:
    paths = {}
    for name, frame in tables.items():
        path = folder / f"{name}.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False)
        elif fmt == "parquet":
            frame.to_parquet(path)
        else:
            # json.dumps, not DataFrame.to_json: pandas rounds floats to 10 digits by default
            records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
            path.write_text("\n".join(json.dumps(r) for r in records))
        paths[name] = str(path)
    return paths


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl", "frame"])
def test_tables_give_the_same_household_as_json(household1, tmp_path, fmt):
    tables = household_to_tables(household1)
    paths = tables if fmt == "frame" else write(tables, tmp_path, fmt)
    batch = read_tables(paths["households"], paths["readings"], paths["trips"])
    assert batch.failures == []
    (again,) = batch.households
    assert household_to_payload(again) == household_to_payload(household1)
    pd.testing.assert_series_equal(again.readings_kwh, household1.readings_kwh)
    assert again.reading_interval_minutes == household1.reading_interval_minutes


def test_a_gas_meter_is_declared_in_the_households_table(household1, tmp_path):
    from dataclasses import replace

    tables = household_to_tables(replace(household1, fuel="gas"))
    assert tables["households"]["fuel"].tolist() == ["gas"]
    (again,) = read_tables(tables["households"], tables["readings"]).households
    assert again.fuel == "gas"
    blank = tables["households"].assign(fuel="")
    assert read_tables(blank, tables["readings"]).households[0].fuel == "electricity"
    steam = tables["households"].assign(fuel="steam")
    (failure,) = read_tables(steam, tables["readings"]).failures
    problem = failure[1].problems[0]
    assert (problem.where, problem.problem) == (
        "households row 1, column fuel",
        "'steam' is not a fuel we forecast",
    )


def test_raw_half_hourly_rows_read_like_the_json(meter1, tmp_path):
    """The raw file as a readings table gives the household (and warnings) of the raw JSON."""
    meter1 = meter1.iloc[:3500]
    from_json = parse_household(base_payload(as_rows(meter1)))
    homes = household_to_tables(from_json)["households"]
    readings = pd.DataFrame(
        {
            "household_id": "h-001",
            "timestamp": [t.isoformat() for t in meter1.index],
            "kwh": meter1.to_numpy(),
        }
    )
    readings.to_csv(tmp_path / "readings.csv", index=False)
    (h,) = read_tables(homes, tmp_path / "readings.csv").households
    pd.testing.assert_series_equal(h.readings_kwh, from_json.readings_kwh)
    assert h.warnings == from_json.warnings


def test_every_household_id_is_accounted_for(household1, meter0):
    good = household_to_tables(household1)
    other = parse_household(
        {**base_payload(as_rows(meter0.iloc[: 24 * 30])), "household_id": "h-2"}
    )
    t2 = household_to_tables(other)
    homes = pd.concat(
        [good["households"], t2["households"], t2["households"].assign(household_id="no-readings")],
        ignore_index=True,
    )
    bad_rows = t2["readings"].assign(household_id="h-2")
    bad_rows.loc[5, "kwh"] = -1.0
    orphans = t2["readings"].iloc[:3].assign(household_id="ghost")
    readings = pd.concat([good["readings"], bad_rows, orphans], ignore_index=True)
    batch = read_tables(homes, readings, good["trips"])
    assert [h.household_id for h in batch.households] == ["h-001"]
    failures = dict(batch.failures)
    assert set(failures) == {"h-2", "no-readings", "ghost"}
    (neg,) = failures["h-2"].problems
    row = len(good["readings"]) + 5 + 1  # 1-based row of the DataFrame
    assert neg.where == f"readings row {row}, column kwh" and "negative" in neg.problem
    assert "no readings" in failures["no-readings"].problems[0].problem
    assert "no row in the households table" in failures["ghost"].problems[0].problem
    assert "3 readings row(s)" in failures["ghost"].problems[0].problem


def test_iter_tables_gives_what_read_tables_gives(household1, meter0, tmp_path):
    frames = [household_to_tables(household1)]
    for i in range(3):
        h = parse_household(
            {
                **base_payload(as_rows(meter0.iloc[i * 500 : i * 500 + 24 * 20])),
                "household_id": f"h-{i}",
            }
        )
        frames.append(household_to_tables(h))
    tables = {k: pd.concat([f[k] for f in frames], ignore_index=True) for k in frames[0]}
    tables["households"] = pd.concat(
        [tables["households"], tables["households"].iloc[[1]].assign(household_id="empty")]
    )
    paths = write(tables, tmp_path, "csv")
    whole = read_tables(paths["households"], paths["readings"], paths["trips"])
    parts = list(
        iter_tables(
            paths["households"],
            paths["readings"],
            paths["trips"],
            chunk_households=2,
            rows_per_chunk=700,
        )
    )
    assert len(parts) >= 2 and sum(len(p.households) for p in parts) == 4
    streamed = [h for p in parts for h in p.households]
    assert sorted(h.household_id for h in streamed) == sorted(
        h.household_id for h in whole.households
    )
    by_id = {h.household_id: h for h in whole.households}
    for h in streamed:
        assert household_to_payload(h) == household_to_payload(by_id[h.household_id])
    assert [f[0] for p in parts for f in p.failures] == ["empty"] == [f[0] for f in whole.failures]


def test_iter_tables_reports_readings_not_grouped(household1, tmp_path):
    """h-x's rows are split around h-001's: once h-x was emitted, its late rows are a failure."""
    t = household_to_tables(household1)
    other = t["readings"].iloc[:48].assign(household_id="h-x")
    readings = pd.concat(
        [t["readings"].iloc[:1000], other.iloc[:24], t["readings"].iloc[1000:], other.iloc[24:]]
    )
    homes = pd.concat([t["households"], t["households"].assign(household_id="h-x")])
    parts = list(iter_tables(homes, readings, chunk_households=1, rows_per_chunk=300))
    failures = [f for p in parts for f in p.failures if "appear again" in str(f[1])]
    late = len(t["readings"]) + 24 + 1
    # one failure per chunk the late rows fall in, the first naming the first late row
    assert {hid for hid, _ in failures} == {"h-x"}
    assert failures[0][1].problems[0].where == f"readings row {late}, column household_id"
    assert "appear again" in failures[0][1].problems[0].problem
    assert json.loads(json.dumps(failures[0][1].to_dict()))["problems"]


def test_temperature_table_reads_like_the_json(meter0, temperature0_path):
    """Sample-0 with its real hourly temperatures, one exact duplicate and one conflicting row."""
    from recommender.io.importers import read_eemeter_temperature

    celsius = read_eemeter_temperature(temperature0_path).iloc[: 24 * 30]
    payload = base_payload(as_rows(meter0.iloc[: 24 * 30]))
    payload["temperature"] = [
        {"timestamp": t.isoformat(), "celsius": float(c)} for t, c in celsius.items()
    ]
    h = parse_household(payload)
    pd.testing.assert_series_equal(
        h.temperature_c, celsius.rename_axis("timestamp"), check_freq=False
    )
    tables = household_to_tables(h)
    (again,) = read_tables(
        tables["households"], tables["readings"], None, tables["temperature"]
    ).households
    pd.testing.assert_series_equal(again.temperature_c, h.temperature_c)
    temps = tables["temperature"]
    temps = pd.concat([temps, temps.iloc[[3]], temps.iloc[[5]].assign(celsius=99.0)])
    batch = read_tables(tables["households"], tables["readings"], None, temps)
    ((_, err),) = batch.failures
    wrong = [
        p
        for p in err.problems
        if p.where == f"temperature row {len(tables['temperature']) + 2}, column celsius"
    ]
    assert wrong and "99 °C is not a plausible air temperature" in wrong[0].problem
    duplicate = [p for p in err.problems if "repeats with a different °C" in p.problem]
    assert duplicate


def test_iter_tables_closes_the_file_when_a_column_is_missing(household1, tmp_path):
    """The streamed CSV is closed when its header check fails (an unclosed file would surface
    as an unraisable ResourceWarning, an error under filterwarnings=error)."""
    import gc

    from recommender.errors import InvalidInput

    tables = household_to_tables(household1)
    paths = write(tables, tmp_path, "csv")
    tables["readings"].drop(columns="kwh").to_csv(paths["readings"], index=False)
    with pytest.raises(InvalidInput, match="kwh"):
        list(iter_tables(paths["households"], paths["readings"]))
    gc.collect()


@pytest.mark.parametrize(
    ("stamp", "problem"),
    [
        (pd.Timestamp("2500-01-01T00:00:00Z"), "'2500-01-01T00:00:00+00:00' is not a plausible"),
        (pd.Timestamp("1900-01-01T00:00:00Z"), "'1900-01-01T00:00:00+00:00' is not a plausible"),
        (pd.NaT, "timestamp is missing"),
    ],
)
@pytest.mark.parametrize("read", [read_tables, lambda *p: next(iter_tables(*p))])
def test_a_parquet_instant_no_meter_can_have_is_named(household1, tmp_path, stamp, problem, read):
    """A Parquet timestamp column in microseconds can hold years nanoseconds cannot (2500 was an
    OutOfBoundsDatetime traceback), and a missing instant is a problem, as in a text column."""
    tables = household_to_tables(household1)
    readings = tables["readings"].copy()
    stamps = pd.to_datetime(readings["timestamp"], utc=True).astype("datetime64[us, UTC]")
    stamps.iloc[7] = stamp
    readings["timestamp"] = stamps
    paths = write({**tables, "readings": readings}, tmp_path, "parquet")
    batch = read(paths["households"], paths["readings"], paths["trips"])
    assert batch.households == []
    ((hid, error),) = batch.failures
    (found,) = [p for p in error.problems if "row 8, column timestamp" in p.where]
    assert found.problem.startswith(problem)
