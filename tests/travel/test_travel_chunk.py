"""A chunk of households gets, household by household, exactly what each gets alone.

The households: the bundled real sample (UK meter 0 with its trips), synthetic ones from
``recommender.synth`` read back through the batch reader, and hand-written diaries (flights, a
short diary, a euro household abroad, no trips, a trip with an unknown mode).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from travel_builders import SCHOOL_RUN, WEEKDAY_COMMUTE, diary, household

from recommender.actions.travel import TravelReport, figures, travel_report, travel_reports
from recommender.domain import Trip, TripColumns
from recommender.errors import GreenrecError, InvalidInput
from recommender.io import parse_household, read_tables
from recommender.synth import write_population


@pytest.fixture(scope="module")
def households(sample_payload, tmp_path_factory):
    paths = write_population(tmp_path_factory.mktemp("chunk"), 3, days=56, seed=5)
    synthetic = list(read_tables(paths["households"], paths["readings"], paths["trips"]).households)
    commute = diary("2024-03-04", 3, WEEKDAY_COMMUTE + SCHOOL_RUN)
    day = pd.Timestamp("2024-05-01T09:00Z")
    flights = [Trip(day, 700.0, "flight_short_haul", "holiday", 2)] * 2
    bad = [*commute[:4], Trip(day, 5.0, "hovercraft", "commute", 1)]
    return [
        parse_household(sample_payload),
        *synthetic,
        household(commute + flights),
        household(commute, currency="EUR", region="FR"),
        household([]),
        household(bad),
        dataclasses.replace(synthetic[0], household_id="same-trips-again"),
    ]


def _same(a: TravelReport | GreenrecError, b: TravelReport | GreenrecError) -> None:
    if isinstance(a, GreenrecError) or isinstance(b, GreenrecError):
        assert type(a) is type(b) and str(a) == str(b)
        return
    assert a.actions == b.actions
    assert a.warnings == b.warnings
    pd.testing.assert_frame_equal(a.profile.trips, b.profile.trips)
    assert a.profile == b.profile  # every field but the table, compared above


def test_a_chunk_gives_each_household_what_it_gets_alone(households, mode_choice):
    chunk = travel_reports(households, mode_choice=mode_choice)
    assert len(chunk) == len(households)
    for h, got in zip(households, chunk, strict=True):
        try:
            alone: TravelReport | GreenrecError = travel_report(h, mode_choice=mode_choice)
        except GreenrecError as exc:
            alone = exc
        _same(got, alone)
    reports = [r for r in chunk if isinstance(r, TravelReport)]
    assert sum(len(r.actions) for r in reports) > 20  # the comparison compared something
    assert any(a.kind == "fewer_flights" for r in reports for a in r.actions)
    assert any(r.warnings for r in reports)


def test_the_answers_do_not_depend_on_the_chunk_around_them(households, mode_choice):
    forward = travel_reports(households, mode_choice=mode_choice)
    backward = travel_reports(households[::-1], mode_choice=mode_choice)[::-1]
    pairs = travel_reports(households[:2], mode_choice=mode_choice)
    for a, b in zip(forward, backward, strict=True):
        _same(a, b)
    for a, b in zip(forward[:2], pairs, strict=True):
        _same(a, b)


def test_one_bad_household_is_an_item_naming_its_trip(households, mode_choice):
    chunk = travel_reports(households, mode_choice=mode_choice)
    bad = chunk[households.index(next(h for h in households if h.household_id == "h-travel"))]
    assert isinstance(bad, TravelReport)  # the first hand-written household is fine
    errors = [r for r in chunk if isinstance(r, GreenrecError)]
    assert len(errors) == 1 and isinstance(errors[0], InvalidInput)
    assert "trips[4].mode" in str(errors[0]) and "hovercraft" in str(errors[0])
    with pytest.raises(InvalidInput, match="hovercraft"):
        travel_report(households[-2], mode_choice=mode_choice)


def test_an_empty_chunk_is_an_empty_list(mode_choice):
    assert travel_reports([], mode_choice=mode_choice) == []


def test_alternatives_summarised_in_small_blocks_give_the_same_answers(
    households, mode_choice, monkeypatch
):
    whole = travel_reports(households, mode_choice=mode_choice)
    monkeypatch.setattr(figures, "BLOCK_ROWS", 3)  # many blocks, some groups split across them
    for a, b in zip(travel_reports(households, mode_choice=mode_choice), whole, strict=True):
        _same(a, b)


def test_trips_as_columns_give_what_the_same_trips_as_objects_give(households, mode_choice):
    """The readers hand trips over as columns (TripColumns); the same trips as a tuple of Trip
    objects, and a chunk mixing both kinds, get the same reports."""
    columns = [h for h in households if isinstance(h.trips, TripColumns)]
    assert len(columns) >= 3  # the sample and the synthetic households, read as columns
    objects = [dataclasses.replace(h, trips=tuple(h.trips)) for h in columns]
    mixed = [objects[0], *columns[1:]]
    for a, b, c in zip(
        travel_reports(columns, mode_choice=mode_choice),
        travel_reports(objects, mode_choice=mode_choice),
        travel_reports(mixed, mode_choice=mode_choice),
        strict=True,
    ):
        _same(a, b)
        _same(a, c)
