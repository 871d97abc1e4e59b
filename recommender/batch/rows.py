"""Flat rows of the batch output: one per scored household, per ranked action, per problem.

The three output tables of :func:`recommender.batch.score_tables` carry the names of the
answer in docs/product.md, flattened (``savings.kg_co2e_per_year`` becomes the column
``kg_co2e_per_year``).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from recommender.domain import ENERGIES, Recommendation
from recommender.errors import InvalidInput

SAVINGS_FIELDS = (
    "kwh_per_year",
    "kwh_per_year_p10",
    "kwh_per_year_p90",
    "kg_co2e_per_year",
    "kg_co2e_per_year_p10",
    "kg_co2e_per_year_p90",
    "money_per_year",
    "money_per_year_p10",
    "money_per_year_p90",
)

SCORES_SCHEMA = pa.schema(
    [
        ("household_id", pa.string()),
        ("annual_kwh", pa.float64()),
        ("annual_kwh_p10", pa.float64()),
        ("annual_kwh_p90", pa.float64()),
        ("n_actions", pa.int64()),
        # kWh of different energies are never added: one total per energy of the actions shown
        *[(f"top_{energy}_kwh_per_year", pa.float64()) for energy in ENERGIES],
        ("top_kg_co2e_per_year", pa.float64()),
        ("top_money_per_year", pa.float64()),  # NaN when the actions' currencies differ
        ("currency", pa.string()),  # "GBP", or "mixed: EUR,GBP"
        ("top_action_ids", pa.string()),  # comma-separated, rank order
        ("n_warnings", pa.int64()),
        ("warnings", pa.string()),  # " | "-separated
        ("model_version", pa.string()),
    ]
)

ACTIONS_SCHEMA = pa.schema(
    [
        ("household_id", pa.string()),
        ("rank", pa.int64()),
        ("id", pa.string()),
        ("kind", pa.string()),
        ("title", pa.string()),
        *[(name, pa.float64()) for name in SAVINGS_FIELDS],
        ("currency", pa.string()),
        ("energy", pa.string()),  # what kwh_per_year measures: electricity, gas or transport
        ("extra_minutes_per_year", pa.float64()),
        ("likelihood", pa.float64()),
        ("schedule_start", pa.string()),
        ("schedule_end", pa.string()),
        ("explanation", pa.string()),
    ]
)

FAILURE_COLUMNS = ("household_id", "stage", "error", "where", "problem", "expected")


def score_row(rec: Recommendation) -> dict[str, Any]:
    """One row of ``scores.parquet`` for a recommendation (totals over the actions shown). Its
    warnings are the answer's and its forecast's (``forecast: ...``: a level shift, no
    temperatures, a gas meter's screening), as a data team reads them in one column."""
    actions = rec.actions
    warnings = (*rec.warnings, *(f"forecast: {w}" for w in rec.forecast.warnings))
    currencies = sorted({a.savings.currency for a in actions})
    same_currency = len(currencies) <= 1
    return {
        "household_id": rec.household_id,
        "annual_kwh": float(rec.forecast.annual_kwh),
        "annual_kwh_p10": float(rec.forecast.annual_kwh_p10),
        "annual_kwh_p90": float(rec.forecast.annual_kwh_p90),
        "n_actions": len(actions),
        **{
            f"top_{energy}_kwh_per_year": float(
                sum(a.savings.kwh_per_year for a in actions if a.savings.energy == energy)
            )
            for energy in ENERGIES
        },
        "top_kg_co2e_per_year": float(sum(a.savings.kg_co2e_per_year for a in actions)),
        "top_money_per_year": (
            float(sum(a.savings.money_per_year for a in actions)) if same_currency else float("nan")
        ),
        "currency": (currencies[0] if currencies else None)
        if same_currency
        else "mixed: " + ",".join(currencies),
        "top_action_ids": ",".join(a.id for a in actions),
        "n_warnings": len(warnings),
        "warnings": " | ".join(warnings),
        "model_version": rec.model.version,
    }


def action_rows(rec: Recommendation) -> list[dict[str, Any]]:
    """Rows of ``actions.parquet``: one per ranked action of the recommendation."""
    rows = []
    for a in rec.actions:
        schedule = a.schedule or {}
        row: dict[str, Any] = {
            "household_id": rec.household_id,
            "rank": a.rank,
            "id": a.id,
            "kind": a.kind,
            "title": a.title,
        }
        row.update({name: float(getattr(a.savings, name)) for name in SAVINGS_FIELDS})
        row.update(
            currency=a.savings.currency,
            energy=a.savings.energy,
            extra_minutes_per_year=float(a.savings.extra_minutes_per_year),
            likelihood=float(a.likelihood),
            schedule_start=schedule.get("start"),
            schedule_end=schedule.get("end"),
            explanation=a.explanation,
        )
        rows.append(row)
    return rows


def failure_rows(household_id: str, error: BaseException, stage: str) -> list[dict[str, str]]:
    """Rows of ``failures.csv``: one per problem of an :class:`InvalidInput`, else one row."""
    name = type(error).__name__
    if isinstance(error, InvalidInput):
        return [
            {
                "household_id": household_id,
                "stage": stage,
                "error": name,
                "where": p.where,
                "problem": p.problem,
                "expected": p.expected,
            }
            for p in error.problems
        ]
    return [
        {
            "household_id": household_id,
            "stage": stage,
            "error": name,
            "where": "engine",
            "problem": str(error),
            "expected": "",
        }
    ]
