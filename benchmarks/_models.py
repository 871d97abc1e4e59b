"""The models a benchmark script runs on: a given folder, or freshly trained into a scratch one."""

from __future__ import annotations

import time
from pathlib import Path


def models_or_train(models_dir: str | None, scratch: Path) -> Path:
    """``models_dir`` when given, else train every model into ``scratch/models`` (and say so)."""
    if models_dir:
        return Path(models_dir)
    from recommender.training import train_all  # only when there is training to do

    target = scratch / "models"
    t0 = time.perf_counter()
    train_all(target)
    print(f"trained models in {time.perf_counter() - t0:.1f} s (pass --models-dir to reuse)")
    return target
