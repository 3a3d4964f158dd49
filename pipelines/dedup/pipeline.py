"""Dedup stage as a Scrapy component (cf. scrapy/dupefilters.py: values in, settings read in
``from_crawler``). Duplicates are dropped with one ``DropItem`` subclass per method
(``pipelines.drops.drop_for``); kept articles carry the decision in ``article.dedup`` for
storage (with the index entry and number the database keeps, see ``pipelines.dedup.entry``);
method ``thin`` (stat ``dedup/thin``) marks a page with too little story text to compare, kept
without comparing it (``engine``).

The stage decides on the index build recorded in ``<prefix>:meta.gen`` when it opened (the
crawl commands make it a current build of the database first, ``crawler.index_sync``). When
Redis does not answer — down, hung past ``REDIS_SOCKET_TIMEOUT``, or restarted without its
data — ``DEDUP_ON_REDIS_DOWN`` decides (``crawler.redis_health``): stop the crawl (default)
or store articles flagged ``unchecked`` for the next run to reconcile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.spiderloader import get_spider_loader

from crawler.connection import describe, get_redis
from crawler.items import Article
from crawler.redis_health import (
    REDIS_DOWN_ERRORS,
    STOP,
    RedisOutage,
    RedisUnavailable,
    down_policy,
    outage_for,
    stop_crawl,
)
from pipelines.credits import name_key, named_publishers, own_names, with_named
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.index import IndexGenerationChanged, stored_generation
from pipelines.dedup.rank import article_rank
from pipelines.drops import drop_for

logger = logging.getLogger(__name__)

DOWN_ERRORS = (*REDIS_DOWN_ERRORS, IndexGenerationChanged)


def crawled_publishers(settings: Any) -> list[str]:
    """Name keys of the publishers the project's spiders crawl (their names, ``_`` as a space)."""
    try:
        names = get_spider_loader(settings).list()
    except (ImportError, SyntaxError) as exc:  # a broken spider module: the crawl reports it itself
        logger.warning("Could not list the project's spiders (%s): only sites seen count as crawled", exc)
        return []
    return [key for key in (name_key(n.replace("_", " ")) for n in names) if key]


class DedupPipeline:
    """Drops articles the Redis index already holds a copy of; indexes the rest."""

    def __init__(self, make_deduper: Callable[[], Deduper], stats: Any, policy: str, outage: RedisOutage,
                 on_stop: Callable[[BaseException], None] | None = None, publishers: Iterable[str] = ()) -> None:
        """``publishers``: name keys of the crawled publishers (the project's spiders); those of the
        sites of articles seen are added as they come."""
        self.make_deduper = make_deduper
        self.stats = stats
        self.publishers = {p for p in publishers if p}
        self.policy, self.outage, self.on_stop = policy, outage, on_stop
        self.deduper: Deduper | None = None
        self._connect()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        if not crawler.settings.getbool("DEDUP_ENABLED"):
            raise NotConfigured("DEDUP_ENABLED is off")
        settings = crawler.settings
        config = DedupConfig.from_settings(settings)  # invalid values fail here, before any crawl
        policy = down_policy(settings)

        def make_deduper() -> Deduper:
            client = get_redis(settings)
            deduper = Deduper(client, config, stored_generation(client, config.key_prefix))
            logger.info("Dedup index: %s, %s", describe(client), config.index_params())
            return deduper

        return cls(make_deduper, crawler.stats, policy, outage_for(settings),
                   lambda exc: stop_crawl(crawler, exc), crawled_publishers(settings))

    def _connect(self) -> None:
        try:
            self.deduper = self.make_deduper()
            if self.outage.error:
                logger.warning("Redis reachable again: checking articles for duplicates again")
            self.outage.clear()
        except REDIS_DOWN_ERRORS as exc:
            self._went_down(exc)

    def _went_down(self, exc: BaseException) -> None:
        if self.outage.trip(exc) and self.policy != STOP:
            logger.error("Redis did not answer (%s: %s): storing articles unchecked until it is back; the next "
                         "run that reaches Redis checks them", exc.__class__.__name__, exc)
        self.deduper = None
        if self.policy == STOP and self.on_stop is not None:
            self.on_stop(exc)

    def close_spider(self) -> None:
        if self.deduper is not None and not self.outage.down:
            try:
                self.deduper.close()
            except REDIS_DOWN_ERRORS as exc:
                logger.error("Could not save learned site boilerplate (Redis did not answer): %s", exc)

    def _unavailable(self, item: Article) -> Article:
        self.stats.inc_value("dedup/redis_unavailable")
        if self.policy == STOP:
            if self.on_stop is not None:
                self.on_stop(RuntimeError(self.outage.error or "Redis unavailable"))
            raise RedisUnavailable(f"Redis did not answer; not stored, fetched again next run: {item.url}")
        item.dedup = {"verdict": "unchecked", "method": "unchecked"}
        return item

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        # the crawled publishers the page names count among its credits (stored with it, so a
        # rebuild of the index ranks it as this check does)
        names = own_names(item.site, item.sitename)
        self.publishers.update(names)
        item.credits = with_named(item.credits, named_publishers(item.text, self.publishers, names), self.publishers)
        if self.deduper is None and not self.outage.down and self.policy != STOP:
            self._connect()
        if self.deduper is None or self.outage.down:
            return self._unavailable(item)
        at_canonical = item.canonical_url if item.canonical_url in (item.url, item.final_url) else ""
        try:
            decision = self.deduper.check(
                item.id, item.text, item.site, (item.url, item.final_url, item.canonical_url),
                rank=article_rank(item.published, item.site, item.sitename, item.credits), canonical=at_canonical,
            )
        except DOWN_ERRORS as exc:
            self._went_down(exc)
            return self._unavailable(item)
        replaced = decision.replaces and not decision.is_duplicate
        self.stats.inc_value(f"dedup/replaced/{decision.why}" if replaced else f"dedup/{decision.method}")
        if decision.is_duplicate:
            # a copy found now: the drop of its method; a re-crawl of a dropped copy (verdict seen): AlreadyDropped
            raise drop_for(decision.method if decision.verdict == "duplicate" else decision.verdict)(item, decision)
        item.dedup = {
            "verdict": decision.verdict,
            # "update": newer than the version it links to; "earlier_version": found after it;
            # "replaces": the better copy of a story whose stored copy it replaced
            "method": "earlier_version" if decision.relation == "updated_by" else
                      "replaces" if decision.replaces else decision.method,
            "updates": decision.updates,
            "scores": decision.scores,
            "seq": decision.seq,
            "entry": decision.entry,
            # storage rescores copies against this article (recorded before it was committed, or
            # re-pointed at it by a move)
            "rescore": decision.rescore,
        }
        if decision.replaces:  # storage moves the replaced copy (and late merges) in the same transaction
            item.dedup.update(replaces=decision.replaces, why=decision.why, match=decision.method,
                              decided=decision.decided, merged=decision.merged)
        return item
