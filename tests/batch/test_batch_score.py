"""score_tables: every household scored or explained, the same answer as the service, any engine.

The population is synthetic (``recommender.synth``: the real meters' daily shapes; no real batch of
households with trips exists in data/) plus hand-made bad rows: readings of a household with no
households row, a household with a negative and an unreadable reading, a meter that read nothing
for four weeks (the reader accepts it; the forecast has no use left once vacancies are set aside),
and a daily-only meter (scored from its day totals).
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from click.testing import CliRunner

from recommender.batch import EngineMissing, score_tables
from recommender.cli.score import score
from recommender.io import read_tables
from recommender.synth import write_population

NOW = pd.Timestamp("2024-02-05T12:00:00Z")  # every run scores at the same instant
GOOD = [f"syn-{i:08d}" for i in range(6)]


def _csv(frame: pd.DataFrame, path) -> str:
    frame.to_csv(path, index=False)
    return str(path)


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """Six synthetic households plus three bad ones (see the module docstring)."""
    folder = tmp_path_factory.mktemp("pop")
    paths = write_population(folder, n_households=6, days=28, seed=3)
    homes = pd.read_parquet(paths["households"])
    readings = pd.read_parquet(paths["readings"])
    trips = pd.read_parquet(paths["trips"])
    readings["timestamp"] = readings["timestamp"].map(lambda t: t.isoformat()).astype(object)
    trips["start"] = trips["start"].map(lambda t: t.isoformat()).astype(object)
    first = readings[readings["household_id"] == GOOD[0]]

    bad = first.iloc[:48].copy()
    bad["household_id"] = "bad-readings"
    bad["kwh"] = bad["kwh"].astype(object)
    bad.iloc[5, bad.columns.get_loc("kwh")] = -1.5
    bad.iloc[9, bad.columns.get_loc("timestamp")] = "not a time"
    days = pd.date_range("2024-01-01", periods=28, freq="D", tz="UTC")
    daily = pd.DataFrame(
        {"household_id": "daily-meter", "timestamp": [t.isoformat() for t in days], "kwh": 9.5}
    )
    vacant = first.iloc[: 28 * 24].copy()
    vacant["household_id"] = "vacant-meter"
    vacant["kwh"] = 0.0
    ghost = first.iloc[:24].copy()
    ghost["household_id"] = "ghost-1"
    extra_homes = homes.iloc[[0, 0, 0]].copy()
    extra_homes["household_id"] = ["bad-readings", "daily-meter", "vacant-meter"]
    return {
        "households": pd.concat([homes, extra_homes], ignore_index=True),
        "readings": pd.concat([readings, bad, daily, vacant, ghost], ignore_index=True),
        "trips": trips,
    }


@pytest.fixture(scope="module")
def files(tables, tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("in")
    return {name: _csv(frame, folder / f"{name}.csv") for name, frame in tables.items()}


@pytest.fixture(scope="module")
def four_files(tables, tmp_path_factory) -> dict[str, str]:
    """Only the first four good households."""
    folder = tmp_path_factory.mktemp("four")
    return {
        name: _csv(frame[frame["household_id"].isin(GOOD[:4])], folder / f"{name}.csv")
        for name, frame in tables.items()
    }


@pytest.fixture(scope="module")
def run(files, trained_models_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    summary = score_tables(
        files["households"],
        files["readings"],
        files["trips"],
        out_dir=out,
        models_dir=trained_models_dir,
        now=NOW,
    )
    return (
        summary,
        pd.read_parquet(out / "scores.parquet"),
        pd.read_parquet(out / "actions.parquet"),
        pd.read_csv(out / "failures.csv", keep_default_na=False),
    )


def test_every_household_is_scored_or_explained_and_the_counts_add_up(run, tables) -> None:
    summary, scores, actions, failures = run
    input_ids = set().union(*(set(t["household_id"]) for t in tables.values()))
    scored, failed = set(scores["household_id"]), set(failures["household_id"])
    assert scored | failed == input_ids
    assert not scored & failed
    assert scored == {*GOOD, "daily-meter"}
    assert failed == {"ghost-1", "bad-readings", "vacant-meter"}
    assert summary.n_households == len(input_ids) == summary.n_scored + summary.n_failed
    assert summary.n_scored == len(scores) == scores["household_id"].nunique()
    assert summary.n_failed == len(failed)
    assert summary.n_input_failed + summary.n_engine_failed == summary.n_failed
    assert summary.n_failure_rows == len(failures)
    assert summary.n_action_rows == len(actions)
    assert summary.n_internal_errors == 0


def test_each_problem_is_a_row_saying_where_what_and_expected(run) -> None:
    failures = run[3]
    by_id = {hid: rows for hid, rows in failures.groupby("household_id")}
    ghost = by_id["ghost-1"]
    assert (ghost["stage"] == "input").all()
    assert ghost["problem"].str.contains("no row in the households table").any()
    bad = by_id["bad-readings"]
    assert (bad["stage"] == "input").all()
    assert len(bad) >= 2  # the negative kWh and the unreadable timestamp, each its own row
    assert bad["where"].str.contains("kwh").any()
    assert bad["where"].str.contains("timestamp").any()
    assert (bad["expected"] != "").all()
    vacant = by_id["vacant-meter"]
    assert list(vacant["stage"]) == ["engine"]
    assert list(vacant["error"]) == ["InsufficientData"]
    assert "vacancies" in vacant["problem"].iloc[0]


def test_a_daily_meter_is_scored_from_its_day_totals(run) -> None:
    scores = run[1].set_index("household_id")
    daily = scores.loc["daily-meter"]
    # 28 days of 9.5 kWh: a year of about 9.5 x 365 kWh, give or take the model's season
    assert 0.5 * 9.5 * 365 < daily["annual_kwh"] < 1.5 * 9.5 * 365
    assert "forecast: daily readings" in daily["warnings"]


def test_a_households_rows_are_the_services_answer(run, files, service) -> None:
    _, scores, actions, _ = run
    hid = GOOD[2]
    home = next(h for h in read_tables(**files).households if h.household_id == hid)
    rec = service.recommend(home, now=NOW, top_k=5)
    row = scores.set_index("household_id").loc[hid]
    assert row["annual_kwh"] == pytest.approx(rec.forecast.annual_kwh, rel=1e-12)
    assert row["annual_kwh_p10"] == pytest.approx(rec.forecast.annual_kwh_p10, rel=1e-12)
    assert row["annual_kwh_p90"] == pytest.approx(rec.forecast.annual_kwh_p90, rel=1e-12)
    assert row["top_action_ids"].split(",") == [a.id for a in rec.actions]
    assert row["model_version"] == rec.model.version
    mine = actions[actions["household_id"] == hid].sort_values("rank")
    expected = rec.to_dict()["actions"]
    assert list(mine["rank"]) == [a["rank"] for a in expected]
    assert list(mine["title"]) == [a["title"] for a in expected]
    assert list(mine["likelihood"]) == pytest.approx([a["likelihood"] for a in expected], abs=1e-6)
    for field in ("kg_co2e_per_year", "money_per_year_p90", "kwh_per_year_p10"):
        assert list(mine[field]) == pytest.approx([a["savings"][field] for a in expected], rel=1e-5)


def test_scores_totals_are_the_sums_of_the_actions_shown(run) -> None:
    _, scores, actions, _ = run
    grouped = actions.groupby("household_id")
    per_home = scores.set_index("household_id")
    shown = grouped.size().reindex(per_home.index, fill_value=0)  # a household may have none
    assert (shown == per_home["n_actions"]).all()
    kg_shown = grouped["kg_co2e_per_year"].sum().reindex(per_home.index, fill_value=0.0)
    assert np.allclose(kg_shown, per_home["top_kg_co2e_per_year"])
    assert set(actions["energy"]) <= {"electricity", "gas", "transport"}
    assert {"electricity", "transport"} <= set(actions["energy"])  # the sums below hold some
    for energy in ("electricity", "gas", "transport"):  # kWh of different energies never added
        mine = actions[actions["energy"] == energy].groupby("household_id")["kwh_per_year"].sum()
        total = per_home[f"top_{energy}_kwh_per_year"]
        assert np.allclose(mine.reindex(per_home.index, fill_value=0.0), total)
    for hid, rows in grouped:
        assert list(rows["rank"]) == list(range(1, len(rows) + 1))
        if rows["currency"].nunique() == 1:
            assert rows["money_per_year"].sum() == pytest.approx(
                per_home.loc[hid, "top_money_per_year"]
            )
            assert per_home.loc[hid, "currency"] == rows["currency"].iloc[0]
        else:  # money in different currencies is not summed
            assert np.isnan(per_home.loc[hid, "top_money_per_year"])
    for name in ("kwh", "kg_co2e", "money"):
        col = f"{name}_per_year"
        assert (actions[f"{col}_p10"] <= actions[col] + 1e-9).all()
        assert (actions[col] <= actions[f"{col}_p90"] + 1e-9).all()
    assert actions["likelihood"].between(0, 1).all()


def _score_four(four_files, models_dir, out, **kwargs):
    summary = score_tables(
        four_files["households"],
        four_files["readings"],
        four_files["trips"],
        out_dir=out,
        models_dir=models_dir,
        now=NOW,
        **kwargs,
    )
    return (
        summary,
        pd.read_parquet(out / "scores.parquet"),
        pd.read_parquet(out / "actions.parquet"),
    )


def _same_as_main_run(run, scores, actions) -> None:
    """A household's answer does not depend on the batch around it or the engine."""
    ref_scores = run[1][run[1]["household_id"].isin(GOOD[:4])].reset_index(drop=True)
    ref_actions = run[2][run[2]["household_id"].isin(GOOD[:4])].reset_index(drop=True)
    pdt.assert_frame_equal(scores, ref_scores)
    pdt.assert_frame_equal(actions, ref_actions)


def test_two_worker_processes_give_the_same_rows(run, four_files, trained_models_dir, tmp_path):
    summary, scores, actions = _score_four(four_files, trained_models_dir, tmp_path, workers=2)
    assert (summary.n_scored, summary.n_failed, summary.workers) == (4, 0, 2)
    _same_as_main_run(run, scores, actions)


def test_dask_engine_gives_the_same_rows(run, four_files, trained_models_dir, tmp_path) -> None:
    """The default: a distributed LocalCluster started for the run."""
    summary, scores, actions = _score_four(four_files, trained_models_dir, tmp_path, engine="dask")
    assert (summary.n_scored, summary.engine) == (4, "dask")
    _same_as_main_run(run, scores, actions)


def test_dask_joins_a_running_scheduler(run, four_files, trained_models_dir, tmp_path) -> None:
    """--scheduler ADDRESS: the run's tasks go to a cluster that was already running."""
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0"
    ) as cluster:
        summary, scores, actions = _score_four(
            four_files,
            trained_models_dir,
            tmp_path,
            engine="dask",
            scheduler=cluster.scheduler_address,
        )
        assert "score_task" in cluster.scheduler.task_prefixes  # it ran there
    assert (summary.n_scored, summary.engine) == (4, "dask")
    _same_as_main_run(run, scores, actions)


@pytest.mark.slow
def test_dask_on_two_processes_gives_the_same_rows(run, four_files, trained_models_dir, tmp_path):
    summary, scores, actions = _score_four(
        four_files, trained_models_dir, tmp_path, engine="dask", workers=2
    )
    assert summary.n_scored == 4
    _same_as_main_run(run, scores, actions)


def test_a_household_whose_readings_come_back_out_of_order_is_moved_to_failures(
    tables, trained_models_dir, tmp_path
) -> None:
    """Scored from its first 14 days, then its later rows turn up after another household's:
    the partial score is withdrawn and the household explained instead."""
    readings = tables["readings"]
    a = readings[readings["household_id"] == GOOD[0]]
    b = readings[readings["household_id"] == GOOD[1]]
    half = len(a) // 2
    mixed = pd.concat([a.iloc[:half], b, a.iloc[half:]], ignore_index=True)
    homes = tables["households"]
    summary = score_tables(
        homes[homes["household_id"].isin(GOOD[:2])],
        mixed,
        out_dir=tmp_path,
        models_dir=trained_models_dir,
        now=NOW,
        chunk_households=1,
        rows_per_chunk=half,
    )
    scores = pd.read_parquet(tmp_path / "scores.parquet")
    actions = pd.read_parquet(tmp_path / "actions.parquet")
    failures = pd.read_csv(tmp_path / "failures.csv")
    assert list(scores["household_id"]) == [GOOD[1]]
    assert set(actions["household_id"]) == {GOOD[1]}
    assert set(failures["household_id"]) == {GOOD[0]}
    assert failures["problem"].str.contains("appear again").all()
    assert (summary.n_households, summary.n_scored, summary.n_failed) == (2, 1, 1)
    assert summary.n_action_rows == len(actions)


def test_cli_reports_counts_and_exits_0_with_failed_households(
    files, trained_models_dir, tmp_path
) -> None:
    """Runs on a slice: two good households, the ghost and the bad readings."""
    frames = {name: pd.read_csv(path) for name, path in files.items()}
    keep = [*GOOD[:2], "ghost-1", "bad-readings"]
    small = {
        name: _csv(f[f["household_id"].isin(keep)], tmp_path / f"{name}.csv")
        for name, f in frames.items()
    }
    out = tmp_path / "out"
    result = CliRunner().invoke(
        score,
        [
            "--households", small["households"],
            "--readings", small["readings"],
            "--trips", small["trips"],
            "--out", str(out),
            "--models-dir", str(trained_models_dir),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "scored 2 of 4 households, 2 failed" in result.output
    assert "households/s" in result.output
    assert str(out / "failures.csv") in result.output
    assert len(pd.read_parquet(out / "scores.parquet")) == 2


def test_cli_exits_2_on_a_file_level_problem(files, trained_models_dir, tmp_path) -> None:
    homes = pd.read_csv(files["households"]).drop(columns=["region"])
    result = CliRunner().invoke(
        score,
        [
            "--households", _csv(homes, tmp_path / "households.csv"),
            "--readings", files["readings"],
            "--out", str(tmp_path / "out"),
            "--models-dir", str(trained_models_dir),
        ],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "region" in result.output


def test_no_models_exits_3_like_every_command(files, tmp_path, sample_payload) -> None:
    """One error -> exit-code map: no usable model is 3 in `score` as in `recommend`."""
    from recommender.cli import EXIT_NO_MODEL, main

    empty = str(tmp_path / "no-models")
    batch = CliRunner().invoke(
        score,
        [
            "--households", files["households"], "--readings", files["readings"],
            "--out", str(tmp_path / "out"), "--models-dir", empty,
        ],
    )  # fmt: skip
    household = tmp_path / "household.json"
    household.write_text(json.dumps(sample_payload))
    single = CliRunner().invoke(main, ["recommend", str(household), "--models-dir", empty])
    assert batch.exit_code == single.exit_code == EXIT_NO_MODEL, batch.output + single.output
    assert "Traceback" not in batch.output


def test_unusable_arguments_are_listed_together(files, tmp_path) -> None:
    from recommender.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        score_tables(
            files["households"], files["readings"], out_dir=tmp_path, engine="spark", workers=0
        )
    assert {p.where for p in err.value.problems} == {"engine", "workers"}


def test_dask_missing_is_an_engine_error_naming_the_extra(files, tmp_path, monkeypatch) -> None:
    """A GreenrecError, not an ImportError: the CLI's exit-code map applies (1, no traceback)."""
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # its import now fails
    with pytest.raises(EngineMissing, match=r"pip install 'greenrec\[dask\]'"):
        score_tables(files["households"], files["readings"], out_dir=tmp_path, engine="dask")
    result = CliRunner().invoke(
        score,
        [
            "--households", files["households"],
            "--readings", files["readings"],
            "--out", str(tmp_path / "out"),
            "--engine", "dask",
        ],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "greenrec[dask]" in result.output and "Traceback" not in result.output


def test_a_bug_on_one_household_costs_only_that_households_answer(files, service, caplog) -> None:
    """An unexpected exception inside a chunk is found by scoring the chunk one by one: the
    household that raises it is a failure row saying "internal error", the others are scored."""
    from recommender.batch import score_households
    from recommender.service import Service

    batch = read_tables(files["households"], files["readings"], files["trips"])
    homes = [h for h in batch.households if h.household_id in GOOD[:3]]

    class Buggy(Service):
        def answers(self, households, **kwargs):
            if any(h.household_id == GOOD[1] for h in households):
                raise ZeroDivisionError("a bug planted for this test")
            return super().answers(households, **kwargs)

    buggy = Buggy(service.models)
    result = score_households(buggy, homes, now=NOW)
    assert result.scored_ids == [GOOD[0], GOOD[2]] and result.failed_ids == [GOOD[1]]
    assert result.n_internal_errors == 1
    assert {row["stage"] for row in result.failures} == {"engine (internal error)"}
    assert "planted" in caplog.text
    alone = score_households(service, [homes[0]], now=NOW)
    assert alone.actions == result.actions[: len(alone.actions)]


def test_a_score_row_carries_the_forecasts_warnings_too(service, sample_payload):
    """A data team reads one warnings column: the answer's and its forecast's (a level shift,
    no temperatures, a gas meter's screening), the forecast's marked as such."""
    from recommender.batch.rows import score_row

    payload = {k: v for k, v in sample_payload.items() if k != "temperature"}
    answer = service.recommend(payload)
    assert answer.forecast.warnings  # calendar alone, without temperatures
    row = score_row(answer)
    told = row["warnings"].split(" | ")
    assert [f"forecast: {w}" for w in answer.forecast.warnings] == told[len(answer.warnings) :]
    assert row["n_warnings"] == len(answer.warnings) + len(answer.forecast.warnings)
