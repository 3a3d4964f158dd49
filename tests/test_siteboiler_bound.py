"""The per-site footer hash in Redis stays bounded, and keeps the footer (real Redis)."""

from __future__ import annotations

import redis

from pipelines.dedup.siteboiler import SiteBoilerplate

FOOTER = ["About us: The Gazette is an independent paper.", "Republishing policy: ask first."]


def page(i: int) -> list[str]:
    return [f"Story {i} opens here.", *(f"Paragraph {j} of story {i}." for j in range(20)), *FOOTER]


def test_footer_hash_bounded_and_footer_kept(redis_client: redis.Redis, key_prefix: str) -> None:
    learner = SiteBoilerplate(redis_client, key_prefix, 3600, max_lines_per_site=200, flush_every=10)
    for i in range(300):  # 300 pages x 16 tail lines: ~4,200 distinct lines without the bound
        learner.learn("gazette", page(i))
    learner.flush()
    key = learner._key("gazette")
    assert redis_client.hlen(key) <= 200
    fresh = SiteBoilerplate(redis_client, key_prefix, 3600, max_lines_per_site=200)
    assert fresh.strip("gazette", page(1000)) == page(1000)[:-len(FOOTER)]


def test_small_site_untouched(redis_client: redis.Redis, key_prefix: str) -> None:
    learner = SiteBoilerplate(redis_client, key_prefix, 3600, max_lines_per_site=5000, flush_every=1)
    for i in range(5):
        learner.learn("ledger", page(i))
    assert redis_client.hlen(learner._key("ledger")) == len({k for i in range(5) for k in learner.tail_keys(page(i))})
