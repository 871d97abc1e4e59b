"""A forecast of days that are not the coming ones says which days it is of (recommender.forecast.age).

The real sample meter's readings end on 2022-12-06; its answer is asked for at instants around
that end, as a partner (now), a data team (``--now``) or a user with an old export would.
"""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.forecast.age import STALE_AFTER, dated


@pytest.fixture(scope="module")
def last_reading_end(service, sample_payload) -> pd.Timestamp:
    return pd.Timestamp(service.forecast(sample_payload).start)


def _age_warnings(answer) -> list[str]:
    return [w for w in answer.forecast.warnings if "readings end" in w or "readings run" in w]


def test_an_answer_within_two_days_of_the_readings_has_no_age_warning(
    service, sample_payload, last_reading_end
):
    for after in (pd.Timedelta(0), STALE_AFTER - pd.Timedelta(minutes=1)):
        answer = service.recommend(sample_payload, now=last_reading_end + after)
        assert _age_warnings(answer) == []


def test_an_answer_long_after_the_readings_says_its_forecast_is_of_past_days(
    service, sample_payload, last_reading_end
):
    answer = service.recommend(sample_payload, now=last_reading_end + pd.Timedelta(days=400))
    (warning,) = _age_warnings(answer)
    assert f"readings end {last_reading_end:%Y-%m-%d %H:%M} UTC" in warning
    assert "the 7 days after the last reading, not of the coming days" in warning
    later = service.recommend(sample_payload, now=last_reading_end + pd.Timedelta(days=800))
    assert _age_warnings(later) == [warning]  # names the readings' end, not the instant


def test_an_answer_before_the_readings_end_says_so(service, sample_payload, last_reading_end):
    answer = service.recommend(sample_payload, now=last_reading_end - pd.Timedelta(days=30))
    (warning,) = _age_warnings(answer)
    assert warning.startswith(f"readings run to {last_reading_end:%Y-%m-%d %H:%M} UTC")


def test_the_forecast_alone_carries_the_same_warning(service, sample_payload, last_reading_end):
    now = last_reading_end + pd.Timedelta(days=10)
    alone = service.forecast(sample_payload, now=now)
    assert alone.warnings == service.recommend(sample_payload, now=now).forecast.warnings


def test_a_naive_instant_is_read_as_utc(service, sample_payload, last_reading_end):
    forecast = service.forecast(sample_payload, now=last_reading_end)
    naive = (last_reading_end + pd.Timedelta(days=10)).tz_localize(None)
    assert (
        dated(forecast, naive).warnings
        == dated(forecast, naive.tz_localize("UTC")).warnings
        != forecast.warnings
    )
