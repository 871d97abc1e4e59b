"""Offline benchmark of the ranker on the SIMULATED population (recommender/ranking/simulate.py).

For each seed: train the likelihood model on 1,200 simulated households' replayed feedback, give
800 fresh simulated households three rounds of random advice (their history), then rank what is
left for each of them with the learned ranker and the baselines (raw savings; a fixed expert
order; and, as a ceiling, the oracle that knows the simulated true likelihood), and draw from the
simulated behaviour rules which actions each household adopts. Prints NDCG@5 and realised
savings@5 (kg CO2e a year per household) with mean +- sd over seeds, the learned ranker's margin
over raw savings, and the calibration of the likelihoods (ECE and a text reliability curve).

The behaviour rules are assumptions, so these figures say how the ranker does IF people behave as
simulated, nothing more.

Run: python benchmarks/ranking.py [--seeds 5] [--households 800]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from recommender.ranking import rank_actions, simulate, train_likelihood_model
from recommender.ranking.evaluate import (
    expected_calibration_error,
    reliability_table,
    replay,
)

BASELINE = "raw savings"
LEARNED = "learned, carbon only"


def mean_sd(values: list[float]) -> str:
    arr = np.asarray(values, dtype=float)
    return f"{arr.mean():8.3f} +- {arr.std(ddof=1) if len(arr) > 1 else 0.0:6.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--households", type=int, default=800)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of history before ranking")
    args = parser.parse_args()
    started = time.perf_counter()
    results = []
    for seed in range(args.seeds):
        t0 = time.perf_counter()
        model = train_likelihood_model(None, random_state=seed)
        result = replay(seed, n_test=args.households, history_rounds=args.rounds, model=model)
        results.append(result)
        print(
            f"seed {seed}: {result.households} households ranked, {result.api_checked} also "
            f"through rank_actions (same order), model trained on {result.training_rows} "
            f"simulated impressions, {time.perf_counter() - t0:.1f} s"
        )
    methods = list(results[0].realised_kg_at_5)
    print(f"\nSIMULATED population, {args.seeds} seeds, top 5, history of {args.rounds} rounds")
    print(f"{'ranker':34s} {'realised kg CO2e/yr @5':>24s} {'NDCG@5':>20s}")
    for m in methods:
        print(
            f"{m:34s} {mean_sd([r.realised_kg_at_5[m] for r in results]):>24s} "
            f"{mean_sd([r.ndcg_at_5[m] for r in results]):>20s}"
        )
    margin = [r.realised_kg_at_5[LEARNED] - r.realised_kg_at_5[BASELINE] for r in results]
    relative = [
        100 * d / r.realised_kg_at_5[BASELINE] for d, r in zip(margin, results, strict=True)
    ]
    ndcg_margin = [r.ndcg_at_5[LEARNED] - r.ndcg_at_5[BASELINE] for r in results]
    wins = sum(d > 0 for d in margin)
    print(f"\nmargin of '{LEARNED}' over '{BASELINE}' (paired by seed):")
    print(
        f"  realised savings@5: {mean_sd(margin)} kg CO2e/yr per household "
        f"({np.mean(relative):+.1f} % +- {np.std(relative, ddof=1):.1f} %), "
        f"ahead in {wins} of {len(margin)} seeds"
    )
    print(f"  NDCG@5:             {mean_sd(ndcg_margin)}")
    p = np.concatenate([r.likelihood for r in results])
    y = np.concatenate([r.adopted for r in results])
    truth = np.concatenate([r.true_probability for r in results])
    eces = [expected_calibration_error(r.likelihood, r.adopted) for r in results]
    print(f"\ncalibration of the likelihoods on {len(p):,} held-out simulated candidates:")
    print(
        f"  ECE (10 bins) per seed: {mean_sd(eces)}; pooled {expected_calibration_error(p, y):.4f}"
    )
    print(f"  mean |likelihood - simulated true probability|: {np.mean(np.abs(p - truth)):.4f}")
    print("  reliability curve (pooled):  bin      n  predicted observed")
    table = reliability_table(p, y)
    for label, row in table.iterrows():
        bar = "#" * int(round(40 * row["observed"]))
        mark = int(round(40 * row["predicted"]))
        bar = (bar + " " * 41)[:41]
        bar = bar[:mark] + "|" + bar[mark + 1 :]
        print(
            f"  {label:>27s} {int(row['count']):6d}  {row['predicted']:.3f}    "
            f"{row['observed']:.3f}  {bar}"
        )
    print("  (# = observed rate, | = mean predicted, 40 characters = 1.0)")
    household, actions = simulate.to_domain(
        simulate.simulate_population(50, random_state=99), "sim-99-00000", 0
    )
    timings = []
    for _ in range(21):
        t0 = time.perf_counter()
        rank_actions(actions, household, model=model)
        timings.append(time.perf_counter() - t0)
    print(
        f"\nrank_actions on {len(actions)} actions (with explanations): median "
        f"{1000 * np.median(timings):.1f} ms over {len(timings)} calls"
    )
    print(f"\ntotal {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
