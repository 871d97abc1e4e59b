"""greenrec's engine: household energy and travel data in, ranked personalised actions out.

The public API is what ``__all__`` names; everything else may change between versions.
This package never imports Flask (the web layer depends on the engine, not the reverse).
"""

from importlib.metadata import PackageNotFoundError, version

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

try:  # the one version source is pyproject.toml, read back from the installed metadata
    __version__ = version("greenrec")
except PackageNotFoundError:  # pragma: no cover - a bare source tree that was never installed
    __version__ = "0+unknown"

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
