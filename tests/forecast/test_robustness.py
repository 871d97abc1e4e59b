"""Robustness: what the field plants in a household's history must not move the forecast far.

Each case takes a bundled real meter's training year (sample-0, with temperatures; hue-1,
without), plants one problem, forecasts the year ahead from it and compares with the forecast from
the untouched year. Two paths:

* **service**: the model was fitted without the problem (as the service's global model, fitted on
  other households, meets a new one), and reads the perturbed history at forecast time;
* **evaluate**: the model is fitted on the perturbed history itself, as ``greenrec evaluate`` does.

The distances are design decisions, not measured results:

* the **annual total** within :data:`ANNUAL_TOLERANCE` (10 %) of the expected one and the
  **hour-by-hour** forecast within :data:`HOURLY_TOLERANCE` (10 % of the mean hour, RMS). 10 % is
  about a household's own year-to-year change in these meters, so a forecast that close is as good
  as the untouched one for every use greenrec makes of it; each planted problem, left unhandled,
  moves the forecast 30 % or more where it acts (shown for the vacancy below, whose effect on the
  annual total alone would be under 10 %: its month is compared on its own).
* one exception, said plainly: on the evaluate path a **level change** (drop or meter swap) is
  held to :data:`FITTED_LEVEL_TOLERANCE` (20 %). A model fitted on one year of one household
  cannot fully tell a lasting change in it from its season: the trees absorb part of it before the
  shift is read (see :func:`recommender.forecast.level.relevel`). On sample-0 the 30 % drop over
  its last (winter) four months is absorbed so far that it is not found at all: that case is an
  expected failure (strict, so a fix shows). Meeting the household new (the service path) the
  change shows whole and the 10 % holds.
* the **expected** forecast is the untouched one, scaled where the planted problem is a real
  change the forecast should follow: a 30 % level drop over the last four months (x 0.7), and a
  meter swapped for one reading double over the last three months (x 2).

Every case must also say what it found in the forecast's warnings, and the untouched year must
not.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pytest

from recommender.forecast import GlobalForecaster, forecast_many, screening
from recommender.forecast.data import align_temperature

pytestmark = pytest.mark.slow  # ~25 s: 36 fits of a year

ANNUAL_TOLERANCE = 0.10
FITTED_LEVEL_TOLERANCE = 0.20
HOURLY_TOLERANCE = 0.10
MONTH_TOLERANCE = 0.10
DAY = 24


class Year(NamedTuple):
    kwh: pd.Series
    temperature: pd.Series | None
    zone: str


@pytest.fixture(scope="module")
def years(meter0, temperature0, data_dir) -> dict[str, Year]:
    from recommender.forecast.data import hourly_kwh
    from recommender.io.importers import read_eemeter_meter

    hue = hourly_kwh(read_eemeter_meter(data_dir / "meters" / "hue-residential-1.csv.gz"))
    return {
        "sample-0": Year(meter0["2020-04-02":"2021-04-01"], temperature0, "Europe/London"),
        "hue-1": Year(hue["2013-10-01":"2014-09-30"], None, "America/Vancouver"),
    }


def year_ahead(
    year: Year, values: np.ndarray, fitted_on: np.ndarray | None = None
) -> tuple[np.ndarray, list[str]]:
    """Fit on ``fitted_on`` (default: ``values``), forecast the 8760 hours after ``values``."""
    index = pd.DatetimeIndex(year.kwh.index)
    series = pd.Series(values if fitted_on is None else fitted_on, index=index)
    model = GlobalForecaster(timezone=year.zone, max_iter=40, learning_rate=0.1)
    model.fit([series], temperatures=[year.temperature])
    ahead = pd.date_range(index[0], periods=len(index) + 8760, freq="h")
    temps = None if year.temperature is None else align_temperature(year.temperature, ahead)
    out = forecast_many(model, values[None, :], index, 8760, temps, timezone=year.zone)
    return out["kwh"][0], model.training_warnings_[0] + out["warnings"][0]


def plant(kind: str, values: np.ndarray) -> tuple[np.ndarray, float]:
    """The perturbed copy and the factor the forecast should follow."""
    out = values.copy()
    n = len(out)
    middle = n // 2
    if kind == "vacant month":
        out[middle : middle + 30 * DAY] = 0.0
        return out, 1.0
    if kind == "30 % level drop":
        out[n - 120 * DAY :] *= 0.7
        return out, 0.7
    if kind == "meter swap, 2x":
        out[n - 90 * DAY :] *= 2.0
        return out, 2.0
    out[middle : middle + 14 * DAY] = np.nan  # a fortnight's gap
    return out, 1.0


FOUND = {
    "vacant month": "vacancy",
    "30 % level drop": "level shift",
    "meter swap, 2x": "level shift",
    "fortnight gap": "gap",
}


@pytest.mark.parametrize("path", ["service", "evaluate"])
@pytest.mark.parametrize("kind", list(FOUND))
@pytest.mark.parametrize("meter", ["sample-0", "hue-1"])
def test_planted_problem_keeps_the_forecast_close(years, meter, kind, path, request):
    if (meter, kind, path) == ("sample-0", "30 % level drop", "evaluate"):
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                reason="fitted on its own history, the model absorbs a winter drop as season",
            )
        )
    year = years[meter]
    clean = year.kwh.to_numpy()
    reference, reference_warnings = year_ahead(year, clean)
    perturbed, factor = plant(kind, clean)
    fitted_on = clean if path == "service" else perturbed
    forecast, warnings = year_ahead(year, perturbed, fitted_on)
    expected = reference * factor
    tolerance = ANNUAL_TOLERANCE
    if path == "evaluate" and factor != 1.0:
        tolerance = FITTED_LEVEL_TOLERANCE
    annual = forecast.sum() / expected.sum() - 1
    hourly = np.sqrt(np.mean((forecast - expected) ** 2)) / expected.mean()
    assert abs(annual) <= tolerance, f"annual total off by {annual:+.1%}"
    assert hourly <= max(tolerance, HOURLY_TOLERANCE), f"hourly RMS {hourly:.1%} of the mean"
    if path == "service" or factor == 1.0:
        assert any(w.startswith(FOUND[kind]) for w in warnings), warnings
    assert not any(w.startswith(FOUND[kind]) for w in reference_warnings), reference_warnings


def _vacant_month_next_year(year: Year, forecast: np.ndarray) -> float:
    n = len(year.kwh)
    start = n // 2 + 364 * DAY - n  # the same weekdays a year on, as hours after the history
    return float(forecast[start : start + 30 * DAY].sum())


@pytest.mark.parametrize("meter", ["sample-0", "hue-1"])
def test_vacant_month_is_not_learned_as_a_season(years, meter, monkeypatch):
    year = years[meter]
    clean = year.kwh.to_numpy()
    perturbed, _ = plant("vacant month", clean)
    reference = _vacant_month_next_year(year, year_ahead(year, clean)[0])
    screened = _vacant_month_next_year(year, year_ahead(year, perturbed)[0])
    assert abs(screened / reference - 1) <= MONTH_TOLERANCE
    # the same without the screening (no day is low enough, no zero run long enough): the month
    # is learned as a season, which is what the screening is there to prevent
    monkeypatch.setattr(screening, "VACANT_FRACTION", 0.0)
    monkeypatch.setattr(screening, "OUTAGE_MIN_HOURS", 10**9)
    unscreened = _vacant_month_next_year(year, year_ahead(year, perturbed)[0])
    assert unscreened / reference - 1 < -MONTH_TOLERANCE
