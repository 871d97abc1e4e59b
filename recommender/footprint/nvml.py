"""NVIDIA GPU energy through NVML (the ``pynvml`` module of the nvidia-ml-py package).

Only the devices this process used are charged: those whose running compute processes list this
process's pid at the start, during or at the end of the interval (or the devices named by the
caller). Energy comes from the device's total energy counter
(``nvmlDeviceGetTotalEnergyConsumption``, mJ since the driver loaded; Volta and later) where
supported, else from power samples (``nvmlDeviceGetPowerUsage``, mW) integrated over time by a
background thread. The counter is the whole device's: when other processes share the GPU, their
energy is in it too (their pids are recorded). Idle power is not charged: where the device was
idle when the meter started, its power then is taken as its idle power and subtracted over the
interval.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

SAMPLE_SECONDS = 0.1


def load_pynvml() -> tuple[Any | None, str]:
    """The ``pynvml`` module initialised, or None with the reason it is not usable."""
    try:
        import pynvml  # type: ignore[import-not-found]
    except ImportError:
        return None, "pynvml (nvidia-ml-py) not installed"
    try:
        pynvml.nvmlInit()
    except Exception as exc:  # NVMLError subclasses differ between versions; the reason is kept
        return None, f"NVML could not start: {exc}"
    return pynvml, "NVML"


@dataclass
class DeviceStart:
    index: int
    handle: Any
    energy_mj: int | None
    idle_w: float | None


@dataclass
class GpuReading:
    """Energy (J) per device used, how it was obtained, and what else shared the devices."""

    energy_j: dict[int, float]
    idle_j: dict[int, float]
    method: str
    devices_seen: int
    seconds: float
    shared_with_pids: dict[int, list[int]] = field(default_factory=dict)


class NvmlSession:
    """Measures one interval on every NVML device; charges only the ones this process used."""

    def __init__(
        self,
        nvml: ModuleType | Any,
        pid: int | None = None,
        devices: tuple[int, ...] | None = None,
        sample_seconds: float = SAMPLE_SECONDS,
    ) -> None:
        self.nvml = nvml
        self.pid = os.getpid() if pid is None else pid
        self.requested = devices
        self.sample_seconds = sample_seconds
        self._starts: list[DeviceStart] = []
        self._used: set[int] = set()
        self._others: dict[int, set[int]] = {}
        self._energy_sampled_j: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._t0 = 0.0
        self._last_power: dict[int, tuple[float, float]] = {}

    def _pids(self, handle: Any) -> set[int]:
        try:
            procs = self.nvml.nvmlDeviceGetComputeRunningProcesses(handle)
        except Exception:  # not supported on this device/driver: no pid information
            return set()
        return {int(p.pid) for p in procs}

    def _note_processes(self) -> None:
        for start in self._starts:
            pids = self._pids(start.handle)
            if self.pid in pids:
                self._used.add(start.index)
            self._others.setdefault(start.index, set()).update(pids - {self.pid})

    def start(self) -> None:
        count = int(self.nvml.nvmlDeviceGetCount())
        for index in range(count):
            handle = self.nvml.nvmlDeviceGetHandleByIndex(index)
            try:
                energy_mj: int | None = int(self.nvml.nvmlDeviceGetTotalEnergyConsumption(handle))
            except Exception:  # pre-Volta or unsupported: fall back to power sampling
                energy_mj = None
            idle_w = None
            try:
                busy = int(self.nvml.nvmlDeviceGetUtilizationRates(handle).gpu)
                if busy == 0:
                    idle_w = float(self.nvml.nvmlDeviceGetPowerUsage(handle)) / 1000.0
            except Exception:
                idle_w = None
            self._starts.append(DeviceStart(index, handle, energy_mj, idle_w))
        self._note_processes()
        self._t0 = time.perf_counter()
        self._last_power = {
            s.index: (self._t0, self._power_w(s.handle))
            for s in self._starts
            if s.energy_mj is None
        }
        if count:
            self._thread = threading.Thread(target=self._sample, name="greenrec-nvml", daemon=True)
            self._thread.start()

    def _integrate(self) -> None:
        """Add the energy since the last power sample of each sampled device (trapezoid)."""
        now = time.perf_counter()
        for s in self._starts:
            if s.energy_mj is None:
                last_t, last_w = self._last_power[s.index]
                watts = self._power_w(s.handle)
                self._energy_sampled_j[s.index] = self._energy_sampled_j.get(s.index, 0.0) + 0.5 * (
                    last_w + watts
                ) * (now - last_t)
                self._last_power[s.index] = (now, watts)

    def _sample(self) -> None:
        ticks = 0
        while not self._stop.wait(self.sample_seconds):
            self._integrate()
            ticks += 1
            if ticks % 10 == 0:  # once a second: which devices this process runs on
                self._note_processes()

    def _power_w(self, handle: Any) -> float:
        return float(self.nvml.nvmlDeviceGetPowerUsage(handle)) / 1000.0

    def stop(self) -> GpuReading:
        self._note_processes()
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
        self._integrate()  # the last partial interval, up to now
        seconds = time.perf_counter() - self._t0
        used = set(self.requested) if self.requested is not None else self._used
        energy: dict[int, float] = {}
        idle: dict[int, float] = {}
        methods = set()
        for s in self._starts:
            if s.index not in used:
                continue
            if s.energy_mj is not None:
                end_mj = int(self.nvml.nvmlDeviceGetTotalEnergyConsumption(s.handle))
                total = max(end_mj - s.energy_mj, 0) / 1000.0
                methods.add("NVML total energy counter")
            else:
                total = self._energy_sampled_j.get(s.index, 0.0)
                methods.add(f"NVML power sampled every {self.sample_seconds:g} s")
            idle_j = min(s.idle_w * seconds, total) if s.idle_w is not None else 0.0
            energy[s.index] = total - idle_j
            idle[s.index] = idle_j
        chosen = "requested" if self.requested is not None else "used by this process"
        method = (
            f"{', '.join(sorted(methods))} on GPU(s) {sorted(energy)} ({chosen}), idle power "
            "subtracted where the device was idle at start"
            if energy
            else f"no GPU used by this process (pid {self.pid}) among {len(self._starts)} device(s)"
        )
        shared = {i: sorted(p) for i, p in self._others.items() if i in energy and p}
        return GpuReading(energy, idle, method, len(self._starts), seconds, shared)
