"""The batch reader's shortcuts give exactly what the general paths give.

* :func:`normalise_readings` on a regular index (sorted, unique, one sub-daily step) against its
  general path (``_regular_index`` made to answer None), on clean and on unclean readings.
* The numpy grouping of rows by household id against ``groupby(sort=False).indices``.
* A household's rows taken as a slice (grouped tables) against its rows gathered (interleaved).
* Household ids coded from a categorical column (a Parquet dictionary) against their texts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from household_payloads import as_rows, base_payload
from hypothesis import given
from hypothesis import strategies as st

from recommender.domain import Household
from recommender.errors import InvalidInput, Problem
from recommender.io import household_to_tables, iter_tables, parse_household, read_tables
from recommender.io import normalise as normalise_module
from recommender.io.files import iter_table
from recommender.io.normalise import NormalisedReadings, normalise_readings
from recommender.io.scan import id_column
from recommender.io.table_groups import CodedIds, positions_by_id, run_of


def _normalise(stamps: Any, kwh: np.ndarray) -> tuple[NormalisedReadings | None, list[str]]:
    problems: list[Problem] = []
    out = normalise_readings(
        stamps,
        kwh,
        timezone="Europe/London",
        where=lambda i, c: f"readings[{i}].{c}",
        problems=problems,
    )
    return out, [str(p.to_dict()) for p in problems]


def _same_readings(a: NormalisedReadings | None, b: NormalisedReadings | None) -> None:
    assert (a is None) == (b is None)
    if a is None or b is None:
        return
    pd.testing.assert_series_equal(a.kwh, b.kwh, check_freq=True)
    assert a.kwh.index.freq == b.kwh.index.freq and a.kwh.index.name == b.kwh.index.name
    assert a.kwh.index.unit == b.kwh.index.unit
    assert (a.interval_minutes, a.warnings) == (b.interval_minutes, b.warnings)


def _hourly(meter0: pd.Series, days: int = 30) -> tuple[pd.DatetimeIndex, np.ndarray]:
    part = meter0.iloc[: 24 * days]
    return pd.DatetimeIndex(part.index).as_unit("ns"), part.to_numpy(dtype="float64")


def _variants(meter0: pd.Series, meter1: pd.Series) -> dict[str, tuple[pd.DatetimeIndex, Any]]:
    """Readings that take the regular path (clean, NaN values, Wh, 15/30 minutes) and ones that
    do not (gaps, duplicates, unsorted, daily, a DST-spanning local-day series)."""
    t, kwh = _hourly(meter0)
    half = pd.DatetimeIndex(meter1.index[:3500]).as_unit("ns")
    quarter = pd.date_range("2024-03-25", periods=4 * 24 * 20, freq="15min", tz="UTC", unit="ns")
    daily = pd.date_range("2024-03-01", periods=60, freq="D", tz="Europe/London")
    with_nan, long_nan = kwh.copy(), kwh.copy()
    with_nan[[5, 6, 100]] = np.nan
    long_nan[200:260] = np.nan
    order = np.r_[np.arange(50, 100), np.arange(50), np.arange(100, len(t))]
    return {
        "clean hourly": (t, kwh),
        "short NaN runs": (t, with_nan),
        "a long NaN run": (t, long_nan),
        "watt-hours": (t, kwh * 1000),
        "one reading too high": (t, np.where(np.arange(len(t)) == 7, 99.0, kwh)),
        "half-hourly with gaps and duplicates": (half, meter1.to_numpy()[:3500]),
        "15 minutes": (quarter, np.full(len(quarter), 0.05)),
        "30 minutes, starting on the half hour": (quarter[2::2], np.full(len(quarter[2::2]), 0.1)),
        "a gap": (t.delete(range(10, 14)), np.delete(kwh, range(10, 14))),
        "a long gap": (t.delete(range(10, 200)), np.delete(kwh, range(10, 200))),
        "a duplicate": (t.insert(9, t[9]), np.insert(kwh, 9, kwh[9])),
        "unsorted": (t[order], kwh[order]),
        "daily on local days across DST": (daily.tz_convert("UTC").as_unit("ns"), np.full(60, 8.0)),
        "too few": (t[:30], kwh[:30]),
    }


@pytest.mark.parametrize("as_index", [False, True], ids=["series", "index"])
def test_regular_readings_normalise_as_the_general_path_does(meter0, meter1, monkeypatch, as_index):
    regular = set()
    for name, (t, kwh) in _variants(meter0, meter1).items():
        if normalise_module._regular_index(t) is not None:
            regular.add(name)
        stamps = t if as_index else pd.Series(t)
        fast = _normalise(stamps, kwh)
        with monkeypatch.context() as m:
            m.setattr(normalise_module, "_regular_index", lambda t: None)
            general = _normalise(pd.Series(t), kwh)
        assert fast[1] == general[1], name
        _same_readings(fast[0], general[0])
    assert len(regular) == 8, regular  # "clean hourly" to "30 minutes", and "too few"


@given(st.lists(st.sampled_from([0.0, 1.5, np.nan]), max_size=60))
def test_nan_runs_found_in_numpy_as_in_pandas(values: list[float]) -> None:
    series = pd.Series(values, dtype="float64")
    isna = np.concatenate([[False], series.isna().to_numpy(), [False]])
    edges = np.flatnonzero(np.diff(isna.astype(np.int8)))
    expected = list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
    runs = normalise_module._nan_runs(series)
    assert runs == expected


@given(st.lists(st.sampled_from(["a", "b", "", "h-10", " c"]), max_size=40))
def test_rows_group_by_id_as_groupby_indices_does(ids: list[str]) -> None:
    column = pd.Series(ids, dtype="str")
    expected = [(str(k), v.tolist()) for k, v in column.groupby(column, sort=False).indices.items()]
    for given_ids in (column, column.array):
        coded = CodedIds.of(given_ids)
        assert [(k, v.tolist()) for k, v in positions_by_id(coded)] == expected
        dropped = {"a", " c"}  # whole ids dropped: the others keep their rows and order
        rows, kept = coded.only(~coded.which(dropped))
        rest = column[rows].reset_index(drop=True)
        expected_rest = [
            (str(k), v.tolist()) for k, v in rest.groupby(rest, sort=False).indices.items()
        ]
        assert [(k, v.tolist()) for k, v in positions_by_id(kept)] == expected_rest


@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "", "h-10", "h-1", " c"]), st.integers(1, 4)),
        max_size=12,
    )
)
def test_ids_in_runs_are_coded_as_factorize_codes_them(runs: list[tuple[str, int]]) -> None:
    """Grouped ids (each in one run) and ids that come back (more than one run)."""
    column = pd.Series([hid for hid, n in runs for _ in range(n)], dtype="str")
    codes, uniques = pd.factorize(column)
    for given_ids in (column, column.array):
        coded = CodedIds.of(given_ids)
        assert coded.codes.tolist() == codes.tolist()
        assert coded.keys == [str(u) for u in uniques]


IDS = st.sampled_from(["a", "b", "", " a", "a ", "h-10", "h-1", " c", "\tc", None])


@given(st.lists(st.tuples(IDS, st.integers(1, 4)), max_size=12))
def test_categorical_ids_are_coded_as_their_texts(runs: list[tuple[str | None, int]]) -> None:
    """A categorical id column (Parquet's dictionary) codes as the same ids read row by row:
    blanks, missing ids, ids that strip alike, runs and ids that come back."""
    cells = [hid for hid, n in runs for _ in range(n)]
    expected = CodedIds.of(id_column(pd.DataFrame({"household_id": pd.Series(cells, dtype="str")})))
    for column in (pd.Series(cells, dtype="category"), pd.Series(cells, dtype="str")):
        coded = CodedIds.of_column(column)
        assert coded.codes.tolist() == expected.codes.tolist()
        assert coded.keys == expected.keys


def test_a_parquet_id_column_read_with_its_dictionary_codes_as_its_texts(meter0, tmp_path):
    """Real readings in row groups of their own dictionaries, some ids padded or missing."""
    ids = np.repeat(["h-1", " h-2", "h-2", "h-3 ", "h-1"], 600).astype(object)
    ids[[5, 700]] = None
    # built column by column: pyarrow 16 (the floor) converts a tz-aware pandas column through
    # Series.values, which pandas 3.1 warns about
    stamps = pa.array(meter0.index[:3000].asi8, type=pa.timestamp("ns", tz="UTC"))
    table = pa.table(
        {"household_id": pa.array(ids), "timestamp": stamps, "kwh": meter0.to_numpy()[:3000]}
    )
    path = tmp_path / "readings.parquet"
    pq.write_table(table, path, row_group_size=700)
    columns = ("household_id", "timestamp", "kwh")
    plain = list(iter_table(path, "readings", columns, rows_per_chunk=1000))
    read = list(iter_table(path, "readings", columns, rows_per_chunk=1000, categorical=columns[:1]))
    for text, categorical in zip(plain, read, strict=True):
        assert isinstance(categorical.frame["household_id"].dtype, pd.CategoricalDtype)
        expected = CodedIds.of(id_column(text.frame))
        coded = CodedIds.of_column(categorical.frame["household_id"])
        assert (coded.codes.tolist(), coded.keys) == (expected.codes.tolist(), expected.keys)
        pd.testing.assert_frame_equal(
            text.frame.drop(columns="household_id"), categorical.frame.drop(columns="household_id")
        )


@given(st.lists(st.integers(0, 30), unique=True, max_size=12))
def test_a_run_of_positions_is_a_slice_of_the_same_rows(positions: list[int]) -> None:
    idx = np.array(sorted(positions), dtype=np.int64)
    rows = np.arange(40) * 10
    assert rows[run_of(idx)].tolist() == rows[idx].tolist()


def _same_household(a: Household, b: Household) -> None:
    pd.testing.assert_series_equal(a.readings_kwh, b.readings_kwh, check_freq=True)
    assert a.readings_kwh.index.freq == b.readings_kwh.index.freq
    for name in ("household_id", "tariff", "appliances", "preferences", "warnings", "fuel"):
        assert getattr(a, name) == getattr(b, name), name
    assert a.reading_interval_minutes == b.reading_interval_minutes
    assert list(a.trips) == list(b.trips)


def _payloads(meter0: pd.Series, meter1: pd.Series) -> dict[str, dict[str, Any]]:
    """Households whose readings take the fast paths and ones whose readings do not."""
    hourly = meter0.iloc[: 24 * 40]
    gappy = hourly.drop(hourly.index[30:33]).copy()
    gappy.iloc[50] = np.nan
    unsorted = pd.concat([hourly.iloc[100:200], hourly.iloc[:100], hourly.iloc[200:]])
    return {
        "clean": base_payload(as_rows(hourly)),
        "half-hourly, gaps, duplicates": base_payload(as_rows(meter1.iloc[:3500])),
        "gaps and NaN": base_payload(as_rows(gappy)),
        "unsorted": base_payload(as_rows(unsorted)),
        "Wh": base_payload(as_rows(hourly * 1000)),
    }


def test_tables_read_each_household_as_its_json(meter0, meter1):
    """Grouped readings (rows taken as slices) and interleaved ones (rows gathered) give the
    household, or the problems, that the household's JSON gives."""
    for name, payload in _payloads(meter0, meter1).items():
        try:
            expected: Household | list[str] = parse_household(payload)
        except InvalidInput as exc:  # the same failure expected from the tables
            expected = [p.problem for p in exc.problems]
        from_json = parse_household(base_payload(as_rows(meter0.iloc[: 24 * 40])))
        tables = household_to_tables(from_json)
        rows = pd.DataFrame(
            {
                "household_id": "h-001",
                "timestamp": [r["timestamp"] for r in payload["readings"]],
                "kwh": [r["kwh"] for r in payload["readings"]],
            }
        )
        other = tables["readings"].assign(household_id="h-002")
        homes = pd.concat(
            [tables["households"], tables["households"].assign(household_id="h-002")],
            ignore_index=True,
        )
        grouped = pd.concat([rows, other], ignore_index=True)
        interleaved = grouped.iloc[np.argsort(np.arange(len(grouped)) % 7, kind="stable")]
        for readings in (grouped, interleaved.reset_index(drop=True)):
            batch = read_tables(homes, readings, tables["trips"])
            got = {h.household_id: h for h in batch.households}
            pd.testing.assert_series_equal(got["h-002"].readings_kwh, from_json.readings_kwh)
            if isinstance(expected, list):
                failures = dict(batch.failures)
                assert [p.problem for p in failures["h-001"].problems] == expected, name
            else:
                _same_household(got["h-001"], expected)


def test_iter_tables_reads_chunks_as_read_tables_does(meter0, tmp_path):
    base = parse_household(base_payload(as_rows(meter0.iloc[: 24 * 30])))
    tables = [
        {k: v.assign(household_id=f"h-{i}") for k, v in household_to_tables(base).items()}
        for i in range(5)
    ]
    whole = {k: pd.concat([t[k] for t in tables], ignore_index=True) for k in tables[0]}
    for name, frame in whole.items():
        frame.to_parquet(tmp_path / f"{name}.parquet")
    paths = {name: tmp_path / f"{name}.parquet" for name in whole}
    read = read_tables(paths["households"], paths["readings"], paths["trips"])
    chunks = iter_tables(
        paths["households"],
        paths["readings"],
        paths["trips"],
        chunk_households=2,
        rows_per_chunk=1000,
    )
    streamed = [h for batch in chunks for h in batch.households]
    assert [h.household_id for h in streamed] == [h.household_id for h in read.households]
    for a, b in zip(streamed, read.households, strict=True):
        _same_household(a, b)


def test_a_tariff_repeated_across_households_reads_as_each_row_alone(meter0):
    """Rows with the same tariff cells share one Tariff; each bad row is still named."""
    base = parse_household(base_payload(as_rows(meter0.iloc[: 24 * 20])))
    tables = household_to_tables(base)
    rates = '[{"start": "00:00", "end": "07:00", "price_per_kwh": 0.09}, '
    rates += '{"start": "07:00", "end": "00:00", "price_per_kwh": 0.28}]'
    cells: list[dict[str, Any]] = [
        {"price_per_kwh": 0.2},
        {"price_per_kwh": 0.2},
        {"price_per_kwh": "0.2"},
        {"price_per_kwh": -0.2},  # a problem, in both rows
        {"price_per_kwh": -0.2},
        {"tariff_type": "tou", "price_per_kwh": None, "tariff_rates": rates},
        {"tariff_type": "tou", "price_per_kwh": None, "tariff_rates": rates},
        {"price_per_kwh": 0.2, "gas_price_per_kwh": 0.07},
        {"price_per_kwh": 0.2, "currency": "EUR"},
        {"price_per_kwh": True},
    ]
    row = tables["households"].iloc[0].to_dict()
    homes = pd.DataFrame(
        [{**row, "household_id": f"h-{i}", **c} for i, c in enumerate(cells)]
    ).astype({"price_per_kwh": object})
    readings = pd.concat(
        [tables["readings"].assign(household_id=f"h-{i}") for i in range(len(cells))],
        ignore_index=True,
    )
    batch = read_tables(homes, readings)
    for i in range(len(cells)):  # each household alone: its tariff read with no memo
        alone = read_tables(homes.iloc[[i]], readings[readings["household_id"] == f"h-{i}"])
        if alone.households:
            (expected,) = alone.households
            (got,) = [h for h in batch.households if h.household_id == f"h-{i}"]
            assert got.tariff == expected.tariff and got.warnings == expected.warnings
        else:
            ((hid, alone_error),) = alone.failures
            error = dict(batch.failures)[hid]
            assert [p.problem for p in error.problems] == [p.problem for p in alone_error.problems]
            assert error.problems[0].where.startswith(f"households row {i + 1},")
    tariffs = {h.household_id: h.tariff for h in batch.households}
    assert tariffs["h-0"] is tariffs["h-1"] and tariffs["h-5"] is tariffs["h-6"]
    assert {"h-3", "h-4"} <= set(dict(batch.failures))
