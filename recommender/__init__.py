"""greenrec's engine: household energy and travel data in, ranked personalised actions out.

The public API is what ``__all__`` names; everything else may change between versions.
This package never imports Flask (the web layer depends on the engine, not the reverse).
"""

from recommender.domain import (
    Action,
    Appliance,
    Footprint,
    Forecast,
    Household,
    Preferences,
    Recommendation,
    Savings,
    Tariff,
    Trip,
)
from recommender.errors import (
    DataQualityWarning,
    GreenrecError,
    InsufficientData,
    InvalidInput,
    ModelNotFound,
    Problem,
)

__version__ = "0.2.0"

__all__ = [
    "Action",
    "Appliance",
    "DataQualityWarning",
    "Footprint",
    "Forecast",
    "GreenrecError",
    "Household",
    "InsufficientData",
    "InvalidInput",
    "ModelNotFound",
    "Preferences",
    "Problem",
    "Recommendation",
    "Savings",
    "Tariff",
    "Trip",
    "__version__",
]
