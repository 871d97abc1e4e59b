"""NVML reader against a fake pynvml module: counter and sampling paths, only devices used."""

from __future__ import annotations

import threading
import time

import pytest
from footprint_fakes import FakeDevice, FakeNvml

from recommender.footprint import measure


def test_counter_path_charges_only_the_device_this_process_runs_on(me):
    used = FakeDevice(energy_mj=1_000_000, pids=[me])
    other = FakeDevice(energy_mj=5_000_000, pids=[me + 1])
    nvml = FakeNvml([used, other])
    with measure("gpu", nvml=nvml, rapl_root="/nonexistent") as m:
        used.energy_mj += 30_000  # 30 J on our device
        other.energy_mj += 900_000  # someone else's job
    fp = m.footprint
    assert nvml.init_calls == 1
    assert fp.details["gpu"]["energy_j"] == {0: pytest.approx(30.0)}
    assert fp.details["energy_j"]["gpu"]["value"] == pytest.approx(30.0)
    assert "nvml" in fp.details["power_source"]
    assert "total energy counter" in fp.method


def test_idle_power_at_start_is_not_charged(me):
    device = FakeDevice(energy_mj=0, power_mw=50_000, utilisation=0, pids=[me])
    with measure("gpu", nvml=FakeNvml([device]), rapl_root="/nonexistent") as m:
        time.sleep(0.05)
        device.energy_mj += 100_000  # 100 J in total, of which 50 W x wall is idle
    gpu = m.footprint.details["gpu"]
    idle = gpu["idle_j_not_charged"][0]
    assert idle == pytest.approx(50.0 * gpu["seconds"])
    assert gpu["seconds"] >= m.footprint.details["wall_seconds"]
    assert gpu["energy_j"][0] == pytest.approx(100.0 - idle)


def test_busy_device_at_start_keeps_its_whole_energy(me):
    device = FakeDevice(energy_mj=0, power_mw=300_000, utilisation=80, pids=[me])
    with measure("gpu", nvml=FakeNvml([device]), rapl_root="/nonexistent") as m:
        device.energy_mj += 40_000
    assert m.footprint.details["gpu"]["energy_j"][0] == pytest.approx(40.0)


def test_process_seen_only_at_the_end_still_counts(me):
    device = FakeDevice(energy_mj=0)
    with measure("gpu", nvml=FakeNvml([device]), rapl_root="/nonexistent") as m:
        device.pids.append(me)  # the CUDA context is created inside the block
        device.energy_mj += 12_000
    assert m.footprint.details["gpu"]["energy_j"] == {0: pytest.approx(12.0)}


def test_no_device_used_is_said_and_nothing_charged(me):
    nvml = FakeNvml([FakeDevice(energy_mj=0, pids=[me + 7])])
    with measure("gpu", nvml=nvml, rapl_root="/nonexistent") as m:
        nvml.devices[0].energy_mj += 50_000
    fp = m.footprint
    assert fp.details["energy_j"]["gpu"]["value"] == 0.0
    assert f"no GPU used by this process (pid {me})" in fp.method
    assert fp.details["power_source"] == "cpu-seconds model"


def test_requested_devices_override_the_pid_match(me):
    nvml = FakeNvml([FakeDevice(energy_mj=0), FakeDevice(energy_mj=0)])
    with measure("gpu", nvml=nvml, gpu_devices=(1,), rapl_root="/nonexistent") as m:
        nvml.devices[1].energy_mj += 8_000
    assert m.footprint.details["gpu"]["energy_j"] == {1: pytest.approx(8.0)}


def test_sampling_path_integrates_power_when_there_is_no_counter(me):
    device = FakeDevice(power_mw=200_000, utilisation=90, pids=[me], has_energy_counter=False)
    with measure("gpu", nvml=FakeNvml([device]), rapl_root="/nonexistent") as m:
        time.sleep(0.45)
    fp = m.footprint
    wall = fp.details["gpu"]["seconds"]
    joules = fp.details["gpu"]["energy_j"][0]
    # constant 200 W integrated from the session's start to its stop
    assert joules == pytest.approx(200.0 * wall, rel=0.01)
    assert "power sampled" in fp.method
    assert not any(t.name == "greenrec-nvml" for t in threading.enumerate())


def test_nvml_can_be_switched_off():
    with measure("cpu", nvml=False) as m:
        pass
    assert m.footprint.details["unavailable"]["nvml"] == "NVML disabled by the caller"
