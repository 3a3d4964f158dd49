"""The one place the distributed crawl uses Scrapy's private engine API.

Scrapy has no public "look at the scheduler again now" call: a worker whose spider_idle handler
found work in the shared queue would otherwise wait for the engine's 5-second heartbeat. The
engine's private slot (``ExecutionEngine._slot``: ``closing``, ``nextcall.schedule()``) does it.
Nor does it say how many requests its downloader holds back for politeness: ``waiting_downloads``
counts them (``Downloader.active`` minus each of ``Downloader.slots``' ``transferring``).
``check_engine_api`` (run when a worker's scheduler opens, and by the tests) fails loudly,
naming the Scrapy version, when that private API is not what this module expects.
"""

from __future__ import annotations

from typing import Any

import scrapy


class EngineAPIChanged(RuntimeError):
    """Scrapy's private engine API is not the one ``wake_engine`` was written for."""


def _slot(engine: Any) -> Any:
    """``engine._slot`` (None before the spider opened / after it closed), its API checked."""
    if "_slot" not in vars(engine):
        raise EngineAPIChanged(
            f"Scrapy {scrapy.__version__}: ExecutionEngine has no `_slot` attribute; "
            "crawler/distributed/engine_adapter.py must be adapted to this Scrapy version"
        )
    slot = engine._slot
    if slot is not None and not (hasattr(slot, "closing") and callable(getattr(slot.nextcall, "schedule", None))):
        raise EngineAPIChanged(
            f"Scrapy {scrapy.__version__}: the engine slot has no `closing` / `nextcall.schedule()`; "
            "crawler/distributed/engine_adapter.py must be adapted to this Scrapy version"
        )
    return slot


def _download_slots(engine: Any) -> dict[Any, Any]:
    """``engine.downloader.slots`` (download slot key -> slot with ``transferring``), its API checked."""
    downloader = getattr(engine, "downloader", None)
    slots = getattr(downloader, "slots", None)
    if (not isinstance(slots, dict) or not isinstance(getattr(downloader, "active", None), set)
            or not all(hasattr(s, "transferring") for s in slots.values())):
        raise EngineAPIChanged(
            f"Scrapy {scrapy.__version__}: the downloader has no `active` set and `slots` with `transferring`; "
            "crawler/distributed/engine_adapter.py must be adapted to this Scrapy version"
        )
    return slots


def check_engine_api(engine: Any) -> None:
    """Raise ``EngineAPIChanged`` unless ``engine`` has the private slot ``wake_engine`` uses and
    the downloader slots ``waiting_downloads`` reads."""
    _slot(engine)
    _download_slots(engine)


def waiting_downloads(engine: Any) -> int:
    """Requests ``engine``'s downloader holds but has not started: waiting for a site's
    politeness (download delay, per-site concurrency), or still on their way to a slot: the
    downloader's ``active`` requests minus those ``transferring`` (a request reaches its slot's
    queue asynchronously, so the slot queues alone miss the ones just taken)."""
    slots = _download_slots(engine)
    return len(engine.downloader.active) - sum(len(slot.transferring) for slot in slots.values())


def wake_engine(engine: Any) -> None:
    """Make ``engine`` ask its scheduler for requests soon, unless its spider is closing."""
    slot = _slot(engine)
    if slot is not None and slot.closing is None:
        slot.nextcall.schedule()
