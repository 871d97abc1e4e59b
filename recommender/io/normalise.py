"""Turn raw readings (any accepted interval, any offset) into the engine's series.

The engine's shape (see :class:`recommender.domain.Household`): kWh per interval on a tz-aware UTC
index at a regular step, 60 minutes wherever the input allows it, 1440 for daily-only meters.

* 15- and 30-minute readings are summed into UTC hours, only where the hour is complete.
* Hourly readings stay as they are (an hourly series on the half hour, as a +05:30 zone gives,
  keeps its phase; the forecaster splits it into whole UTC hours and says so).
* Daily readings stay daily. Days are the household's local calendar days when the readings sit at
  one local clock time (a 23-hour spring day and a 25-hour autumn day are one reading each), or
  UTC days when they sit at one UTC time.

Safe fixes (exact duplicate rows dropped, gaps up to ``SHORT_GAP_MINUTES`` filled linearly) are
applied and returned as warnings; everything else that is wrong is added to ``problems``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.clock import daily_instants, wall_day_numbers
from recommender.errors import Problem
from recommender.io import schema
from recommender.io.cells import Where, row_problems

_SUBDAILY_NS = {m * 60_000_000_000 for m in (15, 30, 60)}


@dataclass(frozen=True)
class NormalisedReadings:
    kwh: pd.Series
    interval_minutes: int
    warnings: tuple[str, ...]


def normalise_readings(
    stamps: pd.Series | pd.DatetimeIndex,
    kwh: np.ndarray,
    *,
    timezone: str,
    where: Where,
    problems: list[Problem],
    field: str = "readings",
) -> NormalisedReadings | None:
    """Normalise parsed readings (UTC stamps, kWh per interval) to the engine's series.

    Rows whose stamp is NaT were already reported and are skipped. Returns None when a problem
    makes the series unusable (the problems say why).
    """
    before = len(problems)
    warnings: list[str] = []
    t = stamps if isinstance(stamps, pd.DatetimeIndex) else pd.DatetimeIndex(stamps)
    regular = _regular_index(t)
    if regular is not None:  # sorted, unique, one sub-daily step (what a clean meter export gives)
        index, interval = regular
        values = pd.Series(kwh, index=index, name="kwh")  # named now: rename() costs a copy
        kept = _Kept(kwh, np.arange(len(kwh)))
    else:
        read = _sorted_series(t, kwh, timezone, where, field, problems, warnings)
        if read is None or len(problems) > before:
            return None
        values, interval, kept = read
    _check_plausible(kept, values, interval, where, field, problems)
    values = _fill_short_gaps(values, interval, warnings)
    if interval < 60:
        values = _sum_complete_hours(values, interval, warnings)
        interval = 60
    if len(problems) == before:
        _report_long_gaps(values, interval, field, warnings, problems)
    if len(problems) > before:
        return None
    values.index.name = "timestamp"
    named = values if values.name == "kwh" else values.rename("kwh")
    return NormalisedReadings(named, interval, tuple(warnings))


def drop_duplicate_readings(
    frame: pd.DataFrame,
    where: Where,
    problems: list[Problem],
    warnings: list[str],
    what: str = "kWh",
    column: str = "kwh",
) -> pd.DataFrame:
    """Rows of ``frame`` (sorted by ``t``; values in ``kwh``, positions in ``pos``) without exact
    duplicates (a warning) nor repeats with another value (a problem each)."""
    same_t = frame["t"].duplicated(keep=False)
    if not same_t.any():
        return frame
    exact = frame.duplicated(["t", "kwh"], keep="first")
    conflicting = frame[same_t].groupby("t").filter(lambda g: g["kwh"].nunique(dropna=False) > 1)
    if len(conflicting):
        first = conflicting.groupby("t")["pos"].transform("min")
        later = conflicting[conflicting["pos"] != first]
        firsts = dict(zip(conflicting["t"], first, strict=True))
        values = dict(zip(frame["pos"], frame["kwh"], strict=True))
        stamp = dict(zip(later["pos"], later["t"], strict=True))
        row_problems(
            problems,
            later["pos"].to_numpy(),
            where,
            "timestamp",
            lambda p: (
                f"timestamp {stamp[p].isoformat()} repeats with a different {what} "
                f"({values[p]:g} here, {values[firsts[stamp[p]]]:g} at "
                f"{where(int(firsts[stamp[p]]), column)})"
            ),
            "one reading per timestamp",
        )
    dropped = frame[exact & ~frame["t"].isin(conflicting["t"])]
    if len(dropped):
        shown = ", ".join(t.isoformat() for t in dropped["t"].iloc[:3])
        warnings.append(
            f"dropped {len(dropped)} exact duplicate reading(s) (same timestamp and {what}), "
            f"e.g. at {shown}"
        )
    return frame.drop(dropped.index).drop_duplicates("t").reset_index(drop=True)


@dataclass(frozen=True)
class _Kept:
    """The readings kept for the series (after dropping unreadable stamps and duplicates): their
    values as given and their positions in the input, for naming a row."""

    kwh: np.ndarray
    positions: np.ndarray


def _regular_index(t: pd.DatetimeIndex) -> tuple[pd.DatetimeIndex, int] | None:
    """The index (with its frequency) and interval of stamps that are sorted, unique and one
    sub-daily step apart throughout; None for any others."""
    steps_ns = np.diff(t.asi8) if not t.hasnans else np.array([], dtype="int64")
    step_ns = int(steps_ns[0]) if len(steps_ns) else 0
    if step_ns not in _SUBDAILY_NS or not (steps_ns == step_ns).all():
        return None
    interval = step_ns // 60_000_000_000
    freq = "h" if interval == 60 else f"{interval}min"
    # every stamp is the first plus a whole number of steps: the range is the stamps themselves
    # (DatetimeIndex(t, freq=...) would check that again, stamp by stamp)
    return pd.date_range(t[0], periods=len(t), freq=freq, unit=t.unit), interval


def _sorted_series(
    t: pd.DatetimeIndex,
    kwh: np.ndarray,
    timezone: str,
    where: Where,
    field: str,
    problems: list[Problem],
    warnings: list[str],
) -> tuple[pd.Series, int, _Kept] | None:
    """Any readings sorted, duplicates dropped, on the index of their interval (sub-daily or
    daily; missing slots NaN); None, with the problems, when there is no such index."""
    ok = ~np.asarray(t.isna())
    frame = pd.DataFrame({"t": t[ok], "kwh": kwh[ok], "pos": np.flatnonzero(ok)})
    frame = frame.sort_values(["t", "pos"], kind="stable").reset_index(drop=True)
    frame = drop_duplicate_readings(frame, where, problems, warnings)
    if len(frame) < 2:
        problems.append(
            Problem(field, f"{len(frame)} usable reading(s)", "at least 14 days of readings")
        )
        return None
    minutes = frame["t"].diff().dt.total_seconds().to_numpy()[1:] / 60.0
    step = int(pd.Series(minutes).mode().iloc[0])
    if step >= 23 * 60:
        index = _daily_index(frame, timezone, where, field, problems)
        interval = 1440
    else:
        index = _subdaily_index(frame, step, minutes, where, field, problems)
        interval = step
    if index is None:
        return None
    values = pd.Series(frame["kwh"].to_numpy(), index=pd.DatetimeIndex(frame["t"]))
    if len(values) != len(index):
        values = values.reindex(index)
    else:
        values.index = index
    return values, interval, _Kept(frame["kwh"].to_numpy(), frame["pos"].to_numpy())


def _subdaily_index(
    frame: pd.DataFrame,
    step: int,
    minutes: np.ndarray,
    where: Where,
    field: str,
    problems: list[Problem],
) -> pd.DatetimeIndex | None:
    if step not in schema.ALLOWED_INTERVALS_MINUTES:
        problems.append(
            Problem(
                field,
                f"readings are mostly {step} minutes apart",
                "readings every 15, 30 or 60 minutes, or daily",
            )
        )
        return None
    off_grid = np.flatnonzero(minutes % step != 0) + 1
    pos = frame["pos"].to_numpy()
    row_problems(
        problems,
        pos[off_grid],
        where,
        "timestamp",
        lambda p: (
            f"mixed intervals: this reading comes "
            f"{minutes[np.flatnonzero(pos == p)[0] - 1]:g} minutes after the previous one"
        ),
        f"every reading on the {step}-minute grid of the others",
    )
    # A run of equal steps other than the usual one is another interval, not a row of gaps.
    is_other = pd.Series(minutes != step)
    run_id = (is_other != is_other.shift()).cumsum()
    starts = []
    for _, run in is_other.groupby(run_id):
        if run.iloc[0] and len(run) >= 6:  # 6 steps in a row off the usual one
            first, last = int(run.index[0]), int(run.index[-1]) + 1
            usual = pd.Series(minutes[first:last]).mode().iloc[0]
            starts.append(first)
            problems.append(
                Problem(
                    f"{where(int(pos[first]), 'timestamp')} to "
                    f"{where(int(pos[last]), 'timestamp')}",
                    f"mixed intervals: these readings are every {usual:g} minutes, "
                    f"the rest every {step}",
                    "one interval for the whole series (15, 30 or 60 minutes, or daily)",
                )
            )
    if len(off_grid) or len(starts):
        return None
    freq = "h" if step == 60 else f"{step}min"
    return pd.date_range(frame["t"].iloc[0], frame["t"].iloc[-1], freq=freq)


def _daily_index(
    frame: pd.DataFrame, timezone: str, where: Where, field: str, problems: list[Problem]
) -> pd.DatetimeIndex | None:
    t = pd.DatetimeIndex(frame["t"])
    local = t.tz_convert(timezone)
    wall_days = wall_day_numbers(t, timezone)
    n_days = int(wall_days[-1] - wall_days[0]) + 1
    days = daily_instants(t[0], n_days, timezone)  # at the first reading's clock time, each day
    if np.isin(t.as_unit("ns").asi8, days.as_unit("ns").asi8).all():  # local calendar days
        return days  # (23/25 h across DST; a day whose midnight the clocks skip starts at 01:00)
    if (t.time == t[0].time()).all():  # UTC days
        return pd.date_range(t[0], t[-1], freq="D")
    pos = frame["pos"].to_numpy()
    odd = np.flatnonzero(local.time != local[0].time())
    row_problems(
        problems,
        pos[odd],
        where,
        "timestamp",
        lambda p: (
            f"mixed intervals: a daily series with a reading at "
            f"{local[np.flatnonzero(pos == p)[0]].strftime('%H:%M')} local time"
        ),
        f"daily readings all at {local[0].strftime('%H:%M')} {timezone} (or one UTC time)",
    )
    return None


def _check_plausible(
    kept: _Kept,
    values: pd.Series,
    interval: int,
    where: Where,
    field: str,
    problems: list[Problem],
) -> None:
    with np.errstate(over="ignore"):  # a reading near the float limit is refused below
        per_hour = values.to_numpy() * 60.0 / interval
    is_finite = np.isfinite(per_hour)
    finite = per_hour if is_finite.all() else per_hour[is_finite]  # no copy for a clean series
    # The median is above the limit only if at least half the readings are (the upper middle
    # one is): np.median, a partial sort, is left for such series, which a home's rarely are.
    n_high = np.count_nonzero(finite > schema.MAX_MEDIAN_KWH_PER_HOUR)
    median = float(np.median(finite)) if len(finite) and 2 * n_high >= len(finite) else 0.0
    if median > schema.MAX_MEDIAN_KWH_PER_HOUR:
        problems.append(
            Problem(
                f"{field} kwh",
                f"the median reading is {median:,.1f} kWh per hour; the file looks like it is in "
                "watt-hours, not kilowatt-hours",
                "kWh per interval (a home's median is well under "
                f"{schema.MAX_MEDIAN_KWH_PER_HOUR:g} "
                "kWh per hour; divide Wh by 1000)",
            )
        )
        return
    limit = schema.MAX_KWH_PER_HOUR * interval / 60.0
    raw = kept.kwh
    if not (raw > limit).any():
        return
    high = np.flatnonzero(raw > limit)
    pos = kept.positions[high]
    kwh = dict(zip(pos.tolist(), raw[high].tolist(), strict=True))
    row_problems(
        problems,
        pos,
        where,
        "kwh",
        lambda p: f"{kwh[p]:g} kWh in {interval} minutes is more than a home can draw",
        f"at most {limit:g} kWh per {interval}-minute reading "
        f"({schema.MAX_KWH_PER_HOUR:g} kWh per hour)",
    )


def _nan_runs(values: pd.Series) -> list[tuple[int, int]]:
    """(start, stop) positions of each run of NaN (found in numpy: Series.isna makes a Series)."""
    isna = np.asarray(pd.isna(values.to_numpy()), dtype=bool)
    if not isna.any():  # a clean meter's series: no run to look for
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[False], isna, [False]]).astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _fill_short_gaps(values: pd.Series, interval: int, warnings: list[str]) -> pd.Series:
    max_slots = schema.SHORT_GAP_MINUTES // interval
    short = [
        (a, b) for a, b in _nan_runs(values) if b - a <= max_slots and a > 0 and b < len(values)
    ]
    if not short:
        return values
    filled = values.interpolate(method="linear", limit_area="inside")
    keep = np.ones(len(values), dtype=bool)
    for a, b in short:
        keep[a:b] = False
    values = values.where(keep, filled)
    spans = ", ".join(_span(pd.DatetimeIndex(values.index), a, b, interval) for a, b in short[:5])
    more = f" and {len(short) - 5} more" if len(short) > 5 else ""
    warnings.append(
        f"filled {len(short)} short gap(s) of at most {schema.SHORT_GAP_MINUTES} minutes "
        f"by linear interpolation: {spans}{more}"
    )
    return values


def _sum_complete_hours(values: pd.Series, interval: int, warnings: list[str]) -> pd.Series:
    hours = pd.DatetimeIndex(values.index).floor("h")
    grouped = values.groupby(hours)
    counts = grouped.count()
    summed = grouped.sum(min_count=1).where(counts == 60 // interval)
    full = pd.date_range(summed.index[0], summed.index[-1], freq="h")
    summed = summed.reindex(full)
    inside = summed.notna().to_numpy()
    first, last = np.flatnonzero(inside)[[0, -1]] if inside.any() else (0, -1)
    dropped = int(counts.iloc[:first].sum() + counts.iloc[last + 1 :].sum())
    if dropped:
        warnings.append(f"left out {dropped} reading(s) in the incomplete first/last hour")
    return summed.iloc[first : last + 1].astype("float64")


def _report_long_gaps(
    values: pd.Series, interval: int, field: str, warnings: list[str], problems: list[Problem]
) -> None:
    runs = _nan_runs(values)
    missing = sum(b - a for a, b in runs)
    days_present = (len(values) - missing) * interval / 1440.0
    if missing / max(len(values), 1) > schema.MAX_MISSING_FRACTION:
        problems.append(
            Problem(
                field,
                f"{missing / len(values):.0%} of the readings between "
                f"{values.index[0].isoformat()} and {values.index[-1].isoformat()} "
                "are missing",
                f"at most {schema.MAX_MISSING_FRACTION:.0%} missing",
            )
        )
    if days_present < schema.MIN_DAYS_OF_READINGS:
        problems.append(
            Problem(
                field,
                f"only {days_present:.1f} days of readings",
                f"at least {schema.MIN_DAYS_OF_READINGS:g} days",
            )
        )
    if runs:
        spans = ", ".join(
            _span(pd.DatetimeIndex(values.index), a, b, interval) for a, b in runs[:5]
        )
        more = f" and {len(runs) - 5} more" if len(runs) > 5 else ""
        warnings.append(
            f"{len(runs)} gap(s) longer than {schema.SHORT_GAP_MINUTES} minutes left "
            f"missing ({missing} {interval}-minute values): {spans}{more}"
        )


def _span(index: pd.DatetimeIndex, a: int, b: int, interval: int) -> str:
    end = index[b - 1] + pd.Timedelta(minutes=interval)
    return f"{index[a].isoformat()} to {end.isoformat()}"
