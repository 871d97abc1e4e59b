"""Shift actions for recurring cycles seen in the meter that no declared appliance explains.

Detection is :mod:`recommender.actions.home.detect`; scheduling and savings are the declared
appliances' own (:func:`window_table`, :func:`plan_shifts`, :func:`shift_savings_many`), fed a cycle
spec measured from the readings instead of a published one: its energy range is the P10-P90 of
the occurrences seen, so the saving's range is wider where the meter's cycles vary.
"""

from __future__ import annotations

import math
from datetime import time

import pandas as pd

from recommender.actions.home.detect import (
    WINDOW_DAYS,
    DetectedCycle,
    recurring_cycles,
    undeclared_cycles,
)
from recommender.actions.home.factors import CycleSpec, cycle_specs
from recommender.actions.home.load_shift import (
    per_cycle_gains,
    plan_details,
    planned_shifts,
    shift_sources,
    usual_start,
    window_tables,
)
from recommender.actions.home.profile import LoadProfile
from recommender.actions.home.shift import WindowCache, slot_time
from recommender.domain import Action, Appliance, Household
from recommender.grid.providers import IntensityProvider, OfflineProvider

SEEN = "seen in your meter's readings"


def household_cycles(
    household: Household, profile: LoadProfile, cycles: list[DetectedCycle] | None = None
) -> list[DetectedCycle]:
    """Recurring cycles in ``household``'s last readings not explained by a declared appliance
    (its usual start, given or inferred, within +-1 h; EV-like ones when it has an EV charger).
    ``cycles``: its recurring cycles when already found (for a chunk, group-wise)."""
    specs = cycle_specs()
    declared = [a for a in household.appliances if a.cycles_per_week > 0 and a.kind in specs]
    hours = [_start_hour(a, profile.peak_hour) for a in declared]
    has_ev = any(a.kind == "ev_charger" for a in declared)
    if cycles is None:
        cycles = recurring_cycles(household.readings_kwh, household.timezone, WINDOW_DAYS)
    return undeclared_cycles(cycles, hours, has_ev)


def _start_hour(appliance: Appliance, peak_hour: int) -> int:
    """A declared appliance's usual start hour (given, or the meter's peak hour)."""
    usual = usual_start(appliance, peak_hour)
    return peak_hour if usual is None else usual[0] // 2


def detected_shift_actions(
    household: Household,
    profile: LoadProfile,
    first_day: pd.Timestamp,
    n_days: int = 7,
    provider: IntensityProvider | None = None,
    tables: WindowCache | None = None,
    cycles: list[DetectedCycle] | None = None,
) -> list[Action]:
    """One ``shift-detected-<HH>`` action per undeclared recurring cycle with a better start
    (``cycles``: the household's recurring cycles when already found)."""
    provider = provider or OfflineProvider()
    table = window_tables(household, first_day, n_days, provider, tables)
    seen = household_cycles(household, profile, cycles)
    wanted = [
        (
            Appliance("detected", cycle.days_per_week, time(cycle.start_hour)),
            _spec(profile, cycle),
            (cycle.start_hour * 2, SEEN),
            cycle.days_per_week * 52.0,
        )
        for cycle in seen
    ]
    actions = []
    for cycle, (_, spec, _, cycles_per_year), found in zip(
        seen, wanted, planned_shifts(household, wanted, table), strict=True
    ):
        if found is None:
            continue
        plan, savings, per_cycle = found
        start, usual = slot_time(plan.best_slot), slot_time(plan.usual_slot)
        explanation = (
            f"Your meter shows a load of about {cycle.kwh:.1f} kWh "
            f"({cycle.kwh_p10:.1f}-{cycle.kwh_p90:.1f}) starting around {usual} on "
            f"{cycle.days_per_week:.0f} days a week over the last {cycle.weeks:.0f} weeks; we do "
            f"not know which appliance it is. If it can wait, starting it at {start} runs it on "
            f"electricity forecast at {plan.best_g_per_kwh:.0f} instead of "
            f"{plan.usual_g_per_kwh:.0f} g CO2/kWh, saving about "
            f"{per_cycle_gains(per_cycle, household.tariff.currency)} each time, "
            f"{savings.kg_co2e_per_year:.0f} kg a year."
        )
        actions.append(
            Action(
                id=f"shift-detected-{cycle.start_hour:02d}",
                kind="shift_appliance",
                title=f"Move the {usual} load your meter shows to {start}",
                savings=savings,
                explanation=explanation,
                schedule=plan.schedule,
                sources=shift_sources(household, spec, provider),
                details={
                    **plan_details(household, plan, spec, per_cycle, cycles_per_year),
                    "topic": "detected_cycle",
                    "confidence": "low: the appliance is inferred from the meter, not declared",
                    "days_per_week": cycle.days_per_week,
                    "occurrences": cycle.n_occurrences,
                    "weeks_of_readings": cycle.weeks,
                    "kwh_per_cycle_p10": cycle.kwh_p10,
                    "kwh_per_cycle_p90": cycle.kwh_p90,
                    "ev_like": cycle.ev_like,
                },
            )
        )
    return actions


def _spec(profile: LoadProfile, cycle: DetectedCycle) -> CycleSpec:
    # the last reading: the last year's latest (no second pass over the whole history)
    last = pd.DatetimeIndex(profile.last_year_kwh.index).max()
    return CycleSpec(
        kind=f"load seen at {cycle.start_hour:02d}:00",
        kwh_low=math.floor(cycle.kwh_p10 * 100) / 100,  # 2 decimals, range kept
        kwh_typical=cycle.kwh,
        kwh_high=math.ceil(cycle.kwh_p90 * 100) / 100,
        cycle_hours=float(cycle.cycle_hours),
        flexible=True,
        source=(
            f"your meter: {cycle.n_occurrences} occurrences in the last {cycle.weeks:.0f} "
            "weeks of readings, P10-P90"
        ),
        year=int(last.year),
        status="measured",
    )
