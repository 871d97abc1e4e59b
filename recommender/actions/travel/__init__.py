"""Greener trips: personalised alternatives for the journeys a household really makes.

Entry points for the service: :func:`travel_actions` (``list[Action]``), :func:`travel_report`
(actions + trip profile + warnings), :func:`travel_reports` (the same for a chunk of households,
each report or the household's error) and :func:`train_mode_choice` (the cold-start mode-choice
model, fitted on a SIMULATED population in about a second; see :mod:`.mode_choice`).
"""

from recommender.actions.travel.advice import (
    TravelReport,
    travel_actions,
    travel_report,
    travel_reports,
)
from recommender.actions.travel.mode_choice import train_mode_choice
from recommender.actions.travel.routing import (
    OfflineRouter,
    OSRMRouter,
    OTPRouter,
    Route,
    Router,
    RouteRequest,
    RoutingError,
)

__all__ = [
    "OSRMRouter",
    "OTPRouter",
    "OfflineRouter",
    "Route",
    "RouteRequest",
    "Router",
    "RoutingError",
    "TravelReport",
    "train_mode_choice",
    "travel_actions",
    "travel_report",
    "travel_reports",
]
