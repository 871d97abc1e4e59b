"""CPU model detection and the per-core power model, checked against the real CPU table."""

from __future__ import annotations

import csv
import os

import pytest

from recommender.errors import InvalidInput
from recommender.footprint.power import WATTS_ENV, CpuInfo, core_power, lookup_tdp, parse_cpuinfo

CPUINFO = """processor\t: 0
model name\t: AMD Ryzen 5 3600 6-Core Processor
physical id\t: 0
cpu cores\t: 6

processor\t: 1
model name\t: AMD Ryzen 5 3600 6-Core Processor
physical id\t: 0
cpu cores\t: 6
"""


def _table_tdp(data_dir, name: str) -> float:
    with (data_dir / "hardware/cpu_power.csv").open() as handle:
        return next(float(r["TDP"]) for r in csv.DictReader(handle) if r["Name"] == name)


def test_parse_cpuinfo_reads_model_sockets_and_cores():
    info = parse_cpuinfo(CPUINFO)
    assert info == CpuInfo("AMD Ryzen 5 3600 6-Core Processor", 1, 6, 2)


@pytest.mark.parametrize(
    ("cpuinfo_name", "table_name"),
    [
        ("AMD Ryzen 5 3600 6-Core Processor", "AMD Ryzen 5 3600"),
        ("Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz", "Intel Core i7-8700"),
        ("Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz", "Intel Core i7-8700K"),
        ("AMD EPYC 7543 32-Core Processor", "AMD EPYC 7543"),
        ("Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "Intel Xeon Gold 6248"),
    ],
)
def test_lookup_finds_the_table_row(data_dir, cpuinfo_name, table_name):
    assert lookup_tdp(cpuinfo_name) == (table_name, _table_tdp(data_dir, table_name))


def test_generic_model_name_matches_nothing():
    assert lookup_tdp("Intel(R) Xeon(R) Processor") is None


def test_known_cpu_power_is_tdp_over_cores(data_dir):
    power = core_power(parse_cpuinfo(CPUINFO), environ={})
    assert power.watts.value == pytest.approx(_table_tdp(data_dir, "AMD Ryzen 5 3600") / 6)
    assert power.watts.low < power.watts.value < power.watts.high
    assert "AMD Ryzen 5 3600" in power.method


def test_unknown_cpu_uses_the_documented_default_and_says_so(data_dir):
    with (data_dir / "footprint/constants.csv").open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["name"] == "cpu_watts_per_core_unknown")
    power = core_power(CpuInfo("Mystery CPU", 1, 4, 4), environ={})
    assert power.watts.value == float(row["value"])
    assert (power.watts.low, power.watts.high) == (float(row["low"]), float(row["high"]))
    assert "'Mystery CPU' not in" in power.method and WATTS_ENV in power.method


def test_env_var_and_argument_override_in_that_order():
    cpu = parse_cpuinfo(CPUINFO)
    assert core_power(cpu, environ={WATTS_ENV: "7.5"}).watts.value == 7.5
    assert core_power(cpu, 3.0, environ={WATTS_ENV: "7.5"}).watts.value == 3.0
    assert WATTS_ENV in core_power(cpu, environ={WATTS_ENV: "7.5"}).method


@pytest.mark.parametrize("bad", ["twelve", "-1", "0", "nan"])
def test_bad_override_is_refused(bad):
    with pytest.raises(InvalidInput):
        core_power(parse_cpuinfo(CPUINFO), environ={WATTS_ENV: bad})


def test_the_process_environment_is_read_as_a_copy_of_it_was(monkeypatch):
    """Without ``environ``, core_power reads os.environ in place (no copy per answer's meter):
    the same power as with a copy, whether the variable is set, unset or changed meanwhile."""
    cpu = parse_cpuinfo(CPUINFO)
    monkeypatch.delenv(WATTS_ENV, raising=False)
    assert core_power(cpu) == core_power(cpu, environ=dict(os.environ))
    for value in ("7.5", "12"):
        monkeypatch.setenv(WATTS_ENV, value)
        assert core_power(cpu) == core_power(cpu, environ=dict(os.environ))
        assert core_power(cpu).watts.value == float(value)
    monkeypatch.setenv(WATTS_ENV, "twelve")
    with pytest.raises(InvalidInput):
        core_power(cpu)
