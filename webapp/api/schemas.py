"""The API's OpenAPI schemas, generated from the one data contract, never written out by hand.

Answers: pydantic models made field by field from the frozen dataclasses of
:mod:`recommender.domain` (and the model card of :mod:`recommender.registry`), with the types that
:func:`recommender.domain.to_jsonable` gives them on the wire (timestamps as ISO strings, times as
``HH:MM``, a float may be ``null`` where it was NaN). Requests: the same dataclasses for the
nested objects (tariff, appliance, trip, preferences), the vocabularies of the domain (appliance
kinds, trip modes and purposes) and the reader's field lists and limits from
:mod:`recommender.io`. A field added to a dataclass or a word added to a vocabulary changes the
OpenAPI document with no edit here.

These models document; they do not validate requests: the shared parser does that, so the API
refuses exactly what the web form and the batch scorer refuse, listing every problem. Pydantic (not
marshmallow) because APIFlask turns pydantic models into OpenAPI 3.1 (JSON Schema 2020-12) as they
are, and ``create_model`` builds them from type hints.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime, time
from functools import cache
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, create_model

from recommender import domain, registry
from recommender.actions.home.factors import CycleSpec
from recommender.actions.travel.catalogue import Factor
from recommender.errors import Problem
from recommender.feedback import RESPONSE_TYPES, FeedbackEvent
from recommender.io import household as household_reader
from recommender.io import schema as contract
from recommender.sourced import SourcedValue

HHMM = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["19:00"])]
# Where the JSON field is narrower than the dataclass field: the vocabularies of the contract.
VOCABULARIES: dict[tuple[str, str], Any] = {
    ("Appliance", "kind"): Literal[domain.APPLIANCE_KINDS],
    ("Trip", "mode"): Literal[domain.TRIP_MODES],
    ("Trip", "purpose"): Literal[domain.TRIP_PURPOSES],
    ("Tariff", "type"): Literal["flat", "tou"],
}
# Dataclass fields the JSON reader does not take (the reader refuses unknown fields).
TOP_K_MAX = 100  # actions an answer may be cut to with ?top_k= (absent: every action)
TOP_K_PARAMETER = {
    "name": "top_k",
    "in": "query",
    "required": False,
    "description": "Answer with the best N actions only (ranks 1 to N); absent: every action",
    "schema": {"type": "integer", "minimum": 1, "maximum": TOP_K_MAX},
}
NOT_IN_JSON = {"Trip": {"origin", "destination"}}
OUTPUT_SKIPS = {"ModelInfo": {"card"}}  # to_jsonable leaves the card out of answers


def _model(model_name: str, /, *, extra: str = "allow", **fields: Any) -> type[BaseModel]:
    """``pydantic.create_model`` with the fields typed loosely (they are built at run time)."""
    config = ConfigDict(extra=extra)  # type: ignore[typeddict-item]
    model: type[BaseModel] = create_model(model_name, __config__=config, **fields)
    return model


def _wire(hint: Any, *, answer: bool) -> Any:
    """The JSON type of a dataclass field's type hint."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [_wire(a, answer=answer) for a in args if a is not type(None)]
        union = inner[0] if len(inner) == 1 else typing.Union[tuple(inner)]  # noqa: UP007
        return union | None if type(None) in args else union
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return list[_wire(args[0], answer=answer)]  # type: ignore[misc]
        return tuple[tuple(_wire(a, answer=answer) for a in args)]  # type: ignore[misc]
    if origin in (dict, typing.Mapping) or hint is dict:
        return dict[str, Any]
    if dataclasses.is_dataclass(hint):
        return model_of(hint, answer=answer)  # type: ignore[arg-type]
    if hint in (datetime, pd.Timestamp):
        return datetime
    if hint is time:
        return HHMM
    if hint is float:
        return float | None if answer else float  # NaN travels as null
    return hint


@cache
def model_of(cls: type, *, answer: bool = True) -> type[BaseModel]:
    """A pydantic model with the fields of dataclass ``cls`` as JSON carries them."""
    hints = typing.get_type_hints(cls, localns={"pd": pd})
    name = cls.__name__
    skip = OUTPUT_SKIPS.get(name, set()) if answer else NOT_IN_JSON.get(name, set())
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        hint = VOCABULARIES.get((name, f.name)) or _wire(hints[f.name], answer=answer)
        has_default = (
            f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        )
        default: Any = ... if answer or not has_default else None
        if default is None:
            hint = hint | None
        if hasattr(BaseModel, f.name):  # e.g. the card's "schema": keep the JSON name as alias
            fields[f"{f.name}_"] = (hint, Field(default, alias=f.name))
        else:
            fields[f.name] = (hint, default)
    if answer:
        return _model(name, **fields)
    return _model(f"{name}Input", extra="forbid", **fields)


# --- requests -------------------------------------------------------------------------------
def _readings(value: str) -> Any:
    """The two shapes of a series: a list of {timestamp, value} or the compact form."""
    limit = contract.MAX_READINGS_PER_HOUSEHOLD
    point = _model(
        f"{value.title()}Point",
        extra="forbid",
        timestamp=(datetime, ...),
        **{value: (float, ...)},
    )
    compact = _model(
        f"{value.title()}Compact",
        extra="forbid",
        start=(datetime, ...),
        interval_minutes=(Literal[contract.ALLOWED_INTERVALS_MINUTES], ...),
        **{value: (Annotated[list[float | None], Field(min_length=1, max_length=limit)], ...)},
    )
    return Annotated[list[point], Field(min_length=1, max_length=limit)] | compact  # type: ignore[valid-type]


@cache
def household_model() -> type[BaseModel]:
    """The canonical household (docs/product.md) as the reader takes it."""
    inputs = {
        "household_id": (Annotated[str, Field(min_length=1, max_length=200)], ...),
        "region": (Annotated[str, Field(pattern=r"^[A-Z]{2}$", examples=["GB"])], ...),
        "timezone": (Annotated[str, Field(examples=["Europe/London"])], ...),
        "fuel": (Literal[domain.FUELS] | None, None),  # electricity unless declared
        "tariff": (model_of(domain.Tariff, answer=False), ...),
        "appliances": (list[model_of(domain.Appliance, answer=False)] | None, None),  # type: ignore[misc]
        "readings": (_readings("kwh"), ...),
        "temperature": (_readings("celsius") | None, None),
        "trips": (list[model_of(domain.Trip, answer=False)] | None, None),  # type: ignore[misc]
        "preferences": (model_of(domain.Preferences, answer=False) | None, None),
    }
    missing = set(household_reader.TOP_LEVEL) ^ set(inputs)
    assert not missing, f"the reader's top-level fields changed: {missing}"
    for name in household_reader.TOP_LEVEL:
        if name not in household_reader.REQUIRED:
            assert inputs[name][1] is None, f"{name} is optional for the reader"
    return _model("Household", extra="forbid", **inputs)


@cache
def batch_model(max_households: int) -> type[BaseModel]:
    households = Annotated[list[household_model()], Field(min_length=1, max_length=max_households)]  # type: ignore[misc,valid-type]
    return _model("HouseholdBatch", extra="forbid", households=(households, ...))


@cache
def feedback_model() -> type[BaseModel]:
    hints = typing.get_type_hints(FeedbackEvent)
    return _model(
        "Feedback",
        extra="forbid",
        household_id=(hints["household_id"], ...),
        action_id=(hints["action_id"], ...),
        event_type=(Literal[RESPONSE_TYPES], ...),
        shown_at=(datetime | None, None),
    )


# --- answers --------------------------------------------------------------------------------
def problem_model() -> type[BaseModel]:
    """RFC 9457 problem details, with the contract's problems list on 422."""
    return _problem_model()


@cache
def _problem_model() -> type[BaseModel]:
    return _model(
        "ProblemDetails",
        type=(str, "about:blank"),
        title=(str, ...),
        status=(int, ...),
        detail=(str, ...),
        problems=(list[model_of(Problem)] | None, None),  # type: ignore[misc]
    )


@cache
def answer_models() -> dict[str, type[BaseModel]]:
    """Every answer's model, by endpoint."""
    recommendation = model_of(domain.Recommendation)
    outcome = _model(
        "BatchOutcome",
        index=(int, ...),
        household_id=(str | None, ...),
        recommendation=(recommendation | None, None),
        problem=(problem_model() | None, None),
    )
    return {
        "recommendation": recommendation,
        "batch": _model("BatchAnswer", results=(list[outcome], ...)),  # type: ignore[valid-type]
        "forecast": _model(
            "ForecastAnswer", household_id=(str, ...), forecast=(model_of(domain.Forecast), ...)
        ),
        "model": _model(
            "ModelAnswer",
            version=(str, ...),
            training_footprint=(model_of(domain.Footprint) | None, ...),
            cards=(dict[str, model_of(registry.ModelCard)], ...),  # type: ignore[misc]
        ),
        "actions": _model(
            "Catalogue",
            appliances=(list[model_of(CycleSpec)], ...),  # type: ignore[misc]
            home_factors=(list[model_of(SourcedValue)], ...),  # type: ignore[misc]
            transport_factors=(list[model_of(Factor)], ...),  # type: ignore[misc]
        ),
        "feedback": _model("FeedbackAnswer", recorded=(bool, ...)),
        "forgotten": _model("Forgotten", household_id=(str, ...), deleted_events=(int, ...)),
        "health": _model("Health", status=(str, ...), models=(str, ...)),
    }
