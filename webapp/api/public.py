"""What an answer may say about the server: no host details unless the operator turns them on.

A footprint's ``details`` name the CPU model, the peak memory, timings and which counters were
unreadable under which path; its ``method`` repeats some of that. By default the API keeps the
energy and carbon figures, their ranges and the PUE and grid they rest on, drops the host's part
of ``details`` and says so in ``method``. ``GREENREC_HOST_DETAILS=1`` publishes everything.
"""

from __future__ import annotations

from typing import Any

HOST_KEYS = frozenset(
    {
        "cpu",
        "gpu",
        "peak_memory_bytes",
        "unavailable",
        "wall_seconds",
        "cpu_seconds",
        "cpu_seconds_children",
        "started_at",
        "ended_at",
    }
)
_WALKED = (dict, list)  # what may hold a footprint; every other value is kept as it is
WITHHELD = "host details withheld (the operator may publish them: GREENREC_HOST_DETAILS=1)"


def _is_footprint(obj: dict[str, Any]) -> bool:
    return "kg_co2e" in obj and "method" in obj and isinstance(obj.get("details"), dict)


def _public_footprint(footprint: dict[str, Any]) -> dict[str, Any]:
    details = {k: v for k, v in footprint["details"].items() if k not in HOST_KEYS}
    parts = [f"measured ({details.get('power_source', 'unknown source')})"]
    if isinstance(details.get("pue"), dict) and "method" in details["pue"]:
        parts.append(str(details["pue"]["method"]))
    grid = details.get("grid")
    if isinstance(grid, dict) and "method" in grid:
        parts.append(f"grid: {grid.get('region') or 'region not set'}: {grid['method']}")
    parts.append(WITHHELD)
    return {**footprint, "method": "; ".join(parts), "details": without_host_details(details)}


def without_host_details(obj: Any) -> Any:
    """``obj`` (a JSON-ready answer) with every footprint's host details removed.

    Only dicts and lists are walked into: any other value is kept as it is, without a call (an
    answer's forecast alone is 672 floats)."""
    if isinstance(obj, dict):
        if _is_footprint(obj):
            return _public_footprint(obj)
        return {k: without_host_details(v) if isinstance(v, _WALKED) else v for k, v in obj.items()}
    if isinstance(obj, list):
        return [without_host_details(v) if isinstance(v, _WALKED) else v for v in obj]
    return obj
