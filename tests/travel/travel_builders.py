"""Builders for travel tests: households whose trip diaries are written out by hand below.

No open travel-diary data exists (data/README.md), so the diaries are synthetic; the meter
readings attached are the real OpenEEmeter UK sample 0 where a test needs a data period.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from recommender.domain import Household, Preferences, Tariff, Trip

TZ = "Europe/London"


def diary(
    first_monday: str,
    weeks: int,
    legs: Iterable[tuple[int, float, float, str, str, int]],
) -> list[Trip]:
    """Trips over ``weeks`` whole weeks; a leg: (weekday, local hour, km, mode, purpose, people)."""
    legs = list(legs)
    start = pd.Timestamp(first_monday, tz=TZ)
    assert start.day_of_week == 0
    trips = []
    for week in range(weeks):
        for weekday, hour, km, mode, purpose, people in legs:
            local = start + pd.Timedelta(days=7 * week + weekday, hours=hour)
            trips.append(Trip(local.tz_convert("UTC"), km, mode, purpose, people))
    return sorted(trips, key=lambda t: t.start)


def household(
    trips: Iterable[Trip],
    *,
    max_extra_minutes: float = 30.0,
    currency: str = "GBP",
    region: str = "GB",
    readings: pd.Series | None = None,
) -> Household:
    if readings is None:
        idx = pd.date_range("2024-01-01", "2024-12-31", freq="h", tz="UTC")
        readings = pd.Series(0.3, index=idx)  # only its span is used by the travel code
    return Household(
        household_id="h-travel",
        region=region,
        timezone=TZ,
        tariff=Tariff("flat", currency, 0.245),
        readings_kwh=readings,
        trips=tuple(trips),
        preferences=Preferences(max_extra_minutes_per_trip=max_extra_minutes),
    )


WEEKDAY_COMMUTE = [(d, h, 12.0, "car_petrol", "commute", 1) for d in range(5) for h in (8.0, 17.5)]
SCHOOL_RUN = [(d, h, 3.0, "car_petrol", "school", 1) for d in range(5) for h in (8.5, 15.25)]
