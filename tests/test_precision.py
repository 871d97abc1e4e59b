"""A tiny footprint keeps its value end to end: JSON, the table, the model card and the CSV row.

One answer's inference footprint is about 5e-7 kWh; serialising by decimals published it as 0.0.
"""

from __future__ import annotations

import json

import pytest

from recommender import registry
from recommender.domain import Footprint, to_jsonable
from recommender.footprint import emissions_csv_row, footprint_from_dict
from recommender.render import _footprint_line

KWH = 5e-7  # 1.8 J
TINY = Footprint(
    energy_kwh=KWH,
    kg_co2e=3.04e-7,
    kg_co2e_low=1.1e-7,
    kg_co2e_high=6.2e-7,
    method="cpu-seconds model",
    energy_kwh_low=2.5e-7,
    energy_kwh_high=9.0e-7,
    embodied_kg_co2e=4.4e-9,
    details={
        "energy_j": {"cpu": {"value": 1.5}, "memory": {"value": 0.3}},
        "wall_seconds": 0.0123,
        "grid": {"region": "GB"},
        "power_source": "cpu-seconds model",
    },
)


def test_json_keeps_every_figure() -> None:
    back = json.loads(json.dumps(to_jsonable(TINY)))
    assert back["energy_kwh"] == KWH
    assert back["kg_co2e_low"] == 1.1e-7 and back["embodied_kg_co2e"] == 4.4e-9


def test_the_table_prints_it_in_small_units_with_its_range() -> None:
    line = _footprint_line("This answer's footprint", TINY)
    assert "500 µWh" in line and "300 µg CO2e" in line and "110 µg-620 µg" in line


def test_the_model_card_keeps_it(tmp_path) -> None:
    from sklearn.dummy import DummyRegressor

    model = DummyRegressor().fit([[0.0]], [0.0])
    registry.save_model(
        model,
        "tiny",
        tmp_path,
        training_data={},
        metrics={},
        wall_seconds=0.0123,
        cpu_seconds=0.01,
        training_footprint=to_jsonable(TINY),
    )
    _, card = registry.load_model("tiny", tmp_path)
    assert card.training_footprint is not None
    assert footprint_from_dict(card.training_footprint).energy_kwh == KWH
    assert card.training_footprint["kg_co2e_low"] == 1.1e-7


def test_the_codecarbon_row_adds_up() -> None:
    row = emissions_csv_row(TINY)
    parts = row["cpu_energy"] + row["gpu_energy"] + row["ram_energy"]
    assert row["energy_consumed"] == pytest.approx(KWH, rel=1e-12)
    assert row["energy_consumed"] == pytest.approx(parts, rel=1e-12)
