"""A batch run's staging folder: one part per finished chunk, each written atomically.

Layout of ``out_dir`` while a run is going (or after it failed or was killed)::

    out_dir/.staging/run.json              what the run is: inputs' SHA-256, models, settings
    out_dir/.staging/parts/part-000000/    one finished chunk: scores.parquet, actions.parquet,
                                           failures.csv and part.json (the ids in and out)
    out_dir/.staging/failed.json           why the last attempt stopped (when it could say)
    out_dir/.staging/scratch/              the reader's temporary copies (a CSV's rows by
                                           household): removed by the attempt that made them,
                                           or, after a kill, by the next attempt

A part is written into a temporary folder beside its final name and renamed into place
(``os.replace``: atomic on one file system), so a part either exists whole or not at all, and a
killed run never leaves half a part. ``--resume`` skips the parts that exist. Nothing in the
staging folder reads as a result: the result files and ``manifest.json`` appear only when the run
has finished and its counts add up (:mod:`recommender.batch.manifest`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from recommender.batch.chunk import ChunkResult
from recommender.batch.rows import ACTIONS_SCHEMA, FAILURE_COLUMNS, SCORES_SCHEMA, failure_rows
from recommender.domain import Household
from recommender.errors import InvalidInput, Problem

STAGING = ".staging"
RUN_FILE = "run.json"
FAILED_FILE = "failed.json"
SCRATCH = "scratch"
PART_FILES = {"scores": "scores.parquet", "actions": "actions.parquet", "failures": "failures.csv"}
PART_INFO = "part.json"
# settings that change an answer or a part's boundaries: a resumed run must share them
RESUME_KEYS = ("inputs", "models", "now", "top_k", "chunk_households", "part_households")


@dataclass(frozen=True)
class Part:
    """One chunk of the run: households to score and the reader's failures that came with them.

    ``household_ids`` are the households' ids; once a part is sent to an engine the parent keeps
    only those (:meth:`sent`), so the parts in flight do not hold their households twice.
    """

    index: int
    households: list[Household]
    input_failures: list[tuple[str, InvalidInput]] = field(default_factory=list)
    household_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.households and not self.household_ids:
            ids = tuple(h.household_id for h in self.households)
            object.__setattr__(self, "household_ids", ids)

    def sent(self) -> Part:
        """This part without its households (its ids kept), once an engine has them."""
        return replace(self, households=[])

    @property
    def name(self) -> str:
        return f"part-{self.index:06d}"

    @property
    def n_in(self) -> int:
        return len(self.household_ids) + len({hid for hid, _ in self.input_failures})


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, rename it over."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_json(path: Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, indent=1, sort_keys=True) + "\n")


def failures_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FAILURE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


class Staging:
    """The staging folder of one output folder (see the module docstring)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.root = out_dir / STAGING
        self.parts_dir = self.root / "parts"
        self.scratch = self.root / SCRATCH  # the reader's temporary copies: this attempt's only

    def start(self, run_info: dict[str, Any]) -> None:
        """A fresh run: drop an earlier run's staging folder, write what this run is."""
        if self.root.exists():
            shutil.rmtree(self.root)
        self.parts_dir.mkdir(parents=True)
        self.scratch.mkdir()
        write_json(self.root / RUN_FILE, run_info)

    def resume(self, run_info: dict[str, Any]) -> dict[str, Any]:
        """Check that this run continues the staged one; returns the staged run's description.

        Raises :class:`InvalidInput` when there is nothing to resume or when the inputs, models
        or settings that shape the answers differ from the interrupted run's.
        """
        path = self.root / RUN_FILE
        if not path.is_file():
            raise InvalidInput(
                Problem(
                    "--resume",
                    f"nothing to resume in {self.out_dir}: no {STAGING}/{RUN_FILE}",
                    "the --out folder of an interrupted run (or run without --resume)",
                ),
                source="score",
            )
        staged = json.loads(path.read_text(encoding="utf-8"))
        problems = [
            Problem(
                key,
                f"differs from the interrupted run's: {_short(run_info[key])} "
                f"instead of {_short(staged.get(key))}",
                "the same inputs, models and settings as the run being resumed",
            )
            for key in RESUME_KEYS
            if key in run_info and run_info[key] != staged.get(key)
        ]
        if problems:
            raise InvalidInput(problems, source="score --resume")
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        (self.root / FAILED_FILE).unlink(missing_ok=True)
        shutil.rmtree(self.scratch, ignore_errors=True)  # a killed attempt's copies
        self.scratch.mkdir()
        return dict(staged)

    def done(self) -> set[int]:
        """Indices of the parts already written whole."""
        return {
            int(p.name.removeprefix("part-"))
            for p in self.parts_dir.glob("part-*")
            if p.is_dir() and (p / PART_INFO).is_file()
        }

    def write_part(self, part: Part, result: ChunkResult) -> None:
        """Write one part into a temporary folder, then rename it into place."""
        final = self.parts_dir / part.name
        tmp = self.parts_dir / f".{part.name}.{os.getpid()}.tmp"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
        inputs = sorted(part.input_failures, key=lambda f: f[0])  # stable: problems keep order
        failures = [row for hid, err in inputs for row in failure_rows(hid, err, "input")]
        failures += result.failures
        pq.write_table(
            pa.Table.from_pylist(result.scores, schema=SCORES_SCHEMA), tmp / PART_FILES["scores"]
        )
        pq.write_table(
            pa.Table.from_pylist(result.actions, schema=ACTIONS_SCHEMA),
            tmp / PART_FILES["actions"],
        )
        (tmp / PART_FILES["failures"]).write_text(failures_csv(failures), encoding="utf-8")
        info = {
            "ids_in": list(part.household_ids) + sorted({hid for hid, _ in inputs}),
            "scored_ids": result.scored_ids,
            "input_failed_ids": sorted({hid for hid, _ in inputs}),
            "engine_failed_ids": result.failed_ids,
            "n_internal_errors": result.n_internal_errors,
        }
        write_json(tmp / PART_INFO, info)
        _fsync_dir(tmp)
        os.replace(tmp, final)
        _fsync_dir(self.parts_dir)

    def part_dirs(self) -> list[Path]:
        return [self.parts_dir / f"part-{i:06d}" for i in sorted(self.done())]

    def record_failure(self, error: BaseException) -> None:
        """Say in the staging folder why this attempt stopped (best effort: a kill cannot)."""
        if self.root.is_dir():
            write_json(
                self.root / FAILED_FILE,
                {
                    "status": "failed",
                    "error": type(error).__name__,
                    "message": str(error),
                    "parts_done": len(self.done()),
                },
            )

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 120 else text[:117] + "..."
