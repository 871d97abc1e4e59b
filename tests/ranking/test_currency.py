"""Money saved in different currencies is weighed alike: at the ECB reference rate, in GBP.

Travel costs are UK figures in GBP and home savings are in the household's own currency, so one
answer can hold both; before, the ranking added them as plain numbers (1,000 INR counted as much
as 1,000 GBP, about 107 times its worth), and the likelihood model read them so too.
"""

from __future__ import annotations

import copy

import pytest

from recommender.io import parse_household
from recommender.ranking.features import money_in_gbp
from recommender.reference import gbp_per_unit


def _in_currency(payload: dict, currency: str) -> dict:
    """The same household, its tariff written in ``currency`` at the reference rate."""
    moved = copy.deepcopy(payload)
    tariff = moved["tariff"]
    tariff["price_per_kwh"] = tariff["price_per_kwh"] / gbp_per_unit()[currency]  # GBP is 1
    tariff["currency"] = currency
    return moved


@pytest.mark.parametrize("currency", ["INR", "JPY", "EUR", "USD"])
def test_the_ranking_does_not_depend_on_the_currency_the_tariff_is_written_in(
    service, sample_payload, currency
):
    in_gbp = service.recommend(sample_payload)
    elsewhere = service.recommend(_in_currency(sample_payload, currency))
    assert [a.id for a in elsewhere.actions] == [a.id for a in in_gbp.actions]
    home = [a for a in elsewhere.actions if a.savings.currency == currency]
    assert home, "the home actions save money in the household's own currency"
    for ours, theirs in zip(elsewhere.actions, in_gbp.actions, strict=True):
        assert ours.likelihood == pytest.approx(theirs.likelihood, abs=0.02)


def test_a_currency_without_a_reference_rate_is_not_weighed_and_the_answer_says_so(
    service, sample_payload
):
    kenya = copy.deepcopy(sample_payload)
    kenya["tariff"] = {"type": "flat", "price_per_kwh": 25.0, "currency": "KES"}
    assert "KES" not in gbp_per_unit()
    answer = service.recommend(kenya)
    assert any(w.startswith("money: no ECB reference rate for KES") for w in answer.warnings)
    assert not money_in_gbp(answer.actions, parse_household(kenya)).any()
    assert any(a.savings.money_per_year for a in answer.actions)  # still shown
