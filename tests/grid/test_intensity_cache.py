"""The offline GB forecast remembers regular windows (a batch scored at one instant asks for the
same one per household): the remembered answer must be the computed one, and stay so."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.grid.providers import OfflineProvider


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
