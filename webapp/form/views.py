"""The form's pages: start (GET /), results (POST /results), feedback (POST /feedback) and
forgetting the anonymous id (POST /forget). Thin: form -> payload -> service -> template."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pandas as pd
from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from recommender.errors import (
    GreenrecError,
    InvalidInput,
    ModelIntegrityError,
    ModelNotFound,
    Problem,
)
from recommender.feedback import FeedbackStore
from recommender.io import parse_household
from recommender.service import Service
from webapp.form.forms import FeedbackForm, ForgetForm, HouseholdForm, options
from webapp.form.household import Built, build_payload, field_of, series_rows
from webapp.form.results import number, results_context, saving_money_counted, significant
from webapp.form.samples import DEFAULTS, SAMPLES, sample_readings
from webapp.form.uploads import DEFAULT_MAX_BYTES, read_upload
from webapp.form.uploads import FIELD as FILE_FIELD

bp = Blueprint(
    "form",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/form-static",
)
bp.add_app_template_filter(number, "gr_num")
bp.add_app_template_filter(significant, "gr_sig")
bp.add_app_template_test(saving_money_counted, "money_counted")  # {% if s is money_counted %}
COOKIE = "greenrec_anon"
VISITOR = "web-visitor"  # the id of a household whose person did not opt in (nothing is kept)
# The form's households are one owner of the feedback store, apart from every API partner's:
# an id in a cookie (which a visitor can edit) never reaches a partner's households.
FORM_OWNER = "web form"


def _service() -> Service:
    """The app's one service, loaded once (thread-safe) by the factory's loader, which the API
    shares (:class:`webapp.api.ApiState`)."""
    service: Service = current_app.extensions["greenrec_api"].get_service()
    return service


def _store() -> FeedbackStore:
    """The form's view (:data:`FORM_OWNER`) of the feedback store: the service's own, else
    ``GREENREC_FEEDBACK_URL``, else a SQLite file in the app's instance folder."""
    view: FeedbackStore | None = current_app.extensions.get("greenrec_form_feedback")
    if view is not None:
        return view
    store = _service().feedback
    if store is None:
        url = current_app.config.get("GREENREC_FEEDBACK_URL")
        if not url:
            Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{Path(current_app.instance_path) / 'feedback.sqlite3'}"
        store = FeedbackStore(url)
    view = store.for_owner(FORM_OWNER)
    current_app.extensions["greenrec_form_feedback"] = view
    return view


def _service_for(opted_in: bool) -> Service:
    """A service that records what it shows only for a person who opted in."""
    return _service().with_feedback(_store() if opted_in else None)


def _new_form(**kwargs: Any) -> HouseholdForm:
    form = HouseholdForm(**kwargs)
    form.sample.choices = options([(key, label) for key, (label, _, _) in SAMPLES.items()])
    return form


@bp.get("/")
def start() -> str:
    form = _new_form(data={**DEFAULTS, "feedback_opt_in": COOKIE in request.cookies})
    return _start_page(form, {}, [])


def _upload_limit() -> int:
    return int(current_app.config.get("FORM_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def _start_page(form: HouseholdForm, errors: dict, summary: list) -> str:
    return render_template(
        "start.html", form=form, errors=errors, summary=summary, max_mb=_upload_limit() / 1e6
    )


def _readings(form: HouseholdForm, household_id: str) -> tuple[list, list | None, Any]:
    if form.source.data != "upload":
        return sample_readings(form.sample.data or "uk-0")
    table = read_upload(form.meter_file.data, form.meter_format.data, household_id, _upload_limit())
    stamps = pd.DatetimeIndex(table["timestamp"])
    series = pd.Series(table["kwh"].to_numpy(), index=stamps)
    return series_rows(series, "kwh"), None, stamps.max() if len(stamps) else None


ROW_NAMES = {"appliances": "Appliance", "trips": "Trip", "flights": "Flight"}


def _labels(form: HouseholdForm) -> dict[str, str]:
    """Each field id's label as the page shows it ("Trip 1, Leaves at (HH:MM)")."""
    labels: dict[str, str] = {}
    for field in form:
        if field.name in ROW_NAMES:
            for i, row in enumerate(field):
                for sub in row:
                    labels[sub.id] = f"{ROW_NAMES[field.name]} {i + 1}, {sub.label.text}"
        else:
            labels[field.id] = field.label.text
    return labels


def _errors(
    form: HouseholdForm, problems: list[Problem], built: Built | None
) -> tuple[dict[str, list[str]], list[tuple[str | None, str]]]:
    """Problems by form field id (the parser's words, without its field path), and the summary
    (field id or None, text naming the field as the page labels it)."""
    labels = _labels(form)
    errors: dict[str, list[str]] = {}
    summary: list[tuple[str | None, str]] = []
    for problem in problems:
        target = problem.where if problem.where in labels else None
        if target is None and built is not None:
            target = field_of(problem, built)
        text = str(Problem("", problem.problem, problem.expected))[2:]
        if target:
            errors.setdefault(target, []).append(text)
            summary.append((target, f"{labels.get(target, target)}: {text}"))
        else:
            summary.append((None, str(problem)))
    return errors, summary


def _invalid(form: HouseholdForm, problems: list[Problem], built: Built | None) -> Response:
    errors, summary = _errors(form, problems, built)
    return make_response(_start_page(form, errors, summary), 422)


@bp.get("/results")
def results_again() -> Response:
    """A reload or a bookmark of the results: nothing was kept, so back to the start page."""
    return redirect(url_for("form.start"), 303)


@bp.post("/results")
def results() -> Response:
    form = _new_form()
    if not form.validate():
        problems = [
            Problem(name if name != "csrf_token" else "form", str(message))
            for name, messages in form.errors.items()
            for message in messages
            if isinstance(message, str)
        ]
        return _invalid(form, problems, None)
    opted_in = bool(form.feedback_opt_in.data)
    anon_id = request.cookies.get(COOKIE) or f"anon-{secrets.token_hex(16)}"
    household_id = anon_id if opted_in else VISITOR
    try:
        readings, temperature, last = _readings(form, household_id)
    except GreenrecError as error:
        problems = getattr(error, "problems", [Problem(FILE_FIELD, str(error))])
        return _invalid(form, [_on_file(p) for p in problems], None)
    built = build_payload(form.data, household_id, readings, temperature, last)
    try:
        household = parse_household(built.payload, source="form")
        if built.problems:
            raise InvalidInput(built.problems, source="form")
        answer = _service_for(opted_in).recommend(household)
    except InvalidInput as error:
        return _invalid(form, [*built.problems, *error.problems], built)
    except (ModelNotFound, ModelIntegrityError):
        raise  # the blueprint's error page
    except GreenrecError as error:  # e.g. too little history to forecast
        return _invalid(form, [Problem(FILE_FIELD, str(error))], built)
    html = render_template("results.html", **results_context(household, answer, opted_in))
    response = make_response(html)
    if opted_in and COOKIE not in request.cookies:
        response.set_cookie(
            COOKIE,
            anon_id,
            max_age=365 * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


def _on_file(problem: Problem) -> Problem:
    """An importer's problem, shown by the file field with its row and column kept."""
    if problem.where == FILE_FIELD:
        return problem
    return Problem(FILE_FIELD, f"{problem.where}: {problem.problem}", problem.expected)


@bp.post("/feedback")
def feedback() -> Response:
    form = FeedbackForm()
    anon_id = request.cookies.get(COOKIE)
    problems: list[Problem] = []
    if not form.validate():
        problems.append(
            Problem(
                "form",
                "the form expired or was not sent by this site",
                "submit it again from the results page",
            )
        )
    elif anon_id is None:
        problems.append(
            Problem(
                "feedback",
                "you have not opted in to feedback",
                "tick 'Remember my answers' on the start page",
            )
        )
    else:
        event = {
            "household_id": anon_id,
            "action_id": form.action_id.data,
            "event_type": request.form.get("event_type", ""),
        }
        if form.shown_at.data:
            event["shown_at"] = form.shown_at.data
        try:
            _service_for(True).record_feedback(event)
        except InvalidInput as error:
            problems.extend(error.problems)
    recorded = _recorded(anon_id) if anon_id else []
    html = render_template(
        "feedback.html", problems=problems, recorded=recorded, forget_form=ForgetForm()
    )
    return make_response(html, 422 if problems else 200)


def _recorded(anon_id: str) -> list[dict[str, Any]]:
    events = _store().events(anon_id)
    answered = events[events["event_type"] != "shown"]
    return [
        {"action_id": row.action_id, "event_type": row.event_type, "timestamp": row.timestamp}
        for row in answered.itertuples()
    ]


@bp.post("/forget")
def forget() -> Response:
    form = ForgetForm()
    ok = form.validate()
    anon_id = request.cookies.get(COOKIE)
    deleted = _store().forget(anon_id) if ok and anon_id else 0
    html = render_template("forgotten.html", ok=ok, had_cookie=anon_id is not None, deleted=deleted)
    response = make_response(html, 200 if ok else 422)
    if ok:
        response.delete_cookie(COOKIE, httponly=True, samesite="Lax")
    return response


@bp.errorhandler(ModelNotFound)
@bp.errorhandler(ModelIntegrityError)
def no_model(error: GreenrecError) -> Response:
    """The page says what is wrong and how to fix it (a 503, never a traceback)."""
    return make_response(render_template("no_model.html", error=str(error)), 503)
