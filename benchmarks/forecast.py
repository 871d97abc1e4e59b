"""Forecast benchmark: accuracy per real meter against its own baselines and eemeter, and cost.

    python benchmarks/forecast.py                    # ~3 min of CPU, creates the eemeter venv once
    python benchmarks/forecast.py --households 2000  # a smaller speed run
    python benchmarks/forecast.py --no-eemeter       # skip eemeter

Prints tables with each target beside its figure; asserts nothing.

1. Accuracy on three real meters (``data/meters``; local dates in each meter's zone): sample-0
   (UK) train 2020-04-02..2021-04-01, test the next 365 days; sample-1 (UK, half-hourly summed to
   hours) train 2012-10-13..2013-10-12, test 2013-10-13..2014-01-24 (the splits of issue 3);
   hue-1 (British Columbia, no temperature) train 2013-10-01..2014-09-30, test the next 365 days.
   Ours is fitted on the meter's own training period, as ``greenrec evaluate`` does; the defaults
   were chosen on validation splits of the training periods (benchmarks/forecast_defaults.py),
   never on these test periods. Year-ahead: one origin before the test period, actual test
   temperatures where the meter has them. Day-ahead: an origin each local midnight, history
   re-read weekly.
2. eemeter 4.1's hourly model on the same year-ahead splits, run in the same benchmark from its
   own virtual environment (``~/.cache/greenrec/eemeter-venv``, created here on first use with
   pip from PyPI: eemeter needs pandas<3 and scikit-learn<1.6) through
   benchmarks/forecast_eemeter.py, and scored by the same functions as ours. It needs
   temperatures, so it has no figure on hue-1. If it cannot be installed or run, the reason is
   printed instead of a figure.
3. Speed: fit on a sample of a synthetic population (``recommender.synth.meters``, built from the
   real meters' shapes) and forecast every household of it from one year of hourly history (the
   week ahead hourly from the short model, and the year ahead hourly for the annual total with
   P10/P90), amortised per household on one core (one OpenMP thread; process CPU-seconds).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
import venv
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd

from recommender.forecast import GlobalForecaster, forecast_many
from recommender.forecast.data import align_temperature, hourly_kwh, local_date_mask
from recommender.forecast.evaluate import OURS, evaluate_meter, score
from recommender.io.importers import read_eemeter_meter, read_eemeter_temperature
from recommender.synth.meters import synthetic_hourly_kwh

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "meters"
# Outside the checkout (a venv inside it would be scanned by the repository's own checks), in the
# user's cache: $XDG_CACHE_HOME/greenrec/eemeter-venv, else ~/.cache/greenrec/eemeter-venv.
EEMETER_VENV = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "greenrec" / "eemeter-venv"
)
EEMETER_REQUIREMENTS = ("eemeter", "pandas<3", "scikit-learn<1.6")
LONDON = "Europe/London"
METERS = {
    "sample-0": (
        "uk-electricity-sample-0",
        "uk-temperature-sample-0",
        ("2020-04-02", "2021-04-01"),
        ("2021-04-02", "2022-04-01"),
        LONDON,
    ),
    "sample-1": (
        "uk-electricity-sample-1",
        "uk-temperature-sample-1_2",
        ("2012-10-13", "2013-10-12"),
        ("2013-10-13", "2014-01-24"),
        LONDON,
    ),
    "hue-1": (
        "hue-residential-1",
        None,
        ("2013-10-01", "2014-09-30"),
        ("2014-10-01", "2015-09-30"),
        "America/Vancouver",
    ),
}
# The targets: year-ahead hourly CVRMSE vs the household's own hour-of-week profile (mean
# at most -8 %, no meter above +2 %); day-ahead vs the best baseline (mean at most -10 %, hourly
# and daily); P10-P90 coverage and the share below P50 on every meter; cost per household-year.
YEAR_MEAN_TARGET, YEAR_WORST_TARGET = -0.08, 0.02
DAY_MEAN_TARGET = -0.10
COVERAGE_TARGET = (75.0, 85.0)
BELOW_P50_TARGET = (45.0, 55.0)
COST_TARGET_MS = 10.0
BASELINES = ("same-hour-last-week", "hour-of-week-profile")
EEMETER = "eemeter 4.1 hourly"

Loaded = tuple[pd.Series, pd.Series | None, tuple[str, str], tuple[str, str], str]


def load(name: str) -> Loaded:
    meter, temperature, train, test, zone = METERS[name]
    kwh = hourly_kwh(read_eemeter_meter(DATA / f"{meter}.csv.gz"))
    temps = read_eemeter_temperature(DATA / f"{temperature}.csv.gz") if temperature else None
    return kwh, temps, train, test, zone


def eemeter_python() -> tuple[Path | None, str]:
    """The eemeter venv's interpreter, creating the venv on first use; or None and why not."""
    python = EEMETER_VENV / "bin" / "python"
    if python.exists():
        return python, "existing venv"
    try:
        venv.create(EEMETER_VENV, with_pip=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *EEMETER_REQUIREMENTS],
            check=True,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    except (OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        return None, f"could not install {' '.join(EEMETER_REQUIREMENTS)}: {detail[-500:]}"
    return python, "venv created"


def run_eemeter(python: Path, name: str, data: Loaded) -> tuple[dict | None, str]:
    """eemeter's year-ahead scores on one meter (same scoring as ours), or None and why not."""
    kwh, temperature, train, test, zone = data
    if temperature is None:
        return None, "needs temperatures; this meter has none"
    index = kwh.index
    in_train = local_date_mask(index, zone, *train)
    in_test = local_date_mask(index, zone, *test)
    keep = in_train | in_test
    frame = pd.DataFrame(
        {
            "timestamp": index[keep],
            "kwh": kwh.to_numpy()[keep],
            "celsius": align_temperature(temperature, index)[keep],
            "train": in_train[keep].astype(int),
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.csv", Path(folder) / "out.csv"
        frame.to_csv(source, index=False)
        done = subprocess.run(
            [str(python), str(HERE / "forecast_eemeter.py"), str(source), str(target), zone],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if done.returncode != 0:
            return None, f"eemeter failed on {name}: {done.stderr.strip()[-400:]}"
        text = target.read_text(encoding="utf-8")
    seconds = float(text.rsplit("cpu_seconds=", 1)[1])
    predicted = pd.read_csv(target_lines(text), parse_dates=["timestamp"]).set_index("timestamp")
    predicted.index = pd.DatetimeIndex(predicted.index).tz_convert("UTC")
    test_index = index[in_test]
    forecast = predicted["predicted_kwh"].reindex(test_index).to_numpy(dtype=np.float64)
    actual = kwh.to_numpy()[in_test]
    nan = np.full(len(actual), np.nan)
    scores = score(test_index, zone, actual, forecast, nan, nan)
    scores["cpu_seconds"] = seconds
    return scores, ""


def target_lines(text: str):
    """The CSV part of forecast_eemeter.py's output (without its trailing comment)."""
    return StringIO("".join(line + "\n" for line in text.splitlines() if not line.startswith("#")))


def accuracy(use_eemeter: bool) -> None:
    python, why = eemeter_python() if use_eemeter else (None, "skipped (--no-eemeter)")
    print(f"eemeter: {why if python is None else f'{python} ({why})'}")
    header = (
        f"{'horizon':<11}{'model':<24}{'meter':<10}{'hourly':>8}{'daily':>8}{'NMBE*':>7}"
        f"{'cover':>7}{'<P50':>6}{'vs ref h':>10}{'vs ref d':>10}{'fit+fc CPU-s':>14}"
    )
    print(
        "\n== Accuracy per meter (CVRMSE %; *NMBE % by ASHRAE Guideline 14: (actual - forecast) "
        "/ mean, positive = under-forecast; coverage P10-P90 %; hours below P50 %; ours against "
        "the reference: year-ahead the own hour-of-week profile, day-ahead the best baseline) =="
    )
    print(header)
    print("-" * len(header))
    checks: list[tuple[str, bool, str]] = []
    data = {name: load(name) for name in METERS}
    for horizon in ("year-ahead", "day-ahead"):
        versus: list[tuple[float, float]] = []
        for name, loaded in data.items():
            kwh, temperature, train, test, zone = loaded
            report = evaluate_meter(
                kwh, temperature, train, test, horizon, zone, GlobalForecaster()
            )
            models = report["models"]
            refs = ("hour-of-week-profile",) if horizon == "year-ahead" else BASELINES
            ref = {
                scale: min(models[b][scale]["cvrmse_pct"] for b in refs)
                for scale in ("hourly", "daily")
            }
            ours = models[OURS]
            rel = tuple(ours[s]["cvrmse_pct"] / ref[s] - 1 for s in ("hourly", "daily"))
            versus.append(rel)  # type: ignore[arg-type]
            cpu = ours["cpu_seconds_fit"] + ours["cpu_seconds_forecast"]
            _row(horizon, OURS, name, ours, f"{rel[0]:>+10.1%}{rel[1]:>+10.1%}{cpu:>14.2f}")
            for baseline in BASELINES:
                _row(horizon, baseline, name, models[baseline], "")
            for note in report["warnings"]:
                print(f"{'':<11}  warning: {note}")
            checks += _band_checks(horizon, name, ours)
            if horizon == "year-ahead" and python is not None:
                checks += _eemeter_row(python, name, loaded, ours)
        checks += _reference_checks(horizon, versus)
        print()
    print("== Targets ==")
    for label, met, figure in checks:
        print(f"  [{'met' if met else 'MISSED'}] {label}: {figure}")


def _row(horizon: str, label: str, name: str, scores: dict, tail: str) -> None:
    hourly, daily = scores["hourly"], scores["daily"]
    below = hourly.get("below_p50_pct")
    print(
        f"{horizon:<11}{label:<24}{name:<10}{hourly['cvrmse_pct']:>8.1f}"
        f"{daily['cvrmse_pct']:>8.1f}{hourly['nmbe_ashrae14_pct']:>+7.1f}"
        f"{hourly['coverage_p10_p90_pct']:>7.1f}"
        + (f"{below:>6.1f}" if below is not None else f"{'':>6}")
        + tail
    )


def _band_checks(horizon: str, name: str, ours: dict) -> list[tuple[str, bool, str]]:
    hourly = ours["hourly"]
    return band_checks(
        f"{horizon} {name}", "hours", hourly["coverage_p10_p90_pct"], hourly["below_p50_pct"]
    )


def band_checks(label: str, steps: str, cover: float, below: float) -> list[tuple[str, bool, str]]:
    """The band targets (P10-P90 coverage, share below P50) as (label, met, figure) rows."""
    return [
        (
            f"{label} P10-P90 coverage in {COVERAGE_TARGET}",
            COVERAGE_TARGET[0] <= cover <= COVERAGE_TARGET[1],
            f"{cover:.1f} %",
        ),
        (
            f"{label} {steps} below P50 in {BELOW_P50_TARGET}",
            BELOW_P50_TARGET[0] <= below <= BELOW_P50_TARGET[1],
            f"{below:.1f} %",
        ),
    ]


def _eemeter_row(python: Path, name: str, loaded: Loaded, ours: dict) -> list:
    scores, why = run_eemeter(python, name, loaded)
    if scores is None:
        print(f"{'year-ahead':<11}{EEMETER:<24}{name:<10}  not measured: {why}")
        return []
    _row("year-ahead", EEMETER, name, scores, f"{'':>20}{scores['cpu_seconds']:>14.2f}")
    return [
        (
            f"year-ahead {name} beats eemeter (hourly / daily CVRMSE)",
            ours["hourly"]["cvrmse_pct"] < scores["hourly"]["cvrmse_pct"]
            and ours["daily"]["cvrmse_pct"] < scores["daily"]["cvrmse_pct"],
            f"ours {ours['hourly']['cvrmse_pct']:.1f} / {ours['daily']['cvrmse_pct']:.1f}, "
            f"eemeter {scores['hourly']['cvrmse_pct']:.1f} / {scores['daily']['cvrmse_pct']:.1f}",
        )
    ]


def _reference_checks(horizon: str, versus: list[tuple[float, float]]) -> list:
    hourly = [v[0] for v in versus]
    daily = [v[1] for v in versus]
    if horizon == "year-ahead":
        return [
            _mean_check("year-ahead hourly vs own hour-of-week profile", hourly, YEAR_MEAN_TARGET),
            (
                f"year-ahead hourly vs own profile, no meter above {YEAR_WORST_TARGET:+.0%}",
                max(hourly) <= YEAR_WORST_TARGET,
                f"worst {max(hourly):+.1%}",
            ),
        ]
    return [
        _mean_check(f"day-ahead {scale} vs best baseline", values, DAY_MEAN_TARGET)
        for scale, values in (("hourly", hourly), ("daily", daily))
    ]


def _mean_check(label: str, values: list[float], target: float) -> tuple[str, bool, str]:
    mean = statistics.fmean(values)
    per_meter = ", ".join(f"{v:+.1%}" for v in values)
    return (f"{label}, mean <= {target:+.0%}", mean <= target, f"{mean:+.1%} ({per_meter})")


def speed(n_households: int, n_fit: int, chunk: int) -> None:
    print(f"== Speed: {n_households} synthetic households, one year of hourly history each ==")
    temperature = read_eemeter_temperature(DATA / "uk-temperature-sample-0.csv.gz")
    start, days = "2021-04-02", 365
    _, index, fit_kwh = synthetic_hourly_kwh(n_fit, start, days, seed=0, temperature_c=temperature)
    series = [pd.Series(row, index=index) for row in fit_kwh.astype(np.float64)]
    cpu = time.process_time()
    model = GlobalForecaster().fit(series, temperatures=[temperature] * n_fit)
    fit_seconds = time.process_time() - cpu
    ahead = pd.date_range(index[0], periods=len(index) + 8760, freq="h")
    temps = temperature.reindex(ahead).to_numpy()  # beyond the file: the typical year
    per_household_ms = []
    forecast_seconds = 0.0
    for first in range(0, n_households, chunk):
        size = min(chunk, n_households - first)
        _, _, kwh = synthetic_hourly_kwh(
            size, start, days, seed=0, temperature_c=temperature, first_household=first
        )
        cpu = time.process_time()
        out = forecast_many(model, kwh, index, horizon_hours=168, temperature_c=temps)
        spent = time.process_time() - cpu
        forecast_seconds += spent
        per_household_ms.append(1e3 * spent / size)
        assert out["sufficient"].all()
    total_ms = 1e3 * (fit_seconds + forecast_seconds) / n_households
    print(f"fit on {n_fit} households ({model.n_households_} used): {fit_seconds:.2f} CPU-s")
    print(
        f"forecast: {forecast_seconds:.2f} CPU-s in all; median "
        f"{statistics.median(per_household_ms):.2f} ms per household over "
        f"{len(per_household_ms)} chunks of {chunk}"
    )
    met = "met" if total_ms <= COST_TARGET_MS else "MISSED"
    print(
        f"[{met}] fit + forecast amortised: {total_ms:.2f} CPU-ms per household-year on one core "
        f"(target <= {COST_TARGET_MS:.0f} ms; eemeter's CPU-seconds per meter are in the "
        "accuracy table above)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--fit-households", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--no-eemeter", action="store_true", help="do not run eemeter")
    args = parser.parse_args()
    if not args.skip_accuracy:
        accuracy(not args.no_eemeter)
    if not args.skip_speed:
        speed(args.households, args.fit_households, args.chunk)


if __name__ == "__main__":
    main()
