"""features."""

from recommender.features.trips import (
    RegularJourney,
    TripFeatures,
    TripProfile,
    household_trip_profile,
    trip_profile,
    validate_trips,
)

__all__ = [
    "RegularJourney",
    "TripFeatures",
    "TripProfile",
    "household_trip_profile",
    "trip_profile",
    "validate_trips",
]
