"""Give the reading process's freed memory back to the system between chunks.

A batch run reads, parses and drops one chunk of households after another. Nothing stays alive
(tracemalloc shows no growth from chunk to chunk), yet the resident size crept up by about 4 MiB
a chunk: freed memory stays with the allocators. Between chunks the reader therefore asks Arrow's
pool and glibc's ``malloc_trim`` to return what is free; with Arrow on the system allocator
(:func:`use_system_allocator`, what ``greenrec score`` does) the reader's size then stays flat.
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


def use_system_allocator() -> None:
    """Let Arrow allocate with malloc, so that :func:`release_freed_memory` reaches its memory
    too (its default, mimalloc, keeps freed segments). Process-wide: for the batch command."""
    pa.set_memory_pool(pa.system_memory_pool())
