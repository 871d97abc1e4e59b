"""Plain-text rendering of an answer, for the terminal (``greenrec recommend``/``demo``)."""

from __future__ import annotations

import textwrap

from recommender.domain import Footprint, Recommendation


def _range(low: float, high: float, fmt: str = "{:.0f}") -> str:
    return f"{fmt.format(low)}-{fmt.format(high)}"


def _footprint_line(label: str, fp: Footprint | None) -> str:
    """One line: energy, emissions with range, and how they were measured (full method in JSON)."""
    if fp is None:
        return f"{label}: not measured"
    grid = fp.details.get("grid") or {}
    region = grid.get("region") or "region not given (world average; set --region)"
    how = f"{fp.details.get('power_source', 'see JSON for the method')}, grid {region}"
    return (
        f"{label}: {fp.energy_kwh * 1000:.3f} Wh, {fp.kg_co2e * 1000:.3f} g CO2e "
        f"(range {_range(fp.kg_co2e_low * 1000, fp.kg_co2e_high * 1000, '{:.3f}')} g; {how})"
    )


def render_table(answer: Recommendation, width: int = 100) -> str:
    """The ranked actions with savings and ranges, the forecast and the model's footprint."""
    f = answer.forecast
    lines = [
        f"Household {answer.household_id}",
        f"Forecast: {f.annual_kwh:,.0f} kWh/year "
        f"(P10-P90 {_range(f.annual_kwh_p10, f.annual_kwh_p90, '{:,.0f}')}); next "
        f"{len(f.kwh)} h: {sum(f.kwh):.1f} kWh",
        "",
        f"{'#':>2}  {'action':44s} {'kg CO2e/yr':>16s} {'money/yr':>16s} {'kWh/yr':>8s} {'p':>5s}",
    ]
    for action in answer.actions:
        s = action.savings
        kg = f"{s.kg_co2e_per_year:.0f} ({_range(s.kg_co2e_per_year_p10, s.kg_co2e_per_year_p90)})"
        money = f"{s.money_per_year:.0f} {s.currency}"
        lines.append(
            f"{action.rank:>2}  {action.title[:44]:44s} {kg:>16s} {money:>16s} "
            f"{s.kwh_per_year:>8.0f} {action.likelihood:>5.2f}"
        )
        lines.extend(
            textwrap.wrap(
                action.explanation, width=width, initial_indent="    ", subsequent_indent="    "
            )
        )
    lines.append("")
    lines.append(_footprint_line("Model training footprint", answer.model.training_footprint))
    lines.append(_footprint_line("This answer's footprint", answer.model.inference_footprint))
    if answer.model.carbon_payback is not None:
        lines.append(
            f"Carbon payback: the advice above saves {answer.model.carbon_payback:,.0f} times "
            "what training the models emitted, every year it is followed."
        )
    for warning in answer.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)
