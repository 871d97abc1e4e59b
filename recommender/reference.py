"""Loaders for the packaged reference tables in ``data/`` (each parsed once, then cached).

The reference layer: capabilities (``grid``, ``footprint``) and the readers (``io``) read the
tables through here, never through each other.

Raw tables as published; cleaning that depends on use (e.g. the NESO gaps) is done by the user of
the table (``recommender.grid``) and reported there.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from recommender.resources import data_path

NESO_2023 = "carbon_intensity/neso_2023_national_intensity.csv"
COUNTRY_INTENSITY = "grid/country_carbon_intensity.csv"
CPU_POWER = "hardware/cpu_power.csv"
ISO_COUNTRY_CODES = "grid/iso_country_codes.csv"
EXCHANGE_RATES = "factors/exchange_rates.csv"


@cache
def neso_intensity_2023() -> pd.DataFrame:
    """GB national carbon intensity, half-hourly 2023, NESO Carbon Intensity API (CC BY 4.0).

    Columns ``from``/``to`` (tz-aware UTC), ``forecast`` and ``actual`` in gCO2/kWh, ``index``.
    Not cleaned: 91 half-hours are absent, a few ``actual`` values are missing or zero.
    """
    frame = pd.read_csv(data_path(NESO_2023))
    frame["from"] = pd.to_datetime(frame["from"], utc=True)
    frame["to"] = pd.to_datetime(frame["to"], utc=True)
    return frame


@cache
def country_intensity() -> pd.DataFrame:
    """Annual grid intensity by country (gCO2e/kWh, column ``year``), Our World in Data via
    CodeCarbon 3.3.2. Indexed by ISO 3166-1 alpha-3 code."""
    return pd.read_csv(data_path(COUNTRY_INTENSITY)).set_index("iso3")


@cache
def cpu_power_table() -> pd.DataFrame:
    """CPU thermal design power in watts by model name (CodeCarbon 3.3.2, MIT)."""
    return pd.read_csv(data_path(CPU_POWER)).rename(columns={"Name": "name", "TDP": "tdp_w"})


@cache
def alpha2_to_alpha3() -> dict[str, str]:
    """ISO 3166-1 alpha-2 -> alpha-3 (the key of the country intensity table)."""
    table = pd.read_csv(data_path(ISO_COUNTRY_CODES), keep_default_na=False)
    return dict(zip(table["alpha2"], table["alpha3"], strict=True))


@cache
def gbp_per_unit() -> dict[str, float]:
    """GBP per unit of each currency with an ECB euro reference rate (the 2024 average,
    ``data/factors/exchange_rates.csv``; GBP is 1). The ranking weighs money saved in different
    currencies alike with it; a currency not listed has no rate."""
    table = pd.read_csv(data_path(EXCHANGE_RATES))
    return dict(zip(table["currency"], table["gbp_per_unit"].astype(float), strict=True))
