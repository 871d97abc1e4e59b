"""Fixtures of the forecast tests: the bundled real meters, hourly, and a small fitted model."""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.forecast import GlobalForecaster
from recommender.forecast.data import hourly_kwh
from recommender.io.importers import read_eemeter_meter, read_eemeter_temperature


@pytest.fixture(scope="session")
def meter0(meter0_path) -> pd.Series:
    return hourly_kwh(read_eemeter_meter(meter0_path))


@pytest.fixture(scope="session")
def meter1(meter1_path) -> pd.Series:
    return hourly_kwh(read_eemeter_meter(meter1_path))


@pytest.fixture(scope="session")
def temperature0(temperature0_path) -> pd.Series:
    return read_eemeter_temperature(temperature0_path)


@pytest.fixture(scope="session")
def temperature1(data_dir) -> pd.Series:
    return read_eemeter_temperature(data_dir / "meters" / "uk-temperature-sample-1_2.csv.gz")


@pytest.fixture(scope="session")
def small_model(meter0, meter1, temperature0, temperature1) -> GlobalForecaster:
    """Eight weeks of each real meter (one crossing the October DST change); few trees for speed."""
    series = [meter0["2020-09-20":"2020-11-14"], meter1["2012-11-10":"2013-01-04"]]
    return GlobalForecaster(max_iter=40, learning_rate=0.1).fit(
        series, temperatures=[temperature0, temperature1]
    )
