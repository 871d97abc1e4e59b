"""Power model of this process's CPU and memory use, for machines without energy counters.

Energy of the CPU = the process's CPU-seconds x the power of one busy core. The power of a core is
the CPU's thermal design power (TDP, from ``data/hardware/cpu_power.csv``) divided by its physical
cores per socket, or, for a model not in the table, a documented default (Green Algorithms' 12 W per
core) that ``GREENREC_CPU_WATTS_PER_CORE`` or ``cpu_watts_per_core=`` overrides. Counting this
process's CPU-seconds, not the machine's load, charges the same energy for the same work whatever
else runs on the machine, and charges no idle power to the job. Memory: the peak resident memory of
the process x 0.3725 W/GB (Green Algorithms) over the wall time.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from recommender.errors import InvalidInput, Problem
from recommender.footprint.constants import constant
from recommender.footprint.estimate import Estimate
from recommender.reference import cpu_power_table

WATTS_ENV = "GREENREC_CPU_WATTS_PER_CORE"
CPU_TABLE_SOURCE = "data/hardware/cpu_power.csv (CodeCarbon 3.3.2, MIT)"

_NOISE = re.compile(
    r"\((?:r|tm)\)|\b(?:cpu|processor|\d+-core|with radeon graphics|radeon graphics)\b|@.*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CpuInfo:
    """What ``/proc/cpuinfo`` says about the CPU: model name, sockets and cores per socket."""

    model: str
    sockets: int
    cores_per_socket: int
    logical_cpus: int


@dataclass(frozen=True)
class CorePower:
    """Power of one busy core (W) with its range, and where it comes from."""

    watts: Estimate
    method: str
    cpu_model: str
    tdp_w: float | None = None
    table_name: str | None = None


def parse_cpuinfo(text: str) -> CpuInfo:
    """Model name, socket count and cores per socket from the text of ``/proc/cpuinfo``."""
    model = ""
    sockets: set[str] = set()
    cores = 0
    logical = 0
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "processor":
            logical += 1
        elif key == "model name" and not model:
            model = value
        elif key == "physical id":
            sockets.add(value)
        elif key == "cpu cores" and not cores:
            cores = int(value) if value.isdigit() else 0
    logical = max(logical, 1)
    return CpuInfo(
        model=model or "unknown",
        sockets=max(len(sockets), 1),
        cores_per_socket=cores or logical,
        logical_cpus=logical,
    )


@cache
def local_cpu(cpuinfo_path: str = "/proc/cpuinfo") -> CpuInfo:
    """This machine's CPU (cached); ``unknown`` model where ``/proc/cpuinfo`` is unreadable."""
    try:
        return parse_cpuinfo(Path(cpuinfo_path).read_text(encoding="utf-8", errors="replace"))
    except OSError:
        count = os.cpu_count() or 1
        return CpuInfo("unknown", 1, count, count)


def _normalise(name: str) -> str:
    text = _NOISE.sub(" ", name)
    return " ".join(text.lower().replace("-", " ").split())


@cache
def _table_index() -> dict[str, tuple[str, float]]:
    """Normalised name -> (name, TDP). Rows whose TDP is not a number (two Celerons read
    ``27.29.5`` in the source table) are left out, so those models fall back to the default."""
    table = cpu_power_table()
    tdps = pd.to_numeric(table["tdp_w"], errors="coerce")
    index: dict[str, tuple[str, float]] = {}
    for name, tdp in zip(table["name"], tdps, strict=True):
        if isinstance(name, str) and math.isfinite(tdp) and tdp > 0:
            index.setdefault(_normalise(name), (name, float(tdp)))
    return index


@cache
def lookup_tdp(model: str) -> tuple[str, float] | None:
    """(table name, TDP W) of a CPU model name as ``/proc/cpuinfo`` writes it, or None.

    Exact match after dropping vendor marks, clock speed and words like "CPU"; else the longest
    table name that appears as whole words in the model name and carries a model number (a digit),
    so a generic "Intel(R) Xeon(R) Processor" matches nothing rather than a random Xeon.
    """
    wanted = _normalise(model)
    index = _table_index()
    if wanted in index:
        return index[wanted]
    padded = f" {wanted} "
    best: tuple[str, float] | None = None
    best_len = 0
    for key, entry in index.items():
        if len(key) > best_len and any(c.isdigit() for c in key) and f" {key} " in padded:
            best, best_len = entry, len(key)
    return best


def core_power(
    cpu: CpuInfo,
    watts_per_core: float | None = None,
    environ: Mapping[str, str] | None = None,
) -> CorePower:
    """Power of one busy core of ``cpu``: argument, else env var, else CPU table, else default.

    The environment is read where it is (one variable), not copied: every answer's meter asks."""
    environ = os.environ if environ is None else environ
    if watts_per_core is None and environ.get(WATTS_ENV):
        raw = environ[WATTS_ENV]
        try:
            watts_per_core = float(raw)
        except ValueError:
            raise InvalidInput(
                Problem(WATTS_ENV, f"{raw!r} is not a number", "watts per core, e.g. 12"),
                source="environment",
            ) from None
        origin = f"set by {WATTS_ENV}"
    else:
        origin = "set by cpu_watts_per_core="
    if watts_per_core is not None:
        if not (math.isfinite(watts_per_core) and watts_per_core > 0):
            raise InvalidInput(
                Problem("cpu_watts_per_core", f"{watts_per_core!r}", "a positive number of watts"),
                source="measure",
            )
        return CorePower(
            watts=Estimate.exact(watts_per_core),
            method=f"{watts_per_core:g} W per busy core, {origin}",
            cpu_model=cpu.model,
        )
    found = lookup_tdp(cpu.model)
    if found is None:
        default = constant("cpu_watts_per_core_unknown")
        return CorePower(
            watts=default.estimate,
            method=(
                f"CPU model {cpu.model!r} not in {CPU_TABLE_SOURCE}: default {default.value:g} W "
                f"per busy core ({default.low:g}-{default.high:g}), set {WATTS_ENV} to override"
            ),
            cpu_model=cpu.model,
        )
    name, tdp = found
    per_core = tdp / cpu.cores_per_socket
    low, high = constant("cpu_power_model_relative").relative
    return CorePower(
        watts=Estimate.relative(per_core, low, high),
        method=(
            f"TDP {tdp:g} W of {name!r} ({CPU_TABLE_SOURCE}) / {cpu.cores_per_socket} cores "
            f"= {per_core:.3g} W per busy core"
        ),
        cpu_model=cpu.model,
        tdp_w=tdp,
        table_name=name,
    )


def cpu_energy_j(cpu_seconds: float, power: CorePower) -> Estimate:
    """Energy (J) of ``cpu_seconds`` of busy cores at ``power``."""
    return power.watts * max(cpu_seconds, 0.0)


def memory_energy_j(peak_rss_bytes: float, wall_seconds: float) -> Estimate:
    """Energy (J) of holding ``peak_rss_bytes`` for ``wall_seconds`` (Green Algorithms' W/GB)."""
    gigabytes = max(peak_rss_bytes, 0.0) / 1e9
    return constant("memory_watts_per_gb").estimate * (gigabytes * max(wall_seconds, 0.0))
