"""One spider's shared frontier in Redis: its keys, its state, and the start of a crawl round."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import redis
from scrapy_redis.utils import bytes_to_str

from crawler.connection import redis_key, redis_key_prefix
from crawler.distributed.profile import frontier_redis

logger = logging.getLogger(__name__)

BUSY, IDLE = "busy", "idle"  # a worker's state in the registry


@dataclass(frozen=True)
class FrontierKeys:
    """The Redis keys of one spider's shared frontier: ``<prefix>:crawl:<spider>:<name>``."""

    prefix: str
    spider: str

    def _key(self, name: str) -> str:
        return redis_key(self.prefix, "crawl", self.spider, name)

    @property
    def start_urls(self) -> str:
        return self._key("start_urls")

    @property
    def requests(self) -> str:
        return self._key("requests")

    @property
    def dupefilter(self) -> str:
        return self._key("dupefilter")

    @property
    def workers(self) -> str:
        return self._key("workers")

    def worker(self, worker_id: str) -> str:
        return self._key(f"worker:{worker_id}")

    @classmethod
    def from_settings(cls, settings: Any, spider: str) -> FrontierKeys:
        """The keys of ``spider``: prefix ``DISTRIBUTED_KEY_PREFIX``, else the project's key prefix."""
        return cls(settings.get("DISTRIBUTED_KEY_PREFIX") or redis_key_prefix(settings), spider)


@dataclass
class FrontierState:
    """A snapshot of one spider's frontier: queued work and live workers (id -> busy|idle)."""

    start_urls: int
    requests: int
    fingerprints: int
    workers: dict[str, str] = field(default_factory=dict)

    @property
    def busy(self) -> list[str]:
        return sorted(w for w, state in self.workers.items() if state == BUSY)

    def round_over(self, exclude: str = "") -> bool:
        """Nothing queued and no live worker (other than ``exclude``) holds work."""
        return not self.start_urls and not self.requests and not [w for w in self.busy if w != exclude]

    def describe(self) -> str:
        return (f"{self.start_urls} source entries and {self.requests} requests queued, "
                f"{len(self.workers)} live workers ({len(self.busy)} busy), "
                f"{self.fingerprints} request fingerprints this round")


@dataclass
class RoundResult:
    """What ``Frontier.start_round`` did: ``started`` a new round, or ``pushed`` into a running one."""

    started: bool
    pushed: int
    cleared: int
    state: FrontierState


class Frontier:
    """One spider's shared frontier in Redis: its state, and the start of a crawl round."""

    def __init__(self, client: redis.Redis, keys: FrontierKeys) -> None:
        self.client, self.keys = client, keys

    @classmethod
    def from_settings(cls, settings: Any, spider: str) -> Frontier:
        return cls(frontier_redis(settings), FrontierKeys.from_settings(settings, spider))

    def live_workers(self) -> dict[str, str]:
        """{worker id: busy|idle} of the workers whose heartbeat has not expired; dead ones are forgotten."""
        ids = sorted(bytes_to_str(w) for w in self.client.smembers(self.keys.workers))
        if not ids:
            return {}
        states = self.client.mget([self.keys.worker(w) for w in ids])
        dead = [w for w, s in zip(ids, states, strict=True) if s is None]
        if dead:
            self.client.srem(self.keys.workers, *dead)
            logger.warning("Workers of %s stopped heart-beating (dead or cut off), forgotten: %s",
                           self.keys.spider, ", ".join(dead))
        return {w: bytes_to_str(s) for w, s in zip(ids, states, strict=True) if s is not None}

    def state(self) -> FrontierState:
        """Queued source entries and requests, fingerprints of this round, live workers."""
        pipe = self.client.pipeline(transaction=False)
        pipe.llen(self.keys.start_urls).zcard(self.keys.requests).scard(self.keys.dupefilter)
        start_urls, requests, fingerprints = pipe.execute()
        return FrontierState(int(start_urls), int(requests), int(fingerprints), self.live_workers())

    def start_round(self, entries: list[dict[str, Any]], force: bool = False) -> RoundResult:
        """Queue ``entries`` (source entries, see ``crawler.distributed.callbacks.entry_from_request``).

        When the previous round is over (``FrontierState.round_over``) this starts a new round:
        the dupefilter is cleared and the entries pushed in one transaction, so article URLs
        not yet in the seen-store are fetched again (those a dead worker took with it). When a
        round is running nothing is pushed (``started`` and ``pushed`` 0), unless ``force``: then
        the entries join the running round and the dupefilter is kept. Atomic against other
        seeders and workers queueing (WATCH on the queue keys).
        """
        payload = [json.dumps(e, sort_keys=True) for e in entries]
        while True:
            with self.client.pipeline() as pipe:
                try:
                    pipe.watch(self.keys.start_urls, self.keys.requests)
                    state = self.state()
                    new_round = state.round_over()
                    if not new_round and not force:
                        pipe.unwatch()
                        return RoundResult(False, 0, 0, state)
                    pipe.multi()
                    if new_round:
                        pipe.delete(self.keys.dupefilter)
                    if payload:
                        pipe.rpush(self.keys.start_urls, *payload)
                    pipe.execute()
                except redis.WatchError:
                    continue  # another seeder or a worker queued in between: look again
            return RoundResult(new_round, len(payload), state.fingerprints if new_round else 0, state)
