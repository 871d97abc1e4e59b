"""End to end: the sample household built from the real sample-0 meter, through the one facade."""

from __future__ import annotations

import copy
import json
import re

import joblib
import pandas as pd
import pytest

from recommender.errors import InvalidInput
from recommender.io import household_to_tables, parse_household, read_tables
from recommender.manifest import FORECASTER, LIKELIHOOD, MODE_CHOICE, model_inputs

ANSWER_KEYS = {"household_id", "forecast", "actions", "model"}
ACTION_KEYS = {"rank", "id", "kind", "title", "savings", "likelihood", "explanation", "schedule"}
SAVINGS_KEYS = {
    "kg_co2e_per_year",
    "kwh_per_year",
    "money_per_year",
    "kg_co2e_per_year_p10",
    "kg_co2e_per_year_p90",
}


def _comparable(answer: dict) -> dict:
    """The answer without what legitimately differs between two calls (time, its own footprint)."""
    answer = dict(answer)
    answer.pop("generated_at")
    answer["model"] = {k: v for k, v in answer["model"].items() if k != "inference_footprint"}
    return answer


def test_answer_has_the_product_shape(service, sample_payload) -> None:
    answer = service.recommend(sample_payload).to_dict()
    assert answer.keys() >= ANSWER_KEYS
    forecast = answer["forecast"]
    assert forecast["horizon"] == "P7D" and forecast["interval"] == "PT1H"
    assert len(forecast["kwh"]) == len(forecast["p10"]) == len(forecast["p90"]) == 168
    assert forecast["annual_kwh_p10"] <= forecast["annual_kwh"] <= forecast["annual_kwh_p90"]
    actions = answer["actions"]
    assert [a["rank"] for a in actions] == list(range(1, len(actions) + 1))
    kinds = {a["kind"] for a in actions}
    assert "shift_appliance" in kinds and "travel_mode" in kinds
    for action in actions:
        assert action.keys() >= ACTION_KEYS
        assert action["savings"].keys() >= SAVINGS_KEYS
        s = action["savings"]
        assert s["kg_co2e_per_year_p10"] <= s["kg_co2e_per_year"] <= s["kg_co2e_per_year_p90"]
        assert 0.0 <= action["likelihood"] <= 1.0
    training = answer["model"]["training_footprint"]
    assert training["energy_kwh"] > 0
    assert training["kg_co2e_low"] <= training["kg_co2e"] <= training["kg_co2e_high"]
    assert answer["model"]["inference_footprint"]["energy_kwh"] > 0
    json.dumps(answer)  # serialisable as it is


def test_annual_forecast_is_of_the_households_own_scale(service, sample_payload) -> None:
    household = parse_household(sample_payload)
    last_year = household.readings_kwh.iloc[-365 * 24 :].sum()
    annual = service.recommend(household).forecast.annual_kwh
    assert 0.7 * last_year < annual < 1.3 * last_year


def test_json_and_csv_tables_give_the_same_answer(service, sample_payload, tmp_path) -> None:
    household = parse_household(sample_payload)
    paths = {}
    for name, table in household_to_tables(household).items():
        paths[name] = tmp_path / f"{name}.csv"
        table.to_csv(paths[name], index=False)
    batch = read_tables(
        paths["households"], paths["readings"], paths.get("trips"), paths.get("temperature")
    )
    assert batch.failures == []
    (from_tables,) = batch.households
    a = _comparable(service.recommend(household).to_dict())
    b = _comparable(service.recommend(from_tables).to_dict())
    assert a == b


def test_same_input_same_ranking(service, sample_payload) -> None:
    first = service.recommend(sample_payload)
    second = service.recommend(sample_payload)
    assert [a.id for a in first.actions] == [a.id for a in second.actions]


def test_bad_payload_lists_every_problem(service, sample_payload) -> None:
    bad = dict(sample_payload, region="XX", timezone="Mars/Olympus")
    with pytest.raises(InvalidInput) as caught:
        service.recommend(bad)
    where = {p.where for p in caught.value.problems}
    assert {"region", "timezone"} <= where


def test_cards_name_the_inputs_each_trained_model_really_takes(trained_models_dir) -> None:
    """The inputs checked at load are what the fitted estimators were fitted on."""

    def fitted_inputs(name: str) -> list[str]:
        model = joblib.load(trained_models_dir / f"{name}.joblib")
        if name == FORECASTER:
            return [f"year:{n}" for n in model.feature_names_year_] + [
                f"short:{n}" for n in model.feature_names_short_
            ]
        if name == LIKELIHOOD:
            return list(model.calibrated_.feature_names_in_)
        return list(model.feature_names_in_)

    for name in (FORECASTER, LIKELIHOOD, MODE_CHOICE):
        card = json.loads((trained_models_dir / f"{name}.card.json").read_text())
        assert card["inputs"] == list(model_inputs(name)) == fitted_inputs(name), name


def test_carbon_payback_is_expected_savings_over_training_at_two_figures(service, sample_payload):
    answer = service.recommend(sample_payload)
    model = answer.model
    footprint = model.training_footprint
    expected_kg = sum(a.likelihood * a.savings.kg_co2e_per_year for a in answer.actions)
    total = footprint.kg_co2e + (footprint.embodied_kg_co2e or 0.0)
    assert model.carbon_payback == float(f"{expected_kg / total:.2g}")
    assert model.carbon_payback_low <= model.carbon_payback
    assert model.carbon_payback_high is None or model.carbon_payback <= model.carbon_payback_high
    for figure in (model.carbon_payback, model.carbon_payback_low):
        assert len(f"{figure:e}".split("e")[0].rstrip("0").replace(".", "").lstrip("-")) <= 2


def test_the_table_wraps_titles_keeps_money_in_one_style_and_energies_apart(
    service, sample_payload
):
    from recommender.render import render_table

    answer = service.recommend(sample_payload)
    table = render_table(answer)
    for action in answer.actions:
        assert all(word in table for word in action.title.split())
    assert re.search(r"\d GBP", table) is None and "£" in table  # no "70 GBP" beside "£70"
    header = next(line for line in table.splitlines() if "kg CO2e/yr" in line)
    assert "home kWh/yr" in header and "travel kWh/yr" in header
    assert "; next 7 days: " in table  # the horizon in words (hours, or a daily meter's days)
    assert answer.forecast.warnings  # the sample's readings end in 2022: at least the age note
    for warning in answer.forecast.warnings:  # the forecast's own notes, marked as its
        assert f"warning: forecast: {warning}" in table
    travel = [a for a in answer.actions if a.kind == "travel_mode"]
    assert travel and all(a.savings.energy == "transport" for a in travel)


def test_recommend_many_explains_a_household_with_too_little_history(service, sample_payload):
    """One household the engine cannot use costs only its own answer, as a problem."""
    from recommender.errors import InvalidInput

    readings = sample_payload["readings"]
    short = {
        **sample_payload,
        "household_id": "h-short",
        "readings": {**readings, "kwh": readings["kwh"][-72:]},  # the last 3 days only
    }
    answers = service.recommend_many([short, sample_payload])
    assert isinstance(answers[0], InvalidInput)
    assert (
        answers[0].problems[0].where == "readings" and "3.0 days" in answers[0].problems[0].problem
    )
    assert answers[1].household_id == sample_payload["household_id"]


def test_the_models_folder_may_be_given_as_text(trained_models_dir) -> None:
    from recommender.service import Service

    assert Service.from_dir(str(trained_models_dir)).models.version


def test_a_zone_whose_clocks_change_at_midnight_gets_an_answer(service, sample_payload) -> None:
    """Havana's clocks go back from 01:00 to 00:00 on 6 November 2022, inside the sample's trip
    diary and readings: midnight comes twice (it raised a pandas traceback in travel and home)."""
    answer = service.recommend({**sample_payload, "timezone": "America/Havana"})
    kinds = {action.kind for action in answer.actions}
    assert "travel_mode" in kinds and "home_efficiency" in kinds


def test_a_meter_read_on_the_hour_of_a_half_hour_zone_is_answered(service, sample_payload):
    """A UTC+05:30 zone (India; also Adelaide, Newfoundland) reads its meter on its own hour,
    30 minutes past the UTC one: the real sample's readings moved so. The forecast splits them
    into whole UTC hours and says so; the answer stays close to the unmoved one's."""
    moved = copy.deepcopy(sample_payload)
    start = pd.Timestamp(moved["readings"]["start"]) + pd.Timedelta(minutes=30)
    moved["readings"]["start"] = start.isoformat()
    answer, unmoved = service.recommend(moved), service.recommend(sample_payload)
    assert any("30 minutes past the UTC hour" in w for w in answer.forecast.warnings)
    assert answer.forecast.annual_kwh == pytest.approx(unmoved.forecast.annual_kwh, rel=0.03)
    assert {a.id for a in answer.actions} == {a.id for a in unmoved.actions}
