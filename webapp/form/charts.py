"""Chart geometry for the results page: plain numbers turned into SVG coordinates.

Small Jinja templates (``templates/_charts.html``) draw them; no chart library and nothing from
a CDN, so the page renders the same offline and with JavaScript off.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from recommender.clock import daily_instants, day_starts_ns, wall_day_numbers

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 24, 28, 36


@dataclass
class Chart:
    """Coordinates in a WIDTH x HEIGHT view box; ticks as (position, label)."""

    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    lines: dict[str, str] = field(default_factory=dict)  # name -> "x,y x,y ..." points
    bands: dict[str, str] = field(default_factory=dict)  # name -> polygon points
    boxes: list[dict[str, Any]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT


def nice_step(top: float, n: int = 4) -> float:
    """A round step (1, 2 or 5 x 10^k) that divides 0..top into about ``n`` parts."""
    raw = max(top, 1e-9) / n
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _scale(low: float, high: float, out_low: float, out_high: float):
    span = (high - low) or 1.0
    return lambda v: out_low + (v - low) / span * (out_high - out_low)


def _points(xs: Sequence[float], ys: Sequence[float]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True) if not math.isnan(y))


def _y_axis(chart: Chart, top: float, unit: str):
    step = nice_step(top)
    top = step * math.ceil(top / step)
    y = _scale(0.0, top, chart.plot_bottom, chart.plot_top)
    chart.y_ticks = [(y(k * step), f"{k * step:g}") for k in range(int(round(top / step)) + 1)]
    chart.y_ticks[-1] = (chart.y_ticks[-1][0], f"{chart.y_ticks[-1][1]} {unit}")
    return y


@dataclass(frozen=True)
class UsageWords:
    """How the usage chart names what it shows: the meter's fuel, the forecast's step and the
    days of readings drawn before it (a daily meter shows four weeks, an hourly one a week)."""

    fuel: str  # "electricity" or "gas"
    step: str  # "hour" or "day"
    history_days: int


def usage_words(forecast: dict[str, Any], fuel: str) -> UsageWords:
    """The words for a forecast of ``interval`` "PT1H" (hourly) or "P1D" (daily meters)."""
    daily = forecast.get("interval") == "P1D"
    return UsageWords(fuel, "day" if daily else "hour", 28 if daily else 7)


def forecast_stamps(forecast: dict[str, Any], timezone: str) -> pd.DatetimeIndex:
    """When each forecast value starts: hours from ``start``, or the household's local days
    (a daily forecast's days are local midnights, 23 or 25 hours apart across a clock change)."""
    start = pd.Timestamp(forecast["start"])
    if forecast.get("interval") == "P1D":
        return daily_instants(start, len(forecast["kwh"]), timezone)
    return pd.date_range(start, periods=len(forecast["kwh"]), freq="h")


def usage_chart(
    history: pd.Series, forecast: dict[str, Any], timezone: str, days: int = 7
) -> Chart:
    """The last ``days`` of readings (kWh per interval) and the forecast with its P10-P90 band."""
    chart = Chart()
    start = pd.Timestamp(forecast["start"])
    stamps = forecast_stamps(forecast, timezone)
    recent = history[history.index >= start - pd.Timedelta(days=days)].dropna()
    t0, t1 = start - pd.Timedelta(days=days), stamps[-1] if len(stamps) else start
    x = _scale(t0.value, t1.value, chart.plot_left, chart.plot_right)
    p90 = [v for v in forecast["p90"] if v is not None]
    top = max([*p90, *recent.to_numpy().tolist(), 0.1]) * 1.05
    y = _y_axis(chart, top, "kWh")
    ys = lambda values: [y(v) if v is not None else math.nan for v in values]  # noqa: E731
    fx = [x(t.value) for t in stamps]
    chart.lines["history"] = _points([x(t.value) for t in recent.index], ys(recent.to_numpy()))
    chart.lines["forecast"] = _points(fx, ys(forecast["kwh"]))
    chart.bands["p10_p90"] = _points(
        [*fx, *reversed(fx)], [*ys(forecast["p90"]), *reversed(ys(forecast["p10"]))]
    )
    chart.boxes.append({"x": x(start.value), "label": "now"})
    first, last = wall_day_numbers(pd.DatetimeIndex([t0, t1]), timezone)
    starts = day_starts_ns(np.arange(first, last + 1), timezone)
    starts = starts[starts >= t0.value]  # the days that begin inside the chart
    every = max(1, len(starts) // 10)  # at most about ten labels across the chart
    for day in pd.DatetimeIndex(starts[::every], tz="UTC").tz_convert(timezone):
        chart.x_ticks.append((x(day.value), f"{day:%a %d}"))
    return chart


def _hhmm_slot(text: str) -> float:
    hours, minutes = text.split(":")
    return int(hours) * 2 + int(minutes) / 30


def schedule_chart(intensity: Sequence[float], windows: Sequence[dict[str, Any]]) -> Chart:
    """A day's grid intensity (48 half-hours, g CO2/kWh) with each appliance's usual and
    suggested windows as lanes under the curve."""
    lanes = max(len(windows), 1)
    chart = Chart(height=HEIGHT + 28 * lanes + 12)
    chart.plot_bottom = HEIGHT - BOTTOM
    x = _scale(0, 48, chart.plot_left, chart.plot_right)
    y = _y_axis(chart, max([*intensity, 1.0]) * 1.05, "g/kWh")
    chart.lines["intensity"] = _points(
        [x(i + 0.5) for i in range(len(intensity))], [y(v) for v in intensity]
    )
    chart.x_ticks = [(x(h * 2), f"{h:02d}:00") for h in range(0, 25, 3)]
    for lane, window in enumerate(windows):
        top = HEIGHT + 28 * lane + 8
        for kind in ("usual", "best"):
            start = _hhmm_slot(window[f"{kind}_start"])
            end = start + window["slots"]
            for a, b in ((start, min(end, 48)), (0, end - 48)) if end > 48 else ((start, end),):
                if b > a:
                    chart.boxes.append(
                        {"kind": kind, "x": x(a), "width": x(b) - x(a), "y": top, "lane": lane}
                    )
        chart.boxes.append({"kind": "label", "x": chart.plot_left, "y": top - 2, "lane": lane})
    return chart
