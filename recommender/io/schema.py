"""The data contract: limits, vocabularies, table columns and small shared checks.

Every reader (JSON payload, batch tables, importers) takes its names and limits from here, so
the web form, the API and the batch scorer accept and refuse exactly the same things. Limits are
module constants; a caller may change them at run time (``schema.MAX_FILE_BYTES = ...``) and every
reader reads them at call time.
"""

from __future__ import annotations

import difflib
import re
from datetime import time
from functools import cache
from zoneinfo import available_timezones

import pandas as pd

from recommender.domain import APPLIANCE_KINDS, FUELS, TRIP_MODES, TRIP_PURPOSES
from recommender.errors import InvalidInput, Problem
from recommender.reference import alpha2_to_alpha3

# --- limits (configurable) -------------------------------------------------------------------
MAX_FILE_BYTES: int = 50 * 1024 * 1024  # one file read whole, decompressed
EARLIEST_TIMESTAMP: str = "2000-01-01T00:00:00Z"  # readings or trips before it are a mistake
LATEST_AHEAD: pd.Timedelta = pd.Timedelta(days=2)  # ... and so are those this far in the future
MAX_STREAM_BYTES: int = 64 * 1024**3  # one streamed CSV, decompressed (read in bounded chunks)
MAX_PAYLOAD_BYTES: int = 10 * 1024 * 1024  # one JSON household (API body, household.json)
MAX_READINGS_PER_HOUSEHOLD: int = 400_000  # > 10 years of 15-minute readings
MAX_PROBLEMS_PER_KIND: int = 10  # rows listed one by one per kind; the rest are summarised
# --- plausibility of readings ----------------------------------------------------------------
MAX_KWH_PER_HOUR: float = (
    50.0  # no home draws more than ~50 kW for an hour (a 3-phase 100 A supply is ~70 kW)
)
MAX_MEDIAN_KWH_PER_HOUR: float = 10.0  # a typical hour above this means the file is in Wh, not kWh
SHORT_GAP_MINUTES: int = 120  # gaps up to this long are filled by linear interpolation
MAX_MISSING_FRACTION: float = 0.5  # more missing than this is a problem, not a warning
MIN_DAYS_OF_READINGS: float = 14.0  # fewer days of actual readings than this is a problem
ALLOWED_INTERVALS_MINUTES: tuple[int, ...] = (15, 30, 60, 1440)

# --- batch tables ----------------------------------------------------------------------------
APPLIANCE_COLUMNS: tuple[str, ...] = tuple(
    c for kind in APPLIANCE_KINDS for c in (f"{kind}_cycles_per_week", f"{kind}_usual_start")
)
HOUSEHOLD_REQUIRED: tuple[str, ...] = (
    "household_id",
    "region",
    "timezone",
    "tariff_type",
    "currency",
)
HOUSEHOLD_OPTIONAL: tuple[str, ...] = (
    "price_per_kwh",
    "tariff_rates",
    "gas_price_per_kwh",
    *APPLIANCE_COLUMNS,
    "quiet_hours_start",
    "quiet_hours_end",
    "max_extra_minutes_per_trip",
    "carbon_weight",
    "ready_by",
    "fuel",
)
READINGS_COLUMNS: tuple[str, ...] = ("household_id", "timestamp", "kwh")
TRIPS_REQUIRED: tuple[str, ...] = ("household_id", "start", "distance_km", "mode", "purpose")
TRIPS_OPTIONAL: tuple[str, ...] = ("passengers",)
TEMPERATURE_COLUMNS: tuple[str, ...] = ("household_id", "timestamp", "celsius")

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$", re.IGNORECASE)
# Common aliases that are not ISO 3166-1 alpha-2 codes, with the code meant.
REGION_ALIASES: dict[str, str] = {"UK": "GB", "EN": "GB", "EL": "GR"}


def iso_alpha2_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (``data/grid/iso_country_codes.csv``)."""
    return frozenset(alpha2_to_alpha3())


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def suggest(value: str, choices: tuple[str, ...] | frozenset[str] | list[str]) -> str:
    """``" (did you mean 'x'?)"`` for the closest choice, or ``""`` when nothing is close."""
    lowered = {c.lower(): c for c in choices}
    if value.lower() in lowered:
        return f" (did you mean {lowered[value.lower()]!r}?)"
    close = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean {lowered[close[0]]!r}?)" if close else ""


def one_of(choices: tuple[str, ...], limit: int = 8) -> str:
    shown = ", ".join(repr(c) for c in choices[:limit])
    return f"one of {shown}" + (f" ... ({len(choices)} in all)" if len(choices) > limit else "")


# --- field checks: each returns the parsed value, or None after adding a Problem --------------
def check_region(value: object, where: str, problems: list[Problem]) -> str | None:
    if isinstance(value, str) and value in iso_alpha2_codes():
        return value
    text = str(value) if value is not None else "nothing"
    hint = ""
    if isinstance(value, str):
        if value.upper() in REGION_ALIASES:
            hint = f" (did you mean {REGION_ALIASES[value.upper()]!r}?)"
        elif value.upper() in iso_alpha2_codes():
            hint = f" (did you mean {value.upper()!r}?)"
    problems.append(
        Problem(where, f"unknown region {text!r}{hint}", "an ISO 3166-1 alpha-2 code such as 'GB'")
    )
    return None


def check_fuel(value: object, where: str, problems: list[Problem]) -> str:
    """What the readings meter: blank means electricity (the default of the whole contract)."""
    if value is None or (isinstance(value, str) and not value.strip()) or value != value:
        return "electricity"
    if isinstance(value, str) and value.strip().lower() in FUELS:
        return value.strip().lower()
    problems.append(Problem(where, f"{value!r} is not a fuel we forecast", f"one of {FUELS}"))
    return "electricity"


def check_timezone(value: object, where: str, problems: list[Problem]) -> str | None:
    if isinstance(value, str) and value in _timezones():
        return value
    hint = suggest(value, sorted(_timezones())) if isinstance(value, str) else ""
    problems.append(
        Problem(where, f"unknown time zone {value!r}{hint}", "an IANA name such as 'Europe/London'")
    )
    return None


def check_choice(
    value: object, choices: tuple[str, ...], what: str, where: str, problems: list[Problem]
) -> str | None:
    if isinstance(value, str) and value in choices:
        return value
    hint = suggest(value, choices) if isinstance(value, str) else ""
    problems.append(Problem(where, f"unknown {what} {value!r}{hint}", one_of(choices)))
    return None


def check_hhmm(value: object, where: str, problems: list[Problem]) -> time | None:
    if isinstance(value, str) and (m := _HHMM.match(value.strip())):
        return time(int(m.group(1)), int(m.group(2)))
    problems.append(
        Problem(where, f"cannot read {value!r} as a time of day", "'HH:MM', 00:00-23:59")
    )
    return None


def check_number(
    value: object,
    where: str,
    problems: list[Problem],
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    unit: str = "",
) -> float | None:
    """A finite number in ``[low, high]`` (``low`` exclusive unless ``low_inclusive``)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        number = None
    else:
        try:
            number = float(value)
        except (ValueError, OverflowError):  # OverflowError: an integer beyond float64
            number = None
    rng = _range_text(low, high, low_inclusive, unit)
    if number is None or number != number or number in (float("inf"), float("-inf")):
        problems.append(Problem(where, f"{value!r} is not a number", f"a number {rng}".strip()))
        return None
    too_low = low is not None and (number < low if low_inclusive else number <= low)
    if too_low or (high is not None and number > high):
        what = "negative" if low == 0 and number < 0 else "out of range"
        problems.append(Problem(where, f"{number:g} is {what}", f"a number {rng}".strip()))
        return None
    return number


def _range_text(low: float | None, high: float | None, low_inclusive: bool, unit: str) -> str:
    unit = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return (
            f"from {low:g} to {high:g}{unit}"
            if low_inclusive
            else f"above {low:g} up to {high:g}{unit}"
        )
    if low is not None:
        return f">= {low:g}{unit}" if low_inclusive else f"> {low:g}{unit}"
    if high is not None:
        return f"<= {high:g}{unit}"
    return ""


def has_offset(text: pd.Series) -> pd.Series:
    """Boolean mask: each ISO 8601 string ends with a UTC offset (``Z``, ``+01:00``, ``-0500``)."""
    return text.str.strip().str.contains(_OFFSET, regex=True, na=False)


def plausible_dates() -> tuple[pd.Timestamp, pd.Timestamp]:
    """The dates a reading or a trip can have: from EARLIEST_TIMESTAMP to LATEST_AHEAD from now."""
    return pd.Timestamp(EARLIEST_TIMESTAMP), pd.Timestamp.now(tz="UTC") + LATEST_AHEAD


def plain_instant_pattern(max_fraction_digits: int = 9) -> str:
    """The plain ISO 8601 instant (``2024-01-01T00:00:00Z``: a T or a space, seconds, an optional
    fraction, an offset ``Z`` or ``+HH:MM`` always): what the readers parse a whole column of at
    once, leaving every other text to the general parser, which names its problem."""
    digits = f"{{1,{max_fraction_digits}}}"
    return (
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}"
        rf"(\.[0-9]{digits})?(Z|[+-][0-9]{{2}}:[0-9]{{2}})"
    )


def implausible_date(value: object, field: str) -> tuple[str, str]:
    """What is wrong and what is expected, for a timestamp outside :func:`plausible_dates`."""
    earliest, latest = plausible_dates()
    return (
        f"{value!r} is not a plausible date for {field}",
        f"a date from {earliest.date()} to {latest.date()}",
    )


def check_size(n_bytes: int, limit: int, where: str) -> None:
    """Raise :class:`InvalidInput` when an input is larger than ``limit`` bytes."""
    if n_bytes > limit:
        raise InvalidInput(
            Problem(
                where,
                f"input is {n_bytes / 1e6:.1f} MB",
                f"at most {limit / 1e6:.1f} MB (split it, or raise recommender.io.schema limits)",
            ),
            source=where,
        )


__all__ = [
    "ALLOWED_INTERVALS_MINUTES",
    "APPLIANCE_KINDS",
    "MAX_FILE_BYTES",
    "MAX_PAYLOAD_BYTES",
    "TRIP_MODES",
    "TRIP_PURPOSES",
    "alpha2_to_alpha3",
    "check_choice",
    "check_hhmm",
    "check_number",
    "check_region",
    "check_size",
    "check_timezone",
    "iso_alpha2_codes",
    "suggest",
]
