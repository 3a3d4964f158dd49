"""``JsonCacheStorage`` (``HTTPCACHE_STORAGE``): Scrapy's filesystem HTTP cache without pickles.

Scrapy's ``FilesystemCacheStorage`` keeps each response's metadata and extra attributes as
pickles under the data folder and unpickles them on the next crawl: whoever can write a file
there runs code in the crawler. This storage keeps Scrapy's layout and interface
(``<HTTPCACHE_DIR>/<spider>/<fp[:2]>/<fp>/``, ``HTTPCACHE_EXPIRATION_SECS``, ``HTTPCACHE_GZIP``;
the RFC 2616 policy revalidates with the stored headers as before) but writes:

- ``response.json``: URL, method, status, response URL, timestamp, response class (one of
  Scrapy's, by name), flags, protocol, IP address, and the response and request headers
  (names and values as Latin-1 strings: every byte maps to one character and back);
- ``response_body``: the raw body bytes.

It reads only those two files, never Scrapy's ``pickled_meta`` / ``response_data``: an entry
Scrapy wrote, or a file planted there, is a cache miss. Both files are written atomically, the
body first, so a crash mid-write never leaves a truncated entry; a malformed one is a miss
(logged at DEBUG).
The response's encoding is not stored (Scrapy's ``to_dict`` would pin its guess): a cached page
is decoded from its headers and bytes exactly like a fresh one.
An entry folder's modification time is its last use: set when the entry is stored and on every
hit (a 304 revalidation leaves the files as they are); retention prunes entries by it
(``crawler.retention``, ``RETENTION_HTTPCACHE_DAYS``), while ``HTTPCACHE_EXPIRATION_SECS``
still counts from when ``response.json`` was written.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import os
import zlib
from pathlib import Path
from time import time
from typing import Any

from scrapy import Request, Spider
from scrapy.extensions.httpcache import FilesystemCacheStorage
from scrapy.http import Headers, HtmlResponse, JsonResponse, Response, TextResponse, XmlResponse
from scrapy.responsetypes import responsetypes

logger = logging.getLogger(__name__)

META_FILE = "response.json"
BODY_FILE = "response_body"
RESPONSE_CLASSES: dict[str, type[Response]] = {
    cls.__name__: cls for cls in (Response, TextResponse, HtmlResponse, XmlResponse, JsonResponse)
}


def headers_to_json(headers: Headers) -> list[list[Any]]:
    """``[[name, [value, …]], …]`` with bytes as Latin-1 strings (lossless)."""
    return [[name.decode("latin-1"), [v.decode("latin-1") for v in values]] for name, values in headers.items()]


def headers_from_json(pairs: list[list[Any]]) -> Headers:
    """The ``Headers`` that ``headers_to_json`` wrote."""
    return Headers([(name.encode("latin-1"), [v.encode("latin-1") for v in values]) for name, values in pairs])


class JsonCacheStorage(FilesystemCacheStorage):
    """Scrapy's filesystem cache storage with JSON metadata and the raw body (no pickle read or written)."""

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        """The cached response of ``request``, or None (not cached, expired or malformed)."""
        rpath = Path(self._get_request_path(spider, request))
        metapath = rpath / META_FILE
        if not metapath.exists():
            return None
        if 0 < self.expiration_secs < time() - metapath.stat().st_mtime:
            return None
        try:
            with self._open(metapath, "rb") as f:
                meta = json.loads(f.read())
            with self._open(rpath / BODY_FILE, "rb") as f:
                body = f.read()
            headers = headers_from_json(meta["headers"])
            url, status, timestamp = str(meta["response_url"]), int(meta["status"]), float(meta["timestamp"])
            ip = ipaddress.ip_address(meta["ip_address"]) if meta.get("ip_address") else None
            flags, protocol = [str(f) for f in meta.get("flags") or []], meta.get("protocol")
            cls = RESPONSE_CLASSES.get(str(meta.get("class")))
        except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError, AttributeError) as exc:
            logger.debug("Ignoring unreadable cache entry %s: %r", rpath, exc)
            return None
        cls = cls or responsetypes.from_args(headers=headers, url=url, body=body)
        with contextlib.suppress(OSError):  # last use, for retention; a read-only cache still answers
            os.utime(rpath)
        request.meta["cache_timestamp"] = timestamp
        return cls(url=url, status=status, headers=headers, body=body, flags=flags, ip_address=ip, protocol=protocol)

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        """Store ``response``: ``response_body``, then ``response.json`` (each written atomically)."""
        rpath = Path(self._get_request_path(spider, request))
        rpath.mkdir(parents=True, exist_ok=True)
        meta = {
            "url": request.url,
            "method": request.method,
            "status": response.status,
            "response_url": response.url,
            "timestamp": time(),
            "class": type(response).__name__ if type(response).__name__ in RESPONSE_CLASSES else "",
            "flags": list(response.flags),
            "protocol": response.protocol,
            "ip_address": str(response.ip_address) if response.ip_address is not None else None,
            "headers": headers_to_json(response.headers),
            "request_headers": headers_to_json(request.headers),
        }
        self._write(rpath / BODY_FILE, response.body)
        self._write(rpath / META_FILE, json.dumps(meta, ensure_ascii=False).encode("utf-8"))

    def _write(self, path: Path, data: bytes) -> None:
        """Write ``path`` atomically: a reader sees the old file or the new one, never a part."""
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        with self._open(partial, "wb") as f:
            f.write(data)
        os.replace(partial, path)
