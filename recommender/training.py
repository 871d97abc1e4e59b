"""Train every model the service needs, measure what training cost, and save them with cards.

The forecaster learns from the bundled real UK meters; the likelihood and mode-choice models start
from their simulated priors (and the feedback store, when one is given). Each fit runs inside the
footprint meter, so the card records measured wall time, process CPU time and energy/emissions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from recommender import registry
from recommender.domain import to_jsonable
from recommender.footprint import measure
from recommender.io.importers import read_eemeter_meter, read_eemeter_temperature
from recommender.manifest import FORECASTER, LIKELIHOOD, MODE_CHOICE, model_inputs
from recommender.resources import data_path

log = logging.getLogger(__name__)

# The real meters the forecaster trains on (data/README.md): (meter, temperature).
TRAINING_METERS = (
    ("meters/uk-electricity-sample-0.csv.gz", "meters/uk-temperature-sample-0.csv.gz"),
    ("meters/uk-electricity-sample-1.csv.gz", "meters/uk-temperature-sample-1_2.csv.gz"),
)


@dataclass(frozen=True)
class TrainingResult:
    cards: dict[str, registry.ModelCard]


def real_training_meters() -> tuple[list[pd.Series], list[pd.Series | None]]:
    """The bundled real meters as hourly kWh series with their hourly temperatures."""
    from recommender.forecast.data import hourly_kwh

    series: list[pd.Series] = []
    temperatures: list[pd.Series | None] = []
    for meter, temperature in TRAINING_METERS:
        series.append(hourly_kwh(read_eemeter_meter(data_path(meter))))
        temperatures.append(read_eemeter_temperature(data_path(temperature)))
    return series, temperatures


HOLDOUT_DAYS = 28


def forecaster_holdout_metrics(
    series: list[pd.Series], temperatures: list[pd.Series | None], random_state: int = 0
) -> dict[str, Any]:
    """Day-ahead accuracy on each real meter's last 28 days, from a model fitted without them.

    Out of sample, so the card's figures are honest; ``benchmarks/forecast.py`` gives the full
    year-long evaluation against the baselines.
    """
    from recommender.forecast import GlobalForecaster
    from recommender.forecast.evaluate import OURS, evaluate_meter

    metrics: dict[str, Any] = {"holdout": f"last {HOLDOUT_DAYS} days of each meter, day-ahead"}
    for (meter, _), kwh, temperature in zip(TRAINING_METERS, series, temperatures, strict=True):
        local_days = pd.DatetimeIndex(kwh.dropna().index).tz_convert("Europe/London").normalize()
        last = local_days.max()
        cut = last - pd.Timedelta(days=HOLDOUT_DAYS - 1)
        result = evaluate_meter(
            kwh,
            temperature,
            train=(str(local_days.min().date()), str((cut - pd.Timedelta(days=1)).date())),
            test=(str(cut.date()), str(last.date())),
            horizon="day-ahead",
            forecaster=GlobalForecaster(random_state=random_state),
        )
        models = result["models"]
        metrics[Path(meter).name] = {
            "hourly_cvrmse_pct": round(models[OURS]["hourly"]["cvrmse_pct"], 2),
            "daily_cvrmse_pct": round(models[OURS]["daily"]["cvrmse_pct"], 2),
            "coverage_p10_p90_pct": round(models[OURS]["hourly"]["coverage_p10_p90_pct"], 2),
            "baseline_same_hour_last_week_hourly_cvrmse_pct": round(
                models["same-hour-last-week"]["hourly"]["cvrmse_pct"], 2
            ),
        }
    return metrics


def _fit_and_save(
    name: str,
    fit: Any,
    models_dir: Path,
    *,
    training_data: dict[str, Any],
    region: str | None,
    metrics: dict[str, Any] | None = None,
) -> registry.ModelCard:
    with measure(f"train-{name}", region=region) as meter:
        estimator = fit()
    footprint = meter.footprint
    metrics = {**(metrics or {}), **(getattr(estimator, "training_metrics_", {}) or {})}
    training_data = {**training_data, **(getattr(estimator, "training_info_", {}) or {})}
    card = registry.save_model(
        estimator,
        name,
        models_dir,
        training_data=training_data,
        metrics=metrics,
        wall_seconds=footprint.details.get("wall_seconds", 0.0),
        cpu_seconds=footprint.details.get("cpu_seconds", 0.0),
        training_footprint=to_jsonable(footprint),
        inputs=model_inputs(name),
    )
    log.info("trained %s in %.1f s (%s)", name, card.wall_seconds, card.version)
    return card


def train_all(
    models_dir: Path | None = None,
    *,
    region: str | None = None,
    feedback_url: str | None = None,
    random_state: int = 0,
) -> TrainingResult:
    """Train the forecaster, likelihood and mode-choice models and write them to ``models_dir``.

    ``region`` is where the training runs (ISO alpha-2), for the grid intensity of its footprint;
    None records the footprint's energy and names the unknown region instead of guessing one.
    """
    from recommender.actions.travel import train_mode_choice
    from recommender.forecast import train_global_forecaster
    from recommender.ranking import train_likelihood_model

    models_dir = models_dir or registry.default_models_dir()
    series, temperatures = real_training_meters()
    cards = {
        FORECASTER: _fit_and_save(
            FORECASTER,
            lambda: train_global_forecaster(series, temperatures, random_state=random_state),
            models_dir,
            training_data={
                "description": "bundled real UK smart meters (OpenEEmeter samples 0 and 1)",
                "files": [m for m, _ in TRAINING_METERS],
                "hours": int(sum(s.notna().sum() for s in series)),
                "sha256": registry.hash_arrays(*series, *temperatures),
            },
            region=region,
            metrics=forecaster_holdout_metrics(series, temperatures, random_state),
        )
    }
    store = None
    if feedback_url:
        from recommender.feedback import FeedbackStore

        store = FeedbackStore(feedback_url)
    cards[LIKELIHOOD] = _fit_and_save(
        LIKELIHOOD,
        lambda: train_likelihood_model(store, random_state=random_state),
        models_dir,
        training_data={
            "description": "simulated adoption prior"
            + (f" plus feedback events from {feedback_url}" if feedback_url else ""),
        },
        region=region,
    )
    cards[MODE_CHOICE] = _fit_and_save(
        MODE_CHOICE,
        lambda: train_mode_choice(random_state=random_state),
        models_dir,
        training_data={"description": "simulated mode-choice population (rules in the code)"},
        region=region,
    )
    return TrainingResult(cards=cards)
