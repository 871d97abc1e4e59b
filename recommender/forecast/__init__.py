"""Household usage forecasting: one global model, year-ahead and day/week-ahead, with P10/P90.

The service calls :func:`train_global_forecaster`, :func:`forecast_household` and, for batches,
:func:`forecast_many`; ``greenrec evaluate`` (:mod:`recommender.cli.evaluate`) and
``benchmarks/forecast.py`` measure it against the baselines on the bundled real meters.
"""

from recommender.forecast.api import (
    forecast_household,
    forecast_households,
    forecast_many,
    train_global_forecaster,
)
from recommender.forecast.global_model import GlobalForecaster

__all__ = [
    "GlobalForecaster",
    "forecast_household",
    "forecast_households",
    "forecast_many",
    "train_global_forecaster",
]
