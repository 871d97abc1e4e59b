"""The action catalogue: the reference factors every action's figures rest on, with sources."""

from __future__ import annotations

from dataclasses import asdict
from functools import cache
from typing import Any

from recommender.actions.home.factors import cycle_specs, home_factors
from recommender.actions.travel.catalogue import factor, transport_table
from recommender.domain import to_jsonable


@cache
def catalogue() -> dict[str, Any]:
    """Appliance cycles, home savings factors and transport factors, each row sourced."""
    transport = [factor(str(p), str(k)) for p, k in transport_table().index]
    return to_jsonable(
        {
            "appliances": [asdict(spec) for spec in cycle_specs().values()],
            "home_factors": [asdict(value) for value in home_factors().values()],
            "transport_factors": [asdict(f) for f in transport],
        }
    )
