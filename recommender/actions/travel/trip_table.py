"""The trips table checked: the rules a table of trips must meet beyond each field's own.

Each field is read by the engine's one set of field readers (``recommender.io.normalise``: the
same offset rule and problem wording as the household JSON); this module adds what only a table
can show: trips that move faster than their mode can (where ``end`` or ``duration_minutes`` is
given) and, as warnings, trips that overlap impossibly or fall outside the data's period.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd

from recommender.actions.travel.catalogue import transport_table
from recommender.domain import TRIP_MODES, TRIP_PURPOSES
from recommender.errors import InvalidInput, Problem
from recommender.io import schema
from recommender.io.cells import parse_numbers, parse_timestamps, row_problems

TRIP_COLUMNS: tuple[str, ...] = ("household_id", "start", "distance_km", "mode", "purpose")
FLIGHT_MODES: tuple[str, ...] = ("flight_domestic", "flight_short_haul", "flight_long_haul")
MAX_LISTED = schema.MAX_PROBLEMS_PER_KIND  # problems listed one by one per kind
_ROAD = tuple(m for m in TRIP_MODES if m.startswith(("car_", "motorbike", "taxi", "bus", "coach")))
# Fastest plausible speed by mode (km/h), data/factors/transport.csv ``max_plausible_kmh``.
_SPEED_KEY = {m: "road" for m in _ROAD} | {m: "rail" for m in ("rail", "tram", "underground")}
_SPEED_KEY |= {m: "flight" for m in FLIGHT_MODES}


def max_plausible_kmh(
    modes: pd.Series | np.ndarray, codes: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Fastest plausible speed for each mode (km/h); ``codes``: the modes as codes into their
    distinct values (a chunk's, found once), else they are found here."""
    code, uniques = codes if codes is not None else pd.factorize(np.asarray(modes, dtype=object))
    speeds = _speeds_by_mode()
    return np.array([speeds.get(m, np.nan) for m in uniques], dtype=float)[code]


@cache
def _speeds_by_mode() -> dict[str, float]:
    table = transport_table().loc["max_plausible_kmh"]["value"].to_dict()
    return {m: float(table[_SPEED_KEY.get(m, m)]) for m in TRIP_MODES}


def _where(frame: pd.DataFrame) -> Callable[[int, str], str]:
    labels = list(frame.index)
    return lambda i, column: f"trips[{labels[i]}].{column}"


def _add(
    problems: list[Problem],
    frame: pd.DataFrame,
    mask: pd.Series,
    column: str,
    what: str,
    expected: str,
) -> None:
    row_problems(
        problems,
        np.flatnonzero(mask.to_numpy(dtype=bool)),
        _where(frame),
        column,
        lambda i: what,
        expected,
    )


def _unknown(
    problems: list[Problem], frame: pd.DataFrame, column: str, choices: tuple[str, ...]
) -> None:
    values = frame[column].astype(str)
    row_problems(
        problems,
        np.flatnonzero(~frame[column].isin(choices).to_numpy()),
        _where(frame),
        column,
        lambda i: f"unknown {column} {values.iloc[i]!r}{schema.suggest(values.iloc[i], choices)}",
        schema.one_of(choices),
    )


def validate_trips(
    trips: pd.DataFrame,
    *,
    period_start: pd.Timestamp | None = None,
    period_end: pd.Timestamp | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Check a trips table; return the clean table (``start`` UTC, passengers filled), warnings.

    Raises :class:`InvalidInput` listing every problem (``trips[<row>].<field>``: what, expected):
    missing columns, unreadable or offset-less starts, non-positive or non-numeric distances,
    unknown modes or purposes, passengers below 1, and where ``end`` or ``duration_minutes`` is
    given, trips that end before they start or move faster than their mode can. Warnings
    (strings starting ``DataQualityWarning:``) name trips that overlap the next one impossibly
    and trips outside ``[period_start, period_end]``.
    """
    missing = [c for c in TRIP_COLUMNS if c not in trips.columns]
    if missing:
        raise InvalidInput(
            [
                Problem("trips", f"missing column {c!r}", f"columns {', '.join(TRIP_COLUMNS)}")
                for c in missing
            ],
            source="trips",
        )
    problems: list[Problem] = []
    frame = trips.copy()
    where = _where(frame)
    start = parse_timestamps(frame["start"], where, "start", problems)
    frame["start"] = start.set_axis(frame.index)
    distance = pd.Series(
        parse_numbers(frame["distance_km"], where, "distance_km", problems), index=frame.index
    )
    _add(
        problems,
        frame,
        distance.isna() & frame["distance_km"].isna(),
        "distance_km",
        "is missing",
        "a distance in km > 0",
    )
    _add(problems, frame, distance == 0, "distance_km", "is zero", "a distance in km > 0")
    frame["distance_km"] = distance.astype(float)
    _unknown(problems, frame, "mode", TRIP_MODES)
    _unknown(problems, frame, "purpose", TRIP_PURPOSES)
    if "passengers" in frame.columns:
        people = pd.to_numeric(frame["passengers"], errors="coerce")
        bad = people.isna() | (people < 1) | (people != np.floor(people))
        _add(
            problems,
            frame,
            bad,
            "passengers",
            "is not a whole number of people >= 1",
            "1, 2, 3 ...",
        )
        frame["passengers"] = people.fillna(1).clip(lower=1)
    else:
        frame["passengers"] = 1.0
    if not problems:
        _check_durations(frame, problems)
    if problems:
        raise InvalidInput(problems, source="trips")
    warnings = _overlap_warnings(frame) + _period_warnings(frame, period_start, period_end)
    return frame, warnings


def _check_durations(frame: pd.DataFrame, problems: list[Problem]) -> None:
    if "end" in frame.columns:
        end = parse_timestamps(frame["end"], _where(frame), "end", problems)
        hours = (end.set_axis(frame.index) - frame["start"]).dt.total_seconds() / 3600.0
        where = "end"
    elif "duration_minutes" in frame.columns:
        hours = pd.to_numeric(frame["duration_minutes"], errors="coerce") / 60.0
        _add(problems, frame, hours.isna(), "duration_minutes", "is not a number", "minutes > 0")
        where = "duration_minutes"
    else:
        return
    _add(problems, frame, hours <= 0, where, "the trip ends before it starts", "a duration > 0")
    kmh = frame["distance_km"] / hours.where(hours > 0)
    limit = max_plausible_kmh(frame["mode"])
    for label in frame.index[(kmh > limit).to_numpy()][:MAX_LISTED]:
        row = frame.loc[label]
        problems.append(
            Problem(
                f"trips[{label}].{where}",
                f"{row['distance_km']:g} km by {row['mode']} in {hours[label] * 60:.0f} minutes "
                f"is {kmh[label]:.0f} km/h, impossible",
                f"at most {limit[frame.index.get_loc(label)]:.0f} km/h by {row['mode']}",
            )
        )


def _overlap_warnings(frame: pd.DataFrame) -> list[str]:
    """The table's overlap warnings, households in ``household_id`` order (first MAX_LISTED)."""
    code, ids = pd.factorize(frame["household_id"], sort=True)
    start = pd.DatetimeIndex(frame["start"]).as_unit("ns").asi8
    distance, mode = frame["distance_km"].to_numpy(dtype=float), frame["mode"].to_numpy()
    labels = frame.index.to_numpy()
    listed = overlap_warnings(code, len(ids), start, distance, mode, labels)
    return [w for group in listed for w in group][:MAX_LISTED]


def overlap_warnings(
    code: np.ndarray,
    n_groups: int,
    start_ns: np.ndarray,
    distance_km: np.ndarray,
    mode: np.ndarray,
    labels: np.ndarray,
    mode_codes: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[list[str]]:
    """Per group (household): trips that could not have ended before the group's next trip
    starts, even at the fastest plausible speed of their mode; the first ``MAX_LISTED`` of each.
    ``mode_codes``: the modes factorized already (a chunk's), else they are here."""
    order = _by_group_and_start(code, start_ns)
    limit = max_plausible_kmh(mode, mode_codes)[order]
    starts = start_ns[order]
    earliest_end = starts + pd.to_timedelta(distance_km[order] / limit, unit="h").as_unit("ns").asi8
    ids = code[order]
    clash = np.flatnonzero((ids[:-1] == ids[1:]) & (earliest_end[:-1] > starts[1:]))
    # each group's first MAX_LISTED clashes (positions are in group order), read one by one
    first_of_group = np.r_[True, ids[clash[1:]] != ids[clash[:-1]]] if len(clash) else clash
    since_first = np.arange(len(clash)) - np.maximum.accumulate(
        np.where(first_of_group, np.arange(len(clash)), 0)
    )
    shown = clash[since_first < MAX_LISTED]
    out: list[list[str]] = [[] for _ in range(n_groups)]
    at, then = _utc_minutes(starts[shown]), _utc_minutes(starts[shown + 1])
    rows = zip(
        shown.tolist(), order[shown].tolist(), order[shown + 1].tolist(), at, then, strict=True
    )
    for pos, row, after, at_text, then_text in rows:
        out[ids[pos]].append(
            f"DataQualityWarning: trips[{labels[row]}] ({distance_km[row]:g} km by {mode[row]} "
            f"from {at_text} UTC) cannot have ended before "
            f"trips[{labels[after]}] "
            f"starts at {then_text[11:]} UTC even at {limit[pos]:.0f} "
            "km/h; both kept (two people may travel at once) - check the start times"
        )
    return out


def _utc_minutes(ns: np.ndarray) -> list[str]:
    """``f"{pd.Timestamp(t, tz='UTC'):%Y-%m-%d %H:%M}"`` of each ns time, without a Timestamp
    each (numpy floors to the minute as the timestamp does; pandas' years have four digits)."""
    minutes = ns.astype("datetime64[ns]").astype("datetime64[m]")
    return [text.replace("T", " ") for text in np.datetime_as_string(minutes).tolist()]


def _by_group_and_start(code: np.ndarray, start_ns: np.ndarray) -> np.ndarray:
    """Row order by group, then start (stable): the rows' own order where it is that already, as
    in a chunk (households contiguous, each one's trips in time order), without a sort."""
    same = code[1:] == code[:-1]
    if np.all((code[1:] > code[:-1]) | (same & (start_ns[1:] >= start_ns[:-1]))):
        return np.arange(len(code))
    return np.lexsort((start_ns, code))


def _period_warnings(
    frame: pd.DataFrame, period_start: pd.Timestamp | None, period_end: pd.Timestamp | None
) -> list[str]:
    if period_start is None and period_end is None:
        return []
    lo = period_start if period_start is not None else frame["start"].min()
    hi = period_end if period_end is not None else frame["start"].max()
    outside = frame.index[(frame["start"] < lo) | (frame["start"] > hi)]
    return period_warning(list(outside), lo, hi) if len(outside) else []


def period_warning(outside: list, lo: pd.Timestamp, hi: pd.Timestamp) -> list[str]:
    """The one warning naming a household's trips outside its data period."""
    shown = ", ".join(f"trips[{i}]" for i in outside[:MAX_LISTED])
    more = f" and {len(outside) - MAX_LISTED} more" if len(outside) > MAX_LISTED else ""
    return [
        f"DataQualityWarning: {len(outside)} trip(s) fall outside the data's period "
        f"{lo:%Y-%m-%d} to {hi:%Y-%m-%d} ({shown}{more}); kept, annualised over the trips' own span"
    ]
