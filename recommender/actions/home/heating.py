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
from recommender.actions.home.profile import (
    LoadProfile,
    Profile,
    day_totals,
    local_clock,
    utc_ns,
    whole_days,
)
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
    kwh_days, kwh_sums = whole_days(profile)
    kwh_ns = utc_ns(profile.last_year_kwh.index)
    # only the days the readings have count: the temperatures within two days of them, gaps
    # dropped (on integer nanoseconds, not a dropped Series and two Timestamp comparisons)
    c_values = temperature_c.to_numpy(dtype=float)
    c_ns = utc_ns(temperature_c.index)
    first, last = int(kwh_ns[0]), int(kwh_ns[-1])
    keep = ~np.isnan(c_values) & (c_ns >= first - NEAR.value) & (c_ns <= last + NEAR.value)
    kept = np.flatnonzero(keep)
    c_days, c_sums, c_counts = day_totals(
        c_values[kept], _local_days(temperature_c.index, kept, zone, profile)
    )
    in_kwh, in_c = _common(kwh_days, c_days)
    return kwh_sums[in_kwh], (c_sums / c_counts.astype(float))[in_c]


def _local_days(index: pd.Index, kept: np.ndarray, zone: str, profile: Profile) -> np.ndarray:
    """The local day number in ``zone`` of each instant of ``index`` at the positions ``kept``
    (:func:`local_clock`'s), read from the hourly profile's own clock where the instant is one of
    its readings' (temperatures are mostly taken on the meter's hours: one conversion to local
    time of a year a household, not two), converted for the others."""
    instants_ns = utc_ns(index)[kept]
    days = np.empty(len(kept), dtype=np.int64)
    missed = np.ones(len(kept), dtype=bool)
    if isinstance(profile, LoadProfile):
        readings_ns = utc_ns(profile.last_year_kwh.index)
        at = _places(readings_ns, instants_ns)
        if at is not None:
            np.not_equal(readings_ns[at], instants_ns, out=missed)
            days[~missed] = profile.last_year_days[at[~missed]]
    if missed.any():
        days[missed] = local_clock(index[kept[missed]], zone)[0]
    return days


def _places(grid_ns: np.ndarray, instants_ns: np.ndarray) -> np.ndarray | None:
    """For each instant, the position on ``grid_ns`` it would be at if it is one of its instants
    (a position to check, in range): by arithmetic on a regular grid (a meter's hours), by a
    search on a sorted one; None on an unsorted grid."""
    if not len(instants_ns) or not len(grid_ns):
        return None
    step = int(grid_ns[1] - grid_ns[0]) if len(grid_ns) > 1 else 0
    if step > 0 and np.all(np.diff(grid_ns) == step):
        return np.clip((instants_ns - grid_ns[0]) // step, 0, len(grid_ns) - 1)
    if np.all(grid_ns[1:] > grid_ns[:-1]):
        return np.minimum(np.searchsorted(grid_ns, instants_ns), len(grid_ns) - 1)
    return None


def _common(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the values ``a`` and ``b`` share are in each, in ascending order:
    ``np.intersect1d(a, b, assume_unique=True, return_indices=True)[1:]``, by a search of ``b``
    where both are strictly increasing (day numbers in order, as they mostly come) instead of a
    sort of the two together."""
    increasing = np.all(a[1:] > a[:-1]) and np.all(b[1:] > b[:-1])
    if not (increasing and len(a) and len(b)):
        _, in_a, in_b = np.intersect1d(a, b, assume_unique=True, return_indices=True)
        return in_a, in_b
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    found = b[at] == a
    return np.flatnonzero(found), at[found]


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
