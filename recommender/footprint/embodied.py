"""Embodied emissions of the hardware a job used (the BLOOM life-cycle method).

A machine's manufacturing footprint is spread over the hours it is in use during its life:
``embodied kg / (lifetime years x 8760 h x utilisation) x hours used x share of the machine used``
(Luccioni, Viguier & Ligozat 2023). For a CPU job the share is the cores it kept busy (CPU-seconds
/ wall seconds) over the server node's cores; each GPU the job used counts whole for the interval.
Reported apart from the operational emissions, as BLOOM does.
"""

from __future__ import annotations

from dataclasses import dataclass

from recommender.errors import InvalidInput, Problem
from recommender.footprint.constants import constant
from recommender.footprint.estimate import Estimate

HOURS_PER_YEAR = 8760.0


def embodied_share_kg(
    embodied_kg: Estimate,
    lifetime_years: Estimate,
    utilisation: float,
    hours_used: float,
    share: float,
) -> Estimate:
    """kg CO2e of ``share`` (0-1) of a machine used for ``hours_used``.

    The range pairs the low embodied figure with the long lifetime and vice versa.
    """
    problems = []
    if not 0.0 < utilisation <= 1.0:
        problems.append(Problem("utilisation", f"{utilisation!r}", "a share in (0, 1]"))
    if not hours_used >= 0.0:
        problems.append(Problem("hours_used", f"{hours_used!r}", "hours >= 0"))
    if not 0.0 <= share <= 1.0:
        problems.append(Problem("share", f"{share!r}", "a share in [0, 1]"))
    if lifetime_years.low <= 0:
        problems.append(Problem("lifetime_years", f"{lifetime_years!r}", "years > 0"))
    if problems:
        raise InvalidInput(problems, source="embodied emissions")
    per_hour_used = Estimate(
        embodied_kg.value / lifetime_years.value,
        embodied_kg.low / lifetime_years.high,
        embodied_kg.high / lifetime_years.low,
    ) * (1.0 / (HOURS_PER_YEAR * utilisation))
    return per_hour_used * (hours_used * share)


@dataclass(frozen=True)
class EmbodiedResult:
    kg_co2e: Estimate
    method: str
    constants: dict[str, object]


def embodied_for_job(
    wall_seconds: float,
    cpu_seconds: float,
    gpus_used: int = 0,
    machine_cores: float | None = None,
) -> EmbodiedResult:
    """Embodied kg CO2e of a job's CPU share of a server node plus the GPUs it used."""
    table = {
        name: constant(name)
        for name in (
            "embodied_server_kg_co2e",
            "embodied_gpu_kg_co2e",
            "hardware_lifetime_years",
            "hardware_utilisation",
            "server_node_cores",
        )
    }
    hours = max(wall_seconds, 0.0) / 3600.0
    busy_cores = cpu_seconds / wall_seconds if wall_seconds > 0 else 0.0
    node_cores = table["server_node_cores"]
    cores = (
        Estimate.exact(machine_cores)
        if machine_cores
        else Estimate(node_cores.value, node_cores.low, node_cores.high)
    )
    share = min(busy_cores / cores.value, 1.0)
    # the node-core count's range moves the share the other way: fewer cores -> bigger share
    share_range = Estimate(
        share, min(busy_cores / cores.high, 1.0), min(busy_cores / cores.low, 1.0)
    )
    life = table["hardware_lifetime_years"].estimate
    use = table["hardware_utilisation"].value
    cpu_part = embodied_share_kg(table["embodied_server_kg_co2e"].estimate, life, use, hours, 1.0)
    total = cpu_part * share_range
    if gpus_used:
        gpu_part = embodied_share_kg(table["embodied_gpu_kg_co2e"].estimate, life, use, hours, 1.0)
        total = total + gpu_part * float(gpus_used)
    method = (
        f"BLOOM method: server node {table['embodied_server_kg_co2e'].value:g} kg CO2e / "
        f"({life.value:g} y x 8760 h x {use:g}) x {hours:.4g} h x {busy_cores:.3g} busy cores / "
        f"{cores.value:g} node cores"
        + (
            f" + {gpus_used} GPU(s) x {table['embodied_gpu_kg_co2e'].value:g} kg"
            if gpus_used
            else ""
        )
    )
    return EmbodiedResult(total, method, {k: c.record() for k, c in table.items()})
