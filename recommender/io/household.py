"""The canonical household JSON (docs/product.md): one parser for the web form, the API and batch.

>>> from recommender.io import household_to_payload, parse_household
>>> payload = {"household_id": "h-1", "region": "GB", "timezone": "Europe/London",
...            "tariff": {"type": "flat", "price_per_kwh": 0.245, "currency": "GBP"},
...            "readings": {"start": "2024-01-01T00:00:00Z", "interval_minutes": 60,
...                         "kwh": [0.3] * 24 * 30}}
>>> h = parse_household(payload)  # dict -> Household, or InvalidInput listing every problem
>>> h.readings_kwh.size, float(h.readings_kwh.sum().round(1))
(720, 216.0)
>>> parse_household(household_to_payload(h)).readings_kwh.equals(h.readings_kwh)
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from recommender.domain import Appliance, Household, Preferences, Tariff, Trip
from recommender.errors import InvalidInput, Problem
from recommender.io import schema
from recommender.io.cells import JsonConstant
from recommender.io.limited import read_limited
from recommender.io.normalise import NormalisedReadings, normalise_readings
from recommender.io.readings import readings_columns
from recommender.io.temperature import normalise_temperature
from recommender.io.trips import clean_trip_list, in_time_order
from recommender.io.validate import (
    is_blank,
    parse_appliance,
    parse_preferences,
    parse_tariff,
    parse_trip,
    require_mapping,
    unknown_keys,
)
from recommender.reference import gbp_per_unit

TOP_LEVEL = (
    "household_id",
    "region",
    "timezone",
    "tariff",
    "appliances",
    "readings",
    "temperature",
    "trips",
    "preferences",
    "fuel",
)
REQUIRED = ("household_id", "region", "timezone", "tariff", "readings")


def parse_household(payload: Mapping[str, Any], *, source: str = "household") -> Household:
    """Validate and normalise one household in the canonical JSON shape.

    Raises :class:`~recommender.errors.InvalidInput` listing every problem found (field path, what
    is wrong, what was expected). Safe fixes are applied and listed in ``Household.warnings``.
    """
    problems: list[Problem] = []
    if not isinstance(payload, Mapping):
        raise InvalidInput(
            Problem(
                "(top level)",
                f"expected an object, got {type(payload).__name__}",
                "a JSON object with household_id, region, ...",
            ),
            source=source,
        )
    unknown_keys(payload, TOP_LEVEL, lambda f: f, problems)
    hid, region, tz = _identity(payload, problems)
    tariff = None
    if (
        "tariff" in payload
        and (obj := require_mapping(payload["tariff"], "tariff", problems)) is not None
    ):
        tariff = parse_tariff(obj, lambda f: f"tariff.{f}", problems)
    appliances = _appliances(payload.get("appliances"), problems)
    trips = _trips(payload.get("trips"), problems)
    prefs = Preferences()
    if not is_blank(payload.get("preferences")):
        obj = require_mapping(payload["preferences"], "preferences", problems)
        if obj is not None:
            prefs = parse_preferences(obj, lambda f: f"preferences.{f}", problems)
    readings, temperature, t_warnings = _series(payload, tz or "UTC", problems)
    fuel = schema.check_fuel(payload.get("fuel"), "fuel", problems)
    if problems or readings is None or tariff is None:
        raise InvalidInput(problems, source=source)
    return assemble_household(
        str(hid),
        str(region),
        str(tz),
        tariff,
        readings,
        (temperature, t_warnings),
        (appliances, trips, prefs),
        fuel=fuel,
    )


def assemble_household(
    household_id: str,
    region: str,
    timezone: str,
    tariff: Tariff,
    readings: NormalisedReadings,
    temperature: tuple[pd.Series | None, tuple[str, ...]],
    parts: tuple[list[Appliance], Sequence[Trip], Preferences],
    fuel: str = "electricity",
) -> Household:
    """The household from its validated, normalised parts (one assembly for the JSON and the
    table readers): trips in time order, the temperature's warnings beside the readings'."""
    celsius, temperature_warnings = temperature
    appliances, trips, preferences = parts
    return Household(
        household_id=household_id,
        region=region,
        timezone=timezone,
        tariff=tariff,
        readings_kwh=readings.kwh,
        appliances=tuple(appliances),
        temperature_c=celsius,
        trips=in_time_order(trips),
        preferences=preferences,
        warnings=readings.warnings
        + tuple(f"temperature: {w}" for w in temperature_warnings)
        + _unweighed_money(tariff.currency),
        reading_interval_minutes=readings.interval_minutes,
        fuel=fuel,
    )


def _unweighed_money(currency: str) -> tuple[str, ...]:
    """A warning when money in ``currency`` cannot be weighed against GBP in the ranking."""
    if currency in gbp_per_unit():
        return ()
    return (
        f"money: no ECB reference rate for {currency}, so the money each action saves is shown "
        "but not weighed in the ranking, which orders the actions by carbon and effort",
    )


def _identity(
    payload: Mapping[str, Any], problems: list[Problem]
) -> tuple[object, str | None, str | None]:
    """The required fields, the household id, region and time zone."""
    for key in REQUIRED:
        if key not in payload:
            problems.append(Problem(key, "is missing", f"a '{key}' field"))
    hid = payload.get("household_id")
    if "household_id" in payload and not (isinstance(hid, str) and hid.strip() and len(hid) <= 200):
        problems.append(Problem("household_id", f"{hid!r} is not an id", "a non-empty string"))
    region = (
        schema.check_region(payload["region"], "region", problems) if "region" in payload else None
    )
    tz = (
        schema.check_timezone(payload["timezone"], "timezone", problems)
        if "timezone" in payload
        else None
    )
    return hid, region, tz


def _appliances(raw: object, problems: list[Problem]) -> list[Any]:
    """The appliances, each kind at most once."""
    appliances = _parse_list(raw, "appliances", parse_appliance, problems)
    kinds = [a.kind for a in appliances]
    for kind in sorted({k for k in kinds if kinds.count(k) > 1}):
        problems.append(
            Problem(
                "appliances",
                f"appliance kind {kind!r} is listed more than once",
                "one entry per appliance kind",
            )
        )
    return appliances


def _series(
    payload: Mapping[str, Any], timezone: str, problems: list[Problem]
) -> tuple[NormalisedReadings | None, pd.Series | None, tuple[str, ...]]:
    """The readings normalised to the engine's series, and the temperatures with their warnings."""
    readings = None
    if "readings" in payload:
        stamps, kwh, where = readings_columns(
            payload["readings"], "readings", "kwh", problems, timezone=timezone
        )
        if stamps is not None:
            readings = normalise_readings(
                stamps, kwh, timezone=timezone, where=where, problems=problems
            )
    temperature: pd.Series | None = None
    t_warnings: tuple[str, ...] = ()
    if not is_blank(payload.get("temperature")):
        stamps, celsius, where = readings_columns(
            payload["temperature"], "temperature", "celsius", problems
        )
        if stamps is not None:
            temperature, t_warnings = normalise_temperature(
                stamps, celsius, where=where, problems=problems
            )
    return readings, temperature, t_warnings


def _trips(raw: object, problems: list[Problem]) -> Sequence[Trip]:
    """The trips: as columns when every item reads cleanly column-wise (the usual case), else
    item by item (clean ones as read column-wise, the others parsed, their problems named)."""
    clean = clean_trip_list(raw)
    if clean is not None and len(clean.clean) and clean.clean.all():
        return clean.columns(slice(None))
    return _parse_list(raw, "trips", parse_trip, problems, clean.trips() if clean else None)


def _parse_list(
    raw: object, name: str, parse: Any, problems: list[Problem], clean: list[Any] | None = None
) -> list[Any]:
    """Each item parsed; ``clean`` (when given) holds the items already parsed column-wise, None
    where the item is to be parsed here (and its problems named)."""
    if is_blank(raw):
        return []
    if not isinstance(raw, list):
        problems.append(Problem(name, f"expected a list, got {type(raw).__name__}", "a JSON array"))
        return []
    out = []
    for i, item in enumerate(raw):
        if clean is not None and clean[i] is not None:
            out.append(clean[i])
            continue
        obj = require_mapping(item, f"{name}[{i}]", problems)
        if obj is not None and (parsed := parse(obj, lambda f, i=i: f"{name}[{i}].{f}", problems)):
            out.append(parsed)
    return out


def parse_household_json(text: str | bytes, *, source: str = "household") -> Household:
    """Parse a JSON document (an API body, an uploaded file) after checking its size."""
    size = len(text.encode() if isinstance(text, str) else text)
    schema.check_size(size, schema.MAX_PAYLOAD_BYTES, source)
    try:
        payload = json.loads(text, parse_constant=JsonConstant)
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            Problem(
                source,
                f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                "a UTF-8 encoded JSON document",
            ),
            source=source,
        ) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            Problem(
                f"{source} line {exc.lineno}, column {exc.colno}",
                f"not valid JSON: {exc.msg}",
                "a JSON object",
            ),
            source=source,
        ) from None
    except ValueError:  # an integer of more digits than Python converts (sys.int_info)
        raise InvalidInput(
            Problem(source, "a number with thousands of digits", "numbers a float can hold"),
            source=source,
        ) from None
    return parse_household(payload, source=source)


def read_household_json(path: str | Path) -> Household:
    """Read one household from a ``.json`` file (size checked against ``MAX_PAYLOAD_BYTES``)."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(
            Problem(str(path), "file not found", "an existing file"), source=str(path)
        )
    return parse_household_json(read_limited(path, schema.MAX_PAYLOAD_BYTES), source=path.name)


def household_to_payload(h: Household) -> dict[str, Any]:
    """The canonical JSON of a Household; ``parse_household`` of it gives the same Household.

    Readings go out in the list shape with explicit UTC offsets (missing hours as ``null``), so
    daily series on local days survive daylight-saving changes. ``warnings`` are not part of the
    input contract and are not written.
    """
    tariff: dict[str, Any] = {"type": h.tariff.type, "currency": h.tariff.currency}
    if h.tariff.type == "flat":
        tariff["price_per_kwh"] = h.tariff.price_per_kwh
    else:
        tariff["rates"] = [
            {"start": _hm(r.start), "end": _hm(r.end), "price_per_kwh": r.price_per_kwh}
            for r in h.tariff.rates
        ]
    if h.tariff.gas_price_per_kwh is not None:
        tariff["gas_price_per_kwh"] = h.tariff.gas_price_per_kwh
    p = h.preferences
    payload: dict[str, Any] = {
        "household_id": h.household_id,
        "region": h.region,
        "timezone": h.timezone,
        "tariff": tariff,
        "appliances": [
            {
                "kind": a.kind,
                "cycles_per_week": a.cycles_per_week,
                "usual_start": _hm(a.usual_start) if a.usual_start else None,
            }
            for a in h.appliances
        ],
        "readings": _series_payload(h.readings_kwh, "kwh"),
        "fuel": h.fuel,
        "trips": [
            {
                "start": t.start.isoformat(),
                "distance_km": t.distance_km,
                "mode": t.mode,
                "purpose": t.purpose,
                "passengers": t.passengers,
            }
            for t in h.trips
        ],
        "preferences": {
            "quiet_hours": [_hm(p.quiet_hours[0]), _hm(p.quiet_hours[1])]
            if p.quiet_hours
            else None,
            "max_extra_minutes_per_trip": p.max_extra_minutes_per_trip,
            "carbon_weight": p.carbon_weight,
            "ready_by": _hm(p.ready_by) if p.ready_by else None,
        },
    }
    if h.temperature_c is not None:
        payload["temperature"] = _series_payload(h.temperature_c, "celsius")
    return payload


def _series_payload(series: pd.Series, value: str) -> list[dict[str, Any]]:
    stamps = pd.DatetimeIndex(series.index).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = [None if v != v else float(v) for v in series.to_numpy(dtype="float64")]
    return [{"timestamp": t, value: v} for t, v in zip(stamps, values, strict=True)]


def _hm(t: Any) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"
