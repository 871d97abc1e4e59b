"""What the meter samples: CPU clocks, memory and wall time at start and stop, and RAPL counters
polled often enough that a counter wrap is never missed."""

from __future__ import annotations

import os
import resource
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from recommender.footprint.rapl import RaplReader, machine_busy_seconds

RAPL_POLL_SECONDS = 60.0  # well inside the shortest counter wrap period (tens of minutes)
_CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class Snapshot:
    wall: float
    epoch: float
    cpu_self: float
    cpu_children: float
    maxrss_self_kb: int
    maxrss_children_kb: int
    rss_bytes: int


def snapshot(process: psutil.Process, clock: str = "process") -> Snapshot:
    """``clock="thread"``: this thread's CPU time only, no children (one request of a threaded
    server is not charged for its neighbours)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    thread = clock == "thread"
    return Snapshot(
        wall=time.perf_counter(),
        epoch=time.time(),
        cpu_self=time.thread_time() if thread else time.process_time(),
        cpu_children=0.0 if thread else children.ru_utime + children.ru_stime,
        maxrss_self_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        maxrss_children_kb=children.ru_maxrss,
        rss_bytes=process.memory_info().rss,
    )


class RaplAccumulator:
    """Reads RAPL at start, every ``RAPL_POLL_SECONDS`` and at stop, so wraps are never missed."""

    def __init__(self, reader: RaplReader, stat_path: Path) -> None:
        self.reader = reader
        self.stat_path = stat_path
        self.joules: dict[str, float] = {}
        self._last = reader.read()
        self._busy0 = machine_busy_seconds(stat_path, _CLK_TCK)
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="greenrec-rapl", daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        with self._lock:
            now = self.reader.read()
            for key, joules in self.reader.delta_j(self._last, now).items():
                self.joules[key] = self.joules.get(key, 0.0) + joules
            self._last = now

    def _run(self) -> None:
        while not self._done.wait(RAPL_POLL_SECONDS):
            self._poll()

    def stop(self) -> tuple[dict[str, float], float]:
        self._done.set()
        self._thread.join()
        self._poll()
        return self.joules, machine_busy_seconds(self.stat_path, _CLK_TCK) - self._busy0


def peak_memory_bytes(begin: Snapshot, end: Snapshot) -> int:
    """Peak resident memory of this process (and of children that ran) between two snapshots."""
    peak_self = (
        end.maxrss_self_kb * 1024
        if end.maxrss_self_kb > begin.maxrss_self_kb
        else max(begin.rss_bytes, end.rss_bytes)
    )
    peak_children = (
        end.maxrss_children_kb * 1024 if end.maxrss_children_kb > begin.maxrss_children_kb else 0
    )
    return int(peak_self + peak_children)
