"""One OpenMP thread for the tree ensembles, without re-scanning the process's libraries each time.

On a shared machine extra OpenMP threads spin and multiply CPU-seconds (measured 12x on the
2-core build box) for little wall-clock gain, so every fit and predict of a tree ensemble runs on
one. ``threadpoolctl.threadpool_limits`` re-scans every loaded shared library on each call (5 ms
here, more than a whole day-ahead forecast of one household); one cached
``ThreadpoolController`` scans once. Call it after scikit-learn's ensembles are imported (every
caller imports them at module level), so that their OpenMP runtime is among what it finds.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from threadpoolctl import ThreadpoolController


@cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def one_openmp_thread() -> Any:
    """A context manager (and decorator) limiting OpenMP to one thread inside it."""
    return _controller().limit(limits=1, user_api="openmp")
