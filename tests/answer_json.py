"""Canonical JSON of an answer, without what legitimately differs between two runs.

Left out: ``generated_at`` (the clock), the answer's own measured ``inference_footprint``, and the
models' measured ``training_footprint`` with the ``carbon_payback*`` figures computed from it
(both come from the energy meter at training time). Everything else - forecast, actions,
savings, likelihoods, explanations, schedules, warnings, model version - is compared exactly,
key order fixed.
"""

from __future__ import annotations

import json
from typing import Any

MEASURED_MODEL_FIELDS = ("inference_footprint", "training_footprint")


def _measured(key: str) -> bool:
    """Footprints, and the payback figures (and their range) computed from them."""
    return key in MEASURED_MODEL_FIELDS or key.startswith("carbon_payback")


def comparable(answer: Any) -> dict[str, Any]:
    """The answer's dict (a Recommendation or its ``to_dict()``) minus the measured fields."""
    data = dict(answer if isinstance(answer, dict) else answer.to_dict())
    data.pop("generated_at", None)
    data["model"] = {k: v for k, v in data["model"].items() if not _measured(k)}
    return data


def canonical_json(answer: Any) -> str:
    return json.dumps(comparable(answer), sort_keys=True, indent=1, allow_nan=False)
