"""The engine's value objects: what a household is and what the answer is.

All frozen dataclasses. Time series are pandas Series with a tz-aware UTC ``DatetimeIndex`` at a
regular hourly step (the readers normalise every accepted input to that), so every capability can
rely on one shape. Names carry units (``kwh``, ``kg_co2e``, ``price_per_kwh``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import TYPE_CHECKING, Any, overload

from recommender.jsonable import SIGNIFICANT_DIGITS as SIGNIFICANT_DIGITS  # re-exported
from recommender.jsonable import to_jsonable as to_jsonable  # re-exported: every surface

if TYPE_CHECKING:  # annotations only: the CLI's start-up imports this module without pandas
    import numpy as np
    import pandas as pd

# Times in the engine's arrays are integer nanoseconds (UTC, or a zone's wall clock): its units.
MINUTE_NS = 60 * 10**9
HOUR_NS = 60 * MINUTE_NS
DAY_NS = 24 * HOUR_NS

# Vocabularies shared by the readers, the actions and the docs. Extending one is a one-line change.
APPLIANCE_KINDS: tuple[str, ...] = (
    "dishwasher",
    "washing_machine",
    "tumble_dryer",
    "ev_charger",
    "electric_heating",
    "heat_pump",
    "electric_water_heater",
    "oven",
    "kettle",
)
TRIP_MODES: tuple[str, ...] = (
    "car_petrol",
    "car_diesel",
    "car_hybrid",
    "car_electric",
    "motorbike",
    "taxi",
    "bus",
    "coach",
    "rail",
    "tram",
    "underground",
    "ebike",
    "escooter",
    "cycle",
    "walk",
    "flight_domestic",
    "flight_short_haul",
    "flight_long_haul",
)
TRIP_PURPOSES: tuple[str, ...] = (
    "commute",
    "school",
    "shopping",
    "leisure",
    "business",
    "visit",
    "holiday",
    "other",
)


@dataclass(frozen=True)
class TouRate:
    """One band of a time-of-use tariff, local wall-clock times, ``end`` exclusive (may wrap)."""

    start: time
    end: time
    price_per_kwh: float


@dataclass(frozen=True)
class Tariff:
    """A flat tariff (``price_per_kwh``) or a time-of-use one (``rates``), in ``currency``.

    ``gas_price_per_kwh``: optional, the household's gas unit price in the same currency (above
    0), which prices a gas meter's savings; None: gas money is not counted."""

    type: str  # "flat" | "tou"
    currency: str
    price_per_kwh: float | None = None
    rates: tuple[TouRate, ...] = ()
    gas_price_per_kwh: float | None = None


@dataclass(frozen=True)
class Appliance:
    kind: str
    cycles_per_week: float
    usual_start: time | None = None  # local wall-clock time; None = infer from the load profile


@dataclass(frozen=True)
class Trip:
    start: pd.Timestamp  # tz-aware UTC
    distance_km: float
    mode: str
    purpose: str
    passengers: int = 1
    # Optional (lat, lon) in WGS84 degrees, so a real router (OSRM, OpenTripPlanner) can route it.
    origin: tuple[float, float] | None = None
    destination: tuple[float, float] | None = None


class TripColumns(Sequence[Trip]):
    """Trips held as columns: what the readers give (a year is about 1,400 trips), so a
    household's trips go from the reader to the travel stage without a Python object per trip.

    A read-only sequence of :class:`Trip` like the tuple it stands for (each Trip made when asked
    for, with the same values and timestamp unit); the travel stage reads the columns.
    ``start``: a tz-aware UTC ``DatetimeIndex``; ``distance_km`` float64 and ``passengers`` int64
    arrays; ``mode`` and ``purpose`` object arrays of str. No coordinates: no reader has any.
    """

    __slots__ = ("start", "distance_km", "mode", "purpose", "passengers")

    def __init__(
        self,
        start: pd.DatetimeIndex,
        distance_km: np.ndarray,
        mode: np.ndarray,
        purpose: np.ndarray,
        passengers: np.ndarray,
    ) -> None:
        for column in (distance_km, mode, purpose, passengers):
            column.flags.writeable = False  # frozen, as every domain value
        self.start, self.distance_km, self.mode = start, distance_km, mode
        self.purpose, self.passengers = purpose, passengers

    def __len__(self) -> int:
        return len(self.distance_km)

    @overload
    def __getitem__(self, index: int) -> Trip: ...

    @overload
    def __getitem__(self, index: slice) -> TripColumns: ...

    def __getitem__(self, index: int | slice) -> Trip | TripColumns:
        if isinstance(index, slice):
            return self.take(range(len(self))[index])
        return Trip(
            self.start[index],
            float(self.distance_km[index]),
            str(self.mode[index]),
            str(self.purpose[index]),
            int(self.passengers[index]),
        )

    def __iter__(self) -> Iterator[Trip]:
        columns = (self.distance_km, self.mode, self.purpose, self.passengers)
        for start, *rest in zip(self.start, *(c.tolist() for c in columns), strict=True):
            yield Trip(start, *rest)

    def take(self, rows: Any) -> TripColumns:
        """The trips at ``rows`` (positions), in that order."""
        columns = (self.distance_km, self.mode, self.purpose, self.passengers)
        return TripColumns(self.start[rows], *(c[rows] for c in columns))

    def __reduce__(self) -> tuple[type[TripColumns], tuple[Any, ...]]:
        """Pickled as its columns, read-only again once unpickled (a batch worker's copy)."""
        return TripColumns, (self.start, self.distance_km, self.mode, self.purpose, self.passengers)

    def __eq__(self, other: object) -> bool:
        """Equal to the same trips as a tuple or as columns."""
        if isinstance(other, TripColumns | tuple):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"TripColumns({len(self)} trips)"


@dataclass(frozen=True)
class Preferences:
    quiet_hours: tuple[time, time] | None = None  # no appliance may run from [0] to [1] (may wrap)
    max_extra_minutes_per_trip: float = 15.0
    carbon_weight: float = 0.5  # 1 = only carbon, 0 = only money, for load shifting and ranking
    ready_by: time | None = None  # shifted cycles must finish by this local time


DAILY_MINUTES = 1440  # reading_interval_minutes of a daily-only meter
FUELS = ("electricity", "gas")  # what a household's readings meter; electricity unless declared
ENERGIES = ("electricity", "gas", "transport")  # what a saving's kWh measure (Savings.energy)


@dataclass(frozen=True, eq=False)
class Household:
    """One household, validated and normalised.

    ``readings_kwh``: kWh per interval on a tz-aware UTC index at a regular step of
    ``reading_interval_minutes`` (60 whenever the input allows hourly, 1440 for daily-only
    meters), gaps left as NaN only where the reader could not fill them safely.
    ``temperature_c``: hourly °C on the same kind of index, or None. ``trips``: in time order, a
    tuple of :class:`Trip` or (from the readers) :class:`TripColumns`, the same trips as columns.
    ``warnings``: safe fixes the reader applied, to be shown with the answer.
    """

    household_id: str
    region: str
    timezone: str
    tariff: Tariff
    readings_kwh: pd.Series
    appliances: tuple[Appliance, ...] = ()
    temperature_c: pd.Series | None = None
    trips: Sequence[Trip] = ()
    preferences: Preferences = field(default_factory=Preferences)
    warnings: tuple[str, ...] = ()
    reading_interval_minutes: int = 60
    fuel: str = "electricity"  # what the readings meter: one of FUELS

    @property
    def daily_only(self) -> bool:
        """Whether the meter reads one total a day: its forecast and home actions are built from
        day totals (``recommender.forecast.daily``, ``recommender.actions.home.profile``)."""
        return self.reading_interval_minutes == DAILY_MINUTES


@dataclass(frozen=True)
class Savings:
    """Yearly savings of one action for one household against what it does today.

    Every estimated figure carries its P10-P90 range. ``money_per_year`` is in ``currency``.
    """

    kwh_per_year: float
    kg_co2e_per_year: float
    money_per_year: float
    currency: str
    kwh_per_year_p10: float
    kwh_per_year_p90: float
    kg_co2e_per_year_p10: float
    kg_co2e_per_year_p90: float
    money_per_year_p10: float
    money_per_year_p90: float
    extra_minutes_per_year: float = 0.0
    # What kwh_per_year measures: "electricity" (the home's meter), "gas" (a gas meter's saving)
    # or "transport" (vehicle fuel and traction energy: a litre of petrol is about 9 kWh), never
    # added to each other.
    energy: str = "electricity"

    @property
    def money_counted(self) -> bool:
        """Whether ``money_per_year`` prices the saving (see :func:`money_counted`)."""
        return money_counted(self.energy, self.money_per_year_p90)


def money_counted(energy: str, money_per_year_p90: float) -> bool:
    """Whether a saving's money is priced. Electricity: the tariff prices it; travel: the trips'
    own costs. Gas: only with the tariff's optional ``gas_price_per_kwh``. Without one a gas
    saving's money is 0 and not counted (not "saves nothing"); with one (above 0, the readers
    refuse 0) its P90, kWh P90 x price, is above 0, as a gas saving's kWh P90 is (a clear
    heating slope). So the rule reads the saving itself, and answers carry no extra field."""
    return energy != "gas" or money_per_year_p90 > 0


@dataclass(frozen=True)
class Action:
    """One piece of advice. ``rank`` and ``likelihood`` are set by the ranker."""

    id: str
    kind: str  # "shift_appliance" | "home_efficiency" | "travel_mode" | "fewer_flights" | ...
    title: str
    savings: Savings
    explanation: str
    likelihood: float = 0.5
    likelihood_source: str = ""  # what the likelihood was learned from (simulated or real)
    rank: int = 0
    schedule: dict[str, str] | None = None
    sources: tuple[str, ...] = ()  # the factors the figures rest on, each with source and year
    conflicts_with: tuple[str, ...] = ()  # ids of actions whose savings overlap with this one
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Forecast:
    horizon: str  # ISO 8601 duration, e.g. "P7D"
    interval: str  # "PT1H" (hourly values), or "P1D" (local days: daily-only meters)
    start: pd.Timestamp  # first hour forecast, tz-aware UTC
    kwh: tuple[float, ...]  # the mean hour by hour (CVRMSE-optimal); p50 is the median
    p10: tuple[float, ...]
    p50: tuple[float, ...]
    p90: tuple[float, ...]
    annual_kwh: float
    annual_kwh_p10: float
    annual_kwh_p90: float
    method: str = ""
    warnings: tuple[str, ...] = ()  # what the forecast found in the history and how it handled it


@dataclass(frozen=True)
class Footprint:
    """Energy and emissions of a piece of computation, each with its range and the method used."""

    energy_kwh: float
    kg_co2e: float
    kg_co2e_low: float
    kg_co2e_high: float
    method: str
    energy_kwh_low: float | None = None
    energy_kwh_high: float | None = None
    embodied_kg_co2e: float | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelInfo:
    version: str
    training_footprint: Footprint | None
    inference_footprint: Footprint | None = None
    # kg CO2e a year the advice shown is expected to save (each action's savings times its
    # likelihood, overlaps once) / kg CO2e that training the models emitted; 2 significant
    # figures, with its range (high None: the footprint's low end is zero, no finite bound)
    carbon_payback: float | None = None
    carbon_payback_low: float | None = None
    carbon_payback_high: float | None = None
    card: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Recommendation:
    household_id: str
    forecast: Forecast
    actions: tuple[Action, ...]
    model: ModelInfo
    warnings: tuple[str, ...] = ()
    generated_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """The answer in the JSON shape of docs/product.md, shared by every surface."""
        return to_jsonable(self)
