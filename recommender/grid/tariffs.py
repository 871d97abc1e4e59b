"""Electricity tariffs: flat and time-of-use, priced per interval in the tariff's currency."""

from __future__ import annotations

from datetime import time
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from recommender.domain import Tariff, TouRate
from recommender.errors import InvalidInput, Problem
from recommender.resources import data_path

EXAMPLE_TOU = "grid/example_tou_shape.csv"


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _band_minutes(rate: TouRate) -> np.ndarray:
    """Minutes of the day (0-1439) covered by a band, ``end`` exclusive, wrapping past midnight."""
    start, end = _minutes(rate.start), _minutes(rate.end)
    length = (end - start) % 1440 or 1440
    return (start + np.arange(length)) % 1440


def tariff_problems(tariff: Tariff, where: str = "tariff") -> list[Problem]:
    """Every problem that makes ``tariff`` unusable (empty list when it is fine)."""
    problems: list[Problem] = []
    if not tariff.currency or len(tariff.currency) != 3:
        problems.append(Problem(f"{where}.currency", f"{tariff.currency!r}", "an ISO 4217 code"))
    if tariff.type == "flat":
        if (
            tariff.price_per_kwh is None
            or not np.isfinite(tariff.price_per_kwh)
            or (tariff.price_per_kwh < 0)
        ):
            problems.append(
                Problem(
                    f"{where}.price_per_kwh", f"{tariff.price_per_kwh!r}", "a price per kWh >= 0"
                )
            )
        return problems
    if tariff.type != "tou":
        return [*problems, Problem(f"{where}.type", f"{tariff.type!r}", '"flat" or "tou"')]
    cover = np.zeros(1440, dtype=int)
    for i, rate in enumerate(tariff.rates):
        if not np.isfinite(rate.price_per_kwh) or rate.price_per_kwh < 0:
            problems.append(
                Problem(
                    f"{where}.rates[{i}].price_per_kwh",
                    f"{rate.price_per_kwh!r}",
                    "a price per kWh >= 0",
                )
            )
        cover[_band_minutes(rate)] += 1
    if not tariff.rates:
        problems.append(Problem(f"{where}.rates", "no rates", "bands covering 24 hours"))
    else:
        for label, mask in (("not covered", cover == 0), ("covered twice", cover > 1)):
            if mask.any():
                first = int(np.argmax(mask))
                problems.append(
                    Problem(
                        f"{where}.rates",
                        f"{int(mask.sum())} minutes of the day {label}, first at "
                        f"{first // 60:02d}:{first % 60:02d}",
                        "bands that cover every minute of the day exactly once",
                    )
                )
    return problems


def price_per_kwh_series(tariff: Tariff, index: pd.DatetimeIndex, timezone: str) -> pd.Series:
    """Price per kWh (in ``tariff.currency``) in force at each timestamp of ``index``.

    Time-of-use bands are local wall-clock times in ``timezone``. Raises InvalidInput listing every
    problem of the tariff.
    """
    problems = tariff_problems(tariff)
    if problems:
        raise InvalidInput(problems, source="tariff")
    if tariff.type == "flat":
        return pd.Series(float(tariff.price_per_kwh or 0.0), index=index, name="price_per_kwh")
    by_minute = np.empty(1440)
    for rate in tariff.rates:
        by_minute[_band_minutes(rate)] = rate.price_per_kwh
    wall_ns = pd.DatetimeIndex(index).tz_convert(timezone).tz_localize(None).as_unit("ns").asi8
    minute = wall_ns // 60_000_000_000 % 1440  # minute of the local day
    return pd.Series(by_minute[minute], index=index, name="price_per_kwh")


@cache
def example_tou_shape() -> pd.DataFrame:
    """The illustrative time-of-use shape (multipliers of a flat price), ``data/grid``."""
    return pd.read_csv(data_path(EXAMPLE_TOU))


@cache
def example_tou_bands() -> tuple[tuple[time, time, float], ...]:
    """The example shape's bands: start, end (local wall-clock) and multiplier of the flat price,
    read once (not a DataFrame's records per tariff: that cost 1 ms each, and a batch's flat
    tariffs mostly differ in price)."""
    records: list[dict[str, Any]] = example_tou_shape().to_dict("records")  # type: ignore[assignment]
    return tuple(
        (
            time.fromisoformat(str(row["start"])),
            time.fromisoformat(str(row["end"])),
            float(row["multiplier"]),
        )
        for row in records
    )


@cache
def example_tou_multipliers() -> np.ndarray:
    """The example shape's multiplier in each minute of the local day (0-1439), read-only: a flat
    price times it is the example tariff's price in that minute, the same product (so the same
    figure) as its band's ``price_per_kwh``."""
    by_minute = np.empty(1440)
    for start, end, multiplier in example_tou_bands():
        by_minute[_band_minutes(TouRate(start, end, multiplier))] = multiplier
    by_minute.flags.writeable = False
    return by_minute


def example_tou_tariff(flat: Tariff) -> Tariff:
    """An illustrative time-of-use tariff built on a flat tariff's price (NOT a real offer).

    The bands and multipliers come from ``data/grid/example_tou_shape.csv``; its hour-weighted mean
    equals the flat price, so a household whose use is spread evenly over the day pays the same.
    """
    if flat.type != "flat" or flat.price_per_kwh is None:
        raise InvalidInput(Problem("tariff.type", f"{flat.type!r}", '"flat"'), source="tariff")
    rates = tuple(
        TouRate(start, end, float(flat.price_per_kwh) * multiplier)
        for start, end, multiplier in example_tou_bands()
    )
    return Tariff(type="tou", currency=flat.currency, rates=rates)
