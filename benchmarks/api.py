"""Partner API load benchmark: gunicorn on loopback, concurrent clients, figures beside targets.

    python benchmarks/api.py                 # 120 s per server (~5 min in all)
    python benchmarks/api.py --seconds 30    # shorter, on a shared machine
    python benchmarks/api.py --profile 20    # also: where one request's time goes (pyinstrument)
    python benchmarks/api.py --batch-size 50 # also: households/s through the batch endpoint
    python benchmarks/api.py --rate 80       # the paced load at 80 requests/s (default 100)

Starts ``greenrec serve --api``'s gunicorn command on 127.0.0.1 (loopback only) with a fresh key,
then for a bounded time sends POST /v1/recommendations from concurrent keep-alive clients. Each
body is one year of hourly readings in the compact form, from the two bundled real UK meters
(OpenEEmeter samples 0 and 1), with the demo household's trips and appliances. The same clients
then post the same bodies to a trivial Flask route served the same way (gunicorn, same workers and
threads) that only parses the JSON: the machine's ceiling in the same run. Prints requests/s,
p50/p99 latency, errors and worker RSS at the start, halfway and the end beside the targets (the
bounded caches fill early; flat means the second half adds nothing); asserts nothing.
The clients run on the same machine as the server and take CPU from it (both figures pay that).

Two loads, because closed-loop clients cannot show latency and throughput at once:

- saturation (``--clients`` keep-alive clients, each sending its next request when the last is
  answered): the most requests/s the server gives. Its latencies are the queue those clients
  build (by Little's law, p50 is about clients / requests/s), printed but not the target's;
- paced (``--rate`` requests/s, default the 100 of the target, sent on a fixed schedule from a pool
  of connections, as a partner's users arrive whether or not the last answer is back): p50 and
  p99 latency at that load. Each latency runs from the request's scheduled time, so a request
  that waits for a free connection counts its wait (no coordinated omission). A server slower
  than the rate falls behind, and its latencies grow without bound.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil
from _load import Run, load, paced  # benchmarks/_load.py (scripts run from benchmarks/)

from recommender.cli.serve import THREADS_PER_WORKER, gunicorn_command, serve_env, usable_cores
from recommender.io.importers import read_eemeter_meter
from recommender.keys import KeyStore
from recommender.resources import data_path
from recommender.samples import sample_household_payload

HERE = Path(__file__).resolve().parent
METERS = ("meters/uk-electricity-sample-0.csv.gz", "meters/uk-electricity-sample-1.csv.gz")
HOURS_PER_YEAR = 8760
HOUSEHOLDS = 500
SINGLE, BATCH = "/v1/recommendations", "/v1/recommendations/batch"
TARGETS = {"requests/s": ">= 100", "p50 ms": "<= 30", "p99 ms": "<= 100", "errors": "0"}
TARGET_RATE = 100.0  # requests/s at which the latency targets hold


def trivial_app():  # gunicorn imports this module from benchmarks/: "api:trivial_app()"
    """The ceiling: a Flask route that parses the same JSON body and answers a constant."""
    from flask import Flask, request

    app = Flask("trivial")

    @app.post("/v1/recommendations")
    def parse_only():
        body = json.loads(request.get_data())
        return {"household_id": body["household_id"]}

    return app


def one_year_households(count: int = HOUSEHOLDS) -> list[bytes]:
    """Request bodies: one year of hourly readings from a bundled real meter (alternating), in
    compact form, each under its own id (the feedback store keeps a history per household, so
    one id asked thousands of times would not be a partner's traffic)."""
    demo = sample_household_payload()
    demo.pop("temperature")
    series = []
    for meter in METERS:
        kwh = read_eemeter_meter(data_path(meter)).iloc[-HOURS_PER_YEAR:]
        series.append(
            {
                "start": kwh.index[0].isoformat(),
                "interval_minutes": 60,
                "kwh": [None if np.isnan(v) else round(float(v), 4) for v in kwh.to_numpy()],
            }
        )
    return [
        json.dumps(
            dict(demo, household_id=f"h-bench-{i}", readings=series[i % len(series)])
        ).encode()
        for i in range(count)
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(port: int, server: subprocess.Popen, timeout_s: float = 60.0) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start listening in time")


def _worker_rss_mb(server: subprocess.Popen) -> list[float]:
    workers = psutil.Process(server.pid).children()
    return sorted(round(w.memory_info().rss / 2**20, 1) for w in workers)


def serve_and_load(
    name: str, app: str, env: dict[str, str], args, headers, bodies, path: str = SINGLE
) -> dict:
    port = _free_port()
    command = gunicorn_command(
        bind=f"127.0.0.1:{port}", workers=args.workers, threads=args.threads, timeout_s=120
    )
    command[command.index("--access-logfile") + 1] = "/dev/null"
    command[-1] = app
    server = subprocess.Popen([*command, "--chdir", str(HERE)], env=env)
    try:
        _wait_ready(port, server)
        warm, _ = load(port, headers, bodies, 3.0 + 2.0 * args.workers, args.clients, path)
        if warm.errors:
            raise SystemExit(f"{name}: errors while warming up: {warm.errors}")
        rss_start = _worker_rss_mb(server)
        halfway: list[list[float]] = []
        timer = threading.Timer(args.seconds / 2, lambda: halfway.append(_worker_rss_mb(server)))
        timer.start()
        run, elapsed_s = load(port, headers, bodies, args.seconds, args.clients, path)
        timer.cancel()
        rss_end = _worker_rss_mb(server)
        at_rate = None
        if args.rate and path == SINGLE:
            at_rate = _figures(*paced(port, headers, bodies, args.seconds, args.rate, path))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "server": name,
        **_figures(run, elapsed_s),
        "worker RSS MB start": rss_start,
        "worker RSS MB halfway": halfway[0] if halfway else rss_start,
        "worker RSS MB end": rss_end,
        "paced": at_rate,
    }


def _figures(run: Run, elapsed_s: float) -> dict:
    latencies_ms = np.array(run.latencies_s) * 1000.0
    done = len(latencies_ms)
    return {
        "requests/s": done / elapsed_s,
        "p50 ms": float(np.percentile(latencies_ms, 50)) if done else float("nan"),
        "p99 ms": float(np.percentile(latencies_ms, 99)) if done else float("nan"),
        "errors": sum(run.errors.values()),
        "error kinds": run.errors,
        "requests": done,
    }


def report(rows: list[dict], args) -> None:
    print(
        f"\n{args.seconds:g} s per server, {args.clients} clients, {args.workers} workers x "
        f"{args.threads} threads, {usable_cores()} usable cores, one-year hourly bodies "
        f"({args.body_kb:.0f} kB, compact)"
    )
    print(f"load average (1 min) at start and end: {args.load_start} -> {os.getloadavg()[0]:.1f}")
    print(f"{'figure':30} {'greenrec /v1':>14} {'trivial route':>14} {'target':>8}")
    saturated = {"requests/s": TARGETS["requests/s"], "errors": TARGETS["errors"]}
    for key in ("requests/s", "p50 ms", "p99 ms", "errors"):
        api, ceiling = rows[0][key], rows[1][key]
        label = f"saturated {key}"
        print(f"{label:30} {api:14.1f} {ceiling:14.1f} {saturated.get(key, '-'):>8}")
    if rows[0]["paced"] is not None:
        for key in ("requests/s", "p50 ms", "p99 ms", "errors"):
            api, ceiling = rows[0]["paced"][key], rows[1]["paced"][key]
            label = f"at {args.rate:g} requests/s: {key}"
            target = TARGETS[key] if key != "requests/s" else f"{args.rate:g}"
            print(f"{label:30} {api:14.1f} {ceiling:14.1f} {target:>8}")
        if args.rate != TARGET_RATE:
            print(f"(the latency targets hold at {TARGET_RATE:g} requests/s, not {args.rate:g})")
    for key in ("worker RSS MB start", "worker RSS MB halfway", "worker RSS MB end"):
        print(f"{key:22} {rows[0][key]!s:>16} {rows[1][key]!s:>16} {'flat':>10}")
    grew = sum(rows[0]["worker RSS MB end"]) - sum(rows[0]["worker RSS MB start"])
    second_half = sum(rows[0]["worker RSS MB end"]) - sum(rows[0]["worker RSS MB halfway"])
    print(f"{'API RSS growth MB':22} {grew:16.1f} (second half of the run: {second_half:.1f})")
    for row in rows:
        kinds = {**row["error kinds"], **((row["paced"] or {}).get("error kinds") or {})}
        if kinds:
            print(f"errors by kind, {row['server']}: {kinds}")


def batch_bodies(bodies: list[bytes], size: int) -> list[bytes]:
    """The same households, ``size`` to a body of the batch endpoint."""
    households = [json.loads(body) for body in bodies]
    groups = [households[i : i + size] for i in range(0, len(households) - size + 1, size)]
    return [json.dumps({"households": group}).encode() for group in groups]


def report_batch(row: dict, size: int) -> None:
    """The batch endpoint's figures: per request, and households a second (no target of its
    own; the partner's way to score many households through the columnar path)."""
    print(
        f"\nPOST {BATCH}, {size} households a request: {row['requests/s'] * size:.1f} "
        f"households/s ({row['requests/s']:.2f} requests/s), p50 {row['p50 ms']:.0f} ms, "
        f"p99 {row['p99 ms']:.0f} ms a request, {row['errors']} errors "
        f"{row['error kinds'] or ''}; worker RSS MB {row['worker RSS MB start']} -> "
        f"{row['worker RSS MB end']}"
    )


def profile(requests: int, models_dir: str, bodies: list[bytes]) -> None:
    """Where one request's time goes: the app in-process under pyinstrument."""
    from pyinstrument import Profiler

    from recommender.settings import Settings
    from webapp import create_app

    keys = KeyStore("sqlite://")
    settings = Settings(
        models_dir=models_dir, feedback_url="sqlite://", rate_limit="1000000 per minute"
    )
    client = create_app(settings=settings, keys=keys).test_client()
    headers = {"X-API-Key": keys.create("profile").key, "Content-Type": "application/json"}
    client.post("/v1/recommendations", data=bodies[0], headers=headers)  # load the models
    profiler = Profiler(interval=0.001)
    with profiler:
        for i in range(requests):
            client.post("/v1/recommendations", data=bodies[i % len(bodies)], headers=headers)
    print(profiler.output_text(unicode=False, color=False, show_all=False, timeline=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="load time per server")
    parser.add_argument("--clients", type=int, default=8, help="concurrent keep-alive clients")
    parser.add_argument("--workers", type=int, default=usable_cores())
    parser.add_argument("--threads", type=int, default=THREADS_PER_WORKER)
    parser.add_argument(
        "--rate", type=float, default=TARGET_RATE, help="paced load, requests/s (0: none)"
    )
    parser.add_argument("--profile", type=int, default=0, help="profile N requests in-process")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=0,
        help="also load POST /v1/recommendations/batch with this many households a request",
    )
    args = parser.parse_args()
    args.load_start = f"{os.getloadavg()[0]:.1f}"
    bodies = one_year_households()
    args.body_kb = np.mean([len(b) for b in bodies]) / 1000
    with tempfile.TemporaryDirectory(prefix="greenrec-bench-") as tmp:
        models_dir = os.environ.get("GREENREC_MODELS_DIR") or str(Path(tmp) / "models")
        if not os.environ.get("GREENREC_MODELS_DIR"):
            from recommender.training import train_all

            train_all(Path(models_dir))
        keys_url = f"sqlite:///{tmp}/keys.sqlite3"
        key = KeyStore(keys_url).create("benchmark").key
        env = serve_env(api_only=True) | {
            "GREENREC_MODELS_DIR": models_dir,
            "GREENREC_KEYS_URL": keys_url,
            "GREENREC_FEEDBACK_URL": f"sqlite:///{tmp}/feedback.sqlite3",
            "GREENREC_REGION": "GB",
            "GREENREC_RATE_LIMIT": "1000000 per minute",
            "PYTHONPATH": os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")]),
        }
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        rows = [
            serve_and_load("greenrec /v1", "webapp:create_app()", env, args, headers, bodies),
            serve_and_load("trivial", "api:trivial_app()", env, args, headers, bodies),
        ]
        report(rows, args)
        if args.batch_size:
            batches = batch_bodies(bodies, args.batch_size)
            row = serve_and_load("greenrec /v1 batch", "webapp:create_app()", env, args, headers,
                                 batches, BATCH)  # fmt: skip
            report_batch(row, args.batch_size)
        if args.profile:
            profile(args.profile, models_dir, bodies)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
