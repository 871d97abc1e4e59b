"""What keeps a batch run's reading process small (figures: benchmarks/batch.py)."""

from __future__ import annotations

import subprocess
import sys


def test_the_reading_process_does_not_import_the_models_code() -> None:
    # with worker processes, the parent only reads, parses and writes: the service and
    # scikit-learn (~110 MiB resident) are imported by the workers alone
    code = (
        "import sys, recommender.batch, recommender.cli.score; "
        "print(sorted(m for m in ('sklearn', 'scipy', 'recommender.service', "
        "'recommender.forecast', 'recommender.actions', 'recommender.ranking') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
