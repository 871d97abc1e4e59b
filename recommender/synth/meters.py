"""Synthetic hourly meter readings built from real daily shapes.

For each household and local day a real 24-hour profile is drawn from the library of
:mod:`recommender.synth.profiles` (same month and day type; which of the two real meters it comes
from is drawn per day, with a household-specific preference), then

- scaled to the household's annual kWh (drawn in :mod:`recommender.synth.households`: lognormal
  around Ofgem's 2,700 kWh/yr for GB), i.e. ``profile * annual_kwh / 365.25``;
- placed in the household's own local time and shifted by its routine offset (whole hours,
  ``round(N(0, 1 h))`` clipped to +-2 h): the same life at a different clock;
- multiplied by hourly lognormal noise with mean 1 (``NOISE_SIGMA``; assumption: 10 %, on top of
  the real day-to-day variation the library already carries);
- if ``temperature_c`` is given, electrically heated households (about 9 % in GB) add
  ``heating_kwh_per_degree_hour * max(0, 15.5 °C - T)`` each hour;
- capped at what a home's supply can draw in an hour (``schema.MAX_KWH_PER_HOUR``, the readers'
  plausibility limit): the far tail of the annual lognormal (e.g. the US median x e^(3 sigma),
  ~67 MWh/yr) times a real day's peak would otherwise give a few hours no home can draw.

Assumption: FR, DE and US households live by the same (UK) daily shapes in their own local time.
Everything is vectorised over blocks of 512 households; a household-year costs ~0.4 ms of CPU.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.errors import InvalidInput, Problem
from recommender.io import schema
from recommender.synth._blocks import BLOCK, STREAM_METERS, block_rng, block_spans
from recommender.synth.households import HEATING_BASE_C, draw_traits
from recommender.synth.profiles import N_DAYTYPES, N_MONTHS, ProfileLibrary, load_profile_library

NOISE_SIGMA = 0.10  # assumption: hourly multiplicative noise, lognormal with mean 1
_PAD_DAYS = 2  # local days kept before the first UTC day (west of UTC) and for the +-2 h shift


def synthetic_hourly_kwh(
    n_households: int,
    start: str | pd.Timestamp,
    days: int,
    seed: int = 0,
    temperature_c: pd.Series | None = None,
    *,
    first_household: int = 0,
) -> tuple[np.ndarray, pd.DatetimeIndex, np.ndarray]:
    """Hourly kWh of ``n_households`` synthetic households for ``days`` days from ``start``.

    Parameters
    ----------
    n_households : number of households (>= 1).
    start : first hour, UTC (a naive value is read as UTC); must be a whole hour.
    days : length in days (>= 1); the result has ``24 * days`` hours.
    seed : the population's seed; the same seed gives the same households and readings.
    temperature_c : optional hourly outdoor °C on a tz-aware index covering every hour; adds the
        heating load of electrically heated households.
    first_household : index of the first household, so a population can be made in chunks:
        households ``i`` are identical whichever chunk generates them.

    Returns
    -------
    household_ids : (n,) str array, ``syn-00000000`` ...
    index : the hourly UTC ``DatetimeIndex`` (``24 * days`` values).
    kwh : (n, 24 * days) float32 matrix of kWh per hour.

    Examples
    --------
    >>> ids, index, kwh = synthetic_hourly_kwh(3, "2024-01-01", days=2, seed=1)
    >>> kwh.shape, str(index[0])
    ((3, 48), '2024-01-01 00:00:00+00:00')
    """
    index = validated_index(n_households, start, days, seed, first_household)
    temperature = _temperature_on(index, temperature_c)
    traits = draw_traits(n_households, seed, first_household)
    calendar = LocalCalendar(index)
    kwh = np.empty((n_households, len(index)), dtype=np.float32)
    row = 0
    for block, lo, hi in block_spans(first_household, n_households):
        rows = hi - lo
        kwh[row : row + rows] = hourly_kwh_for(
            traits.iloc[row : row + rows], calendar, seed, block, lo, temperature
        )
        row += rows
    return traits["household_id"].to_numpy().astype(str), index, kwh


class LocalCalendar:
    """Where each UTC hour of ``index`` falls in a local-hour stream, per time zone (cached).

    Local day 0 is ``_PAD_DAYS`` days before the first UTC date; position = day * 24 + local hour.
    The stream covers ``n_days`` local days, enough for every zone west or east of UTC and the
    +-2 h routine shift.
    """

    def __init__(self, index: pd.DatetimeIndex) -> None:
        self.index = index
        self.ref = index[0].tz_localize(None).normalize() - pd.Timedelta(days=_PAD_DAYS)
        self.n_days = len(index) // 24 + 2 * _PAD_DAYS + 2
        dates = pd.date_range(self.ref, periods=self.n_days, freq="D")
        self.day_cell = (
            (dates.month.to_numpy() - 1) * N_DAYTYPES + (dates.day_of_week.to_numpy() >= 5)
        ).astype(np.int64)
        self._positions: dict[str, np.ndarray] = {}

    def positions(self, timezone: str) -> np.ndarray:
        if timezone not in self._positions:
            local = self.index.tz_convert(timezone)
            day = (local.tz_localize(None).normalize() - self.ref).days.to_numpy()
            self._positions[timezone] = day.astype(np.int64) * 24 + local.hour.to_numpy()
        return self._positions[timezone]

    def positions_of(self, timezones: np.ndarray) -> np.ndarray:
        """(n, T) positions for households in the given time zones."""
        out = np.empty((len(timezones), len(self.index)), dtype=np.int64)
        for tz in pd.unique(timezones):
            out[timezones == tz] = self.positions(tz)
        return out


def hourly_kwh_for(
    traits: pd.DataFrame,
    calendar: LocalCalendar,
    seed: int,
    block: int,
    lo: int = 0,
    temperature: np.ndarray | None = None,
) -> np.ndarray:
    """kWh matrix of rows ``lo : lo + len(traits)`` of one seeding block (traits of those rows).

    The whole block's random numbers are drawn (so any slice of it is reproducible) and the wanted
    rows kept.
    """
    library = load_profile_library()
    rng = block_rng(seed, STREAM_METERS, block)
    day_cell, n_days, index = calendar.day_cell, calendar.n_days, calendar.index
    preference = rng.random(BLOCK)[lo : lo + len(traits)]
    source_u = rng.random((BLOCK, n_days))[lo : lo + len(traits)]
    pick_u = rng.random((BLOCK, n_days))[lo : lo + len(traits)]
    noise = rng.standard_normal((BLOCK, len(index)), dtype=np.float32)[lo : lo + len(traits)]

    source = (source_u >= preference[:, None]).astype(np.int64) % library.n_sources
    cell = source * (N_MONTHS * N_DAYTYPES) + day_cell[None, :]
    choice = library.cell_start[cell] + (pick_u * library.cell_count[cell]).astype(np.int64)
    stream = library.profiles[choice].reshape(len(traits), n_days * 24)

    positions = calendar.positions_of(traits["timezone"].to_numpy())
    positions -= traits["shift_hours"].to_numpy()[:, None]
    kwh = np.take_along_axis(stream, positions, axis=1)
    noise *= np.float32(NOISE_SIGMA)
    noise -= np.float32(NOISE_SIGMA**2 / 2)
    kwh *= np.exp(noise, out=noise)
    kwh *= (traits["annual_kwh"].to_numpy() / 365.25).astype(np.float32)[:, None]
    if temperature is not None:
        degree_hours = np.maximum(0.0, HEATING_BASE_C - temperature).astype(np.float32)
        k = traits["heating_kwh_per_degree_hour"].to_numpy().astype(np.float32)
        heated = np.flatnonzero(k > 0)
        kwh[heated] += k[heated, None] * degree_hours[None, :]
    np.minimum(kwh, np.float32(schema.MAX_KWH_PER_HOUR), out=kwh)
    return kwh


def validated_index(
    n_households: int, start: str | pd.Timestamp, days: int, seed: int, first_household: int
) -> pd.DatetimeIndex:
    """The hourly UTC index of the period; InvalidInput listing every bad argument."""
    problems = []
    for name, value, low in (
        ("n_households", n_households, 1),
        ("days", days, 1),
        ("seed", seed, 0),
        ("first_household", first_household, 0),
    ):
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < low:
            problems.append(Problem(name, f"got {value!r}", f"an integer >= {low}"))
    try:
        stamp = pd.Timestamp(start)
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
        if stamp != stamp.floor("h"):
            problems.append(Problem("start", f"{start!r} is not a whole hour", "e.g. 2024-01-01"))
    except (ValueError, TypeError):
        problems.append(Problem("start", f"cannot parse {start!r}", "an ISO 8601 date or time"))
    if problems:
        raise InvalidInput(problems, source="synthetic_hourly_kwh")
    return pd.date_range(stamp, periods=24 * int(days), freq="h")


def _temperature_on(index: pd.DatetimeIndex, temperature_c: pd.Series | None) -> np.ndarray | None:
    if temperature_c is None:
        return None
    where = "temperature_c"
    if not isinstance(temperature_c.index, pd.DatetimeIndex) or temperature_c.index.tz is None:
        raise InvalidInput(
            Problem(where, "index is not a tz-aware DatetimeIndex", "hourly °C, tz-aware"), where
        )
    series = temperature_c[~temperature_c.index.duplicated()].sort_index()
    values = pd.to_numeric(series, errors="coerce").reindex(index).to_numpy(dtype=float)
    missing = np.flatnonzero(np.isnan(values))
    if len(missing):
        first = ", ".join(str(index[i]) for i in missing[:3])
        raise InvalidInput(
            Problem(
                where,
                f"no value for {len(missing)} of {len(index)} hours (first: {first})",
                "a numeric °C for every hour of the period",
            ),
            where,
        )
    return values


def library() -> ProfileLibrary:
    """The real-profile library the generator samples from (for inspection and tests)."""
    return load_profile_library()
