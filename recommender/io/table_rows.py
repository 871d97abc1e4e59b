"""One households-table row (and its trips rows) as the household JSON's fields, and back.

The batch tables spread a household's tariff, appliances and preferences over columns
(docs/tables.md); each is turned into the JSON shape and read by the same field parsers as the
household JSON (:mod:`recommender.io.validate`), with problems named by table row and column.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from recommender.domain import APPLIANCE_KINDS, Appliance, Household, Preferences, Tariff, Trip
from recommender.errors import Problem
from recommender.io import schema
from recommender.io.files import Table
from recommender.io.household import household_to_payload
from recommender.io.validate import (
    is_blank,
    parse_appliance,
    parse_preferences,
    parse_tariff,
    parse_trip,
)

WhereColumn = Callable[[str], str]  # column -> "households.csv row 4, column region"
_PREFERENCE_COLUMNS = {
    "quiet_hours[0]": "quiet_hours_start",
    "quiet_hours[1]": "quiet_hours_end",
    "quiet_hours": "quiet_hours_start",
}


def row_tariff(
    row: Mapping[str, Any], where_col: WhereColumn, problems: list[Problem]
) -> Tariff | None:
    """The tariff of a households row (``tariff_type``, ``currency``, ``price_per_kwh`` or the
    ``tariff_rates`` JSON text, and an optional ``gas_price_per_kwh``)."""
    tariff_obj: dict[str, Any] = {"type": row["tariff_type"], "currency": row["currency"]}
    for key in ("price_per_kwh", "tariff_rates", "gas_price_per_kwh"):
        if not is_blank(row.get(key)):
            tariff_obj["rates" if key == "tariff_rates" else key] = row[key]
    if isinstance(tariff_obj.get("rates"), str):
        try:
            tariff_obj["rates"] = json.loads(tariff_obj["rates"])
        except json.JSONDecodeError as exc:
            problems.append(
                Problem(
                    where_col("tariff_rates"),
                    f"not valid JSON: {exc.msg}",
                    '[{"start": "00:00", "end": "07:00", "price_per_kwh": 0.09}, ...]',
                )
            )
            tariff_obj.pop("rates")
    names = {"type": "tariff_type", "rates": "tariff_rates"}
    return parse_tariff(
        tariff_obj,
        lambda f: where_col(names.get(f.split("[")[0], f)) + (f" ({f})" if "[" in f else ""),
        problems,
    )


TARIFF_COLUMNS = ("tariff_type", "currency", "price_per_kwh", "tariff_rates", "gas_price_per_kwh")
TariffKey = tuple[tuple[str, str] | None, ...]


def row_tariff_once(
    row: Mapping[str, Any],
    where_col: WhereColumn,
    problems: list[Problem],
    known: dict[TariffKey, Tariff],
) -> Tariff | None:
    """:func:`row_tariff`, each distinct tariff read once (a supplier's tariff repeats across
    households; its rates are a JSON text to parse and check). Only a tariff read without a
    problem is kept in ``known``: a Tariff is immutable, and the same cells (same types, same
    ``repr``: -0.0 is not 0.0, True is not 1) read the same in every row; a row that has a
    problem is read again each time, so that each of its rows is named."""
    key = tuple(
        None if is_blank(v := row.get(c)) else (type(v).__name__, repr(v)) for c in TARIFF_COLUMNS
    )
    if key in known:
        return known[key]
    before = len(problems)
    tariff = row_tariff(row, where_col, problems)
    if tariff is not None and len(problems) == before:
        known[key] = tariff
    return tariff


def row_appliances(
    row: Mapping[str, Any], where_col: WhereColumn, problems: list[Problem]
) -> list[Appliance]:
    """The appliances of a households row: one ``<kind>_cycles_per_week`` and ``_usual_start``
    pair of columns per kind."""
    appliances = []
    for kind in APPLIANCE_KINDS:
        cycles, start = row.get(f"{kind}_cycles_per_week"), row.get(f"{kind}_usual_start")
        if is_blank(cycles):
            if not is_blank(start):
                problems.append(
                    Problem(
                        where_col(f"{kind}_usual_start"),
                        f"a usual start for {kind} but no cycles per week",
                        f"{kind}_cycles_per_week as well",
                    )
                )
            continue
        obj = {"kind": kind, "cycles_per_week": cycles, "usual_start": start}
        parsed = parse_appliance(obj, partial(_column, where_col, f"{kind}_"), problems)
        if parsed is not None:
            appliances.append(parsed)
    return appliances


def row_preferences(
    row: Mapping[str, Any], where_col: WhereColumn, problems: list[Problem]
) -> Preferences:
    """The preferences of a households row (quiet hours as two columns)."""
    prefs_obj: dict[str, Any] = {
        k: row.get(k) for k in ("max_extra_minutes_per_trip", "carbon_weight", "ready_by")
    }
    qs, qe = row.get("quiet_hours_start"), row.get("quiet_hours_end")
    if not (is_blank(qs) and is_blank(qe)):
        prefs_obj["quiet_hours"] = [qs, qe]
    prefs = parse_preferences(
        prefs_obj, lambda f: where_col(_PREFERENCE_COLUMNS.get(f, f)), problems
    )
    return prefs if isinstance(prefs, Preferences) else Preferences()


def row_trips(
    trips: list[tuple[Table, int, Trip | None]], problems: list[Problem]
) -> tuple[Trip, ...]:
    """A household's trips rows, in time order: each (table, row position, its Trip when it was
    read cleanly column-wise by :func:`~recommender.io.trips.clean_trips`, else None: then the
    row is parsed here, which names its problems)."""
    parsed = []
    for table, i, trip in trips:
        if trip is None:
            record = table.frame.iloc[[i]].to_dict(orient="records")[0]
            obj = {str(k): plain_value(v) for k, v in record.items()}
            obj.pop("household_id")
            trip = parse_trip(obj, partial(table.where, i), problems)
        if trip is not None:
            parsed.append(trip)
    return tuple(sorted(parsed, key=lambda t: t.start))


def _column(where_col: WhereColumn, prefix: str, field: str) -> str:
    return where_col(prefix + field)


def plain_value(value: Any) -> Any:
    """A plain Python value for a numpy scalar (what the field parsers expect)."""
    return value.item() if isinstance(value, np.generic) else value


def household_to_tables(h: Household) -> dict[str, pd.DataFrame]:
    """The household as the batch tables (``households``, ``readings``, ``trips``, maybe
    ``temperature``); :func:`read_tables` of them gives the same Household."""
    p = household_to_payload(h)
    row: dict[str, Any] = {
        "household_id": h.household_id,
        "region": h.region,
        "timezone": h.timezone,
        "tariff_type": h.tariff.type,
        "price_per_kwh": p["tariff"].get("price_per_kwh"),
        "currency": h.tariff.currency,
        "tariff_rates": json.dumps(p["tariff"]["rates"]) if h.tariff.type == "tou" else None,
        "gas_price_per_kwh": h.tariff.gas_price_per_kwh,
    }
    for kind in APPLIANCE_KINDS:
        row[f"{kind}_cycles_per_week"] = None
        row[f"{kind}_usual_start"] = None
    for a in p["appliances"]:
        row[f"{a['kind']}_cycles_per_week"] = a["cycles_per_week"]
        row[f"{a['kind']}_usual_start"] = a["usual_start"]
    quiet = p["preferences"]["quiet_hours"] or [None, None]
    row.update(
        quiet_hours_start=quiet[0],
        quiet_hours_end=quiet[1],
        max_extra_minutes_per_trip=h.preferences.max_extra_minutes_per_trip,
        carbon_weight=h.preferences.carbon_weight,
        ready_by=p["preferences"]["ready_by"],
        fuel=h.fuel,
    )
    tables = {
        "households": pd.DataFrame([row]),
        "readings": pd.DataFrame(p["readings"]).assign(household_id=h.household_id)[
            list(schema.READINGS_COLUMNS)
        ],
        "trips": pd.DataFrame(
            p["trips"],
            columns=[
                c for c in (*schema.TRIPS_REQUIRED, *schema.TRIPS_OPTIONAL) if c != "household_id"
            ],
        ).assign(household_id=h.household_id)[[*schema.TRIPS_REQUIRED, *schema.TRIPS_OPTIONAL]],
    }
    if "temperature" in p:
        tables["temperature"] = pd.DataFrame(p["temperature"]).assign(household_id=h.household_id)[
            list(schema.TEMPERATURE_COLUMNS)
        ]
    return tables
