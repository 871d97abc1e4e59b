"""RAPL reader on a fake sysfs tree, wrap-around included, and the meter's use of it."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recommender.footprint import measure
from recommender.footprint.rapl import RaplReader, counter_delta_uj, machine_busy_seconds


def test_reader_finds_package_and_dram_and_skips_core_and_psys(fake_rapl):
    reader = RaplReader(fake_rapl.root)
    assert [z.name for z in reader.zones] == ["package-0", "dram"]
    assert reader.available and reader.has_dram


def test_missing_root_means_no_rapl(tmp_path):
    assert not RaplReader(tmp_path / "absent").available


def test_unreadable_counter_is_skipped(fake_rapl):
    (fake_rapl.root / "intel-rapl:0/intel-rapl:0:1/energy_uj").write_text("not a number")
    assert [z.name for z in RaplReader(fake_rapl.root).zones] == ["package-0"]


def test_delta_across_a_wrap(fake_rapl):
    reader = RaplReader(fake_rapl.root)
    top = fake_rapl.max_range_uj
    fake_rapl.set("package-0", top - 1_000_000)  # 1 J before the wrap
    fake_rapl.set("dram", 5_000_000)
    start = reader.read()
    fake_rapl.set("package-0", 2_000_000)  # wrapped, 2 J after
    fake_rapl.set("dram", 7_500_000)
    joules = reader.delta_j(start, reader.read())
    assert joules == {"intel-rapl:0 package-0": pytest.approx(3.0), "intel-rapl:0:1 dram": 2.5}


@given(
    max_range=st.integers(min_value=1, max_value=2**40),
    start_frac=st.floats(min_value=0, max_value=1, exclude_max=True),
    delta_frac=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_counter_delta_recovers_any_single_wrap(max_range, start_frac, delta_frac):
    start = int(start_frac * max_range)
    delta = int(delta_frac * max_range)
    end = (start + delta) % max_range
    assert counter_delta_uj(start, end, max_range) == delta


def test_machine_busy_seconds_excludes_idle_and_iowait(tmp_path):
    stat = tmp_path / "stat"
    stat.write_text("cpu  100 20 30 5000 70 4 6 9 0 0\n")
    # user + nice + system + irq + softirq, at 100 ticks per second
    assert machine_busy_seconds(stat, 100) == pytest.approx((100 + 20 + 30 + 4 + 6) / 100)


def _busy(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_meter_charges_rapl_energy_times_the_process_share_of_busy_time(fake_rapl, fake_stat):
    meter = measure("rapl", rapl_root=fake_rapl.root, proc_stat=fake_stat.path, nvml=False)
    fake_rapl.set("package-0", fake_rapl.max_range_uj - 4_000_000)
    with meter:
        _busy(0.05)
        fake_rapl.set("package-0", 6_000_000)  # 10 J across the wrap
        fake_rapl.set("dram", 2_000_000)  # 2 J
        fake_stat.set_busy_ticks(100 * 100)  # the machine was busy 100 CPU-s
    fp = meter.footprint
    share = fp.details["cpu_seconds"] / 100.0
    assert fp.details["power_source"] == "rapl"
    assert fp.details["energy_j"]["cpu"]["value"] == pytest.approx(10.0 * share)
    assert fp.details["energy_j"]["memory"]["value"] == pytest.approx(2.0 * share)
    assert fp.energy_kwh == pytest.approx(12.0 * share / 3.6e6)
    assert fp.energy_kwh_low <= fp.energy_kwh <= fp.energy_kwh_high


def test_meter_share_is_capped_at_the_whole_socket(fake_rapl, fake_stat):
    with measure("rapl", rapl_root=fake_rapl.root, proc_stat=fake_stat.path, nvml=False) as m:
        _busy(0.05)
        fake_rapl.set("package-0", 7_000_000)
        fake_stat.set_busy_ticks(1)  # /proc/stat saw less busy time than the process used
    assert m.footprint.details["energy_j"]["cpu"]["value"] == pytest.approx(7.0)
