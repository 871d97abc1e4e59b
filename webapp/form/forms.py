"""The web form's fields (Flask-WTF: every POST carries a CSRF token).

Numbers and times are text fields on purpose: the canonical household parser
(:func:`recommender.io.parse_household`) checks them, so a person sees the same words for a bad
value as a partner app gets from the API. WTForms only checks what the parser never sees: the
choice of sample, the upload's file type and the opt-in box.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from recommender.domain import APPLIANCE_KINDS, TRIP_MODES, TRIP_PURPOSES

UPLOAD_SUFFIXES = ("csv", "gz", "xml", "txt")
WEEKDAYS = (
    ("0", "Mon"),
    ("1", "Tue"),
    ("2", "Wed"),
    ("3", "Thu"),
    ("4", "Fri"),
    ("5", "Sat"),
    ("6", "Sun"),
)
FLIGHT_MODES = tuple(m for m in TRIP_MODES if m.startswith("flight_"))
GROUND_MODES = tuple(m for m in TRIP_MODES if not m.startswith("flight_"))
METER_FORMATS = (
    ("auto", "Tell from the file"),
    ("green_button", "Green Button XML (North American utilities)"),
    ("supplier_csv", "UK supplier CSV: Consumption (kWh), Start, End"),
    ("start_value", "eemeter CSV: start,value"),
    ("uci", "UCI household power (Date;Time;Global_active_power)"),
)


def _label(code: str) -> str:
    return code.replace("_", " ")


def options(pairs: Sequence[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def _codes(codes: Sequence[str]) -> list[SelectChoice]:
    return options([(code, _label(code)) for code in codes])


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApplianceRow(Form):
    kind = SelectField("Appliance", choices=options([("", "(none)")]) + _codes(APPLIANCE_KINDS))
    cycles_per_week = StringField("Times a week")
    usual_start = StringField("Usual start (HH:MM, optional)")


class TripRow(Form):
    distance_km = StringField("One-way distance (km)")
    mode = SelectField("How you go", choices=_codes(GROUND_MODES))
    days = CheckboxList("Days", choices=options(WEEKDAYS))
    departure = StringField("Leaves at (HH:MM)")
    return_at = StringField("Comes back at (HH:MM, optional)")
    purpose = SelectField("Purpose", choices=_codes(TRIP_PURPOSES))


class FlightRow(Form):
    distance_km = StringField("One-way distance (km)")
    mode = SelectField("Kind of flight", choices=_codes(FLIGHT_MODES))
    returns_per_year = StringField("Return flights a year")


class HouseholdForm(FlaskForm):
    source = RadioField(
        "Where your readings come from",
        choices=options(
            [("sample", "Use a sample household"), ("upload", "Upload my meter export")]
        ),
        default="sample",
    )
    sample = SelectField("Sample household")
    meter_file = FileField(
        "Meter export",
        validators=[
            FileAllowed(UPLOAD_SUFFIXES, "a .csv, .csv.gz, .xml or .txt meter export"),
        ],
    )
    meter_format = SelectField("File format", choices=options(METER_FORMATS), default="auto")
    meter_fuel = RadioField(
        "What your meter export measures",
        choices=options([("electricity", "Electricity"), ("gas", "Gas")]),
        default="electricity",
    )
    region = StringField("Country (ISO code, e.g. GB, FR, US)", default="GB")
    timezone = StringField("Time zone", default="Europe/London")
    tariff_type = RadioField(
        "Tariff",
        choices=options(
            [("flat", "One price all day"), ("tou", "A cheaper band (e.g. Economy 7)")]
        ),
        default="flat",
    )
    price_per_kwh = StringField("Price per kWh", default="0.245")
    currency = StringField("Currency", default="GBP")
    gas_price_per_kwh = StringField("Gas price per kWh (optional)", default="")
    cheap_price_per_kwh = StringField("Cheaper band price per kWh", default="0.09")
    cheap_start = StringField("Cheaper band starts (HH:MM)", default="00:30")
    cheap_end = StringField("Cheaper band ends (HH:MM)", default="07:30")
    quiet_start = StringField("No appliances from (HH:MM)", default="22:00")
    quiet_end = StringField("Until (HH:MM)", default="07:00")
    appliances = FieldList(FormField(ApplianceRow), min_entries=3, max_entries=6)
    trips = FieldList(FormField(TripRow), min_entries=3, max_entries=6)
    flights = FieldList(FormField(FlightRow), min_entries=2, max_entries=4)
    feedback_opt_in = BooleanField(
        "Remember my answers to improve advice (sets an anonymous cookie)"
    )


class FeedbackForm(FlaskForm):
    action_id = HiddenField()
    shown_at = HiddenField()
    event_type = HiddenField()


class ForgetForm(FlaskForm):
    """Deletes the anonymous id cookie and the answers stored under it."""
