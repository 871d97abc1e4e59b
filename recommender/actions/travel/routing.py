"""Routing providers: how long and how far a journey is by a given mode.

A :class:`Router` answers a :class:`RouteRequest` with a :class:`Route` (route km and door-to-door
minutes). :class:`OfflineRouter` (the default) estimates both from the trip's road distance and the
detour, speed and access rows of ``data/factors/transport.csv``. :class:`OSRMRouter` and
:class:`OTPRouter` ask an OSRM or OpenTripPlanner server given by URL (standard-library ``urllib``,
no extra dependency) when the trip has coordinates; without coordinates, or for a mode the server
does not route, they say so and use the offline estimate, naming it in ``Route.source``. A server
that fails raises :class:`RoutingError`; the travel actions then fall back to the offline estimate
and report the failure as a warning, never silently.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from recommender.actions.travel import catalogue
from recommender.actions.travel.row_groups import row_groups
from recommender.errors import GreenrecError

LatLon = tuple[float, float]


class RoutingError(GreenrecError):
    """A routing server could not be reached or gave no usable route (the message says which)."""


@dataclass(frozen=True)
class RouteRequest:
    """One trip to route: ``road_km`` is the trip's road distance (always known)."""

    mode: str
    road_km: float
    origin: LatLon | None = None
    destination: LatLon | None = None
    depart: pd.Timestamp | None = None


@dataclass(frozen=True)
class Route:
    distance_km: float  # route km by this mode, one way
    minutes: float  # door to door, access and waiting included
    source: str  # "offline estimate" or the server that answered
    estimated: bool = True  # True when distance and time come from the factor table


@runtime_checkable
class Router(Protocol):
    """What the travel actions need from a router."""

    def route(self, request: RouteRequest) -> Route: ...


OFFLINE_SOURCE = "offline estimate (data/factors/transport.csv)"


class OfflineRouter:
    """Distance-based estimate: route km = road km x detour; minutes = access + km / speed."""

    name = "offline estimate"

    def route(self, request: RouteRequest) -> Route:
        km, minutes = offline_routes(np.array([request.mode]), np.array([request.road_km]))
        return Route(float(km[0]), float(minutes[0]), OFFLINE_SOURCE, estimated=True)


def offline_routes(mode: np.ndarray, road_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:class:`OfflineRouter`'s route km and door-to-door minutes of many trips, by mode."""
    km, minutes = np.empty(len(mode)), np.empty(len(mode))
    for (key,), rows in row_groups(mode):
        m = str(key)
        road = np.asarray(road_km, dtype=float)[rows]
        if m == "cycle_rail":  # cycle to the station (cycle_rail_access_km), then rail
            ride_km = catalogue.factor("cycle_rail_access_km", "cycle_rail").value
            km[rows] = road * catalogue.detour("rail").value
            minutes[rows] = (
                catalogue.factor("access_minutes", "cycle_rail").value
                + 60.0 * ride_km / float(catalogue.speed_kmh("cycle", ride_km))
                + 60.0 * km[rows] / catalogue.speed_kmh("rail", km[rows])
            )
        else:
            km[rows] = road * catalogue.detour(m).value
            minutes[rows] = catalogue.door_to_door_minutes(m, km[rows])
    return km, minutes


def _get_json(url: str, timeout_s: float) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise RoutingError(f"{url} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise RoutingError(f"cannot reach {url}: {exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RoutingError(f"{url} did not answer JSON: {exc}") from exc


class OSRMRouter:
    """Road, cycle and foot routes from an OSRM server (``/route/v1/{profile}/{lon,lat;lon,lat}``).

    Parameters
    ----------
    base_url : str
        e.g. ``"http://localhost:5000"``.
    profiles : dict, optional
        greenrec mode -> OSRM profile; modes not listed use the offline estimate.
    timeout_s : float
        Per request.
    """

    DEFAULT_PROFILES = {
        "car_petrol": "driving",
        "car_diesel": "driving",
        "car_hybrid": "driving",
        "car_electric": "driving",
        "car_share": "driving",
        "taxi": "driving",
        "motorbike": "driving",
        "cycle": "cycling",
        "ebike": "cycling",
        "walk": "foot",
    }

    def __init__(
        self, base_url: str, profiles: dict[str, str] | None = None, timeout_s: float = 5.0
    ):
        self.base_url = base_url.rstrip("/")
        self.profiles = dict(self.DEFAULT_PROFILES if profiles is None else profiles)
        self.timeout_s = timeout_s

    def route(self, request: RouteRequest) -> Route:
        profile = self.profiles.get(request.mode)
        if profile is None or request.origin is None or request.destination is None:
            why = "no coordinates" if profile else f"OSRM profile for {request.mode}"
            return _offline_fallback(request, f"no {why}")
        (lat1, lon1), (lat2, lon2) = request.origin, request.destination
        url = (
            f"{self.base_url}/route/v1/{urllib.parse.quote(profile)}/"
            f"{lon1:.6f},{lat1:.6f};{lon2:.6f},{lat2:.6f}?overview=false"
        )
        body = _get_json(url, self.timeout_s)
        if not isinstance(body, dict) or body.get("code") != "Ok" or not body.get("routes"):
            code = body.get("code") if isinstance(body, dict) else type(body).__name__
            raise RoutingError(f"{url}: OSRM gave no route (code {code!r})")
        best = body["routes"][0]
        try:
            km, moving_min = float(best["distance"]) / 1000.0, float(best["duration"]) / 60.0
        except (KeyError, TypeError, ValueError) as exc:
            raise RoutingError(f"{url}: route without distance/duration") from exc
        access = catalogue.factor(
            "access_minutes",
            request.mode
            if catalogue.has_factor("access_minutes", request.mode)
            else catalogue.family(request.mode),
        )
        return Route(
            km, moving_min + access.value, f"OSRM {self.base_url} ({profile})", estimated=False
        )


class OTPRouter:
    """Public-transport routes from an OpenTripPlanner server's REST ``plan`` endpoint.

    ``{base_url}/otp/routers/{router_id}/plan?fromPlace=lat,lon&toPlace=lat,lon&mode=...``; the
    first itinerary's ``duration`` (door to door, seconds) and the sum of its legs' ``distance``
    (metres).
    """

    DEFAULT_MODES = {
        "bus": "BUS,WALK",
        "coach": "BUS,WALK",
        "rail": "RAIL,WALK",
        "tram": "TRAM,WALK",
        "underground": "SUBWAY,WALK",
        "cycle_rail": "RAIL,BICYCLE",
        "walk": "WALK",
        "cycle": "BICYCLE",
    }

    def __init__(
        self,
        base_url: str,
        router_id: str = "default",
        modes: dict[str, str] | None = None,
        timeout_s: float = 10.0,
    ):
        self.base_url = base_url.rstrip("/")
        self.router_id = router_id
        self.modes = dict(self.DEFAULT_MODES if modes is None else modes)
        self.timeout_s = timeout_s

    def route(self, request: RouteRequest) -> Route:
        otp_mode = self.modes.get(request.mode)
        if otp_mode is None or request.origin is None or request.destination is None:
            why = "no coordinates" if otp_mode else f"OTP mode for {request.mode}"
            return _offline_fallback(request, f"no {why}")
        query = {
            "fromPlace": f"{request.origin[0]:.6f},{request.origin[1]:.6f}",
            "toPlace": f"{request.destination[0]:.6f},{request.destination[1]:.6f}",
            "mode": otp_mode,
            "numItineraries": "1",
        }
        if request.depart is not None:
            query["date"] = f"{request.depart:%Y-%m-%d}"
            query["time"] = f"{request.depart:%H:%M}"
        url = (
            f"{self.base_url}/otp/routers/{urllib.parse.quote(self.router_id)}/plan?"
            + urllib.parse.urlencode(query)
        )
        body = _get_json(url, self.timeout_s)
        try:
            itinerary = body["plan"]["itineraries"][0]
            minutes = float(itinerary["duration"]) / 60.0
            km = sum(float(leg["distance"]) for leg in itinerary["legs"]) / 1000.0
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            error = body.get("error") if isinstance(body, dict) else None
            raise RoutingError(
                f"{url}: OpenTripPlanner gave no itinerary ({error or exc!r})"
            ) from exc
        return Route(km, minutes, f"OpenTripPlanner {self.base_url} ({otp_mode})", estimated=False)


def _offline_fallback(request: RouteRequest, why: str) -> Route:
    """The offline estimate, saying why the HTTP router was not asked."""
    est = OfflineRouter().route(request)
    return Route(est.distance_km, est.minutes, f"{est.source}; {why}", estimated=True)
