"""Ranking CPU per household: a chunk of one and a chunk of 64, the single path and the chunk path.

The inputs are what the service hands the ranker: for the bundled sample household (OpenEEmeter's
real UK meter 0, last year of hourly readings, its documented assumed appliances and trips) and
synthetic households (``recommender.synth``: real meters' daily shapes, 56 days, trips), the home
and travel actions are built once with the loaded models (forecast, ``home_actions``,
``travel_report``); only the ranking is timed.

Every second household gets a SIMULATED feedback history on its own actions (no real feedback
data exists in data/): its first action shown twice and dismissed twice, its second shown once and
accepted, its third shown three times. That exercises the history features, demotion, the
"accepted" rule and conflicts as a real history would.

Figures are CPU time of this process (``time.process_time``; the machine is shared, so wall time
would measure the neighbours), the median of ``--repeats`` runs, per household:

- chunk of 1: ``rank_actions`` on each household alone;
- chunk of 64: one ``rank_actions_many`` call on the 64 households (on a checkout without it, a
  loop of ``rank_actions``, which is what "before" means).

    cd benchmarks && python ranking_chunk.py --models-dir DIR [--repeats 15]
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from _models import models_or_train  # benchmarks/_models.py (scripts run from benchmarks/)
from _timing import median_cpu_ms  # benchmarks/_timing.py (scripts run from benchmarks/)

from recommender.actions.home import home_actions
from recommender.actions.travel import travel_report
from recommender.forecast import forecast_household
from recommender.io import parse_household, read_tables
from recommender.ranking import rank_actions
from recommender.samples import sample_household_payload
from recommender.service import load_models
from recommender.synth import write_population

# The chunk path; a checkout from before it has none and loops (the "before" figures).
rank_actions_many = getattr(
    importlib.import_module("recommender.ranking"), "rank_actions_many", None
)

CHUNK = 64
TARGET_CHUNK_MS = 5.0  # per household in a chunk of 64 (issue 13: "well under")
SAMPLE_NOW = pd.Timestamp("2022-12-20T12:00:00Z")
SYNTH_NOW = pd.Timestamp("2024-02-05T12:00:00Z")


def simulated_history(actions: list[Any]) -> dict[str, dict[str, int]]:
    """The SIMULATED history described in the module docstring."""
    pattern = [(2, 0, 2), (1, 1, 0), (3, 0, 0)]  # (shown, accepted, dismissed)
    return {
        a.id: {"shown": shown, "accepted": accepted, "dismissed": dismissed, "done": 0}
        for a, (shown, accepted, dismissed) in zip(actions, pattern, strict=False)
    }


def ranking_inputs(models: Any, n_households: int, scratch: Path) -> list[tuple[Any, Any, Any]]:
    """``(actions, household, history)`` of the sample household and synthetic ones."""
    sample = parse_household(sample_household_payload())
    homes = [(sample, SAMPLE_NOW)]
    paths = write_population(scratch / "population", n_households - 1, days=56, seed=3)
    batch = read_tables(paths["households"], paths["readings"], paths["trips"])
    homes += [(home, SYNTH_NOW) for home in batch.households]
    items = []
    for n, (home, now) in enumerate(homes):
        forecast = forecast_household(models.forecaster, home)
        travel = travel_report(home, mode_choice=models.mode_choice)
        actions = [*home_actions(home, forecast, now=now), *travel.actions]
        history = simulated_history(actions) if n % 2 else None
        items.append((actions, home, history))
    return items


def single(item: tuple[Any, Any, Any], model: Any) -> Callable[[], Any]:
    actions, household, history = item
    return lambda: rank_actions(actions, household, model=model, history=history)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models-dir", default=None)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        models = load_models(models_or_train(args.models_dir, Path(scratch)))
        items = ranking_inputs(models, CHUNK, Path(scratch))
    model = models.likelihood
    n_actions = sum(len(actions) for actions, _, _ in items)
    print(f"{len(items)} households, {n_actions} candidate actions")
    for item in items[:2]:  # warm-up (imports, first-call caches)
        single(item, model)()
    alone = [median_cpu_ms(single(item, model), args.repeats) for item in items]
    print(
        f"chunk of 1 (rank_actions):       median {statistics.median(alone):6.2f} CPU-ms per "
        f"household (sample household {alone[0]:.2f}, min {min(alone):.2f}, max {max(alone):.2f})"
    )
    if rank_actions_many is None:
        label = "loop of rank_actions, no chunk path"
        whole = median_cpu_ms(lambda: [single(item, model)() for item in items], args.repeats)
    else:
        label = "rank_actions_many"
        whole = median_cpu_ms(lambda: rank_actions_many(items, model=model), args.repeats)
    per_household = whole / len(items)
    verdict = "met" if per_household < TARGET_CHUNK_MS else "NOT met"
    print(
        f"chunk of {len(items)} ({label}): {per_household:6.2f} CPU-ms per household "
        f"(target < {TARGET_CHUNK_MS:.1f}: {verdict})"
    )


if __name__ == "__main__":
    main()
