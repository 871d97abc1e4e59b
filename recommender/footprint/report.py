"""Reports of a footprint: text, JSON, a CodeCarbon-compatible ``emissions.csv`` row, and the
carbon payback of advice against the footprint of the models that gave it."""

from __future__ import annotations

import csv
import json
import math
import platform
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from recommender.domain import Footprint, to_jsonable
from recommender.errors import InvalidInput, Problem
from recommender.quantities import round_significant

# Column order of CodeCarbon 3.3.2's emissions.csv (codecarbon/output_methods/emissions_data.py).
EMISSIONS_CSV_COLUMNS: tuple[str, ...] = (
    "timestamp", "project_name", "run_id", "experiment_id", "duration", "emissions",
    "emissions_rate", "cpu_power", "gpu_power", "ram_power", "cpu_energy", "gpu_energy",
    "ram_energy", "energy_consumed", "water_consumed", "country_name", "country_iso_code",
    "region", "cloud_provider", "cloud_region", "os", "python_version", "codecarbon_version",
    "cpu_count", "cpu_model", "gpu_count", "gpu_model", "longitude", "latitude",
    "ram_total_size", "tracking_mode", "cpu_utilization_percent", "gpu_utilization_percent",
    "ram_utilization_percent", "ram_used_gb", "on_cloud", "pue", "wue",
)  # fmt: skip
J_PER_KWH = 3.6e6


def carbon_payback(savings_kg_co2e_per_year: float, footprint: Footprint) -> float:
    """Yearly savings advised / the model's footprint (operational + embodied), a ratio.

    2.0 means the advice, if followed, saves twice what training the model emitted, every year.

    Examples
    --------
    >>> carbon_payback(10.0, Footprint(0.1, 0.02, 0.01, 0.04, "m", embodied_kg_co2e=0.03))
    200.0
    """
    total = footprint.kg_co2e + (footprint.embodied_kg_co2e or 0.0)
    _check_payback_inputs(savings_kg_co2e_per_year, total)
    return savings_kg_co2e_per_year / total


def carbon_payback_range(
    savings_kg_co2e_per_year: tuple[float, float, float], footprint: Footprint
) -> tuple[float, float, float | None]:
    """(central, low, high) payback from savings (central, P10, P90) and the footprint's range,
    each to two significant figures: the low end divides the low savings by the high footprint.
    ``high`` is None when the footprint's low end is zero (no finite bound).

    >>> carbon_payback_range((10.0, 5.0, 20.0), Footprint(0.1, 0.02, 0.01, 0.04, "m"))
    (500.0, 120.0, 2000.0)
    """
    central, low, high = savings_kg_co2e_per_year
    embodied = footprint.embodied_kg_co2e or 0.0
    ratio = carbon_payback(central, footprint)
    _check_payback_inputs(low, footprint.kg_co2e_high + embodied)
    low_ratio = low / (footprint.kg_co2e_high + embodied)
    bottom = footprint.kg_co2e_low + embodied
    high_ratio = high / bottom if bottom > 0 else None
    return (
        round_significant(ratio),
        round_significant(low_ratio),
        None if high_ratio is None else round_significant(high_ratio),
    )


def _check_payback_inputs(savings_kg_co2e_per_year: float, total: float) -> None:
    problems = []
    if not math.isfinite(savings_kg_co2e_per_year):
        problems.append(Problem("savings_kg_co2e_per_year", "not finite", "a number of kg"))
    if not (math.isfinite(total) and total > 0):
        problems.append(
            Problem("footprint", f"total {total!r} kg CO2e", "a positive footprint to divide by")
        )
    if problems:
        raise InvalidInput(problems, source="carbon_payback")


def share_of(footprint: Footprint, n_answers: int) -> Footprint:
    """One answer's share of a footprint measured over ``n_answers`` computed together.

    A chunk of households is scored in one pass (one model call for all of them), so its
    measured energy is divided equally; the method says so. A chunk of one is returned as is.

    >>> whole = Footprint(energy_kwh=4e-6, kg_co2e=1e-6, kg_co2e_low=5e-7, kg_co2e_high=2e-6,
    ...                   method="measured")
    >>> share_of(whole, 4).energy_kwh, share_of(whole, 4).method
    (1e-06, 'measured; one equal share of 4 answers computed together')
    """
    if n_answers < 1:
        raise ValueError(f"n_answers must be at least 1, not {n_answers}")
    if n_answers == 1:
        return footprint

    def part(value: float | None) -> float | None:
        return None if value is None else value / n_answers

    return replace(
        footprint,
        energy_kwh=footprint.energy_kwh / n_answers,
        kg_co2e=footprint.kg_co2e / n_answers,
        kg_co2e_low=footprint.kg_co2e_low / n_answers,
        kg_co2e_high=footprint.kg_co2e_high / n_answers,
        energy_kwh_low=part(footprint.energy_kwh_low),
        energy_kwh_high=part(footprint.energy_kwh_high),
        embodied_kg_co2e=part(footprint.embodied_kg_co2e),
        method=f"{footprint.method}; one equal share of {n_answers} answers computed together",
        details={**footprint.details, "answers_in_chunk": n_answers},
    )


def footprint_from_dict(data: Mapping[str, Any], where: str = "training_footprint") -> Footprint:
    """A Footprint from its JSON form (a model card's ``training_footprint``)."""
    required = ("energy_kwh", "kg_co2e", "kg_co2e_low", "kg_co2e_high", "method")
    missing = [Problem(f"{where}.{k}", "missing", "a value") for k in required if k not in data]
    if missing:
        raise InvalidInput(missing, source=where)
    known = set(Footprint.__dataclass_fields__)
    return Footprint(**{k: v for k, v in data.items() if k in known})


def _fmt(x: float | None, unit: str) -> str:
    return "n/a" if x is None else f"{x:.4g} {unit}"


def format_text(footprint: Footprint, title: str = "") -> str:
    """A human-readable report: figures with ranges, then how they were obtained."""
    d = footprint.details
    lines = [title] if title else []
    lines += [
        f"  energy     {_fmt(footprint.energy_kwh, 'kWh')}  "
        f"(range {_fmt(footprint.energy_kwh_low, '')}- {_fmt(footprint.energy_kwh_high, 'kWh')})",
        f"  emissions  {_fmt(footprint.kg_co2e, 'kg CO2e')}  "
        f"(range {footprint.kg_co2e_low:.4g} - {footprint.kg_co2e_high:.4g} kg CO2e)",
    ]
    emb = d.get("embodied", {})
    if footprint.embodied_kg_co2e is not None:
        rng = f" (range {emb['low']:.4g} - {emb['high']:.4g})" if "low" in emb else ""
        lines.append(f"  embodied   {footprint.embodied_kg_co2e:.4g} kg CO2e{rng}, reported apart")
    if "wall_seconds" in d:
        lines.append(
            f"  time       {d['wall_seconds']:.4g} s wall, {d.get('cpu_seconds', 0.0):.4g} s CPU, "
            f"peak memory {d.get('peak_memory_bytes', 0) / 1e6:.4g} MB"
        )
    grid = d.get("grid")
    if grid:
        g = grid["g_per_kwh"]
        lines.append(
            f"  grid       {grid.get('region') or 'region not given'}: {g['value']:.4g} g/kWh "
            f"({g['low']:.4g} - {g['high']:.4g}), {grid['source']}"
        )
    if "power_source" in d:
        lines.append(f"  source     {d['power_source']}")
    for name, reason in d.get("unavailable", {}).items():
        lines.append(f"  not used   {name}: {reason}")
    lines.append(f"  method     {footprint.method}")
    return "\n".join(lines)


def to_json(footprint: Footprint) -> dict[str, Any]:
    """The footprint as plain JSON-ready values."""
    result: dict[str, Any] = to_jsonable(footprint)
    return result


def emissions_csv_row(
    footprint: Footprint,
    *,
    project_name: str = "greenrec",
    run_id: str = "",
    experiment_id: str = "",
) -> dict[str, Any]:
    """One row in CodeCarbon 3.3.2's ``emissions.csv`` columns (kWh, kg, W, s, GB).

    Energies include PUE so they add up to ``energy_consumed``; powers are mean watts over the
    wall time before PUE. Fields greenrec does not know are left empty, never guessed.
    """
    d = footprint.details
    wall = float(d.get("wall_seconds", 0.0))
    pue = float(d.get("pue", {}).get("value", 1.0))
    parts = d.get("energy_j", {})

    def joules(name: str) -> float:
        return float(parts.get(name, {}).get("value", 0.0))

    def power(name: str) -> float:
        return joules(name) / wall if wall > 0 else 0.0

    grid = d.get("grid", {})
    region = grid.get("region") or ""
    gpu = d.get("gpu", {})
    cpu = d.get("cpu", {})
    started = str(d.get("started_at", ""))[:19]
    row = {
        "timestamp": started,
        "project_name": project_name,
        "run_id": run_id,
        "experiment_id": experiment_id,
        "duration": wall,
        "emissions": footprint.kg_co2e,
        "emissions_rate": footprint.kg_co2e / wall if wall > 0 else 0.0,
        "cpu_power": power("cpu"),
        "gpu_power": power("gpu"),
        "ram_power": power("memory"),
        "cpu_energy": joules("cpu") * pue / J_PER_KWH,
        "gpu_energy": joules("gpu") * pue / J_PER_KWH,
        "ram_energy": joules("memory") * pue / J_PER_KWH,
        # the parts' sum when they are known, so the row adds up as CodeCarbon's does
        "energy_consumed": (
            (joules("cpu") + joules("gpu") + joules("memory")) * pue / J_PER_KWH
            if parts
            else footprint.energy_kwh
        ),
        "water_consumed": "",
        "country_name": "",
        "country_iso_code": _alpha3(region) if grid.get("known_region") else "",
        "region": region,
        "cloud_provider": "",
        "cloud_region": "",
        "os": platform.platform(),
        "python_version": platform.python_version(),
        "codecarbon_version": "",
        "cpu_count": _cpu_count(),
        "cpu_model": cpu.get("model", ""),
        "gpu_count": len(gpu.get("energy_j", {})),
        "gpu_model": "",
        "longitude": "",
        "latitude": "",
        "ram_total_size": _ram_total_gb(),
        "tracking_mode": "process",
        "cpu_utilization_percent": "",
        "gpu_utilization_percent": "",
        "ram_utilization_percent": "",
        "ram_used_gb": int(d.get("peak_memory_bytes", 0)) / 1e9,
        "on_cloud": "",
        "pue": pue,
        "wue": "",
    }
    return row


def write_emissions_csv(path: Path | str, rows: list[dict[str, Any]]) -> Path:
    """Append rows to a CodeCarbon-style ``emissions.csv``, writing the header if it is new."""
    path = Path(path)
    new = not path.exists() or path.stat().st_size == 0
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=EMISSIONS_CSV_COLUMNS)
        if new:
            writer.writeheader()
        writer.writerows(rows)
    return path


def _alpha3(region: str) -> str:
    try:
        from recommender.grid.regions import alpha3
    except ImportError:  # grid package without the code table: leave the column empty
        return ""
    try:
        return alpha3(region)
    except InvalidInput:
        return ""


def _cpu_count() -> int:
    import os

    return os.cpu_count() or 0


def _ram_total_gb() -> float:
    import psutil

    return float(psutil.virtual_memory().total) / 1e9


def dumps(footprint: Footprint) -> str:
    return json.dumps(to_json(footprint), indent=2, sort_keys=True)
