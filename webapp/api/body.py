"""Reading a JSON request body safely: media type, size after decompression, JSON position.

- no ``Content-Type`` or another media type than JSON: 415 saying what to send;
- ``Content-Encoding: gzip`` is inflated at most ``limit + 1`` bytes at a time, so a small bomb
  cannot fill memory; more than ``limit`` bytes once inflated (or sent) is 413; other codings 415;
- malformed JSON is 400 naming the line and column, like the CLI.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from flask import Request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

JSON_TYPES = ("application/json",)
CHUNK_BYTES = 64 * 1024


class MalformedJson(BadRequest):
    """400 naming where the JSON broke; ``extra`` goes into the problem details."""

    def __init__(self, exc: json.JSONDecodeError) -> None:
        super().__init__(f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")
        self.extra = {"line": exc.lineno, "column": exc.colno}


def _check_media_type(request: Request) -> None:
    mimetype = request.mimetype
    if not mimetype:
        raise UnsupportedMediaType("send the body with Content-Type: application/json")
    if mimetype not in JSON_TYPES and not mimetype.endswith("+json"):
        raise UnsupportedMediaType(
            f"Content-Type {mimetype!r} is not accepted; send application/json"
        )
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"charset {charset!r} is not accepted; send UTF-8")


def _too_large(limit: int) -> RequestEntityTooLarge:
    return RequestEntityTooLarge(f"the body is over {limit:,} bytes (after decompression)")


def gunzip_bounded(data: bytes, limit: int) -> bytes:
    """Inflate a gzip body, refusing (413) as soon as it grows past ``limit`` bytes."""
    inflater = zlib.decompressobj(wbits=31)
    out = bytearray()
    pending = data
    try:
        while pending:
            out += inflater.decompress(pending, limit + 1 - len(out))
            if len(out) > limit:
                raise _too_large(limit)
            pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        if not inflater.eof:
            raise BadRequest("the gzip body is truncated")
    except zlib.error as exc:
        raise BadRequest(f"the body is not valid gzip ({exc})") from None
    return bytes(out)


def raw_body(request: Request, limit: int) -> bytes:
    """The body's bytes, decompressed and at most ``limit`` of them."""
    _check_media_type(request)
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    stream = request.stream
    data = bytearray()
    while chunk := stream.read(CHUNK_BYTES):
        data += chunk
        if len(data) > limit:
            raise _too_large(limit)
    coding = (request.headers.get("Content-Encoding") or "identity").strip().lower()
    if coding == "gzip":
        return gunzip_bounded(bytes(data), limit)
    if coding != "identity":
        raise UnsupportedMediaType(f"Content-Encoding {coding!r} is not accepted; send gzip")
    return bytes(data)


def json_body(request: Request, limit: int) -> Any:
    """The body parsed as JSON (any JSON value; the caller checks its shape)."""
    data = raw_body(request, limit)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the body is not UTF-8 (byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedJson(exc) from None
    except RecursionError:
        raise BadRequest("the JSON is nested too deeply") from None
