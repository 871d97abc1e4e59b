"""Intel/AMD RAPL energy counters (``/sys/class/powercap/intel-rapl*``) and machine CPU time.

RAPL counts the energy of whole sockets (``package-N``) and, where exposed, their memory
(``dram`` subzones) in microjoules; each counter wraps to zero at ``max_energy_range_uj``. Socket
energy belongs to everything the machine runs, so the meter charges this process the share of it
that matches the process's share of the machine's busy CPU time (``/proc/stat``) over the interval.
Readers take their root directory so tests can point them at a fake sysfs tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_ROOT = Path("/sys/class/powercap")
PROC_STAT = Path("/proc/stat")


@dataclass(frozen=True)
class RaplZone:
    """One counter: its sysfs directory, name (``package-0``, ``dram``) and wrap-around range."""

    path: Path
    name: str
    max_energy_range_uj: int

    def read_uj(self) -> int:
        return int((self.path / "energy_uj").read_text().strip())


def counter_delta_uj(start_uj: int, end_uj: int, max_energy_range_uj: int) -> int:
    """Energy counted between two readings, allowing for one wrap-around of the counter."""
    if end_uj >= start_uj:
        return end_uj - start_uj
    return max_energy_range_uj - start_uj + end_uj


class RaplReader:
    """Reads the package and DRAM RAPL counters under ``root`` (one wrap per interval allowed).

    ``psys`` (whole platform) zones are skipped when package zones exist, so nothing counts twice.
    Read at least once per wrap period (tens of minutes to hours on current CPUs); a long run is
    handled by :meth:`poll`, which the meter calls from a timer.
    """

    def __init__(self, root: Path | str = DEFAULT_ROOT) -> None:
        self.root = Path(root)
        self.zones: tuple[RaplZone, ...] = self._discover()

    def _discover(self) -> tuple[RaplZone, ...]:
        zones: list[RaplZone] = []
        if not self.root.is_dir():
            return ()
        for top in sorted(self.root.glob("intel-rapl:*")):
            if top.name.count(":") != 1:
                continue
            for path in (top, *sorted(top.glob(f"{top.name}:*"))):
                zone = _zone(path)
                if zone is not None and (path == top or zone.name == "dram"):
                    zones.append(zone)
        if any(z.name.startswith("package") for z in zones):
            zones = [z for z in zones if z.name != "psys"]
        return tuple(zones)

    @property
    def available(self) -> bool:
        """True when at least one counter can be read."""
        return bool(self.zones)

    @property
    def has_dram(self) -> bool:
        return any(z.name == "dram" for z in self.zones)

    def read(self) -> tuple[int, ...]:
        """Current counter values (µJ), in the order of :attr:`zones`."""
        return tuple(z.read_uj() for z in self.zones)

    def delta_j(self, start: tuple[int, ...], end: tuple[int, ...]) -> dict[str, float]:
        """Joules per zone name between two :meth:`read` results."""
        out: dict[str, float] = {}
        for zone, a, b in zip(self.zones, start, end, strict=True):
            key = f"{zone.path.name} {zone.name}"
            out[key] = counter_delta_uj(a, b, zone.max_energy_range_uj) / 1e6
        return out


def _zone(path: Path) -> RaplZone | None:
    try:
        name = (path / "name").read_text().strip()
        max_range = int((path / "max_energy_range_uj").read_text().strip())
        int((path / "energy_uj").read_text().strip())  # readable? (root-only on recent kernels)
    except (OSError, ValueError):
        return None
    return RaplZone(path=path, name=name, max_energy_range_uj=max_range)


def machine_busy_seconds(stat_path: Path | str = PROC_STAT, ticks_per_second: int = 100) -> float:
    """CPU-seconds all CPUs spent busy since boot (``/proc/stat`` first line, idle and iowait
    excluded; guest time is already inside user time)."""
    with open(stat_path, encoding="ascii") as handle:
        fields = handle.readline().split()
    values = [int(v) for v in fields[1:9]]  # user nice system idle iowait irq softirq steal
    user, nice, system, _idle, _iowait, irq, softirq, _steal = values
    return (user + nice + system + irq + softirq) / ticks_per_second
