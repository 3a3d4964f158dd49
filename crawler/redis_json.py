"""JSON serializer for the scrapy-redis request queue (``SCHEDULER_SERIALIZER``).

scrapy-redis stores requests with ``pickle`` by default; unpickling what is read from Redis
would let anyone who can write to that Redis run code in every worker. This module has the
``loads``/``dumps`` pair scrapy-redis expects and stores ``Request.to_dict()`` as JSON
instead. Bytes (headers, body) are tagged base64; dicts with non-string keys (headers) are
tagged pair lists. A meta value JSON cannot hold fails loudly when the request is queued.
(The stdlib ``json`` has no bytes support and no hook for non-string keys, hence the tags.)
"""

from __future__ import annotations

import base64
import json
from typing import Any

_BYTES = "__bytes__"
_PAIRS = "__pairs__"


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, bytes):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {_PAIRS: [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot queue a request holding a {type(value).__name__} ({value!r:.80}) in Redis as JSON")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1 and _BYTES in value:
            return base64.b64decode(value[_BYTES])
        if len(value) == 1 and _PAIRS in value:
            return {_decode(k): _decode(v) for k, v in value[_PAIRS]}
        return {k: _decode(v) for k, v in value.items()}
    return value


def dumps(obj: Any) -> bytes:
    """``obj`` (a ``Request.to_dict()``) as JSON bytes."""
    return json.dumps(_encode(obj), separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> Any:
    """The object ``dumps`` wrote; never executes anything."""
    return _decode(json.loads(data))
