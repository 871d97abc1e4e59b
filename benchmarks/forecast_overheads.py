"""CPU milliseconds of one warm ``forecast_households`` answer, for the two kinds of request.

- with temperatures: the bundled sample household (OpenEEmeter's real UK meter 0 and its real
  temperatures, the documented assumed appliances and trips), its last 8,760 hours, as
  ``benchmarks/latency.py`` sends it (compact form, parsed once, not timed);
- without: what partner apps mostly send, the ``benchmarks/api.py`` bodies (the two real UK meters'
  last year, no temperature), alternating.

Figures are the median process CPU time of ``--repeats`` calls (``benchmarks/_timing.py``). To
compare two versions, run it IN THE SAME SESSION on each, e.g. main extracted to a folder:

    git archive main | tar -x -C /tmp/base
    cd benchmarks
    PYTHONPATH=/tmp/base python forecast_overheads.py --models-dir /tmp/models
    PYTHONPATH=.. python forecast_overheads.py --models-dir /tmp/models
"""

from __future__ import annotations

import argparse
import json
import tempfile
from itertools import cycle
from pathlib import Path

import joblib
from _models import models_or_train
from _timing import median_cpu_ms
from api import one_year_households
from latency import year_payloads

import recommender
from recommender.forecast import forecast_households
from recommender.io import parse_household


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=100)
    parser.add_argument("--models-dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        models = models_or_train(args.models_dir, Path(scratch))
        model = joblib.load(Path(models) / "forecaster.joblib")
    kinds = {
        "with temperatures": [parse_household(year_payloads()["compact"])],
        "without (API bodies)": [parse_household(json.loads(b)) for b in one_year_households(2)],
    }
    print(f"recommender from {Path(recommender.__file__).parent}")
    for kind, households in kinds.items():
        turn = cycle(households)
        ms = median_cpu_ms(lambda t=turn: forecast_households(model, [next(t)]), args.repeats)
        print(f"  forecast_households, {kind:22} CPU p50 {ms:6.2f} ms")


if __name__ == "__main__":
    main()
