"""The training rows of the global forecaster, one household at a time (see
:mod:`recommender.forecast.design` for what each row holds)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from recommender.errors import InvalidInput, Problem
from recommender.forecast.data import align_temperature, regular_hourly
from recommender.forecast.design import (
    SHORT_HORIZON_HOURS,
    YEAR_FEATURES,
    Timeline,
    household_profiles,
    nan_mean,
    offset_of,
    profile_at,
    short_rows,
    year_rows,
)
from recommender.forecast.features import CALENDAR_NAMES, local_day_starts
from recommender.forecast.level import recency_weights

MIN_HISTORY_HOURS = 14 * 24
TRAIN_LEAD_HOURS = 24  # the short model learns day-ahead (see recommender.forecast.design)
CALENDAR_ONLY_SHARE = 0.2


def household_rows(
    model: Any, kwh_series, temp_series, rng, year_cap: int, origin_cap: int, parts
) -> None:
    """Append one household's year-ahead and short-horizon training rows to ``parts``.

    Year rows at up to ``year_cap`` of its known hours (a share of them with the weather blanked,
    :data:`CALENDAR_ONLY_SHARE`), short rows at up to ``origin_cap`` local midnights; profiles
    out of fold (even weeks see the odd weeks' profile and vice versa).
    """
    n_hours = len(kwh_series)
    index = pd.date_range(
        kwh_series.index[0], periods=n_hours + SHORT_HORIZON_HOURS, freq="h", tz="UTC"
    )
    kwh = np.full((1, len(index)), np.nan)
    kwh[0, :n_hours] = kwh_series.to_numpy()
    temps = align_temperature(temp_series, index)[None, :]
    timeline = Timeline(index, model.timezone, model.latitude_deg, temps)
    scale = nan_mean(kwh, axis=1)
    # Out-of-fold profiles: an hour in an even week sees the profile of the odd weeks and
    # vice versa, so the model learns how far to trust a profile it did not itself produce.
    parity = (np.arange(len(index)) // 168) % 2
    week_rows = np.empty_like(kwh)
    day_rows = np.empty_like(kwh)
    for side in (0, 1):
        other = np.where(parity[None, :] != side, kwh, np.nan)
        if np.isnan(other).all():
            other = kwh
        week, day = household_profiles(other, timeline.how, scale)
        chosen = parity == side
        week_rows[:, chosen] = week[:, timeline.how[chosen]]
        day_rows[:, chosen] = day[:, timeline.hod[chosen]]

    known = np.flatnonzero(~np.isnan(kwh[0]))
    weights = recency_weights(n_hours, model.recency_half_life_days)
    if len(known) > year_cap:
        known = np.sort(rng.choice(known, year_cap, replace=False))
    rows = year_rows(timeline, known)[0]
    # a share of rows without weather teaches the trees the calendar-alone answer for the
    # households (and hours) that come without temperatures
    blank = rng.random(len(rows)) < CALENDAR_ONLY_SHARE
    rows[np.ix_(blank, np.arange(len(CALENDAR_NAMES), len(YEAR_FEATURES)))] = np.nan
    parts["yx"].append(rows)
    parts["yy"].append(kwh[0, known] / scale[0])
    parts["yo"].append(offset_of(*profile_at(timeline, known, week_rows, day_rows, True))[0])
    parts["yw"].append(weights[known])
    parts["yf"].append((known >= n_hours // 2).astype(np.intp))

    starts = local_day_starts(index[:n_hours], model.timezone)
    origins = starts[starts >= MIN_HISTORY_HOURS]
    if len(origins) == 0:
        return
    if len(origins) > origin_cap:
        origins = np.sort(rng.choice(origins, origin_cap, replace=False))
    rows, short_scale = short_rows(
        timeline, kwh, origins, TRAIN_LEAD_HOURS, week_rows, day_rows, per_row=True
    )
    target = kwh[:, origins[:, None] + np.arange(TRAIN_LEAD_HOURS)[None, :]]
    target = target / short_scale[:, :, None]
    usable = ~np.isnan(target[0])
    parts["sx"].append(rows[0][usable])
    parts["sy"].append(target[0][usable])
    half = np.broadcast_to((origins >= n_hours // 2)[:, None], usable.shape)
    parts["sf"].append(half[usable].astype(np.intp))


def validated_series(X, temperatures) -> tuple[list[pd.Series], list[pd.Series | None]]:
    """The training series on regular hourly indexes and their temperatures, or
    :class:`InvalidInput` listing every series that is unusable."""
    if not isinstance(X, list | tuple) or not X:
        raise InvalidInput(Problem("series", "no households", "a non-empty list of series"))
    temps = list(temperatures) if temperatures is not None else [None] * len(X)
    problems: list[Problem] = []
    if len(temps) != len(X):
        problems.append(
            Problem(
                "temperatures",
                f"{len(temps)} entries for {len(X)} series",
                "one entry (or None) per series",
            )
        )
    series_list = []
    for i, s in enumerate(X):
        try:
            regular = regular_hourly(s, f"series[{i}]")
        except InvalidInput as error:
            problems.extend(error.problems)
            continue
        if regular.notna().sum() < MIN_HISTORY_HOURS:
            problems.append(
                Problem(
                    f"series[{i}]",
                    f"{regular.notna().sum()} known hours",
                    f"at least {MIN_HISTORY_HOURS} (14 days)",
                )
            )
        series_list.append(regular)
    if problems:
        raise InvalidInput(problems, source="training series")
    return series_list, temps
