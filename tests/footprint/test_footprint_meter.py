"""The meter on this machine (no RAPL, no GPU): CPU-seconds model, grid factor, ranges, misuse."""

from __future__ import annotations

import subprocess
import sys
import time

import pandas as pd
import pytest

from recommender.errors import InvalidInput
from recommender.footprint import Meter, measure

NO_HW = {"rapl_root": "/nonexistent", "nvml": False}


def _busy(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_cpu_seconds_model_by_hand(data_dir):
    with measure("fit", region="FR", cpu_watts_per_core=10.0, **NO_HW) as m:
        _busy(0.1)
    fp = m.footprint
    d = fp.details
    assert d["power_source"] == "cpu-seconds model"
    assert d["cpu_seconds"] >= 0.1
    assert d["wall_seconds"] >= d["cpu_seconds"] * 0.9
    assert d["energy_j"]["cpu"]["value"] == pytest.approx(10.0 * d["cpu_seconds"])
    memory_j = d["peak_memory_bytes"] / 1e9 * 0.3725 * d["wall_seconds"]
    assert d["energy_j"]["memory"]["value"] == pytest.approx(memory_j)
    kwh = (10.0 * d["cpu_seconds"] + memory_j) / 3.6e6
    assert fp.energy_kwh == pytest.approx(kwh)
    france = pd.read_csv(data_dir / "grid/country_carbon_intensity.csv").set_index("iso3")
    g_per_kwh = france.loc["FRA", "g_co2e_per_kwh"]
    assert d["grid"]["g_per_kwh"]["value"] == pytest.approx(g_per_kwh)
    assert fp.kg_co2e == pytest.approx(kwh * g_per_kwh / 1000)
    assert "rapl" in d["unavailable"]


def test_every_figure_is_ordered_and_carries_its_method():
    with measure("fit", region="GB", **NO_HW) as m:
        _busy(0.02)
    fp = m.footprint
    assert 0 <= fp.energy_kwh_low <= fp.energy_kwh <= fp.energy_kwh_high
    assert 0 <= fp.kg_co2e_low <= fp.kg_co2e <= fp.kg_co2e_high
    emb = fp.details["embodied"]
    assert 0 <= emb["low"] <= fp.embodied_kg_co2e <= emb["high"]
    assert "cpu-seconds model" in fp.method and "GB" in fp.method and "PUE" in fp.method
    assert fp.details["grid"]["known_region"] is True
    assert "NESO" in fp.details["grid"]["source"]


@pytest.mark.parametrize(("region", "named"), [(None, "region not given"), ("XX", "'XX'")])
def test_missing_or_unknown_region_is_named_not_replaced(region, named, data_dir):
    with measure("fit", region=region, **NO_HW) as m:
        pass
    fp = m.footprint
    assert named in fp.method
    assert fp.details["grid"]["known_region"] is False
    table = pd.read_csv(data_dir / "grid/country_carbon_intensity.csv")
    g = fp.details["grid"]["g_per_kwh"]
    assert g["low"] == table["g_co2e_per_kwh"].min()
    assert g["high"] == table["g_co2e_per_kwh"].max()
    assert "Canada" not in fp.method


def test_pue_multiplies_energy_and_its_range():
    with measure("fit", region="FR", pue=1.5, pue_range=(1.2, 1.8), **NO_HW) as m:
        _busy(0.02)
    fp = m.footprint
    it_j = sum(p["value"] for p in fp.details["energy_j"].values())
    assert fp.energy_kwh == pytest.approx(it_j / 3.6e6 * 1.5)
    it_low = sum(p["low"] for p in fp.details["energy_j"].values())
    assert fp.energy_kwh_low == pytest.approx(it_low / 3.6e6 * 1.2)


def test_data_centre_pue_comes_from_the_constants_table():
    with measure("fit", pue="data_centre", **NO_HW) as m:
        pass
    assert m.footprint.details["pue"]["value"] == 1.56


@pytest.mark.parametrize("pue", [0.5, float("nan"), "moon"])
def test_bad_pue_is_refused_before_the_work(pue):
    with pytest.raises(InvalidInput):
        measure("fit", pue=pue)


def test_decorator_measures_each_call():
    meter = measure("predict", cpu_watts_per_core=5.0, **NO_HW)

    @meter
    def work(n: int) -> int:
        _busy(0.01)
        return n * 2

    assert work(21) == 42
    first = meter.footprint
    assert work(1) == 2
    assert meter.footprint is not first
    assert work.meter is meter  # type: ignore[attr-defined]


def test_footprint_is_recorded_when_the_work_fails():
    meter = measure("fit", **NO_HW)
    with pytest.raises(ZeroDivisionError), meter:
        _ = 1 / 0
    assert meter.footprint.energy_kwh >= 0


def test_misuse_is_reported():
    meter = Meter("x", **NO_HW)
    with pytest.raises(RuntimeError, match="no finished measurement"):
        _ = meter.footprint
    with pytest.raises(RuntimeError, match="not started"):
        meter.stop()
    meter.start()
    with pytest.raises(RuntimeError, match="already running"):
        meter.start()
    meter.stop()


def test_child_process_cpu_time_is_counted():
    code = "import time\nend = time.process_time() + 0.2\nwhile time.process_time() < end: pass"
    with measure("run", **NO_HW) as m:
        subprocess.run([sys.executable, "-c", code], check=True)
    assert m.footprint.details["cpu_seconds_children"] >= 0.2


def test_sleeping_is_not_charged_cpu_energy():
    with measure("idle", cpu_watts_per_core=12.0, **NO_HW) as m:
        time.sleep(0.2)
    d = m.footprint.details
    assert d["wall_seconds"] >= 0.2
    assert d["energy_j"]["cpu"]["value"] < 12.0 * 0.02  # < 10 % of one busy core
