"""Properties of the ranking rules (order_candidates) on random inputs (Hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.ranking.ordering import RankingWeights, order_candidates

KINDS = ["shift_appliance", "home_efficiency", "travel_mode", "fewer_flights"]


@st.composite
def candidates(draw):
    n = draw(st.integers(1, 14))
    ids = [f"a{i:02d}" for i in range(n)]
    kinds = [draw(st.sampled_from(KINDS)) for _ in ids]
    scores = np.array([draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, -1.0])) for _ in ids])
    demoted = np.array([draw(st.booleans()) for _ in ids])
    pairs = draw(st.sets(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=6))
    conflicts = {frozenset(p) for p in pairs if p[0] != p[1]}
    weights = RankingWeights(
        max_per_kind=draw(st.integers(1, 3)), diversity_window=draw(st.integers(1, 6))
    )
    return ids, kinds, scores, demoted, conflicts, weights


@settings(max_examples=300, deadline=None)
@given(candidates())
def test_ranking_rules_hold(case):
    ids, kinds, scores, demoted, conflicts, weights = case
    ordering = order_candidates(ids, kinds, scores, demoted, conflicts, weights)
    order = ordering.order
    # each candidate once; the ones left out are exactly those replaced by a conflicting winner
    assert len(set(order)) == len(order)
    replaced = {j for js in ordering.replaces.values() for j in js}
    assert set(order) | replaced == set(range(len(ids)))
    assert not set(order) & replaced
    # no two conflicting actions are both shown, and each loser conflicts with its winner
    shown = [ids[i] for i in order]
    assert not any(frozenset((a, b)) in conflicts for a in shown for b in shown if a < b)
    for winner, losers in ordering.replaces.items():
        assert all(frozenset((ids[winner], ids[j])) in conflicts for j in losers)
    # demoted actions come after every other one
    flags = [bool(demoted[i]) for i in order]
    assert flags == sorted(flags)
    # diversity: the window (first places, held-back and demoted actions aside) holds at most
    # max_per_kind of a kind; an action is held back only when its kind is at the cap in the
    # window; when the window is full it is exactly the first places
    held = ordering.held_back
    window = [i for i in order if i not in held and not demoted[i]][: weights.diversity_window]
    counts = {k: [kinds[i] for i in window].count(k) for k in KINDS}
    assert max(counts.values()) <= weights.max_per_kind
    assert all(counts[kinds[i]] == weights.max_per_kind for i in held)
    if len(window) == weights.diversity_window:
        assert order[: len(window)] == window
    # same input, same output (deterministic), whatever order the inputs came in
    again = order_candidates(ids, kinds, scores, demoted, conflicts, weights)
    assert again.order == order


@settings(max_examples=200, deadline=None)
@given(candidates())
def test_outside_the_rules_higher_scores_come_first(case):
    ids, kinds, scores, _, _, _ = case
    weights = RankingWeights(max_per_kind=len(ids) or 1, diversity_window=1)
    ordering = order_candidates(ids, kinds, scores, np.zeros(len(ids), bool), set(), weights)
    keys = [(-scores[i], ids[i]) for i in ordering.order]
    assert keys == sorted(keys)
