"""How the chunk benchmarks time a call: the median CPU time of repeated runs, after a warm-up."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_cpu_ms(func: Callable[[], object], repeats: int) -> float:
    """Median process CPU milliseconds of ``repeats`` calls of ``func``, after one warm-up call
    (imports, caches) that is not counted. CPU time, not wall: the machine is shared."""
    func()
    times = []
    for _ in range(repeats):
        started = time.process_time()
        func()
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000.0
