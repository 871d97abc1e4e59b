"""Fixtures for the web form: the app on the trained models, and meter files built from the real
meter 0 (last 120 days: enough history for a forecast)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from meter_files import write_daily_supplier_csv, write_green_button, write_supplier_csv

from recommender.feedback import FeedbackStore
from recommender.io.importers import read_eemeter_meter
from webapp import create_app


@pytest.fixture(scope="session")
def recent_meter(meter0_path: Path) -> pd.Series:
    series = read_eemeter_meter(meter0_path)
    return series[series.index > series.index.max() - pd.Timedelta(days=120)]


@pytest.fixture(scope="session")
def meter_files(recent_meter: pd.Series, tmp_path_factory, meter0_path: Path) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("meter-files")
    return {
        "green_button": write_green_button(recent_meter, folder / "green-button.xml"),
        "supplier_csv": write_supplier_csv(recent_meter, folder / "consumption.csv"),
        "daily_supplier_csv": write_daily_supplier_csv(recent_meter, folder / "daily.csv"),
        "start_value": meter0_path,  # the real eemeter file as published, gzipped
    }


@pytest.fixture(scope="session")
def feedback_store(tmp_path_factory) -> FeedbackStore:
    return FeedbackStore(f"sqlite:///{tmp_path_factory.mktemp('feedback') / 'feedback.sqlite3'}")


@pytest.fixture(scope="session")
def form_app(service, feedback_store):
    app = create_app({"TESTING": True}, service=service)
    app.extensions["greenrec_form_feedback"] = feedback_store
    return app
