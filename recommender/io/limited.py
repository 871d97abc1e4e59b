"""Reading user files with a limit on the bytes *after* decompression.

A 0.35 MB ``.csv.gz`` can inflate to hundreds of MB, so a limit on the size on disk protects
nothing. Every reader of a user's file goes through :func:`open_limited` (a stream, for the
chunked readers) or :func:`read_limited` (whole), which stop with :class:`InvalidInput` as soon as
more than ``limit`` decompressed bytes have been read, before they are all in memory.
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path
from typing import Any, BinaryIO

from recommender.errors import InvalidInput, Problem


def _too_big(name: str, limit: int) -> InvalidInput:
    return InvalidInput(
        Problem(
            name,
            f"holds more than {limit / 1e6:,.1f} MB once decompressed",
            f"at most {limit / 1e6:,.1f} MB of data (split it, or raise the limit in "
            "recommender.io.schema)",
        ),
        source=name,
    )


class _LimitedReader(io.RawIOBase):
    """A read-only stream that raises InvalidInput once more than ``limit`` bytes came out."""

    def __init__(self, raw: BinaryIO, limit: int, name: str) -> None:
        self._raw, self._limit, self._name, self._read = raw, limit, name, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer)
        wanted = min(len(view), self._limit + 1 - self._read)
        try:
            data = self._raw.read(max(wanted, 1))
        except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
            raise InvalidInput(
                Problem(self._name, f"not a readable gzip file ({exc})", "a .gz file, or no .gz"),
                source=self._name,
            ) from None
        self._read += len(data)
        if self._read > self._limit:
            raise _too_big(self._name, self._limit)
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_limited(path: str | Path, limit: int) -> BinaryIO:
    """Open ``path`` for reading (gunzipped when it ends in ``.gz``) so that reading more than
    ``limit`` decompressed bytes raises :class:`InvalidInput` naming the file."""
    path = Path(path)
    gzipped = path.suffix.lower() == ".gz"
    # Closed with the returned stream (gzip.open of a path closes the file it opened).
    raw: Any = gzip.open(path, "rb") if gzipped else path.open("rb")  # noqa: SIM115
    return io.BufferedReader(_LimitedReader(raw, limit, path.name))  # type: ignore[return-value]


def read_limited(path: str | Path, limit: int) -> bytes:
    """The whole (decompressed) content of ``path``, refused past ``limit`` bytes."""
    with open_limited(path, limit) as handle:
        return handle.read()
