"""Time-of-use tariff switch, priced on the household's own hourly readings.

Uses the illustrative shape in ``data/grid/example_tou_shape.csv`` (multipliers of the household's
flat price; not a real offer), so the figure says whether this load profile suits time-of-use
pricing, not what a particular supplier would charge.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from recommender.actions.home.profile import LoadProfile
from recommender.actions.home.savings import money
from recommender.domain import Action, Household, Savings, Tariff
from recommender.grid.tariffs import (
    example_tou_multipliers,
    example_tou_shape,
    example_tou_tariff,
    price_per_kwh_series,
)
from recommender.quantiles import linear_quantiles


@lru_cache(maxsize=64)
def _example_tou(flat: Tariff) -> Tariff:
    """The example ToU tariff on a flat price, built once per flat tariff (both frozen)."""
    return example_tou_tariff(flat)


def _tou_price_by_minute(flat: Tariff) -> np.ndarray:
    """The example ToU tariff's price in each minute of a local day (0-1439): the flat price
    times the shape's multiplier in that minute, the product its band's price is (the same
    figures as pricing the tariff at the minutes of a day, without a day of minutes to price per
    tariff). A year of readings is then priced by its local minutes, which the load profile
    has (no second conversion to local time)."""
    price = float(flat.price_per_kwh or 0.0)
    if not (np.isfinite(price) and price >= 0):  # the tariff's own error, as pricing it raises
        minutes = pd.date_range("2000-01-01", periods=1440, freq="min", tz="UTC")
        price_per_kwh_series(_example_tou(flat), minutes, "UTC")
    return price * example_tou_multipliers()


def tou_switch(household: Household, profile: LoadProfile) -> Action | None:
    """Money saved on a year of this household's use by the example ToU tariff (flat only)."""
    tariff = household.tariff
    if tariff.type != "flat" or not tariff.price_per_kwh:
        return None
    tou = _example_tou(tariff)
    readings = profile.last_year_kwh
    tou_price = _tou_price_by_minute(tariff)[profile.last_year_minutes]
    flat_cost = readings.to_numpy() * tariff.price_per_kwh
    tou_cost = readings.to_numpy() * tou_price
    fraction = 1.0 - tou_cost.sum() / flat_cost.sum()
    if fraction <= 0:
        return None
    # local calendar months in order, from the readings' local day numbers (no text, no second
    # conversion to local time)
    months = profile.last_year_days.astype("datetime64[D]").astype("datetime64[M]")
    month = np.unique(months, return_inverse=True)[1]
    by_month = np.bincount(month, weights=flat_cost - tou_cost) / np.bincount(
        month, weights=flat_cost
    )
    annual_cost = profile.annual_kwh * tariff.price_per_kwh
    low, high = (  # np.quantile's figures
        linear_quantiles(by_month, (0.1, 0.9)) if len(by_month) > 2 else (fraction, fraction)
    )
    savings = Savings(
        kwh_per_year=0.0,
        kg_co2e_per_year=0.0,
        money_per_year=annual_cost * fraction,
        currency=tariff.currency,
        kwh_per_year_p10=0.0,
        kwh_per_year_p90=0.0,
        kg_co2e_per_year_p10=0.0,
        kg_co2e_per_year_p90=0.0,
        money_per_year_p10=annual_cost * float(low),
        money_per_year_p90=annual_cost * float(high),
    )
    night = tou.rates[0]
    return Action(
        id="tou-tariff",
        kind="tariff_switch",
        title="Consider a time-of-use tariff",
        savings=savings,
        explanation=(
            f"On an example time-of-use tariff (night {night.start:%H:%M}-{night.end:%H:%M} at "
            f"{money(night.price_per_kwh, tariff.currency)}/kWh, dearer 16:00-19:00) your own last "
            f"{profile.n_days} days of use would have cost {fraction:.0%} less, about "
            f"{money(savings.money_per_year, tariff.currency)} a year."
        ),
        sources=(
            f"example ToU shape: {example_tou_shape()['source'].iloc[0]} "
            f"({example_tou_shape()['year'].iloc[0]}, assumption)",
            "the household's own hourly readings; range = month-to-month P10-P90",
        ),
        details={"saving_fraction": float(fraction), "example_tariff": True},
    )
