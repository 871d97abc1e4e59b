"""Give the reading process's freed memory back to the system between chunks.

A batch run reads, parses and drops one chunk of households after another. Nothing stays alive
(tracemalloc shows no growth from chunk to chunk), yet the resident size crept up by about 4 MiB
a chunk: freed memory stays with the allocators. Between chunks the reader therefore asks Arrow's
pool and glibc's ``malloc_trim`` to return what is free: measured on 3,000 synthetic households,
the reader's resident size was about 110 MiB lower. The creep itself remains (see
``benchmarks/batch.py``, whose peak at 10,000 households is above its peak at 1,000).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from typing import Any

import pyarrow as pa


@cache
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def release_freed_memory() -> None:
    """Return memory freed by Arrow and by malloc to the system (a no-op where unsupported)."""
    pa.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None:  # glibc (Linux); other C libraries have no malloc_trim
        libc.malloc_trim(0)
