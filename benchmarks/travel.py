"""Travel benchmark: prints measured figures (medians), asserts nothing.

    python benchmarks/travel.py [--households 40] [--feature-households 2000] [--repeats 3]

1. cold-start mode-choice training time (simulated population, rules in
   recommender/actions/travel/mode_choice.py);
2. the model against the simulated truth on fresh simulated journeys: log-loss of the model, of the
   true simulated probabilities (the best possible) and of the base rate; AUC; expected calibration
   error over 10 bins;
3. TripFeatures throughput over the synthetic trips table of recommender.synth (its assumptions are
   written in recommender/synth/trips.py; no open travel diary exists);
4. travel_report per household over synthetic households: median and P90 milliseconds, actions per
   household, and how often each alternative is offered.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter

import numpy as np
import pandas as pd
from sklearn.metrics import log_loss, roc_auc_score

from recommender.actions.travel import train_mode_choice, travel_report
from recommender.actions.travel.mode_choice import (
    likelihood,
    simulate_population,
    simulated_utility,
)
from recommender.actions.travel.profile import TripFeatures
from recommender.domain import Household, Preferences, Tariff, Trip
from recommender.synth.trips import synthetic_trips

START = "2024-03-04T00:00:00Z"
DAYS = 28


def timed(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    edges = np.quantile(p, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    return float(
        sum(
            abs(y[which == b].mean() - p[which == b].mean()) * (which == b).mean()
            for b in range(bins)
            if (which == b).any()
        )
    )


def households_from(trips: pd.DataFrame, n: int) -> list[Household]:
    idx = pd.date_range("2024-01-01", "2024-12-31", freq="D", tz="UTC")
    readings = pd.Series(8.0, index=idx)  # only the span is used by the travel code
    out = []
    for hid, group in list(trips.groupby("household_id", sort=True))[:n]:
        legs = tuple(
            Trip(pd.Timestamp(r.start), float(r.distance_km), r.mode, r.purpose, int(r.passengers))
            for r in group.itertuples()
        )
        out.append(
            Household(
                str(hid),
                "GB",
                "Europe/London",
                Tariff("flat", "GBP", 0.245),
                readings,
                trips=legs,
                preferences=Preferences(),
                reading_interval_minutes=1440,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=40)
    parser.add_argument("--feature-households", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    seconds, model = timed(lambda: train_mode_choice(random_state=0), args.repeats)
    X, _ = simulate_population(3000, 0)
    print(
        f"mode-choice training: {seconds:.2f} s median of {args.repeats} "
        f"({len(X):,} simulated rows)"
    )

    X, y = simulate_population(5000, random_state=11)
    p = likelihood(model, X)
    truth = 1 / (1 + np.exp(-simulated_utility(X)))
    print(
        f"fresh simulated rows {len(y):,}: log-loss model {log_loss(y, p):.4f}, "
        f"simulated truth {log_loss(y, truth):.4f}, "
        f"base rate {log_loss(y, np.full(len(y), y.mean())):.4f}; "
        f"AUC model {roc_auc_score(y, p):.3f} (truth {roc_auc_score(y, truth):.3f}); "
        f"calibration error {calibration_error(y, p):.4f}"
    )

    trips = synthetic_trips(args.feature_households, START, DAYS, seed=0)
    seconds, features = timed(lambda: TripFeatures().fit_transform(trips), args.repeats)
    print(
        f"TripFeatures: {len(trips):,} trips of {len(features):,} households "
        f"in {seconds:.2f} s median "
        f"({len(trips) / seconds:,.0f} trips/s); mean short-car-trip share "
        f"{features['short_car_trip_share'].mean():.2f}, mean car km/year "
        f"{features.filter(like='km_per_year_car').sum(axis=1).mean():,.0f}"
    )

    households = households_from(trips, args.households)
    travel_report(households[0], mode_choice=model)  # warm caches
    per_household, n_actions, offered = [], [], Counter()
    for h in households:
        t = time.perf_counter()
        report = travel_report(h, mode_choice=model)
        per_household.append(time.perf_counter() - t)
        n_actions.append(len(report.actions))
        offered.update(a.details.get("alternative", {}).get("mode", a.kind) for a in report.actions)
    ms = np.array(per_household) * 1000
    print(
        f"travel_report over {len(households)} synthetic households: "
        f"median {np.median(ms):.0f} ms, P90 {np.percentile(ms, 90):.0f} ms; "
        f"actions per household median {np.median(n_actions):.0f}"
    )
    print("alternatives offered: " + ", ".join(f"{k} {v}" for k, v in offered.most_common()))


if __name__ == "__main__":
    main()
