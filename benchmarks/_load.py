"""Load generators of benchmarks/api.py: closed-loop clients and a paced (open-loop) schedule."""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field

import numpy as np

PACED_CONNECTIONS = 32  # most requests in flight under the paced load


@dataclass
class Run:
    latencies_s: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: str, elapsed_s: float) -> None:
        """A 200's latency, or one more error of its kind."""
        with self.lock:
            if status == "200":
                self.latencies_s.append(elapsed_s)
            else:
                self.errors[status] = self.errors.get(status, 0) + 1


def _client(
    port: int, headers: dict[str, str], bodies: list[bytes], until: float, run: Run, path: str
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    i = 0
    while time.perf_counter() < until:
        body = bodies[i % len(bodies)]
        i += 1
        started = time.perf_counter()
        status, conn = _post(conn, port, path, body, headers)
        run.record(status, time.perf_counter() - started)
    conn.close()


def _post(
    conn: http.client.HTTPConnection, port: int, path: str, body: bytes, headers: dict[str, str]
) -> tuple[str, http.client.HTTPConnection]:
    """The status of one POST (or the error's name), and the connection to use next (a new one
    after an error)."""
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return str(response.status), conn
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        return type(exc).__name__, http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def _paced_client(
    port: int, headers: dict[str, str], bodies: list[bytes], schedule: np.ndarray, state: dict
) -> None:
    """Takes the next scheduled request, waits for its time, sends it; the latency is counted
    from the scheduled time."""
    run: Run = state["run"]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while True:
        with run.lock:
            i = state["next"]
            state["next"] += 1
        if i >= len(schedule):
            break
        time.sleep(max(0.0, schedule[i] - time.perf_counter()))
        status, conn = _post(conn, port, state["path"], bodies[i % len(bodies)], headers)
        run.record(status, time.perf_counter() - schedule[i])
    conn.close()


def paced(
    port: int, headers: dict[str, str], bodies: list[bytes], seconds: float, rate: float, path: str
) -> tuple[Run, float]:
    """``rate`` requests a second for ``seconds`` on a fixed schedule (open loop)."""
    run = Run()
    schedule = time.perf_counter() + 0.5 + np.arange(int(seconds * rate)) / rate
    state = {"run": run, "next": 0, "path": path}
    threads = [
        threading.Thread(target=_paced_client, args=(port, headers, bodies, schedule, state))
        for _ in range(PACED_CONNECTIONS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return run, time.perf_counter() - float(schedule[0])


def load(
    port: int,
    headers: dict[str, str],
    bodies: list[bytes],
    seconds: float,
    clients: int,
    path: str,
):
    run = Run()
    until = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=_client, args=(port, headers, bodies, until, run, path))
        for _ in range(clients)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return run, time.perf_counter() - started
