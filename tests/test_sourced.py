"""The sourced-figure row shared by the home factors and the footprint constants."""

from __future__ import annotations

import csv

import pytest

from recommender.actions.home.factors import home_factors
from recommender.footprint.constants import Constant, constants
from recommender.resources import data_path
from recommender.sourced import SourcedValue


@pytest.mark.parametrize(
    ("path", "name_column"),
    [("footprint/constants.csv", "name"), ("factors/home_savings.csv", "factor")],
)
def test_every_row_of_both_tables_reads_with_its_range_and_source(path, name_column):
    with data_path(path).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        figure = SourcedValue.from_row(row, name_column)
        assert figure.name == row[name_column]
        assert figure.low <= figure.value <= figure.high, figure.name
        line = figure.cite()
        assert row["source"] in line and row["year"] in line and row["unit"] in line
        assert figure.record()["source"] == row["source"]
        assert "name" not in figure.record()


def test_both_loaders_use_it_and_constants_keep_their_estimate():
    assert all(isinstance(f, SourcedValue) for f in home_factors().values())
    table = constants()
    assert all(isinstance(c, Constant) for c in table.values())
    some = next(iter(table.values()))
    assert (some.estimate.low, some.estimate.value, some.estimate.high) == (
        some.low,
        some.value,
        some.high,
    )
    assert some.relative == (some.low / some.value, some.high / some.value)
