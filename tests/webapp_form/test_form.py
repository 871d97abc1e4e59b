"""The web form through Flask's test client: CSRF, the payload it builds, errors by field in the
parser's own words, uploads of each kind and their limits, and nothing kept without opt-in."""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path
from typing import Any

import pytest
from formdata import form_fields

from recommender.io import parse_household
from webapp import create_app
from webapp.form.views import COOKIE

UCI = Path(__file__).parents[2] / "data" / "household_power"


@pytest.fixture()
def client(form_app):
    return form_app.test_client()


def _fields(client) -> dict[str, Any]:
    page = client.get("/")
    assert page.status_code == 200
    return form_fields(page.get_data(as_text=True))


def _errors(html: str) -> dict[str, list[str]]:
    """Error messages by the id of the field they sit next to."""
    found: dict[str, list[str]] = {}
    for field, text in re.findall(
        r'<p class="error-message" id="([\w-]+)-error-\d+">.*?</span>(.*?)</p>', html, re.S
    ):
        found.setdefault(field, []).append(text.replace("&#39;", "'").strip())
    return found


def _upload(client, path: Path, name: str | None = None, **changes: Any):
    data = {**_fields(client), "source": "upload", **changes}
    data["meter_file"] = (io.BytesIO(path.read_bytes()), name or path.name)
    return client.post("/results", data=data, content_type="multipart/form-data")


def test_every_input_has_a_label_and_the_form_a_csrf_token(client) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'name="csrf_token"' in html
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([\w-]+)"', html)
    labelled = set(re.findall(r'<label[^>]*for="([\w-]+)"', html))
    assert ids and [i for i in ids if i not in labelled and i != "csrf_token"] == []


def test_a_post_without_the_csrf_token_is_refused(client) -> None:
    data = _fields(client)
    del data["csrf_token"]
    response = client.post("/results", data=data)
    assert response.status_code == 422
    assert "CSRF token is missing" in response.get_data(as_text=True)


def test_sample_gives_the_service_answer_and_keeps_nothing(client, service, feedback_store):
    before = len(feedback_store.events())
    response = client.post("/results", data=_fields(client))
    html = response.get_data(as_text=True)
    assert response.status_code == 200, _errors(html)
    assert html.count('<li class="card"') >= 3
    assert html.count("<svg") == 2  # usage + forecast band, schedule over intensity
    assert "Carbon payback" in html and "I&#39;ll do this" not in html
    # the sample's readings end in 2022: the forecast's own notes are shown beside its chart
    assert "What the forecast found in your readings" in html and "readings end 2022-" in html
    assert COOKIE not in response.headers.get("Set-Cookie", "")
    assert len(feedback_store.events()) == before


def test_a_bad_number_is_shown_by_its_field_in_the_api_words(client, sample_payload) -> None:
    response = client.post(
        "/results", data={**_fields(client), "appliances-0-cycles_per_week": "lots"}
    )
    assert response.status_code == 422
    errors = _errors(response.get_data(as_text=True))
    bad = dict(sample_payload, appliances=[{"kind": "dishwasher", "cycles_per_week": "lots"}])
    with pytest.raises(Exception) as api:
        parse_household(bad)
    words = api.value.problems[0]  # type: ignore[attr-defined]
    assert words.where == "appliances[0].cycles_per_week"
    assert errors["appliances-0-cycles_per_week"] == [
        f"{words.problem} (expected {words.expected})"
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("region", "XX"),
        ("trips-0-departure", "25:00"),
        ("price_per_kwh", "-1"),
        ("gas_price_per_kwh", "-0.07"),
        ("gas_price_per_kwh", "7p"),
        ("flights-0-returns_per_year", "many"),
        ("timezone", "Mars/Base"),
        ("quiet_start", "99:00"),
        ("appliances-1-usual_start", "7pm"),
    ],
)
def test_each_bad_value_is_named_by_its_field(client, field: str, value: str) -> None:
    response = client.post("/results", data={**_fields(client), field: value})
    assert response.status_code == 422
    assert field in _errors(response.get_data(as_text=True))


@pytest.mark.parametrize("kind", ["green_button", "supplier_csv", "start_value"])
def test_each_kind_of_meter_file_gives_advice(client, meter_files, kind: str) -> None:
    response = _upload(client, meter_files[kind])
    assert response.status_code == 200, _errors(response.get_data(as_text=True))
    assert "Your advice" in response.get_data(as_text=True)


def test_a_daily_export_across_a_clock_change_gets_a_forecast_of_days(client, meter_files):
    response = _upload(client, meter_files["daily_supplier_csv"])
    html = response.get_data(as_text=True)
    assert response.status_code == 200, _errors(html)
    assert "Your electricity use, last 28 days and the next 7 days" in html
    assert "Forecast, day by day" in html and "daily bands added up" in html
    assert "daily readings: this meter reports one total a day" in html
    assert "your readings are daily totals, so the actions that need the hour" in html


def test_a_gas_meter_export_is_read_as_gas(client, meter_files) -> None:
    response = _upload(client, meter_files["start_value"], meter_fuel="gas")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, _errors(html)
    assert "Your gas use, last 7 days" in html
    assert "your readings meter gas, so the actions that read them as electricity" in html
    electric = _upload(client, meter_files["start_value"]).get_data(as_text=True)
    assert "Your electricity use, last 7 days" in electric and "readings meter gas" not in electric


def test_a_meter_fuel_we_do_not_read_is_named_by_its_field(client, meter_files) -> None:
    response = _upload(client, meter_files["start_value"], meter_fuel="water")
    assert "meter_fuel" in _errors(response.get_data(as_text=True))


def test_a_malformed_row_is_named_by_the_file_field(client, meter_files, tmp_path) -> None:
    lines = meter_files["supplier_csv"].read_text().splitlines()
    lines[2] = "0.1, yesterday, 2022-12-01T01:00:00+00:00"
    bad = tmp_path / "consumption.csv"
    bad.write_text("\n".join(lines))
    response = _upload(client, bad)
    assert response.status_code == 422
    errors = _errors(response.get_data(as_text=True))
    assert any("consumption.csv row 3, column Start" in e for e in errors["meter_file"])


def test_two_days_of_uci_minutes_are_too_short_and_said_so_by_the_file(client) -> None:
    path = next(UCI.glob("*.txt"))
    response = _upload(client, path)
    assert response.status_code == 422
    assert "meter_file" in _errors(response.get_data(as_text=True))


def test_a_gzip_that_expands_past_the_limit_stops_at_the_limit(form_app, client, tmp_path):
    bomb = tmp_path / "readings.csv.gz"
    bomb.write_bytes(gzip.compress(b"start,value\n" + b"0" * 5_000_000))
    form_app.config["FORM_MAX_UPLOAD_BYTES"] = 1_000_000
    try:
        response = _upload(client, bomb)
    finally:
        del form_app.config["FORM_MAX_UPLOAD_BYTES"]
    assert response.status_code == 422
    assert any("decompresses to more than 1 MB" in e for e in _errors(response.text)["meter_file"])


def test_a_file_type_not_allowed_is_refused(client, tmp_path) -> None:
    exe = tmp_path / "meter.exe"
    exe.write_bytes(b"MZ")
    response = _upload(client, exe)
    assert response.status_code == 422
    assert "meter_file" in _errors(response.get_data(as_text=True))


def test_opt_in_records_what_was_shown_and_the_answer(client, feedback_store) -> None:
    response = client.post("/results", data={**_fields(client), "feedback_opt_in": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    anon_id = client.get_cookie(COOKIE).value
    shown = feedback_store.events(anon_id)
    assert set(shown["event_type"]) == {"shown"}
    form = form_fields(html.split('<form method="post" action="/feedback"', 1)[1])
    action_id = form["action_id"]
    answer = client.post("/feedback", data={**form, "event_type": "accepted"})
    assert answer.status_code == 200
    assert action_id in answer.get_data(as_text=True)
    events = feedback_store.events(anon_id)
    accepted = events[events["event_type"] == "accepted"]
    assert accepted["action_id"].tolist() == [action_id]


def test_feedback_on_an_action_never_shown_is_refused(client) -> None:
    client.post("/results", data={**_fields(client), "feedback_opt_in": "y"})
    token = _fields(client)["csrf_token"]
    response = client.post(
        "/feedback",
        data={"csrf_token": token, "action_id": "no-such-action", "event_type": "accepted"},
    )
    assert response.status_code == 422


def test_forget_deletes_the_cookie_and_what_was_kept_under_it(client, feedback_store) -> None:
    client.post("/results", data={**_fields(client), "feedback_opt_in": "y"})
    anon_id = client.get_cookie(COOKIE).value
    kept = len(feedback_store.events(anon_id))
    assert kept > 0
    response = client.post("/forget", data={"csrf_token": _fields(client)["csrf_token"]})
    assert response.status_code == 200
    assert client.get_cookie(COOKIE) is None
    assert feedback_store.events(anon_id).empty
    assert f"deleted the {kept} records" in response.get_data(as_text=True)


def test_upload_chosen_without_a_file_is_named_by_the_file_field(client) -> None:
    response = client.post("/results", data={**_fields(client), "source": "upload"})
    assert response.status_code == 422
    assert _errors(response.get_data(as_text=True))["meter_file"] == [
        "no file was chosen, or the file is empty (expected "
        + "a Green Button XML file, a CSV with ' Consumption (kWh), Start, End', an eemeter "
        + "'start,value' CSV or the UCI 'Date;Time;Global_active_power' file (optionally .gz))"
    ]


def test_no_trained_model_is_a_page_saying_how_to_fix_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GREENREC_MODELS_DIR", str(tmp_path))
    client = create_app({"TESTING": True}).test_client()
    response = client.post("/results", data=_fields(client))
    assert response.status_code == 503
    assert "greenrec train" in response.get_data(as_text=True)


def test_getting_the_results_address_goes_back_to_the_start(client) -> None:
    response = client.get("/results")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/")


def test_a_daily_chart_across_a_skipped_midnight_draws_its_days() -> None:
    """Chile's clocks skip from 00:00 to 01:00 on 2022-09-11: that day starts at 01:00."""
    import pandas as pd

    from webapp.form.charts import forecast_stamps, usage_chart

    week = [1.0] * 7
    forecast = {
        "start": "2022-09-09T04:00:00+00:00",
        "interval": "P1D",
        "kwh": week,
        "p10": week,
        "p90": week,
    }
    stamps = forecast_stamps(forecast, "America/Santiago").tz_convert("America/Santiago")
    assert stamps[2].isoformat() == "2022-09-11T01:00:00-03:00"
    history = pd.Series(1.0, index=pd.date_range("2022-08-11T04:00Z", periods=29, freq="D"))
    chart = usage_chart(history, forecast, "America/Santiago", 28)
    assert chart.x_ticks[0][1] == "Fri 12" and len(chart.x_ticks) >= 10
