"""Region codes (ISO 3166-1 alpha-2, as households carry them) and country annual averages."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from recommender.errors import InvalidInput, Problem
from recommender.reference import alpha2_to_alpha3, country_intensity

COUNTRY_SOURCE = "Our World in Data (Ember, Energy Institute) annual carbon intensity, CC BY 4.0"


def alpha3(region: str, where: str = "region") -> str:
    """ISO alpha-3 code of an ISO alpha-2 ``region`` (case-insensitive); InvalidInput if unknown."""
    code = str(region).strip().upper()
    mapping = alpha2_to_alpha3()
    if code not in mapping:
        raise InvalidInput(
            Problem(
                where, f"unknown region {region!r}", "an ISO 3166-1 alpha-2 code such as GB, FR"
            ),
            source=where,
        )
    return mapping[code]


@lru_cache(maxsize=512)  # bounded: regions are ~250 codes, each spelled a few ways
def country_average(region: str, where: str = "region") -> tuple[float, int]:
    """Annual average intensity (g/kWh) and its year for an alpha-2 region; InvalidInput if the
    country table has no figure for it. Remembered: the offline forecast and the citation of
    every shift action of a household outside GB ask (a row lookup in a frame each time)."""
    code3 = alpha3(region, where)
    table = country_intensity()
    record: dict[Any, Any] = table.loc[code3].to_dict() if code3 in table.index else {}
    if not record or pd.isna(record["g_co2e_per_kwh"]):
        raise InvalidInput(
            Problem(
                where,
                f"no grid carbon intensity for region {region!r} ({code3})",
                "a region listed in data/grid/country_carbon_intensity.csv",
            ),
            source=where,
        )
    return float(record["g_co2e_per_kwh"]), int(record["year"])
