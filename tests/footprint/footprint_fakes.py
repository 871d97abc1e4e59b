"""Fakes for the footprint readers: a sysfs RAPL tree, /proc/stat, a pynvml-like module."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class FakeRapl:
    """A ``/sys/class/powercap`` tree: package-0 with core and dram subzones, and a psys zone."""

    def __init__(self, root: Path, max_range_uj: int = 262_143_328_850) -> None:
        self.root = root
        self.max_range_uj = max_range_uj
        self.zones = {
            "intel-rapl:0": "package-0",
            "intel-rapl:0/intel-rapl:0:0": "core",
            "intel-rapl:0/intel-rapl:0:1": "dram",
            "intel-rapl:1": "psys",
        }
        for rel, name in self.zones.items():
            path = root / rel
            path.mkdir(parents=True)
            (path / "name").write_text(name + "\n")
            (path / "max_energy_range_uj").write_text(f"{max_range_uj}\n")
            (path / "energy_uj").write_text("0\n")

    def set(self, name: str, energy_uj: int) -> None:
        for rel, zone in self.zones.items():
            if zone == name:
                (self.root / rel / "energy_uj").write_text(f"{energy_uj}\n")
                return
        raise KeyError(name)


class FakeProcStat:
    """A ``/proc/stat`` whose busy ticks the test sets (user nice system idle iowait irq softirq
    steal guest guest_nice)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.set_busy_ticks(0)

    def set_busy_ticks(self, ticks: int) -> None:
        self.path.write_text(f"cpu  {ticks} 0 0 999999 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n")


@dataclass
class _Proc:
    pid: int
    usedGpuMemory: int = 0


@dataclass
class _Util:
    gpu: int
    memory: int = 0


@dataclass
class FakeDevice:
    energy_mj: int = 0
    power_mw: int = 0
    utilisation: int = 0
    pids: list[int] = field(default_factory=list)
    has_energy_counter: bool = True


class FakeNVMLError(Exception):
    pass


class FakeNvml:
    """The subset of the pynvml API the reader uses, over devices the test controls."""

    def __init__(self, devices: list[FakeDevice]) -> None:
        self.devices = devices
        self.init_calls = 0

    def nvmlInit(self) -> None:
        self.init_calls += 1

    def nvmlDeviceGetCount(self) -> int:
        return len(self.devices)

    def nvmlDeviceGetHandleByIndex(self, index: int) -> FakeDevice:
        return self.devices[index]

    def nvmlDeviceGetTotalEnergyConsumption(self, handle: FakeDevice) -> int:
        if not handle.has_energy_counter:
            raise FakeNVMLError("Not Supported")
        return handle.energy_mj

    def nvmlDeviceGetPowerUsage(self, handle: FakeDevice) -> int:
        return handle.power_mw

    def nvmlDeviceGetUtilizationRates(self, handle: FakeDevice) -> _Util:
        return _Util(handle.utilisation)

    def nvmlDeviceGetComputeRunningProcesses(self, handle: FakeDevice) -> list[_Proc]:
        return [_Proc(p) for p in handle.pids]
