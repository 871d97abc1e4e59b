"""Seeding in fixed blocks of households, so any chunking gives the same population.

Household ``i`` belongs to block ``i // BLOCK``; every random draw about it comes from a generator
seeded with ``(seed, stream, block)``. Generating households 0..N at once or in chunks of any size
(the writer uses multiples of ``BLOCK``) therefore gives identical values, and the peak memory of a
writer is set by the chunk, never by N.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

BLOCK = 512  # households per seeding block

# One independent random stream per generator, so changing one never shifts another's draws.
STREAM_TRAITS = 1
STREAM_METERS = 2
STREAM_TRIPS = 3


def block_rng(seed: int, stream: int, block: int) -> np.random.Generator:
    """The generator of one block of one stream."""
    return np.random.default_rng([seed, stream, block])


def block_spans(first: int, n: int) -> Iterator[tuple[int, int, int]]:
    """``(block, lo, hi)`` for each block overlapping households ``first .. first + n - 1``;
    rows ``lo:hi`` of the block are the wanted ones."""
    end = first + n
    for block in range(first // BLOCK, (end - 1) // BLOCK + 1 if n > 0 else first // BLOCK):
        base = block * BLOCK
        yield block, max(first, base) - base, min(end, base + BLOCK) - base


def household_ids(index: np.ndarray) -> np.ndarray:
    """Stable ids ``syn-00000042`` of household indices (independent of N)."""
    return np.char.add("syn-", np.char.zfill(np.asarray(index).astype(str), 8)).astype(object)
