"""One answer's latency: warm ``Service.recommend`` on one year of hourly readings, parse included.

The household is the bundled sample (``recommender.samples``: OpenEEmeter's real UK meter 0 and its
real temperatures, with the documented assumed appliances and trips), cut to its last 8,760 hours.
It is sent as a canonical JSON payload in two forms, each parsed on every call as a partner app's
request would be:

- compact: ``{"start", "interval_minutes": 60, "kwh": [...]}`` (temperature compact too);
- list: ``[{"timestamp", "kwh"}, ...]`` (temperature as a list of ``{"timestamp", "celsius"}``).

The service is warm (models loaded, ``--warmup`` calls made first); each figure is the p50 and
p99 of ``--repeats`` calls, printed beside its target.

    python benchmarks/latency.py                         # trains models into a scratch folder
    python benchmarks/latency.py --models-dir models/ --repeats 200
    python benchmarks/latency.py --profile               # pyinstrument tree of 20 compact calls
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _models import models_or_train  # benchmarks/_models.py (scripts run from benchmarks/)

from recommender.samples import sample_household_payload
from recommender.service import Service

HOURS = 8760
NOW = pd.Timestamp("2022-12-20T12:00:00Z")  # shortly after the sample meter's last reading
TARGETS_MS = {"compact": 20.0, "list": 40.0}  # p50 targets (issue 13)


def year_payloads() -> dict[str, dict[str, Any]]:
    """The sample household's last year, as a compact payload and as a list payload."""
    sample = sample_household_payload()
    kwh = sample["readings"]["kwh"][-HOURS:]
    start = pd.Timestamp(sample["readings"]["start"]) + pd.Timedelta(
        hours=len(sample["readings"]["kwh"]) - HOURS
    )
    stamps = pd.date_range(start, periods=HOURS, freq="h")
    temps = [t for t in sample["temperature"] if pd.Timestamp(t["timestamp"]) >= start]
    temp_start = pd.Timestamp(temps[0]["timestamp"])
    hourly = pd.date_range(temp_start, periods=len(temps), freq="h")
    if not all(pd.Timestamp(t["timestamp"]) == s for t, s in zip(temps, hourly, strict=True)):
        raise SystemExit("the sample temperatures are not an unbroken hourly series")
    compact = {
        **sample,
        "readings": {"start": start.isoformat(), "interval_minutes": 60, "kwh": kwh},
        "temperature": {
            "start": temp_start.isoformat(),
            "interval_minutes": 60,
            "celsius": [t["celsius"] for t in temps],
        },
    }
    listed = {
        **sample,
        "readings": [
            {"timestamp": s.isoformat(), "kwh": v} for s, v in zip(stamps, kwh, strict=True)
        ],
        "temperature": temps,
    }
    return {"compact": compact, "list": listed}


def timings_ms(
    service: Service, payload: dict[str, Any], repeats: int, warmup: int
) -> tuple[np.ndarray, np.ndarray]:
    """Wall-clock and CPU milliseconds of each call (CPU: this process, all its threads; on a
    shared machine it shows what the call costs when the wall clock also shows waiting)."""
    for _ in range(warmup):
        service.recommend(payload, now=NOW)
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        service.recommend(payload, now=NOW)
        wall.append(1000 * (time.perf_counter() - t0))
        cpu.append(1000 * (time.process_time() - c0))
    return np.array(wall), np.array(cpu)


def profile(service: Service, payload: dict[str, Any]) -> None:
    from pyinstrument import Profiler  # optional: pip install pyinstrument

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(20):
        service.recommend(payload, now=NOW)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--models-dir", default=None)
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument tree")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        service = Service.from_dir(models_or_train(args.models_dir, Path(tmp)))
        payloads = year_payloads()
        print(
            f"warm Service.recommend, one year ({HOURS} h) of a real UK meter, parsing included; "
            f"{args.repeats} calls per form; os.cpu_count()={os.cpu_count()}, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        for form, payload in payloads.items():
            ms, cpu_ms = timings_ms(service, payload, args.repeats, args.warmup)
            p50, p99 = statistics.median(ms), float(np.percentile(ms, 99))
            verdict = "met" if p50 <= TARGETS_MS[form] else "MISSED"
            print(
                f"  {form:8s} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   "
                f"(CPU p50 {statistics.median(cpu_ms):6.1f} ms)   "
                f"target p50 <= {TARGETS_MS[form]:.0f} ms: {verdict}"
            )
        if args.profile:
            profile(service, payloads["compact"])


if __name__ == "__main__":
    main()
