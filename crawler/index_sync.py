"""Keep the Redis dedup index derived from the database, the source of truth.

``sync_index(settings)`` runs before a crawl (every run, every worker) and before commands
that use the index. It compares what Redis holds (``<prefix>:meta``: params, generation,
database id; ``<prefix>:seq``) with what the database recorded (``index_state``, its
``database_id`` and the highest index number of its rows). An index that is empty while the
database has rows, belongs to another database (or to an earlier release), was built with
another text normalisation (``norm=v<N>`` of its parameters), is not the build
the database recorded, or counted less far than the database has seen (restarted from an
older copy) is **rebuilt from the database**: the articles and recorded duplicates inside
the window, in arrival order, with their sites, times and the site footers and common lines
they taught; the
reviewers' ``distinct`` pairs; and the seen-store of their URLs. With
``DEDUP_INDEX_REBUILD = "refuse"`` the run refuses instead (``IndexRefused``, one line).

Then articles stored unchecked while Redis was unreachable (``DEDUP_ON_REDIS_DOWN =
"store-unchecked"``) are checked in arrival order and reconciled: a duplicate moves to
``duplicates`` with its scores, in one transaction each.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import redis

from crawler.connection import get_redis
from crawler.incremental import SeenStore, marked_urls, seen_keys_of
from crawler.index_lock import index_lock
from pipelines.dedup.bulkload import BulkLoader, LoadRow
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.entry import IndexEntry
from pipelines.dedup.index import IndexParamsMismatch, RedisIndex, stored_generation
from pipelines.dedup.rank import article_rank
from pipelines.storage import index_source as source
from pipelines.storage.store import Store, open_store, prepare

logger = logging.getLogger(__name__)

BATCH = 2000  # rows per pipelined round trip of the rebuild


class IndexRefused(RuntimeError):
    """The index must be rebuilt and ``DEDUP_INDEX_REBUILD`` is ``refuse``."""


@dataclass
class SyncResult:
    """What ``sync_index`` found and did."""

    generation: str
    action: str  # ok | created | rebuilt
    reason: str = ""  # why it was rebuilt
    rows: int = 0  # rows replayed into the index
    seconds: float = 0.0
    reconciled: dict[str, int] = field(default_factory=dict)  # duplicate / kept / gone counts


def stale_reason(state: dict[str, Any], recorded: dict[str, Any] | None, database: str, mark: int,
                 rows: int) -> str | None:
    """Why the index described by ``state`` cannot serve this database, or None when it can.

    ``recorded``: the database's ``index_state`` row; ``database``: its id; ``mark``: its
    high-water mark; ``rows``: its rows inside the window."""
    if not state["params"]:
        return f"the index is empty and the database has {rows} rows in the window" if rows or mark else None
    if state["db"] != database:
        return ("the index was built by an earlier release" if not state["db"]
                else "the index belongs to another database")
    if recorded is None or recorded["generation"] != state["gen"]:
        return "the index is not the build the database recorded"
    if int(state["seq"] or 0) < mark:
        return f"the index is older than the database (it counted to {state['seq']}, the database has seen {mark})"
    return None


def band_groups_behind(index: RedisIndex, store: Store, rows: int = 1000) -> str | None:
    """Why a grouped index (``pipelines.dedup.groups``) lost band entries the database relies
    on, or None: a band group whose highest number appended (``top``) is below the number of
    the newest stored row with a band in that group lost writes — its master failed over before
    they reached a replica, or restarted without them. (The index's own counter catches the same
    for the records, ``stale_reason``.) Looks at the ``rows`` newest rows with bands."""
    groups = index.band_groups
    if groups is None:
        return None
    tops = groups.tops()
    needed: dict[int, int] = {}
    for seq, blob in source.newest_banded_entries(store, rows):
        try:
            bands = IndexEntry.from_bytes(blob).fingerprint.bands
        except ValueError:
            continue
        for group in groups.split(b"".join(bands)):
            needed.setdefault(group, seq)
        if len(needed) == groups.groups:
            break
    behind = sorted(g for g, seq in needed.items() if tops[g] < seq)
    if not behind:
        return None
    g = behind[0]
    return (f"{len(behind)} band group(s) of the index lost writes (a failover or a restart without them): "
            f"group {g} counted to {tops[g]}, the database has a row numbered {needed[g]} with a band there")


def normalization_change(stored: str, current: str) -> str | None:
    """Why an index whose recorded parameters ``stored`` differ from ``current`` only in the
    normalisation version (``norm=v<N>``, a release that changed normalisation) must be
    rebuilt; None when they differ otherwise (other ``DEDUP_*`` settings: refused) or not at all."""
    old, new = stored.split(";"), current.split(";")
    if not stored or len(old) != len(new) or old[0] == new[0] or old[1:] != new[1:]:
        return None
    if not (old[0].startswith("norm=") and new[0].startswith("norm=")):
        return None
    return f"the index was built with text normalisation {old[0][5:]}, this release uses {new[0][5:]}"


def _progress(total: int, show: bool) -> Any:
    if not show or not total:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="row", desc="Rebuilding the dedup index", file=sys.stderr)


def rebuild(store: Store, client: redis.Redis, config: DedupConfig, settings: Any, progress: bool = False) -> int:
    """Rebuild the index of ``config.key_prefix`` from ``store``; returns the rows replayed."""
    started = time.perf_counter()
    generation = uuid.uuid4().hex
    index = RedisIndex(client, config.key_prefix, config.index_params(), config.window_days * 86400,
                       config.shards, config.key_shards, groups=config.band_groups)
    index.reset(generation, source.database_id(store), source.high_water_mark(store))
    deduper = Deduper(client, config, generation)
    seen = SeenStore(client, config.key_prefix, settings.getfloat("SEEN_TTL_DAYS") * 86400)
    loader = BulkLoader(client, index)
    since = source.window_start(store, config.window_days * 86400)
    bar = _progress(source.count_rows(store, since), progress)
    rows = 0
    batch: list[LoadRow] = []
    seen_keys: list[str] = []
    taught: dict[str, set[bytes]] = {}  # site -> footer line keys its rows taught (only presence is kept)
    common: list[tuple[str, tuple[bytes, ...]]] = []  # (site, common-line keys) per row: counts are kept

    def learn() -> None:  # what the site-footer store keeps: which lines each site's pages ended with
        for site, keys in taught.items():
            deduper.sites.learn_keys(site, sorted(keys))
        taught.clear()
        for site, keys in common:  # how many distinct pages of each site carried each short line
            deduper.common.learn(site, keys)
        common.clear()

    # The seen-store and the site footers are written on a thread of their own: their client-side
    # packing then overlaps the waits for the index writes (20k rows: 3.6 s -> see make bench).
    side = ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-rebuild-side")
    side_writes: list[Future] = []

    def flush() -> None:
        if batch:
            loader.load(batch)
            side_writes.append(side.submit(seen.mark_keys, *seen_keys))
            if bar is not None:
                bar.update(len(batch))
            batch.clear()
            seen_keys.clear()

    for row in source.rows_for_index(store, since):
        entry = None
        if row["entry"]:
            try:
                entry = IndexEntry.from_bytes(bytes(row["entry"]))
            except ValueError:
                entry = None
        if entry is None or entry.tag != deduper.tag:  # no entry, or made under other parameters
            learn()  # its text is stripped of the footers and common lines earlier rows taught
            rank = article_rank(row["published"], row["site"], row["sitename"], json.loads(row["credits"] or "[]"))
            entry = deduper.fingerprint_entry(row["text"] or _text(store, row), row["site"], row["urls"], row["id"],
                                              rank)
            if row["kept"] or row["bands"]:  # not a URL/exact copy (their checks taught nothing or ~nothing)
                common.append((row["site"], entry.common_keys))
        elif row["site"]:
            taught.setdefault(row["site"], set()).update(entry.tail_keys)
            common.append((row["site"], entry.common_keys))
        batch.append(LoadRow(row["id"], row["site"], row["kept"], row["kept_id"], row["bands"],
                             source.unix_time(row["at"]), entry.fingerprint, entry.url_keys, entry.rank_bytes))
        seen_keys.extend(seen_keys_of(marked_urls(*row["urls"], config.keep), row["id"]))
        rows += 1
        if len(batch) >= BATCH:
            flush()
    flush()
    learn()
    side_writes.append(side.submit(deduper.close))
    try:
        replayed = loader.finish()
        for done in side_writes:
            done.result()
    finally:
        side.shutdown(wait=True)
    for a, b in source.distinct_pairs(store):
        deduper.mark_distinct(a, b)
    deduper.close()
    if bar is not None:
        bar.close()
    source.set_index_state(store, config.key_prefix, generation, index.params, rows)
    elapsed = time.perf_counter() - started
    log = logger.warning if rows else logger.info
    log("Dedup index %r rebuilt from %d rows of the database (%d indexed) in %.1f s (%.0f rows/s)",
                   config.key_prefix, rows, replayed, elapsed, rows / elapsed if elapsed else 0.0)
    return rows


def _text(store: Store, row: dict[str, Any]) -> str:
    """The text of a row whose entry could not be used (read separately: the rows query only
    carries texts of rows without an entry)."""
    from sqlalchemy import select

    from pipelines.storage.models import articles, duplicates

    table, key = (articles, articles.c.id) if row["kept"] else (duplicates, duplicates.c.article_id)
    with store.engine.connect() as conn:
        return conn.execute(select(table.c.text).where(key == row["id"])).scalar() or ""


def _reconcile(store: Store, client: redis.Redis, config: DedupConfig, generation: str, settings: Any) -> dict:
    """Check, in arrival order, the articles stored unchecked; move duplicates; count outcomes."""
    waiting = source.unchecked_articles(store)
    counts = {"duplicate": 0, "kept": 0, "gone": 0}
    if not waiting:
        return counts
    deduper = Deduper(client, config, generation)
    seen = SeenStore(client, config.key_prefix, settings.getfloat("SEEN_TTL_DAYS") * 86400)
    for row in waiting:
        urls = (row["url"], row["final_url"], row["canonical_url"])
        rank = article_rank(row["published"], row["site"], row["sitename"], json.loads(row["credits"] or "[]"))
        at_canonical = row["canonical_url"] if row["canonical_url"] in urls[:2] else ""
        decision = deduper.check(row["id"], row["text"], row["site"], urls, rank=rank, canonical=at_canonical)
        outcome = source.reconcile(store, row["id"], decision)
        counts[outcome] += 1
        seen.mark(*marked_urls(*urls, config.keep))
        if outcome == "duplicate":
            logger.info("Reconciled: %s (stored unchecked) is a %s duplicate of %s", row["url"], decision.method,
                        decision.duplicate_of)
    deduper.close()
    logger.warning("Reconciled %d articles stored while Redis was unreachable: %d duplicates moved, %d kept",
                   len(waiting), counts["duplicate"], counts["kept"])
    return counts


def sync_index(settings: Any, *, progress: bool | None = None, force: bool = False) -> SyncResult:
    """Make the index of ``DEDUP_KEY_PREFIX`` a current build of ``DATABASE_URL``'s rows (see the
    module docstring), then reconcile unchecked articles. Raises ``IndexRefused``,
    ``IndexParamsMismatch``, and redis-py's connection errors when Redis does not answer."""
    config = DedupConfig.from_settings(settings)
    client = get_redis(settings)
    prepare(settings.get("DATABASE_URL"))  # rebuilds and reconciliations write
    store = open_store(settings.get("DATABASE_URL"))
    show = sys.stderr.isatty() if progress is None else progress
    started = time.perf_counter()
    try:
        with index_lock(client, config.key_prefix):
            result = _sync_locked(settings, config, client, store, show, force)
    finally:
        store.engine.dispose()
    result.seconds = time.perf_counter() - started
    return result


def _sync_locked(settings: Any, config: DedupConfig, client: redis.Redis, store: Store, show: bool,
                 force: bool) -> SyncResult:
    """``sync_index``'s work, under the index lock."""
    index = RedisIndex(client, config.key_prefix, config.index_params(), config.window_days * 86400,
                       config.shards, config.key_shards, groups=config.band_groups)
    state = index.state()
    renormalized = normalization_change(str(state["params"] or ""), index.params)
    if state["params"] and state["params"] != index.params and not renormalized:
        index.verify_params()  # raises IndexParamsMismatch with the full explanation
    database = source.database_id(store)
    mark = source.high_water_mark(store)
    rows = source.count_rows(store, source.window_start(store, config.window_days * 86400))
    reason = "a rebuild was asked for" if force else renormalized or stale_reason(
        state, source.get_index_state(store, config.key_prefix), database, mark, rows) or (
        band_groups_behind(index, store) if state["params"] else None)
    if reason is None and not state["params"]:  # a new index for a database with no rows in it yet
        rebuild(store, client, config, settings, False)
        result = SyncResult(index.state()["gen"] or "", "created")
    elif reason is None:
        result = SyncResult(str(state["gen"]), "ok")
    else:
        if settings.get("DEDUP_INDEX_REBUILD") == "refuse" and not force:
            raise IndexRefused(f"the dedup index {config.key_prefix!r} must be rebuilt ({reason}) and "
                               f"DEDUP_INDEX_REBUILD is 'refuse': run `scrapy dedup rebuild`")
        logger.warning("Rebuilding the dedup index %r from the database: %s", config.key_prefix, reason)
        count = rebuild(store, client, config, settings, show)
        result = SyncResult(index.state()["gen"] or "", "rebuilt", reason, count)
    result.reconciled = _reconcile(store, client, config, result.generation, settings)
    return result


__all__ = ["IndexParamsMismatch", "IndexRefused", "SyncResult", "rebuild", "stale_reason", "sync_index"]


def current_deduper(settings: Any) -> Deduper:
    """A ``Deduper`` on the index build ``<prefix>:meta`` names (after ``sync_index``)."""
    config = DedupConfig.from_settings(settings)
    client = get_redis(settings)
    return Deduper(client, config, stored_generation(client, config.key_prefix))


def sync_problem(settings: Any) -> str | None:
    """``sync_index`` for a command's preflight: None when the index is ready (rebuilt if it had
    to be), else one line saying why the run cannot start. Logs what it did."""
    if not settings.getbool("DEDUP_ENABLED"):
        return None
    from crawler.connection import describe_settings

    try:
        sync_index(settings)
    except (IndexRefused, IndexParamsMismatch) as exc:
        return str(exc)
    except ValueError as exc:
        return f"invalid DEDUP_* setting: {exc}"
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        return f"Redis unavailable ({describe_settings(settings)}): {exc.__class__.__name__}: {exc}"
    return None
