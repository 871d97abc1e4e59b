"""Speed of the shared readers on the real sample-0 meter (prints medians; machines are noisy).

python benchmarks/io_readers.py [--households 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from recommender.io import household_to_tables, parse_household, read_tables
from recommender.samples import sample_household_payload


def _median_seconds(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=200)
    args = parser.parse_args()

    payload = sample_household_payload()
    n_readings = len(payload["readings"]["kwh"])
    seconds = _median_seconds(lambda: parse_household(payload), 5)
    print(
        f"parse_household, sample-0 ({n_readings} hourly readings + temperature + trips): "
        f"median {seconds * 1000:.0f} ms"
    )

    # N households, each a different 30-day slice of the real meter, as CSV tables.
    base = parse_household(payload)
    frames = []
    for i in range(args.households):
        readings = base.readings_kwh.iloc[i * 100 : i * 100 + 24 * 30]
        piece = parse_household(
            {
                **{
                    k: v
                    for k, v in payload.items()
                    if k not in ("readings", "temperature", "trips")
                },
                "household_id": f"h-{i}",
                "readings": {
                    "start": readings.index[0].isoformat(),
                    "interval_minutes": 60,
                    "kwh": readings.tolist(),
                },
            }
        )
        frames.append(household_to_tables(piece))
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name in ("households", "readings"):
            paths[name] = Path(tmp) / f"{name}.csv"
            pd.concat([f[name] for f in frames], ignore_index=True).to_csv(paths[name], index=False)
        rows = sum(len(f["readings"]) for f in frames)
        seconds = _median_seconds(lambda: read_tables(paths["households"], paths["readings"]), 3)
    print(
        f"read_tables CSV, {args.households} households x 720 hourly readings ({rows} rows): "
        f"median {seconds:.2f} s = {seconds / args.households * 1000:.1f} ms/household, "
        f"{rows / seconds:,.0f} rows/s"
    )


if __name__ == "__main__":
    main()
