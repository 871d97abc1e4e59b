"""What the results page shows, from the answer: the charts' geometry, the day's schedule over
grid intensity, the journeys, and the number formats the templates use."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from recommender.domain import money_counted
from recommender.errors import GreenrecError
from recommender.grid.providers import intensity_forecast
from webapp.form import charts
from webapp.form.forms import FeedbackForm, ForgetForm


def schedule(household: Any, answer: dict[str, Any]) -> dict[str, Any] | None:
    shifts = [a for a in answer["actions"] if a["kind"] == "shift_appliance" and a["schedule"]]
    if not shifts:
        return None
    days = shifts[0]["details"].get("next_days") or []
    day = pd.Timestamp(days[0]["date"] if days else answer["forecast"]["start"][:10])
    index = pd.date_range(day.tz_localize(household.timezone), periods=48, freq="30min")
    try:
        frame = intensity_forecast(
            household.region, index.tz_convert("UTC"), timezone=household.timezone
        )
    except GreenrecError:
        return None
    windows = [
        {
            "title": a["title"],
            "usual_start": a["details"]["usual_start"],
            "best_start": a["schedule"]["start"],
            "slots": int(round(float(a["details"]["cycle_hours"]) * 2)),
        }
        for a in shifts
    ]
    values = frame["g_per_kwh"].astype(float).tolist()
    return {
        "date": f"{day:%A %d %B %Y}",
        "chart": charts.schedule_chart(values, windows),
        "windows": windows,
        "low": min(values),
        "high": max(values),
    }


def results_context(household: Any, answer: Any, opted_in: bool) -> dict[str, Any]:
    data = answer.to_dict()
    journeys = [a for a in data["actions"] if a["kind"] == "travel_mode"]
    words = charts.usage_words(data["forecast"], household.fuel)
    return {
        "answer": data,
        "household": household,
        "usage": charts.usage_chart(
            household.readings_kwh, data["forecast"], household.timezone, words.history_days
        ),
        "usage_words": words,
        "schedule": schedule(household, data),
        "journeys": journeys,
        "opted_in": opted_in,
        "feedback_form": FeedbackForm(),
        "forget_form": ForgetForm(),
    }


def number(value: float | None, digits: int = 0) -> str:
    """Thousands separators and ``digits`` decimals; a dash for a figure that is missing."""
    return "-" if value is None else f"{value:,.{digits}f}"


def significant(value: float | None) -> str:
    """Two significant figures in plain decimals (0.000026, not 2.6e-05)."""
    if value is None:
        return "-"
    if value == 0:
        return "0"
    digits = max(0, 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{digits}f}"


def saving_money_counted(saving: dict[str, Any]) -> bool:
    """:attr:`recommender.domain.Savings.money_counted` of a saving as the answer's JSON carries
    it (the one rule: a gas saving's money counts only where a gas price was given)."""
    return money_counted(saving["energy"], saving["money_per_year_p90"] or 0.0)
