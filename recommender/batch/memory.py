"""Give the reading process's freed memory back to the system between chunks.

A batch run reads, parses and drops one chunk of households after another. Freed memory stays
with the allocators unless asked for: between chunks the reader asks Arrow's pool and glibc's
``malloc_trim`` to return what is free (measured on 3,000 synthetic households: the reader's
resident size about 110 MiB lower). Most of the reader's creep from chunk to chunk was Arrow
memory that pyarrow's whole-file ``iter_batches`` kept (~30 MiB per two or three row groups
read; :func:`recommender.io.files.parquet_blocks` reads a group at a time) and emptied readings
tables kept pending; what remains is fragmentation of Python's small-object arenas, about
1.5 MiB a chunk on the synthetic 10,000 (``benchmarks/batch.py`` prints the reader's curve).
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
