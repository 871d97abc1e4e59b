"""``to_jsonable``'s exact-type dispatch gives what the plain walk it replaced gave, for any value.

``reference`` below is the walk as it was (one chain of checks per value); the fast path must
match it value for value and type for type (1 is not 1.0, -0.0 is not 0.0).
"""

from __future__ import annotations

import math
import struct
from collections import OrderedDict
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, time
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.domain import Footprint, Savings
from recommender.jsonable import SIGNIFICANT_DIGITS, to_jsonable


def reference(obj: Any) -> Any:
    """The walk before the exact-type dispatch (recommender/domain.py until commit 95596b8)."""
    if type(obj) is float:
        return _rounded(obj)
    if hasattr(obj, "__dataclass_fields__"):
        names = [f.name for f in fields(type(obj)) if f.name != "card"]
        return {name: reference(getattr(obj, name)) for name in names}
    if isinstance(obj, dict):
        return {str(k): reference(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [reference(v) for v in obj]
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, time):
        return obj.strftime("%H:%M")
    if isinstance(obj, float):
        return _rounded(obj)
    if hasattr(obj, "item"):
        return reference(obj.item())
    return obj


def _rounded(value: float) -> float | None:
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}") if math.isfinite(value) else None


def assert_same(got: Any, want: Any) -> None:
    """Equal, of the same types all the way down, floats bit for bit."""
    assert type(got) is type(want), (got, want)
    if isinstance(want, float):
        assert struct.pack("<d", got) == struct.pack("<d", want), (got, want)
    elif isinstance(want, dict):
        assert list(got) == list(want)
        for key in want:
            assert_same(got[key], want[key])
    elif isinstance(want, list):
        assert len(got) == len(want)
        for a, b in zip(got, want, strict=True):
            assert_same(a, b)
    else:
        assert got == want


class Point(NamedTuple):
    x: float
    y: float


class Label(str):
    """A str subclass: takes the walk, not the exact-type shortcut."""


@dataclass(frozen=True)
class Carded:
    name: float
    card: dict[str, Any] = field(default_factory=dict)  # left out of answers
    rest: Any = None


FLOATS = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)
SCALARS = st.one_of(
    FLOATS,
    st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308]),
    st.integers(),
    st.booleans(),
    st.none(),
    st.text(max_size=5),
    st.builds(Label, st.text(max_size=3)),
    st.datetimes(timezones=st.sampled_from([None, UTC])),
    st.times(),
    FLOATS.map(np.float64),
    st.floats(width=32, allow_nan=True, allow_subnormal=True).map(np.float32),
    st.integers(-(2**31), 2**31 - 1).map(np.int64),
    st.booleans().map(np.bool_),
    st.datetimes().map(lambda d: pd.Timestamp(d, tz="UTC")),
)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    keys = st.one_of(st.text(max_size=4), st.integers(-3, 3), st.floats(-2, 2))
    return st.one_of(
        st.lists(children, max_size=5),
        st.lists(children, max_size=5).map(tuple),
        st.dictionaries(keys, children, max_size=4),
        st.dictionaries(st.text(max_size=3), children, max_size=3).map(OrderedDict),
        st.builds(Point, children, children),
        st.builds(Carded, children, st.just({"x": 1.0}), children),
    )


VALUES = st.recursive(SCALARS, _containers, max_leaves=30)


@settings(max_examples=1500, deadline=None)
@given(VALUES)
def test_any_value_converts_as_the_plain_walk_did(value: Any) -> None:
    assert_same(to_jsonable(value), reference(value))


@settings(max_examples=3000, deadline=None)
@given(st.lists(FLOATS, max_size=20))
def test_every_float_rounds_as_before(values: list[float]) -> None:
    """Floats alone (as a list, a tuple and one by one): subnormals, huge, -0.0, NaN and inf."""
    want = [_rounded(v) for v in values]
    assert_same(to_jsonable(values), want)
    assert_same(to_jsonable(tuple(values)), want)
    for v, w in zip(values, want, strict=True):
        assert_same(to_jsonable(v), w)


def test_the_domain_answers_convert_as_before() -> None:
    savings = Savings(1.2345678, 2.0, 3.0, "GBP", 1.0, 2.0, 1.5, 2.5, -0.0, math.nan, math.inf)
    footprint = Footprint(5e-7, 3.04e-7, 1.1e-7, 6.2e-7, "m", details={"cpu": "x", 1: [1.0, 2]})
    for value in (savings, footprint, [savings, (footprint, None)]):
        assert_same(to_jsonable(value), reference(value))
