"""The footprint meter: ``with measure("train-forecaster", region="GB") as m: ...; m.footprint``.

Energy comes from the best source present, and the footprint says which: RAPL counters (socket
energy x this process's share of the machine's busy CPU time), NVML for the NVIDIA GPUs this
process used, otherwise this process's CPU-seconds x the power of a busy core plus its peak
resident memory x W/GB over the wall time (see :mod:`recommender.footprint.power`). Energy x PUE x
the grid intensity where and when the work ran gives kg CO2e; each figure carries its low-high range
from the ranges of its inputs. Embodied emissions of the hardware are reported apart.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any, ParamSpec, TypeVar

import pandas as pd
import psutil

from recommender.domain import Footprint
from recommender.errors import InvalidInput, Problem
from recommender.footprint.constants import Constant, constant
from recommender.footprint.embodied import embodied_for_job
from recommender.footprint.estimate import ZERO, Estimate
from recommender.footprint.intensity import grid_factor
from recommender.footprint.nvml import NvmlSession, load_pynvml
from recommender.footprint.power import core_power, cpu_energy_j, local_cpu, memory_energy_j
from recommender.footprint.rapl import DEFAULT_ROOT, PROC_STAT, RaplReader
from recommender.footprint.sampling import (
    RaplAccumulator,
    Snapshot,
    peak_memory_bytes,
    snapshot,
)

P = ParamSpec("P")
R = TypeVar("R")
J_PER_KWH = 3.6e6


@functools.cache
def _rapl(root: str) -> RaplReader:
    return RaplReader(root)


@functools.cache
def _default_nvml() -> tuple[Any | None, str]:
    return load_pynvml()


def _resolve_pue(
    pue: float | str | None, pue_range: tuple[float, float] | None
) -> tuple[Estimate, str]:
    if pue is None or isinstance(pue, str):
        name = f"pue_{pue or 'personal'}"
        try:
            row: Constant = constant(name)
        except KeyError:
            raise InvalidInput(
                Problem(
                    "pue", f"unknown setting {pue!r}", "a number >= 1, 'personal' or 'data_centre'"
                ),
                source="measure",
            ) from None
        return (
            row.estimate,
            f"PUE {row.value:g} ({row.low:g}-{row.high:g}), {row.source}, {row.year}",
        )
    value = float(pue)
    low, high = pue_range if pue_range is not None else (value, value)
    if not (math.isfinite(value) and 1.0 <= low <= value <= high and math.isfinite(high)):
        raise InvalidInput(
            Problem("pue", f"{pue!r} with range {pue_range!r}", "1 <= low <= pue <= high, finite"),
            source="measure",
        )
    return Estimate(value, low, high), f"PUE {value:g} ({low:g}-{high:g}), set by the caller"


class Meter:
    """Measures one piece of work; use :func:`measure` to make one.

    Context manager (``with measure(...) as m``), decorator (``@measure(...)``; each call is
    measured and the last footprint kept on the meter), or ``start()`` / ``stop()``.
    ``footprint`` is the :class:`~recommender.domain.Footprint` of the last finished interval.
    """

    def __init__(
        self,
        task: str,
        *,
        region: str | None = None,
        pue: float | str | None = None,
        pue_range: tuple[float, float] | None = None,
        cpu_watts_per_core: float | None = None,
        gpu_devices: tuple[int, ...] | None = None,
        machine_cores: float | None = None,
        rapl_root: Path | str = DEFAULT_ROOT,
        proc_stat: Path | str = PROC_STAT,
        nvml: ModuleType | Any | bool | None = None,
        cpuinfo_path: str = "/proc/cpuinfo",
        clock: str = "process",
    ) -> None:
        if clock not in ("process", "thread"):
            raise ValueError(f"clock must be 'process' or 'thread', not {clock!r}")
        self.task = task
        self.clock = clock
        self.region = region
        self.pue, self._pue_method = _resolve_pue(pue, pue_range)
        self.core_power = core_power(local_cpu(cpuinfo_path), cpu_watts_per_core)
        self.gpu_devices = gpu_devices
        self.machine_cores = machine_cores
        self._rapl = _rapl(str(rapl_root))
        self._proc_stat = Path(proc_stat)
        self._nvml, self._nvml_status = self._pick_nvml(nvml)
        self._process = psutil.Process()
        self._start: Snapshot | None = None
        self._rapl_acc: RaplAccumulator | None = None
        self._gpu: NvmlSession | None = None
        self._footprint: Footprint | None = None

    @staticmethod
    def _pick_nvml(nvml: ModuleType | Any | bool | None) -> tuple[Any | None, str]:
        if nvml is False:
            return None, "NVML disabled by the caller"
        if nvml is None or nvml is True:
            return _default_nvml()
        nvml.nvmlInit()
        return nvml, "NVML (module given by the caller)"

    # -- measuring ---------------------------------------------------------------------------
    def start(self) -> Meter:
        if self._start is not None:
            raise RuntimeError(f"meter {self.task!r} is already running")
        self._footprint = None
        if self._nvml is not None:
            self._gpu = NvmlSession(self._nvml, devices=self.gpu_devices)
            self._gpu.start()
        if self._rapl.available:
            self._rapl_acc = RaplAccumulator(self._rapl, self._proc_stat)
        self._start = snapshot(self._process, self.clock)
        return self

    def stop(self) -> Footprint:
        if self._start is None:
            raise RuntimeError(f"meter {self.task!r} was not started")
        end = snapshot(self._process, self.clock)
        begin, self._start = self._start, None
        rapl = self._rapl_acc.stop() if self._rapl_acc is not None else None
        gpu = self._gpu.stop() if self._gpu is not None else None
        self._rapl_acc, self._gpu = None, None
        self._footprint = self._compute(begin, end, rapl, gpu)
        return self._footprint

    @property
    def footprint(self) -> Footprint:
        if self._footprint is None:
            raise RuntimeError(f"meter {self.task!r} has no finished measurement yet")
        return self._footprint

    def __enter__(self) -> Meter:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __call__(self, func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with self:
                return func(*args, **kwargs)

        wrapper.meter = self  # type: ignore[attr-defined]
        return wrapper

    # -- arithmetic ---------------------------------------------------------------------------
    def _compute(
        self,
        begin: Snapshot,
        end: Snapshot,
        rapl: tuple[dict[str, float], float] | None,
        gpu: Any,
    ) -> Footprint:
        wall_s = max(end.wall - begin.wall, 0.0)
        cpu_self_s = max(end.cpu_self - begin.cpu_self, 0.0)
        cpu_children_s = max(end.cpu_children - begin.cpu_children, 0.0)
        cpu_s = cpu_self_s + cpu_children_s
        peak_bytes = peak_memory_bytes(begin, end)
        parts, methods, power_source, gpus_used = self._energy_parts(
            cpu_s, peak_bytes, wall_s, rapl, gpu
        )
        it_j = ZERO
        for part in parts.values():
            it_j = it_j + part
        energy_kwh = (it_j * (1.0 / J_PER_KWH)) * self.pue
        started = pd.Timestamp(begin.epoch, unit="s", tz="UTC")
        ended = pd.Timestamp(end.epoch, unit="s", tz="UTC")
        grid = grid_factor(self.region, started, ended)
        kg = energy_kwh * grid.g_per_kwh * 1e-3
        embodied = embodied_for_job(wall_s, cpu_s, gpus_used, self.machine_cores)
        details = self._details(
            (started, ended, wall_s, cpu_s, cpu_children_s, peak_bytes),
            parts,
            power_source,
            (rapl, gpu, grid, embodied),
        )
        method = (
            f"{' + '.join(power_source)}: "
            + "; ".join(methods)
            + f"; {self._pue_method}; grid: "
            + (f"{grid.region}: {grid.method}" if grid.region else grid.method)
        )
        return Footprint(
            energy_kwh=energy_kwh.value,
            kg_co2e=kg.value,
            kg_co2e_low=kg.low,
            kg_co2e_high=kg.high,
            method=method,
            energy_kwh_low=energy_kwh.low,
            energy_kwh_high=energy_kwh.high,
            embodied_kg_co2e=embodied.kg_co2e.value,
            details=details,
        )

    def _energy_parts(
        self,
        cpu_s: float,
        peak_bytes: int,
        wall_s: float,
        rapl: tuple[dict[str, float], float] | None,
        gpu: Any,
    ) -> tuple[dict[str, Estimate], list[str], list[str], int]:
        """Joules by part (cpu, memory, gpu) from the best source, the methods, and GPUs used."""
        parts: dict[str, Estimate] = {}
        methods: list[str] = []
        power_source: list[str] = []
        if rapl is not None:
            joules, busy_s = rapl
            share = min(cpu_s / busy_s, 1.0) if busy_s > 0 else (1.0 if cpu_s > 0 else 0.0)
            rel = constant("rapl_relative").relative
            pkg = sum(j for k, j in joules.items() if not k.endswith(" dram"))
            dram = sum(j for k, j in joules.items() if k.endswith(" dram"))
            parts["cpu"] = Estimate.relative(pkg * share, *rel)
            power_source.append("rapl")
            methods.append(
                f"RAPL socket energy {pkg:.4g} J x this process's share {share:.3g} "
                "of the machine's busy CPU time"
            )
            if self._rapl.has_dram:
                parts["memory"] = Estimate.relative(dram * share, *rel)
                methods.append("RAPL DRAM energy x the same share")
        else:
            parts["cpu"] = cpu_energy_j(cpu_s, self.core_power)
            power_source.append("cpu-seconds model")
            methods.append(f"{cpu_s:.4g} {self.clock} CPU-s x {self.core_power.method}")
        if "memory" not in parts:
            parts["memory"] = memory_energy_j(peak_bytes, wall_s)
            mem = constant("memory_watts_per_gb")
            methods.append(
                f"peak RSS {peak_bytes / 1e9:.3g} GB x {mem.value:g} W/GB x {wall_s:.4g} s"
            )
        gpus_used = 0
        if gpu is not None:
            gpu_j = sum(gpu.energy_j.values())
            parts["gpu"] = Estimate.relative(gpu_j, *constant("nvml_relative").relative)
            gpus_used = len(gpu.energy_j)
            if gpus_used:
                power_source.append("nvml")
            methods.append(gpu.method)
        return parts, methods, power_source, gpus_used

    def _details(
        self,
        times: tuple[pd.Timestamp, pd.Timestamp, float, float, float, int],
        parts: dict[str, Estimate],
        power_source: list[str],
        sources: tuple[Any, Any, Any, Any],
    ) -> dict[str, Any]:
        """Everything the footprint rests on, for the JSON answer and the model card."""
        started, ended, wall_s, cpu_s, cpu_children_s, peak_bytes = times
        rapl, gpu, grid, embodied = sources
        details: dict[str, Any] = {
            "task": self.task,
            "started_at": started.isoformat(),
            "ended_at": ended.isoformat(),
            "wall_seconds": wall_s,
            "cpu_seconds": cpu_s,
            "cpu_seconds_children": cpu_children_s,
            "cpu_clock": self.clock,
            "peak_memory_bytes": int(peak_bytes),
            "power_source": "+".join(power_source),
            "energy_j": {k: v.as_dict() for k, v in parts.items()},
            "cpu": {
                "model": self.core_power.cpu_model,
                "table_name": self.core_power.table_name,
                "tdp_w": self.core_power.tdp_w,
                "watts_per_core": self.core_power.watts.as_dict(),
                "method": self.core_power.method,
            },
            "unavailable": self._unavailable(rapl is not None, gpu),
            "pue": {**self.pue.as_dict(), "method": self._pue_method},
            "grid": {
                "region": grid.region,
                "known_region": grid.known_region,
                "g_per_kwh": grid.g_per_kwh.as_dict(),
                "method": grid.method,
                "source": grid.source,
            },
            "embodied": {
                **embodied.kg_co2e.as_dict(),
                "method": embodied.method,
                "constants": embodied.constants,
            },
            "constants": {
                name: constant(name).record()
                for name in ("memory_watts_per_gb", "cpu_power_model_relative", "rapl_relative")
            },
        }
        if gpu is not None:
            details["gpu"] = {
                "devices_seen": gpu.devices_seen,
                "seconds": gpu.seconds,
                "energy_j": gpu.energy_j,
                "idle_j_not_charged": gpu.idle_j,
                "shared_with_pids": gpu.shared_with_pids,
            }
        return details

    def _unavailable(self, had_rapl: bool, gpu: Any) -> dict[str, str]:
        out = {}
        if not had_rapl:
            out["rapl"] = f"no readable RAPL counters under {self._rapl.root}"
        if gpu is None:
            out["nvml"] = self._nvml_status
        return out


def measure(
    task: str,
    *,
    region: str | None = None,
    pue: float | str | None = None,
    **options: Any,
) -> Meter:
    """A meter for ``task``: a context manager and decorator that records a Footprint.

    Parameters
    ----------
    task : str
        What is measured (``"train-forecaster"``), recorded in the details.
    region : str or None
        ISO 3166-1 alpha-2 code of where the work runs, for the grid intensity (GB: half-hourly
        NESO profile; others: annual average). None or unknown: named in the result and priced at
        the world average with the range of all countries; never a default country.
    pue : float, str or None
        Power usage effectiveness: a number >= 1 (range via ``pue_range=(low, high)``),
        ``"personal"`` (1.0, the default) or ``"data_centre"`` (1.56, range 1.1-1.8).
    **options
        ``cpu_watts_per_core`` (else ``GREENREC_CPU_WATTS_PER_CORE``, else the CPU table),
        ``gpu_devices``, ``machine_cores`` (for the embodied share), ``rapl_root``, ``proc_stat``,
        ``nvml`` (a pynvml-like module, or False to skip GPUs), ``cpuinfo_path``, ``clock``
        (``"process"``, the default: this process's CPU time and its children's; ``"thread"``:
        the calling thread's only, for one request among others in a threaded server).

    Examples
    --------
    >>> with measure("demo", region="FR") as m:
    ...     _ = sum(range(10_000))
    >>> m.footprint.kg_co2e_low <= m.footprint.kg_co2e <= m.footprint.kg_co2e_high
    True
    """
    return Meter(task, region=region, pue=pue, **options)
