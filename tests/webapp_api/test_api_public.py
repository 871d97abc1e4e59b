"""``without_host_details`` gives what the walk it replaced gave, for any JSON-ready answer."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.api.public import HOST_KEYS, _is_footprint, _public_footprint, without_host_details


def reference(obj: Any) -> Any:
    """The walk before scalars were skipped without a call (until commit 95596b8)."""
    if isinstance(obj, dict):
        if _is_footprint(obj):
            return _reference_footprint(obj)
        return {k: reference(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [reference(v) for v in obj]
    return obj


def _reference_footprint(footprint: dict[str, Any]) -> dict[str, Any]:
    public = _public_footprint(footprint)  # its own keys; its details walked by the reference
    details = {k: v for k, v in footprint["details"].items() if k not in HOST_KEYS}
    return {**public, "details": reference(details)}


KEYS = st.sampled_from([*sorted(HOST_KEYS), "kg_co2e", "method", "details", "pue", "grid", "x"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=4))


def _nested(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    footprint = st.fixed_dictionaries(
        {"kg_co2e": st.floats(0, 1), "method": st.text(max_size=4), "details": children},
        optional={"power_source": st.text(max_size=4), "x": children},
    )
    return st.one_of(
        st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=5), footprint
    )


ANSWERS = st.recursive(SCALARS, _nested, max_leaves=40)


@settings(max_examples=1500, deadline=None)
@given(ANSWERS)
def test_any_answer_loses_the_same_host_details(answer: Any) -> None:
    got, want = without_host_details(answer), reference(answer)
    assert json.dumps(got) == json.dumps(want)
