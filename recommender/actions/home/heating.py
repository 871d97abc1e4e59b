"""Thermostat down 1 °C, where the household's meter shows its heating.

The heating slope is regressed from the household's own readings and temperatures: daily kWh =
a + b x HDD, HDD = max(0, base - daily mean °C), base 15.5 °C (UK convention). Turning the
thermostat down 1 °C lowers the base by 1 °C, so the yearly saving is b x (HDD at 15.5 - HDD at
14.5) over the household's own year of temperatures. The days are the readings' whole local days
(:func:`~recommender.actions.home.profile.whole_days`: hourly days with fewer than 22 readings
left out; a daily meter's days as they are).

On an electricity meter the kWh saved are electricity (grid intensity, the tariff's price). On a
gas meter they are gas: kg CO2e from the natural gas factor, and money only where the tariff
gives a ``gas_price_per_kwh`` (:func:`~.savings.gas_savings`). Only a clear slope
counts there (declared electric heating is not on a gas meter).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.actions.home.factors import home_factors
from recommender.actions.home.profile import Profile, day_totals, local_clock, whole_days
from recommender.actions.home.savings import GAS_FACTOR, Z90, energy_savings, gas_savings, money
from recommender.domain import Action, Household, Savings

ELECTRIC_HEATING = ("electric_heating", "heat_pump")
MIN_DAYS = 60
CLEAR_T = 5.0  # t-statistic of the slope for an undeclared heater to count as clear
CLEAR_SHARE = 0.25  # and heating must be at least this share of use (lighting cannot explain it)
NEAR = pd.Timedelta(days=2)  # more than a local day (25 h at most) on either side


@dataclass(frozen=True)
class HeatingFit:
    slope_kwh_per_degree_day: float
    slope_se: float
    heating_share: float
    hdd_per_year: float
    hdd_saved_per_year: float
    n_days: int


def heating_fit(household: Household, profile: Profile) -> HeatingFit | None:
    """Least-squares heating slope from daily kWh and daily mean °C; None without enough data."""
    if household.temperature_c is None:
        return None
    base = home_factors()["heating_base_temperature_c"].value
    daily_kwh, daily_c = _daily_kwh_and_c(household.temperature_c, household.timezone, profile)
    if len(daily_kwh) < MIN_DAYS:
        return None
    hdd = np.clip(base - daily_c, 0.0, None)
    design = np.column_stack([np.ones(len(hdd)), hdd])
    coef, *_ = np.linalg.lstsq(design, daily_kwh, rcond=None)
    residual = daily_kwh - design @ coef
    sigma2 = residual @ residual / (len(hdd) - 2)
    se = float(np.sqrt(sigma2 * np.linalg.inv(design.T @ design)[1, 1]))
    scale = 365.0 / len(hdd)
    hdd_year = float(hdd.sum() * scale)
    hdd_lower = float(np.clip(base - 1.0 - daily_c, 0.0, None).sum() * scale)
    return HeatingFit(
        slope_kwh_per_degree_day=float(coef[1]),
        slope_se=se,
        heating_share=float(coef[1]) * hdd_year / profile.annual_kwh,
        hdd_per_year=hdd_year,
        hdd_saved_per_year=hdd_year - hdd_lower,
        n_days=len(hdd),
    )


def _daily_kwh_and_c(
    temperature_c: pd.Series, zone: str, profile: Profile
) -> tuple[np.ndarray, np.ndarray]:
    """Daily kWh (whole days) and daily mean °C on the local days of ``zone`` that have both, in
    day order (integer days, not a DataFrame join)."""
    kwh = profile.last_year_kwh
    kwh_days, kwh_sums = whole_days(profile)
    # only the days the readings have count: the temperatures within two days of them, gaps
    # dropped (on integer nanoseconds, not a dropped Series and two Timestamp comparisons)
    c_values = temperature_c.to_numpy(dtype=float)
    c_ns = pd.DatetimeIndex(temperature_c.index).as_unit("ns").asi8
    first, last = (pd.Timestamp(t).as_unit("ns").value for t in (kwh.index[0], kwh.index[-1]))
    keep = ~np.isnan(c_values) & (c_ns >= first - NEAR.value) & (c_ns <= last + NEAR.value)
    c_days, c_sums, c_counts = day_totals(
        c_values[keep], local_clock(temperature_c.index[keep], zone)[0]
    )
    _, in_kwh, in_c = np.intersect1d(kwh_days, c_days, assume_unique=True, return_indices=True)
    return kwh_sums[in_kwh], (c_sums / c_counts.astype(float))[in_c]


def thermostat_down(household: Household, profile: Profile, price_per_kwh: float) -> Action | None:
    """The 1 °C action, only for declared electric heating or a clear heating slope (on a gas
    meter: a clear slope; ``price_per_kwh``, electricity's, is not used for its gas, the
    tariff's ``gas_price_per_kwh`` is where given)."""
    fit = heating_fit(household, profile)
    if fit is None or fit.slope_kwh_per_degree_day <= 0:
        return None
    gas = household.fuel == "gas"
    declared = not gas and any(a.kind in ELECTRIC_HEATING for a in household.appliances)
    t_stat = fit.slope_kwh_per_degree_day / fit.slope_se if fit.slope_se > 0 else np.inf
    clear = t_stat >= CLEAR_T and fit.heating_share >= CLEAR_SHARE
    if not (declared and t_stat >= 2.0) and not clear:
        return None
    slope_low = max(fit.slope_kwh_per_degree_day - Z90 * fit.slope_se, 0.0)
    slope_high = fit.slope_kwh_per_degree_day + Z90 * fit.slope_se
    kwh = tuple(
        s * fit.hdd_saved_per_year for s in (fit.slope_kwh_per_degree_day, slope_low, slope_high)
    )
    if gas:
        savings = gas_savings(household, kwh)  # type: ignore[arg-type]
        explanation, sources, details = _gas_words(fit, savings)
    else:
        savings = energy_savings(household, kwh, price_per_kwh)  # type: ignore[arg-type]
        why = "you heat with electricity" if declared else "your meter shows a clear heating load"
        explanation = (
            f"As {why}, using {fit.slope_kwh_per_degree_day:.2f} kWh more a day for each degree "
            f"below 15.5 °C outside, turning the thermostat down 1 °C saves about "
            f"{savings.kwh_per_year:.0f} kWh ({money(savings.money_per_year, savings.currency)}) "
            "a year."
        )
        sources, details = (), {"declared_electric_heating": declared}
    return Action(
        id="thermostat-down-1c",
        kind="home_efficiency",
        title="Turn the thermostat down 1 °C",
        savings=savings,
        explanation=explanation,
        sources=(
            f"heating slope regressed on {fit.n_days} days of the household's own readings and "
            "temperatures (daily kWh on heating degree-days)",
            home_factors()["heating_base_temperature_c"].cite(),
            *sources,
        ),
        details={
            "slope_kwh_per_degree_day": fit.slope_kwh_per_degree_day,
            "slope_se": fit.slope_se,
            "heating_share": fit.heating_share,
            "hdd_per_year": fit.hdd_per_year,
            **details,
        },
    )


def _gas_words(fit: HeatingFit, savings: Savings) -> tuple[str, tuple[str, ...], dict[str, object]]:
    """The gas thermostat's explanation, its extra source (the gas factor) and details. Its
    money is given like the electric one's where the household priced its gas."""
    factor = home_factors()[GAS_FACTOR]
    counted = savings.money_counted
    worth = (  # priced: like the electric action's "(£61)"; else its carbon, as it was
        money(savings.money_per_year, savings.currency)
        if counted
        else f"{savings.kg_co2e_per_year:.0f} kg CO2e"
    )
    explanation = (
        f"As your gas meter shows a clear heating load, using "
        f"{fit.slope_kwh_per_degree_day:.2f} kWh of gas more a day for each degree below 15.5 °C "
        f"outside, turning the thermostat down 1 °C saves about {savings.kwh_per_year:.0f} kWh "
        f"of gas ({worth}) a year."
    )
    if not counted:
        explanation += (
            " No gas price was given (your tariff prices electricity), so the money it saves is "
            "not counted."
        )
    details: dict[str, object] = {
        "fuel": "gas",
        "kg_co2e_per_kwh": factor.value,
        "money_counted": counted,
    }
    return explanation, (factor.cite(),), details
