"""Adapter for ``../shared/corpus/dedup/score.py``: ``is_duplicate(doc_id, text, site)``.

Runs the real engine against Redis (``REDIS_URL``, else an embedded server in a temporary
folder) under a fresh key prefix that is deleted at exit. Each document is checked as the
dedup stage checks an article: with its rank (``pipelines.dedup.rank``) built from what the
document offers — its site's names, the sources its text credits (``credited_names``) and the
crawled publishers it names (``named_publishers``: the stream's sites, as a crawl knows its
spiders); corpus documents state no publication date and have no URL.

Besides answering the scorer, the detector simulates storage (``stored``, ``link``): a kept
article is stored; a duplicate is not; a replacement moves the replaced article out (it becomes
a copy of the new one) and the new one in; a late merge moves the merged articles out.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import uuid
from collections.abc import Iterable

import redis
from scrapy.settings import Settings

from crawler.connection import get_redis, redis_key_prefix
from crawler.embedded_redis import scratch_server
from pipelines.credits import credited_names, name_key, named_publishers, own_names, with_named
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.groups import group_key_pattern
from pipelines.dedup.index import unlink_keys
from pipelines.dedup.rank import article_rank


def project_settings() -> Settings:
    settings = Settings()
    settings.setmodule(os.environ.get("NEWSDEDUP_SETTINGS", "settings.dev"), priority="project")
    return settings


def index_id(doc_id: str) -> str:
    """The 16-hex index id of a corpus document (as ``records.record_index_id`` without a URL)."""
    return hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).hexdigest()


class Detector:
    """A fresh detector per call of the class (score.py instantiates it once).

    ``__call__`` returns the earlier document this one was linked to: the kept article it
    duplicates, or the kept article it replaced (a better copy of the same story: recognised as
    that story, and stored in its place); ``None`` for a new story or a same-site update.
    After a run, ``stored`` holds the ids storage would hold, ``link`` maps every id not stored
    to the article it was made a copy of, and ``swaps`` counts replacements."""

    def __init__(self, client: redis.Redis | None = None, dates: dict[str, str] | None = None,
                 publishers: Iterable[str] = (), **overrides: object) -> None:
        """``client``: a Redis to use (the runs of one evaluation share one server); ``dates``:
        a stated publication date (ISO 8601) per document id, for a what-if (the corpus states
        none); ``publishers``: the sites of the stream (the sites of documents checked are added
        as they come); settings ``overrides`` such as ``DEDUP_SEED=2``."""
        self.dates = dates or {}
        self.publishers = {key for key in map(name_key, publishers) if key}
        settings = project_settings()
        settings.set("REDIS_KEY_PREFIX", f"eval-{uuid.uuid4().hex[:8]}")
        for key, value in overrides.items():
            settings.set(key, value)
        if client is None:
            client = get_redis(settings) if os.environ.get("REDIS_URL") else scratch_server()
        self.client = client
        self.prefix = redis_key_prefix(settings)
        self.deduper = Deduper(self.client, DedupConfig.from_settings(settings))
        self._external: dict[str, str] = {}
        self.stored: set[str] = set()
        self.link: dict[str, str] = {}
        self.answers: dict[str, str | None] = {}  # what __call__ returned, per document
        self.swaps = 0
        self.merges = 0
        atexit.register(self.cleanup)

    def __call__(self, doc_id: str, text: str, site: str | None = None) -> str | None:
        self.answers[doc_id] = answer = self._check(doc_id, text, site or "")
        return answer

    def _check(self, doc_id: str, text: str, site: str) -> str | None:
        own = index_id(doc_id)
        self._external.setdefault(own, doc_id)
        names = own_names(site, site)
        self.publishers.update(names)
        credits = with_named(credited_names(text, []), named_publishers(text, self.publishers, names),
                             self.publishers)
        rank = article_rank(self.dates.get(doc_id, ""), site, site, credits)
        decision = self.deduper.check(own, text, site, rank=rank)
        ext = self._external.get
        survivor = decision.duplicate_of if decision.is_duplicate else decision.replaces
        for merged in decision.merged:  # kept articles found to be copies of the survivor
            self.stored.discard(ext(merged, merged))
            self.link[ext(merged, merged)] = ext(survivor, survivor)
            self.merges += 1
        if decision.is_duplicate:
            self.link[doc_id] = ext(decision.duplicate_of, decision.duplicate_of)
            return self.link[doc_id]
        self.stored.add(doc_id)
        if decision.replaces:
            replaced = ext(decision.replaces, decision.replaces)
            self.stored.discard(replaced)
            self.link[replaced] = doc_id
            self.swaps += 1
            return replaced
        return None

    def representative(self, doc_id: str) -> str | None:
        """The stored article ``doc_id`` ends up a copy of (itself when stored); ``None`` when the
        links lead to nothing stored."""
        for _ in range(len(self.link) + 1):
            if doc_id in self.stored:
                return doc_id
            if doc_id not in self.link:
                return None
            doc_id = self.link[doc_id]
        return None

    def cleanup(self) -> None:
        patterns = {f"{self.prefix}:*", f"{self.deduper.index.prefix}:*",  # {prefix} on a cluster
                    group_key_pattern(self.prefix, self.client)}  # the band groups' hashes
        unlink_keys(self.client, [key for pattern in patterns for key in self.client.scan_iter(pattern, count=1000)])
