"""The worker registry: each worker's state (busy|idle) with a TTL, refreshed by a heartbeat."""

from __future__ import annotations

import logging
import os
import socket
import uuid
import weakref

import redis
from scrapy.crawler import Crawler
from twisted.internet.task import LoopingCall

from crawler.distributed.frontier import BUSY, IDLE, FrontierKeys
from crawler.distributed.profile import frontier_redis

logger = logging.getLogger(__name__)


class WorkerPresence:
    """This worker's entry in a spider's worker registry: its state (busy|idle) with a TTL,
    refreshed by a heartbeat; a killed worker's entry expires and it stops counting."""

    def __init__(self, client: redis.Redis, keys: FrontierKeys, ttl: float) -> None:
        self.client, self.keys = client, keys
        self.ttl = max(1, int(round(ttl)))
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.state = IDLE
        self._heartbeat: LoopingCall | None = None

    @property
    def busy(self) -> bool:
        return self.state == BUSY

    def _write(self) -> None:
        pipe = self.client.pipeline(transaction=False)
        pipe.set(self.keys.worker(self.worker_id), self.state, ex=self.ttl)
        pipe.sadd(self.keys.workers, self.worker_id)
        pipe.execute()

    def register(self) -> None:
        """Announce this worker (idle) and start the heartbeat (every TTL/3 seconds)."""
        self._write()
        self._heartbeat = LoopingCall(self.beat)
        self._heartbeat.start(self.ttl / 3, now=False)
        logger.info("Worker %s joined the frontier of %s (heartbeat every %.1fs, TTL %ss)",
                    self.worker_id, self.keys.spider, self.ttl / 3, self.ttl)

    def beat(self) -> None:
        try:
            self._write()
        except redis.RedisError as exc:  # a missed beat is not fatal; a long outage makes us look dead
            logger.warning("Worker heartbeat to Redis failed: %s", exc)

    def set_state(self, state: str) -> None:
        """Record ``state`` (written to Redis only when it changes)."""
        if state != self.state:
            self.state = state
            self._write()

    def unregister(self) -> None:
        """Stop the heartbeat and remove this worker from the registry."""
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        pipe = self.client.pipeline(transaction=False)
        pipe.delete(self.keys.worker(self.worker_id))
        pipe.srem(self.keys.workers, self.worker_id)
        pipe.execute()


_presences: weakref.WeakKeyDictionary[Crawler, WorkerPresence] = weakref.WeakKeyDictionary()


def presence_for(crawler: Crawler) -> WorkerPresence:
    """The one ``WorkerPresence`` of ``crawler`` (shared by its scheduler and its spider)."""
    presence = _presences.get(crawler)
    if presence is None:
        settings = crawler.settings
        keys = FrontierKeys.from_settings(settings, crawler.spidercls.name)
        presence = WorkerPresence(frontier_redis(settings), keys, settings.getfloat("DISTRIBUTED_WORKER_TTL"))
        _presences[crawler] = presence
    return presence
