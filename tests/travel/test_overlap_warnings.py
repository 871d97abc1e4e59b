"""The overlap warnings as the chunk writes them against the per-clash loop they replaced.

``overlap_warnings`` reads only each household's first ``MAX_LISTED`` clashes and writes their
times with numpy (``_utc_minutes``) instead of a ``pd.Timestamp`` each: the same warnings, word
for word, with or without the chunk's mode codes, on random tables with many clashes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.actions.travel.trip_chunk import factorized
from recommender.actions.travel.trip_table import (
    MAX_LISTED,
    _utc_minutes,
    max_plausible_kmh,
    overlap_warnings,
)


def _loop(code, n_groups, start_ns, distance_km, mode, labels):
    """The loop ``overlap_warnings`` replaced (every clash visited, a Timestamp each)."""
    order = np.lexsort((start_ns, code))
    mode, km = mode[order], distance_km[order]
    limit = max_plausible_kmh(mode)
    starts = start_ns[order]
    earliest_end = starts + pd.to_timedelta(km / limit, unit="h").as_unit("ns").asi8
    ids = code[order]
    clash = np.zeros(len(order), dtype=bool)
    clash[:-1] = (ids[:-1] == ids[1:]) & (earliest_end[:-1] > starts[1:])
    out = [[] for _ in range(n_groups)]
    labels = labels[order]
    for pos in np.flatnonzero(clash):
        listed = out[ids[pos]]
        if len(listed) >= MAX_LISTED:
            continue
        at, after = pd.Timestamp(starts[pos], tz="UTC"), pd.Timestamp(starts[pos + 1], tz="UTC")
        listed.append(
            f"DataQualityWarning: trips[{labels[pos]}] ({km[pos]:g} km by {mode[pos]} "
            f"from {at:%Y-%m-%d %H:%M} UTC) cannot have ended before "
            f"trips[{labels[pos + 1]}] "
            f"starts at {after:%H:%M} UTC even at {limit[pos]:.0f} "
            "km/h; both kept (two people may travel at once) - check the start times"
        )
    return out


@pytest.mark.parametrize("seed", range(4))
def test_overlap_warnings_are_the_loops(seed):
    rng = np.random.default_rng(seed)
    n, n_groups = 3000, 12
    code = rng.integers(0, n_groups, n)
    start = rng.integers(-(10**15), 10**15, n) // 60_000_000_000 * 60_000_000_000
    start[rng.random(n) < 0.5] = start[0]  # many trips at once: many clashes
    km = np.round(rng.gamma(2.0, 20.0, n), 1)
    mode = rng.choice(np.array(["car_petrol", "rail", "flight_domestic", "walk"], object), n)
    labels = rng.permutation(n)
    want = _loop(code, n_groups, start, km, mode, labels)
    assert overlap_warnings(code, n_groups, start, km, mode, labels) == want
    codes = factorized(mode)
    assert overlap_warnings(code, n_groups, start, km, mode, labels, codes) == want


def test_utc_minutes_are_the_timestamps():
    rng = np.random.default_rng(0)
    ns = np.r_[rng.integers(pd.Timestamp.min.value, pd.Timestamp.max.value, 2000), -1, 0, 59]
    want = [f"{pd.Timestamp(t, tz='UTC'):%Y-%m-%d %H:%M}" for t in ns.tolist()]
    assert _utc_minutes(ns) == want
