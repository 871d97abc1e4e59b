"""Answers as plain JSON-ready values: dataclasses, timestamps, times and rounded floats.

Every surface serialises an answer through :func:`to_jsonable` (an API answer holds about 1,500
values, most of them the forecast's floats), so it dispatches on the exact type of the commonest
values first and walks the rest as it always did: the same output for every input, in a fraction
of the time (tests/test_jsonable.py checks it against the plain walk).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import datetime, time
from typing import Any

SIGNIFICANT_DIGITS = 6
_FLOAT_FORMAT = f".{SIGNIFICANT_DIGITS}g"
_isfinite = math.isfinite
# Returned as they are: what the walk below gives back unchanged for these exact types (none is
# a dataclass, a container, a time or has a numpy ``item``). Subclasses take the walk.
_PLAIN: frozenset[type] = frozenset({str, int, bool, type(None)})


def to_jsonable(obj: Any) -> Any:
    """Turn dataclasses, timestamps and times into plain JSON-ready values.

    Floats keep :data:`SIGNIFICANT_DIGITS` significant figures, never a fixed number of decimals,
    so a footprint of 5e-7 kWh stays 5e-7 and not 0.0; NaN and infinities become None (JSON has
    no such numbers).

    >>> to_jsonable({"kwh": 4.9e-07, "kg": 1234.56789, "gap": float("nan")})
    {'kwh': 4.9e-07, 'kg': 1234.57, 'gap': None}
    """
    kind = type(obj)
    if kind is float:  # the commonest value (a forecast's hours): checked first
        return float(format(obj, _FLOAT_FORMAT)) if _isfinite(obj) else None
    if kind in _PLAIN:
        return obj
    convert = _CONVERTERS.get(kind)
    if convert is None:
        convert = _converter(kind)
    return convert(obj)


def _sequence(values: list[Any] | tuple[Any, ...]) -> list[Any]:
    """A list or tuple as a list; its floats rounded here, without a call each (a forecast is
    four tuples of 168 floats)."""
    return [
        (float(format(v, _FLOAT_FORMAT)) if _isfinite(v) else None)
        if type(v) is float
        else to_jsonable(v)
        for v in values
    ]


def _mapping(obj: dict[Any, Any]) -> dict[str, Any]:
    return {str(k): to_jsonable(v) for k, v in obj.items()}


def _dataclass_converter(cls: type) -> Callable[[Any], dict[str, Any]]:
    """The converter of one dataclass: its fields as answers show them (``card``, a model's own
    record, left out), looked up once."""
    names = tuple(f.name for f in fields(cls) if f.name != "card")

    def convert(obj: Any) -> dict[str, Any]:
        return {name: to_jsonable(getattr(obj, name)) for name in names}

    return convert


_CONVERTERS: dict[type, Callable[[Any], Any]] = {dict: _mapping, list: _sequence, tuple: _sequence}


def _converter(kind: type) -> Callable[[Any], Any]:
    """How to convert values of ``kind``: a dataclass's converter (kept per class), else the walk
    by kind that any other value takes."""
    if is_dataclass(kind):
        convert = _CONVERTERS[kind] = _dataclass_converter(kind)
        return convert
    return _other


def _other(obj: Any) -> Any:
    """Any value the exact-type dispatch does not know, in the walk's order of checks."""
    if hasattr(obj, "__dataclass_fields__"):  # a dataclass instance's class is cached above
        return _dataclass_converter(type(obj))(obj)
    if isinstance(obj, dict):
        return _mapping(obj)
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, datetime):  # pandas Timestamps included
        return obj.isoformat()
    if isinstance(obj, time):
        return obj.strftime("%H:%M")
    if isinstance(obj, float):
        return float(format(obj, _FLOAT_FORMAT)) if _isfinite(obj) else None
    if hasattr(obj, "item"):  # numpy scalar
        return to_jsonable(obj.item())
    return obj
