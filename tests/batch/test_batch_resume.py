"""Batch runs that lose nothing: parts, the manifest, a kill and --resume, a failing run.

The population is synthetic (``recommender.synth``: real meters' daily shapes; no real batch of
households with trips exists in data/): 12 households cut into parts of at most 2 (the reader's
chunks of about 4 cut them too), so that a run has six parts or more and can be stopped between
them.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from recommender.batch import parts as parts_module
from recommender.batch import score_tables
from recommender.batch.rows import action_rows, score_row
from recommender.batch.score import PAUSE_ENV
from recommender.io import read_tables
from recommender.synth import write_population

NOW = "2024-02-05T12:00:00+00:00"
RESULTS = ("scores.parquet", "actions.parquet", "failures.csv")


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> dict[str, Path]:
    return write_population(tmp_path_factory.mktemp("pop"), n_households=12, days=28, seed=5)


def _cli(population, out: Path, models: Path, *extra: str, env: dict | None = None) -> list[str]:
    return [
        sys.executable, "-c", "from recommender.cli import main; main()", "score",
        "--households", str(population["households"]),
        "--readings", str(population["readings"]),
        "--trips", str(population["trips"]),
        "--out", str(out),
        "--models-dir", str(models),
        "--now", NOW,
        "--part-households", "2",
        "--chunk-households", "4",
        *extra,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def uninterrupted(population, trained_models_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("whole")
    run = subprocess.run(
        _cli(population, out, trained_models_dir), check=True, capture_output=True, text=True
    )
    assert "households/s]" not in run.stderr  # no progress bar when stderr is not a terminal
    return out


def test_progress_bar_shows_households_per_second_when_asked(
    population, trained_models_dir, tmp_path
) -> None:
    run = subprocess.run(
        _cli(population, tmp_path, trained_models_dir, "--progress"),
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "12/12" in run.stderr and "households/s]" in run.stderr


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def _same_results(a: Path, b: Path) -> None:
    for name in RESULTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_a_finished_run_has_a_manifest_whose_counts_add_up(uninterrupted, population) -> None:
    manifest = json.loads((uninterrupted / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    counts = manifest["counts"]
    assert counts["households_in"] == 12 == counts["scored"] + counts["failed"]
    assert counts["parts"] >= 6  # at most 2 households a part; the reader's cuts add some
    scores = pq.read_table(uninterrupted / "scores.parquet")
    assert scores.num_rows == counts["scored"]
    assert len(set(scores["household_id"].to_pylist())) == scores.num_rows

    for name, entry in manifest["outputs"].items():
        data = (uninterrupted / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
    readings = Path(population["readings"]).read_bytes()
    assert manifest["inputs"]["readings"]["sha256"] == hashlib.sha256(readings).hexdigest()
    assert set(manifest["models"]) == {"forecaster", "likelihood", "mode_choice"}
    assert manifest["now"] == NOW
    footprint = manifest["footprint"]
    assert footprint["energy_kwh"] > 0 and footprint["kg_co2e_low"] <= footprint["kg_co2e_high"]
    assert not (uninterrupted / ".staging").exists()


def test_killed_halfway_and_resumed_gives_the_uninterrupted_output(
    population, trained_models_dir, uninterrupted, tmp_path
) -> None:
    """The run blocks after its third part (a test hook, no sleeps); SIGKILL; --resume."""
    out = tmp_path / "out"
    env = {**os.environ, PAUSE_ENV: "3"}
    with subprocess.Popen(
        _cli(population, out, trained_models_dir),
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    ) as proc:
        assert proc.stderr is not None
        paused = any("paused" in line for line in proc.stderr)  # reads up to that line
        proc.send_signal(signal.SIGKILL)
        assert paused, f"the run ended (exit {proc.wait()}) before pausing"
    assert not (out / "manifest.json").exists()
    assert not any((out / name).exists() for name in RESULTS)
    finished = sorted(p.name for p in (out / ".staging" / "parts").glob("part-*"))
    assert finished == ["part-000000", "part-000001", "part-000002"]

    resumed = subprocess.run(
        _cli(population, out, trained_models_dir, "--resume"), capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    n_parts = _manifest(uninterrupted)["counts"]["parts"]
    assert f"3 of {n_parts} parts resumed" in resumed.stdout
    _same_results(out, uninterrupted)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["resumed_parts"] == 3
    assert manifest["counts"] == json.loads((uninterrupted / "manifest.json").read_text())["counts"]


def test_a_killed_run_leaves_its_csv_copy_in_its_staging_folder_and_resume_clears_it(
    population, trained_models_dir, uninterrupted, tmp_path
) -> None:
    """A CSV trips table is copied for the run (recommender/io/spill.py); SIGKILL gives the run
    no chance to remove the copy, so it is made in the run's staging folder, never in the
    system's temporary folder, and the next attempt clears it."""
    trips_csv = tmp_path / "trips.csv"
    pd.read_parquet(population["trips"]).to_csv(trips_csv, index=False)
    out, system_tmp = tmp_path / "out", tmp_path / "system-tmp"
    system_tmp.mkdir()
    cmd = _cli(population, out, trained_models_dir)
    cmd[cmd.index("--trips") + 1] = str(trips_csv)
    env = {**os.environ, PAUSE_ENV: "2", "TMPDIR": str(system_tmp)}
    with subprocess.Popen(
        cmd, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    ) as proc:
        assert proc.stderr is not None
        paused = any("paused" in line for line in proc.stderr)
        proc.send_signal(signal.SIGKILL)
        assert paused, f"the run ended (exit {proc.wait()}) before pausing"
    left = list((out / ".staging" / "scratch").glob("greenrec-spill-*"))
    assert len(left) == 1 and (left[0] / "rows.sqlite3").is_file()
    assert list(system_tmp.iterdir()) == []

    env.pop(PAUSE_ENV)
    resumed = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert not (out / ".staging").exists() and list(system_tmp.iterdir()) == []
    assert _manifest(out)["counts"] == _manifest(uninterrupted)["counts"]


def test_resume_refuses_a_different_input(population, trained_models_dir, tmp_path) -> None:
    out = tmp_path / "out"
    (out / ".staging" / "parts").mkdir(parents=True)
    (out / ".staging" / "run.json").write_text(json.dumps({"inputs": {}, "now": NOW}))
    result = subprocess.run(
        _cli(population, out, trained_models_dir, "--resume"), capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "differs from the interrupted run's" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_failing_run_leaves_nothing_that_reads_as_success(
    population, trained_models_dir, uninterrupted, tmp_path, monkeypatch
) -> None:
    """A disk error on the fourth part: no manifest, no result files (an earlier run's are gone
    too), the finished parts kept; --resume then completes with the same output."""
    out = tmp_path / "out"
    for name in (*RESULTS, "manifest.json"):  # an earlier, complete run in the same folder
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes((uninterrupted / name).read_bytes())
    real_write = parts_module.Staging.write_part

    def failing(self, part, result):
        if part.index == 3:
            raise OSError(28, "No space left on device")
        return real_write(self, part, result)

    monkeypatch.setattr(parts_module.Staging, "write_part", failing)
    args = dict(
        out_dir=out,
        models_dir=trained_models_dir,
        now=NOW,
        part_households=2,
        chunk_households=4,
    )
    paths = (population["households"], population["readings"], population["trips"])
    with pytest.raises(OSError, match="No space left"):
        score_tables(*paths, **args)
    assert not (out / "manifest.json").exists()
    assert not any((out / name).exists() for name in RESULTS)
    failed = json.loads((out / ".staging" / "failed.json").read_text())
    assert failed["status"] == "failed" and failed["parts_done"] == 3

    monkeypatch.setattr(parts_module.Staging, "write_part", real_write)
    summary = score_tables(*paths, **args, resume=True)
    assert (summary.n_parts, summary.n_parts_resumed) == (
        _manifest(uninterrupted)["counts"]["parts"],
        3,
    )
    _same_results(out, uninterrupted)


def test_cli_on_an_unusable_file_exits_2_and_writes_no_results(
    population, trained_models_dir, tmp_path
) -> None:
    bad = tmp_path / "households.csv"
    pd.read_parquet(population["households"]).drop(columns=["region"]).to_csv(bad, index=False)
    out = tmp_path / "out"
    cmd = _cli(population, out, trained_models_dir)
    cmd[cmd.index("--households") + 1] = str(bad)
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode == 2
    assert "region" in result.stderr and "the run did not finish" in result.stderr
    assert not any((out / name).exists() for name in (*RESULTS, "manifest.json"))


def test_every_households_rows_are_exactly_the_services_answer(
    population, uninterrupted, service
) -> None:
    """The batch rows equal the rows of ``Service.recommend``'s answer, value for value."""
    now = pd.Timestamp(NOW)
    homes = read_tables(population["households"], population["readings"], population["trips"])
    expected_scores, expected_actions = [], []
    for home in homes.households:
        rec = service.recommend(home, now=now, top_k=5)
        expected_scores.append(score_row(rec))
        expected_actions += action_rows(rec)
    assert _plain(pq.read_table(uninterrupted / "scores.parquet").to_pylist()) == _plain(
        expected_scores
    )
    assert _plain(pq.read_table(uninterrupted / "actions.parquet").to_pylist()) == _plain(
        expected_actions
    )


def _plain(rows: list[dict]) -> list[dict]:
    """NaN as None, so that equal rows compare equal (NaN != NaN); every other value exact."""
    return [{k: None if v != v else v for k, v in row.items()} for row in rows]


def test_resume_without_an_interrupted_run_leaves_a_finished_one_alone(
    population, trained_models_dir, uninterrupted, tmp_path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in (*RESULTS, "manifest.json"):
        (out / name).write_bytes((uninterrupted / name).read_bytes())
    result = subprocess.run(
        _cli(population, out, trained_models_dir, "--resume"), capture_output=True, text=True
    )
    assert result.returncode == 2 and "nothing to resume" in result.stderr
    _same_results(out, uninterrupted)
    assert _manifest(out)["status"] == "complete"


def test_the_cli_defaults_are_the_apis() -> None:
    """The CLI cannot import the engine to read its defaults (``greenrec --help`` stays light),
    so its literals are held to the engine's constants here."""
    from recommender.batch.score import CHUNK_HOUSEHOLDS, PART_HOUSEHOLDS
    from recommender.cli.score import score

    defaults = {p.name: p.default for p in score.params}
    assert defaults["chunk_households"] == CHUNK_HOUSEHOLDS
    assert defaults["part_households"] == PART_HOUSEHOLDS
