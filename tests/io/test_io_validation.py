"""Validation that explains: each bad-input kind names the row/field and the problem.

Bad inputs are made from the real meters (sample-0 hourly, sample-1 half-hourly) by breaking one
thing at a time, so each test shows the error a person would get for that mistake.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from household_payloads import as_rows, base_payload

from recommender.errors import InvalidInput
from recommender.io import (
    household_to_tables,
    parse_household,
    parse_household_json,
    read_household_json,
    read_tables,
    schema,
)
from recommender.io.files import read_table


def problems_of(payload) -> list:
    with pytest.raises(InvalidInput) as err:
        parse_household(payload)
    json.dumps(err.value.to_dict())  # always serialisable for the API and batch reports
    return err.value.problems


def only(problems, where: str):
    found = [p for p in problems if p.where == where]
    assert found, f"no problem at {where!r}; got {[str(p) for p in problems]}"
    return found[0]


@pytest.fixture()
def tables0(payload0):
    return household_to_tables(parse_household(payload0))


# --- files ------------------------------------------------------------------------------------
def test_empty_file(tmp_path, tables0):
    (tmp_path / "readings.csv").write_bytes(b"")
    with pytest.raises(InvalidInput) as err:
        read_tables(tables0["households"], tmp_path / "readings.csv")
    assert err.value.problems[0].where == "readings.csv"
    assert "empty" in err.value.problems[0].problem


def test_header_only_file(tmp_path, tables0):
    (tmp_path / "readings.csv").write_text("household_id,timestamp,kwh\n")
    with pytest.raises(InvalidInput, match="no rows"):
        read_tables(tables0["households"], tmp_path / "readings.csv")


def test_wrong_delimiter(tmp_path, tables0):
    tables0["readings"].to_csv(tmp_path / "readings.csv", sep=";", index=False)
    with pytest.raises(InvalidInput) as err:
        read_tables(tables0["households"], tmp_path / "readings.csv")
    (p,) = err.value.problems
    assert p.where == "readings.csv row 1" and "separated by semicolons" in p.problem
    assert "comma" in p.expected


def test_wrong_encoding_names_the_row(tmp_path, tables0):
    homes = tables0["households"].assign(household_id="maison-chauffée")
    homes.to_csv(tmp_path / "households.csv", index=False, encoding="latin-1")
    with pytest.raises(InvalidInput) as err:
        read_tables(tmp_path / "households.csv", tables0["readings"])
    (p,) = err.value.problems
    assert p.where == "households.csv row 2" and "not UTF-8" in p.problem and "0xe9" in p.problem


def test_misspelled_and_missing_columns(tmp_path, tables0):
    tables0["readings"].rename(columns={"kwh": "kWh", "timestamp": "time"}).to_csv(
        tmp_path / "readings.csv", index=False
    )
    with pytest.raises(InvalidInput) as err:
        read_tables(tables0["households"], tmp_path / "readings.csv")
    text = [str(p) for p in err.value.problems]
    assert any("readings.csv column 'kWh': unknown column (did you mean 'kwh'?)" in t for t in text)
    assert any("column 'kwh': is missing" in t for t in text)
    assert any("column 'timestamp': is missing" in t for t in text)


def test_misspelled_appliance_column(tmp_path, tables0):
    homes = tables0["households"].rename(columns={"dishwasher_cycles_per_week": "dishwaser_cycles"})
    with pytest.raises(InvalidInput) as err:
        read_tables(homes, tables0["readings"])
    assert "did you mean 'dishwasher_cycles_per_week'?" in str(err.value)


def test_file_over_the_size_limit(tmp_path, tables0, monkeypatch):
    tables0["readings"].to_csv(tmp_path / "readings.csv", index=False)
    size = (tmp_path / "readings.csv").stat().st_size
    monkeypatch.setattr(schema, "MAX_FILE_BYTES", size - 1)
    with pytest.raises(InvalidInput) as err:
        read_tables(tables0["households"], tmp_path / "readings.csv")
    assert err.value.problems[0].where == "readings.csv"
    assert "MB" in err.value.problems[0].problem and "at most" in err.value.problems[0].expected


def test_payload_over_the_size_limit(payload0, monkeypatch, tmp_path):
    text = json.dumps(payload0)
    monkeypatch.setattr(schema, "MAX_PAYLOAD_BYTES", len(text) - 1)
    with pytest.raises(InvalidInput, match="MB"):
        parse_household_json(text)
    (tmp_path / "h.json").write_text(text)
    with pytest.raises(InvalidInput, match="MB"):
        read_household_json(tmp_path / "h.json")


def test_table_rows_are_named_as_the_user_counts_them(tmp_path, tables0):
    readings = tables0["readings"].copy().astype({"kwh": object})
    readings.loc[12, "kwh"] = "n/a"  # data row 13 = CSV row 14 (the header is row 1)
    readings.to_csv(tmp_path / "readings.csv", index=False)
    batch = read_tables(tables0["households"], tmp_path / "readings.csv")
    ((hid, err),) = batch.failures
    assert hid == "h-001" and batch.households == []
    p = only(err.problems, "readings.csv row 14, column kwh")
    assert p.problem == "'n/a' is not a number"


# --- readings ---------------------------------------------------------------------------------
def test_unparseable_and_naive_timestamps(payload0):
    payload0["readings"][12]["timestamp"] = "2020-04-01 13h"
    payload0["readings"][13]["timestamp"] = "2020-04-01T14:00:00"
    problems = problems_of(payload0)
    assert "cannot read '2020-04-01 13h'" in only(problems, "readings[12].timestamp").problem
    assert "no UTC offset" in only(problems, "readings[13].timestamp").problem


def test_duplicate_timestamp_with_a_different_value(payload0):
    payload0["readings"].insert(11, {**payload0["readings"][10], "kwh": 0.5})
    p = only(problems_of(payload0), "readings[11].timestamp")
    assert "repeats with a different kWh" in p.problem and "readings[10].kwh" in p.problem


def test_exact_duplicate_is_dropped_with_a_warning(payload0, meter0):
    payload0["readings"].insert(11, dict(payload0["readings"][10]))
    h = parse_household(payload0)
    assert len(h.readings_kwh) == 60 * 24
    assert "dropped 1 exact duplicate" in h.warnings[0]


def test_mixed_intervals(meter1):
    rows = as_rows(meter1.iloc[:2000])
    rows.insert(101, {"timestamp": "2012-10-14T03:15:00+00:00", "kwh": 0.1})  # a 15-minute step
    p = only(problems_of(base_payload(rows)), "readings[101].timestamp")
    assert "mixed intervals" in p.problem and "15 minutes after" in p.problem
    hourly_tail = as_rows(meter1.iloc[:1000]) + as_rows(meter1.iloc[1000:2000:2])
    p = problems_of(base_payload(hourly_tail))[0]  # the file's duplicates split the run in two
    assert "mixed intervals: these readings are every 60 minutes, the rest every 30" in p.problem
    # row 1000 of the list: the last half-hourly reading (rows 0-999 hold one exact duplicate)
    assert p.where.startswith("readings[1000].timestamp to ")


def test_interval_not_accepted(meter1):
    rows = as_rows(meter1.iloc[:3000:3])  # every 90 minutes
    (p,) = problems_of(base_payload(rows))
    assert p.where == "readings" and "90 minutes" in p.problem


def test_short_gap_filled_long_gap_reported(payload0, meter0):
    rows = payload0["readings"]
    del rows[500:502]  # 2 hours: filled linearly
    del rows[800:830]  # 30 hours: left missing, reported with its span
    h = parse_household(payload0)
    s = meter0.iloc[: 60 * 24]
    step = (s.iloc[502] - s.iloc[499]) / 3
    assert h.readings_kwh.iloc[500] == pytest.approx(s.iloc[499] + step)
    assert h.readings_kwh.iloc[501] == pytest.approx(s.iloc[499] + 2 * step)
    assert "filled 1 short gap" in h.warnings[0]
    gap_start, gap_end = s.index[802], s.index[832]
    assert f"{gap_start.isoformat()} to {gap_end.isoformat()}" in h.warnings[1]
    assert h.readings_kwh.isna().sum() == 30


def test_too_much_missing_and_too_short(payload0):
    rows = payload0["readings"]
    payload0["readings"] = rows[:100] + rows[-100:]
    p = problems_of(payload0)[0]
    assert p.where == "readings" and p.problem.startswith("86% of the readings between")
    payload0["readings"] = rows[: 24 * 10]
    (p,) = problems_of(payload0)
    assert "only 10.0 days" in p.problem and "14 days" in p.expected


def test_negative_and_non_numeric_kwh(payload0):
    payload0["readings"][3]["kwh"] = -0.2
    payload0["readings"][4]["kwh"] = "lots"
    problems = problems_of(payload0)
    assert only(problems, "readings[3].kwh").problem == "-0.2 is negative"
    assert "solar" in only(problems, "readings[3].kwh").expected  # net metering, told how
    assert only(problems, "readings[4].kwh").problem == "'lots' is not a number"


def test_watt_hours_given_as_kwh(payload0):
    for row in payload0["readings"]:
        row["kwh"] *= 1000  # sample-0 in Wh: median ~ 100-200 "kWh" per hour
    (p,) = problems_of(payload0)
    assert "watt-hours" in p.problem and "divide Wh by 1000" in p.expected


def test_a_value_no_home_can_draw(payload0, meter1):
    payload0["readings"][40]["kwh"] = 80.0
    p = only(problems_of(payload0), "readings[40].kwh")
    assert p.problem == "80 kWh in 60 minutes is more than a home can draw"
    rows = as_rows(meter1.iloc[:2000])
    rows[7]["kwh"] = 30.0  # 60 kW for half an hour
    assert (
        "more than a home can draw"
        in only(problems_of(base_payload(rows)), "readings[7].kwh").problem
    )


def test_many_bad_rows_are_counted_not_dropped(payload0):
    for row in payload0["readings"][:25]:
        row["kwh"] = "x"
    problems = problems_of(payload0)
    assert len(problems) == schema.MAX_PROBLEMS_PER_KIND + 1
    assert problems[-1].where == "readings[10].kwh and 14 more row(s)"
    assert "15 more row(s) with the same problem" in problems[-1].problem


# --- fields -----------------------------------------------------------------------------------
def test_every_problem_is_listed_at_once(payload0):
    payload0.update(region="UK", timezone="Europe/Londn")
    payload0["appliances"] = [{"kind": "dishwaser", "cycles_per_week": 5}]
    payload0["trips"] = [
        {
            "start": "2021-01-04T08:00:00Z",
            "distance_km": -3,
            "mode": "train",
            "purpose": "comute",
            "passengers": 1,
        }
    ]
    payload0["tariff"] = {"type": "flat", "price_per_kwh": "cheap", "currency": "GBP"}
    payload0["readings"][5]["kwh"] = -1
    payload0["colour"] = "green"
    problems = problems_of(payload0)
    assert only(problems, "region").problem == "unknown region 'UK' (did you mean 'GB'?)"
    assert "did you mean 'Europe/London'?" in only(problems, "timezone").problem
    assert "did you mean 'dishwasher'?" in only(problems, "appliances[0].kind").problem
    assert only(problems, "trips[0].distance_km").problem == "-3 is negative"
    assert "unknown trip mode 'train'" in only(problems, "trips[0].mode").problem
    assert "did you mean 'commute'?" in only(problems, "trips[0].purpose").problem
    assert "is not a number" in only(problems, "tariff.price_per_kwh").problem
    assert "negative" in only(problems, "readings[5].kwh").problem
    assert "unknown field 'colour'" in only(problems, "colour").problem
    assert len(problems) == 9


def test_unknown_region_code(payload0):
    payload0["region"] = "XX"
    p = only(problems_of(payload0), "region")
    assert "unknown region 'XX'" in p.problem and "alpha-2" in p.expected


def test_tou_rates_must_cover_the_day(payload0):
    payload0["tariff"] = {
        "type": "tou",
        "currency": "GBP",
        "rates": [
            {"start": "00:00", "end": "07:00", "price_per_kwh": 0.09},
            {"start": "08:00", "end": "00:00", "price_per_kwh": 0.28},
        ],
    }
    p = only(problems_of(payload0), "tariff.rates")
    assert p.problem == "no rate covers 07:00 (60 minutes in all)"


def test_missing_required_fields(payload0):
    del payload0["region"], payload0["readings"]
    problems = problems_of(payload0)
    assert {p.where for p in problems} == {"region", "readings"}


def test_table_field_problems_name_row_and_column(tmp_path, tables0):
    homes = tables0["households"].assign(region="UK", dishwasher_usual_start="7pm")
    trips = pd.DataFrame(
        [
            {
                "household_id": "h-001",
                "start": "2021-01-04T08:00:00Z",
                "distance_km": -2.0,
                "mode": "car_petrol",
                "purpose": "commute",
                "passengers": 1,
            }
        ]
    )
    homes.to_csv(tmp_path / "households.csv", index=False)
    trips.to_csv(tmp_path / "trips.csv", index=False)
    batch = read_tables(tmp_path / "households.csv", tables0["readings"], tmp_path / "trips.csv")
    ((_, err),) = batch.failures
    assert "did you mean 'GB'" in only(err.problems, "households.csv row 2, column region").problem
    assert (
        "'7pm'" in only(err.problems, "households.csv row 2, column dishwasher_usual_start").problem
    )
    assert "negative" in only(err.problems, "trips.csv row 2, column distance_km").problem


def test_misspelled_reading_field(payload0):
    for row in payload0["readings"]:
        row["kWh"] = row.pop("kwh")
    problems = problems_of(payload0)
    assert "unknown field 'kWh' (did you mean 'kwh'?)" in only(problems, "readings[0].kWh").problem
    assert only(problems, "readings").problem == "no reading has a 'kwh' field"


def test_compact_readings_need_an_aware_start(payload0, meter0):
    payload0["readings"] = {
        "start": "2020-04-01T01:00:00",
        "interval_minutes": 45,
        "kwh": meter0.iloc[:500].tolist(),
    }
    problems = problems_of(payload0)
    assert "no UTC offset" in only(problems, "readings.start").problem
    assert "45 is not an accepted interval" in only(problems, "readings.interval_minutes").problem


def test_naive_timestamps_in_a_parquet_column(tmp_path, tables0):
    readings = tables0["readings"].assign(
        timestamp=pd.to_datetime(tables0["readings"]["timestamp"]).dt.tz_localize(None)
    )
    readings.to_parquet(tmp_path / "readings.parquet")
    ((_, err),) = read_tables(tables0["households"], tmp_path / "readings.parquet").failures
    assert err.problems[0].where == "readings.parquet row 1, column timestamp"
    assert "has no UTC offset" in err.problems[0].problem


def test_readings_dated_1900_are_refused_naming_the_row(payload0) -> None:
    payload = json.loads(json.dumps(payload0))
    payload["readings"][3]["timestamp"] = "1900-01-01T03:00:00Z"
    problem = only(problems_of(payload), "readings[3].timestamp")
    assert "not a plausible date" in problem.problem and "2000-01-01" in problem.expected


def test_a_trip_in_the_far_future_is_refused(payload0) -> None:
    payload = json.loads(json.dumps(payload0))
    payload["trips"] = [
        {
            "start": "2999-01-01T08:00:00Z",
            "distance_km": 5,
            "mode": "car_petrol",
            "purpose": "commute",
        }
    ]
    assert "not a plausible date" in only(problems_of(payload), "trips[0].start").problem


def test_a_bare_nan_in_json_is_a_problem_not_a_gap(payload0) -> None:
    text = json.dumps(payload0)  # Python writes a float NaN as the bare word NaN
    payload = json.loads(text)
    payload["readings"][5]["kwh"] = float("nan")
    with pytest.raises(InvalidInput) as err:
        parse_household_json(json.dumps(payload))
    problem = only(err.value.problems, "readings[5].kwh")
    assert "NaN is not a number" in problem.problem and "null" in problem.expected
    payload["readings"][5]["kwh"] = None  # null is a gap, as before
    parse_household_json(json.dumps(payload))


def test_decimal_commas_are_named_in_a_value_and_in_a_semicolon_file(tmp_path) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_household(base_payload([{"timestamp": "2024-01-01T00:00:00Z", "kwh": "0,31"}]))
    assert "decimal comma" in only(err.value.problems, "readings[0].kwh").problem
    path = tmp_path / "readings.csv"
    path.write_text("household_id;timestamp;kwh\nh;2024-01-01T00:00:00Z;0,31\n")
    with pytest.raises(InvalidInput, match="decimal commas") as err:
        read_table(path, "readings", ("household_id", "timestamp", "kwh"))
    assert "decimal points (0.31, not 0,31)" in err.value.problems[0].expected


def test_a_tariff_without_currency_is_told_it_is_missing(payload0):
    payload0["tariff"] = {"type": "flat", "price_per_kwh": 0.2}
    p = only(problems_of(payload0), "tariff.currency")
    assert p.problem == "is missing" and "ISO 4217" in p.expected
    payload0["tariff"]["currency"] = "pounds"
    assert only(problems_of(payload0), "tariff.currency").problem == (
        "'pounds' is not a currency code"
    )


@pytest.mark.parametrize("form", ["compact", "list"])
def test_true_and_false_are_not_kwh(payload0, form):
    """JSON booleans are not 1 and 0 (every other numeric field refuses them too)."""
    if form == "compact":
        payload0["readings"] = {
            "start": "2023-01-01T00:00:00Z",
            "interval_minutes": 60,
            "kwh": [0.3] * (24 * 30 - 2) + [True, False],
        }
        wheres = {"readings.kwh[718]", "readings.kwh[719]"}
    else:
        payload0["readings"][3]["kwh"] = True
        wheres = {"readings[3].kwh"}
    problems = problems_of(payload0)
    assert {p.where for p in problems} == wheres
    assert all(p.problem.endswith("is not a number") for p in problems)


@pytest.mark.parametrize(
    ("currency", "price", "accepted"),
    [
        ("GBP", 0.245, True),
        ("GBP", 24.5, False),
        ("JPY", 31.0, True),
        ("KRW", 150.0, True),
        ("USD", 16.0, False),
        ("KES", 25.0, True),
    ],
)
def test_a_price_is_bounded_in_its_own_currency(payload0, currency, price, accepted):
    """10 GBP a kWh at the reference rate (pence or cents for pounds or dollars are caught; yen
    and won are not refused), a million units of a currency without a rate (KES)."""
    payload0["tariff"] = {"type": "flat", "price_per_kwh": price, "currency": currency}
    if accepted:
        assert parse_household(payload0).tariff.price_per_kwh == price
    else:
        assert currency in only(problems_of(payload0), "tariff.price_per_kwh").expected


def test_quiet_hours_that_start_and_end_together_are_asked_about(payload0):
    payload0["preferences"] = {"quiet_hours": ["07:00", "07:00"]}
    p = only(problems_of(payload0), "preferences.quiet_hours")
    assert "all day, or none?" in p.problem and "leave it out" in p.expected
