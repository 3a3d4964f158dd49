"""Only story text is evidence (real Redis): pages whose text is a registration wall are kept
(flagged ``thin``) in every order and whatever was learned before, a reprint behind the wall's
leftovers is still dropped, lines common on a site or on several sites are learned, ordinary
reprints are not affected, and a rebuilt index knows what the stored pages taught."""

from __future__ import annotations

import dataclasses
import itertools
import struct
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from scrapy.settings import Settings
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from sqlalchemy import text

from crawler.index_sync import sync_index
from crawler.items import Article
from pipelines.dedup import DedupPipeline
from pipelines.dedup.commonlines import CommonLines, line_key, site_hash
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.entry import IndexEntry
from pipelines.dedup.normalize import body_lines, normalize_chars
from pipelines.drops import DuplicateDrop
from pipelines.storage import StoragePipeline
from tests.conftest import project_settings, settled
from tests.test_dedup_engine import OTHER, PARAGRAPHS, STORY

# A registration wall in wordings the normalisation knows (boilerplate_v6)…
WALL = "\n\n".join([
    "Registered users can read up to 3 reports per month for free.",
    "Already a subscriber? Log in",
    "Email address",
    "Password",
    "Forgot your password?",
    "Remember me",
    "Log in",
    "Don't have an account? Register now to continue reading.",
])
# …and one it does not know: only learning from the pages can tell it is no story.
ODD_WALL = "\n\n".join([
    "Dear reader, the Ledger's reports stay open to the people who fund them.",
    "Join the 40,000 neighbours who make our newsroom possible with a few dollars a month.",
    "It takes one minute. Cancel whenever you like. Thank you for standing with local news.",
])
HEADLINES = ["Harbour fees rise", "Mill Street closes", "School board meets", "Dam repairs start",
             "Quay cranes replaced", "Library hours extended", "Ferry slip closes", "Market moves"]


@pytest.fixture
def make(redis_client: redis.Redis) -> Iterator:
    """Fresh dedupers on fresh key prefixes (deleted afterwards)."""
    prefixes: list[str] = []

    def new(prefix: str | None = None) -> Deduper:
        prefix = prefix or f"t-wall-{uuid.uuid4().hex[:10]}"
        prefixes.append(prefix)
        return Deduper(redis_client, DedupConfig(key_prefix=prefix, index_capacity=1000))

    yield new
    for prefix in prefixes:
        keys = list(redis_client.scan_iter(f"{prefix}:*", count=1000))
        if keys:
            redis_client.delete(*keys)


def _id(n: int) -> str:
    return f"{n:016x}"


def _learned(deduper: Deduper) -> None:
    """What a crawl may have taught before: wall pages (both wordings) on several sites, each site
    on more pages than makes a line common there, a reprinted story and a few others."""
    n = 1000
    for s, site in enumerate(("gazette", "courier", "ledger", "daily")):
        for k, headline in enumerate(HEADLINES[:5]):
            n += 1
            wall = WALL if (s + k) % 2 else ODD_WALL
            deduper.check(_id(n), f"{headline} ({site})\n\n{wall}", site, (f"http://{site}/old/{k}",))
        deduper.check(_id(n + 100), OTHER.replace("Elmsford", site.title()), site, (f"http://{site}/other",))
    deduper.check(_id(n + 200), "\n\n".join(PARAGRAPHS[5:]), "wire", ("http://wire/old",))
    deduper.check(_id(n + 201), "\n\n".join(PARAGRAPHS[5:]) + "\n\n" + WALL, "courier", ("http://courier/old",))
    deduper.close()  # written to Redis, as a process ending would


def test_the_normalisation_knows_one_wall_and_not_the_other() -> None:
    assert body_lines(normalize_chars(WALL), fallback=False) == []
    assert len(body_lines(normalize_chars(ODD_WALL), fallback=False)) == 3


@pytest.mark.parametrize("learned", [False, True], ids=["cold", "learned"])
@pytest.mark.parametrize("headlines", [False, True], ids=["same-text", "own-headlines"])
def test_two_stories_behind_one_wall_are_both_kept_in_both_orders(make, learned: bool, headlines: bool) -> None:
    pages = [
        ("a" * 16, ("Tram line opens on Sunday\n\n" if headlines else "") + WALL, "gazette", ("http://gazette/tram",)),
        ("b" * 16, ("Council rejects budget\n\n" if headlines else "") + WALL, "courier", ("http://courier/budget",)),
    ]
    for order in itertools.permutations(pages):
        deduper = make()
        if learned:
            _learned(deduper)
        decisions = [deduper.check(*page) for page in order]
        assert [(d.verdict, d.method) for d in decisions] == [("new", "thin")] * 2, decisions
        assert all(IndexEntry.from_bytes(d.entry).thin for d in decisions)


@pytest.mark.parametrize("learned", [False, True], ids=["cold", "learned"])
def test_reprint_behind_the_walls_leftovers_is_dropped_in_both_orders(make, learned: bool) -> None:
    story = "\n\n".join(PARAGRAPHS[2:5])  # ~90 words: the wall is a third of the reprint
    original = ("c" * 16, story, "wire", ("http://wire/dredging",))
    reprint = ("d" * 16, "Dredging to start\n\n" + story + "\n\n" + WALL, "courier", ("http://courier/dredging",))
    wall_only = ("e" * 16, "Budget vote delayed\n\n" + WALL, "courier", ("http://courier/budget",))
    for order in itertools.permutations([original, reprint, wall_only]):
        deduper = make()
        if learned:
            _learned(deduper)
        decisions = {page[0]: deduper.check(*page) for page in order}
        first, second = (original, reprint) if order.index(original) < order.index(reprint) else (reprint, original)
        assert decisions[first[0]].verdict == "new"
        assert decisions[second[0]].is_duplicate and decisions[second[0]].duplicate_of == first[0]
        assert decisions[wall_only[0]].method == "thin"  # not a copy of the reprint it is contained in


def test_a_wall_the_normalisation_does_not_know_is_learned_on_a_site_then_everywhere(make) -> None:
    deduper = make()
    for k in range(3):  # three distinct pages of one site: its lines are common there
        deduper.check(_id(k), f"{HEADLINES[k]}\n\n{ODD_WALL}", "ledger", (f"http://ledger/{k}",))
    assert deduper.check(_id(3), f"{HEADLINES[3]}\n\n{ODD_WALL}", "ledger", ("http://ledger/3",)).method == "thin"
    # on another site it is not common yet: there the same text is taken for a copy (of the first
    # page of "ledger", the one kept before its lines were known), until that site learns it too
    for k in range(3):
        assert deduper.check(_id(10 + k), ODD_WALL, "daily", (f"http://daily/{10 + k}",)).duplicate_of == _id(0)
    # three pages of "daily" carried it: common on two sites, so common everywhere, in other processes too
    deduper.close()
    other = make(deduper.config.key_prefix)
    for n, site in enumerate(("gazette", "courier")):
        decision = other.check(_id(20 + n), ODD_WALL, site, (f"http://{site}/20",))
        assert (decision.verdict, decision.method) == ("new", "thin")


def test_recrawls_url_copies_and_versions_teach_nothing(make) -> None:
    deduper = make()
    page = (_id(1), f"{HEADLINES[0]}\n\n{ODD_WALL}", "ledger", ("http://ledger/1",))
    for _ in range(4):
        deduper.check(*page)  # the same page again and again
    for k in range(3):  # the same URL under other ids
        assert deduper.check(_id(2 + k), ODD_WALL, "ledger", ("http://ledger/1",)).method == "url"
    versions = ["\n\n".join(PARAGRAPHS[:2]), "\n\n".join(PARAGRAPHS[:4]), "\n\n".join(PARAGRAPHS[:6]),
                STORY + "\n\n" + OTHER]  # same-site versions of one story, each adding text
    assert deduper.check(_id(10), versions[0], "ledger", ("http://ledger/10",)).verdict == "new"
    for k, version in enumerate(versions[1:]):
        assert deduper.check(_id(11 + k), version, "ledger", (f"http://ledger/{11 + k}",)).verdict == "update"
    lines = body_lines(normalize_chars(f"{HEADLINES[5]}\n\n{ODD_WALL}\n\n{STORY}"))
    assert deduper.common.strip("ledger", lines) == lines  # none of them is common


def test_a_story_reprinted_by_many_sites_never_becomes_common(make) -> None:
    deduper = make()
    sites = [f"paper{i}" for i in range(12)]
    assert deduper.check(_id(0), STORY, "wire", ("http://wire/0",)).verdict == "new"
    for i, site in enumerate(sites):
        deduper.check(_id(100 + i), OTHER.replace("Elmsford", site), site, (f"http://{site}/other",))
        copy = deduper.check(_id(1 + i), f"{site} reprint\n\n{STORY}\n\n{WALL}", site, (f"http://{site}/1",))
        assert copy.is_duplicate and copy.duplicate_of == _id(0), (site, copy)
    deduper.close()
    lines = body_lines(normalize_chars(STORY))
    assert all(make(deduper.config.key_prefix).common.strip(site, lines) == lines for site in sites)


def test_index_entry_keeps_common_keys_and_reads_the_previous_layout(make) -> None:
    deduper = make()
    entry = deduper.fingerprint_entry(f"Headline\n\n{ODD_WALL}\n\n{STORY}", "ledger", ("http://ledger/x",), _id(1))
    assert len(entry.common_keys) == 3 + len(PARAGRAPHS) and not entry.thin  # lines of <= 30 words
    assert IndexEntry.from_bytes(entry.to_bytes()) == entry
    fp = entry.fingerprint  # the layout before common keys ("NDE1"), as stored by earlier releases
    head = struct.pack(">4s4sII8sBHBBB", b"NDE1", entry.tag, fp.n_shingles, fp.n_words, bytes.fromhex(fp.exact),
                       fp.bits, len(fp.signature), len(fp.bands), len(entry.url_keys), len(entry.tail_keys))
    old = b"".join((head, fp.signature, *fp.bands, *(bytes.fromhex(k) for k in entry.url_keys), *entry.tail_keys))
    assert IndexEntry.from_bytes(old) == dataclasses.replace(entry, common_keys=())


def _article(n: int, text: str, site: str) -> Article:
    url = f"http://{site}.example/a/{n}"
    return Article(id=_id(n), url=url, final_url=url, canonical_url="", site=site,
                   fetched_at="2026-11-26T10:00:00+00:00", title=f"Story {n}", text=text)


def test_pipeline_flags_thin_pages_and_a_rebuilt_index_knows_what_they_taught(
    redis_settings: dict[str, str], key_prefix: str, tmp_path: Path
) -> None:
    settings = project_settings(**redis_settings, DEDUP_KEY_PREFIX=key_prefix, DEDUP_INDEX_CAPACITY=1000,
                                DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", STORAGE_BATCH_SECONDS=0)

    def stages() -> tuple[DedupPipeline, StoragePipeline, Any]:
        crawler = get_crawler(settings_dict=settings)
        crawler.stats.open_spider()
        return build_from_crawler(DedupPipeline, crawler), build_from_crawler(StoragePipeline, crawler), crawler

    def run(article: Article) -> Article | None:
        try:
            return settled(store.process_item(dedup.process_item(article)))
        except DuplicateDrop as drop:  # recorded as the crawl records it
            store.item_dropped(article, None, drop)
            return None

    sync_index(Settings(settings))
    dedup, store, crawler = stages()
    wall = run(_article(1, f"{HEADLINES[0]}\n\n{WALL}", "gazette"))
    assert wall is not None and wall.dedup["method"] == "thin" and crawler.stats.get_value("dedup/thin") == 1
    assert run(_article(2, f"{HEADLINES[1]}\n\n{WALL}", "courier")).dedup["method"] == "thin"
    for k in range(3):  # the unknown wall on three pages of one site (the last two dropped as copies)
        run(_article(10 + k, ODD_WALL, "ledger"))
    dedup.close_spider()
    with store.store.engine.connect() as conn:
        methods = dict(conn.execute(text("select id, dedup_method from articles")).all())
        dropped = conn.execute(text("select count(*) from duplicates")).scalar()
    assert (methods, dropped) == ({_id(1): "thin", _id(2): "thin", _id(10): "new"}, 2)
    # a rebuild deletes the learned lines with the index and replays what the stored rows taught
    assert sync_index(Settings(settings), force=True).action == "rebuilt"
    dedup, store, crawler = stages()
    assert run(_article(20, f"{HEADLINES[2]}\n\n{ODD_WALL}", "ledger")).dedup["method"] == "thin"


def test_common_line_counts_stay_bounded_and_keep_the_common_lines(redis_client: redis.Redis, key_prefix: str) -> None:
    table = CommonLines(redis_client, key_prefix, 3600, max_lines_per_site=50, flush_every=7)
    chrome = line_key("Story by")
    for page in range(40):  # 5 lines seen once per page, one on every page
        table.learn("ledger", (chrome, *(line_key(f"line {page} {k}") for k in range(5))))
    table.flush()
    stored = redis_client.hgetall(f"{key_prefix}:cl:{site_hash('ledger')}")
    assert len(stored) <= 50 and int(stored[chrome]) == 40
    assert len(table.counts["ledger"]) <= 50 and table.counts["ledger"][chrome] == 40
    with pytest.raises(ValueError, match="common_line_pages"):
        DedupConfig(common_line_pages=1)
