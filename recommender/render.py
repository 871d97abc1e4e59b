"""Plain-text rendering of an answer, for the terminal (``greenrec recommend``/``demo``).

Figures are for reading: significant figures with SI prefixes (a 4.9e-7 kWh footprint prints as
490 µWh, not 0.000 Wh), money in one style (``£57``; ``-`` where not counted: a gas saving),
the home meter's and transport energy in separate columns (a litre of petrol saved is not a kWh
off the meter; a gas meter's kWh are marked ``gas``), titles wrapped, not cut.
The JSON answer keeps the numbers themselves.
"""

from __future__ import annotations

import textwrap

from recommender.domain import Action, Footprint, Recommendation
from recommender.forecast.age import horizon_words
from recommender.quantities import energy_text, mass_text, money_text, range_text, significant

TITLE_WIDTH = 40
_HEADER = (
    f"{'#':>2}  {'action':{TITLE_WIDTH}s} {'kg CO2e/yr':>14s} {'money/yr':>9s} "
    f"{'home kWh/yr':>11s} {'travel kWh/yr':>13s} {'p':>5s}"
)


def _footprint_line(label: str, fp: Footprint | None) -> str:
    """One line: energy, emissions with range, and how they were measured (full method in JSON)."""
    if fp is None:
        return f"{label}: not measured"
    grid = fp.details.get("grid") or {}
    region = grid.get("region") or (
        "region not given, so the world average (retrain with `greenrec train --region CC`, "
        "CC the ISO code of where this machine runs)"
    )
    how = f"{fp.details.get('power_source', 'see JSON for the method')}, grid {region}"
    return (
        f"{label}: {energy_text(fp.energy_kwh)}, {mass_text(fp.kg_co2e)} CO2e "
        f"(range {range_text(fp.kg_co2e_low, fp.kg_co2e_high, mass_text)}; {how})"
    )


def _action_lines(action: Action, width: int) -> list[str]:
    s = action.savings
    whole = range_text(s.kg_co2e_per_year_p10, s.kg_co2e_per_year_p90, lambda x: f"{x:.0f}")
    kg = f"{s.kg_co2e_per_year:.0f} ({whole})"
    # the home column holds the meter's fuel (gas marked as such), the travel column transport
    home = {"electricity": f"{s.kwh_per_year:.0f}", "gas": f"{s.kwh_per_year:.0f} gas"}
    electricity = home.get(s.energy, "")
    travel = f"{s.kwh_per_year:.0f}" if s.energy == "transport" else ""
    money = money_text(s.money_per_year, s.currency) if s.money_counted else "-"
    title = textwrap.wrap(action.title, TITLE_WIDTH) or [""]
    lines = [
        f"{action.rank:>2}  {title[0]:{TITLE_WIDTH}s} {kg:>14s} "
        f"{money:>9s} {electricity:>11s} {travel:>13s} "
        f"{action.likelihood:>5.2f}"
    ]
    lines += [f"    {more}" for more in title[1:]]
    lines += textwrap.wrap(
        action.explanation, width=width, initial_indent="    ", subsequent_indent="    "
    )
    return lines


def _payback_line(answer: Recommendation) -> str | None:
    m = answer.model
    if m.carbon_payback is None:
        return None
    high = (
        "no finite upper bound"
        if m.carbon_payback_high is None
        else significant(m.carbon_payback_high)
    )
    return (
        f"Carbon payback: the advice above is expected to save {significant(m.carbon_payback)} "
        f"times what training the models emitted (range {significant(m.carbon_payback_low or 0)} "
        f"to {high}), every year it is followed; each action counted at its likelihood."
    )


def render_table(answer: Recommendation, width: int = 100) -> str:
    """The ranked actions with savings and ranges, the forecast and the model's footprint."""
    f = answer.forecast
    lines = [
        f"Household {answer.household_id}",
        f"Forecast: {f.annual_kwh:,.0f} kWh/year "
        f"(P10-P90 {range_text(f.annual_kwh_p10, f.annual_kwh_p90, lambda x: f'{x:,.0f}')}); "
        f"next {horizon_words(f.horizon)}: {sum(f.kwh):.1f} kWh",
        "",
        _HEADER,
    ]
    for action in answer.actions:
        lines += _action_lines(action, width)
    lines.append("")
    for text in (
        _footprint_line("Model training footprint", answer.model.training_footprint),
        _footprint_line("This answer's footprint", answer.model.inference_footprint),
        _payback_line(answer),
    ):
        lines += textwrap.wrap(text or "", width=width, subsequent_indent="    ")
    lines += [f"warning: {warning}" for warning in answer.warnings]
    # the forecast's own (as scores.parquet's warnings column marks them)
    lines += [f"warning: forecast: {warning}" for warning in f.warnings]
    return "\n".join(lines)
