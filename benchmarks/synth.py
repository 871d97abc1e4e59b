"""Synthetic population benchmark: generation speed and peak memory.

    python benchmarks/synth.py                      # ~3-5 minutes on 2 busy cores
    python benchmarks/synth.py --repeats 1 --sizes 10000

Prints medians over ``--repeats`` runs (wall time and the process's CPU time: on a shared machine
the CPU time is the steadier figure), asserts nothing. Every run is a fresh child process, so
its peak resident set (``ru_maxrss``) belongs to that run alone; the child's RSS right after its
imports is printed beside it (the part of the peak that is the interpreter, numpy, pandas and
pyarrow, not the work).

1. ``synthetic_hourly_kwh`` for 10,000 household-years (87.6 M hourly values, float32 in memory):
   seconds, values/s.
2. ``write_population`` (Parquet and CSV, 28 days of hourly readings, trips, households) for each
   size in ``--sizes`` (default 10,000 and 100,000 households): households/s, rows written, peak
   RSS. Peak memory should stay flat from 10,000 to 100,000 households; only time grows.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def child(task: str, n: int, days: int, fmt: str) -> None:
    """One measured run; prints a JSON line."""
    import numpy as np

    from recommender.synth import synthetic_hourly_kwh, write_population
    from recommender.synth.profiles import load_profile_library

    load_profile_library()  # reading the real meters once is set-up, not generation
    baseline = _rss_mb()
    began, cpu_began = time.perf_counter(), time.process_time()
    if task == "matrix":
        _, _, kwh = synthetic_hourly_kwh(n, "2023-01-02", days, seed=0)
        rows = int(kwh.size)
        assert np.isfinite(kwh[:, :24]).all()
        sizes = {"matrix_mb": kwh.nbytes / 1e6}
    else:
        with tempfile.TemporaryDirectory() as out:
            paths = write_population(out, n, days=days, seed=0, fmt=fmt)
            sizes = {k: p.stat().st_size / 1e6 for k, p in paths.items()}
            rows = n * days * 24
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    record: dict[str, object] = {"seconds": seconds, "cpu_s": cpu, "peak_rss_mb": _rss_mb()}
    record.update({"baseline_rss_mb": baseline, "rows": rows, "mb": sizes})
    print(json.dumps(record))


def measure(task: str, n: int, days: int, fmt: str, repeats: int) -> dict[str, Any]:
    runs = []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, __file__, "--child", task, str(n), str(days), fmt],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    seconds = [r["seconds"] for r in runs]
    return {
        "seconds": statistics.median(seconds),
        "seconds_min": min(seconds),
        "seconds_max": max(seconds),
        "cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
        "baseline_rss_mb": statistics.median(r["baseline_rss_mb"] for r in runs),
        "rows": runs[0]["rows"],
        "mb": runs[0]["mb"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--days", type=int, default=28, help="days of readings per household")
    parser.add_argument("--formats", nargs="+", default=["parquet", "csv"])
    parser.add_argument("--child", nargs=4, metavar=("TASK", "N", "DAYS", "FMT"))
    args = parser.parse_args()
    if args.child:
        task, n, days, fmt = args.child
        child(task, int(n), int(days), fmt)
        return

    print(f"median of {args.repeats} runs, each in a fresh process (min-max in brackets)\n")
    m = measure("matrix", 10_000, 365, "-", args.repeats)
    print(
        f"synthetic_hourly_kwh, 10,000 household-years ({m['rows'] / 1e6:.1f} M values): "
        f"{m['seconds']:.2f} s [{m['seconds_min']:.2f}-{m['seconds_max']:.2f}] "
        f"(CPU {m['cpu_s']:.2f} s), "
        f"{m['rows'] / m['seconds'] / 1e6:.1f} M values/s, "
        f"peak RSS {m['peak_rss_mb']:.0f} MB (after imports {m['baseline_rss_mb']:.0f} MB; "
        f"the result matrix alone is {m['mb']['matrix_mb']:.0f} MB)"
    )
    for fmt in args.formats:
        for n in args.sizes:
            w = measure("write", n, args.days, fmt, args.repeats)
            files = ", ".join(f"{k} {v:.0f} MB" for k, v in w["mb"].items())
            print(
                f"write_population {fmt:<7} {n:>7,} households x {args.days} days: "
                f"{w['seconds']:.1f} s [{w['seconds_min']:.1f}-{w['seconds_max']:.1f}] "
                f"(CPU {w['cpu_s']:.1f} s), "
                f"{n / w['seconds']:,.0f} households/s, "
                f"{w['rows'] / w['seconds'] / 1e6:.2f} M readings/s, "
                f"peak RSS {w['peak_rss_mb']:.0f} MB (after imports "
                f"{w['baseline_rss_mb']:.0f} MB); files: {files}"
            )


if __name__ == "__main__":
    main()
