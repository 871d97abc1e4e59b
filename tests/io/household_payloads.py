"""Helpers that build canonical payloads from real meter series (imported by the io tests)."""

from __future__ import annotations

from typing import Any

import pandas as pd


def base_payload(readings: list[dict[str, Any]] | dict[str, Any]) -> dict[str, Any]:
    return {
        "household_id": "h-001",
        "region": "GB",
        "timezone": "Europe/London",
        "tariff": {"type": "flat", "price_per_kwh": 0.245, "currency": "GBP"},
        "appliances": [{"kind": "dishwasher", "cycles_per_week": 5, "usual_start": "19:00"}],
        "readings": readings,
        "trips": [
            {
                "start": "2021-01-04T08:00:00Z",
                "distance_km": 12.3,
                "mode": "car_petrol",
                "purpose": "commute",
                "passengers": 1,
            }
        ],
        "preferences": {"quiet_hours": ["22:00", "07:00"], "max_extra_minutes_per_trip": 15},
    }


def as_rows(series: pd.Series) -> list[dict[str, Any]]:
    return [{"timestamp": t.isoformat(), "kwh": float(v)} for t, v in series.items()]
