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

    python benchmarks/io_chunk.py [--households 100] [--repeats 7]
    python benchmarks/io_chunk.py --profile {compact,list,parquet}   # pyinstrument tree instead
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from latency import year_payloads  # benchmarks/latency.py (scripts run from benchmarks/)

from recommender.io import iter_tables, parse_household
from recommender.synth import write_population


def median_cpu_ms(func: Callable[[], object], repeats: int) -> float:
    func()  # warm: imports, caches
    times = []
    for _ in range(repeats):
        started = time.process_time()
        func()
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


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
    args = parser.parse_args()

    payloads = year_payloads()
    with tempfile.TemporaryDirectory() as tmp:
        tables = {
            fmt: write_population(Path(tmp) / fmt, args.households, days=args.days, fmt=fmt)
            for fmt in ("parquet", "csv")
        }
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
        print(f"CPU ms, median of {args.repeats} (time.process_time)")
        for form in ("compact", "list"):
            ms = median_cpu_ms(jobs[form], args.repeats)
            print(
                f"parse_household, sample year, {form:7s} form (8,760 h + temperature):"
                f" {ms:5.1f} ms"
            )
        for fmt in ("parquet", "csv"):
            ms = median_cpu_ms(jobs[fmt], args.repeats)
            print(
                f"iter_tables, {args.households} synthetic households x {args.days} days, {fmt:7s}:"
                f" {ms:6.0f} ms = {ms / args.households:5.1f} ms/household"
            )


if __name__ == "__main__":
    main()
