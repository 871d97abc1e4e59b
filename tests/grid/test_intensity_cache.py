"""The offline GB forecast remembers regular windows (a batch scored at one instant asks for the
same one per household): the remembered answer must be the computed one, and stay so; its
arrays (no frame) are the forecast's columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.grid.providers import OfflineProvider, intensity_arrays, intensity_forecast


def test_a_remembered_window_is_the_computed_window_and_cannot_be_spoiled() -> None:
    regular = pd.date_range("2024-03-30T20:00:00Z", periods=200, freq="30min")  # across BST
    irregular = pd.DatetimeIndex(list(regular))  # same instants, no freq: computed afresh
    assert irregular.freq is None
    provider = OfflineProvider()
    first = provider.forecast("GB", regular)
    computed = provider.forecast("GB", irregular)
    pd.testing.assert_frame_equal(first, computed, check_freq=False)
    first.loc[:, "g_per_kwh"] = -1.0  # a caller writing into its frame ...
    again = provider.forecast("GB", regular)
    np.testing.assert_array_equal(again["g_per_kwh"], computed["g_per_kwh"])  # ... changes no other


class _Subclass(OfflineProvider):
    """A provider that is not the packaged one itself (as a live one is): asked for its frame."""


def test_intensity_arrays_are_the_forecasts_columns() -> None:
    regular = pd.date_range("2024-03-30T20:00:00Z", periods=200, freq="30min")
    irregular = pd.DatetimeIndex(list(regular))
    for region, index, provider in (
        ("GB", regular, None),
        ("GB", irregular, OfflineProvider()),
        ("FR", regular, None),
        ("GB", regular, _Subclass()),
    ):
        frame = intensity_forecast(region, index, provider=provider)
        arrays = intensity_arrays(region, index, provider=provider)
        for column, values in zip(("g_per_kwh", "error_g_per_kwh"), arrays, strict=True):
            assert values.tobytes() == frame[column].to_numpy(dtype=float).tobytes()
    g_per_kwh, _ = intensity_arrays("GB", regular)
    with pytest.raises(ValueError, match="read-only"):
        g_per_kwh[0] = -1.0  # a remembered window cannot be spoiled through its arrays
