"""What a batch run is: its arguments, checked together, and its identity (inputs' hashes, model
versions, settings), which a ``--resume`` must match."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from recommender import registry
from recommender.batch.engines import ENGINES, require_dask
from recommender.batch.manifest import greenrec_version, sha256_of
from recommender.errors import InvalidInput, Problem
from recommender.io.files import Source
from recommender.manifest import MODEL_NAMES

if TYPE_CHECKING:
    from recommender.service import Service


def check_arguments(**args: Any) -> None:
    problems = []
    if args["engine"] not in ENGINES:
        problems.append(Problem("engine", f"{args['engine']!r}", " or ".join(ENGINES)))
    for name in ("workers", "chunk_households", "part_households", "top_k"):
        value = args[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(Problem(name, f"{value!r}", "a whole number >= 1"))
    if args["now"] is not None and instant(args["now"]) is None:
        problems.append(
            Problem("now", f"{args['now']!r}", "an ISO 8601 instant with an offset, e.g. ...Z")
        )
    if args["scheduler"] is not None and args["engine"] != "dask":
        problems.append(Problem("scheduler", "given without engine='dask'", "engine='dask'"))
    if args["service"] is not None and (args["engine"] != "local" or args["workers"] != 1):
        problems.append(
            Problem("service", "given with workers > 1 or dask", "models_dir for worker processes")
        )
    if problems:
        raise InvalidInput(problems, source="score_tables")
    if args["engine"] == "dask":
        require_dask()


def instant(value: Any) -> pd.Timestamp | None:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if stamp is pd.NaT or stamp.tzinfo is None else stamp.tz_convert("UTC")


def _model_versions(models_dir: Path | None, service: Service | None) -> dict[str, str]:
    """Each model's version, read from its card (ModelNotFound, exit 3, before any work)."""
    if service is not None:
        return {name: service.models.cards[name].version for name in MODEL_NAMES}
    folder = models_dir or registry.default_models_dir()
    return {name: registry.read_card(name, folder).version for name in MODEL_NAMES}


def describe_run(
    sources: dict[str, Source | None],
    model_dir: Path | None,
    service: Service | None,
    top_k: int,
    chunk_households: int,
    part_households: int,
) -> dict[str, Any]:
    """What a run is: its inputs' hashes, the models and the settings (a resume must match)."""
    return {
        "greenrec_version": greenrec_version(),
        "inputs": {name: sha256_of(src) for name, src in sources.items() if src is not None},
        "models": _model_versions(model_dir, service),
        "top_k": top_k,
        "chunk_households": chunk_households,
        "part_households": part_households,
    }
