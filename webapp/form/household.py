"""From the form's fields to the canonical household JSON (the one the API takes), and the parser's
problems back to the fields they concern.

The form asks for habits ("a 12 km commute by car, weekdays at 08:00, back at 17:30"); the engine
reads a trip diary. The diary written here covers the 52 weeks that end on the last meter reading,
one trip per chosen weekday at the given time (and one back when a return time is given), and N
return flights spread evenly over those weeks: the habits as stated, nothing inferred.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from recommender.errors import Problem
from recommender.io import schema

DIARY_WEEKS = 52
_WHERE = re.compile(r"^(appliances|trips)\[(\d+)\]\.?(\w*)")
_TRIP_FIELDS = {"distance_km": "distance_km", "mode": "mode", "purpose": "purpose"}
_FLIGHT_FIELDS = {"distance_km": "distance_km", "mode": "mode"}


@dataclass
class Built:
    """A payload and, for each appliance and trip in it, the form row it came from."""

    payload: dict[str, Any]
    appliance_rows: list[int] = field(default_factory=list)
    trip_rows: list[str] = field(default_factory=list)  # "trips-0" or "flights-1"
    problems: list[Problem] = field(default_factory=list)  # where = a form field id


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _tariff(data: Mapping[str, Any]) -> dict[str, Any]:
    """The tariff, with the gas price whenever one is typed (only a gas meter's saving uses it;
    the parser checks it either way)."""
    tariff = _electricity_tariff(data)
    if not _blank(data.get("gas_price_per_kwh")):
        tariff["gas_price_per_kwh"] = data["gas_price_per_kwh"]
    return tariff


def _electricity_tariff(data: Mapping[str, Any]) -> dict[str, Any]:
    if data.get("tariff_type") == "tou":
        return {
            "type": "tou",
            "currency": data.get("currency"),
            "rates": [
                {
                    "start": data.get("cheap_start"),
                    "end": data.get("cheap_end"),
                    "price_per_kwh": data.get("cheap_price_per_kwh"),
                },
                {
                    "start": data.get("cheap_end"),
                    "end": data.get("cheap_start"),
                    "price_per_kwh": data.get("price_per_kwh"),
                },
            ],
        }
    return {
        "type": "flat",
        "price_per_kwh": data.get("price_per_kwh"),
        "currency": data.get("currency"),
    }


def _appliances(rows: Sequence[Mapping[str, Any]], built: Built) -> list[dict[str, Any]]:
    out = []
    for i, row in enumerate(rows):
        if _blank(row.get("kind")):
            continue
        item = {"kind": row["kind"], "cycles_per_week": row.get("cycles_per_week")}
        if not _blank(row.get("usual_start")):
            item["usual_start"] = row["usual_start"]
        out.append(item)
        built.appliance_rows.append(i)
    return out


def _local_days(last: pd.Timestamp, timezone: str) -> pd.DatetimeIndex:
    end = last.tz_convert(timezone).normalize()
    return pd.date_range(end=end, periods=DIARY_WEEKS * 7, freq="D", tz=timezone)


def _filled(rows: Sequence[Mapping[str, Any]], name: str) -> Iterator[tuple[str, Mapping]]:
    """Rows with a distance, each with its field id prefix ("trips-0"); blank rows are skipped."""
    for i, row in enumerate(rows):
        if not _blank(row.get("distance_km")):
            yield f"{name}-{i}", row


def _add(built: Built, prefix: str, when: pd.Timestamp, row: Mapping, purpose: str) -> dict:
    built.trip_rows.append(prefix)
    return {
        "start": when.tz_convert("UTC").isoformat(),
        "distance_km": row.get("distance_km"),
        "mode": row.get("mode"),
        "purpose": purpose,
        "passengers": 1,
    }


def _regular_trips(
    rows: Sequence[Mapping[str, Any]], days: pd.DatetimeIndex | None, built: Built
) -> list[dict[str, Any]]:
    trips: list[dict[str, Any]] = []
    for prefix, row in _filled(rows, "trips"):
        chosen = {int(d) for d in row.get("days") or []}
        if not chosen:
            built.problems.append(
                Problem(f"{prefix}-days", "no day is chosen", "at least one day of the week")
            )
        out = schema.check_hhmm(row.get("departure"), f"{prefix}-departure", built.problems)
        back = None
        if not _blank(row.get("return_at")):
            back = schema.check_hhmm(row.get("return_at"), f"{prefix}-return_at", built.problems)
        if days is None or out is None:
            continue
        purpose = str(row.get("purpose") or "other")
        for day in days[days.day_of_week.isin(sorted(chosen))]:
            for moment in (out, back):
                if moment is not None:
                    when = day + pd.Timedelta(hours=moment.hour, minutes=moment.minute)
                    trips.append(_add(built, prefix, when, row, purpose))
    return trips


def _flights(
    rows: Sequence[Mapping[str, Any]], days: pd.DatetimeIndex | None, built: Built
) -> list[dict[str, Any]]:
    trips: list[dict[str, Any]] = []
    for prefix, row in _filled(rows, "flights"):
        where = f"{prefix}-returns_per_year"
        count = schema.check_number(
            row.get("returns_per_year"), where, built.problems, low=0, high=52
        )
        if days is None or not count:
            continue
        n = int(round(count))
        for k in range(n):  # out on day k*364/n, back four days later, at 07:00 local
            out = days[int(k * len(days) / n)] + pd.Timedelta(hours=7)
            for leg in (out, out + pd.Timedelta(days=4)):
                trips.append(_add(built, prefix, leg, row, "holiday"))
    return trips


def build_payload(
    data: Mapping[str, Any],
    household_id: str,
    readings: list[dict[str, Any]],
    temperature: list[dict[str, Any]] | None,
    last_reading: pd.Timestamp | None,
) -> Built:
    """The canonical payload from the form's data (values passed on as typed, for the parser)."""
    built = Built(payload={})
    timezone = str(data.get("timezone") or "").strip()
    days = None
    if last_reading is not None and schema.check_timezone(timezone, "timezone", []) is not None:
        days = _local_days(last_reading, timezone)
    payload: dict[str, Any] = {
        "household_id": household_id,
        "region": str(data.get("region") or "").strip().upper(),
        "timezone": timezone,
        "tariff": _tariff(data),
        "appliances": _appliances(data.get("appliances") or [], built),
        "readings": readings,
        # the samples are electricity meters; an uploaded export is what the person says it is
        "fuel": data.get("meter_fuel") if data.get("source") == "upload" else "electricity",
        "trips": [
            *_regular_trips(data.get("trips") or [], days, built),
            *_flights(data.get("flights") or [], days, built),
        ],
    }
    if temperature:
        payload["temperature"] = temperature
    if not _blank(data.get("quiet_start")) or not _blank(data.get("quiet_end")):
        payload["preferences"] = {"quiet_hours": [data.get("quiet_start"), data.get("quiet_end")]}
    built.payload = payload
    return built


def field_of(problem: Problem, built: Built) -> str | None:
    """The form field a parser problem concerns (None: it goes in the summary only)."""
    where = problem.where
    if where in ("region", "timezone"):
        return where
    if where == "fuel":
        return "meter_fuel"
    if where.startswith("tariff"):
        if where.endswith("gas_price_per_kwh"):
            return "gas_price_per_kwh"
        if "rates[0]" in where:
            return {"start": "cheap_start", "end": "cheap_end"}.get(
                where.rsplit(".", 1)[-1], "cheap_price_per_kwh"
            )
        if "rates[1]" in where or where.endswith("price_per_kwh"):
            return "price_per_kwh"
        return "currency" if where.endswith("currency") else "tariff_type"
    if where.startswith("preferences"):
        return "quiet_end" if "[1]" in where else "quiet_start"
    if where.startswith(("readings", "temperature")):
        return "meter_file"
    match = _WHERE.match(where)
    if match is None:
        return None
    kind, index, attribute = match.group(1), int(match.group(2)), match.group(3)
    if kind == "appliances" and index < len(built.appliance_rows):
        row = built.appliance_rows[index]
        name = attribute if attribute in ("kind", "cycles_per_week", "usual_start") else "kind"
        return f"appliances-{row}-{name}"
    if kind == "trips" and index < len(built.trip_rows):
        prefix = built.trip_rows[index]
        names = _FLIGHT_FIELDS if prefix.startswith("flights") else _TRIP_FIELDS
        return f"{prefix}-{names.get(attribute, 'distance_km')}"
    return None


def series_rows(series: pd.Series, value: str) -> list[dict[str, Any]]:
    """A UTC series as the payload's list of ``{"timestamp", value}`` rows (NaN as null)."""
    return [
        {"timestamp": stamp.isoformat(), value: None if pd.isna(v) else float(v)}
        for stamp, v in zip(series.index, series.to_numpy(), strict=True)
    ]
