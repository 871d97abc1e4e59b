"""A meter export uploaded through the form, read by the importer for its format.

Limits come first: the request body is capped by ``MAX_CONTENT_LENGTH``; a gzip upload is
decompressed in one bounded step, so a small file that expands without end stops at the limit;
only the suffixes the form allows get this far. The bytes go to a temporary directory that is
removed when the request ends: nothing is kept.
"""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from recommender.errors import InvalidInput, Problem
from recommender.io.green_button import read_green_button
from recommender.io.importers import read_start_value_csv, read_uci_household_power
from recommender.io.supplier_csv import read_supplier_csv

FIELD = "meter_file"
DEFAULT_MAX_BYTES = 50_000_000  # uncompressed; FORM_MAX_UPLOAD_BYTES in the app config changes it
EXPECTED_FORMATS = (
    "a Green Button XML file, a CSV with ' Consumption (kWh), Start, End', an eemeter "
    "'start,value' CSV or the UCI 'Date;Time;Global_active_power' file (optionally .gz)"
)
IMPORTERS: dict[str, tuple[Callable[..., pd.DataFrame], str]] = {
    "green_button": (read_green_button, ".xml"),
    "supplier_csv": (read_supplier_csv, ".csv"),
    "start_value": (read_start_value_csv, ".csv"),
    "uci": (read_uci_household_power, ".txt"),
}


def _problem(problem: str, expected: str = EXPECTED_FORMATS) -> InvalidInput:
    return InvalidInput(Problem(FIELD, problem, expected), source="upload")


def _gunzip(raw: bytes, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, max_bytes + 1)
    except zlib.error as exc:
        raise _problem(f"is not a readable gzip file ({exc})") from None
    if len(data) > max_bytes or inflater.unconsumed_tail:
        raise _problem(
            f"decompresses to more than {max_bytes / 1e6:.0f} MB",
            f"a meter export of at most {max_bytes / 1e6:.0f} MB uncompressed",
        )
    if not inflater.eof:
        raise _problem("is a gzip file that ends too soon (cut off?)")
    return data


def sniff(data: bytes) -> str | None:
    """The format a file's first bytes show, or None."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    first = head.split(b"\n", 1)[0].lower()
    if head.startswith(b"<"):
        return "green_button"
    if b"consumption (kwh)" in first:
        return "supplier_csv"
    if first.startswith(b"date;time"):
        return "uci"
    if first.replace(b" ", b"").startswith(b"start,value"):
        return "start_value"
    return None


def read_upload(
    storage: FileStorage | None, meter_format: str, household_id: str, max_bytes: int
) -> pd.DataFrame:
    """The upload as a readings table; :class:`InvalidInput` (where = the file field, or the
    importer's own row and column) when it cannot be used."""
    raw = storage.stream.read(max_bytes + 1) if storage else b""
    if not raw:
        raise _problem("no file was chosen, or the file is empty")
    name = Path(secure_filename(getattr(storage, "filename", "") or "")).name or "upload"
    if raw[:2] == b"\x1f\x8b":
        raw = _gunzip(raw, max_bytes)
        name = name.removesuffix(".gz")
    elif len(raw) > max_bytes:
        raise _problem(
            f"is more than {max_bytes / 1e6:.0f} MB",
            f"a meter export of at most {max_bytes / 1e6:.0f} MB",
        )
    kind = sniff(raw) if meter_format == "auto" else meter_format
    if kind not in IMPORTERS:
        first = raw[:60].decode("utf-8", "replace").splitlines()[0] if raw.strip() else ""
        raise _problem(f"cannot tell the format from its first line {first!r}")
    reader, suffix = IMPORTERS[kind]
    with tempfile.TemporaryDirectory(prefix="greenrec-upload-") as tmp:
        path = Path(tmp) / (Path(name).stem + suffix)
        path.write_bytes(raw)
        return reader(path, household_id)
