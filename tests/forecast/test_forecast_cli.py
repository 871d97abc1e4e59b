"""``greenrec evaluate`` on the real meter files, as they are."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from recommender.cli.evaluate import evaluate
from recommender.forecast.evaluate import evaluate_meter


def _run(*args: str):
    return CliRunner().invoke(evaluate, list(args))


def test_day_ahead_json_and_the_profile_baseline_by_hand(meter1_path, data_dir, meter1):
    temperature = data_dir / "meters" / "uk-temperature-sample-1_2.csv.gz"
    result = _run(
        str(meter1_path),
        "--temperature",
        str(temperature),
        "--train",
        "2012-11-10",
        "2013-01-04",
        "--test",
        "2013-01-05",
        "2013-01-11",
        "--horizon",
        "day-ahead",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report["models"]) == {
        "greenrec-global",
        "same-hour-last-week",
        "hour-of-week-profile",
    }
    for name, model in report["models"].items():
        median = {"below_p50_pct"} if name == "greenrec-global" else set()
        assert set(model["hourly"]) == {
            "cvrmse_pct",
            "nmbe_ashrae14_pct",
            "bias_over_pct",
            "mae_kwh",
            "coverage_p10_p90_pct",
            *median,
        }
        assert 0 <= model["hourly"]["coverage_p10_p90_pct"] <= 100
    # The hour-of-week baseline recomputed independently with pandas (London in winter = UTC).
    train = meter1["2012-11-10":"2013-01-04"]
    test = meter1["2013-01-05":"2013-01-11"]
    profile = train.groupby([train.index.day_of_week, train.index.hour]).mean()
    forecast = np.array([profile[(t.day_of_week, t.hour)] for t in test.index])
    known = test.notna().to_numpy()
    rmse = np.sqrt(np.mean((forecast[known] - test.to_numpy()[known]) ** 2))
    expected = 100 * rmse / test.to_numpy()[known].mean()
    got = report["models"]["hour-of-week-profile"]["hourly"]["cvrmse_pct"]
    assert got == pytest.approx(expected, rel=1e-9)
    assert report["test_hours"] == int(known.sum())


def test_warnings_and_weather_in_the_output_and_a_temperature_that_misses_is_refused(
    meter1_path, temperature0_path
):
    args = ["--train", "2012-11-10", "2013-01-04", "--test", "2013-01-05", "2013-01-11"]
    result = _run(str(meter1_path), *args, "--horizon", "day-ahead", "--fuel", "electricity")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["weather"] == "calendar alone" and report["fuel"] == "electricity"
    assert "no temperatures given" in report["warnings"][0]
    # sample-0's temperatures (2020 on) do not overlap sample-1's 2012 training period
    result = _run(str(meter1_path), "--temperature", str(temperature0_path), *args)
    assert result.exit_code == 2
    assert [p["where"] for p in json.loads(result.stderr)["problems"]] == ["temperature"]


def test_bad_periods_are_reported_not_raised(meter0_path):
    result = _run(
        str(meter0_path),
        "--train",
        "2021-01-01",
        "2021-01-05",
        "--test",
        "2030-01-01",
        "2030-01-02",
    )
    assert result.exit_code == 2
    problems = json.loads(result.stderr)["problems"]
    assert {p["where"] for p in problems} == {"train", "test"}


def test_a_daily_meter_file_is_told_evaluate_needs_hours(meter0, tmp_path):
    from recommender.forecast.data import daily_kwh

    days = daily_kwh(meter0, "Europe/London").dropna()
    path = tmp_path / "daily.csv"
    path.write_text(
        "start,value\n" + "".join(f"{t.isoformat()},{v:.3f}\n" for t, v in days.items())
    )
    result = _run(
        str(path), "--train", "2020-04-02", "2021-04-01", "--test", "2021-04-02", "2022-04-01"
    )
    assert result.exit_code == 2
    (problem,) = json.loads(result.stderr)["problems"]
    assert problem["problem"] == "readings every 1440 minutes"
    assert "hourly figures" in problem["expected"] and "forecast of days" in problem["expected"]


@pytest.mark.slow
def test_year_ahead_on_sample0_beats_the_hour_of_week_profile(meter0, temperature0):
    report = evaluate_meter(
        meter0,
        temperature0,
        ("2020-04-02", "2021-04-01"),
        ("2021-04-02", "2022-04-01"),
        "year-ahead",
    )
    ours = report["models"]["greenrec-global"]
    profile = report["models"]["hour-of-week-profile"]
    assert ours["hourly"]["cvrmse_pct"] < profile["hourly"]["cvrmse_pct"]
    assert ours["daily"]["cvrmse_pct"] < profile["daily"]["cvrmse_pct"]
    assert abs(ours["hourly"]["nmbe_ashrae14_pct"]) < abs(profile["hourly"]["nmbe_ashrae14_pct"])
