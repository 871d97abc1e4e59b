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
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from recommender.domain import FUELS, Household, Preferences
from recommender.errors import InvalidInput, Problem
from recommender.io import schema
from recommender.io.limited import read_limited
from recommender.io.normalise import (
    JsonConstant,
    Where,
    normalise_readings,
    normalise_temperature,
    parse_numbers,
    parse_timestamps,
    row_problems,
)
from recommender.io.validate import (
    is_blank,
    parse_appliance,
    parse_preferences,
    parse_tariff,
    parse_trip,
    require_mapping,
    unknown_keys,
)

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
    tariff = None
    if (
        "tariff" in payload
        and (obj := require_mapping(payload["tariff"], "tariff", problems)) is not None
    ):
        tariff = parse_tariff(obj, lambda f: f"tariff.{f}", problems)
    appliances = _parse_list(payload.get("appliances"), "appliances", parse_appliance, problems)
    kinds = [a.kind for a in appliances]
    for kind in sorted({k for k in kinds if kinds.count(k) > 1}):
        problems.append(
            Problem(
                "appliances",
                f"appliance kind {kind!r} is listed more than once",
                "one entry per appliance kind",
            )
        )
    trips = _parse_list(payload.get("trips"), "trips", parse_trip, problems)
    prefs = Preferences()
    if not is_blank(payload.get("preferences")):
        obj = require_mapping(payload["preferences"], "preferences", problems)
        if obj is not None:
            prefs = parse_preferences(obj, lambda f: f"preferences.{f}", problems)
    readings = None
    if "readings" in payload:
        stamps, kwh, where = readings_columns(
            payload["readings"], "readings", "kwh", problems, timezone=tz or "UTC"
        )
        if stamps is not None:
            readings = normalise_readings(
                stamps, kwh, timezone=tz or "UTC", where=where, problems=problems
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
    fuel = payload.get("fuel", "electricity")
    if fuel not in FUELS:
        problems.append(Problem("fuel", f"{fuel!r} is not a fuel we forecast", f"one of {FUELS}"))
    if problems or readings is None or tariff is None:
        raise InvalidInput(problems, source=source)
    return Household(
        household_id=str(hid),
        region=str(region),
        timezone=str(tz),
        tariff=tariff,
        readings_kwh=readings.kwh,
        appliances=tuple(appliances),
        temperature_c=temperature,
        trips=tuple(sorted(trips, key=lambda t: t.start)),
        preferences=prefs,
        warnings=readings.warnings + tuple(f"temperature: {w}" for w in t_warnings),
        reading_interval_minutes=readings.interval_minutes,
        fuel=str(fuel),
    )


def _parse_list(raw: object, name: str, parse: Any, problems: list[Problem]) -> list[Any]:
    if is_blank(raw):
        return []
    if not isinstance(raw, list):
        problems.append(Problem(name, f"expected a list, got {type(raw).__name__}", "a JSON array"))
        return []
    out = []
    for i, item in enumerate(raw):
        obj = require_mapping(item, f"{name}[{i}]", problems)
        if obj is not None and (parsed := parse(obj, lambda f, i=i: f"{name}[{i}].{f}", problems)):
            out.append(parsed)
    return out


def readings_columns(
    raw: object, name: str, value: str, problems: list[Problem], *, timezone: str = "UTC"
) -> tuple[pd.Series | None, np.ndarray, Where]:
    """Parse either readings shape into (UTC stamps, values, where) for the normaliser.

    ``[{"timestamp", value}, ...]`` or compact ``{"start", "interval_minutes", value: [...]}``.
    """
    empty = np.array([], dtype="float64")
    if isinstance(raw, list):
        if not raw:
            problems.append(Problem(name, "is empty", f"a list of {{timestamp, {value}}}"))
            return None, empty, _where_list(name)
        if len(raw) > schema.MAX_READINGS_PER_HOUSEHOLD:
            problems.append(
                Problem(
                    name,
                    f"{len(raw):,} values",
                    f"at most {schema.MAX_READINGS_PER_HOUSEHOLD:,} per household",
                )
            )
            return None, empty, _where_list(name)
        where = _where_list(name)
        is_map = [isinstance(r, Mapping) for r in raw]
        rows = raw if all(is_map) else [r if m else {} for r, m in zip(raw, is_map, strict=True)]
        for i in (i for i, m in enumerate(is_map) if not m):
            problems.append(
                Problem(
                    f"{name}[{i}]",
                    f"expected an object, got {type(raw[i]).__name__}",
                    f"{{timestamp, {value}}}",
                )
            )
        keys = set().union(*(r.keys() for r in rows))
        for key in sorted(keys - {"timestamp", value}):
            first = next(i for i, r in enumerate(rows) if key in r)
            problems.append(
                Problem(
                    f"{name}[{first}].{key}",
                    f"unknown field {key!r}{schema.suggest(key, ('timestamp', value))}",
                    f"'timestamp' and '{value}'",
                )
            )
        for key in ("timestamp", value):
            lacking = [i for i, r in enumerate(rows) if key not in r and is_map[i]]
            if lacking and key not in keys:
                problems.append(
                    Problem(name, f"no reading has a {key!r} field", f"'{key}' in each reading")
                )
            elif lacking:
                row_problems(
                    problems,
                    lacking,
                    where,
                    key,
                    _missing_text(key),
                    f"'{key}' in each reading",
                )
        stamps = parse_timestamps(
            pd.Series([r.get("timestamp") for r in rows], dtype=object),
            where,
            "timestamp",
            problems,
        )
        values = parse_numbers(
            pd.Series([r.get(value) for r in rows], dtype=object),
            where,
            value,
            problems,
            negative_ok=(value == "celsius"),
        )
        return stamps, values, where
    if isinstance(raw, Mapping):
        return _compact(raw, name, value, problems, timezone)
    problems.append(
        Problem(
            name,
            f"expected a list or an object, got {type(raw).__name__}",
            f"[{{timestamp, {value}}}, ...] or {{start, interval_minutes, {value}: [...]}}",
        )
    )
    return None, empty, _where_list(name)


def _missing_text(key: str) -> Callable[[int], str]:
    return lambda i: f"{key!r} is missing"


def _where_list(name: str) -> Where:
    return lambda i, column: f"{name}[{i}].{column}"


def _compact(
    raw: Mapping[str, Any], name: str, value: str, problems: list[Problem], timezone: str
) -> tuple[pd.Series | None, np.ndarray, Where]:
    before = len(problems)
    unknown_keys(raw, ("start", "interval_minutes", value), lambda f: f"{name}.{f}", problems)
    where: Where = lambda i, column: f"{name}.{value}[{i}]"  # noqa: E731
    start = _plain_instant(raw.get("start"))
    if start is None:  # not the plain form: the general parser accepts or names the problem
        start = parse_timestamps(
            pd.Series([raw.get("start")], dtype=object),
            lambda i, c: f"{name}.start",
            "start",
            problems,
        )
    step = raw.get("interval_minutes")
    if step not in schema.ALLOWED_INTERVALS_MINUTES or isinstance(step, bool):
        problems.append(
            Problem(
                f"{name}.interval_minutes",
                f"{step!r} is not an accepted interval",
                "15, 30, 60 or 1440 (daily)",
            )
        )
    series = raw.get(value)
    if not isinstance(series, list) or not series:
        problems.append(
            Problem(f"{name}.{value}", "is missing or empty", f"a list of {value} values")
        )
    elif len(series) > schema.MAX_READINGS_PER_HOUSEHOLD:
        problems.append(
            Problem(
                f"{name}.{value}",
                f"{len(series):,} values",
                f"at most {schema.MAX_READINGS_PER_HOUSEHOLD:,} per household",
            )
        )
    if len(problems) > before:
        return None, np.array([], dtype="float64"), where
    assert isinstance(series, list) and isinstance(step, int)
    first = start.iloc[0]
    if step == 1440:  # daily: the household's local calendar days (23 or 25 h across DST)
        index = pd.date_range(first.tz_convert(timezone), periods=len(series), freq="D")
        index = index.tz_convert("UTC")
    else:
        index = pd.date_range(first, periods=len(series), freq=f"{step}min")
    negative_ok = value == "celsius"
    values = _plain_numbers(series, negative_ok=negative_ok)
    if values is None:  # something to report: the general parser names each problem
        objects = pd.Series(series, dtype=object)
        values = parse_numbers(objects, where, value, problems, negative_ok=negative_ok)
    return pd.Series(index), values, where


_PLAIN_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})")


def _plain_instant(text: object) -> pd.Series | None:
    """A compact series' start in the plain ISO 8601 form (``2024-01-01T00:00:00Z``, an offset
    always) read directly, as :func:`parse_timestamps` reads it (UTC, nanoseconds), without its
    per-column machinery: 5 ms a call on this machine for one value. None for any other form."""
    if not isinstance(text, str) or not _PLAIN_INSTANT.fullmatch(text):
        return None
    try:
        stamp = pd.Timestamp(text).tz_convert("UTC").as_unit("ns")
    except ValueError:  # the right shape, not a real instant (month 13): let the parser say so
        return None
    earliest, latest = schema.plausible_dates()
    if not earliest <= stamp <= latest:  # the parser's rule and its message
        return None
    return pd.Series([stamp], dtype="datetime64[ns, UTC]")


def _plain_numbers(series: list[Any], *, negative_ok: bool) -> np.ndarray | None:
    """The compact values as one float64 array, without an object per reading, when every value
    is a plain JSON number (not a bool, string or null), finite, and not negative unless allowed:
    what :func:`parse_numbers` gives such values. None otherwise."""
    if not set(map(type, series)) <= {float, int}:
        return None
    values = np.asarray(series, dtype=np.float64)
    if np.isinf(values).any() or (not negative_ok and (values < 0).any()):
        return None
    return values


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
