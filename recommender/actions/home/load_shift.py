"""Shift actions: one :class:`Action` per flexible appliance the household has."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import cast

import numpy as np
import pandas as pd

from recommender.actions.home.factors import CycleSpec, cycle_specs
from recommender.actions.home.plan import ShiftPlan, plan_shifts
from recommender.actions.home.savings import (
    energy_draws,
    energy_range,
    money,
    product_ranges_many,
)
from recommender.actions.home.shift import (
    WindowCache,
    WindowTable,
    cycle_slots,
    slot_of,
    slot_time,
    window_table,
)
from recommender.domain import Action, Appliance, Household, Savings
from recommender.grid.providers import IntensityProvider, OfflineProvider

LABELS = {
    "dishwasher": "dishwasher",
    "washing_machine": "washing machine",
    "tumble_dryer": "tumble dryer",
    "ev_charger": "EV charging",
}


def usual_start(appliance: Appliance, peak_hour: int | None) -> tuple[int, str] | None:
    """The usual start slot and where it comes from (the household, or the peak hour of its
    electricity meter); None without either (a gas or a daily meter shows no electricity peak)."""
    if appliance.usual_start is not None:
        return slot_of(appliance.usual_start), "the usual time you gave"
    if peak_hour is None:
        return None
    return peak_hour * 2, f"assumed: your meter's daily peak is at {peak_hour:02d}:00"


def shift_savings_many(
    plans: Sequence[tuple[ShiftPlan, CycleSpec, float]], currency: str
) -> list[tuple[Savings, dict[str, float]]]:
    """Per-year savings with P10-P90, and the per-cycle figures, of each (plan, spec, cycles a
    year), their carbon ranges drawn in one call (:func:`~.savings.product_ranges_many`: each as
    alone).

    Carbon range: cycle energy (triangular over the published low-high) x intensity gap (normal,
    the forecast's error). Per cycle the full error counts; per year the errors of different days
    are taken as independent (sd / sqrt(cycles)), the energy range as the same all year.
    """
    if not plans:
        return []
    ranges = product_ranges_many(
        [energy_draws(spec.kwh_low, spec.kwh_typical, spec.kwh_high) for _, spec, _ in plans],
        [plan.usual_g_per_kwh - plan.best_g_per_kwh for plan, _, _ in plans],
        # per cycle the full error, per year the error of a mean of n days
        [
            (plan.delta_error_g_per_kwh, plan.delta_error_g_per_kwh / np.sqrt(max(cycles, 1.0)))
            for plan, _, cycles in plans
        ],
    )
    return [
        _savings(plan, spec, cycles, currency, *found)
        for (plan, spec, cycles), found in zip(plans, ranges, strict=True)
    ]


def _savings(
    plan: ShiftPlan,
    spec: CycleSpec,
    cycles_per_year: float,
    currency: str,
    cycle_range: tuple[float, float],
    year_range: tuple[float, float],
) -> tuple[Savings, dict[str, float]]:
    """:func:`shift_savings_many`'s figures of one plan whose carbon ranges (per cycle, per
    year) are drawn."""
    delta = plan.usual_g_per_kwh - plan.best_g_per_kwh
    kg_cycle = spec.kwh_typical * delta / 1000.0
    kg_cycle_p10, kg_cycle_p90 = (v / 1000.0 for v in cycle_range)
    kg_year_p10, kg_year_p90 = (v * cycles_per_year / 1000.0 for v in year_range)
    price_gap = plan.usual_price_per_kwh - plan.best_price_per_kwh
    price_gap = price_gap if abs(price_gap) > 1e-9 else 0.0  # flat tariff: cumulative-sum noise
    e_p10, e_p90 = energy_range(spec.kwh_low, spec.kwh_typical, spec.kwh_high)
    savings = Savings(
        kwh_per_year=0.0,
        kg_co2e_per_year=kg_cycle * cycles_per_year,
        money_per_year=spec.kwh_typical * price_gap * cycles_per_year,
        currency=currency,
        kwh_per_year_p10=0.0,
        kwh_per_year_p90=0.0,
        kg_co2e_per_year_p10=kg_year_p10,
        kg_co2e_per_year_p90=kg_year_p90,
        money_per_year_p10=float(e_p10) * price_gap * cycles_per_year,
        money_per_year_p90=float(e_p90) * price_gap * cycles_per_year,
    )
    per_cycle = {
        "kg_co2e_per_cycle": kg_cycle,
        "kg_co2e_per_cycle_p10": kg_cycle_p10,
        "kg_co2e_per_cycle_p90": kg_cycle_p90,
        "money_per_cycle": spec.kwh_typical * price_gap,
        "kwh_per_cycle": spec.kwh_typical,
    }
    return savings, per_cycle


def window_tables(
    household: Household,
    first_day: pd.Timestamp,
    n_days: int,
    provider: IntensityProvider,
    tables: WindowCache | None = None,
) -> Callable[[int], WindowTable]:
    """``table(n_slots)``: the candidate windows for a cycle of ``n_slots`` half-hours, their
    parts built once and shared through ``tables`` (by the shifts of a household, and by the
    households of a chunk: see :func:`window_table`)."""
    cache: WindowCache = {} if tables is None else tables

    def table(n_slots: int) -> WindowTable:
        return window_table(household, n_slots, first_day, n_days, provider, cache)

    return table


def planned_shift(
    household: Household,
    appliance: Appliance,
    spec: CycleSpec,
    table: Callable[[int], WindowTable],
    usual: tuple[int, str],
    cycles_per_year: float,
) -> tuple[ShiftPlan, Savings, dict[str, float]] | None:
    """The best start for one cycle and what it saves, or None when nothing beats the usual start
    (the same start, or no saving in carbon nor money)."""
    (found,) = planned_shifts(household, [(appliance, spec, usual, cycles_per_year)], table)
    return found


def planned_shifts(
    household: Household,
    wanted: Sequence[tuple[Appliance, CycleSpec, tuple[int, str], float]],
    table: Callable[[int], WindowTable],
) -> list[tuple[ShiftPlan, Savings, dict[str, float]] | None]:
    """:func:`planned_shift` of each (appliance, spec, usual start, cycles a year) of a
    household: the starts of all chosen at once (:func:`~.plan.plan_shifts`), the savings of
    those that move drawn at once (:func:`shift_savings_many`), each as alone."""
    lengths = [cycle_slots(spec.cycle_hours) for _, spec, _, _ in wanted]
    plans = plan_shifts(
        household,
        [
            (appliance, table(n_slots), n_slots, *usual)
            for (appliance, _, usual, _), n_slots in zip(wanted, lengths, strict=True)
        ],
    )
    moved = [i for i, p in enumerate(plans) if p is not None and p.best_slot != p.usual_slot]
    found = shift_savings_many(
        [(cast(ShiftPlan, plans[i]), wanted[i][1], wanted[i][3]) for i in moved],
        household.tariff.currency,
    )
    out: list[tuple[ShiftPlan, Savings, dict[str, float]] | None] = [None] * len(wanted)
    for i, (savings, per_cycle) in zip(moved, found, strict=True):
        if savings.kg_co2e_per_year > 0 or savings.money_per_year > 0:
            out[i] = (cast(ShiftPlan, plans[i]), savings, per_cycle)
    return out


def shift_actions(
    household: Household,
    peak_hour: int | None,
    first_day: pd.Timestamp,
    n_days: int = 7,
    provider: IntensityProvider | None = None,
    tables: WindowCache | None = None,
) -> list[Action]:
    """One shift action per flexible appliance with a better start than its usual one (given,
    or else the electricity meter's ``peak_hour``; None: only the appliances with one given)."""
    provider = provider or OfflineProvider()
    table = window_tables(household, first_day, n_days, provider, tables)
    wanted = [
        (appliance, spec, usual, appliance.cycles_per_week * 52.0)
        for appliance, spec, usual in _shiftable(household, peak_hour)
    ]
    return [
        _action(household, appliance, plan, spec, savings, per_cycle, provider)
        for (appliance, spec, _, _), found in zip(
            wanted, planned_shifts(household, wanted, table), strict=True
        )
        if found is not None
        for plan, savings, per_cycle in (found,)
    ]


def unshifted_notes(
    household: Household, peak_hour: int | None, actions: Sequence[Action]
) -> list[str]:
    """Why a flexible appliance the household declared gets no shift: no start in the coming
    days beats its usual one (in carbon or money, inside its quiet hours and ready-by time)."""
    shifted = {a.id for a in actions}
    notes = []
    for appliance, _, usual in _shiftable(household, peak_hour):
        if _action_id(appliance) in shifted:
            continue
        label = LABELS.get(appliance.kind, appliance.kind.replace("_", " "))
        limits = household.preferences.quiet_hours or household.preferences.ready_by
        notes.append(
            f"home: no start in the coming days beats your {label}'s usual "
            f"{slot_time(usual[0])} in carbon or money"
            + (" within your quiet hours and ready-by time" if limits else "")
            + ", so no shift is suggested for it"
        )
    return notes


def _shiftable(
    household: Household, peak_hour: int | None
) -> Iterator[tuple[Appliance, CycleSpec, tuple[int, str]]]:
    """The flexible appliances the household runs, each with its spec and usual start (given,
    or the electricity meter's peak hour; none: left out)."""
    specs = cycle_specs()
    for appliance in household.appliances:
        spec = specs.get(appliance.kind)
        usual = usual_start(appliance, peak_hour)
        if spec is None or not spec.flexible or appliance.cycles_per_week <= 0 or usual is None:
            continue
        yield appliance, spec, usual


def _action_id(appliance: Appliance) -> str:
    return f"shift-{appliance.kind.replace('_', '-')}"


def per_cycle_gains(per_cycle: dict[str, float], currency: str) -> str:
    """ "0.02 kg CO2e and £0.03": what one shifted cycle saves (money only when it is a saving)."""
    gains = [f"{per_cycle['kg_co2e_per_cycle']:.2f} kg CO2e"]
    if per_cycle["money_per_cycle"] > 0.005:
        gains.append(money(per_cycle["money_per_cycle"], currency))
    return " and ".join(gains)


def shift_sources(
    household: Household, spec: CycleSpec, provider: IntensityProvider
) -> tuple[str, ...]:
    """The factors a shift's figures rest on: cycle energy, grid intensity, the tariff."""
    return (
        spec.cite(),
        f"grid intensity: {provider.method(household.region)}; {provider.source(household.region)}",
        f"tariff: {household.tariff.type}, {household.tariff.currency} (the household's own)",
    )


def plan_details(
    household: Household,
    plan: ShiftPlan,
    spec: CycleSpec,
    per_cycle: dict[str, float],
    cycles_per_year: float,
) -> dict[str, object]:
    """The details every shift action carries: the plan's times, intensities, prices, savings."""
    return {
        "usual_start": slot_time(plan.usual_slot),
        "usual_start_source": plan.usual_source,
        "cycle_hours": spec.cycle_hours,
        "usual_g_per_kwh": plan.usual_g_per_kwh,
        "best_g_per_kwh": plan.best_g_per_kwh,
        "usual_price_per_kwh": plan.usual_price_per_kwh,
        "best_price_per_kwh": plan.best_price_per_kwh,
        "carbon_weight": household.preferences.carbon_weight,
        "cycles_per_year": cycles_per_year,
        "next_days": list(plan.next_days),
        **per_cycle,
    }


def _action(
    household: Household,
    appliance: Appliance,
    plan: ShiftPlan,
    spec: CycleSpec,
    savings: Savings,
    per_cycle: dict[str, float],
    provider: IntensityProvider,
) -> Action:
    label = LABELS.get(appliance.kind, appliance.kind.replace("_", " "))
    start, usual = slot_time(plan.best_slot), slot_time(plan.usual_slot)
    explanation = (
        f"Starting your {label} at {start} instead of {usual} ({plan.usual_source}) runs it on "
        f"electricity forecast at {plan.best_g_per_kwh:.0f} instead of "
        f"{plan.usual_g_per_kwh:.0f} g CO2/kWh, saving about "
        f"{per_cycle_gains(per_cycle, household.tariff.currency)} per cycle, "
        f"{savings.kg_co2e_per_year:.0f} kg a year at {appliance.cycles_per_week:g} cycles a week."
    )
    return Action(
        id=_action_id(appliance),
        kind="shift_appliance",
        title=f"Run the {label} at {start}",
        savings=savings,
        explanation=explanation,
        schedule=plan.schedule,
        sources=shift_sources(household, spec, provider),
        details=plan_details(household, plan, spec, per_cycle, appliance.cycles_per_week * 52.0),
    )
