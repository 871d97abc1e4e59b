"""The `greenrec` command: the main job, JSON/table output, and errors without tracebacks."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from recommender.cli import EXIT_INVALID_INPUT, EXIT_NO_MODEL, main


def test_recommend_prints_ranked_actions_as_json(trained_models_dir, sample_payload, tmp_path):
    path = tmp_path / "household.json"
    path.write_text(json.dumps(sample_payload))
    result = CliRunner().invoke(
        main, ["recommend", str(path), "--format", "json", "--models-dir", str(trained_models_dir)]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["household_id"] == sample_payload["household_id"]
    assert answer["actions"][0]["rank"] == 1
    assert answer["model"]["carbon_payback"] > 0


def test_recommend_table_names_the_top_action(trained_models_dir, sample_payload, tmp_path):
    path = tmp_path / "household.json"
    path.write_text(json.dumps(sample_payload))
    result = CliRunner().invoke(
        main, ["recommend", str(path), "--top", "3", "--models-dir", str(trained_models_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "Model training footprint" in result.output
    assert " 1  " in result.output and " 4  " not in result.output


def test_demo_uses_existing_models(trained_models_dir, tmp_path):
    out = tmp_path / "sample.json"
    result = CliRunner().invoke(
        main, ["demo", "--models-dir", str(trained_models_dir), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "No usable models" not in result.output
    assert json.loads(out.read_text())["household_id"] == "h-sample-0"


def test_invalid_household_exits_2_naming_the_field(trained_models_dir, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "household_id": "h",
                "region": "GB",
                "timezone": "Europe/London",
                "tariff": {"type": "flat", "price_per_kwh": -1, "currency": "GBP"},
                "readings": [],
            }
        )
    )
    result = CliRunner().invoke(
        main, ["recommend", str(path), "--models-dir", str(trained_models_dir)]
    )
    assert result.exit_code == EXIT_INVALID_INPUT
    assert "tariff.price_per_kwh" in result.output
    assert "Traceback" not in result.output


def test_missing_models_exit_3_with_the_fix(tmp_path, sample_payload):
    path = tmp_path / "household.json"
    path.write_text(json.dumps(sample_payload))
    result = CliRunner().invoke(
        main, ["recommend", str(path), "--models-dir", str(tmp_path / "empty")]
    )
    assert result.exit_code == EXIT_NO_MODEL
    assert "greenrec train" in result.output


def test_demo_retrains_over_a_malformed_card(trained_models_dir, tmp_path):
    models = tmp_path / "models"
    shutil.copytree(trained_models_dir, models)
    (models / "likelihood.card.json").write_text("{ broken")
    result = CliRunner().invoke(main, ["demo", "--models-dir", str(models)])
    assert result.exit_code == 0, result.output
    assert "No usable models" in result.output
    assert json.loads((models / "likelihood.card.json").read_text())["signature"]


def test_recommend_with_a_malformed_card_exits_3_naming_the_file(
    trained_models_dir, tmp_path, sample_payload
):
    models = tmp_path / "models"
    shutil.copytree(trained_models_dir, models)
    (models / "forecaster.card.json").write_text("[]")
    household = tmp_path / "household.json"
    household.write_text(json.dumps(sample_payload))
    result = CliRunner().invoke(main, ["recommend", str(household), "--models-dir", str(models)])
    assert result.exit_code == EXIT_NO_MODEL
    assert "forecaster.card.json is not a readable model card" in result.output


def test_demo_trains_on_the_sample_households_grid(tmp_path, monkeypatch):
    monkeypatch.delenv("GREENREC_REGION", raising=False)
    models = tmp_path / "models"
    result = CliRunner().invoke(main, ["demo", "--models-dir", str(models)])
    assert result.exit_code == 0, result.output
    card = json.loads((models / "forecaster.card.json").read_text())
    assert card["training_footprint"]["details"]["grid"]["region"] == "GB"
    assert "charged to the GB grid" in result.output
