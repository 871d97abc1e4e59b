"""When a forecast is not of the coming days, its warnings say so.

A forecast starts at the hour after the household's last reading: the short-horizon model reads
the days just before it. An answer given long after the readings end (a meter export from last
year, a dataset scored today) therefore forecasts days that are already past, and one scored at
an instant before the readings end (``greenrec score --now`` in the past) forecasts days after
it. Both are right about what they forecast and would read wrong as "the next 7 days", so the
answer says which days they are.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from recommender.domain import Forecast

# Smart-meter readings usually arrive a day late; a forecast starting up to 2 days before the
# answer still covers most of the coming week and is not warned about.
STALE_AFTER = pd.Timedelta(days=2)
AHEAD_AFTER = pd.Timedelta(hours=1)


def horizon_words(horizon: str) -> str:
    """An ISO 8601 horizon in words: "P7D" is "7 days", "PT48H" "48 hours"."""
    days = re.fullmatch(r"P(\d+)D", horizon)
    if days:
        return f"{days.group(1)} days"
    hours = re.fullmatch(r"PT(\d+)H", horizon)
    return f"{hours.group(1)} hours" if hours else horizon


def dated(forecast: Forecast, now: pd.Timestamp) -> Forecast:
    """``forecast`` with a warning when it starts over :data:`STALE_AFTER` before ``now`` (the
    instant of the answer; naive is read as UTC) or over :data:`AHEAD_AFTER` after it; else
    ``forecast`` itself."""
    start, now = pd.Timestamp(forecast.start), pd.Timestamp(now)
    now = now.tz_localize("UTC") if now.tzinfo is None else now
    span = horizon_words(forecast.horizon)
    # the texts name the readings' end, not the answer's instant (that is the answer's
    # generated_at), so answers from the same readings read alike whenever they are given
    if start < now - STALE_AFTER:
        text = (
            f"readings end {start:%Y-%m-%d %H:%M} UTC, over {STALE_AFTER.days} days before this "
            f"answer: the forecast is of the {span} after the last reading, not of the coming "
            "days; recent readings give a forecast of the days ahead"
        )
    elif start > now + AHEAD_AFTER:
        text = (
            f"readings run to {start:%Y-%m-%d %H:%M} UTC, after the instant of this answer: the "
            f"forecast is of the {span} after the last reading"
        )
    else:
        return forecast
    return replace(forecast, warnings=(*forecast.warnings, text))
