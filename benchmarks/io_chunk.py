"""CPU cost of reading households: the JSON parser (both readings forms) and the batch table reader.

- ``parse_household`` of the bundled sample's last year (8,760 hourly readings, the same hours of
  real temperature, its trips), as the compact form and as the list form
  (``benchmarks/latency.py``'s two payloads, built the same way);
- ``iter_tables`` over the tables of ``--households`` synthetic households
  (``recommender.synth.write_population``: simulated households, ``--days`` (366) days of hourly
  readings and their trips, as ``benchmarks/batch.py`` writes them), Parquet and CSV, in CPU-ms
  per household.

CPU time (``time.process_time``), medians of ``--repeats`` runs: the machine is shared, so wall
time would measure the neighbours. There is no separate target for parsing; it is a part of the
latency targets (``benchmarks/latency.py``) and of the batch's read stage (``benchmarks/batch.py``).

    python benchmarks/io_chunk.py [--households 100] [--repeats 5]
    python benchmarks/io_chunk.py --profile {compact,list,parquet,csv}  # pyinstrument tree instead

Before and after in one run: ``--baseline DIR`` also times the code in DIR (a copy of another
revision's ``recommender`` and ``data``, e.g. ``git archive main recommender data | tar -x -C
DIR``) in a subprocess on the same tables, and prints both with their ratio. The two alternate,
``--rounds`` times (3 with a baseline), and each figure is the median of its rounds, so that a
neighbour's load on the shared machine weighs on both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from _timing import median_cpu_ms  # benchmarks/_timing.py (scripts run from benchmarks/)
from latency import year_payloads  # benchmarks/latency.py (scripts run from benchmarks/)

from recommender.io import iter_tables, parse_household
from recommender.synth import write_population


def read_all(paths: dict[str, Path]) -> int:
    """Households and failures read from the tables, all chunks."""
    n = 0
    for batch in iter_tables(paths["households"], paths["readings"], paths["trips"]):
        n += len(batch.households) + len(batch.failures)
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=100)
    parser.add_argument("--days", type=int, default=366, help="as benchmarks/batch.py")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", choices=("compact", "list", "parquet", "csv"))
    parser.add_argument("--baseline", help="folder holding another revision's recommender/")
    parser.add_argument(
        "--rounds", type=int, help="alternate runs of each (default 3 with a baseline, else 1)"
    )
    parser.add_argument("--emit-json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tables", help=argparse.SUPPRESS)  # the baseline reads these tables
    args = parser.parse_args()

    payloads = year_payloads()
    with tempfile.TemporaryDirectory() as tmp:
        tables = (
            {
                f: {k: Path(v) for k, v in t.items()}
                for f, t in json.loads(Path(args.tables).read_text()).items()
            }
            if args.tables
            else {
                fmt: write_population(Path(tmp) / fmt, args.households, days=args.days, fmt=fmt)
                for fmt in ("parquet", "csv")
            }
        )
        jobs: dict[str, Callable[[], object]] = {
            "compact": lambda: parse_household(payloads["compact"]),
            "list": lambda: parse_household(payloads["list"]),
            "parquet": lambda: read_all(tables["parquet"]),
            "csv": lambda: read_all(tables["csv"]),
        }
        if args.profile:
            from pyinstrument import Profiler  # only for --profile (a dev dependency)

            with Profiler() as profiler:
                for _ in range(args.repeats):
                    jobs[args.profile]()
            print(profiler.output_text(unicode=True, color=False))
            return
        n = read_all(tables["parquet"])
        if n != args.households:
            raise SystemExit(f"read {n} households and failures, expected {args.households}")
        rounds = args.rounds or (3 if args.baseline else 1)
        after: list[dict[str, float]] = []
        before: list[dict[str, float]] = []
        for _ in range(rounds):
            after.append({name: median_cpu_ms(job, args.repeats) for name, job in jobs.items()})
            if args.emit_json:
                print(json.dumps(after[-1]))
                return
            if args.baseline:
                before.append(baseline(args, Path(tmp), tables))
    report(_median_of(after), _median_of(before) if before else None, args)


def _median_of(rounds: list[dict[str, float]]) -> dict[str, float]:
    """Each figure's median over the rounds."""
    return {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}


def baseline(args: argparse.Namespace, tmp: Path, tables: dict[str, dict[str, Path]]) -> dict:
    """The same figures for the code in ``--baseline``, timed by this script in a subprocess."""
    paths = tmp / "tables.json"
    paths.write_text(json.dumps({f: {k: str(v) for k, v in t.items()} for f, t in tables.items()}))
    command = [sys.executable, __file__, "--emit-json", "--tables", str(paths)]
    command += ["--households", str(args.households), "--repeats", str(args.repeats)]
    env = {**os.environ, "PYTHONPATH": str(Path(args.baseline).resolve())}
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def report(
    figures: dict[str, float], before: dict[str, float] | None, args: argparse.Namespace
) -> None:
    rounds = args.rounds or (3 if args.baseline else 1)
    print(f"CPU ms, median of {args.repeats} (time.process_time), median of {rounds} round(s)")
    if before:
        print(f"before: {args.baseline}; after: this checkout; ratio before/after")
    for name in ("compact", "list", "parquet", "csv"):
        per = args.households if name in ("parquet", "csv") else 1
        what = (
            f"parse_household, sample year, {name:7s} form (8,760 h + temperature)"
            if per == 1
            else f"iter_tables, {args.households} synthetic households x {args.days} days, "
            f"{name:7s}, per household"
        )
        line = f"{what}: {figures[name] / per:6.1f} ms"
        if before:
            line += f" (before {before[name] / per:6.1f} ms, {before[name] / figures[name]:4.1f}x)"
        print(line)


if __name__ == "__main__":
    main()
