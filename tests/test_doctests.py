"""The examples in the engine's docstrings run, and give what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import recommender

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(recommender.__path__, prefix="recommender.")
)


def test_the_walk_finds_the_engine() -> None:
    assert "recommender.quantities" in MODULES and "recommender.io.household" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    result = doctest.testmod(module, optionflags=flags, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
