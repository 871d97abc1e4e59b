"""Reports: carbon payback, the CodeCarbon emissions.csv row, text; and the footprint command."""

from __future__ import annotations

import csv
import json
import sys

import pytest
from click.testing import CliRunner

from recommender.cli.footprint import footprint as footprint_command
from recommender.domain import Footprint, to_jsonable
from recommender.errors import InvalidInput
from recommender.footprint import (
    EMISSIONS_CSV_COLUMNS,
    carbon_payback,
    emissions_csv_row,
    format_text,
    measure,
    write_emissions_csv,
)

# CodeCarbon 3.3.2, codecarbon/output_methods/emissions_data.py, EmissionsData field order
CODECARBON_3_3_2 = [
    "timestamp",
    "project_name",
    "run_id",
    "experiment_id",
    "duration",
    "emissions",
    "emissions_rate",
    "cpu_power",
    "gpu_power",
    "ram_power",
    "cpu_energy",
    "gpu_energy",
    "ram_energy",
    "energy_consumed",
    "water_consumed",
    "country_name",
    "country_iso_code",
    "region",
    "cloud_provider",
    "cloud_region",
    "os",
    "python_version",
    "codecarbon_version",
    "cpu_count",
    "cpu_model",
    "gpu_count",
    "gpu_model",
    "longitude",
    "latitude",
    "ram_total_size",
    "tracking_mode",
    "cpu_utilization_percent",
    "gpu_utilization_percent",
    "ram_utilization_percent",
    "ram_used_gb",
    "on_cloud",
    "pue",
    "wue",
]


@pytest.fixture(scope="module")
def measured() -> Footprint:
    with measure("fit", region="GB", pue=1.2, rapl_root="/nonexistent", nvml=False) as m:
        sum(i * i for i in range(200_000))
    return m.footprint


def test_carbon_payback_by_hand():
    fp = Footprint(0.5, 0.1, 0.05, 0.2, "m", embodied_kg_co2e=0.15)
    assert carbon_payback(14.2, fp) == pytest.approx(14.2 / 0.25)


def test_carbon_payback_refuses_a_zero_footprint_and_nan_savings():
    with pytest.raises(InvalidInput) as err:
        carbon_payback(float("nan"), Footprint(0.0, 0.0, 0.0, 0.0, "m"))
    assert len(err.value.problems) == 2


def test_emissions_csv_has_codecarbons_columns_and_adds_up(measured, tmp_path):
    assert list(EMISSIONS_CSV_COLUMNS) == CODECARBON_3_3_2
    path = write_emissions_csv(tmp_path / "emissions.csv", [emissions_csv_row(measured)])
    write_emissions_csv(path, [emissions_csv_row(measured, run_id="second")])
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 and list(rows[0]) == CODECARBON_3_3_2
    row = rows[0]
    parts = sum(float(row[k]) for k in ("cpu_energy", "gpu_energy", "ram_energy"))
    assert parts == pytest.approx(float(row["energy_consumed"]))
    assert float(row["emissions"]) == pytest.approx(measured.kg_co2e)
    assert float(row["duration"]) == pytest.approx(measured.details["wall_seconds"])
    assert row["country_iso_code"] == "GBR" and row["region"] == "GB"
    assert float(row["pue"]) == 1.2
    wall = measured.details["wall_seconds"]
    assert float(row["cpu_power"]) == pytest.approx(
        measured.details["energy_j"]["cpu"]["value"] / wall
    )


def test_text_report_shows_ranges_source_and_method(measured):
    text = format_text(measured, "train-forecaster")
    assert text.startswith("train-forecaster")
    assert f"{measured.kg_co2e_low:.4g}" in text and f"{measured.kg_co2e_high:.4g}" in text
    assert "cpu-seconds model" in text and "GB" in text and "reported apart" in text


def _card_dir(tmp_path, footprint: Footprint | None):
    models = tmp_path / "models"
    models.mkdir()
    card = {"name": "forecaster", "version": "abc", "training_footprint": None}
    if footprint is not None:
        card["training_footprint"] = to_jsonable(footprint)
    (models / "forecaster.card.json").write_text(json.dumps(card))
    return models


def test_command_reads_model_cards_as_text_json_and_csv(measured, tmp_path):
    models = _card_dir(tmp_path, measured)
    runner = CliRunner()
    text = runner.invoke(footprint_command, [str(models)])
    assert text.exit_code == 0, text.output
    assert "forecaster" in text.output and "kg CO2e" in text.output
    out = runner.invoke(footprint_command, [str(models), "--format", "json"])
    payload = json.loads(out.output)
    assert payload["forecaster"]["kg_co2e"] == pytest.approx(measured.kg_co2e, rel=1e-5, abs=1e-6)
    emissions = tmp_path / "emissions.csv"
    res = runner.invoke(footprint_command, [str(models), "--emissions-csv", str(emissions)])
    assert res.exit_code == 0
    with emissions.open() as handle:
        assert next(csv.DictReader(handle))["run_id"] == "forecaster"


def test_command_says_when_a_card_has_no_footprint(tmp_path):
    result = CliRunner().invoke(footprint_command, [str(_card_dir(tmp_path, None))])
    assert result.exit_code == 0 and "no training footprint recorded" in result.output


def test_command_names_every_broken_card(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    (models / "a.card.json").write_text("{not json")
    (models / "b.card.json").write_text(json.dumps({"training_footprint": {"energy_kwh": 1}}))
    result = CliRunner().invoke(footprint_command, [str(models)])
    assert result.exit_code != 0
    assert (
        "a.card.json" in result.output and "b.card.json training_footprint.kg_co2e" in result.output
    )


def test_command_measures_a_run_and_passes_its_exit_code():
    code = f'{sys.executable} -c "import sys; sum(range(10**6)); sys.exit(3)"'
    result = CliRunner().invoke(footprint_command, ["--run", code, "--region", "FR"])
    assert result.exit_code == 3
    assert "FR" in result.output and "CPU" in result.output


def test_command_needs_exactly_one_of_path_or_run(tmp_path):
    assert CliRunner().invoke(footprint_command, []).exit_code == 2
