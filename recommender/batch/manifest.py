"""Finishing a batch run: check the counts, publish the result files, write the manifest last.

``manifest.json`` with ``"status": "complete"`` is the one sign that a run finished: it is written
after the result files, and only when every household that came in is either scored or explained
(``households_in == scored + failed``, no household in both, none twice). A run that fails leaves
no manifest and no result files, only its staging folder (:mod:`recommender.batch.parts`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from recommender.batch.parts import PART_FILES, PART_INFO, Staging, write_json
from recommender.batch.rows import ACTIONS_SCHEMA, FAILURE_COLUMNS, SCORES_SCHEMA
from recommender.errors import GreenrecError
from recommender.io.files import Source

MANIFEST = "manifest.json"
OUTPUTS = dict(PART_FILES)  # the result files have the parts' names, in out_dir itself


def sha256_of(source: Source) -> dict[str, Any]:
    """The SHA-256 of an input file (streamed), or of a DataFrame's rows and column names."""
    digest = hashlib.sha256()
    if isinstance(source, pd.DataFrame):
        digest.update(json.dumps([str(c) for c in source.columns]).encode())
        digest.update(pd.util.hash_pandas_object(source, index=False).to_numpy().tobytes())
        return {"dataframe_rows": len(source), "sha256_of_row_hashes": digest.hexdigest()}
    path = Path(source)
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return {"path": str(path.resolve()), "bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def greenrec_version() -> str:
    try:
        return version("greenrec")
    except PackageNotFoundError:  # pragma: no cover - a source checkout without install
        return "unknown"


@dataclass(frozen=True)
class RunCounts:
    """What the parts add up to (households are counted by distinct id)."""

    households_in: int
    scored: int
    failed: int
    input_failed: int
    engine_failed: int
    internal_errors: int
    failure_rows: int
    action_rows: int
    parts: int
    withdrawn: frozenset[str]  # scored, then found to have readings out of order

    def to_json(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if k != "withdrawn"}


def count_parts(staging: Staging) -> RunCounts:
    """Read every part's ids and check that nothing was lost or counted twice."""
    ids_in: list[str] = []
    scored: list[str] = []
    input_failed: set[str] = set()
    engine_failed: set[str] = set()
    internal = 0
    dirs = staging.part_dirs()
    for folder in dirs:
        info = json.loads((folder / PART_INFO).read_text(encoding="utf-8"))
        ids_in += info["ids_in"]
        scored += info["scored_ids"]
        input_failed |= set(info["input_failed_ids"])
        engine_failed |= set(info["engine_failed_ids"])
        internal += info["n_internal_errors"]
    withdrawn = frozenset(set(scored) & input_failed)
    kept = set(scored) - withdrawn
    failed = input_failed | engine_failed
    problems = []
    if len(scored) != len(set(scored)):
        problems.append(f"{len(scored) - len(set(scored))} household(s) scored twice")
    if set(ids_in) != kept | failed:
        lost = sorted(set(ids_in) - kept - failed)[:5]
        problems.append(f"households in but neither scored nor failed, e.g. {lost}")
    if kept & failed:
        problems.append(f"households both scored and failed, e.g. {sorted(kept & failed)[:5]}")
    if problems:
        raise GreenrecError("the run's counts do not add up: " + "; ".join(problems))
    return RunCounts(
        households_in=len(set(ids_in)),
        scored=len(kept),
        failed=len(failed),
        input_failed=len(input_failed),
        engine_failed=len(engine_failed - input_failed),
        internal_errors=internal,
        failure_rows=0,
        action_rows=0,
        parts=len(dirs),
        withdrawn=withdrawn,
    )


def combine_parts(staging: Staging, counts: RunCounts) -> tuple[RunCounts, dict[str, Path]]:
    """Concatenate the parts (in order, withdrawn households left out) into the result files:
    written in the staging folder, then renamed into ``out_dir``."""
    final = staging.root / "final"
    final.mkdir(exist_ok=True)
    rows = {}
    drop = pa.array(sorted(counts.withdrawn), type=pa.string())
    for name, schema in (("scores", SCORES_SCHEMA), ("actions", ACTIONS_SCHEMA)):
        with pq.ParquetWriter(final / OUTPUTS[name], schema) as writer:
            rows[name] = 0
            for folder in staging.part_dirs():
                table = pq.read_table(folder / PART_FILES[name], schema=schema)
                table = table.filter(pc.invert(pc.is_in(table["household_id"], value_set=drop)))
                writer.write_table(table)
                rows[name] += table.num_rows
    header = ",".join(FAILURE_COLUMNS) + "\n"
    rows["failures"] = 0
    with (final / OUTPUTS["failures"]).open("w", encoding="utf-8", newline="") as out:
        out.write(header)
        for folder in staging.part_dirs():
            text = (folder / PART_FILES["failures"]).read_text(encoding="utf-8")
            rows["failures"] += sum(1 for _ in csv.reader(io.StringIO(text))) - 1
            out.write(text.removeprefix(header))
    if rows["scores"] != counts.scored:
        raise GreenrecError(
            f"the run's counts do not add up: {rows['scores']} score rows for "
            f"{counts.scored} scored households"
        )
    paths = {}
    for name, file in OUTPUTS.items():
        paths[name] = staging.out_dir / file
        os.replace(final / file, paths[name])
    counts = RunCounts(
        **{**counts.__dict__, "failure_rows": rows["failures"], "action_rows": rows["actions"]}
    )
    return counts, paths


def clear_results(out_dir: Path) -> None:
    """Remove an earlier run's manifest (first: it must never outlive its files) and results."""
    (out_dir / MANIFEST).unlink(missing_ok=True)
    for file in OUTPUTS.values():
        (out_dir / file).unlink(missing_ok=True)


def write_manifest(
    out_dir: Path,
    run_info: dict[str, Any],
    counts: RunCounts,
    paths: dict[str, Path],
    extra: dict[str, Any],
) -> Path:
    """Write ``manifest.json`` (status complete): the last file a successful run writes."""
    outputs = {
        name: {"file": path.name, **{k: v for k, v in sha256_of(path).items() if k != "path"}}
        for name, path in paths.items()
    }
    manifest = {
        "status": "complete",
        **run_info,
        "counts": counts.to_json(),
        "check": "households_in == scored + failed (distinct ids): passed",
        "outputs": outputs,
        **extra,
    }
    path = out_dir / MANIFEST
    write_json(path, manifest)
    return path
