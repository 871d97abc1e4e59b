"""A synthetic population for tests and benchmarks, built from the real meters' daily shapes.

Assumptions and sources are written next to the code that uses them: households (region, tariff,
appliances, people) in :mod:`.households`, meter readings in :mod:`.meters` (real profiles from
:mod:`.profiles`), trips in :mod:`.trips`. :func:`write_population` writes the three batch tables.
"""

from recommender.synth.households import draw_traits, synthetic_households
from recommender.synth.meters import synthetic_hourly_kwh
from recommender.synth.trips import synthetic_trips
from recommender.synth.writer import write_population

__all__ = [
    "draw_traits",
    "synthetic_households",
    "synthetic_hourly_kwh",
    "synthetic_trips",
    "write_population",
]
