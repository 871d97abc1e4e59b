"""Batch scoring end to end: households/s and peak memory of ``greenrec score``; where time goes.

A synthetic population (``recommender.synth.write_population``: real meters' daily shapes, one
year of hourly readings, trips; no real multi-household batch with trips exists in data/) is
written as Parquet; then ``greenrec score`` runs on it in a subprocess, as a data team would run it
(read, validate, forecast, act, rank, write Parquet, manifest). Printed beside the issue's targets:

- households/s end to end (wall clock of the whole command: model loading and worker start
  included) and the CPU seconds per household of the process tree;
- peak RSS of the process tree (the sum over the parent and its workers, sampled every 0.1 s) and
  of the largest single process;
- with ``--scale-to M``: the same for M households, and the ratio of the two peaks (target: the
  100,000 run's peak within 10 % of the 10,000 run's);
- eemeter's hourly model side by side, in the same run (``--no-eemeter`` skips it): its CPU
  seconds to fit one year and predict its test period on the real meters with temperatures
  (benchmarks/forecast.py runs it from its own virtual environment, created on first use), and
  our end-to-end CPU per household as a ratio to eemeter's forecast alone;
- with ``--profile-households K`` (default 20): a cProfile split by stage of K households scored
  in-process (profiling adds overhead: the shares matter more than the seconds).

    python benchmarks/batch.py                                # 1,000 households, 2 workers
    python benchmarks/batch.py --households 10000 --scale-to 100000 --models-dir models/
    python benchmarks/batch.py --households 200 --profile-households 20 --models-dir models/
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import psutil
from _models import models_or_train  # benchmarks/_models.py (scripts run from benchmarks/)
from forecast import METERS, eemeter_python, load, run_eemeter  # benchmarks/forecast.py

from recommender.batch import score_tables
from recommender.synth import write_population

NOW = "2025-01-01T00:00:00+00:00"  # just after the synthetic year
TARGET_RATE = 500.0  # households/s end to end on the 2-core machine
TARGET_PEAK_BYTES = 2 * 1024**3
TARGET_SCALE_RATIO = 1.10

# stage -> (file suffix, function name) whose cumulative time is the stage's
STAGES = {
    "read (iter_tables: read + parse + validate)": [("io/tables.py", "iter_tables")],
    "forecast (forecast_households)": [("forecast/api.py", "forecast_households")],
    "actions: home (home_reports_many)": [
        ("actions/home/__init__.py", "home_reports_many"),
        ("actions/home/__init__.py", "home_actions_many"),  # what chunk.py called before
    ],
    "actions: travel (travel_reports)": [("actions/travel/advice.py", "travel_reports")],
    "ranking (rank_actions_many)": [("ranking/ranker.py", "rank_actions_many")],
    "write (parts, results, manifest)": [
        ("batch/parts.py", "write_part"),
        ("batch/manifest.py", "combine_parts"),
        ("batch/manifest.py", "write_manifest"),
    ],
    "model load (Service.from_dir)": [("recommender/service.py", "from_dir")],
}


class PeakRss:
    """Samples the RSS of a process and its descendants until stopped: the tree's peak, each
    process's peak (by role) and the parent's RSS against the parts written so far."""

    def __init__(self, pid: int, parts_dir: Path, every_s: float = 0.1) -> None:
        self.root = psutil.Process(pid)
        self.parts_dir = parts_dir
        self.every_s = every_s
        self.tree_peak = 0
        self.single_peak = 0
        self.peaks: dict[int, tuple[str, int]] = {}  # pid -> (role, peak RSS)
        self.parent_by_parts: dict[int, int] = {}  # parts written -> the parent's peak RSS
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return
            sizes = {}
            for proc in procs:
                try:
                    sizes[proc.pid] = (_role(proc, self.root), proc.memory_info().rss)
                except psutil.Error:
                    continue
            if sizes:
                self._record(sizes)
            self._stop.wait(self.every_s)

    def _record(self, sizes: dict[int, tuple[str, int]]) -> None:
        total = sum(rss for _, rss in sizes.values())
        self.tree_peak = max(self.tree_peak, total)
        self.single_peak = max(self.single_peak, max(rss for _, rss in sizes.values()))
        for pid, (role, rss) in sizes.items():
            self.peaks[pid] = (role, max(rss, self.peaks.get(pid, (role, 0))[1]))
        if self.root.pid in sizes:
            parts = _count_parts(self.parts_dir)
            rss = sizes[self.root.pid][1]
            self.parent_by_parts[parts] = max(rss, self.parent_by_parts.get(parts, 0))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _role(proc: psutil.Process, root: psutil.Process) -> str:
    if proc.pid == root.pid:
        return "parent (reads, parses, writes)"
    command = " ".join(proc.cmdline())
    return "resource tracker" if "resource_tracker" in command else "worker"


def _count_parts(parts_dir: Path) -> int:
    try:
        return sum(1 for name in os.listdir(parts_dir) if name.startswith("part-"))
    except OSError:
        return 0


def run_score(paths: dict[str, Path], models: Path, out: Path, workers: int) -> dict[str, Any]:
    """``greenrec score`` in a subprocess: wall seconds, CPU seconds of the tree, peaks."""
    command = [
        sys.executable, "-c", "from recommender.cli import main; main()", "score",
        "--households", str(paths["households"]),
        "--readings", str(paths["readings"]),
        "--trips", str(paths["trips"]),
        "--out", str(out),
        "--models-dir", str(models),
        "--workers", str(workers),
        "--now", NOW,
        "--no-progress",
    ]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as p:
        peak = PeakRss(p.pid, out / ".staging" / "parts")
        stdout, stderr = p.communicate()
        peak.stop()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise SystemExit(f"greenrec score failed ({p.returncode}):\n{stderr}")
    manifest = json.loads((out / "manifest.json").read_text())
    counts = manifest["counts"]
    if counts["households_in"] != counts["scored"] + counts["failed"]:
        raise SystemExit(f"counts do not add up: {counts}")
    if counts["failed"]:  # explained, not lost: say which and why, and go on
        failures = pd.read_csv(out / "failures.csv", keep_default_na=False)
        for row in failures.head(3).itertuples():
            print(f"    failed: {row.household_id} ({row.stage}) {row.where}: {row.problem}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    for line in stdout.splitlines():
        if "households/s" in line or line.startswith("scored"):
            print("    greenrec score:", line)
    return {
        "households": counts["households_in"],
        "wall_s": wall,
        "cpu_s": cpu,
        "tree_peak": peak.tree_peak,
        "single_peak": peak.single_peak,
        "peaks": sorted(peak.peaks.values(), key=lambda rp: (rp[0], -rp[1])),
        "parent_by_parts": dict(sorted(peak.parent_by_parts.items())),
    }


def report(label: str, figures: dict[str, Any]) -> None:
    n, wall = figures["households"], figures["wall_s"]
    rate = n / wall
    gib = figures["tree_peak"] / 1024**3
    print(
        f"  {label}: {n:.0f} households in {wall:.1f} s = {rate:.1f} households/s end to end "
        f"(target >= {TARGET_RATE:.0f}: {'met' if rate >= TARGET_RATE else 'MISSED'}); "
        f"{1000 * figures['cpu_s'] / n:.0f} CPU-ms a household"
    )
    print(
        f"  {label}: peak RSS {gib:.2f} GiB for the process tree, "
        f"{figures['single_peak'] / 1024**3:.2f} GiB the largest process "
        f"(target <= 2 GiB: {'met' if figures['tree_peak'] <= TARGET_PEAK_BYTES else 'MISSED'})"
    )
    peaks = ", ".join(f"{role} {rss / 1024**3:.2f}" for role, rss in figures["peaks"])
    print(f"  {label}: peak RSS per process (GiB): {peaks}")
    print(f"  {label}: the parent's peak RSS (MiB) with k parts written, k: MiB: {_curve(figures)}")


def _curve(figures: dict[str, Any]) -> str:
    """The parent's peak RSS while 0, 10 %, ..., 100 % of the parts were written."""
    by_parts: dict[int, int] = figures["parent_by_parts"]
    if not by_parts:
        return "not sampled"
    last = max(by_parts)
    points = []
    for tenth in range(11):
        k = round(last * tenth / 10)
        near = min(by_parts, key=lambda parts: abs(parts - k))  # a sample may skip a count
        points.append(f"{near}: {by_parts[near] / 1024**2:.0f}")
    return ", ".join(points)


def profile(paths: dict[str, Path], models: Path, out: Path) -> None:
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    score_tables(
        paths["households"], paths["readings"], paths["trips"], out_dir=out, models_dir=models,
        now=NOW,
    )  # fmt: skip
    profiler.disable()
    wall = time.perf_counter() - t0
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(v[3] for k, v in stats.items() if k[2] == "score_tables")
    print(f"\nprofile of one in-process run: {total:.2f} s under cProfile ({wall:.2f} s wall)")
    accounted = 0.0
    for stage, keys in STAGES.items():
        seconds = sum(
            v[3]
            for (file, _, name), v in stats.items()
            for suffix, fn in keys
            if file.endswith(suffix) and name == fn
        )
        accounted += seconds
        print(f"  {stage:48s} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    print(f"  {'other (service glue, result rows)':48s} {total - accounted:7.2f} s")
    top = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:8]
    print("  most self time:")
    for (file, line, name), v in top:
        print(f"    {v[2]:6.2f} s  {name} ({Path(file).name}:{line})")


def eemeter_side_by_side(ours_cpu_s_per_household: float) -> None:
    """eemeter's fit + predict CPU per meter-year on the real meters with temperatures, beside
    our end-to-end CPU per household (read, validate, forecast, act, rank, write)."""
    python, why = eemeter_python()
    if python is None:
        print(f"  eemeter side by side: not measured ({why})")
        return
    seconds = []
    for name, (_, temperature, *_rest) in METERS.items():
        if temperature is None:
            continue
        scores, why = run_eemeter(python, name, load(name))
        if scores is None:
            print(f"  eemeter on {name}: not measured ({why})")
            continue
        seconds.append(scores["cpu_seconds"])
        print(f"  eemeter 4.1 hourly on {name}: {1000 * scores['cpu_seconds']:.0f} CPU-ms to fit "
              "one year and predict its test period")  # fmt: skip
    if seconds:
        theirs = statistics.median(seconds)
        print(
            f"  ours end to end {1000 * ours_cpu_s_per_household:.0f} CPU-ms a household = "
            f"{ours_cpu_s_per_household / theirs:.2f} x eemeter's forecast alone "
            f"({1000 * theirs:.0f} CPU-ms a meter-year, median of {len(seconds)})"
        )


def population(folder: Path, n: int, days: int) -> dict[str, Path]:
    t0 = time.perf_counter()
    paths = write_population(folder, n, days=days, seed=0, start="2024-01-01T00:00:00Z")
    size = sum(p.stat().st_size for p in paths.values()) / 1024**2
    print(
        f"wrote {n} synthetic households x {days} days hourly as Parquet ({size:.0f} MiB) in "
        f"{time.perf_counter() - t0:.1f} s (not counted)"
    )
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--days", type=int, default=366, help="hourly readings per household")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scale-to", type=int, default=0, help="also run this many, compare")
    parser.add_argument("--profile-households", type=int, default=20, help="0: no profile")
    parser.add_argument("--models-dir", default=None)
    parser.add_argument("--no-eemeter", dest="eemeter", action="store_false")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        models = models_or_train(args.models_dir, scratch)
        print(
            f"os.cpu_count()={os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, "
            f"workers={args.workers}, pandas {pd.__version__}"
        )
        paths = population(scratch / "pop", args.households, args.days)
        base = run_score(paths, models, scratch / "out", args.workers)
        report(f"N={args.households}", base)
        if args.scale_to:
            big = population(scratch / "pop-big", args.scale_to, args.days)
            scaled = run_score(big, models, scratch / "out-big", args.workers)
            report(f"N={args.scale_to}", scaled)
            ratio = scaled["tree_peak"] / base["tree_peak"]
            verdict = "met" if ratio <= TARGET_SCALE_RATIO else "MISSED"
            print(f"  peak RSS ratio {ratio:.2f} (target <= {TARGET_SCALE_RATIO:.2f}: {verdict})")
        else:
            print("  peak RSS at 10x the households: not measured (pass --scale-to)")
        if args.eemeter:
            eemeter_side_by_side(base["cpu_s"] / base["households"])
        else:
            print("  eemeter side by side: skipped (--no-eemeter)")
        if args.profile_households:
            small = population(scratch / "prof", args.profile_households, args.days)
            profile(small, models, scratch / "prof-out")


if __name__ == "__main__":
    main()
