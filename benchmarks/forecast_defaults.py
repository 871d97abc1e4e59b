"""Choose the forecaster's level and fallback defaults on validation splits of the training years.

    python benchmarks/forecast_defaults.py               # ~2 min of CPU
    python benchmarks/forecast_defaults.py --bands-only  # the band calibration's table only

The test periods of benchmarks/forecast.py are never read here. For each bundled meter the
*training* period is split again:

* year-ahead validation: fit on the training period less its last 13 weeks, forecast those 13
  weeks (a season ahead: the longest horizon a single training year leaves room for);
* day-ahead validation: fit on the training period less its last 8 weeks, roll day-ahead
  forecasts over those 8 weeks.

Each candidate setting is scored by its hourly CVRMSE relative to the household's own
hour-of-week profile (year-ahead) and to the best baseline (day-ahead), averaged over the meters;
the score is the mean of the two, and the chosen setting is the first in the preference order of
:data:`GRID` whose score is within :data:`TIE` of the best. The table shows every candidate so
anyone can see how flat or sharp the choice is. Rerun it after changing the model; copy the
chosen values into ``GlobalForecaster``'s defaults by hand (they are not read from here).

A second table chooses the per-household band calibration (:mod:`recommender.forecast.calibration`)
on the same splits, the year-ahead holdout and the day-ahead backtest separately (each touches
only its own bands; the means, hence CVRMSE, do not change). Each candidate's band error is
``|coverage - 80| + |below P50 - 50|`` in points per meter; a candidate is admissible only if no
meter's coverage ends further from 80 % and no meter's below-P50 share further outside 45-55 %
than with the pooled bands (the first row, calibration off: always admissible); among the
admissible, the lowest mean band error wins, ties (:data:`BAND_TIE`) going to the first in
:data:`BAND_GRID`'s order. The backtest is capped at 14 days: each day costs 24 rows of the short
model per household.
"""

from __future__ import annotations

import argparse
import itertools
import statistics

import pandas as pd
from forecast import METERS, load

from recommender.forecast import GlobalForecaster
from recommender.forecast.evaluate import OURS, evaluate_meter

# Each setting's values in order of preference: among the candidates whose score is within TIE of
# the best, the first in this order wins (differences that small are noise on 13 weeks). No profile
# blend first (the simplest); 5 season bins first (the gas correction has no real gas meter to be
# validated on, so it is on by design, and 5 bins keep about ten weeks of hours each, which a
# vacant month does not upset: tests/forecast/test_robustness.py); the shorter half-life first
# (the level follows a household's drift).
GRID = {
    "profile_weight": (0.0, 0.25, 0.5),
    "season_bins": (5, 10, 0),
    "recency_half_life_days": (90.0, 365.0),
}
TIE = 0.0025  # a quarter of a point of relative CVRMSE
# (horizon, setting, prior setting): candidates in order of preference, off first
BAND_GRID = {
    "year-ahead": (
        "band_holdout_weeks",
        "band_holdout_prior_hours",
        (0, 2, 4, 8, 13),
        (1000, 4000),
    ),
    "day-ahead": ("band_backtest_days", "band_backtest_prior_hours", (0, 7, 14), (50, 168, 336)),
}
BAND_TIE = 0.25  # points of mean band error
BELOW_RANGE = (45.0, 55.0)
YEAR_HOLDOUT_DAYS = 13 * 7
DAY_HOLDOUT_DAYS = 8 * 7


def split(train: tuple[str, str], holdout_days: int) -> tuple[tuple[str, str], tuple[str, str]]:
    """(fit dates, validation dates) inside ``train``: the last ``holdout_days`` held out."""
    last = pd.Timestamp(train[1])
    cut = last - pd.Timedelta(days=holdout_days)
    fit = (train[0], str(cut.date()))
    return fit, (str((cut + pd.Timedelta(days=1)).date()), train[1])


def relative(report: dict, baselines: tuple[str, ...]) -> float:
    """Our hourly CVRMSE over the best of ``baselines``'s, minus 1 (negative = better)."""
    ours = report["models"][OURS]["hourly"]["cvrmse_pct"]
    best = min(report["models"][b]["hourly"]["cvrmse_pct"] for b in baselines)
    return ours / best - 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bands-only", action="store_true", help="only the band calibration")
    args = parser.parse_args()
    data = {name: load(name) for name in METERS}
    if not args.bands_only:
        levels(data)
    bands(data)


def levels(data: dict) -> None:
    """The level and fallback table (see the module docstring)."""
    print("== Validation splits of the training years (the test periods are not read) ==")
    for name, (_, _, train, _, _) in data.items():
        print(
            f"  {name:<10} year-ahead fit/validate {split(train, YEAR_HOLDOUT_DAYS)}, "
            f"day-ahead {split(train, DAY_HOLDOUT_DAYS)}"
        )
    header = (
        f"{'settings':<66}{'year vs profile':>16}{'worst meter':>12}{'day vs best':>13}{'score':>8}"
    )
    print(header)
    print("-" * len(header))
    results = []
    for values in itertools.product(*GRID.values()):
        settings = dict(zip(GRID, values, strict=True))
        year, day = [], []
        for kwh, temperature, train, _, zone in data.values():
            fit, held = split(train, YEAR_HOLDOUT_DAYS)
            model = GlobalForecaster(**settings)
            report = evaluate_meter(kwh, temperature, fit, held, "year-ahead", zone, model)
            year.append(relative(report, ("hour-of-week-profile",)))
            fit, held = split(train, DAY_HOLDOUT_DAYS)
            report = evaluate_meter(kwh, temperature, fit, held, "day-ahead", zone, model)
            day.append(relative(report, ("hour-of-week-profile", "same-hour-last-week")))
        score = (statistics.fmean(year) + statistics.fmean(day)) / 2
        results.append((score, settings))
        label = ", ".join(f"{k}={v:g}" for k, v in settings.items())
        print(
            f"{label:<66}{statistics.fmean(year):>+15.1%} {max(year):>+11.1%}"
            f"{statistics.fmean(day):>+13.1%}{score:>+8.1%}",
            flush=True,
        )
    best_score = min(score for score, _ in results)
    chosen = next(settings for score, settings in results if score <= best_score + TIE)
    print(
        f"best score {best_score:+.1%}; chosen (the first in preference order within "
        f"{TIE:.2%} of it): {chosen}"
    )
    print(f"GlobalForecaster defaults now: {_defaults(GRID)}")


def _admissible(figures: list, pooled: list) -> bool:
    """No meter's coverage further from 80 %, nor below-P50 share further outside its range."""
    return all(
        abs(c - 80.0) <= abs(c0 - 80.0) and _outside(b, BELOW_RANGE) <= _outside(b0, BELOW_RANGE)
        for (c, b), (c0, b0) in zip(figures, pooled, strict=True)
    )


def _outside(value: float, bounds: tuple[float, float]) -> float:
    return max(bounds[0] - value, 0.0, value - bounds[1])


def bands(data: dict) -> None:
    """The band calibration's table (see the module docstring)."""
    print("\n== Per-household band calibration (coverage / below P50 % per meter) ==")
    for horizon, (setting, prior, values, priors) in BAND_GRID.items():
        holdout = YEAR_HOLDOUT_DAYS if horizon == "year-ahead" else DAY_HOLDOUT_DAYS
        rows = []
        for value, prior_hours in itertools.product(values, priors):
            if value == 0 and prior_hours != priors[0]:
                continue  # off: the prior does nothing
            params = {setting: value, prior: prior_hours}
            figures = []
            for kwh, temperature, train, _, zone in data.values():
                fit, held = split(train, holdout)
                report = evaluate_meter(
                    kwh, temperature, fit, held, horizon, zone, GlobalForecaster(**params)
                )
                hourly = report["models"][OURS]["hourly"]
                figures.append((hourly["coverage_p10_p90_pct"], hourly["below_p50_pct"]))
            error = statistics.fmean(abs(c - 80.0) + abs(b - 50.0) for c, b in figures)
            rows.append((params, figures, error))
            shown = "  ".join(f"{c:5.1f}/{b:4.1f}" for c, b in figures)
            label = ", ".join(f"{k}={v:g}" for k, v in params.items())
            print(f"{horizon:<11}{label:<58}{shown}  error {error:5.2f}", flush=True)
        pooled = rows[0][1]
        kept = [(params, error) for params, figures, error in rows if _admissible(figures, pooled)]
        best = min(error for _, error in kept)
        chosen = next(params for params, error in kept if error <= best + BAND_TIE)
        print(f"{horizon}: chosen (admissible, lowest band error within {BAND_TIE}): {chosen}")
    names = [name for grid in BAND_GRID.values() for name in grid[:2]]
    print(f"GlobalForecaster defaults now: {_defaults(names)}")


def _defaults(names) -> dict[str, float]:
    params = GlobalForecaster().get_params()
    return {k: params[k] for k in names}


if __name__ == "__main__":
    main()
