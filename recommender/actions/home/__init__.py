"""Home actions: load shifting on real grid carbon intensity and tariffs, and the other savings
computed from the household's own meter readings.

Entry points: :func:`home_actions` for one household, :func:`home_actions_many` for a chunk, and
:func:`home_reports_many`: the chunk's actions with the warnings of what a gas or a daily meter
could not support (:mod:`recommender.actions.home.meter`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import cast

import pandas as pd

from recommender.actions.home.detect import (
    WINDOW_DAYS,
    DetectedCycle,
    profile_window_hours,
    recurring_cycles_in,
)
from recommender.actions.home.detected_shift import detected_shift_actions
from recommender.actions.home.heating import thermostat_down
from recommender.actions.home.laundry import line_dry, wash_cooler
from recommender.actions.home.load_shift import shift_actions, unshifted_notes
from recommender.actions.home.meter import electric_hours, not_offered
from recommender.actions.home.profile import LoadProfile, Profile, load_profiles
from recommender.actions.home.savings import mean_price_per_kwh
from recommender.actions.home.shift import WindowCache, window_cache
from recommender.actions.home.standby import standby_cut
from recommender.actions.home.tariff_switch import tou_switch
from recommender.clock import local_midnight
from recommender.domain import Action, Forecast, Household
from recommender.errors import GreenrecError
from recommender.grid.providers import IntensityProvider, OfflineProvider

HORIZON_DAYS = 7
# local_midnight remembered: a chunk's households mostly share their forecasts' start, and the
# calls of a day their schedule's first day (bounded: a Timestamp an entry)
_day_start = lru_cache(maxsize=1024)(local_midnight)
# pairs of actions whose savings overlap (taking both does not add them up)
OVERLAPS = (("line-dry", "shift-tumble-dryer"), ("wash-30c", "shift-washing-machine"))


@dataclass(frozen=True)
class HomeReport:
    """One household's home actions and the warnings that go with them: what its meter could not
    support and why (a gas or a daily meter: :func:`~.meter.not_offered`; none for hourly
    electricity)."""

    actions: tuple[Action, ...] = ()
    warnings: tuple[str, ...] = ()


def home_reports_many(
    households: Sequence[Household],
    forecasts: Sequence[Forecast | None] | None = None,
    *,
    now: pd.Timestamp | None = None,
    provider: IntensityProvider | None = None,
) -> list[HomeReport | GreenrecError]:
    """:func:`home_actions` for a chunk of households, in order: each item the household's
    :class:`HomeReport` or the :class:`~recommender.errors.GreenrecError` it raised
    (InsufficientData), so one household's data costs no other its answer.

    Work is done group-wise over the chunk where it pays: the load profiles' hourly means and
    nightly minima (one grouping each, :func:`~recommender.actions.home.profile.load_profiles`),
    the recurring cycles in the hourly electricity meters (one grouped quantile per baseline and
    one grouping of runs, :func:`~recommender.actions.home.detect.recurring_cycles_many`); what
    households share is computed once: the candidate windows' slot layout, grid intensity (per
    region, zone, days and cycle length) and prices (per tariff). Each household's answer is the
    one it gets alone.
    """
    fcs = [None] * len(households) if forecasts is None else list(forecasts)
    if len(fcs) != len(households):
        raise ValueError(f"{len(fcs)} forecasts for {len(households)} households")
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    provider = provider or OfflineProvider()
    tables = window_cache(provider)  # the parts of the candidate windows households share
    items: list[HomeReport | GreenrecError | Profile] = list(load_profiles(households, fcs))
    hourly = [
        i
        for i, item in enumerate(items)
        if not isinstance(item, GreenrecError)
        and electric_hours(households[i], cast(Profile, item)) is not None
    ]
    cycles = recurring_cycles_in(
        [
            profile_window_hours(households[i], cast(LoadProfile, items[i]), WINDOW_DAYS)
            for i in hourly
        ]
    )
    found = dict(zip(hourly, cycles, strict=True))
    for i, item in enumerate(items):
        if isinstance(item, GreenrecError | HomeReport):
            continue
        try:
            items[i] = _household_report(
                households[i], fcs[i], item, found.get(i, []), now, provider, tables
            )
        except GreenrecError as error:
            items[i] = error
    return cast(list[HomeReport | GreenrecError], items)


def home_actions_many(
    households: Sequence[Household],
    forecasts: Sequence[Forecast | None] | None = None,
    *,
    now: pd.Timestamp | None = None,
    provider: IntensityProvider | None = None,
) -> list[list[Action] | GreenrecError]:
    """:func:`home_reports_many`'s actions alone: each item a household's list of actions or
    its :class:`~recommender.errors.GreenrecError`."""
    reports = home_reports_many(households, forecasts, now=now, provider=provider)
    return [r if isinstance(r, GreenrecError) else list(r.actions) for r in reports]


def home_actions(
    household: Household,
    forecast: Forecast | None = None,
    *,
    now: pd.Timestamp | None = None,
    provider: IntensityProvider | None = None,
) -> list[Action]:
    """Every home action that fits ``household``, each with its yearly savings and their range.

    ``forecast`` (optional) gives the yearly use and the schedule's horizon (the days its values
    cover from its start: hourly or daily values); without it the readings are used and the
    schedule covers the 7 days after ``now`` (tz-aware, default the current time). ``provider``
    supplies grid carbon intensity (default: the packaged offline data; pass a live one to use
    it). Raises InsufficientData with under two weeks of readings. A gas or a daily meter gets
    the actions it supports (:mod:`~recommender.actions.home.meter`; the warnings saying what
    it does not are in :func:`home_reports_many`'s report). A chunk of one of
    :func:`home_actions_many`.
    """
    (item,) = home_actions_many([household], [forecast], now=now, provider=provider)
    if isinstance(item, GreenrecError):
        raise item
    return item


def schedule_days(
    forecast: Forecast | None, zone: str, now: pd.Timestamp
) -> tuple[pd.Timestamp, int]:
    """The schedule's first local day (midnight) and its number of days: the forecast's, from
    its start and the time its values cover (values x interval, whole days, 1 to 14: an hourly
    forecast's 168 hours and a daily one's 7 days are both 7), else the 7 days after ``now``."""
    if forecast is None:
        return _day_start(now, zone, days_later=1), HORIZON_DAYS
    first_day = _day_start(pd.Timestamp(forecast.start), zone)
    if not forecast.kwh:
        return first_day, HORIZON_DAYS
    return first_day, _days_covered(forecast.interval, len(forecast.kwh))


@lru_cache(maxsize=64)
def _days_covered(interval: str, n_values: int) -> int:
    """The whole days ``n_values`` values of ``interval`` cover, 1 to 14 (made once per
    forecast shape: a chunk's forecasts mostly share one)."""
    covered = pd.Timedelta(interval) * n_values
    return max(1, min(14, covered // pd.Timedelta(days=1)))


def _household_report(
    household: Household,
    forecast: Forecast | None,
    profile: Profile,
    cycles: list[DetectedCycle],
    now: pd.Timestamp,
    provider: IntensityProvider,
    tables: WindowCache,
) -> HomeReport:
    """The household's actions: every one on an hourly electricity meter, else those its meter
    supports (:mod:`~recommender.actions.home.meter`), with the warnings saying so."""
    first_day, n_days = schedule_days(forecast, household.timezone, now)
    hours = electric_hours(household, profile)
    price = mean_price_per_kwh(household, None if hours is None else hours.hourly_kwh)
    kinds = {a.kind: a for a in household.appliances if a.cycles_per_week > 0}
    peak_hour = None if hours is None else hours.peak_hour
    candidates: list[Action | None] = [
        *shift_actions(household, peak_hour, first_day, n_days, provider, tables),
        *(
            detected_shift_actions(household, hours, first_day, n_days, provider, tables, cycles)
            if hours is not None
            else ()
        ),
        wash_cooler(household, kinds["washing_machine"], price)
        if "washing_machine" in kinds
        else None,
        line_dry(household, kinds["tumble_dryer"], price) if "tumble_dryer" in kinds else None,
        standby_cut(household, hours, price) if hours is not None else None,
        thermostat_down(household, profile, price),
        tou_switch(household, hours) if hours is not None else None,
    ]
    actions = _mark_conflicts([a for a in candidates if a is not None])
    notes = [
        *not_offered(household, profile, actions),
        *unshifted_notes(household, peak_hour, actions),
    ]
    return HomeReport(tuple(actions), tuple(notes))


def _mark_conflicts(actions: list[Action]) -> list[Action]:
    ids = {a.id for a in actions}
    out = []
    for action in actions:
        others = {b for a, b in OVERLAPS if a == action.id} | {
            a for a, b in OVERLAPS if b == action.id
        }
        conflicts = tuple(sorted((others | set(action.conflicts_with)) & ids))
        same = conflicts == action.conflicts_with  # as it is: no copy of it
        out.append(action if same else replace(action, conflicts_with=conflicts))
    return out


__all__ = ["HomeReport", "home_actions", "home_actions_many", "home_reports_many"]
