"""Small pure helpers that turn per-cycle or per-year figures into :class:`Savings` with ranges."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

import numpy as np
import pandas as pd

from recommender.actions.home.factors import home_factors
from recommender.domain import Household, Savings, Tariff
from recommender.grid.neso import NESO_SOURCE, neso_2023
from recommender.grid.regions import COUNTRY_SOURCE, alpha3, country_average
from recommender.grid.tariffs import price_per_kwh_series
from recommender.quantiles import linear_quantiles
from recommender.quantities import CURRENCY_SYMBOLS

N_DRAWS = 4000
GAS_FACTOR = "natural_gas_kg_co2e_per_kwh"  # its row in data/factors/home_savings.csv
Z90 = 1.2815515655446004  # standard normal quantile at 0.9


@lru_cache(maxsize=256)  # bounded: detected cycles bring measured ranges (32 kB each)
def energy_draws(low: float, typical: float, high: float, seed: int = 0) -> np.ndarray:
    """Cycle energies (kWh) drawn from a triangular distribution on [low, high] peaking at typical.

    The published ranges (data/reference.md) are read as the span of ordinary appliances. The
    draws are seeded, so they are made once per range and kept (read-only).
    """
    rng = np.random.default_rng(seed)
    if high <= low:
        draws = np.full(N_DRAWS, typical)
    else:
        draws = rng.triangular(low, typical, high, N_DRAWS)
    draws.flags.writeable = False
    return draws


@lru_cache(maxsize=8)
def _standard_normal(seed: int, size: int) -> np.ndarray:
    """Seeded standard normal draws, made once per seed and size (read-only)."""
    draws = np.random.default_rng(seed).standard_normal(size)
    draws.flags.writeable = False
    return draws


@lru_cache(maxsize=256)
def energy_range(low: float, typical: float, high: float) -> tuple[float, float]:
    """P10 and P90 of :func:`energy_draws` (kWh), computed once per range."""
    p10, p90 = np.quantile(energy_draws(low, typical, high), [0.1, 0.9])
    return float(p10), float(p90)


def product_range(
    energy_kwh: np.ndarray, delta_mean: float, delta_sd: float, seed: int = 1
) -> tuple[float, float]:
    """P10 and P90 of energy x delta, delta ~ Normal(delta_mean, delta_sd), independent draws."""
    ((low, high),) = product_ranges(energy_kwh, delta_mean, (delta_sd,), seed)
    return low, high


def product_ranges(
    energy_kwh: np.ndarray, delta_mean: float, delta_sds: Sequence[float], seed: int = 1
) -> list[tuple[float, float]]:
    """:func:`product_range` for each of ``delta_sds``, in one quantile call (the same draws;
    :func:`~.quantiles.linear_quantiles`: ``np.quantile``'s figures)."""
    (ranges,) = product_ranges_many([energy_kwh], [delta_mean], [delta_sds], seed)
    return ranges


def product_ranges_many(
    energies_kwh: Sequence[np.ndarray],
    delta_means: Sequence[float],
    delta_sds: Sequence[Sequence[float]],
    seed: int = 1,
) -> list[list[tuple[float, float]]]:
    """:func:`product_ranges` of several energy draws (of one size), gaps and sds: the draws of
    all in one array, their quantiles in one call (each row's figures as alone: a row is
    reduced on its own)."""
    per = [len(sds) for sds in delta_sds]
    size = len(energies_kwh[0])
    sds = np.concatenate([np.asarray(s, dtype=float) for s in delta_sds])[:, None]
    # energy x (delta_mean + sd x z), each product and sum in place (the same operations on the
    # same values: the same figures), then sorted in place
    draws = np.multiply(sds, _standard_normal(seed, size))
    draws += np.repeat(np.asarray(delta_means, dtype=float), per)[:, None]
    draws *= np.repeat(np.array(energies_kwh, dtype=float, ndmin=2), per, axis=0)
    low, high = linear_quantiles(draws, (0.1, 0.9), overwrite=True).tolist()
    pairs = list(zip(low, high, strict=True))
    ends = np.cumsum(per).tolist()
    return [pairs[end - k : end] for k, end in zip(per, ends, strict=True)]


@cache
def annual_intensity(region: str) -> tuple[float, str]:
    """Annual-average grid intensity (g/kWh) for savings spread over the day, and its source."""
    if alpha3(region) == "GBR":
        return float(neso_2023().actual_g_per_kwh.mean()), f"{NESO_SOURCE}: 2023 mean"
    value, year = country_average(region)
    return value, f"{COUNTRY_SOURCE}, {year}"


def mean_price_per_kwh(household: Household, hourly_kwh: np.ndarray | None) -> float:
    """Price per kWh of the household's electricity, weighted by its own daily profile (flat: the
    price). ``hourly_kwh`` None: the meter does not show when electricity is used (a gas or a
    daily meter), so every hour of the day weighs the same."""
    if household.tariff.type == "flat":
        return float(household.tariff.price_per_kwh or 0.0)
    prices = _hourly_prices(household.tariff, household.timezone)
    if hourly_kwh is None:
        return float(prices.mean())
    weights = np.clip(hourly_kwh, 0.0, None)
    return (
        float(np.sum(prices * weights) / np.sum(weights))
        if weights.sum() > 0
        else float(prices.mean())
    )


@lru_cache(maxsize=256)  # bounded: 24 prices an entry
def _hourly_prices(tariff: Tariff, zone: str) -> np.ndarray:
    """The tariff's price in each local hour 0-23 of a winter weekday (2024-01-10), made once
    per tariff and zone (read-only)."""
    day = pd.date_range("2024-01-10", periods=24, freq="h", tz=zone)
    prices = price_per_kwh_series(tariff, day, zone).to_numpy()
    prices.flags.writeable = False
    return prices


def energy_savings(
    household: Household,
    kwh_per_year: tuple[float, float, float],
    price_per_kwh: float,
) -> Savings:
    """Savings of an action that cuts ``kwh_per_year`` (central, P10, P90) spread over the day."""
    g_per_kwh, _ = annual_intensity(household.region)
    kwh, kwh_low, kwh_high = kwh_per_year
    return Savings(
        kwh_per_year=kwh,
        kg_co2e_per_year=kwh * g_per_kwh / 1000.0,
        money_per_year=kwh * price_per_kwh,
        currency=household.tariff.currency,
        kwh_per_year_p10=kwh_low,
        kwh_per_year_p90=kwh_high,
        kg_co2e_per_year_p10=kwh_low * g_per_kwh / 1000.0,
        kg_co2e_per_year_p90=kwh_high * g_per_kwh / 1000.0,
        money_per_year_p10=kwh_low * price_per_kwh,
        money_per_year_p90=kwh_high * price_per_kwh,
    )


def gas_savings(household: Household, kwh_per_year: tuple[float, float, float]) -> Savings:
    """Savings of an action that cuts ``kwh_per_year`` (central, P10, P90) of natural gas.

    kg CO2e: the gas burnt x the natural gas factor (``data/factors/home_savings.csv``), never the
    grid's intensity. Money: the kWh (and their P10/P90) x the tariff's ``gas_price_per_kwh``
    where the household gave one (a flat gas unit price: standing charges do not change with
    use). Without one, none counted: the tariff prices electricity, and a kWh of gas is not
    priced like a kWh of electricity, so the figure is 0 in the tariff's currency and the
    action's explanation says so (the ranking then weighs it on its carbon alone: an
    understatement, never a made-up price). :attr:`Savings.money_counted` tells the two apart.
    """
    factor = home_factors()[GAS_FACTOR]
    price = household.tariff.gas_price_per_kwh or 0.0
    kwh, kwh_low, kwh_high = kwh_per_year
    return Savings(
        kwh_per_year=kwh,
        kg_co2e_per_year=kwh * factor.value,
        money_per_year=kwh * price,
        currency=household.tariff.currency,
        kwh_per_year_p10=kwh_low,
        kwh_per_year_p90=kwh_high,
        kg_co2e_per_year_p10=kwh_low * factor.low,
        kg_co2e_per_year_p90=kwh_high * factor.high,
        money_per_year_p10=kwh_low * price,
        money_per_year_p90=kwh_high * price,
        energy="gas",
    )


def money(amount: float, currency: str) -> str:
    """Plain-words money with pence where they matter: "£21", "€3.40", "12 USD" (whole units:
    :func:`recommender.quantities.money_text`)."""
    symbol = CURRENCY_SYMBOLS.get(currency)
    text = f"{amount:,.0f}" if abs(amount) >= 10 else f"{amount:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}"
