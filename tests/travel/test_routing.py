"""Routing adapters against a small local fake server (http.server on 127.0.0.1, port 0)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from travel_builders import WEEKDAY_COMMUTE, diary, household

from recommender.actions.travel import (
    OfflineRouter,
    OSRMRouter,
    OTPRouter,
    Router,
    RouteRequest,
    RoutingError,
    travel_report,
)
from recommender.actions.travel.catalogue import factor
from recommender.domain import Trip

HOME, WORK = (51.5072, -0.1276), (51.4545, -0.9781)


class FakeRouter(BaseHTTPRequestHandler):
    """OSRM: /route/v1/<profile>/<lon,lat;lon,lat>; OTP: /otp/routers/default/plan; else 500."""

    requests: list[str] = []

    def do_GET(self) -> None:
        FakeRouter.requests.append(self.path)
        url = urlparse(self.path)
        if url.path.startswith("/route/v1/driving/"):
            body = {"code": "Ok", "routes": [{"distance": 14200.0, "duration": 1500.0}]}
        elif url.path.startswith("/route/v1/"):
            body = {"code": "NoRoute", "routes": []}
        elif url.path == "/otp/routers/default/plan":
            q = parse_qs(url.query)
            assert q["mode"] == ["RAIL,WALK"]
            legs = [{"distance": 800.0, "mode": "WALK"}, {"distance": 13000.0, "mode": "RAIL"}]
            body = {"plan": {"itineraries": [{"duration": 2400, "legs": legs}]}}
        else:
            self.send_response(500)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = HTTPServer(("127.0.0.1", 0), FakeRouter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def test_osrm_route_is_read_in_km_and_door_to_door_minutes(server):
    router = OSRMRouter(server)
    assert isinstance(router, Router)
    route = router.route(RouteRequest("car_petrol", 12.0, HOME, WORK))
    assert route.distance_km == pytest.approx(14.2)
    assert route.minutes == pytest.approx(25.0 + factor("access_minutes", "car").value)
    assert not route.estimated and "OSRM" in route.source
    # OSRM takes lon,lat
    assert f"{HOME[1]:.6f},{HOME[0]:.6f};{WORK[1]:.6f},{WORK[0]:.6f}" in FakeRouter.requests[-1]


def test_osrm_without_a_route_raises_a_clear_error(server):
    with pytest.raises(RoutingError, match="NoRoute"):
        OSRMRouter(server).route(RouteRequest("cycle", 12.0, HOME, WORK))


def test_osrm_without_coordinates_says_it_estimated(server):
    route = OSRMRouter(server).route(RouteRequest("car_petrol", 12.0))
    offline = OfflineRouter().route(RouteRequest("car_petrol", 12.0))
    assert route.estimated and "no coordinates" in route.source
    assert route.minutes == offline.minutes


def test_otp_itinerary_sums_legs(server):
    route = OTPRouter(server).route(RouteRequest("rail", 12.0, HOME, WORK))
    assert route.distance_km == pytest.approx(13.8)
    assert route.minutes == pytest.approx(40.0)
    assert not route.estimated


def test_server_error_and_dead_server_raise_routing_error(server):
    with pytest.raises(RoutingError, match="HTTP 500"):
        OTPRouter(server, router_id="missing").route(RouteRequest("rail", 12.0, HOME, WORK))
    dead = OSRMRouter("http://127.0.0.1:9", timeout_s=0.5)
    with pytest.raises(RoutingError, match="cannot reach"):
        dead.route(RouteRequest("car_petrol", 12.0, HOME, WORK))


def test_travel_actions_use_the_router_and_fall_back_with_a_warning(server, mode_choice):
    trips = [
        Trip(t.start, t.distance_km, t.mode, t.purpose, t.passengers, origin=HOME, destination=WORK)
        for t in diary("2024-03-04", 2, WEEKDAY_COMMUTE)
    ]
    report = travel_report(household(trips), mode_choice=mode_choice, router=OSRMRouter(server))
    rail = next(a for a in report.actions if a.id.endswith("-to-rail"))
    assert "OSRM" in rail.details["current"]["route_source"]  # the car leg came from the server
    assert rail.details["current"]["route_km"] == pytest.approx(14.2)
    cycle_failed = [w for w in report.warnings if "routing failed" in w and "cycle" in w]
    assert cycle_failed  # OSRM had no cycle route: offline estimate used, and said so
