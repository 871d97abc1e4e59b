"""Parsers of the small parts of a household: tariff, appliances, trips, preferences.

Shared by the JSON reader and the table reader, which differ only in how they name a place: each
function takes ``where(field) -> str`` (``"tariff.price_per_kwh"`` for JSON,
``"households.csv row 3, column price_per_kwh"`` for a table) and adds a
:class:`~recommender.errors.Problem` for everything wrong instead of stopping at the first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import time
from typing import Any

import pandas as pd

from recommender.domain import (
    APPLIANCE_KINDS,
    TRIP_MODES,
    TRIP_PURPOSES,
    Appliance,
    Preferences,
    Tariff,
    TouRate,
    Trip,
)
from recommender.errors import Problem
from recommender.io import schema
from recommender.reference import gbp_per_unit

Field = Callable[[str], str]

MAX_PRICE_PER_KWH_GBP = 10.0  # no retail tariff comes near 10 GBP a kWh (the dearest are ~1)
MAX_PRICE_PER_KWH_UNRATED = 1e6  # in a currency without a reference rate to convert 10 GBP
MAX_CYCLES_PER_WEEK = 70.0  # ten a day
MAX_TRIP_KM = 20_000.0  # half the Earth's circumference
MAX_PASSENGERS = 100
TRIP_FIELDS: tuple[str, ...] = ("start", "distance_km", "mode", "purpose", "passengers")


def max_price_per_kwh(currency: str) -> tuple[float, str]:
    """The highest price per kWh accepted in ``currency``, and its unit as told: 10 GBP at the
    ECB reference rate (so a price in pence or cents, 100 times too high, is caught in GBP, EUR or
    USD, and 30 JPY or 150 KRW a kWh are accepted), or a million units of a currency without
    one."""
    rate = gbp_per_unit().get(currency)
    if rate is None:
        return MAX_PRICE_PER_KWH_UNRATED, f"{currency} per kWh"
    high = float(f"{MAX_PRICE_PER_KWH_GBP / rate:.2g}")
    return high, f"{currency} per kWh" + ("" if currency == "GBP" else " (about 10 GBP)")


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, str) and not value.strip()


def unknown_keys(
    obj: Mapping[str, Any], known: tuple[str, ...], where: Field, problems: list[Problem]
) -> None:
    for key in obj:
        if key not in known:
            problems.append(
                Problem(
                    where(str(key)),
                    f"unknown field {key!r}{schema.suggest(str(key), known)}",
                    schema.one_of(known),
                )
            )


def require_mapping(obj: object, where: str, problems: list[Problem]) -> Mapping[str, Any] | None:
    if isinstance(obj, Mapping):
        return obj
    problems.append(
        Problem(where, f"expected an object, got {type(obj).__name__}", "a JSON object")
    )
    return None


def parse_tariff(obj: Mapping[str, Any], where: Field, problems: list[Problem]) -> Tariff | None:
    """``{"type": "flat", "price_per_kwh", "currency"}`` or ``{"type": "tou", "rates", ...}``,
    either with an optional ``gas_price_per_kwh`` (:func:`_gas_price`)."""
    before = len(problems)
    known = ("type", "price_per_kwh", "currency", "rates", "gas_price_per_kwh")
    unknown_keys(obj, known, where, problems)
    kind = schema.check_choice(
        obj.get("type"), ("flat", "tou"), "tariff type", where("type"), problems
    )
    currency = obj.get("currency")
    if not (
        isinstance(currency, str)
        and len(currency) == 3
        and currency.isalpha()
        and currency.isupper()
    ):
        problems.append(
            Problem(
                where("currency"),
                "is missing" if is_blank(currency) else f"{currency!r} is not a currency code",
                "an ISO 4217 code such as 'GBP' or 'EUR'",
            )
        )
    price: float | None = None
    rates: list[TouRate] = []
    if kind == "flat":
        high, unit = max_price_per_kwh(str(currency))
        price = schema.check_number(
            obj.get("price_per_kwh"), where("price_per_kwh"), problems, low=0, high=high, unit=unit
        )
        if not is_blank(obj.get("rates")):
            problems.append(
                Problem(where("rates"), "a flat tariff has no rates", "no 'rates' for type 'flat'")
            )
    elif kind == "tou":
        raw = obj.get("rates")
        if not isinstance(raw, list) or not raw:
            problems.append(
                Problem(
                    where("rates"),
                    f"{raw!r} is not a list of rates",
                    "a list of {start, end, price_per_kwh} covering the day",
                )
            )
        else:
            rates = _parse_rates(raw, where, problems, max_price_per_kwh(str(currency)))
        if not is_blank(obj.get("price_per_kwh")):
            problems.append(
                Problem(
                    where("price_per_kwh"),
                    "a time-of-use tariff has no single price",
                    "prices in 'rates' for type 'tou'",
                )
            )
    gas_price = _gas_price(obj.get("gas_price_per_kwh"), str(currency), where, problems)
    if len(problems) > before:
        return None
    return Tariff(
        type=str(kind),
        currency=str(currency),
        price_per_kwh=price,
        rates=tuple(rates),
        gas_price_per_kwh=gas_price,
    )


def _gas_price(value: object, currency: str, where: Field, problems: list[Problem]) -> float | None:
    """The optional gas unit price, in the tariff's currency: blank is none (gas money is not
    counted), else a number above 0 (0 would price a gas saving at nothing, which reads as "no
    price": leave it out instead) up to the electricity price's ceiling in that currency."""
    if is_blank(value):
        return None
    high, unit = max_price_per_kwh(currency)
    return schema.check_number(
        value,
        where("gas_price_per_kwh"),
        problems,
        low=0,
        high=high,
        low_inclusive=False,
        unit=unit,
    )


def _parse_rates(
    raw: list[Any], where: Field, problems: list[Problem], ceiling: tuple[float, str]
) -> list[TouRate]:
    rates: list[TouRate] = []
    cover = [0] * 1440
    ok = True
    for i, item in enumerate(raw):
        at = f"rates[{i}]"
        rate = require_mapping(item, where(at), problems)
        if rate is None:
            ok = False
            continue
        n = len(problems)
        prefix = f"{at}."
        unknown_keys(rate, ("start", "end", "price_per_kwh"), _prefixed(where, prefix), problems)
        start = schema.check_hhmm(rate.get("start"), where(f"{at}.start"), problems)
        end = schema.check_hhmm(rate.get("end"), where(f"{at}.end"), problems)
        price = schema.check_number(
            rate.get("price_per_kwh"),
            where(f"{at}.price_per_kwh"),
            problems,
            low=0,
            high=ceiling[0],
            unit=ceiling[1],
        )
        if len(problems) > n or start is None or end is None or price is None:
            ok = False
            continue
        rates.append(TouRate(start, end, price))
        a, b = start.hour * 60 + start.minute, end.hour * 60 + end.minute
        for m in range(a, b if b > a else b + 1440):
            cover[m % 1440] += 1
    if ok:
        for count, what in ((0, "no rate covers"), (2, "more than one rate covers")):
            minutes = [m for m, c in enumerate(cover) if (c == 0 if count == 0 else c >= 2)]
            if minutes:
                problems.append(
                    Problem(
                        where("rates"),
                        f"{what} {_hhmm(minutes[0])}"
                        f"{f' ({len(minutes)} minutes in all)' if len(minutes) > 1 else ''}",
                        "rates that cover each minute of the day exactly once",
                    )
                )
    return rates


def _prefixed(where: Field, prefix: str) -> Field:
    return lambda f: where(prefix + f)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse_appliance(
    obj: Mapping[str, Any], where: Field, problems: list[Problem]
) -> Appliance | None:
    before = len(problems)
    unknown_keys(obj, ("kind", "cycles_per_week", "usual_start"), where, problems)
    kind = schema.check_choice(
        obj.get("kind"), APPLIANCE_KINDS, "appliance kind", where("kind"), problems
    )
    cycles = schema.check_number(
        obj.get("cycles_per_week"),
        where("cycles_per_week"),
        problems,
        low=0,
        high=MAX_CYCLES_PER_WEEK,
        unit="cycles per week",
    )
    raw_start = obj.get("usual_start")
    start = (
        None
        if is_blank(raw_start)
        else schema.check_hhmm(raw_start, where("usual_start"), problems)
    )
    if len(problems) > before or kind is None or cycles is None:
        return None
    return Appliance(kind=kind, cycles_per_week=cycles, usual_start=start)


def parse_trip(obj: Mapping[str, Any], where: Field, problems: list[Problem]) -> Trip | None:
    before = len(problems)
    unknown_keys(obj, TRIP_FIELDS, where, problems)
    start = _aware_timestamp(obj.get("start"), where("start"), problems)
    km = schema.check_number(
        obj.get("distance_km"),
        where("distance_km"),
        problems,
        low=0,
        high=MAX_TRIP_KM,
        low_inclusive=False,
        unit="km",
    )
    mode = schema.check_choice(obj.get("mode"), TRIP_MODES, "trip mode", where("mode"), problems)
    purpose = schema.check_choice(
        obj.get("purpose"), TRIP_PURPOSES, "trip purpose", where("purpose"), problems
    )
    raw_p = obj.get("passengers")
    passengers = (
        1.0
        if is_blank(raw_p)
        else schema.check_number(
            raw_p, where("passengers"), problems, low=1, high=MAX_PASSENGERS, unit="people"
        )
    )
    if passengers is not None and passengers != int(passengers):
        problems.append(
            Problem(where("passengers"), f"{passengers:g} is not a whole number", "an integer >= 1")
        )
    if len(problems) > before or start is None or km is None or passengers is None:
        return None
    return Trip(
        start=start,
        distance_km=km,
        mode=str(mode),
        purpose=str(purpose),
        passengers=int(passengers),
    )


def _aware_timestamp(value: object, where: str, problems: list[Problem]) -> pd.Timestamp | None:
    expected = "an ISO 8601 timestamp with an offset, e.g. 2024-01-02T08:00:00Z"
    if isinstance(value, pd.Timestamp | str) or hasattr(value, "isoformat"):
        try:
            stamp = pd.Timestamp(value)  # type: ignore[arg-type]
        except (ValueError, TypeError):
            stamp = None
        if stamp is None or stamp is pd.NaT:
            problems.append(Problem(where, f"cannot read {value!r} as a timestamp", expected))
            return None
        if stamp.tzinfo is None:
            problems.append(Problem(where, f"timestamp {value!r} has no UTC offset", expected))
            return None
        earliest, latest = schema.plausible_dates()
        if not earliest <= stamp <= latest:
            problems.append(Problem(where, *schema.implausible_date(value, "a trip")))
            return None
        return stamp.tz_convert("UTC")
    problems.append(Problem(where, f"cannot read {value!r} as a timestamp", expected))
    return None


def parse_preferences(obj: Mapping[str, Any], where: Field, problems: list[Problem]) -> Preferences:
    before = len(problems)
    unknown_keys(
        obj,
        ("quiet_hours", "max_extra_minutes_per_trip", "carbon_weight", "ready_by"),
        where,
        problems,
    )
    quiet: tuple[time, time] | None = None
    raw = obj.get("quiet_hours")
    if not is_blank(raw):
        if isinstance(raw, list | tuple) and len(raw) == 2:
            a = schema.check_hhmm(raw[0], where("quiet_hours[0]"), problems)
            b = schema.check_hhmm(raw[1], where("quiet_hours[1]"), problems)
            quiet = (a, b) if a is not None and b is not None else None
            if quiet is not None and a == b:  # all day, or none? we do not guess
                problems.append(
                    Problem(
                        where("quiet_hours"),
                        f"starts and ends at {raw[0]}: all day, or none?",
                        "two different times, e.g. ['22:00', '07:00'] (for none, leave it out)",
                    )
                )
                quiet = None
        else:
            problems.append(
                Problem(
                    where("quiet_hours"),
                    f"{raw!r} is not a pair of times",
                    "['HH:MM', 'HH:MM'], e.g. ['22:00', '07:00']",
                )
            )
    defaults = Preferences()
    minutes = defaults.max_extra_minutes_per_trip
    if not is_blank(obj.get("max_extra_minutes_per_trip")):
        minutes = (
            schema.check_number(
                obj.get("max_extra_minutes_per_trip"),
                where("max_extra_minutes_per_trip"),
                problems,
                low=0,
                high=24 * 60,
                unit="minutes",
            )
            or 0.0
        )
    weight = defaults.carbon_weight
    if not is_blank(obj.get("carbon_weight")):
        weight = (
            schema.check_number(
                obj.get("carbon_weight"), where("carbon_weight"), problems, low=0, high=1
            )
            or 0.0
        )
    ready = None
    if not is_blank(obj.get("ready_by")):
        ready = schema.check_hhmm(obj.get("ready_by"), where("ready_by"), problems)
    if len(problems) > before:
        return defaults
    return Preferences(
        quiet_hours=quiet, max_extra_minutes_per_trip=minutes, carbon_weight=weight, ready_by=ready
    )
