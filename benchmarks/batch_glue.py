"""Where a batch household's CPU goes: every step of ``greenrec score``, timed one by one.

``benchmarks/batch.py`` measures the whole command; the chunk benchmarks measure one stage each.
This script accounts for the rest: it runs :func:`recommender.batch.score_tables` in this process
(``workers=1``) on a synthetic population (``recommender.synth``: real meters' daily shapes, one
year of hourly readings, simulated trips; no real multi-household batch with trips exists in
data/), with a CPU clock (``time.process_time``: this process, all its threads) around each step,
and prints each step's exclusive CPU milliseconds per household:

- the parent's steps: reading (read, parse, validate), writing each part, combining the parts,
  the manifest (hashing inputs and outputs), model loading, the garbage collector;
- the workers' steps: each stage of the chunk (forecast, travel, home, ranking), the result rows,
  and the answers' glue; the pickling a worker process adds (households there and back, results
  back) is timed beside them on the same objects, as the local engine pickles them;
- "other": what no step covers (the loop, the progress bar, releasing memory).

With ``--end-to-end`` it then runs ``greenrec score --workers 2`` on the same files in a
subprocess and prints its CPU per household by process (parent, workers): the difference from
the sum above is what running in several processes costs (each worker's imports and models,
the pool's threads, the machine's other load). Medians of ``--repeats`` runs, alternating with
``--baseline``'s code (another checkout, run in a child process) when given:

    python benchmarks/batch_glue.py --households 1000 --models-dir /tmp/models
    git archive main | tar -x -C /tmp/main-code
    python benchmarks/batch_glue.py --models-dir /tmp/models --baseline /tmp/main-code
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import psutil

NOW = "2025-01-01T00:00:00+00:00"  # just after the synthetic year


class Clock:
    """Exclusive CPU seconds per step: entering a step pauses the one it runs inside."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.stack = ["other"]
        self.mark = time.process_time()

    def _switch(self) -> None:
        now = time.process_time()
        self.seconds[self.stack[-1]] += now - self.mark
        self.mark = now

    def enter(self, step: str) -> None:
        self._switch()
        self.stack.append(step)

    def leave(self) -> None:
        self._switch()
        self.stack.pop()

    def wrap(self, step: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.enter(step)
            try:
                return func(*args, **kwargs)
            finally:
                self.leave()

        return timed

    def wrap_iterator(self, step: str, func: Callable[..., Iterator[Any]]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            items = func(*args, **kwargs)
            while True:
                self.enter(step)
                try:
                    item = next(items, None)
                finally:
                    self.leave()
                if item is None:
                    return
                yield item

        return timed

    def restart(self) -> None:
        """Forget what was counted so far (the imports made while instrumenting)."""
        self.seconds.clear()
        self.mark = time.process_time()

    def on_gc(self, phase: str, info: dict[str, Any]) -> None:
        """The garbage collector's time, charged as "gc in" the step that set it off."""
        if phase == "start":
            self.enter(f"gc (generation {info['generation']}) in {self.stack[-1].split(' (')[0]}")
        else:
            self.leave()


def _patch(module: Any, name: str, wrapper: Callable[[Any], Any]) -> None:
    if hasattr(module, name):
        setattr(module, name, wrapper(getattr(module, name)))


def _with_pickling(clock: Clock, score: Callable[..., Any]) -> Callable[..., Any]:
    """The engine's scoring call, with what a worker process adds timed beside it (the
    households sent and received, the result sent and received: same objects, same pickler;
    the memory it releases after each task)."""
    import recommender.batch.chunk as batch_chunk
    import recommender.batch.engines as engines

    # a part is pickled as the local engine pickles it (with its own pickler where it has one)
    send = getattr(engines, "pickled", partial(pickle.dumps, protocol=pickle.HIGHEST_PROTOCOL))

    def scored(service: Any, households: Any, **kwargs: Any) -> Any:
        clock.enter("pickle households (parent)")
        data = send(households)
        clock.leave()
        clock.enter("unpickle households (worker)")
        pickle.loads(data)
        clock.leave()
        result = score(service, households, **kwargs)
        batch_chunk.release_freed_memory()  # as a worker's task ends (score_task)
        clock.enter("pickle + unpickle results")
        pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        clock.leave()
        return result

    return scored


def instrument(clock: Clock) -> None:
    """Wrap each step of the run (the module attributes the run looks up) in ``clock``."""
    import recommender.batch.chunk as batch_chunk
    import recommender.batch.engines as engines
    import recommender.batch.score as score
    import recommender.chunk as chunk
    import recommender.service as service

    stages = {
        "forecast_households": "forecast (worker)",
        "travel_reports": "travel (worker)",
        "home_reports_many": "home (worker)",
        "home_actions_many": "home (worker)",  # what chunk.py called before home_reports_many
        "rank_actions_many": "ranking (worker)",
    }
    for name, step in stages.items():
        _patch(chunk, name, partial(clock.wrap, step))
    _patch(service.Service, "answers", lambda f: clock.wrap("answers glue (worker)", f))
    for name in ("score_row", "action_rows"):
        _patch(batch_chunk, name, lambda f: clock.wrap("result rows (worker)", f))
    _patch(engines, "score_households", lambda f: _with_pickling(clock, f))
    _patch(engines, "service_for", lambda f: clock.wrap("model load (once per process)", f))
    _patch(score, "iter_tables", lambda f: clock.wrap_iterator("read (parent)", f))
    _patch(score.Staging, "write_part", lambda f: clock.wrap("write parts (parent)", f))
    for name in ("count_parts", "combine_parts"):
        _patch(score, name, lambda f: clock.wrap("combine parts (parent)", f))
    _patch(score, "write_manifest", lambda f: clock.wrap("manifest (parent)", f))
    _patch(score, "describe_run", lambda f: clock.wrap("hash inputs (parent)", f))
    _patch(score, "count_households", lambda f: clock.wrap("count households (parent)", f))
    for module in (score, batch_chunk):
        _patch(module, "release_freed_memory", lambda f: clock.wrap("release freed memory", f))
    gc.callbacks.append(clock.on_gc)


def steps_once(paths: dict[str, Path], models: Path, out: Path) -> dict[str, float]:
    """One in-process run, timed step by step: CPU seconds per step."""
    from recommender.batch import score_tables

    clock = Clock()
    instrument(clock)
    clock.restart()
    score_tables(
        paths["households"], paths["readings"], paths["trips"], out_dir=out,
        models_dir=models, now=NOW, workers=1,
    )  # fmt: skip
    clock.leave()  # charge the tail to "other"
    gc.callbacks.remove(clock.on_gc)
    return dict(clock.seconds)


def end_to_end(
    paths: dict[str, Path], models: Path, out: Path, code: str | None
) -> dict[str, float]:
    """``greenrec score --workers 2`` in a subprocess: CPU seconds by process role."""
    command = [
        sys.executable, "-c", "from recommender.cli import main; main()", "score",
        "--households", str(paths["households"]), "--readings", str(paths["readings"]),
        "--trips", str(paths["trips"]), "--out", str(out), "--models-dir", str(models),
        "--workers", "2", "--now", NOW, "--no-progress",
    ]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=code) if code else None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    last: dict[int, tuple[str, float]] = {}
    # run from the scratch folder: "-c" puts the current folder first on the path
    with subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, cwd=out.parent) as proc:
        root = psutil.Process(proc.pid)
        while proc.poll() is None:  # each process's CPU, last seen before it exits
            try:
                for p in [root, *root.children(recursive=True)]:
                    role = "parent" if p.pid == root.pid else "workers"
                    times = p.cpu_times()
                    last[p.pid] = (role, times.user + times.system)
            except psutil.Error:
                pass
            time.sleep(0.05)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(f"greenrec score failed ({proc.returncode})")
    roles: dict[str, float] = defaultdict(float)
    for role, cpu in last.values():
        roles[role] += cpu
    total = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"total (process tree)": total, **roles}


def in_child(paths: dict[str, Path], models: str, out: Path, code: str | None) -> dict[str, float]:
    """:func:`steps_once` in a fresh child process, on ``code`` (another checkout) if given."""
    command = [
        sys.executable, __file__, "--child", json.dumps({k: str(v) for k, v in paths.items()}),
        "--models-dir", models, "--out", str(out),
    ]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=code) if code else None
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def table(label_runs: dict[str, list[dict[str, float]]], n: int, total: bool = True) -> None:
    """Median CPU-ms a household of each step, largest first (steps under 0.01 everywhere are
    counted in the sum, not listed)."""
    labels = list(label_runs)
    steps = sorted({s for runs in label_runs.values() for run in runs for s in run})
    medians = {
        label: {s: 1000 * statistics.median(r.get(s, 0.0) for r in runs) / n for s in steps}
        for label, runs in label_runs.items()
    }
    print(f"  {'CPU-ms per household (median)':42s}" + "".join(f"{x:>10s}" for x in labels))
    for step in sorted(steps, key=lambda s: -medians[labels[0]][s]):
        if max(medians[x][step] for x in labels) >= 0.01:
            print(f"  {step:42s}" + "".join(f"{medians[x][step]:10.2f}" for x in labels))
    if total:
        print(
            f"  {'sum of all steps':42s}"
            + "".join(f"{sum(medians[x].values()):10.2f}" for x in labels)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models-dir", required=True)
    parser.add_argument("--baseline", help="another checkout's code, timed alternately")
    parser.add_argument("--end-to-end", action="store_true", help="also time greenrec score -w 2")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # a baseline measurement: print its steps as JSON
        paths = {k: Path(v) for k, v in json.loads(args.child).items()}
        print(json.dumps(steps_once(paths, Path(args.models_dir), Path(args.out))))
        return
    from recommender.synth import write_population

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        paths = write_population(scratch / "pop", args.households, days=366, seed=0,
                                 start="2024-01-01T00:00:00Z")  # fmt: skip
        print(f"{args.households} synthetic households x 366 days hourly (Parquet); "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
        runs: dict[str, list[dict[str, float]]] = defaultdict(list)
        whole: dict[str, list[dict[str, float]]] = defaultdict(list)
        codes = {"baseline": args.baseline, "this": None} if args.baseline else {"this": None}
        for _ in range(args.repeats):  # alternating, so both see the same neighbours
            for label, code in codes.items():
                runs[label].append(in_child(paths, args.models_dir, scratch / label, code))
                if args.end_to_end:
                    e2e = end_to_end(paths, Path(args.models_dir), scratch / "e2e", code)
                    whole[label].append(e2e)
        print("one process (workers=1), each step timed:")
        table(runs, args.households)
        if whole:
            print("greenrec score --workers 2, CPU by process:")
            table(whole, args.households, total=False)


if __name__ == "__main__":
    main()
