"""The worker registry: each worker's state (busy|idle) with a TTL, refreshed by a heartbeat."""

from __future__ import annotations

import logging
import os
import socket
import uuid
import weakref

import redis
from scrapy.crawler import Crawler
from twisted.internet.interfaces import IReactorTime
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

    @property
    def busy(self) -> bool:
        return self.state == BUSY

    def _queue(self, pipe: redis.client.Pipeline) -> None:
        pipe.set(self.keys.worker(self.worker_id), self.state, ex=self.ttl)
        pipe.sadd(self.keys.workers, self.worker_id)

    def _write(self) -> None:
        pipe = self.client.pipeline(transaction=False)
        self._queue(pipe)
        pipe.execute()

    def register(self) -> None:
        """Announce this worker (idle) and join the process's heartbeat (every TTL/3 seconds)."""
        self._write()
        _heartbeats.join(self)
        logger.info("Worker %s joined the frontier of %s (heartbeat every %.1fs, TTL %ss)",
                    self.worker_id, self.keys.spider, self.ttl / 3, self.ttl)

    def set_state(self, state: str) -> None:
        """Record ``state`` (written to Redis only when it changes)."""
        if state != self.state:
            self.state = state
            self._write()

    def unregister(self) -> None:
        """Leave the heartbeat and remove this worker from the registry."""
        _heartbeats.leave(self)
        pipe = self.client.pipeline(transaction=False)
        pipe.delete(self.keys.worker(self.worker_id))
        pipe.srem(self.keys.workers, self.worker_id)
        pipe.execute()


class _Heartbeats:
    """One heartbeat for all the registered presences of this process that share a Redis client
    and a TTL: a worker crawling 48 spiders refreshes their 48 entries in one pipelined round trip
    every TTL/3 seconds, not in 48 round trips on the reactor thread."""

    def __init__(self, clock: IReactorTime | None = None) -> None:
        """``clock``: the reactor's by default (tests pass ``twisted.internet.task.Clock``)."""
        self.clock = clock
        self._loops: dict[tuple[int, int], tuple[LoopingCall, list[WorkerPresence]]] = {}

    def join(self, presence: WorkerPresence) -> None:
        key = (id(presence.client), presence.ttl)
        if key not in self._loops:
            members: list[WorkerPresence] = []
            loop = LoopingCall(self.write, members)
            if self.clock is not None:
                loop.clock = self.clock
            self._loops[key] = (loop, members)
            loop.start(presence.ttl / 3, now=False)
        self._loops[key][1].append(presence)

    def leave(self, presence: WorkerPresence) -> None:
        key = (id(presence.client), presence.ttl)
        if key not in self._loops:
            return
        loop, members = self._loops[key]
        if presence in members:
            members.remove(presence)
        if not members:
            del self._loops[key]
            if loop.running:
                loop.stop()

    @staticmethod
    def write(members: list[WorkerPresence]) -> None:
        """Refresh ``members``' entries (one client) in one pipeline; a failed beat is logged, not
        raised: a missed beat is not fatal, a long outage makes these workers look dead."""
        if not members:
            return
        try:
            pipe = members[0].client.pipeline(transaction=False)
            for presence in members:
                presence._queue(pipe)
            pipe.execute()
        except redis.RedisError as exc:
            logger.warning("Worker heartbeat to Redis failed (%d entries): %s", len(members), exc)


_heartbeats = _Heartbeats()


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
