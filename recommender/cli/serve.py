"""``greenrec serve``: the web app (or only the partner API) under gunicorn.

gunicorn replaces this process (exec) and runs ``webapp:create_app()``; this module imports no
Flask (the engine never does). Defaults suit a small machine: one single-threaded worker process
per usable core, and one BLAS/OpenMP thread per worker so the workers do not fight over the cores.

One thread a worker, because an answer is CPU-bound Python and numpy: a second thread in the same
process only shares its GIL, so two requests in one worker each take about twice as long while
another worker may sit idle. gunicorn's sync worker takes a connection only when it is free, so
the kernel hands each request to an idle worker. Measured with ``benchmarks/api.py`` on a 2-core
machine (2 workers, 100 requests/s paced): p50/p99 13.5/23.0 ms with sync workers against
32.3/82.1 ms with 2 gthread threads a worker, in the same session. ``--threads N`` above 1 selects
the gthread worker (keep-alive, threads that wait on slow clients). Either way, binds to loopback
unless told otherwise: put a TLS proxy in front to publish it; it also buffers slow clients'
uploads, which a sync worker would otherwise wait on.
"""

from __future__ import annotations

import os
import sys

import click

from recommender.cli.errors import friendly_errors

THREADS_PER_WORKER = 1
ONE_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def usable_cores() -> int:
    """Cores this process may run on (the affinity mask, else the CPU count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def gunicorn_command(*, bind: str, workers: int, threads: int, timeout_s: int) -> list[str]:
    """The gunicorn command line ``greenrec serve`` runs."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "sync" if threads == 1 else "gthread",
        "--timeout",
        str(timeout_s),
        "--access-logfile",
        "-",
        "webapp:create_app()",
    ]


def serve_env(*, api_only: bool) -> dict[str, str]:
    env = dict(os.environ)
    for name in ONE_THREAD_ENV:
        env.setdefault(name, "1")
    if api_only:
        env["GREENREC_API_ONLY"] = "1"
    return env


@click.command()
@click.option("--api", "api_only", is_flag=True, help="Serve only the partner API (/v1).")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="HOST:PORT to listen on.")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes [default: cores].")
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=THREADS_PER_WORKER,
    show_default=True,
    help="Threads per worker.",
)
@click.option("--timeout", "timeout_s", default=60, show_default=True, help="Worker timeout, s.")
@friendly_errors
def serve(api_only: bool, bind: str, workers: int | None, threads: int, timeout_s: int) -> None:
    """Serve the web app, or with --api only the /v1 partner API, under gunicorn.

    Settings come from the environment (read once at start-up): GREENREC_MODELS_DIR,
    GREENREC_KEYS_URL, GREENREC_FEEDBACK_URL, GREENREC_REGION, GREENREC_RATE_LIMIT,
    GREENREC_RATE_LIMIT_STORAGE (a redis:// URL when several machines share limits),
    GREENREC_MAX_BODY_BYTES, GREENREC_HOST_DETAILS (see docs/api.md).
    """
    command = gunicorn_command(
        bind=bind, workers=workers or usable_cores(), threads=threads, timeout_s=timeout_s
    )
    click.echo(f"greenrec serve: {' '.join(command[2:])}", err=True)
    # gunicorn replaces this process, so a process manager's signals (TERM, HUP) reach it as is
    os.execve(command[0], command, serve_env(api_only=api_only))
