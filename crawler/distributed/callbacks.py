"""Callbacks as they are stored in Redis: a project enum (``Callback``), never a method name.

Source entries (``scrapy seed``) and the queued requests of the frontier name the spider method
that handles a response. Redis holds the ``Callback`` value ("sitemap", "feed", …); the method
it stands for is this module's business, so renaming a method of ``NewsSpider`` changes
``_METHODS``, not the wire format. Entries queued by earlier releases named the methods
themselves ("_parse_sitemap", "parse_feed", …): they are still read.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from scrapy import Request


class Callback(StrEnum):
    """What a queued request is, as stored in Redis."""

    SITEMAP = "sitemap"  # a sitemap, sitemap index or robots.txt
    FEED = "feed"
    LISTING = "listing"  # a section page
    ARTICLE = "article"
    SITEMAP_ARTICLE = "sitemap_article"  # an article found in a sitemap
    SOURCE_FAILED = "source_failed"  # the errback of every source request


_METHODS = {  # Callback -> the NewsSpider method it calls
    Callback.SITEMAP: "_parse_sitemap",
    Callback.FEED: "parse_feed",
    Callback.LISTING: "parse_section",
    Callback.ARTICLE: "parse_article",
    Callback.SITEMAP_ARTICLE: "_parse_from_sitemap",
    Callback.SOURCE_FAILED: "source_failed",
}
_WIRE = {method: callback for callback, method in _METHODS.items()}
ENTRY_CALLBACKS = frozenset({Callback.SITEMAP, Callback.FEED, Callback.LISTING, Callback.ARTICLE})  # of a source entry


def to_wire(method: str) -> Callback:
    """The ``Callback`` of spider method ``method``; ``ValueError`` for a method it has none for."""
    try:
        return _WIRE[method]
    except KeyError:
        raise ValueError(f"no Callback for spider method {method!r} (known: {sorted(_WIRE)})") from None


def method_of(wire: str) -> str:
    """The spider method a stored ``wire`` value names: a ``Callback`` value, or the method name
    an earlier release stored; ``ValueError`` for anything else."""
    if wire in _WIRE:
        return wire
    try:
        return _METHODS[Callback(wire)]
    except ValueError:
        raise ValueError(f"unknown callback {wire!r} (known: {sorted(Callback)})") from None


def entry_from_request(request: Request) -> dict[str, Any]:
    """A JSON-able source entry for ``request`` (a spider's start request): URL, callback,
    meta, headers, priority; ``dont_filter`` so every round revalidates the source."""
    method = getattr(request.callback, "__name__", None) or "parse"
    callback = _WIRE.get(method)
    if callback not in ENTRY_CALLBACKS:
        allowed = sorted(_METHODS[c] for c in ENTRY_CALLBACKS)
        raise ValueError(f"start request {request.url} has callback {method!r}, not one of {allowed}")
    headers = {k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in request.headers.items()}
    entry = {"url": request.url, "callback": str(callback), "meta": dict(request.meta), "headers": headers,
             "priority": request.priority, "dont_filter": True}
    json.dumps(entry)  # fail here, in `scrapy seed`, if the meta is not JSON
    return entry


def entry_method(entry: dict[str, Any]) -> str:
    """The spider method of a source entry (``entry_from_request``; an earlier release's method
    names are read too); ``ValueError`` when it is not one a source entry may name."""
    method = method_of(str(entry.get("callback", "")))
    if _WIRE[method] not in ENTRY_CALLBACKS:
        raise ValueError(f"callback {entry.get('callback')!r} not allowed in a source entry")
    return method


class WireSerializer:
    """The frontier's request serializer (scrapy-redis ``loads``/``dumps``): ``base`` (the
    ``SCHEDULER_SERIALIZER`` module) with callbacks and errbacks stored as ``Callback`` values.
    A method without a ``Callback`` is stored by name; stored method names are read as such."""

    def __init__(self, base: Any) -> None:
        self.base = base

    def dumps(self, obj: dict[str, Any]) -> Any:
        obj = dict(obj)
        for key in ("callback", "errback"):
            if obj.get(key) in _WIRE:
                obj[key] = str(_WIRE[obj[key]])
        return self.base.dumps(obj)

    def loads(self, data: bytes | str) -> Any:
        obj = self.base.loads(data)
        for key in ("callback", "errback"):
            value = obj.get(key)
            if value and value not in _WIRE and value in Callback._value2member_map_:
                obj[key] = _METHODS[Callback(value)]
        return obj
